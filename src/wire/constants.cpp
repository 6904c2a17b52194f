// Mnemonic tables for RR types, classes and RCODEs.
#include "residns/wire/constants.hpp"

#include <array>
#include <charconv>
#include <utility>

namespace residns::wire {
namespace {

constexpr std::array<std::pair<std::uint16_t, std::string_view>, 45> type_names{{
    {1, "A"},      {2, "NS"},          {3, "MD"},     {4, "MF"},     {5, "CNAME"},  {6, "SOA"},
    {7, "MB"},     {8, "MG"},          {9, "MR"},     {10, "NULL"},  {11, "WKS"},   {12, "PTR"},
    {13, "HINFO"}, {14, "MINFO"},      {15, "MX"},    {16, "TXT"},   {17, "RP"},    {18, "AFSDB"},
    {21, "RT"},    {24, "SIG"},        {26, "PX"},    {25, "KEY"},   {28, "AAAA"},  {29, "LOC"},
    {30, "NXT"},   {33, "SRV"},        {35, "NAPTR"}, {36, "KX"},    {37, "CERT"},  {39, "DNAME"},
    {41, "OPT"},   {43, "DS"},         {44, "SSHFP"}, {46, "RRSIG"}, {47, "NSEC"},  {48, "DNSKEY"},
    {50, "NSEC3"}, {51, "NSEC3PARAM"}, {52, "TLSA"},  {64, "SVCB"},  {65, "HTTPS"}, {250, "TSIG"},
    {252, "AXFR"}, {255, "ANY"},       {257, "CAA"},
}};

constexpr std::array<std::pair<std::uint16_t, std::string_view>, 5> class_names{
    {{1, "IN"}, {3, "CH"}, {4, "HS"}, {254, "NONE"}, {255, "ANY"}}};

bool iequals(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        char x = a[i], y = b[i];
        if (x >= 'a' && x <= 'z') x = static_cast<char>(x - 32);
        if (y >= 'a' && y <= 'z') y = static_cast<char>(y - 32);
        if (x != y) return false;
    }
    return true;
}

template <std::size_t N>
std::optional<std::uint16_t> lookup(
    const std::array<std::pair<std::uint16_t, std::string_view>, N>& table,
    std::string_view generic_prefix, std::string_view text) {
    for (const auto& [value, mnemonic] : table) {
        if (iequals(mnemonic, text)) return value;
    }
    if (text.size() > generic_prefix.size() &&
        iequals(text.substr(0, generic_prefix.size()), generic_prefix)) {
        std::string_view digits = text.substr(generic_prefix.size());
        unsigned value = 0;
        auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
        if (ec == std::errc{} && end == digits.data() + digits.size() && value <= 0xFFFF) {
            return static_cast<std::uint16_t>(value);
        }
    }
    return std::nullopt;
}

}  // namespace

std::string type_to_text(std::uint16_t type) {
    for (const auto& [value, mnemonic] : type_names) {
        if (value == type) return std::string(mnemonic);
    }
    return "TYPE" + std::to_string(type);
}

std::optional<std::uint16_t> type_from_text(std::string_view text) {
    return lookup(type_names, "TYPE", text);
}

std::string class_to_text(std::uint16_t cls) {
    for (const auto& [value, mnemonic] : class_names) {
        if (value == cls) return std::string(mnemonic);
    }
    return "CLASS" + std::to_string(cls);
}

std::optional<std::uint16_t> class_from_text(std::string_view text) {
    return lookup(class_names, "CLASS", text);
}

std::string rcode_to_text(rcode code) {
    switch (code) {
        case rcode::noerror:
            return "NOERROR";
        case rcode::formerr:
            return "FORMERR";
        case rcode::servfail:
            return "SERVFAIL";
        case rcode::nxdomain:
            return "NXDOMAIN";
        case rcode::notimp:
            return "NOTIMP";
        case rcode::refused:
            return "REFUSED";
        case rcode::yxdomain:
            return "YXDOMAIN";
        case rcode::yxrrset:
            return "YXRRSET";
        case rcode::nxrrset:
            return "NXRRSET";
        case rcode::notauth:
            return "NOTAUTH";
        case rcode::notzone:
            return "NOTZONE";
        case rcode::badvers:
            return "BADVERS";
        case rcode::badcookie:
            return "BADCOOKIE";
    }
    return "RCODE" + std::to_string(static_cast<unsigned>(code));
}

}  // namespace residns::wire
