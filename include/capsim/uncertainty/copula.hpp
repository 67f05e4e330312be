#pragma once
/// Rank correlation between groups of uncertain inputs, by a Gaussian copula.
///
/// Each group draws one uniform from its own stream. The copula turns the groups' independent
/// uniforms into correlated ones: z = Phi^-1(u), z' = L z with L L^T the Pearson correlation
/// matrix, u' = Phi(z'). Each u' is still uniform, so every input keeps its own distribution;
/// only the joint ranks change. A bivariate normal with Pearson correlation r has Spearman
/// correlation (6 / pi) asin(r / 2), so the matrix holds r = 2 sin(pi rho / 6) for the rank
/// correlation rho asked for, and the copula keeps rho exactly (in expectation).
///
/// A group in no pair (or only in pairs of rank 0) gets its own uniform back bit for bit:
/// adding a correlation between two groups never moves a third.

#include <cstddef>
#include <string>
#include <vector>

namespace capsim::uncertainty {

/// Spearman rank correlation `rank` in [-1, 1] between groups `first` and `second`.
struct RankCorrelation {
  std::size_t first = 0;
  std::size_t second = 0;
  double rank = 0.0;
};

/// The Pearson correlation of a bivariate normal whose Spearman correlation is `rank`:
/// 2 sin(pi rank / 6), exactly -1, 0 and 1 at -1, 0 and 1.
double pearson_of_rank(double rank);

class GaussianCopula {
 public:
  /// Groups named in messages by `names` (one per group). Throws std::invalid_argument, for
  /// the user: a rank outside [-1, 1], a pair of one group, a pair given twice, or ranks that no
  /// joint distribution can have together ("the correlations are not consistent: the matrix is
  /// not positive definite: ..." naming the smallest set of pairs at fault). A matrix that is
  /// only semi-definite, as a rank of exactly 1 or -1 makes it, is a valid (degenerate) joint
  /// distribution and is accepted: groups of rank 1 get identical uniforms.
  GaussianCopula(std::vector<std::string> names, const std::vector<RankCorrelation>& pairs);
  /// The same with the groups named "#1", "#2", ...
  GaussianCopula(std::size_t groups, const std::vector<RankCorrelation>& pairs);

  std::size_t groups() const { return names_.size(); }
  /// Whether group `group` is in a pair of non-zero rank (else correlate() leaves its uniform).
  bool correlated(std::size_t group) const { return correlated_[group]; }

  /// Independent uniforms in [0, 1], one per group, to correlated ones in (0, 1). O(groups^2).
  /// Precondition: uniforms.size() == groups() (std::invalid_argument otherwise).
  std::vector<double> correlate(const std::vector<double>& uniforms) const;

 private:
  std::vector<std::string> names_;
  std::vector<bool> correlated_;
  /// z' = factor z, row-major groups x groups; factor factor^T is the Pearson matrix.
  std::vector<double> factor_;
};

}  // namespace capsim::uncertainty
