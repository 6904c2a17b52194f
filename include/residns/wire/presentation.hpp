// Building blocks of the presentation (text) format shared by RDATA text, record lines and the
// zone-file reader: splitting a line into tokens, character-strings with escapes, base64,
// base32hex, hex, RRSIG times and TTLs with units. Parsers return false/nullopt on bad input; they
// never throw.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace residns::wire {

struct text_token {
    std::string_view text;  // escapes are kept; quotes are not part of a quoted token
    bool quoted = false;
};

// Splits text into tokens at unescaped white space. "Quoted strings" are single tokens; an
// unquoted token may contain a quoted part (key="a b", for SVCB parameters), kept verbatim.
// Unquoted '(' and ')' separate tokens and are dropped; an unquoted ';' starts a comment that
// runs to the end of the line. False with `error` set on an unterminated quote.
bool tokenize(std::string_view text, std::vector<text_token>& out, std::string& error);

// Decodes the escapes of a character-string ("\DDD" decimal, "\X" the character X) and appends
// the octets to `out`. False on a bad escape or when more than `max_length` octets result.
bool decode_escaped(std::string_view raw, std::vector<std::uint8_t>& out,
                    std::size_t max_length = 255);

// Appends `octets` inside double quotes; '"' and '\' are escaped, and octets outside printable
// ASCII become \DDD.
void append_quoted(std::span<const std::uint8_t> octets, std::string& out);
// The same escaping without the quotes.
void append_escaped(std::span<const std::uint8_t> octets, std::string& out);

std::string to_base64(std::span<const std::uint8_t> octets);
// Standard alphabet with '=' padding; false on anything else.
bool from_base64(std::string_view text, std::vector<std::uint8_t>& out);

// RFC 4648 "extended hex" alphabet, upper case, no padding (NSEC3 hashed owner names).
std::string to_base32hex(std::span<const std::uint8_t> octets);
// Either case; false on bad characters, impossible lengths or non-zero trailing bits.
bool from_base32hex(std::string_view text, std::vector<std::uint8_t>& out);

// Upper-case hex.
std::string to_hex(std::span<const std::uint8_t> octets);
// Either case, an even number of digits.
bool from_hex(std::string_view text, std::vector<std::uint8_t>& out);

// RRSIG times (RFC 4034 3.2): YYYYMMDDHHMMSS in UTC for seconds since the epoch (mod 2^32).
std::string time_to_text(std::uint32_t seconds);
// Accepts YYYYMMDDHHMMSS or a plain decimal number of seconds.
std::optional<std::uint32_t> time_from_text(std::string_view text);

// A TTL: decimal seconds, or BIND's units ("1w2d3h4m5s", any case). nullopt beyond 2^32-1.
std::optional<std::uint32_t> ttl_from_text(std::string_view text);

// A decimal number of at most `max`; nullopt on anything else.
std::optional<std::uint32_t> number_from_text(std::string_view text, std::uint32_t max);

}  // namespace residns::wire
