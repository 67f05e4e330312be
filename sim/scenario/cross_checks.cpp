#include "cross_checks.hpp"

#include <algorithm>
#include <map>
#include <optional>
#include <set>

#include <fmt/format.h>

#include "capsim/core/units.hpp"
#include "capsim/model/fleet/construction.hpp"
#include "capsim/model/inference/inference_throughput.hpp"
#include "capsim/model/inference/service_sizing.hpp"

namespace capsim::scenario {

namespace {

// A site's whole construction, every task end to end: as long as any one duration may be.
constexpr double kMaxConstructionS = 200 * kSecondsPerYear;

/// Cross-field checks: references, uniqueness, dates in the horizon, dependency cycles.
class CrossChecker {
 public:
  CrossChecker(const Scenario& scenario, const ConfigNode& document,
               const std::vector<CatalogPart>& parts, Diagnostics& diagnostics)
      : scenario_(scenario), document_(document), parts_(parts), diagnostics_(diagnostics) {
    const Calendar calendar(scenario.scenario.start);
    end_date_ = calendar.date_of(scenario.scenario.end_tick());
  }

  void run() {
    check_meta();
    if (!diagnostics_.empty())
      return;  // every date check needs a valid horizon
    check_catalog();
    check_sites();
    check_clusters();
    check_training();
    check_failures();
    check_inference();
    check_efficiency();
    check_planner();
    check_leases();
  }

 private:
  void error(const std::string& path, std::string message) {
    const ConfigNode* node = node_at_path(document_, path);
    diagnostics_.add(node ? node->location : document_.location, path, std::move(message));
  }

  /// A choice as the user wrote it, or its default when absent: for "found ..." in messages.
  std::string written(const std::string& path, const std::string& default_word) const {
    const ConfigNode* node = node_at_path(document_, path);
    return node && node->is_scalar() ? node->scalar : default_word;
  }

  /// Names within a list of records must be unique.
  template <class Items>
  void check_unique(const Items& items, const std::string& list_path, const std::string& what) {
    std::map<std::string, std::size_t> first;
    for (std::size_t i = 0; i < items.size(); ++i) {
      const std::string& name = items[i].name;
      const auto [it, inserted] = first.emplace(name, i);
      if (!inserted) {
        error(fmt::format("{}[{}].name", list_path, i),
              fmt::format("expected unique {} names, found \"{}\" again (first at {}[{}])", what,
                          name, list_path, it->second));
      }
    }
  }

  void check_reference(const std::string& path, const std::string& name,
                       const std::vector<std::string>& known, const std::string& what) {
    if (std::find(known.begin(), known.end(), name) != known.end())
      return;
    const std::string suggestion = closest_match(name, known);
    std::string hint;
    if (!suggestion.empty()) {
      hint = fmt::format(" (did you mean '{}'?)", suggestion);
    } else if (known.empty()) {
      hint = fmt::format(" (there is none)");
    } else if (known.size() <= 12) {
      hint = fmt::format(" (one of: {})", fmt::join(known, ", "));
    }
    error(path, fmt::format("expected the name of a {}, found \"{}\"{}", what, name, hint));
  }

  /// A schedule of changes (prices, budgets) must list its `from` dates in increasing order.
  template <class Changes>
  void check_increasing_from(const Changes& changes, const std::string& list_path) {
    for (std::size_t i = 1; i < changes.size(); ++i) {
      if (!(changes[i - 1].from < changes[i].from)) {
        error(fmt::format("{}[{}].from", list_path, i),
              fmt::format("expected dates in increasing order, found {} after {}",
                          format_date(changes[i].from), format_date(changes[i - 1].from)));
      }
    }
  }

  void check_in_horizon(const std::string& path, const Date& date, bool allow_before_start) {
    if (!allow_before_start && date < scenario_.scenario.start) {
      error(path, fmt::format("expected a date on or after the scenario start {}, found {}",
                              format_date(scenario_.scenario.start), format_date(date)));
    } else if (date > end_date_) {
      error(path, fmt::format("expected a date within the horizon (ending {}), found {}",
                              format_date(end_date_), format_date(date)));
    }
  }

