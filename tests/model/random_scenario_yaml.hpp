#pragma once
// Random but valid scenarios, written as YAML text for the real loader: sites built or to be
// built, clusters, training (listed jobs and a job generator), inference services with demand,
// efficiency gains, demand feedback, funds, failures, leases, and one of the three planners. Every
// text is one `capsim validate` accepts (the test loads it through scenario::load_scenario), so
// the invariants are checked on what a user can write, not on structs the loader would refuse.
//
// Sizes are kept small (at most 3 sites, 4 clusters, 3 years) so that hundreds of runs take
// seconds; the values still span the ranges that matter: empty fleets, sites whose power comes
// late or never, clusters retiring inside the horizon, jobs larger than any cluster, demand
// that outgrows the fleet, funds that run out.

#include <cstdint>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "capsim/core/time.hpp"
#include "capsim/engine/random.hpp"

namespace capsim::test {

/// The planner policies, in the order random_scenario_yaml cycles through them.
inline const std::vector<std::string>& planner_policies() {
  static const std::vector<std::string> policies = {"fixed", "budget", "demand"};
  return policies;
}

class RandomScenarioWriter {
 public:
  RandomScenarioWriter(std::uint64_t seed, const std::string& policy)
      : random_(seed, 0, "random-scenario-yaml"),
        leases_random_(seed, 0, "random-scenario-yaml/leases"),
        refresh_random_(seed, 0, "random-scenario-yaml/refresh"),
        seed_(seed),
        policy_(policy) {}

  std::string write() {
    years_ = 1 + whole(0, 2);
    scenario_section();
    sites_section();
    clusters_section();
    training_section();
    inference_section();
    efficiency_section();
    planner_section();
    economics_section();
    leases_section();
    return text_;
  }

 private:
  /// A whole number in [low, high].
  int whole(int low, int high) {
    return low + static_cast<int>(random_.uniform(0, high - low + 1));
  }
  bool chance(double p) { return random_.uniform01() < p; }
  template <typename T>
  const T& pick(const std::vector<T>& items) {
    return items[static_cast<std::size_t>(whole(0, static_cast<int>(items.size()) - 1))];
  }
  /// The date `days` from 2025-01-01 (the start of every scenario), as YAML writes it.
  static std::string date(int days) {
    return format_date(Calendar(Date{2025, 1, 1}).date_of(days * kTicksPerDay));
  }
  /// A day of the horizon, or up to `before` days before the start.
  int day_in_horizon(int before = 0) { return whole(-before, horizon_days_ - 1); }
  void line(const std::string& text) { text_ += text + "\n"; }

  void scenario_section() {
    line("scenario:");
    line(fmt::format("  name: random-{}", seed_));
    line("  start: 2025-01-01");
    if (chance(0.8)) {
      line(fmt::format("  end: {}-01-01", 2025 + years_));
      horizon_days_ = static_cast<int>(
          Calendar(Date{2025, 1, 1}).tick_of(Date{2025 + years_, 1, 1}) / kTicksPerDay);
    } else {
      horizon_days_ = years_ * 365 - whole(0, 200);
      line(fmt::format("  horizon: \"{} d\"", horizon_days_));
    }
    line(fmt::format("  reporting_period: {}", pick(periods())));
    line(fmt::format("  seed: {}", seed_));
  }

  void sites_section() {
    sites_ = whole(1, 3);
    line("sites:");
    for (int s = 0; s < sites_; ++s) {
      // Whole kW, so that phases add up to the cap exactly.
      const int cap_kw = whole(2000, 150000);
      line(fmt::format("  - name: site{}", s));
      line(fmt::format("    it_power_cap: \"{} kW\"", cap_kw));
      line(fmt::format("    pue: {:.3f}", random_.uniform(1.0, 1.8)));
      line(fmt::format("    electricity_price: \"{:.1f} USD/MWh\"", random_.uniform(0, 150)));
      if (chance(0.3)) {
        line("    electricity_price_changes:");
        line(fmt::format("      - {{from: {}, price: \"{:.1f} USD/MWh\"}}", date(day_in_horizon()),
                         random_.uniform(0, 150)));
      }
      line(fmt::format("    cost_per_power: \"{:.2f}M USD/MW\"",
                       chance(0.2) ? 0.0 : random_.uniform(5, 15)));
      if (s > 0 && chance(0.7))
        construction(cap_kw);
    }
  }

