#pragma once
// The bad-input corpus: every file in tests/scenario/bad/ is a malformed scenario that must be
// rejected with an exact error. Expectations are "# expect: LINE:COL: PATH: MESSAGE" lines in
// the file (or, for files that cannot hold a comment, lines "expect: ..." in FILE.expect), and
// "# set: key.path=value" lines give --set overrides. support/ holds files the cases extend.

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace capsim::test {

struct CorpusCase {
  std::string path;
  std::vector<std::string> expected;  ///< each "LINE:COL: PATH: MESSAGE" after "FILE:"
  std::vector<std::string> overrides;
};

inline std::vector<std::string> prefixed_lines(const std::string& file, const std::string& prefix) {
  std::ifstream input(file, std::ios::binary);
  std::vector<std::string> found;
  std::string line;
  while (std::getline(input, line)) {
    if (line.rfind(prefix, 0) == 0)
      found.push_back(line.substr(prefix.size()));
  }
  return found;
}

inline std::vector<CorpusCase> bad_corpus() {
  const std::filesystem::path folder =
      std::filesystem::path(CAPSIM_SOURCE_DIR) / "tests/scenario/bad";
  std::vector<CorpusCase> cases;
  for (const auto& entry : std::filesystem::directory_iterator(folder)) {
    if (!entry.is_regular_file() || entry.path().extension() == ".expect")
      continue;
    CorpusCase corpus_case;
    corpus_case.path = entry.path().string();
    const std::string sidecar = corpus_case.path + ".expect";
    corpus_case.expected = std::filesystem::exists(sidecar)
                               ? prefixed_lines(sidecar, "expect: ")
                               : prefixed_lines(corpus_case.path, "# expect: ");
    corpus_case.overrides = prefixed_lines(corpus_case.path, "# set: ");
    cases.push_back(std::move(corpus_case));
  }
  std::sort(cases.begin(), cases.end(),
            [](const CorpusCase& a, const CorpusCase& b) { return a.path < b.path; });
  return cases;
}

}  // namespace capsim::test
