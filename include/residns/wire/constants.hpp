// DNS protocol numbers: RR types, classes, opcodes and RCODEs (RFC 1035, 6891, 6895) and their
// mnemonics. Types are plain 16-bit numbers so that unknown types flow through untouched.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace residns::wire {

namespace rr_type {
inline constexpr std::uint16_t a = 1;
inline constexpr std::uint16_t ns = 2;
inline constexpr std::uint16_t cname = 5;
inline constexpr std::uint16_t soa = 6;
inline constexpr std::uint16_t ptr = 12;
inline constexpr std::uint16_t hinfo = 13;
inline constexpr std::uint16_t mx = 15;
inline constexpr std::uint16_t txt = 16;
inline constexpr std::uint16_t aaaa = 28;
inline constexpr std::uint16_t srv = 33;
inline constexpr std::uint16_t naptr = 35;
inline constexpr std::uint16_t dname = 39;
inline constexpr std::uint16_t opt = 41;
inline constexpr std::uint16_t ds = 43;
inline constexpr std::uint16_t sshfp = 44;
inline constexpr std::uint16_t rrsig = 46;
inline constexpr std::uint16_t nsec = 47;
inline constexpr std::uint16_t dnskey = 48;
inline constexpr std::uint16_t nsec3 = 50;
inline constexpr std::uint16_t tlsa = 52;
inline constexpr std::uint16_t svcb = 64;
inline constexpr std::uint16_t https = 65;
inline constexpr std::uint16_t tkey = 249;
inline constexpr std::uint16_t tsig = 250;
inline constexpr std::uint16_t ixfr = 251;
inline constexpr std::uint16_t axfr = 252;
inline constexpr std::uint16_t any = 255;
inline constexpr std::uint16_t caa = 257;
}  // namespace rr_type

namespace rr_class {
inline constexpr std::uint16_t in = 1;
inline constexpr std::uint16_t ch = 3;
inline constexpr std::uint16_t hs = 4;
inline constexpr std::uint16_t none = 254;
inline constexpr std::uint16_t any = 255;
}  // namespace rr_class

enum class opcode : std::uint8_t { query = 0, iquery = 1, status = 2, notify = 4, update = 5 };

// RCODEs up to 4095; values above 15 need an OPT record to carry their upper 8 bits.
enum class rcode : std::uint16_t {
    noerror = 0,
    formerr = 1,
    servfail = 2,
    nxdomain = 3,
    notimp = 4,
    refused = 5,
    yxdomain = 6,
    yxrrset = 7,
    nxrrset = 8,
    notauth = 9,
    notzone = 10,
    badvers = 16,
    badcookie = 23,
};

enum class section : std::uint8_t { question = 0, answer = 1, authority = 2, additional = 3 };

// "A", "AAAA", ... or "TYPE65280" for types without a mnemonic (RFC 3597).
std::string type_to_text(std::uint16_t type);
// Accepts mnemonics case-insensitively and the generic "TYPEnnn" form.
std::optional<std::uint16_t> type_from_text(std::string_view text);
// "IN", "CH", "HS", "NONE", "ANY" or "CLASSnnn".
std::string class_to_text(std::uint16_t cls);
std::optional<std::uint16_t> class_from_text(std::string_view text);
std::string rcode_to_text(rcode code);

}  // namespace residns::wire
