// The metrics: and control: sections: defaults, values, and errors with positions.
#include <gtest/gtest.h>

#include "residns/config/loader.hpp"

namespace residns::config {
namespace {

daemon_config load_ok(const std::string& yaml) {
    const auto result = load_string(yaml, "test.yaml");
    for (const auto& e : result.errors)
        ADD_FAILURE() << e.to_string();
    EXPECT_TRUE(result.config);
    return result.config ? *result.config : daemon_config{};
}

std::string first_error(const std::string& yaml) {
    const auto result = load_string(yaml, "test.yaml");
    EXPECT_FALSE(result.config);
    return result.errors.empty() ? std::string() : result.errors.front().to_string();
}

TEST(ControlSection, DefaultsWhenAbsent) {
    const auto c = load_ok("upstreams: []\n");
    EXPECT_TRUE(c.metrics.enabled);
    EXPECT_EQ(c.metrics.address, "127.0.0.1");
    EXPECT_EQ(c.metrics.port, 9153);
    EXPECT_TRUE(c.control.enabled);
    EXPECT_EQ(c.control.socket, "/run/residns/control.sock");
}

TEST(ControlSection, ReadsListenSocketAndEnabled) {
    const auto c = load_ok(
        "upstreams: []\nmetrics: {listen: \"[::1]:0\", enabled: false}\n"
        "control: {socket: /tmp/x/ctl.sock, enabled: false}\n");
    EXPECT_FALSE(c.metrics.enabled);
    EXPECT_EQ(c.metrics.address, "::1");
    EXPECT_EQ(c.metrics.port, 0);
    EXPECT_FALSE(c.control.enabled);
    EXPECT_EQ(c.control.socket, "/tmp/x/ctl.sock");
}

TEST(ControlSection, ListenWithoutPortKeepsTheDefaultPort) {
    const auto c = load_ok("upstreams: []\nmetrics: {listen: 0.0.0.0}\n");
    EXPECT_EQ(c.metrics.address, "0.0.0.0");
    EXPECT_EQ(c.metrics.port, 9153);
}

TEST(ControlSection, ErrorsNameTheLine) {
    EXPECT_NE(
        first_error("upstreams: []\nmetrics:\n  listen: localhost:9153\n").find("test.yaml:3:"),
        std::string::npos);
    EXPECT_NE(first_error("upstreams: []\ncontrol:\n  socket: \"\"\n").find("the path is empty"),
              std::string::npos);
    EXPECT_NE(first_error("upstreams: []\ncontrol:\n  socket: /" + std::string(120, 'a') + "\n")
                  .find("at most 107"),
              std::string::npos);
    EXPECT_NE(first_error("upstreams: []\nmetrics:\n  enabled: yes\n").find("test.yaml:3:"),
              std::string::npos);
    EXPECT_NE(first_error("upstreams: []\ncontrol:\n  path: /x\n")
                  .find("allowed keys here: socket, enabled"),
              std::string::npos);
}

}  // namespace
}  // namespace residns::config
