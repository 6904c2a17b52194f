// Domain names: construction, comparison, hashing and decompression from packets.
#include "residns/wire/name.hpp"

#include <algorithm>
#include <cstring>

namespace residns::wire {
namespace {

// Walks one (possibly compressed) name. For each label calls visit(label_ptr, label_len);
// visit of the terminating root label is not called. Returns the offset after the name in the
// packet through `next`, and the decompressed length through `length`.
template <typename Visit>
parse_error walk_name(std::span<const std::uint8_t> packet, std::size_t offset, std::size_t& next,
                      std::size_t& length, Visit&& visit) {
    std::size_t pos = offset;
    std::size_t hops = 0;
    std::size_t total = 0;
    bool jumped = false;
    // Pointers must go strictly backwards from the lowest position seen so far, which
    // together with the hop limit makes loops impossible.
    std::size_t lowest = offset;
    // A name reached through a pointer was written before that pointer: it must end before it.
    // (Otherwise a name could run on into the bytes after the pointer, e.g. into the record's
    // own TTL, and change meaning when those bytes are rewritten or cut off.)
    std::size_t end = packet.size();
    auto out_of_reach = [&] { return jumped ? parse_error::bad_pointer : parse_error::truncated; };
    while (true) {
        if (pos >= end) return out_of_reach();
        std::uint8_t len = packet[pos];
        if ((len & 0xC0) == 0xC0) {
            if (pos + 1 >= end) return out_of_reach();
            std::size_t target = (static_cast<std::size_t>(len & 0x3F) << 8) | packet[pos + 1];
            if (target >= lowest || target < 12) return parse_error::bad_pointer;
            if (++hops > max_compression_hops) return parse_error::too_many_pointers;
            if (!jumped) {
                next = pos + 2;
                jumped = true;
            }
            end = pos;
            lowest = target;
            pos = target;
            continue;
        }
        if ((len & 0xC0) != 0) return parse_error::bad_label_type;
        if (len == 0) {
            total += 1;
            if (total > max_name_length) return parse_error::name_too_long;
            if (!jumped) next = pos + 1;
            length = total;
            return parse_error::none;
        }
        if (pos + 1 + len > end) return out_of_reach();
        total += 1 + std::size_t{len};
        if (total + 1 > max_name_length) return parse_error::name_too_long;
        visit(packet.data() + pos + 1, len);
        pos += 1 + std::size_t{len};
    }
}

bool needs_escape(std::uint8_t c) {
    switch (c) {
        case '.':
        case '\\':
        case '"':
        case '(':
        case ')':
        case ';':
        case '@':
        case '$':
            return true;
        default:
            return false;
    }
}

}  // namespace

std::optional<name> name::from_wire(std::span<const std::uint8_t> wire) {
    if (wire.empty() || wire.size() > max_name_length) return std::nullopt;
    std::size_t pos = 0;
    while (pos < wire.size()) {
        std::uint8_t len = wire[pos];
        if (len == 0) break;
        if (len > max_label_length) return std::nullopt;
        pos += 1 + std::size_t{len};
    }
    if (pos + 1 != wire.size()) return std::nullopt;
    name n;
    std::memcpy(n.data_.data(), wire.data(), wire.size());
    n.size_ = static_cast<std::uint8_t>(wire.size());
    return n;
}

std::optional<name> name::from_text(std::string_view text, const name& origin) {
    if (text.empty()) return std::nullopt;
    if (text == "@") return origin;
    if (text == ".") return name{};
    name n;
    std::size_t out = 0;  // bytes written to n.data_
    std::array<std::uint8_t, max_label_length + 1> label{};
    std::size_t label_len = 0;
    bool absolute = false;
    auto flush_label = [&]() -> bool {
        if (label_len == 0) return false;  // empty label: ".." or leading dot
        if (out + 1 + label_len + 1 > max_name_length) return false;
        n.data_[out++] = static_cast<std::uint8_t>(label_len);
        std::memcpy(n.data_.data() + out, label.data(), label_len);
        out += label_len;
        label_len = 0;
        return true;
    };
    for (std::size_t i = 0; i < text.size(); ++i) {
        auto c = static_cast<std::uint8_t>(text[i]);
        if (c == '.') {
            if (!flush_label()) return std::nullopt;
            if (i + 1 == text.size()) absolute = true;
            continue;
        }
        if (c == '\\') {
            if (i + 1 >= text.size()) return std::nullopt;
            auto d = static_cast<std::uint8_t>(text[i + 1]);
            if (d >= '0' && d <= '9') {
                if (i + 3 >= text.size()) return std::nullopt;
                unsigned value = 0;
                for (std::size_t k = 1; k <= 3; ++k) {
                    if (i + k >= text.size()) return std::nullopt;
                    auto digit = static_cast<std::uint8_t>(text[i + k]);
                    if (digit < '0' || digit > '9') return std::nullopt;
                    value = value * 10 + (digit - '0');
                }
                if (value > 255) return std::nullopt;
                c = static_cast<std::uint8_t>(value);
                i += 3;
            } else {
                c = d;
                i += 1;
            }
        }
        if (label_len >= max_label_length) return std::nullopt;
        label[label_len++] = c;
    }
    if (label_len > 0 && !flush_label()) return std::nullopt;
    if (absolute) {
        n.data_[out++] = 0;
        n.size_ = static_cast<std::uint8_t>(out);
        return n;
    }
    // Relative: append the origin.
    if (out + origin.size_ > max_name_length) return std::nullopt;
    std::memcpy(n.data_.data() + out, origin.data_.data(), origin.size_);
    n.size_ = static_cast<std::uint8_t>(out + origin.size_);
    return n;
}

std::size_t name::label_count() const {
    std::size_t count = 0;
    for (std::size_t pos = 0; data_[pos] != 0; pos += 1 + std::size_t{data_[pos]})
        ++count;
    return count;
}

std::string name::to_text() const {
    if (is_root()) return ".";
    std::string text;
    text.reserve(size_ + 8);
    for (std::size_t pos = 0; data_[pos] != 0;) {
        std::size_t len = data_[pos];
        for (std::size_t k = 1; k <= len; ++k) {
            std::uint8_t c = data_[pos + k];
            if (c <= 0x20 || c >= 0x7F) {
                char buf[5];
                buf[0] = '\\';
                buf[1] = static_cast<char>('0' + c / 100);
                buf[2] = static_cast<char>('0' + (c / 10) % 10);
                buf[3] = static_cast<char>('0' + c % 10);
                text.append(buf, 4);
            } else {
                if (needs_escape(c)) text.push_back('\\');
                text.push_back(static_cast<char>(c));
            }
        }
        text.push_back('.');
        pos += 1 + len;
    }
    return text;
}

name name::lowered() const {
    name n = *this;
    for (std::size_t pos = 0; n.data_[pos] != 0;) {
        std::size_t len = n.data_[pos];
        for (std::size_t k = 1; k <= len; ++k)
            n.data_[pos + k] = ascii_lower(n.data_[pos + k]);
        pos += 1 + len;
    }
    return n;
}

name name::parent(std::size_t n) const {
    std::size_t pos = 0;
    for (std::size_t i = 0; i < n && data_[pos] != 0; ++i)
        pos += 1 + std::size_t{data_[pos]};
    name result;
    std::memcpy(result.data_.data(), data_.data() + pos, size_ - pos);
    result.size_ = static_cast<std::uint8_t>(size_ - pos);
    return result;
}

bool name::is_subdomain_of(const name& ancestor) const {
    if (ancestor.size_ > size_) return false;
    // Walk labels of this name until the remaining suffix has the ancestor's length.
    std::size_t pos = 0;
    while (size_ - pos > ancestor.size_)
        pos += 1 + std::size_t{data_[pos]};
    if (size_ - pos != ancestor.size_) return false;
    for (std::size_t k = 0; k < ancestor.size_; ++k) {
        if (ascii_lower(data_[pos + k]) != ascii_lower(ancestor.data_[k])) return false;
    }
    return true;
}

std::optional<name> name::concatenate(const name& suffix) const {
    std::size_t head = size_ - 1u;  // without the root label
    if (head + suffix.size_ > max_name_length) return std::nullopt;
    name n;
    std::memcpy(n.data_.data(), data_.data(), head);
    std::memcpy(n.data_.data() + head, suffix.data_.data(), suffix.size_);
    n.size_ = static_cast<std::uint8_t>(head + suffix.size_);
    return n;
}

std::uint64_t name::hash(std::uint64_t seed) const {
    std::uint64_t h = 0xcbf29ce484222325ULL ^ seed;
    for (std::size_t i = 0; i < size_; ++i) {
        h ^= ascii_lower(data_[i]);
        h *= 0x100000001b3ULL;
    }
    h ^= h >> 29;
    h *= 0xbf58476d1ce4e5b9ULL;
    h ^= h >> 32;
    return h;
}

bool operator==(const name& a, const name& b) {
    if (a.size_ != b.size_) return false;
    for (std::size_t i = 0; i < a.size_; ++i) {
        if (ascii_lower(a.data_[i]) != ascii_lower(b.data_[i])) return false;
    }
    return true;
}

std::strong_ordering canonical_compare(const name& a, const name& b) {
    // Collect label start offsets of both names, then compare from the rightmost label.
    std::array<std::uint8_t, 128> la{};
    std::array<std::uint8_t, 128> lb{};
    std::size_t na = 0;
    std::size_t nb = 0;
    for (std::size_t pos = 0; a.data_[pos] != 0; pos += 1 + std::size_t{a.data_[pos]}) {
        la[na++] = static_cast<std::uint8_t>(pos);
    }
    for (std::size_t pos = 0; b.data_[pos] != 0; pos += 1 + std::size_t{b.data_[pos]}) {
        lb[nb++] = static_cast<std::uint8_t>(pos);
    }
    while (na > 0 && nb > 0) {
        --na;
        --nb;
        const std::uint8_t* pa = a.data_.data() + la[na];
        const std::uint8_t* pb = b.data_.data() + lb[nb];
        std::size_t lena = pa[0];
        std::size_t lenb = pb[0];
        std::size_t common = std::min(lena, lenb);
        for (std::size_t k = 1; k <= common; ++k) {
            std::uint8_t ca = ascii_lower(pa[k]);
            std::uint8_t cb = ascii_lower(pb[k]);
            if (ca != cb)
                return ca < cb ? std::strong_ordering::less : std::strong_ordering::greater;
        }
        if (lena != lenb)
            return lena < lenb ? std::strong_ordering::less : std::strong_ordering::greater;
    }
    if (na == nb) return std::strong_ordering::equal;
    return na < nb ? std::strong_ordering::less : std::strong_ordering::greater;
}

parse_error read_name(std::span<const std::uint8_t> packet, std::size_t& offset, name& out) {
    std::array<std::uint8_t, max_name_length> buffer{};
    std::size_t used = 0;
    std::size_t next = offset;
    std::size_t length = 0;
    parse_error error =
        walk_name(packet, offset, next, length, [&](const std::uint8_t* label, std::size_t len) {
            buffer[used++] = static_cast<std::uint8_t>(len);
            std::memcpy(buffer.data() + used, label, len);
            used += len;
        });
    if (error != parse_error::none) return error;
    buffer[used++] = 0;
    auto parsed = name::from_wire({buffer.data(), used});
    if (!parsed) return parse_error::name_too_long;
    out = *parsed;
    offset = next;
    return parse_error::none;
}

parse_error skip_name(std::span<const std::uint8_t> packet, std::size_t& offset,
                      std::size_t& length) {
    std::size_t next = offset;
    parse_error error =
        walk_name(packet, offset, next, length, [](const std::uint8_t*, std::size_t) {});
    if (error == parse_error::none) offset = next;
    return error;
}

bool name_equals_at(std::span<const std::uint8_t> packet, std::size_t offset,
                    std::span<const std::uint8_t> wire) {
    std::size_t cursor = 0;
    bool equal = true;
    std::size_t next = offset;
    std::size_t length = 0;
    parse_error error =
        walk_name(packet, offset, next, length, [&](const std::uint8_t* label, std::size_t len) {
            if (!equal) return;
            if (cursor + 1 + len > wire.size() || wire[cursor] != len) {
                equal = false;
                return;
            }
            for (std::size_t k = 0; k < len; ++k) {
                if (ascii_lower(label[k]) != ascii_lower(wire[cursor + 1 + k])) {
                    equal = false;
                    return;
                }
            }
            cursor += 1 + len;
        });
    return error == parse_error::none && equal && length == wire.size();
}

}  // namespace residns::wire
