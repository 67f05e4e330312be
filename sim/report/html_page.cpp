#include "capsim/report/html_page.hpp"

#include <array>
#include <cmath>
#include <cstdint>
#include <utility>

#include <fmt/format.h>

#include "capsim/report/csp_hash.hpp"

namespace capsim::report {

std::string escape_html(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string full_precision(double value) {
  return fmt::format("{:.17g}", value);
}

std::string num_span(std::string_view file, std::string_view key, double value,
                     std::string_view text) {
  return fmt::format(
      R"(<span class="num" data-source="{}" data-key="{}" data-value="{}">{}</span>)",
      escape_html(file), escape_html(key), full_precision(value), escape_html(text));
}

std::string cards_html(const std::vector<Card>& cards) {
  std::string out = "<div class=\"cards\">\n";
  for (const Card& card : cards) {
    out += fmt::format(
        "<div class=\"card\"><div class=\"card-label\">{}</div><div "
        "class=\"card-value\">{}</div><div class=\"card-note\">{}</div></div>\n",
        escape_html(card.label), card.value_html, escape_html(card.note));
  }
  return out + "</div>\n";
}

std::string table_html(const Table& table) {
  const auto numeric = [&](std::size_t column) {
    return column < table.numeric_columns.size() && table.numeric_columns[column];
  };
  std::string out = fmt::format("<table class=\"{}\"><thead><tr>", escape_html(table.css_class));
  for (std::size_t c = 0; c < table.header.size(); ++c)
    out += fmt::format("<th{}>{}</th>", numeric(c) ? " class=\"n\"" : "",
                       escape_html(table.header[c]));
  out += "</tr></thead><tbody>\n";
  for (const std::vector<std::string>& row : table.rows) {
    out += "<tr>";
    for (std::size_t c = 0; c < row.size(); ++c)
      out += fmt::format("<td{}>{}</td>", numeric(c) ? " class=\"n\"" : "", row[c]);
    out += "</tr>\n";
  }
  return out + "</tbody></table>\n";
}

HtmlPage::HtmlPage(std::string kind, std::string title, std::string subtitle)
    : kind_(std::move(kind)), title_(std::move(title)), subtitle_(std::move(subtitle)) {}

void HtmlPage::add_section(std::string id, std::string heading, std::string body_html) {
  sections_.push_back({std::move(id), std::move(heading), std::move(body_html)});
}

namespace {

// One stylesheet for every report; system fonts only (nothing fetched).
constexpr std::string_view kStyle = R"(
*{box-sizing:border-box}
body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;color:#1d2430;background:#f5f6f8}
header.page{background:#1d2430;color:#fff;padding:18px 28px}
header.page h1{margin:0;font-size:22px;font-weight:600}
header.page p{margin:4px 0 0;color:#c9d1dc}
nav.sections{position:sticky;top:0;z-index:2;background:#fff;border-bottom:1px solid #dde1e7;padding:8px 28px}
nav.sections a{margin-right:16px;color:#0b5cad;text-decoration:none;font-weight:500}
nav.sections a:hover{text-decoration:underline}
main{max-width:1180px;margin:0 auto;padding:8px 28px 40px}
section.report-section{background:#fff;border:1px solid #dde1e7;border-radius:6px;margin:18px 0;padding:6px 22px 18px}
section.report-section h2{font-size:18px;margin:12px 0 8px}
p.note{color:#5b6573;margin:6px 0}
.cards{display:flex;flex-wrap:wrap;gap:12px;margin:8px 0}
.card{flex:1 1 170px;border:1px solid #dde1e7;border-radius:6px;padding:10px 14px;background:#fafbfc}
.card-label{color:#5b6573;font-size:12px;text-transform:uppercase;letter-spacing:.04em}
.card-value{font-size:22px;font-weight:600;margin:2px 0}
.card-note{color:#5b6573;font-size:12px}
.charts{display:grid;grid-template-columns:repeat(auto-fit,minmax(820px,1fr));gap:14px}
figure.chart{margin:10px 0;border:1px solid #eceff3;border-radius:6px;padding:8px 10px}
figure.chart figcaption{font-weight:600;margin-bottom:2px}
figure.chart svg{width:100%;max-width:980px;height:auto;display:block}
ul.legend{list-style:none;margin:2px 0 0;padding:0;font-size:12px;color:#3a4452}
ul.legend li{display:inline-block;margin-right:12px}
ul.legend .sw{display:inline-block;width:11px;height:11px;margin-right:4px;vertical-align:-1px}
svg text{font-size:11px;fill:#3a4452}
svg .axis-label{font-size:12px;fill:#1d2430}
svg .grid{stroke:#e6e9ee;stroke-width:1}
svg .axis{stroke:#8a94a3;stroke-width:1}
svg .pt:hover{stroke:#1d2430;stroke-width:2}
details{margin-top:4px;font-size:12px}
details summary{cursor:pointer;color:#0b5cad}
table{border-collapse:collapse;margin:6px 0;font-size:12px}
th,td{border-bottom:1px solid #eceff3;padding:3px 8px;text-align:left;vertical-align:top}
th{background:#f5f6f8;font-weight:600}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}
.table-wrap{max-height:320px;overflow:auto}
span.num{font-variant-numeric:tabular-nums}
)";

}  // namespace

std::string content_security_policy() {
  // Nothing but the page's own <style> block: no script, no inline style attribute, no fetch,
  // no form, no base URL. Names and descriptions from a scenario file are escaped text; this is
  // the second fence, for anything that ever slips through.
  return "default-src 'none'; style-src " + csp_hash_source(kStyle) +
         "; img-src data:; base-uri 'none'; form-action 'none'";
}

std::string HtmlPage::str() const {
  std::string out = fmt::format(
      "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
      "<meta http-equiv=\"Content-Security-Policy\" content=\"{}\">\n"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
      "<title>{}</title>\n<style>{}</style>\n</head>\n<body data-report=\"{}\">\n"
      "<header class=\"page\"><h1>{}</h1><p>{}</p></header>\n<nav class=\"sections\">",
      content_security_policy(), escape_html(title_), kStyle, escape_html(kind_),
      escape_html(title_), escape_html(subtitle_));
  for (const Section& section : sections_)
    out += fmt::format("<a href=\"#{}\">{}</a>", escape_html(section.id),
                       escape_html(section.heading));
  out += "</nav>\n<main>\n";
  for (const Section& section : sections_) {
    out += fmt::format("<section id=\"{}\" class=\"report-section\"><h2>{}</h2>\n{}</section>\n",
                       escape_html(section.id), escape_html(section.heading), section.body);
  }
  return out + "</main>\n</body>\n</html>\n";
}

}  // namespace capsim::report
