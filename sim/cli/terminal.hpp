#pragma once
// What the command line prints. Text from input files (names in messages, values quoted in
// errors, a file's own name) reaches the terminal only through these, which escape anything
// non-printable (core/text.hpp's terminal_text): a scenario named "a\e[2J" cannot clear the
// screen, recolour the output or fake a line (issue 22).

#include <string_view>

namespace capsim::cli {

/// Writes `text` to standard output, escaped for a terminal.
void print_out(std::string_view text);
/// Writes `text` to standard error, escaped for a terminal.
void print_err(std::string_view text);

}  // namespace capsim::cli