  /// Two tasks, one or two power phases; started on a date or left to the planner.
  void construction(int cap_kw) {
    if (chance(0.5))
      line(fmt::format("    construction_start: {}", date(day_in_horizon(100))));
    line("    construction:");
    line(fmt::format("      - {{name: permits, duration: \"{} d\"}}", whole(0, 200)));
    line(fmt::format("      - {{name: build, duration: \"{} d\", after: [permits]}}",
                     whole(1, 400)));
    if (chance(0.5)) {
      const int first_kw = whole(1, cap_kw - 1);
      line("    phases:");
      line(fmt::format("      - {{it_power: \"{} kW\", ready_after: permits}}", first_kw));
      line(fmt::format("      - {{it_power: \"{} kW\", ready_after: build}}", cap_kw - first_kw));
    }
  }

  void clusters_section() {
    const int clusters = whole(1, 4);
    line("clusters:");
    for (int c = 0; c < clusters; ++c) {
      const std::string part = pick(parts());
      cluster_parts_.push_back(part);
      cluster_gpus_.push_back(8 * whole(1, 2500));
      line(fmt::format("  - name: cluster{}", c));
      // The first cluster is at the first site, which exists from the start.
      line(fmt::format("    site: site{}", c == 0 ? 0 : whole(0, sites_ - 1)));
      line(fmt::format("    accelerator: {}", part));
      line(fmt::format("    gpus: {}", cluster_gpus_.back()));
      // Online up to a year before the start, and in service at the start: jobs and services
      // may name any cluster, and the loader refuses a cluster that retired before the start.
      const int online = day_in_horizon(365);
      line(fmt::format("    online: {}", date(online)));
      line(fmt::format("    service_life: \"{} d\"", std::max(-online, 0) + whole(30, 2500)));
      if (chance(0.3))
        line(fmt::format("    utilisation: \"{:.1f}%\"", random_.uniform(0, 100)));
      if (chance(0.3)) {
        line(fmt::format("    fabric: {{nodes_per_leaf: {}, oversubscription: {}}}", whole(1, 64),
                         whole(1, 8)));
      }
    }
  }

  void training_section() {
    if (chance(0.15))
      return;
    line("training:");
    line(fmt::format("  policy: {}",
                     pick(std::vector<std::string>{"fifo", "priority", "easy_backfill"})));
    line(fmt::format("  cross_cluster: {}", chance(0.3) ? "true" : "false"));
    const int tenants = whole(0, 3);
    // Sharing needs tenants to share among.
    if (tenants > 0) {
      line(fmt::format("  sharing: {}",
                       pick(std::vector<std::string>{"none", "quota", "fair_share"})));
    }
    if (tenants > 0) {
      line("  tenants:");
      for (int t = 0; t < tenants; ++t) {
        line(fmt::format("    - {{name: tenant{}, share: \"{:.1f}%\", priority: {}}}", t,
                         random_.uniform(0, 100.0 / tenants), whole(0, 3)));
      }
    }
    listed_jobs(tenants);
    if (chance(0.7))
      job_generator();
  }

  void listed_jobs(int tenants) {
    const int jobs = whole(0, 5);
    if (jobs == 0)
      return;
    line("  jobs:");
    for (int j = 0; j < jobs; ++j) {
      const std::size_t cluster =
          static_cast<std::size_t>(whole(0, static_cast<int>(cluster_gpus_.size()) - 1));
      // Mostly a job its cluster can hold; now and then one larger than any cluster.
      const int gpus =
          chance(0.9) ? 8 * whole(1, std::max(1, cluster_gpus_[cluster] / 8)) : 8 * whole(1, 40000);
      line(fmt::format("    - name: job{}", j));
      if (tenants > 0)
        line(fmt::format("      tenant: tenant{}", whole(0, tenants - 1)));
      line(fmt::format("      submit: {}", date(day_in_horizon())));
      // Days to weeks on an H100 at 40% MFU.
      const double days = random_.uniform(0.1, 60);
      if (chance(0.5)) {
        line(fmt::format("      flops: \"{:.4e} FLOP\"", gpus * 989e12 * 0.4 * days * 86400));
      } else {
        const double parameters = random_.uniform(1, 400) * 1e9;
        const double tokens = gpus * 989e12 * 0.4 * days * 86400 / (6 * parameters);
        line(fmt::format("      active_parameters: {:.0f}", parameters));
        line(fmt::format("      tokens: \"{:.4e} tokens\"", tokens));
      }
      line(fmt::format("      gpus: {}", gpus));
      if (chance(0.3))
        line(fmt::format("      min_gpus: {}", whole(1, gpus)));
      line(fmt::format("      base_mfu: \"{:.1f}%\"", random_.uniform(5, 60)));
      line(fmt::format("      priority: {}", whole(0, 5)));
      line(fmt::format("      preemptible: {}", chance(0.7) ? "true" : "false"));
      line(fmt::format("      capability_equivalent: {}", chance(0.3) ? "true" : "false"));
      if (j > 0 && chance(0.3))
        line(fmt::format("      after: [job{}]", whole(0, j - 1)));
      if (chance(0.3))
        line(fmt::format("      cluster: cluster{}", cluster));
    }
  }

