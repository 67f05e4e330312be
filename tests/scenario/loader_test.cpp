#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include <fmt/format.h>

#include "capsim/scenario/loader.hpp"
#include "capsim/scenario/reference.hpp"
#include "scratch_folder.hpp"

namespace capsim::scenario {
namespace {

namespace fs = std::filesystem;
using test::ScratchFolder;

std::string source_path(const std::string& relative) {
  return (fs::path(CAPSIM_SOURCE_DIR) / relative).string();
}

const char* const kMinimal =
    "scenario:\n"
    "  name: minimal\n"
    "  start: 2025-01-01\n"
    "  horizon: \"2 y\"\n";

std::string first_error(const std::string& path, const std::vector<std::string>& sets = {}) {
  try {
    load_scenario(path, sets);
  } catch (const InputError& error) {
    return error.diagnostics().front().format();
  }
  return "";
}

TEST_CASE("loader: a minimal scenario gets every default, in canonical units") {
  ScratchFolder folder("minimal");
  const Scenario scenario = load_scenario(folder.write("s.yaml", kMinimal));
  CHECK(scenario.scenario.name == "minimal");
  CHECK(scenario.scenario.start == Date{2025, 1, 1});
  CHECK(scenario.scenario.horizon_seconds() == doctest::Approx(2 * 365.25 * 86400.0));
  CHECK(scenario.scenario.reporting_period == PeriodUnit::month);
  CHECK(scenario.scenario.seed == 1);
  CHECK(scenario.economics.server_life_s == doctest::Approx(6 * 365.25 * 86400.0));
  // Llama 3's six causes: 419 failures in 54 days on 16,384 GPUs, 419 / (54 · 16,384) =
  // 4.736e-4 per GPU-day, 0.173 per GPU-year.
  REQUIRE(scenario.failures.causes.size() == 6);
  CHECK_FALSE(scenario.failures.annual_failure_rate.has_value());
  CHECK(interrupting_rate_per_gpu_s(scenario.failures.causes) * kSecondsPerYear ==
        doctest::Approx(419.0 / (54.0 * 16'384.0) * 365.25).epsilon(1e-12));
  CHECK(scenario.planner.policy == PlannerPolicy::fixed);
  // The built-in catalog is there, with its sourced figures.
  const AcceleratorSpec* h100 = scenario.catalog.find("H100-SXM");
  REQUIRE(h100 != nullptr);
  CHECK(h100->peak_dense_flops.bf16_flop_per_s == 989e12);
  CHECK(h100->peak_flop_per_s(Precision::fp8) == 1979e12);
  CHECK_FALSE(h100->peak_flop_per_s(Precision::fp4).has_value());
  CHECK(h100->hbm_bandwidth_bytes_per_s == 3.35e12);
  CHECK(h100->tdp_w == 700.0);
  CHECK(h100->first_ship == Date{2022, 10, 1});
  CHECK(scenario.catalog.accelerators.size() >= 8);
}

TEST_CASE("loader: the shipped catalog holds the required parts with datasheet figures") {
  ScratchFolder folder("catalog");
  const Scenario scenario = load_scenario(folder.write("s.yaml", kMinimal));
  for (const char* name :
       {"A100-80GB-SXM", "H100-SXM", "H800-SXM", "H200-SXM", "B200", "GB200", "MI300X", "MI325X"}) {
    INFO(name);
    CHECK(scenario.catalog.find(name) != nullptr);
  }
  // NVIDIA H200 datasheet (2024): 141 GB HBM3e at 4.8 TB/s; same dense compute as H100.
  const AcceleratorSpec& h200 = *scenario.catalog.find("H200-SXM");
  CHECK(h200.hbm_capacity_bytes == 141e9);
  CHECK(h200.hbm_bandwidth_bytes_per_s == 4.8e12);
  // NVIDIA GB200 NVL72 (2024): 72-GPU NVLink domain, 2.5 PFLOP/s dense bf16 per GPU.
  const AcceleratorSpec& gb200 = *scenario.catalog.find("GB200");
  CHECK(gb200.scale_up_domain == 72);
  CHECK(gb200.peak_dense_flops.bf16_flop_per_s == 2500e12);
  // AMD MI300X datasheet (2023): 1,307 TFLOP/s dense bf16, 192 GB HBM3 at 5.3 TB/s, 750 W.
  const AcceleratorSpec& mi300x = *scenario.catalog.find("MI300X");
  CHECK(mi300x.peak_dense_flops.bf16_flop_per_s == 1307e12);
  CHECK(mi300x.hbm_capacity_bytes == 192e9);
  CHECK(mi300x.hbm_bandwidth_bytes_per_s == 5.3e12);
  CHECK(mi300x.tdp_w == 750.0);
}

TEST_CASE("loader: extends merges mappings key by key and replaces lists") {
  ScratchFolder folder("extends");
  folder.write("base.yaml", std::string(kMinimal) +
                                "  seed: 7\n"
                                "sites:\n"
                                "  - {name: a, it_power_cap: \"100 MW\"}\n"
                                "  - {name: b, it_power_cap: \"200 MW\"}\n"
                                "failures:\n"
                                "  annual_failure_rate: \"5%\"\n"
                                "  repair_time: \"2 d\"\n");
  const std::string child = folder.write("child.yaml",
                                         "extends: base.yaml\n"
                                         "scenario:\n"
                                         "  name: child\n"
                                         "sites:\n"
                                         "  - {name: c, it_power_cap: \"50 MW\"}\n"
                                         "failures:\n"
                                         "  repair_time: \"1 d\"\n");
  const Scenario scenario = load_scenario(child);
  CHECK(scenario.scenario.name == "child");  // the child's value
  CHECK(scenario.scenario.seed == 7);        // kept from the base
  REQUIRE(scenario.sites.size() == 1);       // the list was replaced whole
  CHECK(scenario.sites[0].name == "c");
  // The one-cause shorthand, kept from the base, loads as its one cause.
  REQUIRE(scenario.failures.causes.size() == 1);
  CHECK(scenario.failures.causes[0].rate.per_gpu_year == doctest::Approx(0.05));
  CHECK(scenario.failures.causes[0].repair_time_s == doctest::Approx(86400.0));

  // A list of bases merges in order: later bases win.
  folder.write("other.yaml", "scenario:\n  seed: 9\n");
  const Scenario both =
      load_scenario(folder.write("both.yaml", "extends: [base.yaml, other.yaml]\n"));
  CHECK(both.scenario.seed == 9);
  CHECK(both.sites.size() == 2);
}

TEST_CASE("loader: at most 64 files are loaded through extends, a diamond's base each time") {
  ScratchFolder folder("extends_ceiling");
  const std::string message =
      "expected at most 64 files loaded through extends (a file reached on several paths counts "
      "each time), found \"l6.yaml\" as file 65";
  // Eight bases a level, six levels deep: 37,449 loads uncapped. Refused at the 65th: the
  // root's l1 (1), then l2, l3, l4 (4), then l5 and its eight l6 nine files at a time, so the
  // 65th is the sixth l6 of the seventh l5.
  for (int level = 1; level <= 5; ++level) {
    const std::string next = fmt::format("l{}.yaml", level + 1);
    std::string list;
    for (int i = 0; i < 8; ++i)
      list += (i == 0 ? "" : ", ") + next;
    folder.write(fmt::format("l{}.yaml", level), "extends: [" + list + "]\n");
  }
  folder.write("l6.yaml", "scenario:\n  seed: 6\n");
  const std::string fan_out =
      folder.write("fan-out.yaml", std::string("extends: l1.yaml\n") + kMinimal);
  CHECK(first_error(fan_out) ==
        (folder.path() / "l5.yaml").string() + ":1:56: extends[5]: " + message);

  // 64 files load; the 65th is refused at its entry of the list.
  std::string list;
  for (int i = 0; i < 64; ++i)
    list += (i == 0 ? "" : ", ") + std::string("l6.yaml");
  const std::string at_ceiling =
      folder.write("at-ceiling.yaml", "extends: [" + list + "]\n" + kMinimal);
  CHECK(load_scenario(at_ceiling).scenario.seed == 6);
  const std::string past_ceiling =
      folder.write("past-ceiling.yaml", "extends: [" + list + ", l6.yaml]\n" + kMinimal);
  CHECK(first_error(past_ceiling) ==
        past_ceiling + ":1:" + std::to_string(11 + 64 * 9) + ": extends[64]: " + message);

  // A diamond: top extends [left, right], both extend shared. shared is merged once per path,
  // in order, so right's copy of it sets the seed back over left's.
  folder.write("shared.yaml", std::string(kMinimal) + "  seed: 1\n");
  folder.write("left.yaml", "extends: shared.yaml\nscenario:\n  seed: 2\n");
  folder.write("right.yaml", "extends: shared.yaml\nscenario:\n  name: right\n");
  const Scenario diamond =
      load_scenario(folder.write("top.yaml", "extends: [left.yaml, right.yaml]\n"));
  CHECK(diamond.scenario.seed == 1);
  CHECK(diamond.scenario.name == "right");
}

TEST_CASE("loader: --set overrides after extends, validated like the file") {
  ScratchFolder folder("set");
  const std::string path = folder.write(
      "s.yaml", std::string(kMinimal) + "sites:\n  - {name: a, it_power_cap: \"100 MW\"}\n");
  const Scenario scenario =
      load_scenario(path, {"scenario.seed=11", "sites[0].pue=1.4", "sites[0].it_power_cap=1.2 GW",
                           "economics.rental_price=2 USD/GPU-hour"});
  CHECK(scenario.scenario.seed == 11);
  CHECK(scenario.sites[0].pue == doctest::Approx(1.4));
  CHECK(scenario.sites[0].it_power_cap_w == 1.2e9);
  REQUIRE(scenario.economics.rental_price_usd_per_gpu_s.has_value());
  CHECK(*scenario.economics.rental_price_usd_per_gpu_s == doctest::Approx(2.0 / 3600.0));

  CHECK(first_error(path, {"sites[0].pue=1.4x"}) ==
        "--set #1:1:14: sites[0].pue: expected a number, found \"1.4x\"");
  CHECK(first_error(path, {"scenario.seed=3", "sites[0].it_power_cap=12 GB"}) ==
        "--set #2:1:23: sites[0].it_power_cap: expected a power such as \"700 W\" or \"1.2 GW\", "
        "found \"12 GB\" (a data size)");
  CHECK(first_error(path, {"sites[3].pue=1.3"}) ==
        "--set #1:1:1: sites[3].pue: expected sites[3] to exist, found a list of 1 item");
  CHECK(first_error(path, {"scenario.sed=3"}) ==
        "--set #1:1:1: scenario.sed: unknown key 'sed' in scenario (did you mean 'seed'?)");
  CHECK(first_error(path, {"novalue"}) ==
        "--set #1:1:1: expected key.path=value, found \"novalue\"");
}

TEST_CASE("loader: --set selects a list item by name as by index") {
  ScratchFolder folder("select");
  const std::string path =
      folder.write("s.yaml", std::string(kMinimal) +
                                 "sites:\n  - {name: a, it_power_cap: \"100 MW\"}\n"
                                 "  - {name: prometheus, it_power_cap: \"1 GW\"}\n");
  const Scenario by_name = load_scenario(path, {"sites[name=prometheus].pue=1.3"});
  const Scenario by_index = load_scenario(path, {"sites[1].pue=1.3"});
  CHECK(by_name.sites[1].pue == doctest::Approx(1.3));
  CHECK(by_name.sites[0].pue == doctest::Approx(1.2));
  CHECK(explain_scenario(by_name) == explain_scenario(by_index));
  // Any key of the items selects, and a selector goes on through the item's own lists.
  CHECK(load_scenario(path, {"sites[it_power_cap=100 MW].pue=1.1"}).sites[0].pue ==
        doctest::Approx(1.1));
  CHECK(first_error(path, {"sites[name=prometheos].pue=1.3"}) ==
        "--set #1:1:1: sites[name=prometheos].pue: expected one item of sites with name "
        "prometheos, found none; its names are a, prometheus");
  CHECK(first_error(path, {"scenario[name=x].seed=3"}) ==
        "--set #1:1:1: scenario[name=x].seed: expected one item of scenario with name x, found "
        "a mapping");
  CHECK(first_error(path, {"sites[name=].pue=1"}) ==
        "--set #1:1:1: sites[name=].pue: expected a key path such as scenario.seed, "
        "sites[0].pue or sites[name=prometheus].pue, found a malformed path");
}

TEST_CASE("loader: --scale multiplies every number its path matches, catalog parts included") {
  ScratchFolder folder("scale");
  const std::string path =
      folder.write("s.yaml", std::string(kMinimal) +
                                 "sites:\n  - {name: a, it_power_cap: \"100 MW\", pue: 1.1}\n"
                                 "  - {name: b, it_power_cap: \"200 MW\", pue: 1.2}\n");
  const Scenario base = load_scenario(path);
  const auto part = [](const Scenario& scenario, const std::string& name) {
    for (const AcceleratorSpec& p : scenario.catalog.accelerators) {
      if (p.name == name)
        return p;
    }
    FAIL("no part " << name);
    return AcceleratorSpec{};
  };
  // Every part of the built-in catalog, by one path: H100's $43K launch price becomes $51.6K,
  // A100's dated list prices $27K and $24K become $32.4K and $28.8K.
  const Scenario dear = scale_scenario(base, {"catalog.accelerators[*].price_installed_per_gpu=1.2",
                                              "catalog.**.list_prices[*].price=1.2x"});
  CHECK(*part(dear, "H100-SXM").price_installed_per_gpu_usd == doctest::Approx(51'600.0));
  CHECK(*part(dear, "A100-80GB-SXM").price_installed_per_gpu_usd == doctest::Approx(38'400.0));
  REQUIRE(part(dear, "A100-80GB-SXM").list_prices.size() == 2);
  CHECK(part(dear, "A100-80GB-SXM").list_prices[0].price_usd == doctest::Approx(32'400.0));
  CHECK(part(dear, "A100-80GB-SXM").list_prices[1].price_usd == doctest::Approx(28'800.0));
  CHECK(part(dear, "H100-SXM").tdp_w == part(base, "H100-SXM").tdp_w);
  // A key pattern and a selector: every site's power, then one site's PUE.
  const Scenario scaled =
      scale_scenario(base, {"sites[*].it_power*=0.5", "sites[name=b].pue=1.25"});
  CHECK(scaled.sites[0].it_power_cap_w == 50e6);
  CHECK(scaled.sites[1].it_power_cap_w == 100e6);
  CHECK(scaled.sites[0].pue == doctest::Approx(1.1));
  CHECK(scaled.sites[1].pue == doctest::Approx(1.5));
  const auto error_of = [&](const std::vector<std::string>& scales) {
    try {
      scale_scenario(base, scales);
    } catch (const InputError& error) {
      return error.diagnostics().front().format();
    }
    return std::string("no error");
  };
  CHECK(error_of({"sites[*].pwe=1.2"}) ==
        "--scale #1:1:1: sites[*].pwe: expected a path matching at least one number of the "
        "resolved scenario (capsim explain shows it), found none");
  CHECK(error_of({"sites[*].pue=-2"}) ==
        "--scale #1:1:14: sites[*].pue: expected a factor above 0 such as 1.2 or 0.5x, found "
        "\"-2\"");
  CHECK(error_of({"sites[*].pue"}).rfind("--scale #1:1:1: expected key.path=factor", 0) == 0);
  // A scaled value is checked like a written one, at its place in the resolved scenario.
  CHECK(error_of({"sites[*].pue=3"}).find(": sites[0].pue: expected at most 3, found \"3.3") !=
        std::string::npos);
}

TEST_CASE("loader: a scenario's catalog entry overrides only the fields it gives") {
  ScratchFolder folder("override");
  const Scenario scenario = load_scenario(
      folder.write("s.yaml", std::string(kMinimal) +
                                 "catalog:\n"
                                 "  accelerators:\n"
                                 "    - {name: H100-SXM, price_installed_per_gpu: \"$30K\"}\n"
                                 "    - name: X1\n"
                                 "      first_ship: 2026-Q1\n"
                                 "      peak_dense_flops: {bf16: \"3 PFLOP/s\"}\n"
                                 "      hbm_capacity: \"288 GB\"\n"
                                 "      hbm_bandwidth: \"8 TB/s\"\n"
                                 "      scale_up_domain: 72\n"
                                 "      scale_up_bandwidth: \"1.8 TB/s\"\n"
                                 "      tdp: \"1.4 kW\"\n"
                                 "      server_power_per_gpu: \"2 kW\"\n"
                                 "      idle_server_power_per_gpu: \"400 W\"\n"
                                 "      price_installed_per_gpu: \"$70K\"\n"));
  const AcceleratorSpec& h100 = *scenario.catalog.find("H100-SXM");
  CHECK(h100.price_installed_per_gpu_usd == 30e3);
  CHECK(h100.tdp_w == 700.0);  // untouched
  const AcceleratorSpec* added = scenario.catalog.find("X1");
  REQUIRE(added != nullptr);
  CHECK(added->peak_dense_flops.bf16_flop_per_s == 3e15);
  CHECK(added->first_ship == Date{2026, 1, 1});

  const Scenario without_builtin =
      load_scenario(folder.write("t.yaml", std::string(kMinimal) + "catalog:\n  builtin: false\n"));
  CHECK(without_builtin.catalog.accelerators.empty());
}

TEST_CASE("loader: explain prints a scenario that loads back to the same values") {
  const Scenario original = load_scenario(source_path("scenarios/examples/example.yaml"));
  const std::string explained = explain_scenario(original);
  ScratchFolder folder("explain");
  const std::string path = folder.write("explained.yaml", explained);
  const Scenario reloaded = load_scenario(path);
  CHECK(explain_scenario(reloaded) == explained);
  CHECK(reloaded.sites[0].electricity_price_usd_per_j ==
        original.sites[0].electricity_price_usd_per_j);
  CHECK(explained.find("  end: 2028-01-01\n") != std::string::npos);
  CHECK(explained.find("  horizon:") == std::string::npos);  // an unset option is not printed
}

TEST_CASE("loader: every error of a file is reported, not only the first") {
  ScratchFolder folder("many");
  const std::string path =
      folder.write("s.yaml", std::string(kMinimal) +
                                 "sites:\n"
                                 "  - {name: a, it_power_cap: 300}\n"
                                 "  - {name: b, it_power_cap: \"1 GW\", pue: 0.9}\n"
                                 "clusterz: []\n");
  try {
    load_scenario(path);
    FAIL("expected an InputError");
  } catch (const InputError& error) {
    REQUIRE(error.diagnostics().size() == 3);
    CHECK(error.diagnostics()[0].format() ==
          path +
              ":6:29: sites[0].it_power_cap: expected a power such as \"700 W\" or "
              "\"1.2 GW\", found \"300\" (a number without a unit)");
    CHECK(error.diagnostics()[1].format() ==
          path + ":7:42: sites[1].pue: expected at least 1, found \"0.9\"");
    CHECK(error.diagnostics()[2].format() ==
          path +
              ":8:1: clusterz: unknown key 'clusterz' in scenario file (did you mean "
              "'clusters'?)");
  }
}

TEST_CASE("loader: every scenario shipped under scenarios/ validates") {
  std::size_t checked = 0;
  for (const auto& entry : fs::recursive_directory_iterator(source_path("scenarios"))) {
    if (entry.path().extension() != ".yaml")
      continue;
    const std::string relative = fs::relative(entry.path(), source_path("scenarios")).string();
    // Catalog files and sweep files are not scenarios; they are checked through their users.
    if (relative.rfind("catalog/", 0) == 0 || relative.rfind("sweeps/", 0) == 0)
      continue;
    INFO(relative);
    if (relative.rfind("scale/", 0) == 0) {
      // A benchmark's input past the work ceilings by design: refused at its arrival rate
      // unless allowed.
      CHECK_THROWS_WITH(load_scenario(entry.path().string()),
                        doctest::Contains("training.generator.arrivals: expected at most 500000 "
                                          "training jobs over the run"));
      CHECK_NOTHROW(load_scenario(entry.path().string(), {}, LoadOptions{true, {}}));
    } else {
      CHECK_NOTHROW(load_scenario(entry.path().string()));
    }
    ++checked;
  }
  CHECK(checked >= 3);
  // The benchmark scenarios are scenarios too.
  for (const auto& entry : fs::directory_iterator(source_path("tests/bench"))) {
    if (entry.path().extension() != ".yaml")
      continue;
    INFO(entry.path().string());
    CHECK_NOTHROW(load_scenario(entry.path().string()));
  }
}

TEST_CASE("loader: docs/scenarios.md and the JSON Schema match the code") {
  std::ifstream markdown(source_path("docs/scenarios.md"), std::ios::binary);
  std::ifstream schema(source_path("docs/scenario.schema.json"), std::ios::binary);
  const std::string committed_markdown{std::istreambuf_iterator<char>(markdown), {}};
  const std::string committed_schema{std::istreambuf_iterator<char>(schema), {}};
  // Regenerate with: build/release/capsim schema --markdown > docs/scenarios.md
  //                  build/release/capsim schema --json > docs/scenario.schema.json
  const bool markdown_current = committed_markdown == scenario_reference_markdown();
  const bool schema_current = committed_schema == scenario_json_schema();
  CHECK_MESSAGE(markdown_current, "docs/scenarios.md is stale: regenerate it");
  CHECK_MESSAGE(schema_current, "docs/scenario.schema.json is stale: regenerate it");
}

}  // namespace
}  // namespace capsim::scenario