  /// Reports one dependency cycle among named nodes, naming every node on it, at the `after`
  /// of the node where it starts.
  void check_acyclic(const std::vector<std::string>& names,
                     const std::vector<std::vector<std::string>>& after,
                     const std::string& list_path, const std::string& what) {
    const std::vector<std::string> cycle = find_dependency_cycle(names, after);
    if (cycle.empty())
      return;
    const auto start = std::find(names.begin(), names.end(), cycle.front()) - names.begin();
    error(fmt::format("{}[{}].after", list_path, start),
          fmt::format("expected {} without a dependency cycle, found {}", what,
                      fmt::join(cycle, " -> ")));
  }

  void check_meta() {
    const ScenarioMeta& meta = scenario_.scenario;
    if (meta.horizon_s && meta.end) {
      error("scenario.end", "expected either horizon or end, found both");
    } else if (!meta.horizon_s && !meta.end) {
      error("scenario", "expected horizon or end (how long to simulate), found neither");
    } else if (meta.end && !(meta.start < *meta.end)) {
      error("scenario.end", fmt::format("expected a date after the start {}, found {}",
                                        format_date(meta.start), format_date(*meta.end)));
    } else if (meta.end && days_since_epoch(*meta.end) - days_since_epoch(meta.start) > 36525) {
      error("scenario.end", fmt::format("expected at most 100 years after the start, found {}",
                                        format_date(*meta.end)));
    }
  }

  /// The `name` of every item of a list of records.
  template <class Items>
  static std::vector<std::string> names_of(const Items& items) {
    std::vector<std::string> names;
    names.reserve(items.size());
    for (const auto& item : items)
      names.push_back(item.name);
    return names;
  }

  /// Clusters listed and clusters the orders of the plan will form.
  std::vector<std::string> cluster_names() const {
    std::vector<std::string> names = names_of(scenario_.clusters);
    for (const OrderSpec& order : scenario_.planner.orders) {
      if (!order.cluster.empty())
        names.push_back(order.cluster);
    }
    return names;
  }

  /// Catalog parts come from several files: their errors point into the part's own node.
  void part_error(std::size_t part, const std::string& key, std::string message) {
    const ConfigNode& node = parts_[part].node;
    const ConfigNode* value = node.is_mapping() ? node.find(key) : nullptr;
    diagnostics_.add(value ? value->location : node.location, parts_[part].path + "." + key,
                     std::move(message));
  }

  void check_catalog() {
    const auto& parts = scenario_.catalog.accelerators;
    std::map<std::string, std::size_t> first;
    for (std::size_t i = 0; i < parts.size(); ++i) {
      const AcceleratorSpec& part = parts[i];
      if (const auto [it, inserted] = first.emplace(part.name, i); !inserted) {
        part_error(i, "name",
                   fmt::format("expected unique accelerator names, found \"{}\" again "
                               "(first at {})",
                               part.name, parts_[it->second].path));
      }
      if (part.idle_server_power_per_gpu_w > part.server_power_per_gpu_w) {
        part_error(
            i, "idle_server_power_per_gpu",
            fmt::format("expected idle power at most the server power per GPU ({}), found {}",
                        format_quantity(part.server_power_per_gpu_w, Dimension::power),
                        format_quantity(part.idle_server_power_per_gpu_w, Dimension::power)));
      }
      if (part.end_of_sale && *part.end_of_sale <= part.first_ship) {
        part_error(i, "end_of_sale",
                   fmt::format("expected an end of sale after first_ship ({}), found {}",
                               format_date(part.first_ship), format_date(*part.end_of_sale)));
      }
      if (!part.list_prices.empty() && !part.price_installed_per_gpu_usd) {
        part_error(i, "list_prices",
                   "expected price_installed_per_gpu (the launch price) beside list_prices, "
                   "found none");
      }
      for (std::size_t p = 0; p < part.list_prices.size(); ++p) {
        const Date& date = part.list_prices[p].date;
        const Date& after = p == 0 ? part.first_ship : part.list_prices[p - 1].date;
        if (date <= after) {
          part_error(i, "list_prices",
                     fmt::format("expected list price dates ascending after first_ship, found "
                                 "{} at list_prices[{}] after {}",
                                 format_date(date), p, format_date(after)));
        }
      }
      if (part.tdp_w > part.server_power_per_gpu_w) {
        part_error(
            i, "tdp",
            fmt::format("expected a GPU power at most the server power per GPU ({}), found {}",
                        format_quantity(part.server_power_per_gpu_w, Dimension::power),
                        format_quantity(part.tdp_w, Dimension::power)));
      }
    }
  }

