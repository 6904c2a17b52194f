// Presentation-format primitives: tokens, escapes, base64/base32hex/hex, times and TTLs.
#include "residns/wire/presentation.hpp"

#include <array>

namespace residns::wire {
namespace {

bool is_space(char c) {
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}
bool is_digit(char c) {
    return c >= '0' && c <= '9';
}

constexpr char base64_alphabet[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
constexpr char base32hex_alphabet[] = "0123456789ABCDEFGHIJKLMNOPQRSTUV";
constexpr char hex_digits[] = "0123456789ABCDEF";

int base64_value(char c) {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
}

int base32hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'A' && c <= 'V') return c - 'A' + 10;
    if (c >= 'a' && c <= 'v') return c - 'a' + 10;
    return -1;
}

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
}

// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
    y -= m <= 2;
    const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
    const auto yoe = static_cast<unsigned>(y - era * 400);
    const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

void civil_from_days(std::int64_t z, std::int64_t& y, unsigned& m, unsigned& d) {
    z += 719468;
    const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    const auto doe = static_cast<unsigned>(z - era * 146097);
    const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    const unsigned mp = (5 * doy + 2) / 153;
    d = doy - (153 * mp + 2) / 5 + 1;
    m = mp < 10 ? mp + 3 : mp - 9;
    y = static_cast<std::int64_t>(yoe) + era * 400 + (m <= 2);
}

unsigned days_in_month(std::int64_t y, unsigned m) {
    static constexpr std::array<unsigned, 12> days{31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return m == 2 && leap ? 29 : days[m - 1];
}

}  // namespace

bool tokenize(std::string_view text, std::vector<text_token>& out, std::string& error) {
    std::size_t pos = 0;
    const std::size_t n = text.size();
    // Moves `pos` from an opening quote to just past its closing quote.
    auto skip_quoted = [&]() -> bool {
        ++pos;
        while (pos < n && text[pos] != '"')
            pos += text[pos] == '\\' ? 2 : 1;
        if (pos >= n) {
            error = "unterminated quoted string";
            return false;
        }
        ++pos;
        return true;
    };
    while (pos < n) {
        char c = text[pos];
        if (is_space(c) || c == '(' || c == ')') {
            ++pos;
        } else if (c == ';') {
            while (pos < n && text[pos] != '\n')
                ++pos;
        } else if (c == '"') {
            std::size_t start = pos + 1;
            if (!skip_quoted()) return false;
            out.push_back({text.substr(start, pos - 1 - start), true});
        } else {
            std::size_t start = pos;
            while (pos < n) {
                c = text[pos];
                if (is_space(c) || c == '(' || c == ')' || c == ';') break;
                if (c == '\\') {
                    pos = std::min(n, pos + 2);
                } else if (c == '"') {
                    if (!skip_quoted()) return false;
                } else {
                    ++pos;
                }
            }
            out.push_back({text.substr(start, pos - start), false});
        }
    }
    return true;
}

bool decode_escaped(std::string_view raw, std::vector<std::uint8_t>& out, std::size_t max_length) {
    std::size_t count = 0;
    for (std::size_t i = 0; i < raw.size(); ++i) {
        auto c = static_cast<std::uint8_t>(raw[i]);
        if (c == '\\') {
            if (i + 1 >= raw.size()) return false;
            if (is_digit(raw[i + 1])) {
                if (i + 3 >= raw.size()) return false;
                if (!is_digit(raw[i + 2]) || !is_digit(raw[i + 3])) return false;
                unsigned value = static_cast<unsigned>(raw[i + 1] - '0') * 100 +
                                 static_cast<unsigned>(raw[i + 2] - '0') * 10 +
                                 static_cast<unsigned>(raw[i + 3] - '0');
                if (value > 255) return false;
                c = static_cast<std::uint8_t>(value);
                i += 3;
            } else {
                c = static_cast<std::uint8_t>(raw[i + 1]);
                i += 1;
            }
        }
        if (++count > max_length) return false;
        out.push_back(c);
    }
    return true;
}

