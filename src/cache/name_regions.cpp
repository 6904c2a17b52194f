// The pointer check of name_regions.hpp. Pointers only point backwards (wire's acceptance rules),
// and names are walked in packet order, so every name a pointer may rightly land on has been
// walked before the pointer is met: one pass, no list of pending targets.
#include "name_regions.hpp"

#include <limits>
#include <vector>

#include "residns/wire/rdata.hpp"
#include "residns/wire/rdata_layout.hpp"

namespace residns::cache::detail {
namespace {

constexpr std::size_t failed = std::numeric_limits<std::size_t>::max();

class name_walker {
public:
    explicit name_walker(std::span<const std::uint8_t> packet)
        : packet_(packet), starts_(packet.size(), 0) {}

    // Marks the label starts of the name at `pos` as it sits in the packet (up to its first
    // pointer, whose target must already be marked). Returns the position after it, or failed.
    std::size_t walk(std::size_t pos) {
        for (;;) {
            if (pos >= packet_.size()) return failed;
            starts_[pos] = 1;
            const std::uint8_t length = packet_[pos];
            if ((length & 0xC0) == 0xC0) {
                if (pos + 1 >= packet_.size()) return failed;
                const std::size_t target = (std::size_t{length & 0x3Fu} << 8) | packet_[pos + 1];
                return target < pos && starts_[target] != 0 ? pos + 2 : failed;
            }
            if ((length & 0xC0) != 0) return failed;
            pos += 1 + std::size_t{length};
            if (length == 0) return pos;
        }
    }

private:
    std::span<const std::uint8_t> packet_;
    std::vector<std::uint8_t> starts_;  // 1 where a label, pointer or terminator of a name starts
};

bool has_name_field(const wire::rdata_layout& layout) {
    for (const auto& field : layout.fields) {
        if (wire::is_name_field(field.kind)) return true;
    }
    return false;
}

// Walks the name fields of one record's RDATA. Field positions come from the decoded RDATA:
// every field but a name has the same octets in the packet as decoded.
bool walk_rdata_names(name_walker& walker, std::span<const std::uint8_t> packet,
                      const wire::record_ref& rr) {
    const wire::rdata_layout* layout = wire::find_layout(rr.type);
    if (layout == nullptr || !has_name_field(*layout)) return true;
    wire::rdata data;
    if (wire::read_rdata(rr.type, packet, rr.rdata_offset, rr.rdata_length, data) !=
        wire::parse_error::none) {
        return false;
    }
    std::size_t pos = rr.rdata_offset;
    for (const wire::rdata_field& field : wire::rdata_fields(rr.type, data)) {
        if (wire::is_name_field(field.kind)) {
            pos = walker.walk(pos);
            if (pos == failed) return false;
        } else {
            pos += field.bytes.size();
        }
    }
    return pos == rr.end_offset();
}

}  // namespace

bool pointers_land_on_names(std::span<const std::uint8_t> packet, const wire::packet_index& index,
                            std::size_t count) {
    name_walker walker(packet);
    if (walker.walk(index.question.qname_offset) == failed) return false;
    for (std::size_t i = 0; i < count; ++i) {
        const wire::record_ref& rr = index.records[i];
        if (walker.walk(rr.owner_offset) == failed || !walk_rdata_names(walker, packet, rr)) {
            return false;
        }
    }
    return true;
}

}  // namespace residns::cache::detail