  void check_sites() {
    check_unique(scenario_.sites, "sites", "site");
    for (std::size_t i = 0; i < scenario_.sites.size(); ++i) {
      const SiteSpec& site = scenario_.sites[i];
      const std::string site_path = fmt::format("sites[{}]", i);
      std::vector<std::string> tasks;
      std::vector<std::vector<std::string>> after;
      for (const ConstructionTaskSpec& task : site.construction) {
        tasks.push_back(task.name);
        after.push_back(task.after);
      }
      check_unique(site.construction, site_path + ".construction", "construction task");
      for (std::size_t t = 0; t < site.construction.size(); ++t) {
        for (std::size_t d = 0; d < site.construction[t].after.size(); ++d) {
          check_reference(fmt::format("{}.construction[{}].after[{}]", site_path, t, d),
                          site.construction[t].after[d], tasks, "construction task of this site");
        }
      }
      check_acyclic(tasks, after, site_path + ".construction", "construction tasks");
      // Each duration is within 200 years, but a chain of them could still carry a phase past
      // the model's time range: their sum bounds every path.
      double construction_s = 0.0;
      for (const ConstructionTaskSpec& task : site.construction)
        construction_s += task.duration_s;
      if (construction_s > kMaxConstructionS) {
        error(site_path + ".construction",
              fmt::format("expected tasks adding up to at most {}, found {}",
                          format_quantity(kMaxConstructionS, Dimension::duration),
                          format_quantity(construction_s, Dimension::duration)));
      }
      double phased_power = 0.0;
      for (std::size_t p = 0; p < site.phases.size(); ++p) {
        phased_power += site.phases[p].it_power_w;
        if (!site.phases[p].ready_after.empty()) {
          check_reference(fmt::format("{}.phases[{}].ready_after", site_path, p),
                          site.phases[p].ready_after, tasks, "construction task of this site");
        }
      }
      if (phased_power > site.it_power_cap_w * (1.0 + 1e-12)) {
        error(site_path + ".phases",
              fmt::format("expected phases adding up to at most the IT power cap ({}), found {}",
                          format_quantity(site.it_power_cap_w, Dimension::power),
                          format_quantity(phased_power, Dimension::power)));
      }
      check_increasing_from(site.electricity_price_changes,
                            site_path + ".electricity_price_changes");
      check_increasing_from(site.grid_carbon_changes, site_path + ".grid_carbon_changes");
    }
  }

  /// A service or job names a cluster that must exist during the run: one retired before the
  /// start (and not formed again by an order of that name) holds no GPU the model can place.
  void check_in_service(const std::string& path, const std::string& name) {
    for (const OrderSpec& order : scenario_.planner.orders) {
      if (order.cluster == name)
        return;
    }
    const Calendar calendar(scenario_.scenario.start);
    for (const ClusterSpec& cluster : scenario_.clusters) {
      const Tick retires =
          calendar.tick_of(cluster.online) + ticks_from_seconds(cluster.service_life_s);
      if (cluster.name == name && retires <= 0) {
        error(path, fmt::format("expected a cluster in service during the run, found \"{}\" "
                                "(retired on {}, before the start)",
                                name, format_date(calendar.date_of(retires))));
      }
    }
  }

  void check_clusters() {
    check_unique(scenario_.clusters, "clusters", "cluster");
    const auto sites = names_of(scenario_.sites);
    const auto parts = names_of(scenario_.catalog.accelerators);
    for (std::size_t i = 0; i < scenario_.clusters.size(); ++i) {
      const ClusterSpec& cluster = scenario_.clusters[i];
      check_reference(fmt::format("clusters[{}].site", i), cluster.site, sites, "site");
      check_reference(fmt::format("clusters[{}].accelerator", i), cluster.accelerator, parts,
                      "catalog accelerator");
      check_in_horizon(fmt::format("clusters[{}].online", i), cluster.online, true);
      check_priced(fmt::format("clusters[{}].accelerator", i), cluster.accelerator);
    }
  }

  /// Clusters and fixed orders are bought: a part that is not sold (no purchase price) needs
  /// one given in the scenario's catalog.
  void check_priced(const std::string& path, const std::string& accelerator) {
    const AcceleratorSpec* part = scenario_.catalog.find(accelerator);
    if (part && !part->price_installed_per_gpu_usd) {
      error(path, fmt::format("expected a part with a purchase price, found \"{}\" without one "
                              "(not for sale; give catalog price_installed_per_gpu to buy it)",
                              accelerator));
    }
  }

