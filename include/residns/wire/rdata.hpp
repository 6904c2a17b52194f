// Owned RDATA of any type. The value is the RDATA's uncompressed wire form (names decompressed,
// in the case they were given), always valid for the type it was made for; the type's layout
// (rdata_layout.hpp) gives typed access to its fields. Compact enough for zone snapshots, exact
// for round trips, and one representation for every type, known or not (RFC 3597).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "residns/wire/name.hpp"
#include "residns/wire/parse_error.hpp"
#include "residns/wire/rdata_layout.hpp"

namespace residns::wire {

class message_builder;

class rdata {
public:
    // Empty RDATA (valid for opaque types and OPT without options).
    rdata() = default;

    // From uncompressed wire form; nullopt unless `bytes` is valid RDATA of `type`.
    static std::optional<rdata> from_bytes(std::uint16_t type, std::span<const std::uint8_t> bytes);

    std::span<const std::uint8_t> bytes() const { return bytes_; }
    std::size_t size() const { return bytes_.size(); }

    // Octet-exact equality (the case of names inside matters).
    friend bool operator==(const rdata&, const rdata&) = default;

private:
    friend parse_error read_rdata(std::uint16_t, std::span<const std::uint8_t>, std::size_t,
                                  std::size_t, rdata&);
    std::vector<std::uint8_t> bytes_;
};

// One field of some RDATA, as its layout describes it.
struct rdata_field {
    field_kind kind = field_kind::opaque;
    std::string_view label;
    std::span<const std::uint8_t> bytes;  // the field's octets in uncompressed wire form

    // u8, u16, u32, ttl, time, type fields.
    std::uint32_t number() const;
    // Name fields.
    wire::name as_name() const;
    // The octets without a leading length octet (string, hex_counted, base32_counted, tag);
    // the octets themselves for every other kind.
    std::span<const std::uint8_t> content() const;
};

// The fields of `data` per `type`'s layout; a single opaque field for types without one.
std::vector<rdata_field> rdata_fields(std::uint16_t type, const rdata& data);

// Equal as DNS data: names inside compare case-insensitively, everything else octet for octet
// (what a message round trip through compression preserves; RRset duplicates per RFC 2181 5).
bool rdata_equal(std::uint16_t type, const rdata& a, const rdata& b);

// Decodes the RDATA at packet[offset, offset + length) of a record of `type`: names are
// decompressed (pointers may refer anywhere earlier in `packet`), content checked as check_rdata
// does. `out` is left unchanged on error.
parse_error read_rdata(std::uint16_t type, std::span<const std::uint8_t> packet, std::size_t offset,
                       std::size_t length, rdata& out);

// Writes `data` as the RDATA of the record the builder is in; names are compressed only for
// the types RFC 3597 section 4 allows. False if it does not fit (builder.ok() turns false) or if
// `data` is not valid RDATA of `type` (builder.ok() stays true).
bool write_rdata(message_builder& builder, std::uint16_t type, const rdata& data);

// Shortcuts for the RDATA that local data synthesises (hosts files, automatic PTR).
rdata make_a_rdata(const std::array<std::uint8_t, 4>& address);
rdata make_aaaa_rdata(const std::array<std::uint8_t, 16>& address);
// NS, CNAME, PTR, DNAME and the other single-name types.
rdata make_name_rdata(const name& target);

// A value from text, or the reason it could not be parsed (for file:line messages).
template <typename T>
struct text_result {
    std::optional<T> value;
    std::string error;

    explicit operator bool() const { return value.has_value(); }
    static text_result failure(std::string message) { return {std::nullopt, std::move(message)}; }
};

// Presentation format of the RDATA alone ("10 mail.example.com."); RFC 3597's "\# len hex"
// for types without a layout, and for OPT.
std::string rdata_to_text(std::uint16_t type, const rdata& data);

// Parses the RDATA part of a zone-file line. Relative names get `origin`. Accepts the generic
// "\# len hex" form for every type. Parentheses are ignored and ';' starts a comment, so a
// multi-line record can be passed joined.
text_result<rdata> rdata_from_text(std::uint16_t type, std::string_view text, const name& origin);

}  // namespace residns::wire
