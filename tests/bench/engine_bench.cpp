// The classic hold model: pop the earliest event, schedule one at now + Exp(1). Measures the
// capsim engine against a raw std::priority_queue loop in the same process and reports their
// throughput ratio (medians over runs, interleaved so machine noise hits both alike).
//
// usage: engine_bench [--steps N] [--runs R] [--sizes 1000,100000]

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <queue>
#include <string>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "capsim/engine/engine.hpp"
#include "capsim/engine/random.hpp"

namespace {

using Clock = std::chrono::steady_clock;
constexpr double kTicksPerMeanHold = 1e6;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

/// Events per second of the raw loop; `checksum` keeps the work observable.
double raw_hold(std::size_t pending, std::uint64_t steps, std::uint64_t& checksum) {
  using Entry = std::pair<double, std::uint64_t>;
  std::priority_queue<Entry, std::vector<Entry>, std::greater<Entry>> queue;
  capsim::RandomStream random(7);
  for (std::uint64_t i = 0; i < pending; ++i)
    queue.emplace(random.exponential(1.0), i);
  const auto start = Clock::now();
  for (std::uint64_t step = 0; step < steps; ++step) {
    const Entry top = queue.top();
    queue.pop();
    queue.emplace(top.first + random.exponential(1.0), top.second);
  }
  const double elapsed = seconds_since(start);
  checksum += queue.top().second;
  return static_cast<double>(steps) / elapsed;
}

class HoldModel final : public capsim::EventHandler {
 public:
  HoldModel() : random_(7) {}
  void on_event(capsim::Engine& engine, const capsim::Event& event) override {
    const auto delay = static_cast<capsim::Tick>(random_.exponential(1.0) * kTicksPerMeanHold);
    engine.schedule_after(delay, capsim::Phase{0}, self, 0, event.payload);
  }
  capsim::RandomStream& random() { return random_; }
  capsim::HandlerId self;

 private:
  capsim::RandomStream random_;
};

double engine_hold(std::size_t pending, std::uint64_t steps, std::uint64_t& checksum) {
  capsim::Engine engine;
  HoldModel model;
  model.self = engine.add_handler(model);
  for (std::uint64_t i = 0; i < pending; ++i) {
    const auto delay =
        static_cast<capsim::Tick>(model.random().exponential(1.0) * kTicksPerMeanHold);
    engine.schedule_at(delay, capsim::Phase{0}, model.self, 0, i);
  }
  const auto start = Clock::now();
  for (std::uint64_t step = 0; step < steps; ++step)
    engine.step();
  const double elapsed = seconds_since(start);
  checksum += static_cast<std::uint64_t>(engine.now());
  return static_cast<double>(steps) / elapsed;
}

double median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  const std::size_t middle = values.size() / 2;
  return values.size() % 2 ? values[middle] : (values[middle - 1] + values[middle]) / 2.0;
}

std::vector<std::size_t> parse_sizes(const std::string& text) {
  std::vector<std::size_t> sizes;
  std::size_t begin = 0;
  while (begin <= text.size()) {
    const std::size_t comma = std::min(text.find(',', begin), text.size());
    sizes.push_back(std::stoul(text.substr(begin, comma - begin)));
    begin = comma + 1;
  }
  return sizes;
}

}  // namespace

int main(int argc, char** argv) {
  std::uint64_t steps = 20'000'000;
  int runs = 5;
  std::vector<std::size_t> sizes = {1'000, 100'000};
  for (int i = 1; i + 1 < argc; i += 2) {
    if (std::strcmp(argv[i], "--steps") == 0) {
      steps = std::stoull(argv[i + 1]);
    } else if (std::strcmp(argv[i], "--runs") == 0) {
      runs = std::stoi(argv[i + 1]);
    } else if (std::strcmp(argv[i], "--sizes") == 0) {
      sizes = parse_sizes(argv[i + 1]);
    } else {
      fmt::print(stderr, "usage: engine_bench [--steps N] [--runs R] [--sizes A,B]\n");
      return 2;
    }
  }
  std::uint64_t checksum = 0;
  fmt::print("hold model, {} steps per run, median of {} runs\n", steps, runs);
  fmt::print("{:>10} {:>16} {:>16} {:>8}\n", "pending", "raw events/s", "capsim events/s", "ratio");
  for (const std::size_t pending : sizes) {
    std::vector<double> raw_rates, engine_rates, ratios;
    for (int run = 0; run < runs; ++run) {
      raw_rates.push_back(raw_hold(pending, steps, checksum));
      engine_rates.push_back(engine_hold(pending, steps, checksum));
      ratios.push_back(engine_rates.back() / raw_rates.back());
    }
    fmt::print("{:>10} {:>16.4g} {:>16.4g} {:>8.3f}\n", pending, median(raw_rates),
               median(engine_rates), median(ratios));
  }
  fmt::print("(checksum {})\n", checksum % 1000);
  return 0;
}
