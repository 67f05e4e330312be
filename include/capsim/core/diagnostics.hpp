#pragma once
/// Input errors with their place: file:line:col, the key path, what was expected and what was
/// found. Library code collects and throws them; only the command line prints them.

#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace capsim {

/// A place in an input file. Lines and columns count from 1; 0 means unknown.
struct SourceLocation {
  std::shared_ptr<const std::string> file;
  int line = 0;
  int column = 0;
  /// "file:line:col", or what of it is known.
  std::string format() const;
};

/// One problem with the input.
struct Diagnostic {
  SourceLocation location;
  std::string path;     ///< key path, e.g. "sites[2].it_power_cap"; may be empty
  std::string message;  ///< "expected ..., found ..."
  /// "file:line:col: path: message".
  std::string format() const;
};

/// Every problem found in an input, in the order found. Thrown only when non-empty.
class InputError : public std::runtime_error {
 public:
  explicit InputError(std::vector<Diagnostic> diagnostics);
  const std::vector<Diagnostic>& diagnostics() const { return diagnostics_; }

 private:
  std::vector<Diagnostic> diagnostics_;
};

/// Collects diagnostics so that a loader reports all problems, not only the first.
class Diagnostics {
 public:
  /// Adds a problem; any control character in its path or message becomes '?'.
  void add(SourceLocation location, std::string path, std::string message);
  void add(Diagnostic diagnostic);
  bool empty() const { return items_.empty(); }
  std::size_t size() const { return items_.size(); }
  const std::vector<Diagnostic>& items() const { return items_; }
  /// Throws InputError with everything collected, if anything was.
  void throw_if_any() const;

 private:
  std::vector<Diagnostic> items_;
};

/// The closest of `candidates` to `word` by edit distance, if close enough to be a likely
/// typo (distance <= max(1, length/3)); empty otherwise.
std::string closest_match(const std::string& word, const std::vector<std::string>& candidates);

}  // namespace capsim
