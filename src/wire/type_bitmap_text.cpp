// NSEC/NSEC3 type bitmaps (RFC 4034 4.1.2) to and from a list of type mnemonics.
#include <algorithm>
#include <array>

#include "rdata_text_parts.hpp"
#include "residns/wire/constants.hpp"

namespace residns::wire::detail {

void append_type_bitmap_text(std::span<const std::uint8_t> bitmap, std::string& out) {
    bool first = true;
    std::size_t pos = 0;
    while (pos + 2 <= bitmap.size()) {
        unsigned window = bitmap[pos];
        std::size_t length = bitmap[pos + 1];
        for (std::size_t i = 0; i < length && pos + 2 + i < bitmap.size(); ++i) {
            std::uint8_t octet = bitmap[pos + 2 + i];
            for (unsigned bit = 0; bit < 8; ++bit) {
                if ((octet & (0x80u >> bit)) == 0) continue;
                if (!first) out.push_back(' ');
                first = false;
                out += type_to_text(static_cast<std::uint16_t>(window * 256 + i * 8 + bit));
            }
        }
        pos += 2 + length;
    }
}

bool type_bitmap_from_text(std::span<const text_token> tokens, std::vector<std::uint8_t>& out,
                           std::string& error) {
    std::vector<std::uint16_t> types;
    types.reserve(tokens.size());
    for (const auto& token : tokens) {
        auto type = token.quoted ? std::nullopt : type_from_text(token.text);
        if (!type) {
            error = "unknown type '" + std::string(token.text) + "' in type bitmap";
            return false;
        }
        types.push_back(*type);
    }
    std::sort(types.begin(), types.end());
    std::size_t i = 0;
    while (i < types.size()) {
        unsigned window = types[i] >> 8;
        std::array<std::uint8_t, 32> bits{};
        std::size_t length = 0;
        for (; i < types.size() && (types[i] >> 8) == window; ++i) {
            unsigned low = types[i] & 0xFF;
            bits[low / 8] = static_cast<std::uint8_t>(bits[low / 8] | (0x80u >> (low % 8)));
            length = low / 8 + 1;
        }
        out.push_back(static_cast<std::uint8_t>(window));
        out.push_back(static_cast<std::uint8_t>(length));
        for (std::size_t k = 0; k < length; ++k)
            out.push_back(bits[k]);
    }
    return true;
}

}  // namespace residns::wire::detail