  void check_training() {
    const TrainingSpec& training = scenario_.training;
    check_unique(training.tenants, "training.tenants", "tenant");
    double shares = 0.0;
    for (const TenantSpec& tenant : training.tenants)
      shares += tenant.share;
    if (shares > 1.0 + 1e-9) {
      error("training.tenants", fmt::format("expected tenant shares adding up to at most 100%, "
                                            "found {}",
                                            format_quantity(shares, Dimension::fraction)));
    }
    check_unique(training.jobs, "training.jobs", "job");
    const std::vector<std::string> jobs = names_of(training.jobs);
    const std::vector<std::string> tenants = names_of(training.tenants);
    const std::vector<std::string> clusters = cluster_names();
    std::vector<std::vector<std::string>> after;
    for (const TrainingJobSpec& job : training.jobs)
      after.push_back(job.after);
    for (std::size_t i = 0; i < training.jobs.size(); ++i) {
      const TrainingJobSpec& job = training.jobs[i];
      const std::string path = fmt::format("training.jobs[{}]", i);
      const bool by_parameters = job.active_parameters.has_value() || job.tokens.has_value();
      if (job.flops && by_parameters) {
        error(path + ".flops", "expected either flops or active_parameters and tokens, found both");
      } else if (!job.flops && !(job.active_parameters && job.tokens)) {
        error(path,
              "expected flops, or active_parameters and tokens (6·N·D), found "
              "neither complete");
      }
      if (job.min_gpus > job.gpus) {
        error(path + ".min_gpus",
              fmt::format("expected at most gpus ({}), found {}", job.gpus, job.min_gpus));
      }
      check_in_horizon(path + ".submit", job.submit, false);
      for (std::size_t d = 0; d < job.after.size(); ++d) {
        check_reference(fmt::format("{}.after[{}]", path, d), job.after[d], jobs, "training job");
      }
      if (!job.cluster.empty()) {
        check_reference(path + ".cluster", job.cluster, clusters, "cluster");
        check_in_service(path + ".cluster", job.cluster);
      }
      if (!training.tenants.empty() && job.tenant != "default") {
        check_reference(path + ".tenant", job.tenant, tenants, "tenant");
      }
    }
    check_acyclic(jobs, after, "training.jobs", "jobs");
    const JobGeneratorSpec& generator = training.generator;
    if (generator.from && generator.until && !(*generator.from < *generator.until)) {
      error("training.generator.until",
            fmt::format("expected a date after from ({}), found {}", format_date(*generator.from),
                        format_date(*generator.until)));
    }
    if (generator.gpus_median > generator.gpus_max) {
      error("training.generator.gpus_median",
            fmt::format("expected at most gpus_max ({}), found {}", generator.gpus_max,
                        generator.gpus_median));
    }
    if (training.sharing != SharingPolicy::none && training.tenants.empty()) {
      error("training.sharing", "expected tenants with shares to share among, found none");
    }
  }

  /// Each cause's rate in one form; the one-cause shorthand or the causes, not both.
  void check_failures() {
    const FailuresSpec& failures = scenario_.failures;
    const bool causes_given = node_at_path(document_, "failures.causes") != nullptr;
    if (failures.annual_failure_rate && causes_given) {
      error("failures.annual_failure_rate",
            "expected either annual_failure_rate (one cause) or causes, found both");
    }
    if (failures.repair_time_s && !failures.annual_failure_rate) {
      error("failures.repair_time",
            "expected repair_time only with annual_failure_rate, found it alone (each of "
            "failures.causes has its own repair_time)");
    }
    check_unique(failures.causes, "failures.causes", "failure cause");
    for (std::size_t i = 0; i < failures.causes.size(); ++i) {
      const FailureRateSpec& rate = failures.causes[i].rate;
      const std::string path = fmt::format("failures.causes[{}].rate", i);
      const bool window = rate.count || rate.days || rate.gpus;
      if (rate.per_gpu_year && window) {
        error(path, "expected per_gpu_year, or count, days and gpus, found both");
      } else if (!rate.per_gpu_year && !(rate.count && rate.days && rate.gpus)) {
        error(path, "expected per_gpu_year, or count, days and gpus, found neither complete");
      }
    }
  }

