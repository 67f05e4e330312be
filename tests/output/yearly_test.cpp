#include "capsim/output/yearly.hpp"

#include <cmath>
#include <filesystem>
#include <string>

#include <doctest/doctest.h>

#include "capsim/output/readable.hpp"
#include "capsim/scenario/loader.hpp"

namespace capsim::output {
namespace {

Scenario load(const std::string& relative) {
  return scenario::load_scenario((std::filesystem::path(CAPSIM_SOURCE_DIR) / relative).string());
}

double run_total(const CapacityRun& run, const std::string& name) {
  for (const SummaryTotal& t : run.summary.totals) {
    if (t.name == name)
      return t.value;
  }
  FAIL("no total " << name);
  return 0.0;
}

TEST_CASE("yearly: a constant fleet's energy splits by its days in each year") {
  // 2025-07-01 to 2026-07-01: 184 days in 2025 (Jul 31 + Aug 31 + Sep 30 + Oct 31 + Nov 30 +
  // Dec 31) and 181 in 2026 (Jan 31 + Feb 28 + Mar 31 + Apr 30 + May 31 + Jun 30).
  const Scenario scenario = load("tests/data/yearly/across-new-year.yaml");
  const CapacityRun run = run_capacity(scenario);
  const std::vector<YearFigures> years = yearly_figures(scenario, run);
  REQUIRE(years.size() == 2);
  CHECK(years[0].year == 2025);
  CHECK(years[0].from == Date{2025, 7, 1});
  CHECK(years[0].to == Date{2026, 1, 1});
  CHECK(years[1].from == Date{2026, 1, 1});
  CHECK(years[1].to == Date{2026, 7, 1});
  CHECK(years[0].partial);
  CHECK(years[1].partial);
  const double per_day_2025 = years[0].total("energy_it_mwh") / 184.0;
  const double per_day_2026 = years[1].total("energy_it_mwh") / 181.0;
  CHECK(per_day_2025 > 0.0);
  CHECK(per_day_2026 == doctest::Approx(per_day_2025).epsilon(1e-12));
  CHECK(years[0].total("energy_it_mwh") + years[1].total("energy_it_mwh") ==
        doctest::Approx(run_total(run, "energy_it_mwh")).epsilon(1e-12));
  // The fleet was online before the start: nothing is added in either year.
  CHECK(years[0].gpus_added == 0);
  CHECK(years[0].power_added_w == 0.0);
  CHECK(years[0].total("no_such_column") == 0.0);
}

TEST_CASE("yearly: the flagship's years sum to its totals, and count what the build-out logs") {
  const Scenario scenario = load("scenarios/meta-2025-60b.yaml");
  const CapacityRun run = run_capacity(scenario);
  const std::vector<YearFigures> years = yearly_figures(scenario, run);
  REQUIRE(years.size() == 3);
  for (const char* column :
       {"capex_usd", "capex_gpus_usd", "capex_facility_usd", "depreciation_usd", "opex_energy_usd",
        "energy_facility_mwh", "gpu_hours_installed"}) {
    INFO(column);
    double sum = 0.0;
    for (const YearFigures& y : years)
      sum += y.total(column);
    CHECK(sum == doctest::Approx(run_total(run, column)).epsilon(1e-12));
  }
  // GPUs installed at each year's end = at the start + added - retired: 650,000 at the start
  // (the existing fleet), 1,308,753 at the end of 2025, 1,410,960 of 2026, 2,387,442 of 2027.
  std::int64_t installed = 650000;
  for (std::size_t y = 0; y < years.size(); ++y) {
    installed += years[y].gpus_added - years[y].gpus_retired;
    CHECK(installed == run.summary.year_ends[y].stock.installed);
  }
  CHECK(years[2].gpus_retired == 70000);  // the A100s of 2021, after six years
  CHECK_FALSE(years[0].partial);
  const std::string csv = yearly_csv(years);
  CHECK(csv.rfind("year,from,to,partial,", 0) == 0);
  CHECK(csv.find("\n2026,2026-01-01,2027-01-01,0,") != std::string::npos);
}

TEST_CASE("readable: numbers with their units, as the issue writes them") {
  CHECK(readable_usd(152.33e9) == "$152.3B");
  CHECK(readable_usd(58.3e9) == "$58.3B");
  CHECK(readable_usd(-2.5e6) == "-$2.50M");
  CHECK(readable_usd(0) == "$0");
  CHECK(readable_usd(0.0333) == "$0.0333");
  // A mantissa that would print as 1000.0 takes the next scale.
  CHECK(readable_usd(999.96e6) == "$1.00B");
  CHECK(readable_usd(999.94e6) == "$999.9M");
  CHECK(readable_power_w(2.0e9) == "2.00 GW");
  CHECK(readable_power_w(200e6) == "200.0 MW");
  CHECK(readable_count(1443590) == "1,443,590");
  CHECK(readable_count(-1234) == "-1,234");
  CHECK(readable_energy_j(45.4 * 3.6e15) == "45.4 TWh");
  CHECK(readable_energy_j(310 * 3.6e12) == "310.0 GWh");
  CHECK(readable_share(0.832) == "83.2%");
  CHECK(readable(2.774e17, NumberKind::tokens) == "277.4P tokens");
  CHECK(readable(12.34, NumberKind::hours) == "12.3 h");
  CHECK(readable(2391.4, NumberKind::hours) == "2,391 h");
  CHECK(readable(std::nan(""), NumberKind::usd) == "n/a");
  CHECK(readable(1.5e6, NumberKind::count, true) == "1.5M");
  CHECK(readable(2000, NumberKind::plain, true) == "2,000");
}

}  // namespace
}  // namespace capsim::output