void append_escaped(std::span<const std::uint8_t> octets, std::string& out) {
    for (std::uint8_t c : octets) {
        if (c == '"' || c == '\\') {
            out.push_back('\\');
            out.push_back(static_cast<char>(c));
        } else if (c < 0x20 || c >= 0x7F) {
            out.push_back('\\');
            out.push_back(static_cast<char>('0' + c / 100));
            out.push_back(static_cast<char>('0' + (c / 10) % 10));
            out.push_back(static_cast<char>('0' + c % 10));
        } else {
            out.push_back(static_cast<char>(c));
        }
    }
}

void append_quoted(std::span<const std::uint8_t> octets, std::string& out) {
    out.push_back('"');
    append_escaped(octets, out);
    out.push_back('"');
}

std::string to_base64(std::span<const std::uint8_t> octets) {
    std::string text;
    text.reserve((octets.size() + 2) / 3 * 4);
    std::size_t i = 0;
    for (; i + 3 <= octets.size(); i += 3) {
        std::uint32_t v =
            (std::uint32_t{octets[i]} << 16) | (std::uint32_t{octets[i + 1]} << 8) | octets[i + 2];
        text.push_back(base64_alphabet[(v >> 18) & 63]);
        text.push_back(base64_alphabet[(v >> 12) & 63]);
        text.push_back(base64_alphabet[(v >> 6) & 63]);
        text.push_back(base64_alphabet[v & 63]);
    }
    std::size_t rest = octets.size() - i;
    if (rest > 0) {
        std::uint32_t v = std::uint32_t{octets[i]} << 16;
        if (rest == 2) v |= std::uint32_t{octets[i + 1]} << 8;
        text.push_back(base64_alphabet[(v >> 18) & 63]);
        text.push_back(base64_alphabet[(v >> 12) & 63]);
        text.push_back(rest == 2 ? base64_alphabet[(v >> 6) & 63] : '=');
        text.push_back('=');
    }
    return text;
}

bool from_base64(std::string_view text, std::vector<std::uint8_t>& out) {
    if (text.size() % 4 != 0) return false;
    for (std::size_t i = 0; i < text.size(); i += 4) {
        bool last = i + 4 == text.size();
        int pad = 0;
        if (last && text[i + 3] == '=') pad = text[i + 2] == '=' ? 2 : 1;
        std::uint32_t v = 0;
        for (int k = 0; k < 4; ++k) {
            int value = 0;
            if (k >= 4 - pad) {
                value = 0;
            } else {
                value = base64_value(text[i + static_cast<std::size_t>(k)]);
                if (value < 0) return false;
            }
            v = (v << 6) | static_cast<std::uint32_t>(value);
        }
        // Bits dropped by the padding must be zero (canonical encoding).
        if ((pad == 1 && (v & 0xFF) != 0) || (pad == 2 && (v & 0xFFFF) != 0)) return false;
        out.push_back(static_cast<std::uint8_t>(v >> 16));
        if (pad < 2) out.push_back(static_cast<std::uint8_t>(v >> 8));
        if (pad < 1) out.push_back(static_cast<std::uint8_t>(v));
    }
    return true;
}

std::string to_base32hex(std::span<const std::uint8_t> octets) {
    std::string text;
    std::uint32_t buffer = 0;
    int bits = 0;
    for (std::uint8_t octet : octets) {
        buffer = (buffer << 8) | octet;
        bits += 8;
        while (bits >= 5) {
            bits -= 5;
            text.push_back(base32hex_alphabet[(buffer >> bits) & 31]);
        }
    }
    if (bits > 0) text.push_back(base32hex_alphabet[(buffer << (5 - bits)) & 31]);
    return text;
}

bool from_base32hex(std::string_view text, std::vector<std::uint8_t>& out) {
    switch (text.size() % 8) {
        case 1:
        case 3:
        case 6:
            return false;
        default:
            break;
    }
    std::uint32_t buffer = 0;
    int bits = 0;
    for (char c : text) {
        int value = base32hex_value(c);
        if (value < 0) return false;
        buffer = (buffer << 5) | static_cast<std::uint32_t>(value);
        bits += 5;
        if (bits >= 8) {
            bits -= 8;
            out.push_back(static_cast<std::uint8_t>(buffer >> bits));
        }
    }
    return (buffer & ((1u << bits) - 1)) == 0;
}

std::string to_hex(std::span<const std::uint8_t> octets) {
    std::string text;
    text.reserve(octets.size() * 2);
    for (std::uint8_t octet : octets) {
        text.push_back(hex_digits[octet >> 4]);
        text.push_back(hex_digits[octet & 15]);
    }
    return text;
}

