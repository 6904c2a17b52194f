// The user: and group: keys (who the daemon runs as after binding): defaults, values, errors with
// positions, and their place in the annotated reference configuration.
#include <filesystem>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "residns/config/loader.hpp"

namespace residns::config {
namespace {

load_result load(const std::string& yaml) {
    return load_string("upstreams: []\n" + yaml, "test.yaml");
}

TEST(RunAsSection, EmptyWhenAbsent) {
    const auto result = load("");
    ASSERT_TRUE(result.config);
    EXPECT_EQ(result.config->run_as, run_as_settings{});
    EXPECT_TRUE(result.config->run_as.user.empty());
    EXPECT_TRUE(result.config->run_as.group.empty());
}

TEST(RunAsSection, ReadsNamesAndNumbers) {
    const auto named = load("user: residns\ngroup: dns-users\n");
    ASSERT_TRUE(named.config);
    EXPECT_EQ(named.config->run_as.user, "residns");
    EXPECT_EQ(named.config->run_as.group, "dns-users");
    const auto numbered = load("user: 65534\n");
    ASSERT_TRUE(numbered.config);
    EXPECT_EQ(numbered.config->run_as.user, "65534");
    EXPECT_TRUE(numbered.config->run_as.group.empty());
}

TEST(RunAsSection, RejectsWhatCannotBeAnAccountName) {
    for (const char* yaml : {"user: \"\"\n", "user: \"a b\"\n", "group: \"x:y\"\n",
                             "user: [residns]\n", "group: {name: x}\n"}) {
        const auto result = load(yaml);
        EXPECT_FALSE(result.config) << yaml;
        ASSERT_FALSE(result.errors.empty()) << yaml;
        EXPECT_EQ(result.errors.front().line, 2) << yaml;  // after the upstreams line
    }
    const auto result = load("user: \"a b\"\n");
    ASSERT_FALSE(result.errors.empty());
    EXPECT_NE(result.errors.front().message.find("not a user name: 'a b'"), std::string::npos)
        << result.errors.front().message;
}

TEST(RunAsSection, TheReferenceConfigurationDocumentsBoth) {
#ifdef RESIDNS_SOURCE_DIR
    const auto path = std::filesystem::path(RESIDNS_SOURCE_DIR) / "conf" / "residns.yaml";
#else
    const auto path = std::filesystem::path(__FILE__).parent_path().parent_path().parent_path() /
                      "conf" / "residns.yaml";
#endif
    std::ifstream in(path);
    ASSERT_TRUE(in) << path;
    std::stringstream text;
    text << in.rdbuf();
    EXPECT_NE(text.str().find("\n# user: residns\n"), std::string::npos);
    EXPECT_NE(text.str().find("\n# group: residns\n"), std::string::npos);
    // Uncommented, the examples load.
    const auto result = load("user: residns\ngroup: residns\n");
    EXPECT_TRUE(result.config);
}

}  // namespace
}  // namespace residns::config
