// Tests of config_error formatting (what the daemon prints for a bad file).
#include "residns/config/config_error.hpp"

#include <gtest/gtest.h>

namespace residns::config {
namespace {

TEST(ConfigError, ToStringHasFileLineColumnAndMessage) {
    const config_error e{.file = "/etc/residns.yaml", .line = 3, .column = 7, .message = "bad"};
    EXPECT_EQ(e.to_string(), "/etc/residns.yaml:3:7: bad");
}

TEST(ConfigError, ToStringWithoutPositionHasFileAndMessage) {
    const config_error e{.file = "x.yaml", .line = 0, .column = 0, .message = "cannot read"};
    EXPECT_EQ(e.to_string(), "x.yaml: cannot read");
}

}  // namespace
}  // namespace residns::config
