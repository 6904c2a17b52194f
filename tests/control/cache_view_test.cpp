// answer_cache_view over a real cache: explain's find and dump's for_each name the upstream that
// filled an entry (its tag in server::upstream_origins), and say nothing for an untagged entry.
#include "residns/control/cache_view.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "residns/wire/message_builder.hpp"
#include "residns/wire/packet_index.hpp"

namespace residns::control {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

cache::time_point fixed_now() {
    return cache::time_point{} + std::chrono::hours{100};
}

// Stores an A answer for `qname` tagged `origin`.
void store(cache::answer_cache& cache, const std::string& qname, std::uint8_t origin) {
    const wire::name name = wire::name::from_text(qname).value();
    std::vector<std::uint8_t> packet(512);
    wire::message_builder b(packet);
    b.hdr().id = 1;
    b.hdr().flags = 0x8180;
    b.add_question(name.wire(), wire::rr_type::a, wire::rr_class::in);
    b.begin_record(wire::section::answer, name.wire(), wire::rr_type::a, wire::rr_class::in, 300);
    const std::uint8_t address[4] = {192, 0, 2, 1};
    b.put_bytes(address);
    b.end_record();
    packet.resize(b.finish());
    wire::packet_index index;
    ASSERT_EQ(wire::index_packet(packet, index), wire::parse_error::none);
    const auto k = cache::key::from_name(name, wire::rr_type::a, wire::rr_class::in);
    ASSERT_EQ(cache.insert(packet, index, k, fixed_now(), nullptr, origin),
              cache::insert_result::stored);
}

class AnswerCacheViewTest : public ::testing::Test {
protected:
    void SetUp() override {
        tag_ = origins_.add({"2001:db8::53", 5300});
        store(cache_, "tagged.example.", tag_);
        store(cache_, "untagged.example.", 0);
    }

    cache::answer_cache cache_{cache::settings{.max_bytes = 1 << 20, .shards = 1}};
    server::upstream_origins origins_;
    std::uint8_t tag_ = 0;
    answer_cache_view view_{cache_, &origins_, fixed_now};
};

TEST_F(AnswerCacheViewTest, FindNamesTheUpstreamThatFilledTheEntry) {
    const auto e = view_.find(wire::name::from_text("tagged.example.").value(), 1, 1);
    ASSERT_TRUE(e);
    EXPECT_EQ(e->upstream, "[2001:db8::53]:5300");
    const auto u = view_.find(wire::name::from_text("untagged.example.").value(), 1, 1);
    ASSERT_TRUE(u);
    EXPECT_EQ(u->upstream, "");
}

TEST_F(AnswerCacheViewTest, DumpLinesCarryTheUpstream) {
    std::vector<std::string> lines;
    ASSERT_TRUE(view_.for_each([&](const cache_entry_info& e) { lines.push_back(dump_line(e)); }));
    ASSERT_EQ(lines.size(), 2U);
    std::sort(lines.begin(), lines.end());
    EXPECT_THAT(lines[0], HasSubstr("tagged.example. IN A NOERROR ttl=300 age=0"));
    EXPECT_THAT(lines[0], HasSubstr("upstream=[2001:db8::53]:5300"));
    EXPECT_THAT(lines[1], HasSubstr("untagged.example."));
    EXPECT_THAT(lines[1], Not(HasSubstr("upstream=")));
}

TEST_F(AnswerCacheViewTest, WithoutATableNoUpstreamIsNamed) {
    answer_cache_view bare{cache_, nullptr, fixed_now};
    const auto e = bare.find(wire::name::from_text("tagged.example.").value(), 1, 1);
    ASSERT_TRUE(e);
    EXPECT_EQ(e->upstream, "");
}

}  // namespace
}  // namespace residns::control
