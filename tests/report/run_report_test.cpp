#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "capsim/model/capacity_model.hpp"
#include "capsim/output/capacity_report.hpp"
#include "capsim/output/summary_figures.hpp"
#include "capsim/report/run_report.hpp"
#include "capsim/scenario/loader.hpp"
#include "capsim/study/monte_carlo.hpp"

namespace capsim::report {
namespace {

std::string scenario_path(const std::string& name) {
  return (std::filesystem::path(CAPSIM_SOURCE_DIR) / "scenarios" / name).string();
}

/// The value of attribute `name` in the tag that starts at `tag`.
std::string attribute(const std::string& html, std::size_t tag, const std::string& name) {
  const std::size_t end = html.find('>', tag);
  const std::string key = " " + name + "=\"";
  const std::size_t at = html.find(key, tag);
  if (at == std::string::npos || at > end)
    return {};
  const std::size_t from = at + key.size();
  return html.substr(from, html.find('"', from) - from);
}

/// Every tag that starts with `start`, as positions.
std::vector<std::size_t> tags(const std::string& html, const std::string& start) {
  std::vector<std::size_t> found;
  for (std::size_t at = html.find(start); at != std::string::npos; at = html.find(start, at + 1))
    found.push_back(at);
  return found;
}

std::size_t count_of(const std::string& text, const std::string& needle) {
  return tags(text, needle).size();
}

/// The contract's checks of every chart: data-points equals its .pt elements, at least one.
/// Returns the charts' ids.
std::vector<std::string> check_charts(const std::string& html) {
  std::vector<std::string> ids;
  for (const std::size_t at : tags(html, "<figure class=\"chart\"")) {
    const std::string id = attribute(html, at, "data-chart");
    CAPTURE(id);
    const std::string figure = html.substr(at, html.find("</figure>", at) - at);
    const std::size_t points = std::stoul(attribute(html, at, "data-points"));
    CHECK(points >= 1);
    CHECK(count_of(figure, "class=\"pt\"") == points);
    CHECK(count_of(figure, "class=\"axis-label\"") >= 1);
    CHECK(attribute(html, at, "id") == "chart-" + id);
    ids.push_back(id);
  }
  return ids;
}

/// Checks every `num` span against the run's summary.json and timeseries, as the browser
/// harness checks them against the files; returns how many it checked.
std::size_t check_numbers(const std::string& html, const Scenario& scenario,
                          const CapacityRun& run) {
  std::map<std::string, double> summary;
  for (const output::SummaryFigure& figure :
       output::flatten_summary_json(output::summary_json(scenario, run), "summary.json"))
    summary.emplace(figure.name, figure.value);
  std::size_t checked = 0;
  for (const std::size_t at : tags(html, "<span class=\"num\"")) {
    const std::string source = attribute(html, at, "data-source");
    const std::string key = attribute(html, at, "data-key");
    const double shown = std::stod(attribute(html, at, "data-value"));
    CAPTURE(key);
    double expected = std::nan("");
    if (source == "summary.json") {
      REQUIRE(summary.count(key) == 1);
      expected = summary.at(key);
    } else {
      REQUIRE(source == "timeseries.csv");
      const std::size_t bar = key.find('|');
      const std::string period = key.substr(0, bar);
      std::size_t row = 0;
      while (row < run.timeseries.rows() && run.timeseries.period_start(row) != period)
        ++row;
      REQUIRE(row < run.timeseries.rows());
      expected = run.timeseries.value(row, run.timeseries.column(key.substr(bar + 1)));
    }
    CHECK(std::fabs(shown - expected) <= 1e-9 * std::max(1.0, std::fabs(expected)));
    ++checked;
  }
  return checked;
}

const std::vector<std::string> kSections = {"headline", "fleet",        "power",
                                            "money",    "construction", "training",
                                            "serving",  "uncertainty",  "inputs"};

TEST_CASE("run report: the flagship's page holds every section, chart and number of its run") {
  const Scenario scenario = scenario::load_scenario(scenario_path("meta-2025-60b.yaml"));
  const CapacityRun run = run_capacity(scenario);
  RunReportExtras extras;
  extras.files = {"timeseries.csv", "buildout.csv", "summary.json"};
  const std::string html = run_report_html(scenario, run, extras);

  CHECK(html.rfind("<!DOCTYPE html>", 0) == 0);
  CHECK(html.find("<body data-report=\"run\">") != std::string::npos);
  for (const std::string& section : kSections)
    CHECK(html.find("<section id=\"" + section + "\" class=\"report-section\">") !=
          std::string::npos);
  // The flagship has no training and no serving: each says so in one line, with no chart.
  CHECK(html.find("The scenario has no training jobs.") != std::string::npos);
  CHECK(html.find("The scenario has no inference services.") != std::string::npos);

  const std::vector<std::string> ids = check_charts(html);
  CHECK(ids == std::vector<std::string>{"fleet-installed-by-part", "fleet-pipeline", "power",
                                        "money-by-year", "money-per-period",
                                        "money-capex-cumulative", "money-budget",
                                        "construction-gantt", "construction-deliveries"});
  // A point of the installed-GPUs chart is the timeseries' value: 36 months of the parts the
  // fleet ever held.
  const std::size_t last = run.timeseries.rows() - 1;
  const std::string installed_h100 = fmt::format(
      R"(data-series="H100-SXM" data-x="{}" data-y="{:.17g}")", run.timeseries.period_start(last),
      run.timeseries.value(last, run.timeseries.column("gpus_installed_H100-SXM")));
  CHECK(html.find(installed_h100) != std::string::npos);

  // Every number shown from a file equals the file's: 6 cards (NPV and carbon among them), 3
  // year ends × 4 fleet figures, 3 of power's last period, 4 of the budget and 7 totals of
  // money = 32. A few by name.
  CHECK(check_numbers(html, scenario, run) == 32);
  CHECK(html.find(R"(data-key="finance.npv_usd")") != std::string::npos);
  CHECK(html.find(R"(data-key="totals.carbon_tco2e")") != std::string::npos);
  const FleetSnapshot& end = run.summary.year_ends.back();
  CHECK(html.find(fmt::format(R"(data-key="fleet_at[2028-01-01].gpus_installed" data-value="{}")",
                              end.stock.installed)) != std::string::npos);
  CHECK(html.find(fmt::format(R"(data-key="totals.capex_usd" data-value="{:.17g}")",
                              run.summary.capex_gpus_usd + run.summary.capex_facility_usd)) !=
        std::string::npos);
  CHECK(html.find(fmt::format(R"(data-key="totals.cost_per_gpu_hour_usd" data-value="{:.17g}")",
                              run.summary.cost_per_gpu_hour_usd)) != std::string::npos);
  // Construction: every task of the three sites started by the scenario and of the planner's
  // sites, critical path marked; hyperion's is site-works, buildings-phase-1,
  // buildings-phase-2 (scenarios/meta-2025-60b.yaml).
  CHECK(html.find(R"(data-series="hyperion" data-x="2024-12-04")") != std::string::npos);
  CHECK(html.find("hyperion: buildings-phase-2, ") != std::string::npos);
  CHECK(html.find("<a href=\"timeseries.csv\">timeseries.csv</a>") != std::string::npos);
  // Self-contained and small: nothing fetched, under the issue's 2 MB.
  CHECK(html.find("http:") == std::string::npos);
  CHECK(html.find("https:") == std::string::npos);
  CHECK(html.find("//") == std::string::npos);
  CHECK(html.find(" src=") == std::string::npos);
  CHECK(html.size() < 2'000'000);
  // The same run again, the same bytes.
  CHECK(run_report_html(scenario, run_capacity(scenario), extras) == html);
}

TEST_CASE("run report: training and serving sections draw the run's queue, waits and services") {
  const Scenario scenario = scenario::load_scenario(scenario_path("open-model-lab-1b.yaml"));
  const CapacityRun run = run_capacity(scenario);
  const std::string html = run_report_html(scenario, run);
  const std::vector<std::string> ids = check_charts(html);
  for (const char* id :
       {"training-queue", "training-waits", "training-tenant-shares", "serving-gpus",
        "serving-tokens", "serving-slo", "serving-cost", "serving-demand-multiple"}) {
    CAPTURE(id);
    CHECK(std::find(ids.begin(), ids.end(), id) != ids.end());
  }
  CHECK(check_numbers(html, scenario, run) >= 20);
  REQUIRE(!run.inference.empty());
  const InferenceSummary& service = run.inference.front();
  CHECK(html.find(fmt::format(
            R"(data-key="inference[{}].cost_per_million_tokens_usd" data-value="{:.17g}")",
            service.service, service.cost_per_million_tokens_usd)) != std::string::npos);
  CHECK(html.find(fmt::format(
            R"(data-key="training.tenants[{}].received_share" data-value="{:.17g}")",
            run.training.tenants.front(), run.training.tenant_received_share.front())) !=
        std::string::npos);
}

TEST_CASE("run report: replications draw fan charts of their quantiles") {
  study::MonteCarloOptions options;
  options.replications = 4;
  const study::MonteCarloStudy study =
      study::prepare_study(scenario_path("meta-2025-60b-uncertain.yaml"), {}, options);
  const std::vector<study::Replication> reps = study::run_replications(study, options);
  RunReportExtras extras;
  extras.quantiles = study::timeseries_quantiles(study.layout, reps);
  extras.replications = reps.size();
  const std::string html = run_report_html(study.scenario.nominal, study.nominal_run, extras);
  const std::vector<std::string> ids = check_charts(html);
  CHECK(std::find(ids.begin(), ids.end(), "fan-gpus-installed") != ids.end());
  // Per period: the P5–P95 and P10–P90 whiskers and the median.
  const std::size_t at = html.find("<figure class=\"chart\" id=\"chart-fan-gpus-installed\"");
  REQUIRE(at != std::string::npos);
  CHECK(attribute(html, at, "data-points") ==
        std::to_string(3 * study.layout.period_starts.size()));
  // The last period's median is the quantiles' p50 of installed GPUs.
  const study::TimeseriesQuantiles& q = *extras.quantiles;
  const std::size_t column = static_cast<std::size_t>(
      std::find(q.columns.begin(), q.columns.end(), "gpus_installed") - q.columns.begin());
  const std::size_t last = q.period_starts.size() - 1;
  CHECK(html.find(fmt::format(R"(data-series="median" data-x="{}" data-y="{:.17g}")",
                              q.period_starts[last], q.at(last, column)[2])) != std::string::npos);
  CHECK(html.find("4 replications") != std::string::npos);
}

}  // namespace
}  // namespace capsim::report
