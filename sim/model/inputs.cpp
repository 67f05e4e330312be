#include "capsim/model/inputs.hpp"

#include <algorithm>
#include <cmath>

namespace capsim {

Tick ScenarioMeta::end_tick() const {
  if (end)
    return Calendar(start).tick_of(*end);
  return ticks_from_seconds(horizon_s.value_or(0.0));
}

std::optional<double> AcceleratorSpec::peak_flop_per_s(Precision precision) const {
  switch (precision) {
    case Precision::bf16:
      return peak_dense_flops.bf16_flop_per_s;
    case Precision::fp8:
      return peak_dense_flops.fp8_flop_per_s;
    case Precision::fp4:
      return peak_dense_flops.fp4_flop_per_s;
  }
  return std::nullopt;
}

bool AcceleratorSpec::on_sale(const Date& date) const {
  return first_ship <= date && (!end_of_sale || date < *end_of_sale);
}

std::optional<double> AcceleratorSpec::price_per_gpu_at(const Date& date) const {
  std::optional<double> price = price_installed_per_gpu_usd;
  Date since = first_ship;
  for (const ListPrice& list : list_prices) {
    if (date < list.date)
      break;
    price = list.price_usd;
    since = list.date;
  }
  if (!price)
    return std::nullopt;
  const double years = static_cast<double>(std::max<std::int64_t>(
                           0, days_since_epoch(date) - days_since_epoch(since))) /
                       365.25;
  return *price * std::pow(1.0 - price_decline_per_year, years);
}

const AcceleratorSpec* CatalogSpec::find(const std::string& name) const {
  for (const AcceleratorSpec& part : accelerators) {
    if (part.name == name)
      return &part;
  }
  return nullptr;
}

double FailureRateSpec::per_gpu_s() const {
  if (per_gpu_year)
    return *per_gpu_year / kSecondsPerYear;
  if (count && days && gpus && *days > 0.0 && *gpus > 0.0)
    return *count / (*days * kSecondsPerDay * *gpus);
  return 0.0;
}

namespace {

// "The Llama 3 Herd of Models" (Meta, arXiv 2407.21783, July 2024), Table 5: the root causes
// of the 419 unexpected interruptions of the 405B pre-training in a 54-day snapshot on up to
// 16,384 H100 GPUs (rows as reproduced by G. K. Lockwood, "Component reliability"; the counts
// sum to 419). Grouped by category:
//   gpu      faulty GPU 148, GPU SRAM 19, GPU system processor 17, silent data corruption 6,
//            thermal interface and sensor 6                                      = 196
//   hbm      HBM3 memory                                                         =  72
//   software software bug 54, dependency 2                                       =  56
//   network  network switch or cable                                             =  35
//   host     unplanned host maintenance 32, NIC 7, SSD 3, power supply 3, chassis 2,
//            IO expansion board 2, CPU 2, system memory 2                         =  53
//   other    NCCL watchdog timeouts (cause unknown)                              =   7
// Repair: 2.2 hours out of service per hardware error, the recovery time measured on NCSA's
// Delta A100/H100 cluster (Cui et al., "Characterizing GPU Resilience and Impact on AI/HPC
// Systems", arXiv 2503.11901, 2025; as reported secondhand), the one published per-error
// figure found, applied to the host and network causes too (an assumption). Software and
// unknown causes take no hardware out: the job restarts at once on the same GPUs.
FailureCauseSpec llama3_cause(const char* name, FailureCategory category, double count,
                              double repair_time_s) {
  FailureCauseSpec cause;
  cause.name = name;
  cause.category = category;
  cause.rate.count = count;
  cause.rate.days = 54.0;
  cause.rate.gpus = 16'384;
  cause.repair_time_s = repair_time_s;
  return cause;
}

constexpr double kHardwareRepairS = 2.2 * 3600.0;

}  // namespace

std::vector<FailureCauseSpec> default_failure_causes() {
  return {
      llama3_cause("gpu", FailureCategory::gpu, 196, kHardwareRepairS),
      llama3_cause("hbm", FailureCategory::hbm, 72, kHardwareRepairS),
      llama3_cause("software", FailureCategory::software, 56, 0.0),
      llama3_cause("network", FailureCategory::network, 35, kHardwareRepairS),
      llama3_cause("host", FailureCategory::host, 53, kHardwareRepairS),
      llama3_cause("unknown", FailureCategory::other, 7, 0.0),
  };
}

std::vector<FailureCauseSpec> FailuresSpec::effective_causes() const {
  if (!annual_failure_rate)
    return causes;
  FailureCauseSpec cause;
  cause.name = "failure";
  cause.category = FailureCategory::other;
  cause.rate.per_gpu_year = *annual_failure_rate;
  cause.repair_time_s = repair_time_s.value_or(3.0 * kSecondsPerDay);
  return {cause};
}

double interrupting_rate_per_gpu_s(const std::vector<FailureCauseSpec>& causes) {
  double rate = 0.0;
  for (const FailureCauseSpec& cause : causes) {
    if (cause.interrupts)
      rate += cause.rate.per_gpu_s();
  }
  return rate;
}

}  // namespace capsim
