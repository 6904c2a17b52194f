// libFuzzer target for cache snapshots, which are read back from disk and so are untrusted input.
// The input is the first byte an entry count, then the entries section; the target wraps it in
// a valid header and checksum so that the entry checks, not the checksum, are what is fuzzed
// (the input as a whole file is loaded too). What must hold: nothing crashes; every entry the
// cache then holds reads back as a valid packet; and a snapshot of that cache loads back whole
// (whatever the cache accepted once, it accepts again).
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <span>
#include <vector>

#include "residns/cache/answer_cache.hpp"
#include "residns/cache/snapshot.hpp"
#include "residns/wire/packet_index.hpp"

namespace {

using namespace residns;

constexpr std::uint64_t upstreams = 42;
constexpr std::int64_t written_at = 1'700'000'000;

[[noreturn]] void fail(const char* what) {
    std::fprintf(stderr, "fuzz_cache_snapshot: %s\n", what);
    std::abort();
}

cache::settings small() {
    cache::settings s;
    s.max_bytes = 256 * 1024;
    s.shards = 2;
    return s;
}

cache::time_point at(std::int64_t seconds) {
    return cache::time_point{std::chrono::seconds{seconds}};
}

void put_be(std::vector<std::uint8_t>& out, std::uint64_t v, int bytes) {
    for (int i = bytes - 1; i >= 0; --i)
        out.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
}

std::vector<std::uint8_t> wrap(std::span<const std::uint8_t> data) {
    std::vector<std::uint8_t> out{'R', 'E', 'S', 'I', 'D', 'N', 'S', 'C'};
    put_be(out, cache::snapshot_version, 4);
    put_be(out, data.empty() ? 0 : data[0], 4);
    put_be(out, upstreams, 8);
    put_be(out, static_cast<std::uint64_t>(written_at), 8);
    if (!data.empty()) out.insert(out.end(), data.begin() + 1, data.end());
    put_be(out, cache::snapshot_checksum(out), 8);
    return out;
}

void check_entries(const cache::answer_cache& c, std::int64_t now) {
    static std::vector<std::uint8_t> packet(0x10000 + 512);
    c.for_each(at(now), [](const cache::entry_view& e) {
        const std::size_t n = cache::write_entry_packet(e, e.age, packet);
        wire::packet_index index;
        if (n == 0 || wire::index_packet({packet.data(), n}, index) != wire::parse_error::none ||
            index.records.size() != e.record_count()) {
            fail("a restored entry does not read back as a valid packet");
        }
    });
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::span<const std::uint8_t> input(data, size);
    {
        cache::answer_cache raw(small());
        cache::restore_snapshot(input, raw, at(100), {upstreams, written_at});
        check_entries(raw, 100);
    }
    cache::answer_cache c(small());
    const auto file = wrap(input);
    cache::restore_snapshot(file, c, at(100), {upstreams, written_at + 5});
    check_entries(c, 100);

    std::size_t written = 0;
    const auto again = cache::save_snapshot(c, at(100), {upstreams, written_at + 5}, &written);
    cache::answer_cache back(small());
    const auto r = cache::restore_snapshot(again, back, at(100), {upstreams, written_at + 5});
    if (r.status != cache::snapshot_status::loaded)
        fail("a snapshot of a cache does not load back");
    if (r.restored + r.skipped + r.expired != written) fail("entries lost on the way back");
    check_entries(back, 100);
    return 0;
}
