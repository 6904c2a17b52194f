// Process-wide c-ares initialisation. Create one cares_library in main() (or a test environment)
// before any worker builds a cares_forwarder, and destroy it after every forwarder is gone.
// Not thread-safe by itself: construct and destroy it on the main thread while no worker runs.
#pragma once

#include <string>

namespace residns::upstream {

class cares_library {
public:
    // Calls ares_library_init(ARES_LIB_INIT_ALL); throws std::runtime_error when it fails.
    cares_library();
    // Calls ares_library_cleanup().
    ~cares_library();

    cares_library(const cares_library&) = delete;
    cares_library& operator=(const cares_library&) = delete;

    // The c-ares version string of the library we run with (e.g. "1.18.1"), for the start-up log.
    static std::string version();
};

}  // namespace residns::upstream
