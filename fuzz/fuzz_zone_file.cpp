// libFuzzer target for the master-file reader (zone files are operator input, but a reader that
// crashes or hangs on a typo takes the daemon down at reload). Whatever it accepts must hold its
// promises: no errors, owners inside the apex, records that print and parse back unchanged.
// $INCLUDE of "inc.zone" serves a fixed small file; everything else is "not found".
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "residns/wire/record.hpp"
#include "residns/zone/zone_file.hpp"

namespace {

using namespace residns;

[[noreturn]] void fail(const char* what, std::string_view text) {
    std::fprintf(stderr, "fuzz_zone_file: %s: %.*s\n", what, static_cast<int>(text.size()),
                 text.data());
    std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    static const wire::name origin = *wire::name::from_text("example.test.");
    static const zone::include_reader includes =
        [](const std::string& path, std::string& error) -> std::optional<std::string> {
        if (path == "fuzz/inc.zone") return std::string("inc A 192.0.2.1\n$TTL 60\n@ TXT \"x\"\n");
        error = "not found";
        return std::nullopt;
    };
    zone::zone_file_limits limits;
    limits.max_records = 20'000;
    limits.max_generate_records = 2'000;
    limits.max_line_length = 16'384;

    // With the origin configured, then with the file's own $ORIGIN.
    for (bool configured : {true, false}) {
        const auto result = zone::read_zone_text(text, "fuzz/zone.db",
                                                 configured ? std::optional(origin) : std::nullopt,
                                                 includes, limits);
        if (!result.zone) {
            if (result.errors.empty()) fail("zone refused without an error", text);
            continue;
        }
        if (!result.errors.empty()) fail("zone returned together with errors", text);
        for (const zone::located_record& rec : result.zone->records) {
            if (!rec.rr.owner.is_subdomain_of(result.zone->apex))
                fail("owner outside the apex", text);
            if (rec.where.line == 0) fail("record without a line", text);
            const std::string printed = wire::record_to_text(rec.rr);
            auto again = wire::record_from_text(printed, wire::record_text_defaults{});
            if (!again) fail("record does not parse back", printed);
            if (!(*again.value == rec.rr)) fail("record changed in a text round trip", printed);
        }
    }
    return 0;
}
