// Internal: the keys that become cache::settings (size bound, TTL clamps, serve-stale, prefetch,
// the snapshot file for a warm restart).
#include <array>

#include "sections.hpp"
#include "text.hpp"

namespace residns::config::detail {
namespace {

using std::chrono::hours;
using std::chrono::milliseconds;
using std::chrono::seconds;

constexpr std::uint64_t min_cache_bytes = std::uint64_t{64} << 10;
constexpr std::uint64_t max_cache_bytes = std::uint64_t{1} << 40;

// A duration in whole seconds within [min, max], stored in `out` (seconds) only if valid.
void read_seconds(const field& value, reader& r, seconds min, seconds max, std::uint32_t& out) {
    milliseconds parsed{-1};  // read_duration stores only a valid value
    read_duration(value, r, min, max, parsed);
    if (parsed.count() < 0) return;
    if (parsed.count() % 1000 != 0) {
        return r.error(value, cat({quoted(value.node.Scalar()),
                                   ": cache times are whole seconds (e.g. 2s, not 1500ms)"}));
    }
    out = static_cast<std::uint32_t>(parsed.count() / 1000);
}

void read_max_bytes(const field& value, reader& r, cache::settings& out) {
    const auto text = read_scalar(value, r, "a size such as 64MiB");
    if (!text) return;
    const auto parsed = parse_size(*text, min_cache_bytes, max_cache_bytes);
    if (!parsed) return r.error(value, parsed.error);
    out.max_bytes = static_cast<std::size_t>(*parsed);
}

void read_min_ttl(const field& value, reader& r, cache::settings& out) {
    read_seconds(value, r, seconds{0}, hours{24}, out.min_ttl);
}

void read_max_ttl(const field& value, reader& r, cache::settings& out) {
    read_seconds(value, r, seconds{1}, hours{24 * 7}, out.max_ttl);
}

void read_negative_max_ttl(const field& value, reader& r, cache::settings& out) {
    read_seconds(value, r, seconds{0}, hours{24}, out.negative_max_ttl);
}

void read_servfail_ttl(const field& value, reader& r, cache::settings& out) {
    read_seconds(value, r, seconds{0}, std::chrono::minutes{5}, out.servfail_ttl);
}

void read_stale_max_age(const field& value, reader& r, cache::settings& out) {
    read_seconds(value, r, seconds{0}, hours{24 * 7}, out.stale_max_age);
}

void read_serve_stale(const field& value, reader& r, cache::settings& out) {
    read_bool(value, r, out.serve_stale);
}

void read_prefetch(const field& value, reader& r, cache::settings& out) {
    read_bool(value, r, out.prefetch);
}

void read_minimal_responses(const field& value, reader& r, cache::settings& out) {
    read_bool(value, r, out.minimal_responses);
}

void read_snapshot_file(const field& value, reader& r, cache::settings& out) {
    const auto text = read_scalar(value, r, "a file path such as /var/lib/residns/cache.snapshot");
    if (!text) return;
    // The daemon may chdir (daemonized) and restarts from anywhere: no relative paths.
    if (!text->empty() && text->front() != '/') {
        return r.error(value, cat({quoted(*text),
                                   ": an absolute path such as /var/lib/residns/cache.snapshot "
                                   "(or \"\" for none)"}));
    }
    out.snapshot_file = *text;
}

void read_snapshot_interval(const field& value, reader& r, cache::settings& out) {
    std::uint32_t interval = 0;
    read_seconds(value, r, seconds{0}, hours{24}, interval);
    out.snapshot_interval = seconds{interval};
}

constexpr std::array<key_spec<cache::settings>, 11> cache_keys{{
    {"max_bytes", read_max_bytes},
    {"min_ttl", read_min_ttl},
    {"max_ttl", read_max_ttl},
    {"negative_max_ttl", read_negative_max_ttl},
    {"servfail_ttl", read_servfail_ttl},
    {"serve_stale", read_serve_stale},
    {"stale_max_age", read_stale_max_age},
    {"prefetch", read_prefetch},
    {"minimal_responses", read_minimal_responses},
    {"snapshot_file", read_snapshot_file},
    {"snapshot_interval", read_snapshot_interval},
}};

}  // namespace

void read_cache(const field& value, reader& r, cache::settings& out) {
    const auto seen = read_map(value, r, cache_keys, out);
    if (out.min_ttl > out.max_ttl) {
        const field* at = seen.find("min_ttl");
        if (at == nullptr) at = seen.find("max_ttl");
        if (at == nullptr) return;
        r.error(at->mark,
                cat({"cache: min_ttl (", std::to_string(out.min_ttl),
                     "s) must not be larger than max_ttl (", std::to_string(out.max_ttl), "s)"}));
    }
}

}  // namespace residns::config::detail
