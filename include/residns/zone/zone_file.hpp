// Reading RFC 1035 master files the way BIND's named loads them: $ORIGIN, $TTL, $INCLUDE,
// $GENERATE, omitted owner/TTL/class inherited as named does, parentheses, comments, quoted
// strings, TTL units and every RDATA type the wire module knows; then named's zone checks
// (one SOA at the apex, NS at the apex, CNAME and other data, singleton types, duplicates
// collapsed, one TTL per RRset). Never throws on any input: problems come back as errors (the
// zone is refused) or warnings (it loads), each with file and line.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "residns/wire/name.hpp"
#include "residns/zone/zone_source.hpp"

namespace residns::zone {

// Bounds that keep a hostile or broken file from exhausting memory or time.
struct zone_file_limits {
    std::size_t max_records = 1'000'000;         // per zone, $INCLUDE and $GENERATE included
    std::size_t max_generate_records = 65'536;   // per $GENERATE line
    std::size_t max_include_depth = 16;          // nested $INCLUDE
    std::size_t max_line_length = 256 * 1024;    // one logical line (parentheses joined)
    std::size_t max_errors = 100;                // reading stops after this many errors
    std::uint64_t max_file_size = 512ull << 20;  // per file
};

struct zone_file_result {
    std::optional<zone_source> zone;  // empty when there is any error
    std::vector<source_error> errors;
    std::vector<source_error> warnings;
};

// Gives the contents of the file an $INCLUDE names. `path` is already resolved against the
// including file's directory. nullopt with `error` set when it cannot be read.
using include_reader =
    std::function<std::optional<std::string>(const std::string& path, std::string& error)>;

// Reads included files from the file system.
include_reader includes_from_disk(const zone_file_limits& limits = {});
// Refuses every $INCLUDE (for text that must be self-contained).
include_reader no_includes();

// The apex is `origin` when given, else the file's first $ORIGIN; without either the zone is an
// error. Relative $INCLUDE paths resolve against the directory of `path`.
zone_file_result read_zone_file(const std::string& path, const std::optional<wire::name>& origin,
                                const zone_file_limits& limits = {});

// The same from text; `file_name` is used in messages and as the base of relative $INCLUDE
// paths, which `includes` reads.
zone_file_result read_zone_text(std::string_view text, const std::string& file_name,
                                const std::optional<wire::name>& origin,
                                const include_reader& includes,
                                const zone_file_limits& limits = {});

}  // namespace residns::zone
