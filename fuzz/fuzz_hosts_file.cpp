// libFuzzer target for the hosts-file reader: any text, never a crash; every record it makes is
// A, AAAA or PTR with the configured TTL, and prints and parses back unchanged.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "residns/wire/constants.hpp"
#include "residns/wire/record.hpp"
#include "residns/zone/hosts_file.hpp"

namespace {

using namespace residns;

[[noreturn]] void fail(const char* what, std::string_view text) {
    std::fprintf(stderr, "fuzz_hosts_file: %s: %.*s\n", what, static_cast<int>(text.size()),
                 text.data());
    std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    zone::hosts_options options;
    options.domain = *wire::name::from_text("lan.");
    options.ttl = 77;
    options.max_records = 10'000;
    const auto result = zone::read_hosts_text(text, "fuzz/hosts", options);
    for (const zone::located_record& rec : result.records) {
        if (rec.rr.type != wire::rr_type::a && rec.rr.type != wire::rr_type::aaaa &&
            rec.rr.type != wire::rr_type::ptr)
            fail("unexpected type", text);
        if (rec.rr.ttl != 77) fail("unexpected TTL", text);
        const std::string printed = wire::record_to_text(rec.rr);
        auto again = wire::record_from_text(printed, wire::record_text_defaults{});
        if (!again || !(*again.value == rec.rr)) fail("record text round trip", printed);
    }
    return 0;
}
