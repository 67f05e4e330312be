#include "capsim/scenario/loader.hpp"

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>

#include <fmt/format.h>

#include "capsim/model/construction.hpp"
#include "capsim/scenario/scenario_schema.hpp"

namespace capsim::scenario {

namespace {

namespace fs = std::filesystem;

constexpr std::size_t kMaxExtendsDepth = 16;

std::string display_path(const fs::path& path) {
  return path.lexically_normal().string();
}

/// Loads `path` and everything it extends, merged: bases first, in the order listed, then the
/// file itself. `chain` holds the files being loaded, to name a cycle.
ConfigNode load_with_extends(const fs::path& path, std::vector<fs::path>& chain,
                             Diagnostics& diagnostics) {
  ConfigNode document = parse_yaml_file(display_path(path), diagnostics);
  if (document.is_null())
    return document;
  if (!document.is_mapping()) {
    diagnostics.add(document.location, "",
                    fmt::format("expected a mapping of scenario sections (scenario, sites, "
                                "clusters, ...) at the top level, found {}",
                                document.describe()));
    return ConfigNode{};
  }
  ConfigNode* extends = document.find("extends");
  if (!extends)
    return document;

  std::vector<const ConfigNode*> bases;
  if (extends->is_scalar()) {
    bases.push_back(extends);
  } else if (extends->is_sequence()) {
    for (const ConfigNode& item : extends->items)
      bases.push_back(&item);
  }
  if (bases.empty() || std::any_of(bases.begin(), bases.end(),
                                   [](const ConfigNode* base) { return !base->is_scalar(); })) {
    diagnostics.add(
        extends->location, "extends",
        fmt::format("expected a file name or a list of file names, found {}", extends->describe()));
    return ConfigNode{};
  }
  ConfigNode merged;
  merged.kind = ConfigNode::Kind::mapping;
  merged.location = document.location;
  for (const ConfigNode* base : bases) {
    const fs::path base_path = path.parent_path() / base->scalar;
    const fs::path canonical = fs::weakly_canonical(base_path);
    const auto repeat = std::find(chain.begin(), chain.end(), canonical);
    if (repeat != chain.end()) {
      std::string cycle;
      for (auto it = repeat; it != chain.end(); ++it)
        cycle += it->filename().string() + " -> ";
      cycle += canonical.filename().string();
      diagnostics.add(base->location, "extends",
                      fmt::format("expected extends without a cycle, found {}", cycle));
      return ConfigNode{};
    }
    if (chain.size() >= kMaxExtendsDepth) {
      diagnostics.add(
          base->location, "extends",
          fmt::format("expected at most {} levels of extends, found more", kMaxExtendsDepth));
      return ConfigNode{};
    }
    chain.push_back(canonical);
    ConfigNode base_document = load_with_extends(base_path, chain, diagnostics);
    chain.pop_back();
    if (base_document.is_null())
      return ConfigNode{};
    merge_into(merged, std::move(base_document));
  }
  document.erase("extends");
  merge_into(merged, std::move(document));
  return merged;
}

/// The `accelerators` list of a catalog file, or nothing (with a diagnostic).
std::vector<ConfigNode> catalog_entries(ConfigNode catalog_file, Diagnostics& diagnostics) {
  if (catalog_file.is_null())
    return {};
  if (!catalog_file.is_mapping()) {
    diagnostics.add(catalog_file.location, "",
                    fmt::format("expected a catalog (a mapping with an accelerators list), "
                                "found {}",
                                catalog_file.describe()));
    return {};
  }
  for (const MappingEntry& entry : catalog_file.entries) {
    if (entry.key != "accelerators") {
      diagnostics.add(
          entry.key_location, entry.key,
          fmt::format("unknown key '{}' in catalog file; expected accelerators", entry.key));
    }
  }
  ConfigNode* list = catalog_file.find("accelerators");
  if (!list || !list->is_sequence()) {
    diagnostics.add(
        list ? list->location : catalog_file.location, "accelerators",
        fmt::format("expected a list of accelerators, found {}", list ? list->describe() : "none"));
    return {};
  }
  return std::move(list->items);
}

const ConfigNode* name_of(const ConfigNode& part) {
  const ConfigNode* name = part.is_mapping() ? part.find("name") : nullptr;
  return name && name->is_scalar() ? name : nullptr;
}

/// Replaces catalog.accelerators with the resolved parts: built-in, included files, then the
/// scenario's own entries (an entry naming an existing part overrides the fields it gives).
void resolve_catalog(ConfigNode& document, const fs::path& scenario_path,
                     Diagnostics& diagnostics) {
  ConfigNode* catalog = document.find("catalog");
  if (catalog && !catalog->is_mapping() && !catalog->is_null())
    return;  // the typed load says why
  bool builtin = true;
  std::vector<std::string> includes;
  std::vector<ConfigNode> own;
  if (catalog && catalog->is_mapping()) {
    if (const ConfigNode* flag = catalog->find("builtin"))
      builtin = flag->scalar != "false";
    if (const ConfigNode* list = catalog->find("include"); list && list->is_sequence()) {
      for (const ConfigNode& item : list->items) {
        if (item.is_scalar())
          includes.push_back(item.scalar);
      }
    }
    if (ConfigNode* list = catalog->find("accelerators"); list && list->is_sequence()) {
      own = std::move(list->items);
    }
  }
  std::vector<ConfigNode> parts;
  if (builtin) {
    parts = catalog_entries(parse_yaml(builtin_catalog_yaml(), kBuiltinCatalogName, diagnostics),
                            diagnostics);
  }
  for (const std::string& include : includes) {
    const fs::path include_path = scenario_path.parent_path() / include;
    for (ConfigNode& part :
         catalog_entries(parse_yaml_file(display_path(include_path), diagnostics), diagnostics)) {
      parts.push_back(std::move(part));
    }
  }
  for (ConfigNode& entry : own) {
    const ConfigNode* name = name_of(entry);
    auto existing = std::find_if(parts.begin(), parts.end(), [&](const ConfigNode& part) {
      const ConfigNode* part_name = name_of(part);
      return name && part_name && part_name->scalar == name->scalar;
    });
    if (existing != parts.end()) {
      merge_into(*existing, std::move(entry));
    } else {
      parts.push_back(std::move(entry));
    }
  }
  if (!catalog) {
    document.entries.push_back(MappingEntry{"catalog", document.location, ConfigNode{}});
    catalog = &document.entries.back().value;
    catalog->location = document.location;
  }
  if (catalog->is_null())
    catalog->kind = ConfigNode::Kind::mapping;
  ConfigNode resolved;
  resolved.kind = ConfigNode::Kind::sequence;
  resolved.location = catalog->location;
  resolved.items = std::move(parts);
  if (ConfigNode* list = catalog->find("accelerators")) {
    *list = std::move(resolved);
  } else {
    catalog->entries.push_back(
        MappingEntry{"accelerators", catalog->location, std::move(resolved)});
  }
}

/// Cross-field checks: references, uniqueness, dates in the horizon, dependency cycles.
class CrossChecker {
 public:
  CrossChecker(const Scenario& scenario, const ConfigNode& document, Diagnostics& diagnostics)
      : scenario_(scenario), document_(document), diagnostics_(diagnostics) {
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
    check_inference();
    check_efficiency();
    check_planner();
  }

