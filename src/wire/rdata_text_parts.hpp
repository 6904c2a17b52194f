// Internal to the wire module: text forms of the field kinds with structure of their own (type
// bitmaps, SVCB parameters), and RDATA from tokens (for record lines, which tokenize once).
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "residns/wire/presentation.hpp"
#include "residns/wire/rdata.hpp"

namespace residns::wire::detail {

// "A NS RRSIG" for a wire-form type bitmap already checked.
void append_type_bitmap_text(std::span<const std::uint8_t> bitmap, std::string& out);
// Type mnemonics (or TYPEnnn) to a wire-form bitmap.
bool type_bitmap_from_text(std::span<const text_token> tokens, std::vector<std::uint8_t>& out,
                           std::string& error);

// "alpn=\"h2,h3\" port=443 ..." for wire-form SvcParams already checked.
void append_svc_params_text(std::span<const std::uint8_t> params, std::string& out);
// False when mandatory lists a key that is absent: accepted on the wire (a resolver passes such
// records on), but the text form would be rejected (RFC 9460 8), so it is printed generically.
bool svc_params_self_consistent(std::span<const std::uint8_t> params);
// key=value tokens in any order to wire-form SvcParams (sorted, unique, mandatory keys present).
bool svc_params_from_text(std::span<const text_token> tokens, std::vector<std::uint8_t>& out,
                          std::string& error);

text_result<rdata> rdata_from_tokens(std::uint16_t type, std::span<const text_token> tokens,
                                     const name& origin);

}  // namespace residns::wire::detail
