// Names: text and wire forms, comparison, ordering, and decompression from packets.
#include "residns/wire/name.hpp"

#include <vector>

#include <gtest/gtest.h>

namespace residns::wire {
namespace {

name parse(std::string_view text) {
    auto n = name::from_text(text);
    EXPECT_TRUE(n.has_value()) << text;
    return n.value_or(name{});
}

TEST(Name, TextRoundTripWithEscapes) {
    EXPECT_EQ(parse("www.Example.com.").to_text(), "www.Example.com.");
    EXPECT_EQ(parse("a\\.b.example.").to_text(), "a\\.b.example.");
    EXPECT_EQ(parse("a\\032b.example.").to_text(), "a\\032b.example.");
    EXPECT_EQ(parse("\\065.example.").to_text(), "A.example.");
    EXPECT_EQ(parse(".").to_text(), ".");
    EXPECT_EQ(parse("a.b").label_count(), 2u);
}

TEST(Name, RejectsMalformedText) {
    EXPECT_FALSE(name::from_text("a..b."));
    EXPECT_FALSE(name::from_text(".a."));
    EXPECT_FALSE(name::from_text(""));
    EXPECT_FALSE(name::from_text("a\\25"));
    EXPECT_FALSE(name::from_text("a\\256.b."));
    EXPECT_FALSE(name::from_text(std::string(64, 'a') + "."));
    EXPECT_TRUE(name::from_text(std::string(63, 'a') + "."));
    // 4 labels of 63 = 256 octets with the root: too long.
    std::string l63(63, 'a');
    EXPECT_FALSE(name::from_text(l63 + "." + l63 + "." + l63 + "." + l63 + "."));
    EXPECT_TRUE(name::from_text(l63 + "." + l63 + "." + l63 + "." + std::string(61, 'a') + "."));
}

TEST(Name, RelativeNamesTakeTheOrigin) {
    name origin = parse("example.com.");
    EXPECT_EQ(name::from_text("www", origin)->to_text(), "www.example.com.");
    EXPECT_EQ(name::from_text("@", origin)->to_text(), "example.com.");
    EXPECT_EQ(name::from_text("www.", origin)->to_text(), "www.");
}

TEST(Name, ComparesAndHashesCaseInsensitively) {
    EXPECT_EQ(parse("WWW.example.COM."), parse("www.EXAMPLE.com."));
    EXPECT_EQ(parse("WWW.example.COM.").hash(7), parse("www.EXAMPLE.com.").hash(7));
    EXPECT_NE(parse("www.example.com.").hash(1), parse("www.example.com.").hash(2));
    EXPECT_FALSE(parse("www.example.com.") == parse("ww.example.com."));
    EXPECT_EQ(parse("MiXeD.Example.").lowered().to_text(), "mixed.example.");
}

TEST(Name, CanonicalOrderFollowsRfc4034Example) {
    // RFC 4034 section 6.1 lists these names in canonical order.
    std::vector<std::string> ordered = {
        "example.",         "a.example.",      "yljkjljk.a.example.",
        "Z.a.example.",     "zABC.a.EXAMPLE.", "z.example.",
        "\\001.z.example.", "*.z.example.",    "\\200.z.example."};
    for (std::size_t i = 0; i + 1 < ordered.size(); ++i) {
        EXPECT_EQ(canonical_compare(parse(ordered[i]), parse(ordered[i + 1])),
                  std::strong_ordering::less)
            << ordered[i] << " < " << ordered[i + 1];
        EXPECT_EQ(canonical_compare(parse(ordered[i + 1]), parse(ordered[i])),
                  std::strong_ordering::greater);
    }
    EXPECT_EQ(canonical_compare(parse("A.example."), parse("a.EXAMPLE.")),
              std::strong_ordering::equal);
}

TEST(Name, SubdomainAndParent) {
    EXPECT_TRUE(parse("a.b.Example.").is_subdomain_of(parse("example.")));
    EXPECT_TRUE(parse("example.").is_subdomain_of(parse("example.")));
    EXPECT_TRUE(parse("example.").is_subdomain_of(name{}));
    EXPECT_FALSE(parse("badexample.").is_subdomain_of(parse("example.")));
    EXPECT_FALSE(parse("example.").is_subdomain_of(parse("a.example.")));
    EXPECT_EQ(parse("a.b.c.").parent().to_text(), "b.c.");
    EXPECT_EQ(parse("a.b.c.").parent(3).to_text(), ".");
    EXPECT_EQ(parse("a.").concatenate(parse("b.c."))->to_text(), "a.b.c.");
}

// A packet with the header zeroed and names laid out from offset 12.
std::vector<std::uint8_t> packet_with(std::vector<std::uint8_t> body) {
    body.insert(body.begin(), 12, 0);
    return body;
}

TEST(Name, ReadsCompressedNames) {
    // 12: "example.com." 25: "www" + pointer to 12
    auto p = packet_with(
        {7, 'e', 'x', 'a', 'm', 'p', 'l', 'e', 3, 'c', 'o', 'm', 0, 3, 'w', 'w', 'w', 0xC0, 12});
    std::size_t offset = 25;
    name n;
    ASSERT_EQ(read_name(p, offset, n), parse_error::none);
    EXPECT_EQ(n.to_text(), "www.example.com.");
    EXPECT_EQ(offset, 31u);
    EXPECT_TRUE(name_equals_at(p, 25, parse("WWW.example.com.").wire()));
    EXPECT_FALSE(name_equals_at(p, 25, parse("example.com.").wire()));
}

TEST(Name, RejectsPointerLoop) {
    auto p = packet_with({1, 'a', 0xC0, 12});
    std::size_t offset = 12;
    name n;
    EXPECT_EQ(read_name(p, offset, n), parse_error::bad_pointer);
}

TEST(Name, RejectsForwardPointer) {
    auto p = packet_with({0xC0, 14, 1, 'a', 0});
    std::size_t offset = 12;
    name n;
    EXPECT_EQ(read_name(p, offset, n), parse_error::bad_pointer);
}

TEST(Name, RejectsPointerIntoHeaderAndPastEnd) {
    auto into_header = packet_with({0xC0, 2});
    std::size_t offset = 12;
    name n;
    EXPECT_EQ(read_name(into_header, offset, n), parse_error::bad_pointer);
    auto past_end = packet_with({1, 'a', 0xC0});
    offset = 12;
    EXPECT_EQ(read_name(past_end, offset, n), parse_error::truncated);
    auto label_past_end = packet_with({5, 'a', 'b'});
    offset = 12;
    EXPECT_EQ(read_name(label_past_end, offset, n), parse_error::truncated);
}

TEST(Name, RejectsLabelOf64AndNameOf256) {
    std::vector<std::uint8_t> body{64};
    body.insert(body.end(), 64, 'a');
    body.push_back(0);
    auto p = packet_with(body);
    std::size_t offset = 12;
    name n;
    EXPECT_EQ(read_name(p, offset, n), parse_error::bad_label_type);

    // Four labels of 63 octets: 4 * 64 + 1 = 257 octets.
    std::vector<std::uint8_t> long_body;
    for (int i = 0; i < 4; ++i) {
        long_body.push_back(63);
        long_body.insert(long_body.end(), 63, 'a');
    }
    long_body.push_back(0);
    auto q = packet_with(long_body);
    offset = 12;
    EXPECT_EQ(read_name(q, offset, n), parse_error::name_too_long);
}

TEST(Name, RejectsLongNameBuiltFromPointers) {
    // A chain of pointers, each adding a label, that together exceed 255 octets.
    std::vector<std::uint8_t> body{0};  // root at 12
    std::size_t previous = 12;
    for (int i = 0; i < 5; ++i) {
        std::size_t here = 12 + body.size();
        body.push_back(63);
        body.insert(body.end(), 63, 'x');
        body.push_back(static_cast<std::uint8_t>(0xC0 | (previous >> 8)));
        body.push_back(static_cast<std::uint8_t>(previous & 0xFF));
        previous = here;
    }
    auto p = packet_with(body);
    std::size_t offset = previous;
    name n;
    EXPECT_EQ(read_name(p, offset, n), parse_error::name_too_long);
}

}  // namespace
}  // namespace residns::wire