  void check_inference() {
    const auto& services = scenario_.inference.services;
    check_unique(services, "inference.services", "service");
    const auto parts = names_of(scenario_.catalog.accelerators);
    const auto clusters = cluster_names();
    for (std::size_t i = 0; i < services.size(); ++i) {
      const ServiceSpec& service = services[i];
      check_reference(fmt::format("inference.services[{}].accelerator", i), service.accelerator,
                      parts, "catalog accelerator");
      check_reference(fmt::format("inference.services[{}].cluster", i), service.cluster, clusters,
                      "cluster");
      check_in_service(fmt::format("inference.services[{}].cluster", i), service.cluster);
      // The service's throughput is that of its accelerator: the cluster must be made of it.
      std::string cluster_part;
      for (const ClusterSpec& cluster : scenario_.clusters) {
        if (cluster.name == service.cluster)
          cluster_part = cluster.accelerator;
      }
      for (const OrderSpec& order : scenario_.planner.orders) {
        if (order.cluster == service.cluster)
          cluster_part = order.accelerator;
      }
      if (const AcceleratorSpec* part = scenario_.catalog.find(service.accelerator)) {
        try {
          service_throughput(service, *part);
        } catch (const InferenceError& problem) {
          error(fmt::format("inference.services[{}]", i), problem.what());
        } catch (const std::invalid_argument& problem) {
          error(fmt::format("inference.services[{}]", i), problem.what());
        }
      }
      if (service.slo_wait_p95_s && !service.output_tokens_per_request) {
        error(fmt::format("inference.services[{}].slo_wait_p95", i),
              "expected output_tokens_per_request with slo_wait_p95 (requests queue for decode "
              "slots), found none");
      }
      if (!cluster_part.empty() && cluster_part != service.accelerator) {
        error(fmt::format("inference.services[{}].accelerator", i),
              fmt::format("expected the accelerator of cluster \"{}\" ({}), found \"{}\"",
                          service.cluster, cluster_part, service.accelerator));
      }
      check_demand(service, fmt::format("inference.services[{}].demand", i));
    }
  }

  /// Demand in exactly one form, growth keys that fit the growth kind, profile weights that
  /// fit the profile; then the curve itself, whose fits can fail on the data.
  void check_demand(const ServiceSpec& service, const std::string& path) {
    const std::size_t before = diagnostics_.size();
    check_demand_form(service, path);
    check_growth(service.demand, path);
    check_profile(service.demand, path);
    if (diagnostics_.size() != before)
      return;
    try {
      demand_curve(service, Calendar(scenario_.scenario.start));
    } catch (const std::invalid_argument& problem) {
      error(service.demand.observations_file.empty() ? path : path + ".observations",
            problem.what());
    }
  }

  void check_demand_form(const ServiceSpec& service, const std::string& path) {
    const DemandSpec& demand = service.demand;
    const bool in_tokens = demand.input_tokens_per_s || demand.output_tokens_per_s;
    const bool in_requests = demand.requests_per_s || demand.input_tokens_per_request;
    if (in_tokens && in_requests) {
      error(path + (demand.requests_per_s ? ".requests" : ".input_tokens_per_request"),
            "expected demand in tokens (input_tokens, output_tokens) or in requests (requests, "
            "input_tokens_per_request), found both");
    } else if (in_tokens) {
      if (!demand.input_tokens_per_s)
        error(path, "expected input_tokens with output_tokens, found none");
      if (!demand.output_tokens_per_s)
        error(path, "expected output_tokens with input_tokens, found none");
    } else if (in_requests) {
      if (!demand.requests_per_s)
        error(path, "expected requests with input_tokens_per_request, found none");
      if (!demand.input_tokens_per_request)
        error(path, "expected input_tokens_per_request with requests, found none");
      if (!service.output_tokens_per_request) {
        error(path + (demand.requests_per_s ? ".requests" : ".input_tokens_per_request"),
              "expected the service's output_tokens_per_request with demand in requests, found "
              "none");
      }
    } else {
      error(path,
            "expected input_tokens and output_tokens, or requests and input_tokens_per_request, "
            "found neither");
    }
  }