  void job_generator() {
    line("  generator:");
    line(fmt::format("    arrivals: \"{:.1f}/month\"", random_.uniform(0, 60)));
    line(fmt::format("    growth_per_year: \"{:.2f}x\"", random_.uniform(0.5, 3)));
    if (chance(0.3))
      line(fmt::format("    until: {}", date(day_in_horizon())));
    const int median = whole(1, 256);
    line(fmt::format("    gpus_median: {}", median));
    line(fmt::format("    gpus_sigma: {:.2f}", random_.uniform(0, 2)));
    line(fmt::format("    gpus_max: {}", whole(median, 8192)));
    line(fmt::format("    duration_median: \"{:.1f} h\"", random_.uniform(0.5, 100)));
    line(fmt::format("    duration_sigma: {:.2f}", random_.uniform(0, 2)));
  }

  void inference_section() {
    // The demand planner buys for services and training; it needs something to plan for.
    const int services = policy_ == "demand" ? whole(1, 2) : whole(0, 2);
    if (services == 0)
      return;
    line("inference:");
    line("  services:");
    for (int s = 0; s < services; ++s) {
      const std::size_t cluster =
          static_cast<std::size_t>(whole(0, static_cast<int>(cluster_parts_.size()) - 1));
      line(fmt::format("    - name: service{}", s));
      line(fmt::format("      accelerator: {}", cluster_parts_[cluster]));
      line(fmt::format("      cluster: cluster{}", cluster));
      // A100s have no fp8: they serve in bf16.
      const bool has_fp8 = cluster_parts_[cluster] != "A100-80GB-SXM";
      line(
          fmt::format("      model: {{active_parameters: 37B, total_parameters: 671B, "
                      "precision: {}, kv_bytes_per_token: \"70 KB\", layers: 61, "
                      "hidden_size: 7168, experts: 256, experts_per_token: 8}}",
                      has_fp8 ? "fp8" : "bf16"));
      demand();
      if (chance(0.6)) {
        line(
            fmt::format("      throughput: {{prefill_per_node: \"{:.1f}K tokens/s\", "
                        "decode_per_node: \"{:.1f}K tokens/s\"}}",
                        random_.uniform(5, 100), random_.uniform(1, 20)));
      }
      line(fmt::format("      target_utilisation: \"{:.0f}%\"", random_.uniform(30, 100)));
      if (chance(0.3)) {
        line(fmt::format("      slo_wait_p95: \"{:.1f} s\"", random_.uniform(0.5, 10)));
        line(fmt::format("      output_tokens_per_request: \"{} tokens\"", whole(100, 2000)));
      }
      if (chance(0.3))
        line(fmt::format("      scale_up_warmup: \"{} min\"", whole(0, 60)));
      line(fmt::format("      reclaim: {}", chance(0.5) ? "preempt" : "wait"));
      if (chance(0.5)) {
        line(
            fmt::format("      prices: {{input_cache_hit: \"{:.2f} USD/Mtoken\", "
                        "input_cache_miss: \"{:.2f} USD/Mtoken\", output: \"{:.2f} USD/Mtoken\"}}",
                        random_.uniform(0, 0.5), random_.uniform(0, 1), random_.uniform(0, 5)));
      }
    }
  }

