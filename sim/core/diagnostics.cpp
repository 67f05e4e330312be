#include "capsim/core/diagnostics.hpp"

#include <algorithm>

#include <fmt/format.h>

#include "capsim/core/text.hpp"

namespace capsim {

std::string SourceLocation::format() const {
  const std::string name = file ? without_control_characters(*file) : std::string("<input>");
  if (line <= 0)
    return name;
  if (column <= 0)
    return fmt::format("{}:{}", name, line);
  return fmt::format("{}:{}:{}", name, line, column);
}

std::string Diagnostic::format() const {
  if (path.empty())
    return fmt::format("{}: {}", location.format(), message);
  return fmt::format("{}: {}: {}", location.format(), path, message);
}

namespace {
std::string join_diagnostics(const std::vector<Diagnostic>& diagnostics) {
  std::string text;
  for (const Diagnostic& diagnostic : diagnostics) {
    if (!text.empty())
      text += '\n';
    text += diagnostic.format();
  }
  return text;
}

std::size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<std::size_t> previous(b.size() + 1), current(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j)
    previous[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    current[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
      current[j] = std::min({previous[j] + 1, current[j - 1] + 1, substitution});
    }
    std::swap(previous, current);
  }
  return previous[b.size()];
}
}  // namespace

InputError::InputError(std::vector<Diagnostic> diagnostics)
    : std::runtime_error(join_diagnostics(diagnostics)), diagnostics_(std::move(diagnostics)) {}

void Diagnostics::add(SourceLocation location, std::string path, std::string message) {
  add(Diagnostic{std::move(location), std::move(path), std::move(message)});
}

void Diagnostics::add(Diagnostic diagnostic) {
  // Whatever a message quotes, no control character reaches a terminal, a log or a line of
  // its own through it: the places that quote input keep their quotes short (excerpt).
  diagnostic.path = without_control_characters(diagnostic.path);
  diagnostic.message = without_control_characters(diagnostic.message);
  items_.push_back(std::move(diagnostic));
}

void Diagnostics::throw_if_any() const {
  if (!items_.empty())
    throw InputError(items_);
}

std::string closest_match(const std::string& word, const std::vector<std::string>& candidates) {
  std::string best;
  std::size_t best_distance = SIZE_MAX;
  for (const std::string& candidate : candidates) {
    const std::size_t distance = edit_distance(word, candidate);
    if (distance < best_distance) {
      best_distance = distance;
      best = candidate;
    }
  }
  const std::size_t allowed = std::max<std::size_t>(1, word.size() / 3);
  return best_distance <= allowed ? best : std::string();
}

}  // namespace capsim
