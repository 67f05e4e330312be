// The report pages' Content-Security-Policy: the hash it names is the hash of the page's own
// <style> block, computed by a SHA-256 checked against FIPS 180-4's examples.

#include <doctest/doctest.h>

#include <string>

#include "capsim/report/csp_hash.hpp"
#include "capsim/report/html_page.hpp"

namespace capsim::report {
namespace {

std::string hex(const std::array<std::uint8_t, 32>& digest) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (const std::uint8_t byte : digest) {
    out += kDigits[byte >> 4];
    out += kDigits[byte & 15];
  }
  return out;
}

TEST_CASE("csp: SHA-256 and base64 on the standards' examples") {
  // FIPS 180-4 examples (NIST, "SHA256.pdf", Cryptographic Standards and Guidelines examples).
  CHECK(hex(sha256("abc")) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  CHECK(hex(sha256("")) == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  // 56 bytes: the length no longer fits the first padded block.
  CHECK(hex(sha256("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")) ==
        "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  CHECK(hex(sha256(std::string(1000, 'a'))) ==
        "41edece42d63e8d9bf515a9ba6932e1c20cbc9f5a5d134645adb5db1b9737ea3");
  // RFC 4648 section 10.
  const auto* foobar = reinterpret_cast<const std::uint8_t*>("foobar");
  CHECK(base64(foobar, 0).empty());
  CHECK(base64(foobar, 1) == "Zg==");
  CHECK(base64(foobar, 2) == "Zm8=");
  CHECK(base64(foobar, 6) == "Zm9vYmFy");
  CHECK(csp_hash_source("abc") == "'sha256-ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0='");
}

TEST_CASE("csp: every page allows its own style block and nothing else") {
  const std::string page = HtmlPage("run", "t", "s").str();
  const std::string policy = content_security_policy();
  CHECK(page.find("<meta http-equiv=\"Content-Security-Policy\" content=\"" + policy + "\">") !=
        std::string::npos);
  const std::size_t open = page.find("<style>") + 7;
  const std::string style = page.substr(open, page.find("</style>") - open);
  CHECK(policy == "default-src 'none'; style-src " + csp_hash_source(style) +
                      "; img-src data:; base-uri 'none'; form-action 'none'");
  CHECK(page.find("style=\"") == std::string::npos);  // no inline style attribute anywhere
  CHECK(page.find("<script") == std::string::npos);
}

}  // namespace
}  // namespace capsim::report
