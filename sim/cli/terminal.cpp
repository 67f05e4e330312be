#include "terminal.hpp"

#include <cstdio>
#include <string>

#include "capsim/core/text.hpp"

namespace capsim::cli {

namespace {
void print_to(std::FILE* stream, std::string_view text) {
  const std::string shown = terminal_text(text);
  std::fwrite(shown.data(), 1, shown.size(), stream);
}
}  // namespace

void print_out(std::string_view text) {
  print_to(stdout, text);
}

void print_err(std::string_view text) {
  print_to(stderr, text);
}

}  // namespace capsim::cli
