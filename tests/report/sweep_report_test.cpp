#include <doctest/doctest.h>

#include <string>

#include "capsim/report/figure_quantity.hpp"
#include "capsim/report/sweep_report.hpp"

namespace capsim::report {
namespace {

std::size_t occurrences(const std::string& text, const std::string& part) {
  std::size_t count = 0;
  for (std::size_t at = text.find(part); at != std::string::npos; at = text.find(part, at + 1))
    ++count;
  return count;
}

/// The text of the figure whose data-chart is `id`.
std::string figure_of(const std::string& page, const std::string& id) {
  const std::size_t start = page.find("data-chart=\"" + id + "\"");
  if (start == std::string::npos)
    return "";
  return page.substr(start, page.find("</figure>", start) - start);
}

/// A 2 x 2 grid sweep, 2 replications per point: budget in {$10B, $20B}, utilisation in
/// {50%, 90%}; capex = budget x 10 exactly (hand-made), energy grows with utilisation.
struct GridSweep {
  sweep::Manifest manifest;
  sweep::RunsTable runs;
  std::string summary;
  GridSweep() {
    manifest.sweep = "grid";
    manifest.runs = 8;
    manifest.replications = 2;
    manifest.parameters = {"planner.budget", "economics.utilisation"};
    manifest.figures = {"totals.capex_usd", "totals.energy_facility_mwh"};
    runs.header = sweep::runs_header(manifest);
    const char* budgets[] = {"$10B", "$20B"};
    const char* utilisations[] = {"50%", "90%"};
    summary =
        "point,planner.budget,economics.utilisation,replications,totals.capex_usd.mean,"
        "totals.capex_usd.ci95_low,totals.capex_usd.ci95_high,totals.energy_facility_mwh.mean,"
        "totals.energy_facility_mwh.ci95_low,totals.energy_facility_mwh.ci95_high\n";
    int run = 0;
    for (int b = 0; b < 2; ++b) {
      for (int u = 0; u < 2; ++u) {
        const int point = 2 * b + u;
        const double capex = 1e11 * (b + 1);
        const double energy = 1000.0 * (u == 0 ? 5 : 9);
        for (int r = 0; r < 2; ++r) {
          // Replications differ by ±10 MWh: mean `energy`.
          runs.rows.push_back({std::to_string(run), std::to_string(point), std::to_string(r),
                               budgets[b], utilisations[u], std::to_string(100 + run),
                               std::to_string(capex),
                               std::to_string(energy + (r == 0 ? -10 : 10))});
          ++run;
        }
        summary += std::to_string(point) + "," + budgets[b] + "," + utilisations[u] + ",2," +
                   std::to_string(capex) + "," + std::to_string(capex) + "," +
                   std::to_string(capex) + "," + std::to_string(energy) + "," +
                   std::to_string(energy - 127) + "," + std::to_string(energy + 127) + "\n";
      }
    }
  }
};

TEST_CASE("sweep report: analyze's ranking, outputs against parameters, the points' table") {
  const GridSweep grid;
  const std::string page = sweep_report_html(grid.manifest, grid.runs, grid.summary);
  CHECK(page.find(R"(<body data-report="sweep">)") != std::string::npos);
  for (const char* section : {"overview", "drivers", "effects", "points", "inputs"})
    CHECK(page.find("<section id=\"" + std::string(section) + "\"") != std::string::npos);

  // Capex is the budget's alone: a coefficient of exactly 1 on the budget (z-scored, the fit is
  // perfect), 0 on utilisation, and the budget ranked first.
  const std::string capex_drivers = figure_of(page, "drivers-totals-capex-usd");
  REQUIRE_FALSE(capex_drivers.empty());
  CHECK(capex_drivers.find(R"(data-points="2")") != std::string::npos);
  // 1 to the last bit or two: "1" or "1.0000000000000002".
  CHECK(capex_drivers.find(R"(data-x="planner.budget" data-y="1)") <
        capex_drivers.find(R"(data-x="economics.utilisation")"));
  CHECK(capex_drivers.find("R² 1.000 over 8 runs") != std::string::npos);

  // Each output against each parameter: 2 outputs x 2 parameters, 4 points each, coloured by
  // the other parameter (2 values: 2 series).
  const std::string energy_by_utilisation =
      figure_of(page, "effect-totals-energy-facility-mwh-by-economics-utilisation");
  REQUIRE_FALSE(energy_by_utilisation.empty());
  CHECK(energy_by_utilisation.find(R"(data-points="4")") != std::string::npos);
  CHECK(occurrences(energy_by_utilisation, "data-series=\"planner.budget = $10B\" data-x") == 2);
  // Utilisation 90% is x = 0.9 (the canonical fraction); the interval is the summary's.
  CHECK(energy_by_utilisation.find(
            R"(data-x="0.90000000000000002" data-y="9000" data-y0="8873" data-y1="9127")") !=
        std::string::npos);
  CHECK(occurrences(page, "<figure class=\"chart\"") == 2 + 4);

  // The points' table: each mean tied to runs_summary.csv by point and column.
  CHECK(page.find(R"(data-source="runs_summary.csv" data-key="3|totals.capex_usd.mean" )"
                  R"(data-value="200000000000">$200.0B</span>)") != std::string::npos);
  CHECK(sweep_report_html(grid.manifest, grid.runs, grid.summary) == page);
}

TEST_CASE("sweep report: one run has nothing to rank") {
  GridSweep grid;
  grid.runs.rows.resize(1);
  const std::string page = sweep_report_html(grid.manifest, grid.runs, grid.summary);
  CHECK(page.find("<p>One run: nothing to rank.</p>") != std::string::npos);
  CHECK(page.find("data-chart=\"drivers-") == std::string::npos);
}

TEST_CASE("figure_quantity: the unit in a summary figure's name") {
  CHECK(figure_quantity("totals.capex_usd").kind == NumberKind::usd);
  CHECK(figure_quantity("totals.capex_usd").unit == "USD");
  CHECK(figure_quantity("totals.energy_facility_mwh").unit == "MWh");
  CHECK(figure_quantity("training.wait_p95_hours").kind == NumberKind::hours);
  CHECK(figure_quantity("totals.gpu_hours_busy").unit == "GPU-hours");
  CHECK(figure_quantity("inference[chat].slo_attainment").kind == NumberKind::share);
  CHECK(figure_quantity("fleet_at[2026-01-01].gpus_installed").kind == NumberKind::count);
  // A list element's name may hold dots: the figure's own name follows the ']'.
  CHECK(figure_quantity("inference[chat.v2].cost_usd").kind == NumberKind::usd);
  CHECK(figure_quantity("scenario.seed").kind == NumberKind::plain);
  CHECK(dimension_quantity("economics.utilisation", Dimension::fraction).kind == NumberKind::share);
  CHECK(dimension_quantity("sites[0].power", Dimension::power).unit == "W");
  CHECK(dimension_quantity("efficiency.lag", Dimension::duration).unit == "s");
}

}  // namespace
}  // namespace capsim::report