  void check_growth(const DemandSpec& demand, const std::string& path) {
    const bool observed = !demand.observations_file.empty();
    const std::string growth_word = written(path + ".growth", "none");
    if (observed && demand.growth == GrowthKind::none) {
      error(path + ".observations",
            "expected growth: exponential, logistic or observed with observations, found "
            "growth: none");
    }
    if (!observed && demand.growth == GrowthKind::observed) {
      error(path + ".growth",
            "expected observations (a CSV file) with growth: observed, found none");
    }
    if (demand.growth_per_year) {
      if (observed) {
        error(path + ".growth_per_year",
              "expected no growth_per_year with observations (the fit gives it), found one");
      } else if (demand.growth != GrowthKind::exponential &&
                 demand.growth != GrowthKind::logistic) {
        error(path + ".growth_per_year",
              fmt::format("expected growth: exponential or logistic with growth_per_year, found "
                          "growth: {}",
                          growth_word));
      }
    }
    if (demand.saturation_tokens_per_s && demand.growth != GrowthKind::logistic) {
      error(
          path + ".saturation",
          fmt::format("expected growth: logistic with saturation, found growth: {}", growth_word));
    }
    if (demand.growth == GrowthKind::logistic && !observed && !demand.saturation_tokens_per_s) {
      error(path + ".growth",
            "expected saturation (or observations to fit it) with growth: logistic, found none");
    }
  }

  void check_profile(const DemandSpec& demand, const std::string& path) {
    const bool custom = demand.profile == DemandProfileKind::custom;
    if (custom && demand.hourly_weights.empty()) {
      error(path + ".profile", "expected hourly (24 weights) with profile: custom, found none");
    }
    if (!custom && !demand.hourly_weights.empty()) {
      error(path + ".hourly",
            fmt::format("expected profile: custom with hourly weights, found profile: {}",
                        written(path + ".profile", "flat")));
    }
    if (!custom && demand.profile_utc_offset_hours != 0) {
      error(path + ".utc_offset_hours",
            fmt::format("expected profile: custom with utc_offset_hours (deepseek_day is "
                        "Beijing time, +8), found profile: {}",
                        written(path + ".profile", "flat")));
    }
    const auto all_zero = [](const std::vector<double>& weights) {
      return !weights.empty() &&
             std::all_of(weights.begin(), weights.end(), [](double w) { return w == 0.0; });
    };
    if (all_zero(demand.hourly_weights))
      error(path + ".hourly", "expected at least one weight above 0, found all 0");
    if (all_zero(demand.weekly_weights))
      error(path + ".weekly", "expected at least one weight above 0, found all 0");
  }

  void check_efficiency() {
    const EfficiencySpec& efficiency = scenario_.efficiency;
    for (std::size_t i = 0; i < efficiency.steps.size(); ++i) {
      check_in_horizon(fmt::format("efficiency.steps[{}].date", i), efficiency.steps[i].date, true);
    }
    for (std::size_t i = 0; i < efficiency.trends.size(); ++i) {
      const EfficiencyTrendSpec& trend = efficiency.trends[i];
      if (trend.until && !(trend.from < *trend.until)) {
        error(fmt::format("efficiency.trends[{}].until", i),
              fmt::format("expected a date after from ({}), found {}", format_date(trend.from),
                          format_date(*trend.until)));
      }
    }
  }

