// In-place RDATA validation for the packet index, driven by the type layouts: every described
// type has its RDLENGTH checked against its fields; other types are accepted as opaque bytes.
#include "residns/wire/rdata_check.hpp"

#include "rdata_fields.hpp"
#include "residns/wire/rdata_layout.hpp"

namespace residns::wire {

parse_error check_rdata(std::uint16_t type, std::span<const std::uint8_t> packet,
                        std::size_t offset, std::size_t length) {
    if (offset > packet.size() || packet.size() - offset < length) return parse_error::truncated;
    const rdata_layout* layout = find_layout(type);
    if (layout == nullptr) return parse_error::none;
    return detail::check_fields(*layout, packet, offset, offset + length,
                                detail::name_mode::packet);
}

}  // namespace residns::wire
