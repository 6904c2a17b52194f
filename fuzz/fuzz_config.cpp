// libFuzzer target for the YAML config loader. A config file is operator input, but a reload
// (SIGHUP) parses it inside the running daemon: any text must give a config or a list of errors,
// never an exception, a crash or a hang. What must hold: the config is set exactly when there
// are no errors; every error names the file and says something; no error is an exception that
// escaped a section reader ("internal error"). Run with stdin at /dev/null (fuzz/run.sh): a
// mutated `resolv_conf:` path could name /dev/stdin.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "residns/config/loader.hpp"

namespace {

[[noreturn]] void fail(const char* what, std::string_view detail) {
    std::fprintf(stderr, "fuzz_config: %s: %.*s\n", what, static_cast<int>(detail.size()),
                 detail.data());
    std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    const auto result = residns::config::load_string(text, "/fuzz/residns.yaml");
    if (result.config.has_value() == !result.errors.empty())
        fail("config and errors disagree", text);
    for (const auto& e : result.errors) {
        if (e.file.empty() || e.message.empty()) fail("an error without a file or message", text);
        if (e.message.starts_with("internal error")) fail("an exception escaped", e.message);
        if (e.line < 0 || e.column < 0 || (e.line == 0 && e.column != 0))
            fail("an error with a bad position", e.to_string());
    }
    return 0;
}
