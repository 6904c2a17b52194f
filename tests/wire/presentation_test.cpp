// Presentation-format primitives: tokens, escapes, base64, base32hex, hex, times and TTLs.
#include "residns/wire/presentation.hpp"

#include <gtest/gtest.h>

namespace residns::wire {
namespace {

std::vector<std::string> tokens_of(std::string_view text) {
    std::vector<text_token> tokens;
    std::string error;
    EXPECT_TRUE(tokenize(text, tokens, error)) << error;
    std::vector<std::string> out;
    for (const auto& t : tokens)
        out.push_back((t.quoted ? "Q:" : "") + std::string(t.text));
    return out;
}

std::vector<std::uint8_t> octets(std::string_view s) {
    return {s.begin(), s.end()};
}

TEST(Tokenize, SplitsQuotesParenthesesAndComments) {
    EXPECT_EQ(tokens_of("a  b\tc"), (std::vector<std::string>{"a", "b", "c"}));
    EXPECT_EQ(tokens_of("\"a b\" c"), (std::vector<std::string>{"Q:a b", "c"}));
    EXPECT_EQ(tokens_of("( 1\n 2 ) ; comment\n3"), (std::vector<std::string>{"1", "2", "3"}));
    EXPECT_EQ(tokens_of("a\\ b c"), (std::vector<std::string>{"a\\ b", "c"}));
    EXPECT_EQ(tokens_of("\"x\\\"y\""), (std::vector<std::string>{"Q:x\\\"y"}));
    EXPECT_EQ(tokens_of("alpn=\"h2 h3\" port=1"),
              (std::vector<std::string>{"alpn=\"h2 h3\"", "port=1"}));
    EXPECT_EQ(tokens_of("\"\""), (std::vector<std::string>{"Q:"}));
    EXPECT_EQ(tokens_of("a;b"), (std::vector<std::string>{"a"}));
    std::vector<text_token> tokens;
    std::string error;
    EXPECT_FALSE(tokenize("\"open", tokens, error));
    EXPECT_FALSE(error.empty());
    EXPECT_FALSE(tokenize("key=\"open", tokens, error));
}

TEST(Escapes, DecodeAndEncode) {
    std::vector<std::uint8_t> out;
    ASSERT_TRUE(decode_escaped("a\\\"b\\\\c\\065\\255", out));
    EXPECT_EQ(out, (std::vector<std::uint8_t>{'a', '"', 'b', '\\', 'c', 'A', 255}));
    out.clear();
    EXPECT_FALSE(decode_escaped("\\256", out));
    out.clear();
    EXPECT_FALSE(decode_escaped("\\25", out));
    out.clear();
    EXPECT_FALSE(decode_escaped("trailing\\", out));
    out.clear();
    EXPECT_TRUE(decode_escaped(std::string(255, 'x'), out));
    out.clear();
    EXPECT_FALSE(decode_escaped(std::string(256, 'x'), out));
    std::string text;
    append_quoted(std::vector<std::uint8_t>{'a', ' ', '"', '\\', 0, 200, '~'}, text);
    EXPECT_EQ(text, R"("a \"\\\000\200~")");
}

TEST(Base64, Rfc4648Vectors) {
    const std::pair<std::string_view, std::string_view> vectors[] = {{"", ""},
                                                                     {"f", "Zg=="},
                                                                     {"fo", "Zm8="},
                                                                     {"foo", "Zm9v"},
                                                                     {"foob", "Zm9vYg=="},
                                                                     {"fooba", "Zm9vYmE="},
                                                                     {"foobar", "Zm9vYmFy"}};
    for (const auto& [plain, encoded] : vectors) {
        EXPECT_EQ(to_base64(octets(plain)), encoded);
        std::vector<std::uint8_t> out;
        ASSERT_TRUE(from_base64(encoded, out)) << encoded;
        EXPECT_EQ(out, octets(plain));
    }
    std::vector<std::uint8_t> out;
    EXPECT_FALSE(from_base64("Zg=", out));
    EXPECT_FALSE(from_base64("Zh==", out));  // non-zero bits under the padding
    EXPECT_FALSE(from_base64("Z===", out));
    EXPECT_FALSE(from_base64("Zm9v!A==", out));
    EXPECT_FALSE(from_base64("Zg==Zg==", out));  // padding only at the end
}

TEST(Base32Hex, Rfc4648VectorsWithoutPadding) {
    const std::pair<std::string_view, std::string_view> vectors[] = {{"", ""},
                                                                     {"f", "CO"},
                                                                     {"fo", "CPNG"},
                                                                     {"foo", "CPNMU"},
                                                                     {"foob", "CPNMUOG"},
                                                                     {"fooba", "CPNMUOJ1"},
                                                                     {"foobar", "CPNMUOJ1E8"}};
    for (const auto& [plain, encoded] : vectors) {
        EXPECT_EQ(to_base32hex(octets(plain)), encoded);
        std::vector<std::uint8_t> out;
        ASSERT_TRUE(from_base32hex(encoded, out)) << encoded;
        EXPECT_EQ(out, octets(plain));
    }
    std::vector<std::uint8_t> out;
    EXPECT_TRUE(from_base32hex("cpnmuoj1e8", out));
    EXPECT_FALSE(from_base32hex("CPN", out));
    EXPECT_FALSE(from_base32hex("CP", out));  // non-zero trailing bits
    EXPECT_FALSE(from_base32hex("CW", out));
}

TEST(Hex, BothCases) {
    EXPECT_EQ(to_hex(std::vector<std::uint8_t>{0x00, 0xAB, 0x7f}), "00AB7F");
    std::vector<std::uint8_t> out;
    ASSERT_TRUE(from_hex("00abCD", out));
    EXPECT_EQ(out, (std::vector<std::uint8_t>{0x00, 0xAB, 0xCD}));
    EXPECT_FALSE(from_hex("abc", out));
    EXPECT_FALSE(from_hex("zz", out));
}

TEST(RrsigTime, ConvertsBothWays) {
    EXPECT_EQ(time_to_text(0), "19700101000000");
    EXPECT_EQ(time_to_text(1048354263), "20030322173103");  // RFC 4034 3.3
    EXPECT_EQ(time_to_text(0xFFFFFFFFu), "21060207062815");
    EXPECT_EQ(time_from_text("20030322173103"), 1048354263u);
    EXPECT_EQ(time_from_text("20000229000000"), 951782400u);
    EXPECT_EQ(time_from_text("1048354263"), 1048354263u);
    EXPECT_FALSE(time_from_text("20030230000000"));  // no February 30th
    EXPECT_FALSE(time_from_text("20031301000000"));
    EXPECT_FALSE(time_from_text("19691231235959"));
    EXPECT_FALSE(time_from_text("2003032217310x"));
    EXPECT_FALSE(time_from_text(""));
}

TEST(Ttl, NumbersAndUnits) {
    EXPECT_EQ(ttl_from_text("3600"), 3600u);
    EXPECT_EQ(ttl_from_text("1h"), 3600u);
    EXPECT_EQ(ttl_from_text("1W2d3H4m5S"), 604800u + 2 * 86400 + 3 * 3600 + 4 * 60 + 5);
    EXPECT_EQ(ttl_from_text("1h30"), 3630u);
    EXPECT_EQ(ttl_from_text("4294967295"), 4294967295u);
    EXPECT_FALSE(ttl_from_text("4294967296"));
    EXPECT_FALSE(ttl_from_text("7102w"));
    EXPECT_FALSE(ttl_from_text("h"));
    EXPECT_FALSE(ttl_from_text("1x"));
    EXPECT_FALSE(ttl_from_text(""));
    EXPECT_FALSE(ttl_from_text("IN"));
}

TEST(Number, Bounds) {
    EXPECT_EQ(number_from_text("65535", 65535), 65535u);
    EXPECT_FALSE(number_from_text("65536", 65535));
    EXPECT_FALSE(number_from_text("-1", 65535));
    EXPECT_FALSE(number_from_text("", 65535));
    EXPECT_FALSE(number_from_text("99999999999", 0xFFFFFFFFu));
}

}  // namespace
}  // namespace residns::wire
