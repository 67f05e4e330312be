#pragma once
/// The shell of a self-contained HTML report (docs/report-contract in the issue 16 notes, and
/// docs/architecture.md "Report charts"): inlined CSS, a header, a nav of the sections, the
/// sections, headline cards, plain tables, the `num` span that ties a number shown to the file
/// it comes from, HTML escaping, and the one function that turns numbers into readable text.
/// Deterministic: no dates of generation, no random ids.

#include <string>
#include <string_view>
#include <vector>

#include "capsim/output/readable.hpp"

namespace capsim::report {

/// `text` with & < > " ' replaced by entities: safe in element text and in quoted attributes.
std::string escape_html(std::string_view text);

/// How a number reads: the one set of rules of output/readable.hpp.
using NumberKind = output::NumberKind;

/// The readable text of `value` (output::readable). `compact` is for axis ticks: "1.5M" rather
/// than "1,500,000".
inline std::string number_text(double value, NumberKind kind, bool compact = false) {
  return output::readable(value, kind, compact);
}

/// `value` with %.17g: what the contract's data-value and data-y attributes hold.
std::string full_precision(double value);

/// The contract's span for a number shown that equals a value in a file beside the report:
/// `<span class="num" data-source="FILE" data-key="KEY" data-value="V">text</span>`.
std::string num_span(std::string_view file, std::string_view key, double value,
                     std::string_view text);

/// A headline card: a label, a value (HTML, usually a num_span) and a note under it.
struct Card {
  std::string label;
  std::string value_html;
  std::string note;
};
std::string cards_html(const std::vector<Card>& cards);

/// A plain table: header texts, and cells already in HTML. Cells of `numeric_columns` are
/// right-aligned.
struct Table {
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;
  std::vector<bool> numeric_columns;  ///< per column; missing: text
  std::string css_class = "plain";
};
std::string table_html(const Table& table);

/// The page's Content-Security-Policy (a meta tag in every page): only its own inline <style>
/// block, by hash; no script, no inline style attribute, nothing fetched.
std::string content_security_policy();

/// A whole page: `<body data-report="KIND">`, a header with the title and subtitle, a nav of
/// the sections and the sections in the order added.
class HtmlPage {
 public:
  /// `kind` is run, compare or sweep.
  HtmlPage(std::string kind, std::string title, std::string subtitle);
  /// Adds `<section id="ID" class="report-section"><h2>HEADING</h2>BODY</section>`; the body
  /// is HTML.
  void add_section(std::string id, std::string heading, std::string body_html);
  std::string str() const;

 private:
  struct Section {
    std::string id;
    std::string heading;
    std::string body;
  };
  std::string kind_;
  std::string title_;
  std::string subtitle_;
  std::vector<Section> sections_;
};

}  // namespace capsim::report
