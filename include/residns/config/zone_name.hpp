// Domain names written in the config file (forward zones today; local zones later), brought to
// one form so that "Corp.Example" and "corp.example." are the same zone.
#pragma once

#include <string>
#include <string_view>

#include "residns/config/values.hpp"

namespace residns::config {

// The absolute, lower-case presentation form with a trailing dot: "Corp.Example" ->
// "corp.example.", "." -> ".". Labels are 1..63 bytes of letters, digits, '-', '_' or '/'
// (RFC 2317 reverse zones); the name is at most 255 bytes in wire form. Backslash escapes and
// non-ASCII text (use the xn-- form) are errors.
parse_result<std::string> normalize_zone_name(std::string_view text);

}  // namespace residns::config
