#pragma once
/// Small text helpers shared by the layers that write text.

#include <string>
#include <string_view>

namespace capsim {

/// `text` in double quotes with JSON escapes (\" \\ \n \t and \u00XX for other control
/// characters). The result is also a valid YAML double-quoted scalar.
std::string quote_string(std::string_view text);

}  // namespace capsim
