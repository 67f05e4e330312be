#pragma once
// The capsim subcommands. Each takes the arguments after its name and returns the exit status:
// 0 success, 2 bad input or usage (UsageError), 1 internal error.

#include <string>
#include <vector>

#include "capsim/core/diagnostics.hpp"

namespace capsim::cli {

/// --scale's help, the same for every command that takes it.
inline constexpr const char* kScaleHelp =
    "multiply every number the path matches, after --set: * is every key or list item at its "
    "place, ** any depth, price* any key starting so "
    "(catalog.accelerators[*].price_installed_per_gpu=1.2)";

using Arguments = std::vector<std::string>;

/// Prints each of the error's diagnostics on stderr, one a line (file:line:col: key.path: ...).
void print_diagnostics(const InputError& error);

int run_mmc(const Arguments& arguments);
int run_sweep_command(const Arguments& arguments);
int run_merge(const Arguments& arguments);
int run_analyze(const Arguments& arguments);
int run_run(const Arguments& arguments);
int run_validate(const Arguments& arguments);
int run_explain(const Arguments& arguments);
int run_schema(const Arguments& arguments);
int run_capacity_search(const Arguments& arguments);
int run_compare(const Arguments& arguments);

}  // namespace capsim::cli