  /// Billions of tokens a day, up to a few times what a large provider served in 2025.
  void demand() {
    const double input_b = random_.uniform(0.1, 1000);
    const double output_b = random_.uniform(0.01, 300);
    line("      demand:");
    line(fmt::format("        input_tokens: \"{:.2f}B tokens/day\"", input_b));
    line(fmt::format("        output_tokens: \"{:.2f}B tokens/day\"", output_b));
    line(fmt::format("        cache_hit_share: \"{:.1f}%\"", random_.uniform(0, 90)));
    const std::string growth = pick(std::vector<std::string>{"none", "exponential", "logistic"});
    line(fmt::format("        growth: {}", growth));
    // Logistic growth rises (a factor above 1) towards a ceiling above the start's demand.
    if (growth == "exponential")
      line(fmt::format("        growth_per_year: \"{:.2f}x\"", random_.uniform(0.5, 5)));
    if (growth == "logistic") {
      line(fmt::format("        growth_per_year: \"{:.2f}x\"", random_.uniform(1.1, 5)));
      line(fmt::format("        saturation: \"{:.1f}B tokens/day\"",
                       (input_b + output_b) * random_.uniform(1.5, 20)));
    }
    line(fmt::format("        profile: {}", chance(0.5) ? "flat" : "deepseek_day"));
    if (chance(0.2))
      line("        weekly: [1.1, 1.1, 1.1, 1.1, 1.0, 0.8, 0.8]");
    if (chance(0.3))
      line(fmt::format("        elasticity: {:.2f}", random_.uniform(0, 2)));
  }

  void efficiency_section() {
    if (chance(0.5))
      return;
    line("efficiency:");
    line("  steps:");
    line(fmt::format("    - {{kind: {}, factor: \"{:.2f}x\", date: {}}}", pick(gain_kinds()),
                     random_.uniform(0.5, 10), date(day_in_horizon(100))));
    line("  trends:");
    line(fmt::format("    - {{kind: {}, halving_time: \"{} months\", from: 2025-01-01}}",
                     pick(gain_kinds()), whole(3, 36)));
    if (chance(0.5)) {
      line("demand_feedback:");
      line("  enabled: true");
      line(fmt::format("  margin: \"{:.0f}%\"", random_.uniform(0, 100)));
      line(fmt::format("  adjustment_time: \"{} months\"", whole(0, 12)));
      line(fmt::format("  elasticity: {:.2f}", random_.uniform(0, 2)));
    }
  }

  void planner_section() {
    line("planner:");
    line(fmt::format("  policy: {}", policy_));
    line(fmt::format("  lead_time: \"{} weeks\"", whole(0, 40)));
    line(fmt::format("  service_life: \"{} d\"", whole(180, 2500)));
    if (policy_ == "fixed")
      fixed_orders();
    if (policy_ != "fixed") {
      line(fmt::format("  budget_period: {}", pick(std::vector<std::string>{"month", "quarter"})));
      if (policy_ == "budget" || chance(0.5))
        line(fmt::format("  budget_per_period: \"${:.1f}M\"", random_.uniform(0, 2000)));
    }
    if (policy_ == "demand") {
      line(fmt::format("  target_utilisation: \"{:.0f}%\"", random_.uniform(30, 100)));
      line(fmt::format("  forecast: {}", chance(0.5) ? "model" : "fit"));
    }
    if (chance(0.4)) {
      line("  vendor_caps:");
      line(fmt::format("    - {{accelerator: {}, gpus_per_quarter: {}}}", pick(parts()),
                       whole(0, 20000)));
    }
    // Leases and refresh draw from streams of their own, so the rest of each scenario is as it
    // was before they existed.
    if (policy_ == "budget" && refresh_random_.uniform01() < 0.5)
      line("  refresh: true");
    if (policy_ != "fixed" && leases_random_.uniform01() < 0.5) {
      line("  lease:");
      line("    provider: planner-cloud");
      line(fmt::format("    price_per_gpu_hour: \"{:.2f} USD/GPU-hour\"",
                       leases_random_.uniform(0, 10)));
      line(fmt::format("    term: \"{} d\"", 1 + lease_whole(0, 900)));
      line(fmt::format("    lead_time: \"{} d\"", lease_whole(0, 200)));
      line(fmt::format("    max_gpus: {}", 1 + lease_whole(0, 20000)));
    }
  }

  /// Up to two contracts, some running before the start, some ending within the horizon.
  void leases_section() {
    const int leases = lease_whole(0, 2);
    if (leases == 0)
      return;
    line("leases:");
    for (int l = 0; l < leases; ++l) {
      const int start = lease_whole(-300, horizon_days_ - 1);
      const int term = std::max(-start, 0) + 1 + lease_whole(0, 900);
      line(fmt::format(
          "  - {{provider: cloud{}, part: {}, gpus: {}, start: {}, term: \"{} d\", "
          "price_per_gpu_hour: \"{:.2f} USD/GPU-hour\", lead_time: \"{} d\"}}",
          lease_whole(0, 1),
          parts()[static_cast<std::size_t>(lease_whole(0, static_cast<int>(parts().size()) - 1))],
          8 * (1 + lease_whole(0, 2000)), date(start), term, leases_random_.uniform(0, 10),
          lease_whole(0, 200)));
    }
  }
  int lease_whole(int low, int high) {
    return low + static_cast<int>(leases_random_.uniform(0, high - low + 1));
  }

