#include "capsim/output/comparison.hpp"

#include <doctest/doctest.h>

#include <string>
#include <vector>

namespace capsim::output {
namespace {

// A baseline and two designs: "b" lacks "energy" and adds "margin"; "c" has a zero where the
// baseline has one, and a negative baseline value to compare with.
std::vector<ComparedRun> three_runs() {
  return {
      {"base", {{"capex_usd", 160e6}, {"energy", 2000.0}, {"staff", 0.0}, {"margin", -400.0}}},
      {"b", {{"capex_usd", 182.8e6}, {"staff", 0.0}, {"margin", -300.0}, {"new", 7.0}}},
      {"c", {{"capex_usd", 120e6}, {"energy", 1000.0}, {"staff", 5.0}}},
  };
}

TEST_CASE("comparison: rows are the union of figures, baseline order first, gaps stay empty") {
  const Comparison comparison = compare_runs(three_runs());
  CHECK(comparison.labels == std::vector<std::string>{"base", "b", "c"});
  std::vector<std::string> figures;
  for (const ComparisonRow& row : comparison.rows)
    figures.push_back(row.figure);
  CHECK(figures == std::vector<std::string>{"capex_usd", "energy", "staff", "margin", "new"});
  CHECK_FALSE(comparison.rows[1].values[1].has_value());  // "b" has no energy
  CHECK_FALSE(comparison.rows[4].values[0].has_value());  // the baseline has no "new"
  CHECK(*comparison.rows[4].values[1] == 7.0);
}

TEST_CASE("comparison: differences and relative differences, none against 0 or a gap") {
  CHECK(*difference(182.8e6, 160e6) == doctest::Approx(22.8e6));
  CHECK(*relative_difference(182.8e6, 160e6) == doctest::Approx(0.1425));
  // Against a negative baseline, "more" is still positive: (-300 - -400) / 400 = +25%.
  CHECK(*relative_difference(-300.0, -400.0) == doctest::Approx(0.25));
  CHECK_FALSE(relative_difference(5.0, 0.0).has_value());
  CHECK_FALSE(difference(std::nullopt, 1.0).has_value());
  CHECK_FALSE(relative_difference(1.0, std::nullopt).has_value());
}

TEST_CASE("comparison: the wide text table, exactly") {
  const std::string table = comparison_table(compare_runs(three_runs()), TableStyle::wide);
  // Widths: each column as wide as its widest cell; the trailing empty cells are trimmed.
  const std::string expected =
      "figure            base            b            c     b - base  b vs base     c - base  "
      "c vs base\n"
      "capex_usd  160,000,000  182,800,000  120,000,000  +22,800,000    +14.25%  -40,000,000  "
      "  -25.00%\n"
      "energy           2,000                     1,000                               -1,000  "
      "  -50.00%\n"
      "staff                0            0            5            0        n/a           +5  "
      "      n/a\n"
      "margin            -400         -300                      +100    +25.00%\n"
      "new                               7\n";
  CHECK(table == expected);
}

TEST_CASE("comparison: the narrow table reads its units and fits 100 columns") {
  const std::string table = comparison_table(compare_runs(three_runs()));
  // The figures' names carry their units: capex_usd in dollars; the others plain numbers.
  const std::string expected =
      "figure        base        b        c  b - base  b vs base  c - base  c vs base\n"
      "capex_usd  $160.0M  $182.8M  $120.0M   +$22.8M    +14.25%   -$40.0M    -25.00%\n"
      "energy       2,000             1,000                         -1,000    -50.00%\n"
      "staff            0        0        5         0        n/a        +5        n/a\n"
      "margin        -400     -300               +100    +25.00%\n"
      "new                       7\n";
  CHECK(table == expected);
}

TEST_CASE("comparison: a narrow table too wide for 100 columns splits into a block per design") {
  std::vector<ComparedRun> runs;
  for (const char* label : {"baseline-with-a-long-name", "design-with-a-long-name-one",
                            "design-with-a-long-name-two"}) {
    runs.push_back({label,
                    {{"inference[frontier-api-with-a-long-name].cost_per_million_tokens_usd", 0.5},
                     {"totals.capex_usd", 1.5e11}}});
  }
  const std::string table = comparison_table(compare_runs(runs));
  std::size_t widest = 0;
  for (std::size_t start = 0, end; start < table.size(); start = end + 1) {
    end = table.find('\n', start);
    widest = std::max(widest, end - start);
  }
  CHECK(widest <= kNarrowColumns);
  CHECK(table.rfind("design-with-a-long-name-one against baseline-with-a-long-name:\n", 0) == 0);
  CHECK(table.find("\n\ndesign-with-a-long-name-two against baseline-with-a-long-name:\n") !=
        std::string::npos);
  CHECK(table.find("  - base  vs base\n") != std::string::npos);
  CHECK(table.find("totals.capex_usd") != std::string::npos);
}

TEST_CASE("comparison: CSV columns and full-precision values") {
  const CsvWriter csv = comparison_csv(compare_runs(three_runs()));
  CHECK(csv.str() ==
        "figure,base,b,c,b_minus_base,b_relative,c_minus_base,c_relative\n"
        "capex_usd,160000000,182800000,120000000,22800000,0.1425,-40000000,-0.25\n"
        "energy,2000,,1000,,,-1000,-0.5\n"
        "staff,0,0,5,0,,5,\n"
        "margin,-400,-300,,100,0.25,,\n"
        "new,,7,,,,,\n");
}

TEST_CASE("comparison: numbers for a reader") {
  CHECK(format_human(62.5e9) == "62,500,000,000");
  CHECK(format_human(-1234.4) == "-1,234");
  CHECK(format_human(999.6) == "1,000");
  CHECK(format_human(123.456) == "123.5");
  CHECK(format_human(0.7) == "0.7");
  CHECK(format_human(1.2345e-5) == "1.234e-05");
  CHECK(format_human(0.0) == "0");
  CHECK(format_human(-0.0, true) == "0");
  CHECK(format_human(22.8e6, true) == "+22,800,000");
  CHECK(format_human(-0.25, true) == "-0.25");
  CHECK(format_percent(0.1425) == "+14.25%");
  CHECK(format_percent(-0.005) == "-0.50%");
  CHECK(format_percent(0.0) == "0.00%");
  CHECK(format_percent(12.345) == "+1,234.50%");
  CHECK(format_percent(3.1e-7) == "+3.1e-05%");
}

TEST_CASE("comparison: figure patterns are prefixes, or globs with * and ?") {
  CHECK(figure_matches("totals.capex_usd", "totals."));
  CHECK(figure_matches("totals.capex_usd", "totals.capex_usd"));
  CHECK_FALSE(figure_matches("gpus.ordered", "totals."));
  CHECK(figure_matches("totals.capex_usd", "totals.*"));
  CHECK(figure_matches("inference[chat].cost_per_million_tokens_usd",
                       "inference[*].cost_per_million_tokens_usd"));
  CHECK_FALSE(
      figure_matches("inference[chat].cost_usd", "inference[*].cost_per_million_tokens_usd"));
  // A glob is matched against the whole name; brackets are literal.
  CHECK_FALSE(figure_matches("totals.capex_usd", "total?.capex"));
  CHECK_FALSE(figure_matches("totals.capex_usd", "*capex"));
  CHECK(figure_matches("totals.capex_usd", "*capex*"));
  CHECK(figure_matches("fleet_at[2026-01-01].gpus_installed", "fleet_at[202?-01-01].*"));
  CHECK_FALSE(figure_matches("fleet_at[2026-01-01].gpus_installed", "fleet_at[c].*"));
  const std::vector<SummaryFigure> figures = {{"a.x", 1}, {"b.x", 2}, {"a.y", 3}};
  const std::vector<SummaryFigure> selected = select_figures(figures, {"a.", "*.y"});
  REQUIRE(selected.size() == 2);
  CHECK(selected[0].name == "a.x");
  CHECK(selected[1].name == "a.y");
  CHECK(select_figures(figures, {}).size() == 3);
}

TEST_CASE("comparison: repeated labels get their position") {
  CHECK(unique_labels({"meta", "meta", "other", "meta"}) ==
        std::vector<std::string>{"meta", "meta#2", "other", "meta#4"});
}

}  // namespace
}  // namespace capsim::output
