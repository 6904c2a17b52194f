// libFuzzer target for the presentation format (zone files and the control channel feed it).
// Input: two bytes of RR type, then text. Whatever rdata_from_text accepts must print and parse
// back to the same octets; the same for whole record lines.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "residns/wire/rdata.hpp"
#include "residns/wire/record.hpp"

namespace {

using namespace residns::wire;

[[noreturn]] void fail(const char* what, std::string_view text) {
    std::fprintf(stderr, "fuzz_rdata_text: %s: %.*s\n", what, static_cast<int>(text.size()),
                 text.data());
    std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size < 2) return 0;
    const auto type = static_cast<std::uint16_t>((data[0] << 8) | data[1]);
    const std::string_view text(reinterpret_cast<const char*>(data + 2), size - 2);
    static const name origin = *name::from_text("origin.example.");

    auto parsed = rdata_from_text(type, text, origin);
    if (parsed) {
        std::string printed = rdata_to_text(type, *parsed.value);
        auto again = rdata_from_text(type, printed, name{});
        if (!again) fail("printed RDATA not accepted back", printed);
        if (!(*again.value == *parsed.value))
            fail("RDATA text round trip changed the octets", printed);
        if (rdata_to_text(type, *again.value) != printed)
            fail("RDATA printed differently", printed);
    }

    record_text_defaults defaults{.origin = origin, .owner = origin};
    auto rr = record_from_text(text, defaults);
    if (rr) {
        std::string printed = record_to_text(*rr.value);
        auto again = record_from_text(printed, record_text_defaults{});
        if (!again) fail("printed record not accepted back", printed);
        if (!(*again.value == *rr.value))
            fail("record text round trip changed the record", printed);
    }
    return 0;
}
