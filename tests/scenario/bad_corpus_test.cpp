#include <doctest/doctest.h>

#include "capsim/scenario/loader.hpp"
#include "corpus.hpp"
#include "test_paths.hpp"

namespace capsim::scenario {
namespace {

TEST_CASE("scenario: every malformed scenario of the corpus is rejected with its exact error") {
  const std::vector<test::CorpusCase> cases = test::bad_corpus();
  CHECK(cases.size() >= 30);
  for (const test::CorpusCase& corpus_case : cases) {
    INFO("corpus file: " << corpus_case.path);
    CHECK_FALSE(corpus_case.expected.empty());
    std::vector<std::string> reported;
    try {
      load_scenario(corpus_case.path, corpus_case.overrides, test::test_load_options());
    } catch (const InputError& error) {
      for (const Diagnostic& diagnostic : error.diagnostics()) {
        reported.push_back(diagnostic.format());
      }
    }
    CHECK_FALSE(reported.empty());
    // support/not-a-scenario.txt holds this word: no message may quote the files it names.
    for (const std::string& line : reported)
      CHECK(line.find("hunter2") == std::string::npos);
    // Every problem is expected: nothing extra, nothing missing.
    CHECK(reported.size() == corpus_case.expected.size());
    std::string all_reported;
    for (const std::string& line : reported)
      all_reported += "\n  " + line;
    INFO("reported:" << all_reported);
    for (const std::string& expected : corpus_case.expected) {
      // Expectations name the place without the case's own directory: "LINE:COL: ..." for the
      // file itself, "support/base.yaml:LINE:COL: ..." or "--set #1:1:5: ..." for others.
      const bool found =
          std::any_of(reported.begin(), reported.end(), [&](const std::string& line) {
            return line.size() >= expected.size() &&
                   line.compare(line.size() - expected.size(), expected.size(), expected) == 0 &&
                   (line.size() == expected.size() ||
                    line[line.size() - expected.size() - 1] == ':' ||
                    line[line.size() - expected.size() - 1] == '/');
          });
      INFO("expected: " << expected);
      CHECK(found);
    }
  }
}

}  // namespace
}  // namespace capsim::scenario
