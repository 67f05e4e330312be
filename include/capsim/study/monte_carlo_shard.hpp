#pragma once
/// A shard of a Monte Carlo study (`capsim run --replications N --shard K/N --out DIR`): its
/// replications exactly as they came out (draws, figures and timeseries, every number in its
/// shortest round-trip form), for `capsim run --replications N --merge DIR...` to join. The
/// merge recomputes every statistic from the joined replications, so its files are
/// byte-identical to an unsharded run's.

#include <filesystem>
#include <string>
#include <vector>

#include "capsim/study/monte_carlo.hpp"

namespace capsim::study {

/// The study's identity: the resolved nominal scenario, its uncertain inputs as written, the
/// replication count and the version, 16 hex digits. A shard of another study is refused.
std::string study_fingerprint(const MonteCarloStudy& study, std::uint64_t replications);

/// Writes DIR/replications_shard.csv (one row per replication, in index order) and
/// DIR/shard.yaml (fingerprint, replications, shard) last. Throws OutputError.
std::vector<std::filesystem::path> write_shard(const std::filesystem::path& directory,
                                               const MonteCarloStudy& study,
                                               const MonteCarloOptions& options,
                                               const std::vector<Replication>& reps);

/// Reads shard folders of the study and returns every replication in index order. Throws
/// InputError naming the folder when one is of another study (fingerprint), damaged, or when
/// the shards together do not hold each of the options.replications exactly once.
std::vector<Replication> read_shards(const std::vector<std::filesystem::path>& directories,
                                     const MonteCarloStudy& study,
                                     const MonteCarloOptions& options);

}  // namespace capsim::study
