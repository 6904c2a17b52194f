// BIND's $GENERATE: "range lhs [ttl] [class] type rhs", with '$' replaced by the iterator and
// ${offset[,width[,base]]} formatting it (bases d o x X, and n N for nibble labels as in
// ip6.arpa); "$$" is a literal '$' and "\$" stays an escaped '$'. lhs and rhs are single tokens
// (an RDATA with spaces is quoted). Mirrors genname() and nibbles() in BIND's lib/dns/master.c.
#include <charconv>
#include <cstdio>

#include <climits>

#include "residns/wire/constants.hpp"
#include "zone_file_parser.hpp"

namespace residns::zone::detail {
namespace {

constexpr std::size_t max_generated_text = 8192;
constexpr std::size_t number_buffer = 128;  // BIND's numbuf: longer numbers are an error

struct range {
    std::uint32_t start = 0;
    std::uint32_t stop = 0;
    std::uint32_t step = 1;
};

std::optional<std::uint32_t> parse_u32(std::string_view& text) {
    std::uint32_t value = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (ec != std::errc{} || end == text.data()) return std::nullopt;
    text.remove_prefix(static_cast<std::size_t>(end - text.data()));
    return value;
}

std::optional<range> parse_range(std::string_view text) {
    range r;
    auto start = parse_u32(text);
    if (!start || text.empty() || text.front() != '-') return std::nullopt;
    text.remove_prefix(1);
    auto stop = parse_u32(text);
    if (!stop) return std::nullopt;
    r.start = *start;
    r.stop = *stop;
    if (!text.empty()) {
        if (text.front() != '/') return std::nullopt;
        text.remove_prefix(1);
        auto step = parse_u32(text);
        if (!step || *step < 1 || !text.empty()) return std::nullopt;
        r.step = *step;
    }
    if (r.start > r.stop || r.stop > INT_MAX) return std::nullopt;
    return r;
}

// sscanf's "%d" / "%u": optional white space and sign, then digits.
bool scan_integer(std::string_view text, std::size_t& pos, long long& value) {
    while (pos < text.size() && (text[pos] == ' ' || text[pos] == '\t'))
        ++pos;
    bool negative = false;
    if (pos < text.size() && (text[pos] == '+' || text[pos] == '-')) {
        negative = text[pos] == '-';
        ++pos;
    }
    const std::size_t digits = pos;
    value = 0;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
        value = value * 10 + (text[pos] - '0');
        if (value > 0xFFFFFFFFLL) return false;
        ++pos;
    }
    if (pos == digits) return false;
    if (negative) value = -value;
    return true;
}

std::string nibbles(unsigned width, char mode, std::uint32_t value) {
    static constexpr char hex[] = "0123456789abcdef0123456789ABCDEF";
    std::string out;
    do {
        out += hex[(value & 0x0F) + (mode == 'n' ? 0 : 16)];
        value >>= 4;
        if (width > 0) --width;
        if (width > 0 || value != 0) {
            out += '.';
            if (width > 0) --width;
        }
    } while ((value != 0 || width > 0) && out.size() < number_buffer);
    return out;
}

// One expansion of lhs or rhs for iterator value `it`; empty `error` on success.
std::string generate_text(std::string_view pattern, int it, std::string& error) {
    std::string out;
    std::size_t i = 0;
    while (i < pattern.size()) {
        const char c = pattern[i];
        if (c == '\\') {
            out += c;
            ++i;
            if (i < pattern.size()) out += pattern[i++];
        } else if (c != '$') {
            out += c;
            ++i;
        } else {
            ++i;
            if (i < pattern.size() && pattern[i] == '$') {
                out += '$';
                ++i;
                continue;
            }
            long long delta = 0;
            long long width = 0;
            char mode = 'd';
            if (i < pattern.size() && pattern[i] == '{') {
                std::size_t pos = i + 1;
                if (!scan_integer(pattern, pos, delta) || delta < INT_MIN || delta > INT_MAX) {
                    error = "bad modifier in '" + std::string(pattern) +
                            "' (want ${offset[,width[,base]]})";
                    return {};
                }
                if (pos < pattern.size() && pattern[pos] == ',') {
                    ++pos;
                    if (scan_integer(pattern, pos, width)) {
                        if (width < 0) width += 0x100000000LL;  // %u takes "-1" as 2^32-1
                        if (pos < pattern.size() && pattern[pos] == ',' &&
                            pos + 1 < pattern.size() &&
                            std::string_view("doxXnN").find(pattern[pos + 1]) !=
                                std::string_view::npos) {
                            mode = pattern[pos + 1];
                        }
                    }
                }
                while (i < pattern.size() && pattern[i++] != '}') {
                }
            }
            if (it > 0 && delta > INT_MAX - it) {
                error = "offset " + std::to_string(delta) + " makes the value overflow";
                return {};
            }
            const int value = it + static_cast<int>(delta);
            std::string number;
            if (mode == 'n' || mode == 'N') {
                if (value < 0) {
                    error = "negative value " + std::to_string(value) + " in nibble mode";
                    return {};
                }
                number = width >= static_cast<long long>(number_buffer)
                             ? std::string(number_buffer, '0')
                             : nibbles(static_cast<unsigned>(width), mode,
                                       static_cast<std::uint32_t>(value));
            } else if (width < static_cast<long long>(number_buffer)) {
                char buffer[number_buffer];
                const int w = static_cast<int>(width);
                int n = 0;
                switch (mode) {
                    case 'o':
                        n = std::snprintf(buffer, sizeof buffer, "%0*o", w,
                                          static_cast<unsigned>(value));
                        break;
                    case 'x':
                        n = std::snprintf(buffer, sizeof buffer, "%0*x", w,
                                          static_cast<unsigned>(value));
                        break;
                    case 'X':
                        n = std::snprintf(buffer, sizeof buffer, "%0*X", w,
                                          static_cast<unsigned>(value));
                        break;
                    default:
                        n = std::snprintf(buffer, sizeof buffer, "%0*d", w, value);
                        break;
                }
                if (n > 0)
                    number.assign(buffer, std::min<std::size_t>(static_cast<std::size_t>(n),
                                                                sizeof buffer - 1));
            } else {
                number = std::string(number_buffer, '0');
            }
            if (number.size() >= number_buffer) {
                error = "width " + std::to_string(width) + " is too large";
                return {};
            }
            out += number;
        }
        if (out.size() > max_generated_text) {
            error = "generated text is longer than " + std::to_string(max_generated_text) +
                    " characters";
            return {};
        }
    }
    return out;
}

// BIND's lexer turns \" inside a quoted string into a plain quote.
std::string unquote_rhs(const wire::text_token& token) {
    std::string out(token.text);
    if (!token.quoted) return out;
    std::string result;
    for (std::size_t i = 0; i < out.size(); ++i) {
        if (out[i] == '\\' && i + 1 < out.size() && out[i + 1] == '"') continue;
        result += out[i];
    }
    return result;
}

}  // namespace

