// Whole numbers and durations from scalar text, with messages that say how to write them right.
#include "residns/config/values.hpp"

#include <array>

#include "text.hpp"

namespace residns::config {
namespace {

using detail::cat;
using detail::quoted;

bool is_digit(char c) {
    return c >= '0' && c <= '9';
}
bool is_letter(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

template <class T>
parse_result<T> fail(std::string_view message) {
    parse_result<T> result;
    result.error = message;
    return result;
}

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

constexpr std::string_view units_hint = " (units: ms, s, m, h, d; e.g. 500ms, 10s, 1m30s)";

}  // namespace

parse_result<std::uint64_t> parse_unsigned(std::string_view text, std::uint64_t min,
                                           std::uint64_t max) {
    using result = parse_result<std::uint64_t>;
    const auto range = cat({std::to_string(min), "..", std::to_string(max)});
    if (text.empty()) return fail<std::uint64_t>(cat({"expected a whole number ", range}));
    if (text.front() == '-' || text.front() == '+') {
        return fail<std::uint64_t>(
            cat({quoted(text), ": write the number without a sign (", range, ")"}));
    }
    for (const char c : text) {
        if (!is_digit(c)) {
            return fail<std::uint64_t>(
                cat({quoted(text), " is not a decimal whole number (expected ", range, ")"}));
        }
    }
    if (text.size() > 1 && text.front() == '0') {
        return fail<std::uint64_t>(cat({quoted(text),
                                        " has a leading zero; write it without (numbers are "
                                        "decimal, never octal)"}));
    }
    const auto out_of_range = [&] {
        return fail<std::uint64_t>(cat({quoted(text), " is out of range ", range}));
    };
    std::uint64_t value = 0;
    for (const char c : text) {
        const auto digit = static_cast<std::uint64_t>(c - '0');
        if (value > max / 10 || (value == max / 10 && digit > max % 10)) return out_of_range();
        value = value * 10 + digit;
    }
    if (value < min) return out_of_range();
    return result{.value = value, .error = {}};
}

parse_result<std::chrono::milliseconds> parse_duration(std::string_view text) {
    using ms = std::chrono::milliseconds;
    if (text.empty()) return fail<ms>("expected a duration such as 10s");
    if (text.front() == '-')
        return fail<ms>(cat({quoted(text), ": a duration cannot be negative"}));
    std::size_t digits_only = 0;
    while (digits_only < text.size() && is_digit(text[digits_only]))
        ++digits_only;
    if (digits_only == text.size()) {
        return fail<ms>(cat({quoted(text), " needs a unit, e.g. ", text, "s", units_hint}));
    }

    const auto too_long = [&] { return fail<ms>(cat({quoted(text), " is too long a duration"})); };
    std::int64_t total = 0;
    std::size_t next_unit = 0;  // index into duration_units of the largest unit still allowed
    std::size_t i = 0;
    while (i < text.size()) {
        const std::size_t number_start = i;
        std::int64_t number = 0;
        while (i < text.size() && is_digit(text[i])) {
            number = number * 10 + (text[i] - '0');
            if (number > max_duration_ms) return too_long();
            ++i;
        }
        if (i == number_start) {
            return fail<ms>(cat({quoted(text), " is not a duration: expected a number at ",
                                 quoted(text.substr(i)), units_hint}));
        }
        if (i < text.size() && (text[i] == '.' || text[i] == ',')) {
            return fail<ms>(cat({quoted(text),
                                 ": fractions are not supported; use a smaller unit, e.g. 1500ms "
                                 "instead of 1.5s"}));
        }
        const std::size_t unit_start = i;
        while (i < text.size() && is_letter(text[i]))
            ++i;
        const auto unit = text.substr(unit_start, i - unit_start);
        if (unit.empty()) {
            if (i == text.size()) {
                return fail<ms>(cat({quoted(text), ": the last number needs a unit", units_hint}));
            }
            return fail<ms>(cat({quoted(text), " is not a duration: unexpected ",
                                 quoted(text.substr(i, 1)), units_hint}));
        }
        std::size_t u = 0;
        while (u < duration_units.size() && duration_units[u].name != unit)
            ++u;
        if (u == duration_units.size()) {
            return fail<ms>(cat({"unknown unit ", quoted(unit), " in ", quoted(text), units_hint}));
        }
        if (u < next_unit) {
            return fail<ms>(cat({quoted(text),
                                 ": write each unit once, from the largest to the smallest, e.g. "
                                 "1m30s"}));
        }
        next_unit = u + 1;
        if (number > max_duration_ms / duration_units[u].milliseconds) return too_long();
        total += number * duration_units[u].milliseconds;
        if (total > max_duration_ms) return too_long();
    }
    return {.value = ms{total}, .error = {}};
}

parse_result<std::uint64_t> parse_size(std::string_view text, std::uint64_t min,
                                       std::uint64_t max) {
    constexpr std::string_view hint = " (a number of bytes, or with a unit: 512KiB, 64MiB, 1GiB)";
    std::size_t digits = 0;
    while (digits < text.size() && is_digit(text[digits]))
        ++digits;
    if (digits == 0) return fail<std::uint64_t>(cat({quoted(text), " is not a size", hint}));
    const auto unit = text.substr(digits);
    std::uint64_t multiplier = 1;
    if (unit == "KiB") {
        multiplier = std::uint64_t{1} << 10;
    } else if (unit == "MiB") {
        multiplier = std::uint64_t{1} << 20;
    } else if (unit == "GiB") {
        multiplier = std::uint64_t{1} << 30;
    } else if (!unit.empty()) {
        return fail<std::uint64_t>(
            cat({"unknown unit ", quoted(unit), " in ", quoted(text), hint}));
    }
    const auto number = parse_unsigned(text.substr(0, digits), 0, max / multiplier);
    const auto range = cat({std::to_string(min), "..", std::to_string(max), " bytes"});
    if (!number) {
        if (number.error.find("out of range") != std::string::npos) {
            return fail<std::uint64_t>(cat({quoted(text), " is out of range ", range}));
        }
        return fail<std::uint64_t>(cat({quoted(text), ": ", number.error}));
    }
    const std::uint64_t value = *number * multiplier;
    if (value < min) return fail<std::uint64_t>(cat({quoted(text), " is out of range ", range}));
    return {.value = value, .error = {}};
}

parse_result<bool> parse_bool(std::string_view text) {
    if (text == "true") return {.value = true, .error = {}};
    if (text == "false") return {.value = false, .error = {}};
    return fail<bool>(cat({quoted(text), " is not a boolean; write true or false"}));
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
