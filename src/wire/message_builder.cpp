// Message building with suffix compression: every suffix of every name written (up to a table
// bound) is remembered with its offset; a new name is written label by label until its remaining
// suffix matches a remembered one, which is then replaced by a pointer.
#include "residns/wire/message_builder.hpp"

#include <algorithm>
#include <cstring>

#include "residns/util/endian.hpp"
#include "residns/wire/packet_index.hpp"

namespace residns::wire {

message_builder::message_builder(std::span<std::uint8_t> buffer, std::size_t limit)
    : buffer_(buffer), limit_(std::min(limit, buffer.size())) {
    if (limit_ < header::size) ok_ = false;
}

bool message_builder::reserve(std::size_t n) {
    if (!ok_ || limit_ - position_ < n) {
        ok_ = false;
        return false;
    }
    return true;
}

void message_builder::remember_suffixes(std::size_t offset, std::span<const std::uint8_t> wire_name,
                                        std::size_t first_label_count) {
    // Remember the suffixes written literally (the first `first_label_count` labels on).
    std::size_t pos = 0;
    for (std::size_t i = 0; i < first_label_count && wire_name[pos] != 0; ++i) {
        std::size_t at = offset + pos;
        if (at < 0x4000 && entry_count_ < max_compression_entries) {
            entries_[entry_count_++] = {static_cast<std::uint16_t>(at),
                                        static_cast<std::uint8_t>(wire_name.size() - pos)};
        }
        pos += 1 + std::size_t{wire_name[pos]};
    }
}

bool message_builder::write_name(std::span<const std::uint8_t> wire_name, bool compress) {
    std::size_t start = position_;
    std::size_t pos = 0;
    std::size_t literal_labels = 0;
    while (wire_name[pos] != 0) {
        if (compress) {
            std::span<const std::uint8_t> suffix = wire_name.subspan(pos);
            for (std::size_t e = 0; e < entry_count_; ++e) {
                if (entries_[e].length != suffix.size()) continue;
                if (!name_equals_at(buffer_.first(position_), entries_[e].offset, suffix)) continue;
                if (!reserve(2)) return false;
                util::store_u16(buffer_.data() + position_,
                                static_cast<std::uint16_t>(0xC000 | entries_[e].offset));
                position_ += 2;
                remember_suffixes(start, wire_name, literal_labels);
                return true;
            }
        }
        std::size_t len = 1 + std::size_t{wire_name[pos]};
        if (!reserve(len)) return false;
        std::memcpy(buffer_.data() + position_, wire_name.data() + pos, len);
        position_ += len;
        pos += len;
        ++literal_labels;
    }
    if (!reserve(1)) return false;
    buffer_[position_++] = 0;
    remember_suffixes(start, wire_name, literal_labels);
    return true;
}

bool message_builder::add_question(std::span<const std::uint8_t> qname, std::uint16_t qtype,
                                   std::uint16_t qclass) {
    if (current_ != section::question) {
        ok_ = false;
        return false;
    }
    std::size_t start = position_;
    if (!reserve(qname.size() + 4)) return false;
    std::memcpy(buffer_.data() + position_, qname.data(), qname.size());
    position_ += qname.size();
    util::store_u16(buffer_.data() + position_, qtype);
    util::store_u16(buffer_.data() + position_ + 2, qclass);
    position_ += 4;
    remember_suffixes(start, qname, 128);
    ++counts_[0];
    return true;
}

bool message_builder::begin_record(section where, std::span<const std::uint8_t> owner,
                                   std::uint16_t type, std::uint16_t rr_class, std::uint32_t ttl) {
    if (where == section::question || where < current_ || in_record_) {
        ok_ = false;
        return false;
    }
    current_ = where;
    if (!write_name(owner, true)) return false;
    if (!reserve(10)) return false;
    std::uint8_t* p = buffer_.data() + position_;
    util::store_u16(p, type);
    util::store_u16(p + 2, rr_class);
    util::store_u32(p + 4, ttl);
    util::store_u16(p + 8, 0);
    position_ += 10;
    rdata_start_ = position_;
    in_record_ = true;
    return true;
}

bool message_builder::put_u8(std::uint8_t value) {
    if (!reserve(1)) return false;
    buffer_[position_++] = value;
    return true;
}

bool message_builder::put_u16(std::uint16_t value) {
    if (!reserve(2)) return false;
    util::store_u16(buffer_.data() + position_, value);
    position_ += 2;
    return true;
}

bool message_builder::put_u32(std::uint32_t value) {
    if (!reserve(4)) return false;
    util::store_u32(buffer_.data() + position_, value);
    position_ += 4;
    return true;
}

bool message_builder::put_bytes(std::span<const std::uint8_t> bytes) {
    if (!reserve(bytes.size())) return false;
    if (!bytes.empty()) std::memcpy(buffer_.data() + position_, bytes.data(), bytes.size());
    position_ += bytes.size();
    return true;
}

bool message_builder::put_name(std::span<const std::uint8_t> wire_name, bool compress) {
    return write_name(wire_name, compress);
}

bool message_builder::end_record() {
    if (!ok_ || !in_record_) {
        ok_ = false;
        return false;
    }
    std::size_t length = position_ - rdata_start_;
    if (length > 0xFFFF) {
        ok_ = false;
        return false;
    }
    util::store_u16(buffer_.data() + rdata_start_ - 2, static_cast<std::uint16_t>(length));
    in_record_ = false;
    ++counts_[static_cast<std::size_t>(current_)];
    return true;
}

bool message_builder::add_opt(const edns& e) {
    static constexpr std::uint8_t root[] = {0};
    std::uint32_t ttl =
        (std::uint32_t{e.extended_rcode} << 24) | (std::uint32_t{e.version} << 16) | e.flags;
    if (!begin_record(section::additional, root, rr_type::opt, e.udp_size, ttl)) return false;
    for (const auto& option : e.options) {
        if (!put_u16(option.code) || !put_u16(static_cast<std::uint16_t>(option.data.size())) ||
            !put_bytes(option.data)) {
            return false;
        }
    }
    return end_record();
}

message_builder::mark message_builder::save() const {
    return {position_, counts_, entry_count_, current_};
}

void message_builder::restore(const mark& m) {
    position_ = m.position;
    counts_ = m.counts;
    entry_count_ = m.compression_entries;
    current_ = m.current;
    in_record_ = false;
    ok_ = limit_ >= header::size;
}

std::size_t message_builder::finish() {
    header h = header_;
    h.qdcount = counts_[0];
    h.ancount = counts_[1];
    h.nscount = counts_[2];
    h.arcount = counts_[3];
    if (buffer_.size() >= header::size) h.write(buffer_.data());
    return position_;
}

}  // namespace residns::wire