 private:
  void error(const std::string& path, std::string message) {
    const ConfigNode* node = node_at_path(document_, path);
    diagnostics_.add(node ? node->location : document_.location, path, std::move(message));
  }

  template <class Items, class Name>
  void check_unique(const Items& items, const std::string& list_path, Name name_of_item,
                    const std::string& what) {
    std::map<std::string, std::size_t> first;
    for (std::size_t i = 0; i < items.size(); ++i) {
      const std::string& name = name_of_item(items[i]);
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
    error(path, fmt::format("expected the name of a {}, found \"{}\"{}", what, name,
                            suggestion.empty() ? "" : " (did you mean \"" + suggestion + "\"?)"));
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

  std::vector<std::string> accelerator_names() const {
    std::vector<std::string> names;
    for (const AcceleratorSpec& part : scenario_.catalog.accelerators)
      names.push_back(part.name);
    return names;
  }

  std::vector<std::string> site_names() const {
    std::vector<std::string> names;
    for (const SiteSpec& site : scenario_.sites)
      names.push_back(site.name);
    return names;
  }

  void check_catalog() {
    const auto& parts = scenario_.catalog.accelerators;
    check_unique(
        parts, "catalog.accelerators",
        [](const AcceleratorSpec& p) -> const std::string& { return p.name; }, "accelerator");
    for (std::size_t i = 0; i < parts.size(); ++i) {
      const AcceleratorSpec& part = parts[i];
      if (part.idle_server_power_per_gpu_w > part.server_power_per_gpu_w) {
        error(fmt::format("catalog.accelerators[{}].idle_server_power_per_gpu", i),
              fmt::format("expected idle power at most the server power per GPU ({}), found {}",
                          format_quantity(part.server_power_per_gpu_w, Dimension::power),
                          format_quantity(part.idle_server_power_per_gpu_w, Dimension::power)));
      }
      if (part.tdp_w > part.server_power_per_gpu_w) {
        error(fmt::format("catalog.accelerators[{}].tdp", i),
              fmt::format("expected a GPU power at most the server power per GPU ({}), found {}",
                          format_quantity(part.server_power_per_gpu_w, Dimension::power),
                          format_quantity(part.tdp_w, Dimension::power)));
      }
    }
  }

  void check_sites() {
    check_unique(
        scenario_.sites, "sites", [](const SiteSpec& s) -> const std::string& { return s.name; },
        "site");
    for (std::size_t i = 0; i < scenario_.sites.size(); ++i) {
      const SiteSpec& site = scenario_.sites[i];
      const std::string site_path = fmt::format("sites[{}]", i);
      std::vector<std::string> tasks;
      std::vector<std::vector<std::string>> after;
      for (const ConstructionTaskSpec& task : site.construction) {
        tasks.push_back(task.name);
        after.push_back(task.after);
      }
      check_unique(
          site.construction, site_path + ".construction",
          [](const ConstructionTaskSpec& t) -> const std::string& { return t.name; },
          "construction task");
      for (std::size_t t = 0; t < site.construction.size(); ++t) {
        for (std::size_t d = 0; d < site.construction[t].after.size(); ++d) {
          check_reference(fmt::format("{}.construction[{}].after[{}]", site_path, t, d),
                          site.construction[t].after[d], tasks, "construction task of this site");
        }
      }
      check_acyclic(tasks, after, site_path + ".construction", "construction tasks");
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
      for (std::size_t c = 1; c < site.electricity_price_changes.size(); ++c) {
        if (!(site.electricity_price_changes[c - 1].from <
              site.electricity_price_changes[c].from)) {
          error(fmt::format("{}.electricity_price_changes[{}].from", site_path, c),
                fmt::format("expected dates in increasing order, found {} after {}",
                            format_date(site.electricity_price_changes[c].from),
                            format_date(site.electricity_price_changes[c - 1].from)));
        }
      }
    }
  }

  void check_clusters() {
    check_unique(
        scenario_.clusters, "clusters",
        [](const ClusterSpec& c) -> const std::string& { return c.name; }, "cluster");
    const auto sites = site_names();
    const auto parts = accelerator_names();
    for (std::size_t i = 0; i < scenario_.clusters.size(); ++i) {
      const ClusterSpec& cluster = scenario_.clusters[i];
      check_reference(fmt::format("clusters[{}].site", i), cluster.site, sites, "site");
      check_reference(fmt::format("clusters[{}].accelerator", i), cluster.accelerator, parts,
                      "catalog accelerator");
      check_in_horizon(fmt::format("clusters[{}].online", i), cluster.online, true);
    }
  }

  void check_training() {
    const TrainingSpec& training = scenario_.training;
    check_unique(
        training.tenants, "training.tenants",
        [](const TenantSpec& t) -> const std::string& { return t.name; }, "tenant");
    double shares = 0.0;
    for (const TenantSpec& tenant : training.tenants)
      shares += tenant.share;
    if (shares > 1.0 + 1e-9) {
      error("training.tenants", fmt::format("expected tenant shares adding up to at most 100%, "
                                            "found {}",
                                            format_quantity(shares, Dimension::fraction)));
    }
    check_unique(
        training.jobs, "training.jobs",
        [](const TrainingJobSpec& j) -> const std::string& { return j.name; }, "job");
    std::vector<std::string> jobs, tenants, clusters;
    std::vector<std::vector<std::string>> after;
    for (const TrainingJobSpec& job : training.jobs) {
      jobs.push_back(job.name);
      after.push_back(job.after);
    }
    for (const TenantSpec& tenant : training.tenants)
      tenants.push_back(tenant.name);
    for (const ClusterSpec& cluster : scenario_.clusters)
      clusters.push_back(cluster.name);
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
      }
      if (!training.tenants.empty() && job.tenant != "default") {
        check_reference(path + ".tenant", job.tenant, tenants, "tenant");
      }
    }
    check_acyclic(jobs, after, "training.jobs", "jobs");
  }

