#pragma once
// The message a constructor refuses its arguments with, for exact-message checks.

#include <stdexcept>
#include <string>

namespace capsim::uncertainty::test {

/// The message of the std::invalid_argument that `make` throws ("" if none).
template <typename Make>
std::string refusal(Make make) {
  try {
    make();
  } catch (const std::invalid_argument& problem) {
    return problem.what();
  }
  return "";
}

}  // namespace capsim::uncertainty::test
