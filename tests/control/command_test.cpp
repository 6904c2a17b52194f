// The control line protocol: parsing requests, running them against a backend, reply framing.
#include "residns/control/command.hpp"

#include <gtest/gtest.h>

namespace residns::control {
namespace {

class fake_backend : public control_backend {
public:
    std::string stats() override { return "queries.udp 1\n"; }
    reply reload() override {
        ++reloads;
        return reload_ok ? reply{true, "reloaded\n"} : reply::error("bad config");
    }
    std::size_t flush_all() override { return 7; }
    std::size_t flush_name(const wire::name& n) override {
        last_name = n.to_text();
        return 1;
    }
    std::size_t flush_subtree(const wire::name& n) override {
        last_name = "subtree " + n.to_text();
        return 3;
    }
    reply dump() override { return {true, "a. IN A NOERROR ttl=5\n"}; }
    bool set_log_level(const std::string& level) override {
        last_level = level;
        return level == "debug";
    }
    std::string explain(const wire::name& n, std::uint16_t qtype) override {
        return n.to_text() + " " + std::to_string(qtype) + "\n";
    }

    int reloads = 0;
    bool reload_ok = true;
    std::string last_name;
    std::string last_level;
};

TEST(ParseCommand, ReadsEveryCommand) {
    EXPECT_EQ(parse_command("stats").value->kind, command_kind::stats);
    EXPECT_EQ(parse_command("reload\n").value->kind, command_kind::reload);
    EXPECT_EQ(parse_command("dump\r\n").value->kind, command_kind::dump);
    EXPECT_EQ(parse_command("flush").value->kind, command_kind::flush_all);
    const auto name = parse_command("flush  www.Example.com");
    ASSERT_TRUE(name.value);
    EXPECT_EQ(name.value->kind, command_kind::flush_name);
    EXPECT_EQ(name.value->name.to_text(), "www.Example.com.");
    EXPECT_EQ(parse_command("flush-subtree example.com.").value->kind, command_kind::flush_subtree);
    const auto level = parse_command("log-level debug");
    EXPECT_EQ(level.value->argument, "debug");
    const auto explain = parse_command("explain nas.lan AAAA");
    ASSERT_TRUE(explain.value);
    EXPECT_EQ(explain.value->qtype, 28);
    EXPECT_EQ(parse_command("explain nas.lan").value->qtype, 1);
}

TEST(ParseCommand, RejectsWithAReason) {
    EXPECT_EQ(parse_command("").error.substr(0, 13), "empty request");
    EXPECT_EQ(parse_command("frobnicate").error.substr(0, 29), "unknown command 'frobnicate';");
    EXPECT_EQ(parse_command("stats now").error, "usage: stats");
    EXPECT_EQ(parse_command("flush a b").error, "usage: flush [NAME]");
    EXPECT_EQ(parse_command("flush-subtree").error, "usage: flush-subtree NAME");
    EXPECT_EQ(parse_command("explain").error, "usage: explain NAME [TYPE]");
    EXPECT_EQ(parse_command("explain a.b BOGUS").error, "unknown record type 'BOGUS'");
    EXPECT_EQ(parse_command("flush " + std::string(64, 'a') + ".com").error,
              "'" + std::string(64, 'a') + ".com' is not a valid domain name");
    EXPECT_EQ(parse_command("stats\x01").error, "control characters in the request");
    EXPECT_EQ(parse_command(std::string(max_request_line + 1, 'a')).error, "request line too long");
}

TEST(Execute, FormatsRepliesAndCallsTheBackend) {
    fake_backend b;
    EXPECT_EQ(handle_line("stats\n", b).serialize(), "ok\nqueries.udp 1\n");
    EXPECT_EQ(handle_line("flush", b).serialize(), "ok\nflushed 7 entries\n");
    EXPECT_EQ(handle_line("flush www.lan", b).serialize(), "ok\nflushed 1 entry\n");
    EXPECT_EQ(b.last_name, "www.lan.");
    EXPECT_EQ(handle_line("flush-subtree lan", b).serialize(), "ok\nflushed 3 entries\n");
    EXPECT_EQ(b.last_name, "subtree lan.");
    EXPECT_EQ(handle_line("log-level debug", b).serialize(), "ok\nlog level debug\n");
    EXPECT_EQ(
        handle_line("log-level loud", b).serialize(),
        "error: unknown level 'loud'; use trace, debug, info, warn, error, critical or off\n");
    EXPECT_EQ(handle_line("explain a.lan MX", b).serialize(), "ok\na.lan. 15\n");
    EXPECT_EQ(handle_line("dump", b).serialize(), "ok\na. IN A NOERROR ttl=5\n");
    EXPECT_EQ(handle_line("reload", b).serialize(), "ok\nreloaded\n");
    b.reload_ok = false;
    EXPECT_EQ(handle_line("reload", b).serialize(), "error: bad config\n");
    EXPECT_EQ(b.reloads, 2);
    EXPECT_EQ(handle_line("nope", b).ok, false);
}

}  // namespace
}  // namespace residns::control
