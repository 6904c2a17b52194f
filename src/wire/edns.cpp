// EDNS option framing checks and decoding.
#include "residns/wire/edns.hpp"

#include "residns/util/endian.hpp"

namespace residns::wire {

parse_error check_edns_options(std::span<const std::uint8_t> rdata) {
    std::size_t pos = 0;
    while (pos < rdata.size()) {
        if (rdata.size() - pos < 4) return parse_error::bad_rdata;
        std::size_t length = util::load_u16(rdata.data() + pos + 2);
        if (rdata.size() - pos - 4 < length) return parse_error::bad_rdata;
        pos += 4 + length;
    }
    return parse_error::none;
}

std::vector<edns_option> decode_edns_options(std::span<const std::uint8_t> rdata) {
    std::vector<edns_option> options;
    std::size_t pos = 0;
    while (pos + 4 <= rdata.size()) {
        std::uint16_t code = util::load_u16(rdata.data() + pos);
        std::size_t length = util::load_u16(rdata.data() + pos + 2);
        if (pos + 4 + length > rdata.size()) break;
        options.push_back({code,
                           {rdata.begin() + static_cast<std::ptrdiff_t>(pos + 4),
                            rdata.begin() + static_cast<std::ptrdiff_t>(pos + 4 + length)}});
        pos += 4 + length;
    }
    return options;
}

}  // namespace residns::wire
