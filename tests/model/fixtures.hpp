#pragma once
// Small model inputs with round numbers, shared by the model tests so that every figure can be
// worked by hand, and the error messages the tests compare.

#include <doctest/doctest.h>

#include <cstdint>
#include <stdexcept>
#include <string>

#include "capsim/model/inputs.hpp"
#include "capsim/model/run_results.hpp"

namespace capsim::test {

/// An accelerator of `peak_flop_per_s` dense bf16, drawing `peak_w` per GPU busy and `idle_w`
/// idle, at `price_usd` installed.
inline AcceleratorSpec test_part(const std::string& name, double price_usd, double peak_w,
                                 double idle_w, Date first_ship = Date{2020, 1, 1},
                                 double peak_flop_per_s = 1000e12) {
  AcceleratorSpec part;
  part.name = name;
  part.first_ship = first_ship;
  part.peak_dense_flops.bf16_flop_per_s = peak_flop_per_s;
  part.hbm_capacity_bytes = 80e9;
  part.hbm_bandwidth_bytes_per_s = 3e12;
  part.scale_up_bandwidth_bytes_per_s = 900e9;
  part.tdp_w = 0.7 * peak_w;
  part.server_power_per_gpu_w = peak_w;
  part.idle_server_power_per_gpu_w = idle_w;
  part.price_installed_per_gpu_usd = price_usd;
  return part;
}

/// A year from `start` without failures, so that no random draw moves a figure.
inline Scenario one_year(Date start = Date{2025, 1, 1}) {
  Scenario scenario;
  scenario.scenario.name = "test";
  scenario.scenario.start = start;
  scenario.scenario.end = Date{start.year + 1, start.month, start.day};
  scenario.failures.annual_failure_rate = 0.0;
  return scenario;
}

/// A site of `it_power_cap_w` IT power with no construction plan: it stands from the start.
inline SiteSpec test_site(const std::string& name, double it_power_cap_w) {
  SiteSpec site;
  site.name = name;
  site.it_power_cap_w = it_power_cap_w;
  return site;
}

/// `gpus` GPUs of `accelerator` at `site`, online from `online`.
inline ClusterSpec test_cluster(const std::string& name, const std::string& site,
                                const std::string& accelerator, std::int64_t gpus, Date online) {
  ClusterSpec cluster;
  cluster.name = name;
  cluster.site = site;
  cluster.accelerator = accelerator;
  cluster.gpus = gpus;
  cluster.online = online;
  // Servers only, so that a test's power arithmetic is its part's; a test of the network and
  // storage power sets them.
  cluster.non_server_power = {0.0, 0.0};
  return cluster;
}

/// The economics worked by hand (capacity_model_test.cpp, capital_and_carbon_test.cpp): a year
/// of 1,000 GPUs of $40K, 1,000 W busy and 200 W idle, at 50% utilisation, on a 10 MW site
/// built before the run ($10M per MW, PUE 1.25, $100/MWh); servers over 4 years, the facility
/// over 20, maintenance 2% a year, staff $1M a year.
inline Scenario worked_economics_year() {
  Scenario scenario = one_year();
  scenario.catalog.accelerators.push_back(test_part("X", 40e3, 1000.0, 200.0));
  SiteSpec site = test_site("s", 10e6);
  site.pue = 1.25;
  site.electricity_price_usd_per_j = 100.0 / 3.6e9;  // 100 USD/MWh
  site.cost_per_power_usd_per_w = 10.0;              // $10M per MW
  scenario.sites.push_back(site);
  ClusterSpec cluster = test_cluster("c", "s", "X", 1000, Date{2025, 1, 1});
  cluster.utilisation = 0.5;
  scenario.clusters.push_back(cluster);
  scenario.economics.server_life_s = 4 * kSecondsPerYear;
  scenario.economics.facility_life_s = 20 * kSecondsPerYear;
  scenario.economics.maintenance_share_per_year = 0.02;
  scenario.economics.staff_cost_per_year_usd = 1e6;
  return scenario;
}

/// The sum of a timeseries column over every period.
inline double column_sum(const CapacityRun& run, const std::string& name) {
  const std::size_t column = run.timeseries.column(name);
  double sum = 0.0;
  for (std::size_t row = 0; row < run.timeseries.rows(); ++row)
    sum += run.timeseries.value(row, column);
  return sum;
}

/// The message of the std::invalid_argument `call` throws; "no error", and a failed check, if
/// it throws none.
template <typename Call>
std::string invalid_argument_message(Call call) {
  try {
    call();
  } catch (const std::invalid_argument& error) {
    return error.what();
  }
  FAIL_CHECK("expected std::invalid_argument");
  return "no error";
}

}  // namespace capsim::test
