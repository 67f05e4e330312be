#include <doctest/doctest.h>

#include <string>

#include "capsim/report/html_page.hpp"

namespace capsim::report {
namespace {

TEST_CASE("escape_html: the five characters that can break out of text or an attribute") {
  CHECK(escape_html("<&\"'>") == "&lt;&amp;&quot;&#39;&gt;");
  CHECK(escape_html("GPUs · 2025") == "GPUs · 2025");
}

TEST_CASE("number_text: readable numbers with their units") {
  // The issue's examples: $152.3B, 2.00 GW, 1,443,590 GPUs.
  CHECK(number_text(152.33e9, NumberKind::usd) == "$152.3B");
  CHECK(number_text(58.3e9, NumberKind::usd) == "$58.3B");
  CHECK(number_text(2.31, NumberKind::usd) == "$2.31");
  CHECK(number_text(2e9, NumberKind::watts) == "2.00 GW");
  CHECK(number_text(350e6, NumberKind::watts) == "350.0 MW");
  CHECK(number_text(1443590, NumberKind::count) == "1,443,590");
  CHECK(number_text(-1234, NumberKind::count) == "-1,234");
  CHECK(number_text(0.452, NumberKind::share) == "45.2%");
  CHECK(number_text(2.5, NumberKind::multiple) == "2.50×");
  // Compact tick labels: as few digits as the tick needs.
  CHECK(number_text(1.5e6, NumberKind::count, true) == "1.5M");
  CHECK(number_text(5e8, NumberKind::usd, true) == "$500M");
  CHECK(number_text(0, NumberKind::usd, true) == "$0");
  CHECK(number_text(1.5e9, NumberKind::watts, true) == "1.5 GW");
}

TEST_CASE("num_span: the contract's span, full precision, escaped") {
  CHECK(num_span("summary.json", "inference[chat].cost_per_million_tokens_usd", 0.1,
                 "$0.10 <per> Mtoken") ==
        R"(<span class="num" data-source="summary.json" )"
        R"(data-key="inference[chat].cost_per_million_tokens_usd" )"
        R"(data-value="0.10000000000000001">$0.10 &lt;per&gt; Mtoken</span>)");
}

TEST_CASE("HtmlPage: one self-contained page, sections in order, nothing fetched") {
  HtmlPage page("run", "Run <a>", "subtitle");
  page.add_section("headline", "Headline", cards_html({{"GPUs", "1,234", "installed"}}));
  page.add_section("inputs", "Inputs",
                   table_html({{"key", "value"}, {{"a", "1"}}, {false, true}, "plain"}));
  const std::string html = page.str();
  CHECK(html.rfind("<!DOCTYPE html>\n", 0) == 0);
  CHECK(html.find("<meta charset=\"utf-8\">") != std::string::npos);
  CHECK(html.find("<body data-report=\"run\">") != std::string::npos);
  CHECK(html.find("<title>Run &lt;a&gt;</title>") != std::string::npos);
  CHECK(html.find("<section id=\"headline\" class=\"report-section\"><h2>Headline</h2>") <
        html.find("<section id=\"inputs\" class=\"report-section\"><h2>Inputs</h2>"));
  CHECK(html.find("<a href=\"#inputs\">Inputs</a>") != std::string::npos);
  CHECK(html.find("<td class=\"n\">1</td>") != std::string::npos);
  CHECK(html.find("http:") == std::string::npos);
  CHECK(html.find("https:") == std::string::npos);
  CHECK(html.find("//") == std::string::npos);
  CHECK(html.find("<script") == std::string::npos);
  CHECK(page.str() == html);
}

}  // namespace
}  // namespace capsim::report
