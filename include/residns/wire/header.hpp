// The 12-byte DNS message header (RFC 1035 4.1.1). Flags are kept as one 16-bit word and read
// and written by shift and mask, never through bitfields.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

#include "residns/util/endian.hpp"
#include "residns/wire/constants.hpp"

namespace residns::wire {

namespace header_flag {
inline constexpr std::uint16_t qr = 0x8000;
inline constexpr std::uint16_t aa = 0x0400;
inline constexpr std::uint16_t tc = 0x0200;
inline constexpr std::uint16_t rd = 0x0100;
inline constexpr std::uint16_t ra = 0x0080;
inline constexpr std::uint16_t z = 0x0040;
inline constexpr std::uint16_t ad = 0x0020;
inline constexpr std::uint16_t cd = 0x0010;
inline constexpr std::uint16_t opcode_mask = 0x7800;
inline constexpr std::uint16_t rcode_mask = 0x000F;
}  // namespace header_flag

struct header {
    static constexpr std::size_t size = 12;

    std::uint16_t id = 0;
    std::uint16_t flags = 0;
    std::uint16_t qdcount = 0;
    std::uint16_t ancount = 0;
    std::uint16_t nscount = 0;
    std::uint16_t arcount = 0;

    bool qr() const { return (flags & header_flag::qr) != 0; }
    bool aa() const { return (flags & header_flag::aa) != 0; }
    bool tc() const { return (flags & header_flag::tc) != 0; }
    bool rd() const { return (flags & header_flag::rd) != 0; }
    bool ra() const { return (flags & header_flag::ra) != 0; }
    bool ad() const { return (flags & header_flag::ad) != 0; }
    bool cd() const { return (flags & header_flag::cd) != 0; }
    wire::opcode opcode() const { return static_cast<wire::opcode>((flags >> 11) & 0xF); }
    // The low 4 bits only; the upper 8 bits of an extended RCODE live in the OPT record.
    std::uint8_t rcode_low() const {
        return static_cast<std::uint8_t>(flags & header_flag::rcode_mask);
    }

    void set_flag(std::uint16_t flag, bool on) {
        flags = static_cast<std::uint16_t>(on ? (flags | flag) : (flags & ~flag));
    }
    void set_opcode(wire::opcode op) {
        flags = static_cast<std::uint16_t>((flags & ~header_flag::opcode_mask) |
                                           ((static_cast<unsigned>(op) & 0xF) << 11));
    }
    // Sets the low 4 bits of `code`; the caller puts the upper bits into the OPT record.
    void set_rcode(wire::rcode code) {
        flags = static_cast<std::uint16_t>((flags & ~header_flag::rcode_mask) |
                                           (static_cast<unsigned>(code) & 0xF));
    }

    // False when fewer than 12 bytes are available.
    static bool read(std::span<const std::uint8_t> packet, header& out) {
        if (packet.size() < size) return false;
        const std::uint8_t* p = packet.data();
        out.id = util::load_u16(p);
        out.flags = util::load_u16(p + 2);
        out.qdcount = util::load_u16(p + 4);
        out.ancount = util::load_u16(p + 6);
        out.nscount = util::load_u16(p + 8);
        out.arcount = util::load_u16(p + 10);
        return true;
    }

    // Writes 12 bytes at `p`; the caller guarantees the space.
    void write(std::uint8_t* p) const {
        util::store_u16(p, id);
        util::store_u16(p + 2, flags);
        util::store_u16(p + 4, qdcount);
        util::store_u16(p + 6, ancount);
        util::store_u16(p + 8, nscount);
        util::store_u16(p + 10, arcount);
    }

    friend bool operator==(const header&, const header&) = default;
};

}  // namespace residns::wire
