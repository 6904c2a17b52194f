// Helpers for the zone-file, hosts-file and config-record reader tests: reading zone text with
// in-memory $INCLUDE files, and finding an error or warning by line and words.
#pragma once

#include <algorithm>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>

#include "residns/wire/name.hpp"
#include "residns/wire/record.hpp"
#include "residns/zone/zone_file.hpp"

namespace residns::zone::test {

inline wire::name n(std::string_view text) {
    auto value = wire::name::from_text(text);
    EXPECT_TRUE(value.has_value()) << text;
    return value.value_or(wire::name{});
}

// $INCLUDE files by their resolved path.
inline include_reader includes_from(std::map<std::string, std::string> files) {
    return [files = std::move(files)](const std::string& path,
                                      std::string& error) -> std::optional<std::string> {
        auto it = files.find(path);
        if (it == files.end()) {
            error = "No such file or directory";
            return std::nullopt;
        }
        return it->second;
    };
}

inline zone_file_result read_text(std::string_view text,
                                  std::optional<std::string_view> origin = "example.",
                                  const include_reader& includes = no_includes(),
                                  const zone_file_limits& limits = {}) {
    std::optional<wire::name> apex;
    if (origin) apex = n(*origin);
    return read_zone_text(text, "zones/test.zone", apex, includes, limits);
}

// The records as "owner ttl class type rdata" lines, in the reader's order.
inline std::vector<std::string> lines_of(const std::vector<located_record>& records) {
    std::vector<std::string> out;
    for (const located_record& rec : records) {
        std::string text = wire::record_to_text(rec.rr);
        std::ranges::replace(text, '\t', ' ');
        out.push_back(text);
    }
    return out;
}

inline std::vector<std::string> lines_of(const zone_file_result& result) {
    return result.zone ? lines_of(result.zone->records) : std::vector<std::string>{};
}

inline bool contains_record(const std::vector<std::string>& lines, std::string_view line) {
    return std::ranges::find(lines, line) != lines.end();
}

// True when one of `problems` is at file:line and its message contains `words`.
inline bool has_problem(const std::vector<source_error>& problems, const std::string& file,
                        std::size_t line, std::string_view words) {
    return std::ranges::any_of(problems, [&](const source_error& e) {
        return e.where.file == file && e.where.line == line &&
               e.message.find(words) != std::string::npos;
    });
}

inline std::string all_text(const std::vector<source_error>& problems) {
    std::string out;
    for (const source_error& e : problems)
        out += e.to_string() + "\n";
    return out;
}

inline const std::string test_file = "zones/test.zone";

// Start of a valid zone "example." with $TTL 300 (5 lines).
inline constexpr std::string_view zone_head =
    "$TTL 300\n"
    "@ SOA ns hostmaster 1 3600 600 86400 120\n"
    "  NS ns\n"
    "ns A 192.0.2.1\n"
    "; end of head\n";

// zone_head followed by `body`.
inline std::string zone(std::string_view body) {
    return std::string(zone_head) + std::string(body);
}

}  // namespace residns::zone::test