  void check_planner() {
    const PlannerSpec& planner = scenario_.planner;
    const auto sites = names_of(scenario_.sites);
    const auto parts = names_of(scenario_.catalog.accelerators);
    std::map<std::string, std::string> cluster_first;
    for (std::size_t c = 0; c < scenario_.clusters.size(); ++c) {
      cluster_first.emplace(scenario_.clusters[c].name, fmt::format("clusters[{}]", c));
    }
    for (std::size_t i = 0; i < planner.orders.size(); ++i) {
      const OrderSpec& order = planner.orders[i];
      const std::string path = fmt::format("planner.orders[{}]", i);
      if (!order.cluster.empty()) {
        const auto [it, inserted] = cluster_first.emplace(order.cluster, path);
        if (!inserted) {
          error(path + ".cluster",
                fmt::format("expected a cluster name no other cluster or order uses, found \"{}\" "
                            "(first at {})",
                            order.cluster, it->second));
        }
      }
      check_reference(path + ".site", order.site, sites, "site");
      check_reference(path + ".accelerator", order.accelerator, parts, "catalog accelerator");
      check_in_horizon(path + ".order_date", order.order_date, false);
      if (const AcceleratorSpec* part = scenario_.catalog.find(order.accelerator);
          part && order.order_date < add_months(part->first_ship, -12)) {
        error(
            path + ".order_date",
            fmt::format("expected an order at most a year before {} first ships ({}), "
                        "found {}",
                        part->name, format_date(part->first_ship), format_date(order.order_date)));
      }
      if (const AcceleratorSpec* part = scenario_.catalog.find(order.accelerator);
          part && part->end_of_sale && order.order_date >= *part->end_of_sale) {
        error(path + ".order_date",
              fmt::format("expected an order before {} ends sale ({}), found {}", part->name,
                          format_date(*part->end_of_sale), format_date(order.order_date)));
      }
      check_priced(path + ".accelerator", order.accelerator);
    }
    for (std::size_t i = 0; i < planner.vendor_caps.size(); ++i) {
      check_reference(fmt::format("planner.vendor_caps[{}].accelerator", i),
                      planner.vendor_caps[i].accelerator, parts, "catalog accelerator");
    }
    for (std::size_t i = 0; i < planner.parts.size(); ++i) {
      check_reference(fmt::format("planner.parts[{}]", i), planner.parts[i], parts,
                      "catalog accelerator");
    }
    check_increasing_from(planner.budget_changes, "planner.budget_changes");
    if (planner.policy == PlannerPolicy::budget && !planner.budget_per_period_usd) {
      error("planner.policy", "expected budget_per_period with the budget policy, found none");
    }
    // Only the budget planner places a budget part by part: carrying would change nothing
    // elsewhere (`drop`, the default, is what `explain` writes for every policy).
    if (planner.policy != PlannerPolicy::budget &&
        planner.unplaced_budget == UnplacedBudget::carry) {
      error("planner.unplaced_budget",
            fmt::format("expected planner.policy: budget beside unplaced_budget, found {}",
                        written("planner.policy", "fixed")));
    }
    if (planner.policy != PlannerPolicy::budget && planner.refresh) {
      error("planner.refresh",
            fmt::format("expected planner.policy: budget beside refresh, found {}",
                        written("planner.policy", "fixed")));
    }
    // Changes need a budget to change from: without one the planner would have none before
    // the first change, and the demand planner would take the changes for no budget at all.
    if (!planner.budget_changes.empty() && !planner.budget_per_period_usd) {
      error("planner.budget_changes",
            "expected budget_per_period beside budget_changes (the budget before the first "
            "change), found none");
    }
  }

  void check_leases() {
    const auto parts = names_of(scenario_.catalog.accelerators);
    const Calendar calendar(scenario_.scenario.start);
    for (std::size_t i = 0; i < scenario_.leases.size(); ++i) {
      const LeaseSpec& lease = scenario_.leases[i];
      const std::string path = fmt::format("leases[{}]", i);
      if (lease.provider.empty())
        error(path + ".provider", "expected the provider's name, found an empty one");
      check_reference(path + ".part", lease.part, parts, "catalog accelerator");
      // A contract over before the run holds nothing the run could use or pay for.
      const Tick ends = calendar.tick_of(lease.start) + ticks_from_seconds(lease.term_s);
      if (ends <= 0) {
        error(path + ".term",
              fmt::format("expected a lease ending after the scenario start {}, found one "
                          "ending {}",
                          format_date(scenario_.scenario.start),
                          format_date(calendar.date_of(ends))));
      }
    }
    const PlannerSpec& planner = scenario_.planner;
    if (!planner.lease)
      return;
    if (planner.policy == PlannerPolicy::fixed) {
      error("planner.lease",
            fmt::format("expected planner.policy: demand or budget beside lease, found {}",
                        written("planner.policy", "fixed")));
    }
    if (planner.lease->provider.empty())
      error("planner.lease.provider", "expected the provider's name, found an empty one");
    if (!planner.lease->part.empty())
      check_reference("planner.lease.part", planner.lease->part, parts, "catalog accelerator");
  }

  const Scenario& scenario_;
  const ConfigNode& document_;
  const std::vector<CatalogPart>& parts_;
  Diagnostics& diagnostics_;
  Date end_date_;
};

}  // namespace

void check_cross_fields(const Scenario& scenario, const ConfigNode& document,
                        const std::vector<CatalogPart>& parts, Diagnostics& diagnostics) {
  CrossChecker(scenario, document, parts, diagnostics).run();
}

}  // namespace capsim::scenario