  void check_inference() {
    const auto& services = scenario_.inference.services;
    check_unique(
        services, "inference.services",
        [](const ServiceSpec& s) -> const std::string& { return s.name; }, "service");
    const auto parts = accelerator_names();
    for (std::size_t i = 0; i < services.size(); ++i) {
      check_reference(fmt::format("inference.services[{}].accelerator", i), services[i].accelerator,
                      parts, "catalog accelerator");
    }
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
    const auto sites = site_names();
    const auto parts = accelerator_names();
    for (std::size_t i = 0; i < planner.orders.size(); ++i) {
      const OrderSpec& order = planner.orders[i];
      const std::string path = fmt::format("planner.orders[{}]", i);
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
    }
    for (std::size_t i = 0; i < planner.vendor_caps.size(); ++i) {
      check_reference(fmt::format("planner.vendor_caps[{}].accelerator", i),
                      planner.vendor_caps[i].accelerator, parts, "catalog accelerator");
    }
    if (planner.policy == PlannerPolicy::budget && !planner.budget_per_period_usd) {
      error("planner.policy", "expected budget_per_period with the budget policy, found none");
    }
  }

  const Scenario& scenario_;
  const ConfigNode& document_;
  Diagnostics& diagnostics_;
  Date end_date_;
};

}  // namespace

ConfigNode resolve_document(const std::string& path, const std::vector<std::string>& set_arguments,
                            Diagnostics& diagnostics) {
  const fs::path scenario_path(path);
  std::vector<fs::path> chain{fs::weakly_canonical(scenario_path)};
  ConfigNode document = load_with_extends(scenario_path, chain, diagnostics);
  if (!diagnostics.empty())
    return ConfigNode{};
  if (document.is_null()) {
    diagnostics.add(SourceLocation{std::make_shared<const std::string>(path), 1, 1}, "",
                    "expected a scenario (a mapping with at least a 'scenario' section), found "
                    "an empty file");
    return ConfigNode{};
  }
  for (std::size_t i = 0; i < set_arguments.size(); ++i) {
    Override override_value;
    if (parse_override(set_arguments[i], i, override_value, diagnostics)) {
      apply_override(document, override_value, diagnostics);
    }
  }
  if (!diagnostics.empty())
    return ConfigNode{};
  resolve_catalog(document, scenario_path, diagnostics);
  return document;
}

Scenario load_scenario(const std::string& path, const std::vector<std::string>& set_arguments) {
  Diagnostics diagnostics;
  const ConfigNode document = resolve_document(path, set_arguments, diagnostics);
  diagnostics.throw_if_any();
  Scenario scenario;
  LoadContext context(diagnostics);
  scenario_schema().load(document, "", context, scenario);
  // Cross-field checks read values the typed load produced, so they run on a clean load only:
  // otherwise one typo would cascade into misleading reference errors.
  if (diagnostics.empty())
    CrossChecker(scenario, document, diagnostics).run();
  diagnostics.throw_if_any();
  return scenario;
}

std::string explain_scenario(const Scenario& scenario) {
  YamlWriter writer;
  scenario_schema().write(scenario, writer);
  return writer.text();
}

}  // namespace capsim::scenario
