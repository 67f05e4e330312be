#pragma once
// The capsim subcommands. Each takes the arguments after its name and returns the exit status:
// 0 success, 2 bad input or usage (UsageError), 1 internal error.

#include <string>
#include <vector>

namespace capsim::cli {

using Arguments = std::vector<std::string>;

int run_mmc(const Arguments& arguments);
int run_run(const Arguments& arguments);
int run_validate(const Arguments& arguments);
int run_explain(const Arguments& arguments);
int run_schema(const Arguments& arguments);
int run_capacity_search(const Arguments& arguments);

}  // namespace capsim::cli
