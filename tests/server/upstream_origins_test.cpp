// The table that tags cache entries with their upstream, and the query handler storing the tag
// of the upstream that answered.
#include "residns/server/upstream_origins.hpp"

#include <chrono>
#include <string>

#include <boost/asio/io_context.hpp>
#include <gtest/gtest.h>

#include "handler_test_util.hpp"
#include "residns/cache/answer_cache.hpp"
#include "residns/server/query_handler.hpp"
#include "scripted_forwarder.hpp"

namespace residns::server {
namespace {

TEST(UpstreamOrigins, AddGivesEachEndpointOneStableTag) {
    upstream_origins origins;
    const upstream::endpoint a{"192.0.2.1", 53};
    const upstream::endpoint b{"2001:db8::1", 5353};
    EXPECT_EQ(origins.tag_of(a), 0);
    EXPECT_EQ(origins.add(a), 1);
    EXPECT_EQ(origins.add(b), 2);
    EXPECT_EQ(origins.add(a), 1);
    EXPECT_EQ(origins.tag_of(b), 2);
    EXPECT_EQ(origins.tag_of(upstream::endpoint{"192.0.2.1", 5353}), 0);
    EXPECT_EQ(origins.name_of(1), "192.0.2.1:53");
    EXPECT_EQ(origins.name_of(2), "[2001:db8::1]:5353");
    EXPECT_EQ(origins.name_of(0), "");
    EXPECT_EQ(origins.name_of(3), "");
}

TEST(UpstreamOrigins, AFullTableTagsNewEndpointsAsUnknown) {
    upstream_origins origins;
    for (std::size_t i = 0; i < upstream_origins::capacity; ++i) {
        ASSERT_EQ(origins.add({"192.0.2.1", static_cast<std::uint16_t>(1000 + i)}), i + 1);
    }
    EXPECT_EQ(origins.add({"192.0.2.2", 53}), 0);
    EXPECT_EQ(origins.name_of(255), "192.0.2.1:1254");
}

TEST(UpstreamOrigins, TheHandlerTagsACachedAnswerWithTheUpstreamThatGaveIt) {
    settings config;
    handler_counters counters;
    testing::scripted_forwarder forwarder;
    boost::asio::io_context io;
    cache::answer_cache cache{cache::settings{.max_bytes = 1 << 20, .shards = 1}};
    upstream_origins origins;
    origins.add({"192.0.2.9", 53});
    const upstream::endpoint answered_by{"198.51.100.7", 5300};
    origins.add(answered_by);
    forwarder.answered_by = &answered_by;
    query_handler handler(config, forwarder, counters, cache_options{.cache = &cache, .io = &io});
    handler.set_origins(&origins);

    std::vector<std::uint8_t> out(4096);
    std::size_t length = 0;
    pending_query pending;
    const auto query = testing::make_query("www.example.com.", 7);
    ASSERT_EQ(handler.handle(query, transport::udp, out, length, pending), handle_result::forward);
    handler.forward(pending, [](std::span<const std::uint8_t>) {});
    forwarder.answer(0, testing::make_upstream_answer(forwarder.requests[0], 300));

    const auto k = cache::key::from_name(wire::name::from_text("www.example.com.").value(), 1, 1);
    std::uint8_t tag = 0;
    ASSERT_TRUE(cache.find(k, std::chrono::steady_clock::now(),
                           [&](const cache::entry_view& e) { tag = e.origin; }));
    EXPECT_EQ(tag, 2);
    EXPECT_EQ(origins.name_of(tag), "198.51.100.7:5300");
}

}  // namespace
}  // namespace residns::server
