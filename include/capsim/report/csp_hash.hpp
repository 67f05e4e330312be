#pragma once
/// The hash a Content-Security-Policy names an inline block by: 'sha256-BASE64' of the block's
/// exact bytes (CSP Level 3, "hash-source"). The report's pages allow only their own inline
/// style this way, and no script at all, so that nothing a scenario file puts in a page can
/// run or restyle it (docs/security.md).

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace capsim::report {

/// SHA-256 of `bytes` (FIPS 180-4).
std::array<std::uint8_t, 32> sha256(std::string_view bytes);

/// Standard base64 with padding (RFC 4648, section 4).
std::string base64(const std::uint8_t* bytes, std::size_t size);

/// "'sha256-...'" for a CSP source list.
std::string csp_hash_source(std::string_view inline_block);

}  // namespace capsim::report
