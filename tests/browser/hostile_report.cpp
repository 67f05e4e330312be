// Writes the run of tests/browser/hostile/scenario.yaml with every name replaced by a hostile
// one (markup, script, entities, a formula), into OUT_DIR, report.html included; prints the
// texts the page must show as written, as a JSON list. The loader refuses such names (issue
// 22): this builds the scenario past it, as a program using the library could, to check that
// the report escapes what it did not write itself (tests/browser/test_hostile_report.py).
//
// Usage: hostile_report SOURCE_DIR OUT_DIR

#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include "capsim/core/text.hpp"
#include "capsim/model/capacity_model.hpp"
#include "capsim/output/capacity_report.hpp"
#include "capsim/report/run_report.hpp"
#include "capsim/scenario/loader.hpp"

namespace {

using namespace capsim;

/// Placeholder of hostile/scenario.yaml -> what replaces it. No ';' (a CMake list separator).
const std::map<std::string, std::string>& hostile_names() {
  static const std::map<std::string, std::string> names = {
      {"SCENARIO", "<script>alert('scenario')</script> plan"},
      {"DESCRIPTION",
       "</p><iframe src=\"javascript:alert('description')\"></iframe>\n\t<!-- hidden --> & done"},
      {"SITE", "<img src=x onerror=alert('site')>"},
      {"CLUSTER", "\"><svg onload=alert('cluster')>"},
      {"TENANT", "</style></title><script>alert('tenant')</script>"},
      {"JOB", "=cmd|' /C calc'!A0"},
      {"SERVICE", "&lt;not-an-entity&gt; & 'quoted' \"too\""},
  };
  return names;
}

void replace(std::string& text) {
  const auto found = hostile_names().find(text);
  if (found != hostile_names().end())
    text = found->second;
}

/// Every key of the scenario that names or refers to a placeholder.
void rename(Scenario& scenario) {
  replace(scenario.scenario.name);
  replace(scenario.scenario.description);
  for (SiteSpec& site : scenario.sites)
    replace(site.name);
  for (ClusterSpec& cluster : scenario.clusters) {
    replace(cluster.name);
    replace(cluster.site);
  }
  for (TenantSpec& tenant : scenario.training.tenants)
    replace(tenant.name);
  for (TrainingJobSpec& job : scenario.training.jobs) {
    replace(job.name);
    replace(job.tenant);
    replace(job.cluster);
  }
  for (ServiceSpec& service : scenario.inference.services) {
    replace(service.name);
    replace(service.cluster);
  }
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fputs("usage: hostile_report SOURCE_DIR OUT_DIR\n", stderr);
    return 2;
  }
  Scenario scenario =
      scenario::load_scenario(std::string(argv[1]) + "/tests/browser/hostile/scenario.yaml");
  rename(scenario);
  const CapacityRun run = run_capacity(scenario);
  output::RunExtras extras;
  extras.report = [&](const std::vector<std::string>& files) {
    report::RunReportExtras report_extras;
    report_extras.files = files;
    return report::run_report_html(scenario, run, report_extras);
  };
  output::write_run(argv[2], scenario, run, extras);
  // The texts the page shows: the job's name is in jobs.csv only.
  std::string list;
  for (const auto& [placeholder, name] : hostile_names()) {
    if (placeholder != "JOB")
      list += (list.empty() ? "[" : ", ") + quote_string(name);
  }
  std::printf("%s]\n", list.c_str());
  return 0;
}
