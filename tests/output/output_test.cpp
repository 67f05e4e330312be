#include <algorithm>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <limits>
#include <optional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <unistd.h>

#include <doctest/doctest.h>

#include "capsim/output/atomic_file.hpp"
#include "capsim/output/csv_writer.hpp"
#include "capsim/output/json_writer.hpp"
#include "scratch_folder.hpp"

namespace capsim::output {
namespace {

namespace fs = std::filesystem;
using test::ScratchFolder;

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

std::vector<std::string> entries(const fs::path& directory) {
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(directory))
    names.push_back(entry.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

// doctest::Contains takes only C strings.
doctest::Contains contains(const std::string& text) {
  return doctest::Contains(text.c_str());
}

std::string csv_one_row(const std::vector<CsvCell>& cells) {
  std::vector<std::string> header;
  for (std::size_t i = 0; i < cells.size(); ++i)
    header.push_back("c" + std::to_string(i));
  CsvWriter csv(header);
  csv.add_row(cells);
  const std::string& text = csv.str();
  return text.substr(text.find('\n') + 1);
}

std::string json_scalar(double number) {
  JsonWriter json;
  json.value(number);
  return json.str();
}

// ---------------------------------------------------------------------------------------- CSV

TEST_CASE("output: csv header and rows end in LF") {
  CsvWriter csv({"date", "gpus_installed", "power_it_mw"});
  csv.add_row({"2026-01-01", 1024, 12.5});
  csv.add_row({"2026-02-01", std::int64_t{2048}, 25.0});
  CHECK(csv.str() ==
        "date,gpus_installed,power_it_mw\n"
        "2026-01-01,1024,12.5\n"
        "2026-02-01,2048,25\n");
  CHECK(csv.row_count() == 2);
  CHECK(csv.width() == 3);
}

TEST_CASE("output: csv quotes fields with comma, quote, CR or LF and doubles quotes") {
  CHECK(csv_one_row({"a,b", "x"}) == "\"a,b\",x\n");
  CHECK(csv_one_row({"say \"hi\"", "x"}) == "\"say \"\"hi\"\"\",x\n");
  CHECK(csv_one_row({"\"", "x"}) == "\"\"\"\",x\n");
  CHECK(csv_one_row({"line1\nline2", "x"}) == "\"line1\nline2\",x\n");
  CHECK(csv_one_row({"cr\rhere", "x"}) == "\"cr\rhere\",x\n");
  CHECK(csv_one_row({"crlf\r\n", "x"}) == "\"crlf\r\n\",x\n");
  CHECK(csv_one_row({"a,\"b\"\nc", "x"}) == "\"a,\"\"b\"\"\nc\",x\n");
}

TEST_CASE("output: csv leaves plain fields, spaces and UTF-8 bare") {
  CHECK(csv_one_row({" padded ", "tab\there", "semi;colon"}) == " padded ,tab\there,semi;colon\n");
  CHECK(csv_one_row({"Zürich", "東京", "€1.5M 🚀"}) == "Zürich,東京,€1.5M 🚀\n");
  CHECK(csv_one_row({"Zürich, CH", "x"}) == "\"Zürich, CH\",x\n");
}

TEST_CASE("output: csv empty fields") {
  CHECK(csv_one_row({"", "x", ""}) == ",x,\n");
  CHECK(csv_one_row({"", ""}) == ",\n");
  // A bare empty line would be skipped by pandas as blank, losing the row.
  CsvWriter single({"name"});
  single.add_row({""});
  single.add_row({"b"});
  CHECK(single.str() == "name\n\"\"\nb\n");
}

TEST_CASE("output: csv header names are quoted by the same rules") {
  CsvWriter csv({"site, region", "say \"x\"", "power_it_mw"});
  CHECK(csv.str() == "\"site, region\",\"say \"\"x\"\"\",power_it_mw\n");
}

TEST_CASE("output: csv reals are shortest round-trip") {
  CHECK(csv_one_row({0.1}) == "0.1\n");
  CHECK(csv_one_row({0.1 + 0.2}) == "0.30000000000000004\n");
  CHECK(csv_one_row({1e-7}) == "1e-07\n");
  CHECK(csv_one_row({1e21}) == "1e+21\n");
  CHECK(csv_one_row({1e15}) == "1000000000000000\n");
  CHECK(csv_one_row({1e16}) == "1e+16\n");
  CHECK(csv_one_row({2.5}) == "2.5\n");
  CHECK(csv_one_row({-1234.5}) == "-1234.5\n");
  CHECK(csv_one_row({100.0}) == "100\n");
  CHECK(csv_one_row({0.0001}) == "0.0001\n");
  CHECK(csv_one_row({1.7976931348623157e308}) == "1.7976931348623157e+308\n");
  CHECK(csv_one_row({5e-324}) == "5e-324\n");
  CHECK(csv_one_row({0.1f}) == "0.10000000149011612\n");
}

TEST_CASE("output: csv negative zero is written 0") {
  CHECK(csv_one_row({-0.0}) == "0\n");
  CHECK(csv_one_row({0.0}) == "0\n");
  CHECK(csv_one_row({-1e-300 * 1e-300}) == "0\n");
}

TEST_CASE("output: csv reals read back bit for bit") {
  const std::vector<double> values = {0.1,
                                      1.0 / 3.0,
                                      2.0 / 3.0,
                                      6.02214076e23,
                                      1e-300,
                                      123456789.123456789,
                                      std::nextafter(1.0, 2.0)};
  for (const double value : values) {
    const std::string text = csv_one_row({value});
    CHECK(std::stod(text) == value);
  }
}

TEST_CASE("output: csv integers") {
  CHECK(csv_one_row({0, -1, 42}) == "0,-1,42\n");
  CHECK(csv_one_row({std::numeric_limits<std::int64_t>::max()}) == "9223372036854775807\n");
  CHECK(csv_one_row({std::numeric_limits<std::int64_t>::min()}) == "-9223372036854775808\n");
  CHECK(csv_one_row({std::uint64_t{9007199254740993}}) == "9007199254740993\n");
  CHECK(csv_one_row({std::size_t{3}, short{-4}, 5u}) == "3,-4,5\n");
  CHECK_THROWS_AS((void)CsvCell(std::numeric_limits<std::uint64_t>::max()), std::out_of_range);
}

TEST_CASE("output: csv refuses NaN and infinities naming the column") {
  CsvWriter csv({"date", "power_it_mw"});
  const double nan = std::numeric_limits<double>::quiet_NaN();
  const double inf = std::numeric_limits<double>::infinity();
  CHECK_THROWS_WITH_AS(csv.add_row({"2026-01-01", nan}),
                       doctest::Contains("row 2 column 'power_it_mw'"), std::invalid_argument);
  CHECK_THROWS_AS(csv.add_row({"2026-01-01", inf}), std::invalid_argument);
  CHECK_THROWS_AS(csv.add_row({"2026-01-01", -inf}), std::invalid_argument);
  CHECK(csv.row_count() == 0);
  CHECK(csv.str() == "date,power_it_mw\n");
}

TEST_CASE("output: csv row width must match the header") {
  CsvWriter csv({"a", "b", "c"});
  CHECK_THROWS_WITH_AS(csv.add_row({1, 2}), doctest::Contains("row 2 has 2 cells"),
                       std::logic_error);
  CHECK_THROWS_AS(csv.add_row({1, 2, 3, 4}), std::logic_error);
  CHECK_THROWS_AS(csv.add_row({}), std::logic_error);
  csv.add_row({1, 2, 3});
  CHECK_THROWS_WITH_AS(csv.add_row({1}), doctest::Contains("row 3"), std::logic_error);
  CHECK(csv.str() == "a,b,c\n1,2,3\n");
}

TEST_CASE("output: csv header must be non-empty with distinct names") {
  CHECK_THROWS_AS((void)CsvWriter(std::vector<std::string>{}), std::logic_error);
  CHECK_THROWS_WITH_AS((void)CsvWriter({"a", "b", "a"}), doctest::Contains("'a' named twice"),
                       std::logic_error);
}

TEST_CASE("output: csv write_to writes the document") {
  ScratchFolder dir("csv_write_to");
  CsvWriter csv({"name", "value"});
  csv.add_row({"x,y", 1.5});
  csv.write_to(dir.path() / "out.csv");
  CHECK(read_file(dir.path() / "out.csv") == "name,value\n\"x,y\",1.5\n");
  CHECK(entries(dir.path()) == std::vector<std::string>{"out.csv"});
}

// --------------------------------------------------------------------------------------- JSON

TEST_CASE("output: json nested document is pretty-printed") {
  JsonWriter json;
  json.begin_object();
  json.member("scenario", "base");
  json.member("gpus", 1024);
  json.key("sites").begin_array();
  json.begin_object().member("name", "ashburn").member("power_it_mw", 300.0).end_object();
  json.begin_object().member("name", "abilene").member("power_it_mw", 1200.5).end_object();
  json.end_array();
  json.key("empty_object").begin_object().end_object();
  json.key("empty_array").begin_array().end_array();
  json.key("matrix").begin_array();
  json.begin_array().value(1).value(2).end_array();
  json.begin_array().end_array();
  json.end_array();
  json.member("ok", true).member("failed", false);
  json.key("note").null();
  json.end_object();
  CHECK(json.complete());
  CHECK(json.str() ==
        "{\n"
        "  \"scenario\": \"base\",\n"
        "  \"gpus\": 1024,\n"
        "  \"sites\": [\n"
        "    {\n"
        "      \"name\": \"ashburn\",\n"
        "      \"power_it_mw\": 300.0\n"
        "    },\n"
        "    {\n"
        "      \"name\": \"abilene\",\n"
        "      \"power_it_mw\": 1200.5\n"
        "    }\n"
        "  ],\n"
        "  \"empty_object\": {},\n"
        "  \"empty_array\": [],\n"
        "  \"matrix\": [\n"
        "    [\n"
        "      1,\n"
        "      2\n"
        "    ],\n"
        "    []\n"
        "  ],\n"
        "  \"ok\": true,\n"
        "  \"failed\": false,\n"
        "  \"note\": null\n"
        "}\n");
}

TEST_CASE("output: json top-level scalars and empty containers") {
  JsonWriter object;
  object.begin_object().end_object();
  CHECK(object.str() == "{}\n");
  JsonWriter array;
  array.begin_array().end_array();
  CHECK(array.str() == "[]\n");
  JsonWriter scalar;
  scalar.value("x");
  CHECK(scalar.str() == "\"x\"\n");
  JsonWriter null;
  null.null();
  CHECK(null.str() == "null\n");
}

TEST_CASE("output: json escapes every special character") {
  JsonWriter json;
  json.value("quote\" backslash\\ slash/ nl\n tab\t cr\r bs\b ff\f");
  CHECK(json.str() == "\"quote\\\" backslash\\\\ slash/ nl\\n tab\\t cr\\r bs\\b ff\\f\"\n");

  std::string controls;
  for (int c = 0; c < 0x20; ++c)
    controls += static_cast<char>(c);
  controls += '\x7f';
  JsonWriter all;
  all.value(controls);
  CHECK(all.str() ==
        "\"\\u0000\\u0001\\u0002\\u0003\\u0004\\u0005\\u0006\\u0007\\b\\t\\n\\u000b\\f\\r"
        "\\u000e\\u000f\\u0010\\u0011\\u0012\\u0013\\u0014\\u0015\\u0016\\u0017\\u0018\\u0019"
        "\\u001a\\u001b\\u001c\\u001d\\u001e\\u001f\x7f\"\n");
}

TEST_CASE("output: json passes UTF-8 through and escapes keys") {
  JsonWriter json;
  json.begin_object().member("site \"A\"\n", "Zürich 東京 🚀").end_object();
  CHECK(json.str() == "{\n  \"site \\\"A\\\"\\n\": \"Zürich 東京 🚀\"\n}\n");
}

TEST_CASE("output: json refuses invalid UTF-8") {
  JsonWriter json;
  json.begin_array();
  CHECK_THROWS_AS(json.value("\xff"), std::invalid_argument);
  CHECK_THROWS_AS(json.value("\xc3"), std::invalid_argument);              // truncated
  CHECK_THROWS_AS(json.value("\xc0\xaf"), std::invalid_argument);          // overlong '/'
  CHECK_THROWS_AS(json.value("\xed\xa0\x80"), std::invalid_argument);      // UTF-16 surrogate
  CHECK_THROWS_AS(json.value("\xf4\x90\x80\x80"), std::invalid_argument);  // above U+10FFFF
  CHECK_THROWS_AS(json.value(static_cast<const char*>(nullptr)), std::invalid_argument);
  json.end_array();
  CHECK(json.str() == "[]\n");
  JsonWriter keys;
  keys.begin_object();
  CHECK_THROWS_AS(keys.key("\x80"), std::invalid_argument);
}

TEST_CASE("output: json reals are shortest round-trip and stay reals") {
  CHECK(json_scalar(0.1) == "0.1\n");
  CHECK(json_scalar(0.1 + 0.2) == "0.30000000000000004\n");
  CHECK(json_scalar(1e-7) == "1e-07\n");
  CHECK(json_scalar(1e21) == "1e+21\n");
  CHECK(json_scalar(1e16) == "1e+16\n");
  CHECK(json_scalar(1e15) == "1000000000000000.0\n");
  CHECK(json_scalar(1.0) == "1.0\n");
  CHECK(json_scalar(-2.0) == "-2.0\n");
  CHECK(json_scalar(6.0e10) == "60000000000.0\n");
  CHECK(json_scalar(-0.0) == "0.0\n");
  CHECK(json_scalar(0.0) == "0.0\n");
  CHECK(json_scalar(5e-324) == "5e-324\n");
  CHECK(json_scalar(1.7976931348623157e308) == "1.7976931348623157e+308\n");
}

TEST_CASE("output: json integers are exact") {
  JsonWriter json;
  json.begin_array();
  json.value(0).value(-1).value(std::numeric_limits<std::int64_t>::max());
  json.value(std::numeric_limits<std::int64_t>::min());
  json.value(std::numeric_limits<std::uint64_t>::max());
  json.value(std::size_t{7}).value(short{-3});
  json.end_array();
  CHECK(json.str() ==
        "[\n  0,\n  -1,\n  9223372036854775807,\n  -9223372036854775808,\n"
        "  18446744073709551615,\n  7,\n  -3\n]\n");
}

TEST_CASE("output: json refuses NaN and infinities") {
  JsonWriter json;
  json.begin_array();
  CHECK_THROWS_AS(json.value(std::numeric_limits<double>::quiet_NaN()), std::invalid_argument);
  CHECK_THROWS_AS(json.value(std::numeric_limits<double>::infinity()), std::invalid_argument);
  CHECK_THROWS_AS(json.value(-std::numeric_limits<float>::infinity()), std::invalid_argument);
  json.value(1.5).end_array();
  CHECK(json.str() == "[\n  1.5\n]\n");
}

TEST_CASE("output: json misuse throws logic_error and leaves the document unchanged") {
  SUBCASE("value inside an object without a key") {
    JsonWriter json;
    json.begin_object();
    CHECK_THROWS_WITH_AS(json.value(1), doctest::Contains("needs key()"), std::logic_error);
    CHECK_THROWS_AS(json.begin_array(), std::logic_error);
    json.member("a", 1).end_object();
    CHECK(json.str() == "{\n  \"a\": 1\n}\n");
  }
  SUBCASE("key outside an object") {
    JsonWriter top;
    CHECK_THROWS_AS(top.key("a"), std::logic_error);
    JsonWriter array;
    array.begin_array();
    CHECK_THROWS_AS(array.key("a"), std::logic_error);
  }
  SUBCASE("two keys in a row") {
    JsonWriter json;
    json.begin_object().key("a");
    CHECK_THROWS_WITH_AS(json.key("b"), doctest::Contains("after key 'a'"), std::logic_error);
  }
  SUBCASE("the same key twice") {
    JsonWriter json;
    json.begin_object().member("a", 1);
    CHECK_THROWS_WITH_AS(json.key("a"), doctest::Contains("twice"), std::logic_error);
    json.end_object();
    CHECK(json.str() == "{\n  \"a\": 1\n}\n");
  }
  SUBCASE("the same key in different objects is fine") {
    JsonWriter json;
    json.begin_object().key("a").begin_object().member("a", 1).end_object().end_object();
    CHECK(json.complete());
  }
  SUBCASE("unbalanced or mismatched end") {
    JsonWriter none;
    CHECK_THROWS_AS(none.end_object(), std::logic_error);
    CHECK_THROWS_AS(none.end_array(), std::logic_error);
    JsonWriter object;
    object.begin_object();
    CHECK_THROWS_AS(object.end_array(), std::logic_error);
    JsonWriter array;
    array.begin_array();
    CHECK_THROWS_AS(array.end_object(), std::logic_error);
    JsonWriter done;
    done.begin_array().end_array();
    CHECK_THROWS_AS(done.end_array(), std::logic_error);
  }
  SUBCASE("end_object with a key awaiting its value") {
    JsonWriter json;
    json.begin_object().key("a");
    CHECK_THROWS_WITH_AS(json.end_object(), doctest::Contains("'a'"), std::logic_error);
  }
  SUBCASE("a second top-level value") {
    JsonWriter json;
    json.value(1);
    CHECK_THROWS_AS(json.value(2), std::logic_error);
    CHECK_THROWS_AS(json.begin_object(), std::logic_error);
    CHECK(json.str() == "1\n");
  }
  SUBCASE("str of an unfinished document") {
    JsonWriter empty;
    CHECK_FALSE(empty.complete());
    CHECK_THROWS_AS((void)empty.str(), std::logic_error);
    JsonWriter open;
    open.begin_object().key("a").begin_array();
    CHECK_THROWS_WITH_AS((void)open.str(), doctest::Contains("2 container"), std::logic_error);
    CHECK_THROWS_AS(open.write_to(fs::temp_directory_path() / "capsim_never_written.json"),
                    std::logic_error);
    CHECK_FALSE(fs::exists(fs::temp_directory_path() / "capsim_never_written.json"));
  }
}

TEST_CASE("output: json write_to writes the document") {
  ScratchFolder dir("json_write_to");
  JsonWriter json;
  json.begin_object().member("capex_usd", 6.0e10).end_object();
  json.write_to(dir.path() / "summary.json");
  CHECK(read_file(dir.path() / "summary.json") == "{\n  \"capex_usd\": 60000000000.0\n}\n");
  CHECK(entries(dir.path()) == std::vector<std::string>{"summary.json"});
}

// ----------------------------------------------------------------------------- atomic writes

TEST_CASE("output: atomic write creates the file and leaves no temporary") {
  ScratchFolder dir("create");
  write_file_atomically(dir.path() / "a.csv", "x,y\n1,2\n");
  CHECK(read_file(dir.path() / "a.csv") == "x,y\n1,2\n");
  CHECK(entries(dir.path()) == std::vector<std::string>{"a.csv"});
}

TEST_CASE("output: atomic write of empty content") {
  ScratchFolder dir("empty");
  write_file_atomically(dir.path() / "empty.txt", "");
  CHECK(fs::exists(dir.path() / "empty.txt"));
  CHECK(fs::file_size(dir.path() / "empty.txt") == 0);
}

TEST_CASE("output: atomic write replaces an existing file") {
  ScratchFolder dir("replace");
  const fs::path target = dir.path() / "summary.json";
  write_file_atomically(target, "a much longer first version of the file\n");
  write_file_atomically(target, "short\n");
  CHECK(read_file(target) == "short\n");
  CHECK(entries(dir.path()) == std::vector<std::string>{"summary.json"});
}

TEST_CASE("output: atomic write to a relative path") {
  ScratchFolder dir("relative");
  const fs::path previous = fs::current_path();
  fs::current_path(dir.path());
  write_file_atomically("relative.txt", "r\n");
  fs::current_path(previous);
  CHECK(read_file(dir.path() / "relative.txt") == "r\n");
  CHECK(entries(dir.path()) == std::vector<std::string>{"relative.txt"});
}

TEST_CASE("output: atomic file leaves the target untouched until commit") {
  ScratchFolder dir("staged");
  const fs::path target = dir.path() / "t.csv";
  write_file_atomically(target, "old\n");
  AtomicFile file(target);
  CHECK(file.temporary_path().parent_path() == target.parent_path());
  CHECK(file.temporary_path().filename().string().rfind(".t.csv.tmp.", 0) == 0);
  file.write("new ");
  file.write("content\n");
  CHECK(read_file(target) == "old\n");
  CHECK(fs::exists(file.temporary_path()));
  file.commit();
  CHECK(file.committed());
  CHECK(read_file(target) == "new content\n");
  CHECK(entries(dir.path()) == std::vector<std::string>{"t.csv"});
  CHECK_THROWS_AS(file.write("more"), std::logic_error);
  CHECK_THROWS_AS(file.commit(), std::logic_error);
}

TEST_CASE("output: an uncommitted atomic file is discarded") {
  ScratchFolder dir("discard");
  const fs::path target = dir.path() / "t.csv";
  write_file_atomically(target, "old\n");
  {
    AtomicFile file(target);
    file.write("half a fi");
  }
  CHECK(read_file(target) == "old\n");
  CHECK(entries(dir.path()) == std::vector<std::string>{"t.csv"});

  AtomicFile explicit_discard(dir.path() / "never.csv");
  explicit_discard.write("x");
  explicit_discard.discard();
  CHECK_THROWS_AS(explicit_discard.write("y"), std::logic_error);
  CHECK_THROWS_AS(explicit_discard.commit(), std::logic_error);
  CHECK(entries(dir.path()) == std::vector<std::string>{"t.csv"});
}

TEST_CASE("output: two atomic files for one target get distinct temporaries") {
  ScratchFolder dir("two");
  const fs::path target = dir.path() / "t.csv";
  AtomicFile first(target);
  AtomicFile second(target);
  CHECK(first.temporary_path() != second.temporary_path());
  first.write("first\n");
  second.write("second\n");
  first.commit();
  second.commit();
  CHECK(read_file(target) == "second\n");
  CHECK(entries(dir.path()) == std::vector<std::string>{"t.csv"});
}

TEST_CASE("output: atomic write into a missing directory names the path") {
  ScratchFolder dir("missing");
  const fs::path target = dir.path() / "no_such_dir" / "out.csv";
  CHECK_THROWS_WITH_AS(write_file_atomically(target, "x\n"), contains(target.string() + "'"),
                       OutputError);
  try {
    write_file_atomically(target, "x\n");
  } catch (const OutputError& error) {
    CHECK(error.path() == target);
    CHECK(error.code() == std::errc::no_such_file_or_directory);
    CHECK(std::string(error.what()).find("No such file or directory") != std::string::npos);
  }
  CHECK(entries(dir.path()).empty());
}

TEST_CASE("output: atomic write over a directory fails and leaves no temporary") {
  ScratchFolder dir("over_dir");
  const fs::path target = dir.path() / "out.csv";
  fs::create_directory(target);
  CHECK_THROWS_WITH_AS(write_file_atomically(target, "x\n"),
                       contains("cannot write '" + target.string() + "'"), OutputError);
  CHECK(entries(dir.path()) == std::vector<std::string>{"out.csv"});
  CHECK(fs::is_directory(target));
  CHECK(fs::is_empty(target));
}

TEST_CASE("output: a symbolic link planted at the target is refused, not replaced or followed") {
  // Someone who can write in --out plants timeseries.csv -> a file of the user's elsewhere.
  ScratchFolder dir("planted_link");
  const fs::path victim = dir.path() / "victim.txt";
  write_file_atomically(victim, "the user's file\n");
  fs::create_directory(dir.path() / "out");
  const fs::path target = dir.path() / "out" / "timeseries.csv";
  fs::create_symlink(victim, target);
  const std::string refused = "cannot write '" + target.string() +
                              "': it is a symbolic link, and capsim writes only regular files "
                              "(remove the link)";
  CHECK_THROWS_WITH_AS(write_file_atomically(target, "period_start\n"), refused.c_str(),
                       OutputError);
  CHECK(fs::is_symlink(target));
  CHECK(read_file(victim) == "the user's file\n");
  CHECK(entries(dir.path() / "out") == std::vector<std::string>{"timeseries.csv"});
  // A link planted while the file was being written is refused at the rename.
  fs::remove(target);
  AtomicFile file(target);
  file.write("period_start\n");
  fs::create_symlink(victim, target);
  CHECK_THROWS_WITH_AS(file.commit(), refused.c_str(), OutputError);
  CHECK(read_file(victim) == "the user's file\n");
  CHECK(entries(dir.path() / "out") == std::vector<std::string>{"timeseries.csv"});
}

TEST_CASE("output: atomic write to a file name of the maximum length") {
  ScratchFolder dir("long_name");
  const std::string name(255, 'n');
  write_file_atomically(dir.path() / name, "long\n");
  CHECK(read_file(dir.path() / name) == "long\n");
  CHECK(entries(dir.path()) == std::vector<std::string>{name});
}

TEST_CASE("output: atomic write refuses a path without a file name") {
  ScratchFolder dir("no_name");
  CHECK_THROWS_AS(write_file_atomically(dir.path() / "", "x"), OutputError);
  CHECK_THROWS_AS(write_file_atomically(dir.path() / "..", "x"), OutputError);
  CHECK(entries(dir.path()).empty());
}

TEST_CASE("output: output error is a runtime error") {
  ScratchFolder dir("runtime");
  CHECK_THROWS_AS(write_file_atomically(dir.path() / "a" / "b", "x"), std::runtime_error);
}

TEST_CASE("output: ensure_directory creates parents and accepts existing ones") {
  ScratchFolder dir("ensure");
  const fs::path nested = dir.path() / "a" / "b" / "c";
  ensure_directory(nested);
  CHECK(fs::is_directory(nested));
  ensure_directory(nested);
  write_file_atomically(nested / "f.txt", "ok\n");
  CHECK(read_file(nested / "f.txt") == "ok\n");
}

TEST_CASE("output: ensure_directory with a file in the way names it") {
  ScratchFolder dir("ensure_file");
  const fs::path file = dir.path() / "plain";
  write_file_atomically(file, "x");
  CHECK_THROWS_WITH_AS(ensure_directory(file),
                       contains("'" + file.string() + "' exists and is not a directory"),
                       OutputError);
  CHECK_THROWS_WITH_AS(ensure_directory(file / "sub" / "dir"),
                       contains("'" + file.string() + "' exists and is not a directory"),
                       OutputError);
  CHECK(entries(dir.path()) == std::vector<std::string>{"plain"});
}

// ----------------------------------------------------------------------- stale temporaries

TEST_CASE("output: temporary_owner recognises only an AtomicFile's temporaries") {
  CHECK(temporary_owner(".jobs.csv.tmp.1234.0", "jobs.csv") == std::optional<long>(1234));
  CHECK(temporary_owner(".jobs.csv.tmp.99999999999999999999999.3", "jobs.csv") ==
        std::optional<long>(-1));
  CHECK_FALSE(temporary_owner("jobs.csv", "jobs.csv"));
  CHECK_FALSE(temporary_owner(".jobs.csv.tmp.1234.0", "buildout.csv"));
  CHECK_FALSE(temporary_owner(".jobs.csv.tmp.1234", "jobs.csv"));
  CHECK_FALSE(temporary_owner(".jobs.csv.tmp.12a4.0", "jobs.csv"));
  CHECK_FALSE(temporary_owner(".jobs.csv.tmp.1234.0.bak", "jobs.csv"));
  CHECK_FALSE(temporary_owner(".jobs.csv.tmp..0", "jobs.csv"));
}

TEST_CASE("output: remove_stale_temporaries removes a dead writer's temporaries only") {
  ScratchFolder dir("stale_temporaries");
  // No process has ID 2^31 - 1 (Linux caps PIDs at 2^22), so this one's writer is dead.
  const std::string dead = ".jobs.csv.tmp.2147483647.0";
  const std::string live = ".jobs.csv.tmp." + std::to_string(::getpid()) + ".7";
  for (const std::string& name :
       {dead, live, std::string("jobs.csv"), std::string(".notes.txt.tmp.2147483647.0"),
        std::string("my-notes.txt")}) {
    write_file_atomically(dir.path() / name, "x\n");
  }
  const std::vector<std::string_view> targets = {"jobs.csv", "summary.json"};
  CHECK(remove_stale_temporaries(dir.path(), targets) == std::vector<fs::path>{dir.path() / dead});
  CHECK(entries(dir.path()) ==
        std::vector<std::string>{live, ".notes.txt.tmp.2147483647.0", "jobs.csv", "my-notes.txt"});
  CHECK(remove_stale_temporaries(dir.path() / "missing", targets).empty());
}

TEST_CASE("output: remove_file_durably removes a file and accepts a missing one") {
  ScratchFolder dir("remove_durably");
  write_file_atomically(dir.path() / "jobs.csv", "x\n");
  CHECK(remove_file_durably(dir.path() / "jobs.csv"));
  CHECK_FALSE(remove_file_durably(dir.path() / "jobs.csv"));
  CHECK(entries(dir.path()).empty());
  fs::create_directory(dir.path() / "summary.json");
  CHECK_THROWS_AS(remove_file_durably(dir.path() / "summary.json"), OutputError);
}

}  // namespace
}  // namespace capsim::output