void handle_generate(parser_state& state, include_frame& frame, const logical_line& line,
                     const std::vector<wire::text_token>& tokens) {
    auto fail = [&](const std::string& message) {
        state.error(frame, line.line, "$GENERATE: " + message);
    };
    if (tokens.size() < 5) {
        fail(
            "too few fields; the form is '$GENERATE start-stop[/step] lhs [ttl] [class] type rhs'");
        return;
    }
    auto r = parse_range(tokens[1].text);
    if (!r) {
        fail("invalid range '" + std::string(tokens[1].text) +
             "' (want start-stop[/step], start <= stop)");
        return;
    }
    const std::string lhs(tokens[2].text);
    std::string error;
    const ttl_class_type head = read_ttl_class_type(tokens, 3, error);
    if (!error.empty()) {
        fail(error);
        return;
    }
    if (!check_type_and_class(head.type, head.rr_class, error)) {
        fail(error);
        return;
    }
    if (head.next >= tokens.size()) {
        fail("missing rhs");
        return;
    }
    if (head.next + 1 < tokens.size()) {
        fail("extra text after the rhs '" + std::string(tokens[head.next].text) +
             "' (quote an RDATA with spaces, e.g. \"10 mail$\")");
        return;
    }
    const std::string rhs = unquote_rhs(tokens[head.next]);
    const std::uint64_t count = (std::uint64_t{r->stop} - r->start) / r->step + 1;
    if (count > state.limits.max_generate_records) {
        fail("range " + std::string(tokens[1].text) + " would create " + std::to_string(count) +
             " records; at most " + std::to_string(state.limits.max_generate_records) +
             " are allowed");
        return;
    }
    for (std::uint64_t value = r->start; value <= r->stop && !state.stopped; value += r->step) {
        const int it = static_cast<int>(value);
        const std::string owner_text = generate_text(lhs, it, error);
        if (!error.empty()) {
            fail("lhs: " + error);
            return;
        }
        const std::string rdata_text = generate_text(rhs, it, error);
        if (!error.empty()) {
            fail("rhs: " + error);
            return;
        }
        auto owner = name_under_origin(owner_text, frame.origin, error);
        if (!owner) {
            fail("owner for " + std::to_string(value) + ": " + error);
            return;
        }
        auto data = rdata_under_origin(head.type, rdata_text, frame.origin);
        if (!data) {
            fail(wire::type_to_text(head.type) + " '" + rdata_text + "': " + data.error);
            return;
        }
        auto ttl = resolve_ttl(state, frame, line.line, head.ttl, head.type, *data.value);
        if (!ttl) return;
        add_record(state, frame, line.line,
                   wire::record{.owner = *owner,
                                .type = head.type,
                                .rr_class = wire::rr_class::in,
                                .ttl = *ttl,
                                .data = std::move(*data.value)},
                   true);
    }
}

}  // namespace residns::zone::detail
