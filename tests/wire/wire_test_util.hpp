// Helpers for writing DNS packets out by hand in tests. Bytes are appended one at a time (GCC 12
// warns falsely about vector::insert of small ranges at the end).
#pragma once

#include <cstdint>
#include <initializer_list>
#include <ostream>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "residns/wire/name.hpp"
#include "residns/wire/parse_error.hpp"
#include "residns/wire/record.hpp"

namespace residns::wire {

// GoogleTest prints parse errors by their description.
inline void PrintTo(parse_error error, std::ostream* os) {
    *os << describe(error);
}
// ... and records and questions by their presentation form.
inline void PrintTo(const record& rr, std::ostream* os) {
    *os << record_to_text(rr);
}
inline void PrintTo(const question& q, std::ostream* os) {
    *os << question_to_text(q);
}

}  // namespace residns::wire

namespace residns::wire::test {

class packet_bytes {
public:
    packet_bytes& u8(unsigned v) {
        bytes_.push_back(static_cast<std::uint8_t>(v));
        return *this;
    }
    packet_bytes& u16(unsigned v) { return u8(v >> 8).u8(v & 0xFF); }
    packet_bytes& u32(std::uint32_t v) { return u16(v >> 16).u16(v & 0xFFFF); }
    packet_bytes& raw(std::initializer_list<unsigned> values) {
        for (unsigned v : values)
            u8(v);
        return *this;
    }
    packet_bytes& append(std::span<const std::uint8_t> values) {
        for (std::uint8_t v : values)
            u8(v);
        return *this;
    }
    // The characters of `text`, without a length octet.
    packet_bytes& chars(std::string_view text) {
        for (char c : text)
            u8(static_cast<unsigned char>(c));
        return *this;
    }
    // An uncompressed name from presentation format ("www.example.com.").
    packet_bytes& name(std::string_view text) {
        auto n = wire::name::from_text(text);
        if (n) append(n->wire());
        return *this;
    }
    // Labels followed by a compression pointer: labels("www", 12) is "www" then a pointer to 12.
    packet_bytes& label(std::string_view text) {
        u8(static_cast<unsigned>(text.size()));
        return chars(text);
    }
    packet_bytes& pointer(unsigned offset) { return u16(0xC000 | offset); }
    // A 12-byte header.
    packet_bytes& header(unsigned id, unsigned flags, unsigned qd, unsigned an, unsigned ns,
                         unsigned ar) {
        return u16(id).u16(flags).u16(qd).u16(an).u16(ns).u16(ar);
    }
    // Overwrites the 16-bit value at `offset` (to patch RDLENGTH or counts afterwards).
    packet_bytes& patch_u16(std::size_t offset, unsigned v) {
        bytes_[offset] = static_cast<std::uint8_t>(v >> 8);
        bytes_[offset + 1] = static_cast<std::uint8_t>(v & 0xFF);
        return *this;
    }

    std::size_t size() const { return bytes_.size(); }
    const std::vector<std::uint8_t>& bytes() const { return bytes_; }
    std::span<const std::uint8_t> span() const { return bytes_; }

private:
    std::vector<std::uint8_t> bytes_;
};

// "c0 0c 00 01" or "c00c0001" to bytes.
inline std::vector<std::uint8_t> hex_bytes(std::string_view hex) {
    std::vector<std::uint8_t> out;
    int high = -1;
    for (char c : hex) {
        int v = (c >= '0' && c <= '9')   ? c - '0'
                : (c >= 'a' && c <= 'f') ? c - 'a' + 10
                : (c >= 'A' && c <= 'F') ? c - 'A' + 10
                                         : -1;
        if (v < 0) continue;
        if (high < 0) {
            high = v;
        } else {
            out.push_back(static_cast<std::uint8_t>(high * 16 + v));
            high = -1;
        }
    }
    return out;
}

inline wire::name dns_name(std::string_view text) {
    return wire::name::from_text(text).value_or(wire::name{});
}

}  // namespace residns::wire::test