  void fixed_orders() {
    const int orders = whole(0, 4);
    if (orders == 0)
      return;
    line("  orders:");
    for (int o = 0; o < orders; ++o) {
      line(
          fmt::format("    - {{accelerator: {}, gpus: {}, site: site{}, order_date: {}, "
                      "lead_time: \"{} d\"}}",
                      pick(parts_on_sale()), 8 * whole(1, 5000), whole(0, sites_ - 1),
                      date(day_in_horizon()), whole(0, 300)));
    }
  }

  void economics_section() {
    line("economics:");
    line(fmt::format("  utilisation: \"{:.0f}%\"", random_.uniform(0, 100)));
    line(fmt::format("  server_life: \"{:.1f} y\"", random_.uniform(2, 7)));
    line(fmt::format("  maintenance_share: \"{:.1f}%\"", random_.uniform(0, 5)));
    line(fmt::format("  staff_cost_per_year: \"${:.1f}M\"", random_.uniform(0, 100)));
    if (chance(0.3))
      line(fmt::format("  rental_price: \"{:.2f} USD/GPU-hour\"", random_.uniform(0.5, 4)));
    if (chance(0.4))
      line(fmt::format("  funds: \"${:.0f}M\"", random_.uniform(0, 5000)));
    failures();
  }

  /// The one-cause shorthand, the default causes, or causes of random rates, repair times
  /// and kinds (some riding through), given per GPU-year or as a count in a window.
  void failures() {
    const double form = random_.uniform01();
    if (form < 0.2)
      return;  // Llama 3's causes
    line("failures:");
    if (form < 0.5) {
      line(fmt::format("  annual_failure_rate: \"{:.1f}%\"", random_.uniform(0, 30)));
      line(fmt::format("  repair_time: \"{:.1f} d\"", random_.uniform(0, 10)));
      return;
    }
    line("  causes:");
    const int causes = 1 + static_cast<int>(random_.uniform(0, 3.99));
    for (int k = 0; k < causes; ++k) {
      line(fmt::format("    - name: cause{}", k));
      if (chance(0.5)) {
        line(fmt::format("      rate: {{per_gpu_year: {:.3f}}}", random_.uniform(0, 0.3)));
      } else {
        line(fmt::format("      rate: {{count: {:.0f}, days: {:.0f}, gpus: {:.0f}}}",
                         random_.uniform(0, 200), random_.uniform(1, 100),
                         random_.uniform(100, 20000)));
      }
      line(fmt::format("      repair_time: \"{:.1f} h\"", random_.uniform(0, 100)));
      if (chance(0.3))
        line("      interrupts: false");
    }
  }

  static const std::vector<std::string>& periods() {
    static const std::vector<std::string> names = {"day", "week", "month", "quarter", "year"};
    return names;
  }
  /// Built-in parts of different generations and makers.
  static const std::vector<std::string>& parts() {
    static const std::vector<std::string> names = {"A100-80GB-SXM", "H100-SXM", "H200-SXM",
                                                   "B200",          "GB200",    "MI300X"};
    return names;
  }
  /// Parts a fixed order may name on any date of a horizon from 2025-01-01: the built-in
  /// catalog gives them no end of sale, and they first ship by 2025-Q4 (an order may precede
  /// first_ship by a year).
  static const std::vector<std::string>& parts_on_sale() {
    static const std::vector<std::string> names = {"B300", "GB300", "MI355X"};
    return names;
  }
  static const std::vector<std::string>& gain_kinds() {
    static const std::vector<std::string> names = {"training", "inference", "software"};
    return names;
  }

  RandomStream random_;
  RandomStream leases_random_;
  RandomStream refresh_random_;
  std::uint64_t seed_;
  std::string policy_;
  int years_ = 1;
  int horizon_days_ = 365;
  int sites_ = 1;
  std::vector<std::string> cluster_parts_;
  std::vector<int> cluster_gpus_;
  std::string text_;
};

/// The YAML text of random scenario `seed` with the planner `policy`.
inline std::string random_scenario_yaml(std::uint64_t seed, const std::string& policy) {
  return RandomScenarioWriter(seed, policy).write();
}

}  // namespace capsim::test
