// Scalar text of the config file to values: whole numbers and durations. The loader reads numbers
// from the text itself because yaml-cpp 0.7 would take `053` as octal 43. Also usable by a command
// line that accepts the same formats.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace residns::config {

// A value, or why the text is not one (a sentence fragment without the key name, e.g.
// "'10' needs a unit, e.g. 10s").
template <class T>
struct parse_result {
    std::optional<T> value;
    std::string error;

    explicit operator bool() const { return value.has_value(); }
    const T& operator*() const { return *value; }
};

// A decimal whole number in [min, max]: digits only, no sign, no leading zero (so `053` is an
// error instead of a silent 53 or 43).
parse_result<std::uint64_t> parse_unsigned(std::string_view text, std::uint64_t min,
                                           std::uint64_t max);

// A duration: one or more <number><unit> parts with units ms, s, m, h, d from the largest to the
// smallest, each once: "500ms", "10s", "1m30s", "1d12h". A bare number is an error.
parse_result<std::chrono::milliseconds> parse_duration(std::string_view text);

// A size in bytes in [min, max]: a whole number of bytes, or a number with one of the units KiB,
// MiB, GiB (powers of 1024): "65536", "512KiB", "64MiB", "1GiB".
parse_result<std::uint64_t> parse_size(std::string_view text, std::uint64_t min, std::uint64_t max);

// A boolean: true or false (lower case, as YAML 1.2 writes them).
parse_result<bool> parse_bool(std::string_view text);

// The shortest text parse_duration reads back as `d` (d >= 0): 90000ms -> "1m30s", 0 -> "0s".
std::string format_duration(std::chrono::milliseconds d);

}  // namespace residns::config
