// Questions and resource records as owned values, and a record's one-line presentation form
// ("www.example.com. 3600 IN A 192.0.2.1") for zone files and logs.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "residns/wire/constants.hpp"
#include "residns/wire/name.hpp"
#include "residns/wire/rdata.hpp"

namespace residns::wire {

struct question {
    name qname;
    std::uint16_t qtype = rr_type::a;
    std::uint16_t qclass = wire::rr_class::in;

    // Names compare case-insensitively.
    friend bool operator==(const question&, const question&) = default;
};

struct record {
    name owner;
    std::uint16_t type = rr_type::a;
    std::uint16_t rr_class = wire::rr_class::in;
    std::uint32_t ttl = 0;
    wire::rdata data;  // valid RDATA of `type`

    // Owners compare case-insensitively, RDATA octet for octet.
    friend bool operator==(const record&, const record&) = default;
};

// "owner<TAB>ttl<TAB>class<TAB>type<TAB>rdata".
std::string record_to_text(const record& rr);
// "name<TAB>class<TAB>type", as dig prints a question.
std::string question_to_text(const question& q);

// What a record line may leave out.
struct record_text_defaults {
    name origin;                // appended to relative names; "@" is the origin
    std::optional<name> owner;  // used when the line starts with white space
    std::uint32_t ttl = 3600;   // used when the line has no TTL
    std::uint16_t rr_class = wire::rr_class::in;
};

// Parses "[owner] [ttl] [class] type rdata" (TTL and class in either order, TTL with BIND units)
// from one logical line (parentheses and comments allowed, see rdata_from_text). Directives
// ($ORIGIN, $TTL, $INCLUDE) are the zone reader's business, not this function's.
text_result<record> record_from_text(std::string_view line, const record_text_defaults& defaults);

}  // namespace residns::wire
