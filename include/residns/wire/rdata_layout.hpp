// The one description of each RR type's RDATA: an ordered list of fields. Reading from a packet,
// checking in place, writing with or without name compression, field access and the presentation
// format all walk this description, so a type is described here and nowhere else
// (src/wire/rdata_layout.cpp holds the table). Types without a layout are opaque (RFC 3597).
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

namespace residns::wire {

enum class field_kind : std::uint8_t {
    u8,               // text: decimal
    u16,              // text: decimal
    u32,              // text: decimal (SOA serial)
    ttl,              // u32; text: decimal, and on input also BIND units (1h30m)
    time,             // u32 seconds since the epoch; text: YYYYMMDDHHMMSS (RRSIG)
    type,             // u16 RR type; text: its mnemonic (RRSIG type covered)
    ipv4,             // 4 octets; text: dotted quad
    ipv6,             // 16 octets; text: RFC 5952
    name_compressed,  // a domain name that may be compressed on write (RFC 3597 section 4)
    name,             // a domain name never compressed on write (decompressed on read all the same)
    string,           // <character-string>: a length octet and up to 255 octets; text: quoted
    strings,          // one or more <character-string>s to the end (TXT)
    base64,           // octets to the end; text: base64
    hex,              // octets to the end; text: hex
    hex_counted,      // a length octet and octets; text: hex, "-" when empty (NSEC3 salt)
    base32_counted,   // a length octet and 1+ octets; text: base32hex (NSEC3 next hashed owner)
    type_bitmap,      // window blocks to the end (RFC 4034 4.1.2); text: type mnemonics
    svc_params,       // SvcParams to the end (RFC 9460 2.2); text: key=value
    tag,              // CAA tag: a length octet and 1+ letters or digits; text: unquoted
    text_to_end,      // CAA value: octets to the end; text: a quoted string
    edns_options,     // OPT: {code, length, value} to the end; text: the RFC 3597 generic form
    opaque,           // octets to the end; only in the generic layout of types not described
};

struct field_desc {
    field_kind kind;
    std::string_view label;  // for documentation, logs and error messages ("preference")
};

struct rdata_layout {
    std::uint16_t type = 0;
    std::span<const field_desc> fields;
};

// The layout of `type`, or nullptr for types handled as opaque RDATA.
const rdata_layout* find_layout(std::uint16_t type);

// The single-field layout used for every type find_layout does not know.
const rdata_layout& opaque_layout();

inline bool is_name_field(field_kind kind) {
    return kind == field_kind::name || kind == field_kind::name_compressed;
}

// True for the types whose RDATA names may be compressed on write: the RFC 1035 types that RFC
// 3597 section 4 calls well-known (NS, MD, MF, CNAME, SOA, MB, MG, MR, PTR, MINFO, MX).
bool rdata_names_compressible(std::uint16_t type);

}  // namespace residns::wire
