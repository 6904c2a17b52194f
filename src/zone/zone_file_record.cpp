// Record lines of a master file: owner, TTL, class and type read here with named's inheritance
// rules (lib/dns/master.c), the RDATA by the wire module's one parser.
#include <algorithm>

#include "residns/wire/constants.hpp"
#include "zone_file_parser.hpp"

namespace residns::zone::detail {
namespace {

// Two origins of equal length: text parsed under both gives the same result exactly when it
// contains no relative name.
const wire::name& probe_origin_a() {
    static const wire::name origin = *wire::name::from_text("residns-origin-probe-a.");
    return origin;
}
const wire::name& probe_origin_b() {
    static const wire::name origin = *wire::name::from_text("residns-origin-probe-b.");
    return origin;
}

constexpr std::string_view no_origin_message =
    " is relative but no origin is known yet (add $ORIGIN or configure the zone's origin)";

bool starts_with_digit(std::string_view text) {
    return !text.empty() && text.front() >= '0' && text.front() <= '9';
}

}  // namespace

std::optional<wire::name> name_under_origin(std::string_view text,
                                            const std::optional<wire::name>& origin,
                                            std::string& error) {
    error.clear();
    if (origin) {
        auto value = wire::name::from_text(text, *origin);
        if (!value) error = "bad name '" + std::string(text) + "'";
        return value;
    }
    auto a = wire::name::from_text(text, probe_origin_a());
    auto b = wire::name::from_text(text, probe_origin_b());
    if (!a || !b) {
        error = "bad name '" + std::string(text) + "'";
        return std::nullopt;
    }
    if (!(*a == *b)) {
        error = "name '" + std::string(text) + "'" + std::string(no_origin_message);
        return std::nullopt;
    }
    return a;
}

wire::text_result<wire::rdata> rdata_under_origin(std::uint16_t type, std::string_view text,
                                                  const std::optional<wire::name>& origin) {
    if (origin) return wire::rdata_from_text(type, text, *origin);
    auto a = wire::rdata_from_text(type, text, probe_origin_a());
    if (!a) return a;
    auto b = wire::rdata_from_text(type, text, probe_origin_b());
    if (!b || !(*a.value == *b.value)) {
        return wire::text_result<wire::rdata>::failure("a name in the RDATA" +
                                                       std::string(no_origin_message));
    }
    return a;
}

ttl_class_type read_ttl_class_type(const std::vector<wire::text_token>& tokens, std::size_t first,
                                   std::string& error) {
    error.clear();
    ttl_class_type out;
    std::size_t next = first;
    while (next < tokens.size()) {
        const wire::text_token& token = tokens[next++];
        const std::string text(token.text);
        if (token.quoted) {
            error = "unexpected quoted string \"" + text + "\" before the type";
            return out;
        }
        if (!out.ttl) {
            if (auto ttl = wire::ttl_from_text(token.text)) {
                out.ttl = ttl;
                continue;
            }
            if (starts_with_digit(token.text)) {
                error = "bad TTL '" + text + "'";
                return out;
            }
        }
        if (!out.rr_class) {
            if (auto cls = wire::class_from_text(token.text)) {
                out.rr_class = cls;
                continue;
            }
        }
        auto type = wire::type_from_text(token.text);
        if (!type) {
            error = starts_with_digit(token.text)
                        ? "bad TTL '" + text + "' (a TTL was already given)"
                        : "unknown type '" + text + "'";
            return out;
        }
        out.type = *type;
        out.next = next;
        return out;
    }
    error = "missing type";
    return out;
}

bool check_type_and_class(std::uint16_t type, std::optional<std::uint16_t> rr_class,
                          std::string& error) {
    if (rr_class && *rr_class != wire::rr_class::in) {
        error = "class " + wire::class_to_text(*rr_class) + " differs from the zone's class IN";
        return false;
    }
    switch (type) {
        case 0:
        case wire::rr_type::opt:
        case wire::rr_type::tkey:
        case wire::rr_type::tsig:
        case wire::rr_type::ixfr:
        case wire::rr_type::axfr:
        case 253:  // MAILB
        case 254:  // MAILA
        case wire::rr_type::any:
            error = "type " + wire::type_to_text(type) + " cannot be used in a zone file";
            return false;
        default:
            return true;
    }
}

std::uint32_t limit_ttl(parser_state& state, const include_frame& frame, std::size_t line,
                        std::uint32_t ttl) {
    constexpr std::uint32_t max_ttl = 0x7FFFFFFF;
    if (ttl <= max_ttl) return ttl;
    state.warning(frame, line,
                  "TTL " + std::to_string(ttl) +
                      " is above 2147483647 (RFC 2181 8); using 0, as "
                      "named does");
    return 0;
}

std::optional<std::uint32_t> resolve_ttl(parser_state& state, const include_frame& frame,
                                         std::size_t line,
                                         std::optional<std::uint32_t> explicit_ttl,
                                         std::uint16_t type, const wire::rdata& data) {
    ttl_state& ttl = state.ttl;
    if (explicit_ttl) {
        ttl.last_ttl = limit_ttl(state, frame, line, *explicit_ttl);
        return ttl.last_ttl;
    }
    if (!ttl.last_ttl && !ttl.default_ttl) {
        if (type == wire::rr_type::soa && data.size() >= 4) {
            auto bytes = data.bytes().last(4);
            const std::uint32_t minimum = (std::uint32_t{bytes[0]} << 24) |
                                          (std::uint32_t{bytes[1]} << 16) |
                                          (std::uint32_t{bytes[2]} << 8) | bytes[3];
            state.warning(frame, line,
                          "no TTL and no $TTL: using the SOA MINIMUM " + std::to_string(minimum) +
                              " as the default TTL, as named does (add a $TTL line)");
            ttl.default_ttl = limit_ttl(state, frame, line, minimum);
            ttl.last_ttl = ttl.default_ttl;
            return ttl.last_ttl;
        }
        state.error(frame, line,
                    "no TTL specified: give this record a TTL or put a $TTL line before it");
        return std::nullopt;
    }
    if (ttl.default_ttl) {
        ttl.last_ttl = ttl.default_ttl;
        return ttl.last_ttl;
    }
    if (!ttl.warned_rfc1035) {
        ttl.warned_rfc1035 = true;
        state.warning(frame, line,
                      "no $TTL: records without a TTL take the previous record's TTL (" +
                          std::to_string(*ttl.last_ttl) + " here), RFC 1035 semantics");
    }
    return ttl.last_ttl;
}

std::uint16_t covered_type(std::uint16_t type, const wire::rdata& data) {
    if ((type != wire::rr_type::rrsig && type != 24 /* SIG */) || data.size() < 2) return 0;
    return static_cast<std::uint16_t>((data.bytes()[0] << 8) | data.bytes()[1]);
}

void add_record(parser_state& state, const include_frame& frame, std::size_t line, wire::record rr,
                bool own_batch) {
    if (state.records.size() >= state.limits.max_records) {
        state.error(frame, line,
                    "more than " + std::to_string(state.limits.max_records) +
                        " records; the zone is too large");
        state.stopped = true;
        return;
    }
    std::size_t batch = 0;
    if (own_batch) {
        batch = ++state.batch_counter;
    } else {
        batch_state& current = state.batch;
        if (!current.owner || !(*current.owner == rr.owner)) {
            current = {rr.owner, ++state.batch_counter, {}};
        }
        batch = current.id;
        const std::uint16_t covers = covered_type(rr.type, rr.data);
        auto same = std::ranges::find_if(current.rrsets, [&](const batch_rrset& s) {
            return s.type == rr.type && s.covers == covers;
        });
        if (same == current.rrsets.end()) {
            current.rrsets.push_back({rr.type, covers, rr.ttl, line});
        } else if (same->ttl != rr.ttl) {
            state.warning(frame, line,
                          "TTL " + std::to_string(rr.ttl) + " differs from the TTL " +
                              std::to_string(same->ttl) + " of the same RRset on line " +
                              std::to_string(same->line) + "; using " + std::to_string(same->ttl) +
                              ", as named does");
            rr.ttl = same->ttl;
            state.ttl.last_ttl = same->ttl;
        }
    }
    state.records.push_back({{std::move(rr), {frame.file, line}}, batch});
}

void handle_record(parser_state& state, include_frame& frame, const logical_line& line,
                   const std::vector<wire::text_token>& tokens) {
    const char first = line.text.front();
    const bool owner_omitted = first == ' ' || first == '\t';
    std::string error;
    wire::name owner;
    std::size_t next = 0;
    if (owner_omitted) {
        if (!frame.owner) {
            state.error(frame, line.line,
                        "no owner name: the line starts with white space but no record precedes "
                        "it");
            return;
        }
        owner = *frame.owner;
    } else {
        if (tokens[0].quoted) {
            state.error(frame, line.line, "bad owner name \"" + std::string(tokens[0].text) + "\"");
            return;
        }
        auto parsed = name_under_origin(tokens[0].text, frame.origin, error);
        if (!parsed) {
            state.error(frame, line.line, "owner: " + error);
            return;
        }
        owner = *parsed;
        next = 1;
    }
    // named sets the current owner even when the rest of the line is wrong.
    frame.owner = owner;

    const ttl_class_type head = read_ttl_class_type(tokens, next, error);
    if (!error.empty()) {
        state.error(frame, line.line, error);
        return;
    }
    if (!check_type_and_class(head.type, head.rr_class, error)) {
        state.error(frame, line.line, error);
        return;
    }
    std::string_view rdata_text;
    if (head.next < tokens.size()) {
        // The RDATA starts at its first token (a quoted token's view starts after the quote).
        const char* start = tokens[head.next].text.data() - (tokens[head.next].quoted ? 1 : 0);
        rdata_text =
            std::string_view(line.text).substr(static_cast<std::size_t>(start - line.text.data()));
    }
    auto data = rdata_under_origin(head.type, rdata_text, frame.origin);
    if (!data) {
        state.error(frame, line.line, wire::type_to_text(head.type) + ": " + data.error);
        return;
    }
    auto ttl = resolve_ttl(state, frame, line.line, head.ttl, head.type, *data.value);
    if (!ttl) return;
    wire::record rr{.owner = owner,
                    .type = head.type,
                    .rr_class = wire::rr_class::in,
                    .ttl = *ttl,
                    .data = std::move(*data.value)};
    add_record(state, frame, line.line, std::move(rr), false);
}

}  // namespace residns::zone::detail
