// Every key of the scenario language, declared once. The loader, `capsim explain`,
// docs/scenarios.md and the JSON Schema are all derived from these declarations.
// The sections live in fleet_schema.cpp, training_schema.cpp, inference_schema.cpp and
// planning_schema.cpp; this file holds the root, the scenario and outputs sections and the
// choices several sections share.

#include "capsim/scenario/scenario_schema.hpp"

namespace capsim::scenario {

namespace detail {

const std::vector<std::pair<std::string, PeriodUnit>>& period_choices() {
  static const std::vector<std::pair<std::string, PeriodUnit>> choices = [] {
    std::vector<std::pair<std::string, PeriodUnit>> words;
    for (const PeriodUnit unit : {PeriodUnit::day, PeriodUnit::week, PeriodUnit::month,
                                  PeriodUnit::quarter, PeriodUnit::year}) {
      words.emplace_back(period_unit_name(unit), unit);
    }
    return words;
  }();
  return choices;
}

const std::vector<std::pair<std::string, Precision>>& precision_choices() {
  static const std::vector<std::pair<std::string, Precision>> choices = {
      {"bf16", Precision::bf16}, {"fp8", Precision::fp8}, {"fp4", Precision::fp4}};
  return choices;
}

}  // namespace detail

namespace {

constexpr double kYear = kSecondsPerYear;

}  // namespace

const RecordSchema<ScenarioMeta>& meta_schema() {
  static const RecordSchema<ScenarioMeta> schema = [] {
    RecordSchema<ScenarioMeta> s("scenario",
                                 "What the scenario is, when it starts and how long it runs.");
    s.name(&ScenarioMeta::name, {.key = "name",
                                 .doc = "Short name, used in reports.",
                                 .example = "meta-2025-60b",
                                 .required = true,
                                 .informative = true});
    s.prose(&ScenarioMeta::description, {.key = "description",
                                         .doc = "What the scenario asks, its assumptions.",
                                         .example = "A hyperscaler's 2025 plan",
                                         .default_text = "\"\"",
                                         .informative = true});
    s.date(&ScenarioMeta::start, {.key = "start",
                                  .doc = "First day simulated (midnight UTC). All times count "
                                         "from here.",
                                  .example = "2025-01-01",
                                  .required = true});
    s.quantity(&ScenarioMeta::horizon_s, Dimension::duration,
               {.key = "horizon",
                .doc = "How long to simulate from the start (a year is 365.25 days); give "
                       "this or `end`.",
                .example = "3 y",
                .minimum = 0.0,
                .maximum = 100.0 * kYear,
                .minimum_exclusive = true});
    s.date(&ScenarioMeta::end, {.key = "end",
                                .doc = "First day not simulated (midnight): whole calendar "
                                       "years exactly; give this or `horizon`.",
                                .example = "2028-01-01"});
    s.choice(&ScenarioMeta::reporting_period, detail::period_choices(),
             {.key = "reporting_period",
              .doc = "Length of a row of timeseries.csv: calendar periods, not fixed blocks.",
              .example = "month",
              .default_text = "month"});
    s.integer(&ScenarioMeta::seed, {.key = "seed",
                                    .doc = "Random seed: the same seed gives the same bytes out.",
                                    .example = "42",
                                    .default_text = "1",
                                    .minimum = 0.0,
                                    // any seed the type holds: it is an input, not a size
                                    .maximum = 9223372036854775807.0});
    s.integer(&ScenarioMeta::replications,
              {.key = "replications",
               .doc = "Monte Carlo replications of `capsim run` (its --replications overrides "
                      "it): each draws the uncertain inputs and seeds the random streams anew "
                      "(docs/uncertainty.md).",
               .example = "1000",
               .default_text = "1",
               .minimum = 1.0,
               // ~ an hour of the flagship on two cores; more is a sweep's work (shards)
               .maximum = 100000.0,
               .informative = true});
    return s;
  }();
  return schema;
}

const RecordSchema<OutputsSpec>& outputs_schema() {
  static const RecordSchema<OutputsSpec> schema = [] {
    RecordSchema<OutputsSpec> s("outputs", "Which files `capsim run --out DIR` writes.");
    s.boolean(
        &OutputsSpec::timeseries,
        {.key = "timeseries",
         .doc = "timeseries.csv, timeseries_sites.csv, timeseries_clusters.csv and yearly.csv",
         .example = "true",
         .default_text = "true"});
    s.boolean(&OutputsSpec::jobs,
              {.key = "jobs", .doc = "jobs.csv", .example = "true", .default_text = "true"});
    s.boolean(
        &OutputsSpec::buildout,
        {.key = "buildout", .doc = "buildout.csv", .example = "true", .default_text = "true"});
    s.boolean(&OutputsSpec::summary,
              {.key = "summary", .doc = "summary.json", .example = "true", .default_text = "true"});
    return s;
  }();
  return schema;
}

const RecordSchema<CorrelationSpec>& correlation_schema() {
  static const RecordSchema<CorrelationSpec> schema = [] {
    RecordSchema<CorrelationSpec> s("correlation",
                                    "A rank correlation between the draws of two uncertain "
                                    "groups, made by a Gaussian copula.");
    // Informative for a single run, which reads nominal values; they change Monte Carlo
    // results (tests/study/monte_carlo_test.cpp).
    s.texts(&CorrelationSpec::groups,
            {.key = "groups",
             .doc = "Two group names, or the key paths of inputs in no group.",
             .example = "[prometheus-build, hyperion-build]",
             .required = true,
             .informative = true});
    s.real(&CorrelationSpec::rank, {.key = "rank",
                                    .doc = "Spearman rank correlation of the two draws.",
                                    .example = "0.6",
                                    .required = true,
                                    .minimum = -1.0,
                                    .maximum = 1.0,
                                    .informative = true});
    return s;
  }();
  return schema;
}

const RecordSchema<UncertaintySpec>& uncertainty_schema() {
  static const RecordSchema<UncertaintySpec> schema = [] {
    RecordSchema<UncertaintySpec> s(
        "uncertainty",
        "How the draws of uncertain inputs relate. The inputs are written on their own keys, "
        "e.g. `duration: \"18 months ~ triangular(14, 18, 26) group prometheus\"` "
        "(docs/uncertainty.md).");
    s.records(&UncertaintySpec::correlations, correlation_schema(),
              {.key = "correlations",
               .doc = "Rank correlations between groups; pairs not listed are independent.",
               .default_text = "[]",
               .informative = true});
    return s;
  }();
  return schema;
}

const RecordSchema<Scenario>& scenario_schema() {
  static const RecordSchema<Scenario> schema = [] {
    RecordSchema<Scenario> s("scenario file",
                             "A whole scenario. `extends: base.yaml` (or a list) merges this "
                             "file over others first.");
    s.record(&Scenario::scenario, meta_schema(),
             {.key = "scenario", .doc = "Name, start, horizon, period, seed.", .required = true});
    s.record(&Scenario::catalog, catalog_schema(),
             {.key = "catalog", .doc = "Hardware parts.", .default_text = "built-in catalog"});
    s.records(&Scenario::sites, site_schema(),
              {.key = "sites", .doc = "Datacenter sites.", .default_text = "[]"});
    s.records(&Scenario::clusters, cluster_schema(),
              {.key = "clusters", .doc = "GPU pools.", .default_text = "[]"});
    s.records(&Scenario::leases, lease_schema(),
              {.key = "leases", .doc = "GPUs leased from providers.", .default_text = "[]"});
    s.record(&Scenario::training, training_schema(),
             {.key = "training", .doc = "Training workload.", .default_text = "(none)"});
    s.record(&Scenario::inference, inference_schema(),
             {.key = "inference", .doc = "Inference workload.", .default_text = "(none)"});
    s.record(&Scenario::efficiency, efficiency_schema(),
             {.key = "efficiency", .doc = "Efficiency timeline.", .default_text = "(none)"});
    s.record(&Scenario::demand_feedback, demand_feedback_schema(),
             {.key = "demand_feedback", .doc = "Price-elastic demand.", .default_text = "(off)"});
    s.record(&Scenario::planner, planner_schema(),
             {.key = "planner", .doc = "Capacity planner.", .default_text = "(fixed)"});
    s.record(&Scenario::economics, economics_schema(),
             {.key = "economics", .doc = "Costs.", .default_text = "(see economics)"});
    s.record(&Scenario::failures, failures_schema(),
             {.key = "failures", .doc = "Failures.", .default_text = "(see failures)"});
    s.record(&Scenario::outputs, outputs_schema(),
             {.key = "outputs", .doc = "Output files.", .default_text = "(all)"});
    s.record(&Scenario::uncertainty, uncertainty_schema(),
             {.key = "uncertainty",
              .doc = "Correlations of uncertain inputs.",
              .default_text = "(independent)"});
    s.quantity(&Scenario::construction_delay_s, Dimension::duration,
               {.key = "construction_delay",
                .doc = "A delay added to every site's construction plan, on top of the site's "
                       "own construction_delay (a what-if: every site six months late).",
                .example = "6 months",
                .default_text = "0 s",
                .minimum = 0.0,
                .maximum = 50.0 * kSecondsPerYear});
    return s;
  }();
  return schema;
}

const FieldInfo* field_at_path(std::string_view path) {
  const RecordInfo* record = &scenario_schema().info();
  const FieldInfo* field = nullptr;
  std::size_t start = 0;
  // The next '.' outside brackets: a selector's value may hold dots (clusters[name=v1.2]).
  const auto next_dot = [path](std::size_t from) {
    int depth = 0;
    for (std::size_t i = from; i < path.size(); ++i) {
      depth += path[i] == '[' ? 1 : path[i] == ']' ? -1 : 0;
      if (path[i] == '.' && depth == 0)
        return i;
    }
    return std::string_view::npos;
  };
  while (start <= path.size()) {
    const std::size_t dot = next_dot(start);
    std::string_view segment =
        path.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start);
    if (const std::size_t bracket = segment.find('['); bracket != std::string_view::npos)
      segment = segment.substr(0, bracket);
    if (!record)
      return nullptr;
    field = record->find(segment);
    if (!field)
      return nullptr;
    record = field->record;
    if (dot == std::string_view::npos)
      break;
    start = dot + 1;
  }
  return field;
}

}  // namespace capsim::scenario
