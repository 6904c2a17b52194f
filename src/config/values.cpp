// Whole numbers and durations from scalar text, with messages that say how to write them right.
#include "residns/config/values.hpp"

#include <array>
#include <cctype>

namespace residns::config {
namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }

std::string quoted(std::string_view text) { return "'" + std::string(text) + "'"; }

struct duration_unit {
    std::string_view name;
    std::int64_t milliseconds;
};

// Largest first: the order parts must be written in, and the order format_duration uses.
constexpr std::array<duration_unit, 5> duration_units{{
    {"d", 86'400'000},
    {"h", 3'600'000},
    {"m", 60'000},
    {"s", 1'000},
    {"ms", 1},
}};

// Ten years: far above any sensible setting, far below overflow.
constexpr std::int64_t max_duration_ms = 10LL * 365 * 86'400'000;

}  // namespace

parse_result<std::uint64_t> parse_unsigned(std::string_view text, std::uint64_t min,
                                           std::uint64_t max) {
    const auto range = std::to_string(min) + ".." + std::to_string(max);
    if (text.empty()) return {.value = {}, .error = "expected a whole number " + range};
    if (text.front() == '-' || text.front() == '+') {
        return {.value = {}, .error = quoted(text) + ": write the number without a sign (" + range + ")"};
    }
    for (const char c : text) {
        if (!is_digit(c)) {
            return {.value = {},
                    .error = quoted(text) + " is not a decimal whole number (expected " + range + ")"};
        }
    }
    if (text.size() > 1 && text.front() == '0') {
        return {.value = {},
                .error = quoted(text) + " has a leading zero; write it without (numbers are decimal, " +
                         "never octal)"};
    }
    std::uint64_t value = 0;
    for (const char c : text) {
        const auto digit = static_cast<std::uint64_t>(c - '0');
        if (value > max / 10 || (value == max / 10 && digit > max % 10)) {
            return {.value = {}, .error = quoted(text) + " is out of range " + range};
        }
        value = value * 10 + digit;
    }
    if (value < min) return {.value = {}, .error = quoted(text) + " is out of range " + range};
    return {.value = value, .error = {}};
}

parse_result<std::chrono::milliseconds> parse_duration(std::string_view text) {
    constexpr std::string_view units_hint = " (units: ms, s, m, h, d; e.g. 500ms, 10s, 1m30s)";
    if (text.empty()) return {.value = {}, .error = "expected a duration such as 10s"};
    if (text.front() == '-') {
        return {.value = {}, .error = quoted(text) + ": a duration cannot be negative"};
    }
    std::size_t digits_only = 0;
    while (digits_only < text.size() && is_digit(text[digits_only])) ++digits_only;
    if (digits_only == text.size()) {
        return {.value = {}, .error = quoted(text) + " needs a unit, e.g. " + std::string(text) +
                                      "s" + std::string(units_hint)};
    }

    std::int64_t total = 0;
    std::size_t next_unit = 0;  // index into duration_units of the largest unit still allowed
    std::size_t i = 0;
    while (i < text.size()) {
        const std::size_t number_start = i;
        std::int64_t number = 0;
        while (i < text.size() && is_digit(text[i])) {
            number = number * 10 + (text[i] - '0');
            if (number > max_duration_ms) {
                return {.value = {}, .error = quoted(text) + " is too long a duration"};
            }
            ++i;
        }
        if (i == number_start) {
            return {.value = {}, .error = quoted(text) + " is not a duration: expected a number at " +
                                          quoted(text.substr(i)) + std::string(units_hint)};
        }
        if (i < text.size() && (text[i] == '.' || text[i] == ',')) {
            return {.value = {}, .error = quoted(text) +
                                          ": fractions are not supported; use a smaller unit, e.g. "
                                          "1500ms instead of 1.5s"};
        }
        const std::size_t unit_start = i;
        while (i < text.size() && std::isalpha(static_cast<unsigned char>(text[i])) != 0) ++i;
        const auto unit = text.substr(unit_start, i - unit_start);
        if (unit.empty()) {
            if (i == text.size()) {
                return {.value = {}, .error = quoted(text) + ": the last number needs a unit" +
                                              std::string(units_hint)};
            }
            return {.value = {}, .error = quoted(text) + " is not a duration: unexpected " +
                                          quoted(text.substr(i, 1)) + std::string(units_hint)};
        }
        std::size_t u = 0;
        while (u < duration_units.size() && duration_units[u].name != unit) ++u;
        if (u == duration_units.size()) {
            return {.value = {}, .error = "unknown unit " + quoted(unit) + " in " + quoted(text) +
                                          std::string(units_hint)};
        }
        if (u < next_unit) {
            return {.value = {}, .error = quoted(text) +
                                          ": write each unit once, from the largest to the "
                                          "smallest, e.g. 1m30s"};
        }
        next_unit = u + 1;
        total += number * duration_units[u].milliseconds;
        if (total > max_duration_ms) {
            return {.value = {}, .error = quoted(text) + " is too long a duration"};
        }
    }
    return {.value = std::chrono::milliseconds{total}, .error = {}};
}

std::string format_duration(std::chrono::milliseconds d) {
    auto rest = d.count();
    if (rest <= 0) return "0s";
    std::string out;
    for (const auto& unit : duration_units) {
        if (rest >= unit.milliseconds) {
            out += std::to_string(rest / unit.milliseconds);
            out += unit.name;
            rest %= unit.milliseconds;
        }
    }
    return out;
}

}  // namespace residns::config
