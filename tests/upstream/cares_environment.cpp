// ares_library_init once for the whole test binary, as main() does for the daemon.
#include <memory>

#include <gtest/gtest.h>

#include "residns/upstream/cares_library.hpp"

namespace {

class cares_environment : public ::testing::Environment {
public:
    void SetUp() override { library_ = std::make_unique<residns::upstream::cares_library>(); }
    void TearDown() override { library_.reset(); }

private:
    std::unique_ptr<residns::upstream::cares_library> library_;
};

// NOLINTNEXTLINE(cert-err58-cpp): gtest's registration idiom; a throw here ends the run anyway.
[[maybe_unused]] ::testing::Environment* const environment =
    ::testing::AddGlobalTestEnvironment(new cares_environment);

}  // namespace
