#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>
#include <sstream>
#include <string>

#include <fmt/format.h>

#include "capsim/model/capacity_model.hpp"
#include "capsim/model/reporting/timeseries.hpp"
#include "capsim/output/capacity_report.hpp"
#include "capsim/output/outputs_reference.hpp"
#include "capsim/scenario/loader.hpp"
#include "scratch_folder.hpp"

namespace capsim {
namespace {

std::string source_path(const std::string& relative) {
  return (std::filesystem::path(CAPSIM_SOURCE_DIR) / relative).string();
}

/// The example campus over one calendar year, reported yearly: one row, the whole run.
CapacityRun example_year() {
  Scenario scenario = scenario::load_scenario(source_path("scenarios/examples/example.yaml"));
  scenario.scenario.end = Date{2026, 1, 1};
  return run_capacity(scenario, PeriodUnit::year);
}

TEST_CASE("timeseries: the header is the declarations, expanded per part, service and tenant") {
  Scenario scenario = scenario::load_scenario(source_path("scenarios/examples/example.yaml"));
  const CapacityRun run = run_capacity(scenario, PeriodUnit::year);
  const std::vector<std::string>& header = run.timeseries.columns();
  // 39 fleet columns, one per catalog part, 10 per service, 5 of training, one per tenant.
  const std::size_t parts = scenario.catalog.accelerators.size();
  const std::size_t services = scenario.inference.services.size();
  const std::size_t tenants = scenario.training.tenants.size() + 1;  // and "default"
  CHECK(header.size() == 39 + parts + 10 * services + 5 + tenants);
  CHECK(header[0] == "gpus_installed");
  CHECK(header[29] == "gpus_leased");
  CHECK(header[34] == "sites_online");
  CHECK(header[38] == "carbon_per_gpu_hour_kgco2e");
  CHECK(header[39] == "gpus_installed_" + scenario.catalog.accelerators[0].name);
  CHECK(header.back() == "gpu_hours_training_default");
  // Every name is unique and carries its declaration's prefix.
  CHECK(std::set<std::string>(header.begin(), header.end()).size() == header.size());
  for (const ColumnDeclaration& column : timeseries_columns()) {
    CHECK(!column.unit.empty());
    CHECK(!column.meaning.empty());
  }
}

TEST_CASE("timeseries: summary totals are the declared summary columns over the whole run") {
  const CapacityRun run = example_year();
  REQUIRE(run.timeseries.rows() == 1);
  std::vector<std::string> declared;
  for (const ColumnDeclaration& column : timeseries_columns()) {
    if (column.in_summary)
      declared.emplace_back(column.name);
  }
  REQUIRE(run.summary.totals.size() == declared.size());
  for (std::size_t i = 0; i < declared.size(); ++i) {
    INFO(declared[i]);
    CHECK(run.summary.totals[i].name == declared[i]);
    // One computation for a period and for the run: the same bits.
    CHECK(run.summary.totals[i].value ==
          run.timeseries.value(0, run.timeseries.column(declared[i])));
  }
  CHECK(run.summary.cost_per_gpu_hour_usd ==
        run.timeseries.value(0, run.timeseries.column("cost_per_gpu_hour_usd")));
}

TEST_CASE("timeseries: a period total summed over monthly rows is the whole run's") {
  Scenario scenario = scenario::load_scenario(source_path("scenarios/examples/example.yaml"));
  const CapacityRun run = run_capacity(scenario, PeriodUnit::month);
  for (const SummaryTotal& total : run.summary.totals) {
    bool ratio = false;
    for (const ColumnDeclaration& declared : timeseries_columns())
      ratio = ratio || (declared.name == total.name && declared.kind == ColumnKind::mean);
    if (ratio)
      continue;  // cost or carbon per GPU-hour: a ratio, not a sum
    INFO(total.name);
    double sum = 0.0;
    const std::size_t column = run.timeseries.column(total.name);
    for (std::size_t row = 0; row < run.timeseries.rows(); ++row)
      sum += run.timeseries.value(row, column);
    CHECK(sum == doctest::Approx(total.value).epsilon(1e-12));
  }
}

TEST_CASE("timeseries: dropped tokens are integrated on their own, never negative") {
  // Regression (fuzz finding, issue 13): dropped was demanded minus served, a difference of two
  // cumulative totals near 1e13 tokens, and read -0.0078125 in May 2027 when every hour was
  // served. Integrated from the unserved rate, a fully served month drops exactly nothing.
  const Scenario scenario =
      scenario::load_scenario(source_path("scenarios/open-model-lab-1b.yaml"));
  const CapacityRun run = run_capacity(scenario);
  const Recorder& t = run.timeseries;
  const std::size_t dropped = t.column("dropped_output_tokens_open-api");
  const std::size_t slo = t.column("slo_attainment_open-api");
  std::size_t fully_served = 0;
  for (std::size_t row = 0; row < t.rows(); ++row) {
    INFO("period " << t.period_start(row));
    CHECK(t.value(row, dropped) >= 0.0);
    if (t.value(row, slo) == 1.0) {
      CHECK(t.value(row, dropped) == 0.0);
      ++fully_served;
    }
  }
  CHECK(fully_served > 0);
}

TEST_CASE("timeseries: docs/outputs.md is generated from the declarations") {
  std::ifstream file(source_path("docs/outputs.md"), std::ios::binary);
  const std::string committed{std::istreambuf_iterator<char>(file), {}};
  // Regenerate with: build/release/capsim schema --outputs > docs/outputs.md
  CHECK_MESSAGE(committed == output::outputs_reference_markdown(),
                "docs/outputs.md is stale: regenerate it");
}

TEST_CASE("outputs reference: every column of every CSV file a run writes has its row") {
  // The example has two sites, parts, services, tenants and training jobs: every family.
  Scenario scenario = scenario::load_scenario(source_path("scenarios/examples/example.yaml"));
  scenario.scenario.end = Date{2026, 1, 1};
  const CapacityRun run = run_capacity(scenario, PeriodUnit::quarter);
  test::ScratchFolder folder("outputs_reference");
  output::write_run(folder.path(), scenario, run);
  const std::string reference = output::outputs_reference_markdown();
  const std::vector<std::string> files = {
      "timeseries.csv", "timeseries_sites.csv", "timeseries_clusters.csv",
      "yearly.csv",     "buildout.csv",         "jobs.csv"};
  std::size_t checked = 0;
  for (const std::string& name : files) {
    std::ifstream file(folder.path() / name, std::ios::binary);
    REQUIRE(file);
    std::string header;
    std::getline(file, header);
    std::stringstream cells(header);
    for (std::string column; std::getline(cells, column, ',');) {
      INFO(name, ": ", column);
      // period_start and period_end are told in prose; a family column by its prefix.
      bool documented = column == "period_start" || column == "period_end" ||
                        reference.find("| `" + column + "` |") != std::string::npos;
      for (const ColumnDeclaration& declared : timeseries_columns()) {
        documented =
            documented ||
            (declared.family != ColumnFamily::fleet && declared.family != ColumnFamily::training &&
             column.starts_with(declared.name) &&
             reference.find("| `" + std::string(declared.name) + "<") != std::string::npos);
      }
      documented =
          documented || (column.starts_with(output::jobs_cause_column().name) &&
                         reference.find("| `" + std::string(output::jobs_cause_column().name) +
                                        "<cause>` |") != std::string::npos);
      CHECK(documented);
      ++checked;
    }
  }
  CHECK(checked > 100);
  // Each declared column's row gives its unit and kind.
  for (const auto* declared : {&timeseries_columns(), &site_columns(), &cluster_columns()}) {
    for (const ColumnDeclaration& column : *declared) {
      INFO(column.name);
      CHECK(reference.find(fmt::format(" | {} | {}", column.unit, column_kind_name(column.kind))) !=
            std::string::npos);
    }
  }
}

}  // namespace
}  // namespace capsim