bool from_hex(std::string_view text, std::vector<std::uint8_t>& out) {
    if (text.size() % 2 != 0) return false;
    for (std::size_t i = 0; i < text.size(); i += 2) {
        int hi = hex_value(text[i]);
        int lo = hex_value(text[i + 1]);
        if (hi < 0 || lo < 0) return false;
        out.push_back(static_cast<std::uint8_t>((hi << 4) | lo));
    }
    return true;
}

std::string time_to_text(std::uint32_t seconds) {
    std::int64_t days = seconds / 86400;
    std::uint32_t rest = seconds % 86400;
    std::int64_t y = 0;
    unsigned m = 0;
    unsigned d = 0;
    civil_from_days(days, y, m, d);
    char buf[16];
    auto put = [&](std::size_t at, std::uint64_t value, std::size_t width) {
        for (std::size_t k = width; k > 0; --k) {
            buf[at + k - 1] = static_cast<char>('0' + value % 10);
            value /= 10;
        }
    };
    put(0, static_cast<std::uint64_t>(y), 4);
    put(4, m, 2);
    put(6, d, 2);
    put(8, rest / 3600, 2);
    put(10, (rest / 60) % 60, 2);
    put(12, rest % 60, 2);
    return std::string(buf, 14);
}

std::optional<std::uint32_t> time_from_text(std::string_view text) {
    if (text.size() != 14) return number_from_text(text, 0xFFFFFFFFu);
    for (char c : text) {
        if (!is_digit(c)) return std::nullopt;
    }
    auto field = [&](std::size_t at, std::size_t width) {
        unsigned value = 0;
        for (std::size_t k = 0; k < width; ++k)
            value = value * 10 + static_cast<unsigned>(text[at + k] - '0');
        return value;
    };
    std::int64_t y = field(0, 4);
    unsigned m = field(4, 2), d = field(6, 2), hh = field(8, 2), mm = field(10, 2),
             ss = field(12, 2);
    if (y < 1970 || m < 1 || m > 12 || d < 1 || d > days_in_month(y, m) || hh > 23 || mm > 59 ||
        ss > 59) {
        return std::nullopt;
    }
    std::int64_t t = days_from_civil(y, m, d) * 86400 + hh * 3600 + mm * 60 + ss;
    return static_cast<std::uint32_t>(static_cast<std::uint64_t>(t) & 0xFFFFFFFFu);
}

std::optional<std::uint32_t> number_from_text(std::string_view text, std::uint32_t max) {
    if (text.empty() || text.size() > 10) return std::nullopt;
    std::uint64_t value = 0;
    for (char c : text) {
        if (!is_digit(c)) return std::nullopt;
        value = value * 10 + static_cast<std::uint64_t>(c - '0');
    }
    if (value > max) return std::nullopt;
    return static_cast<std::uint32_t>(value);
}

std::optional<std::uint32_t> ttl_from_text(std::string_view text) {
    if (text.empty()) return std::nullopt;
    std::uint64_t total = 0;
    std::uint64_t current = 0;
    bool have_digits = false;
    bool had_unit = false;
    for (char c : text) {
        if (is_digit(c)) {
            current = current * 10 + static_cast<std::uint64_t>(c - '0');
            if (current > 0xFFFFFFFFu) return std::nullopt;
            have_digits = true;
            continue;
        }
        if (!have_digits) return std::nullopt;
        std::uint64_t unit = 0;
        switch (c) {
            case 's':
            case 'S':
                unit = 1;
                break;
            case 'm':
            case 'M':
                unit = 60;
                break;
            case 'h':
            case 'H':
                unit = 3600;
                break;
            case 'd':
            case 'D':
                unit = 86400;
                break;
            case 'w':
            case 'W':
                unit = 604800;
                break;
            default:
                return std::nullopt;
        }
        total += current * unit;
        if (total > 0xFFFFFFFFu) return std::nullopt;
        current = 0;
        have_digits = false;
        had_unit = true;
    }
    if (have_digits)
        total += current;  // trailing seconds without a unit ("1h30")
    else if (!had_unit)
        return std::nullopt;
    if (total > 0xFFFFFFFFu) return std::nullopt;
    return static_cast<std::uint32_t>(total);
}

}  // namespace residns::wire
