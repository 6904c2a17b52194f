// Cache snapshots: the entries of answer_cache::for_each to bytes, bytes back through admission
// (answer_cache::insert_restored), and the atomic file write. Format: snapshot.hpp.
#include "residns/cache/snapshot.hpp"

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <limits>
#include <sys/stat.h>
#include <unistd.h>

#include "residns/util/endian.hpp"
#include "residns/wire/constants.hpp"
#include "residns/wire/header.hpp"
#include "residns/wire/name.hpp"
#include "residns/wire/packet_index.hpp"

namespace residns::cache {
namespace {

constexpr std::array<std::uint8_t, 8> magic{'R', 'E', 'S', 'I', 'D', 'N', 'S', 'C'};
constexpr std::size_t header_size = 8 + 4 + 4 + 8 + 8;
constexpr std::size_t trailer_size = 8;
constexpr std::size_t max_packet = wire::header::size + wire::max_name_length + 4 + 0xFFFF;

void put_u8(std::vector<std::uint8_t>& out, std::uint8_t v) {
    out.push_back(v);
}
void put_u16(std::vector<std::uint8_t>& out, std::uint16_t v) {
    out.push_back(static_cast<std::uint8_t>(v >> 8));
    out.push_back(static_cast<std::uint8_t>(v));
}
void put_u32(std::vector<std::uint8_t>& out, std::uint32_t v) {
    put_u16(out, static_cast<std::uint16_t>(v >> 16));
    put_u16(out, static_cast<std::uint16_t>(v));
}
void put_u64(std::vector<std::uint8_t>& out, std::uint64_t v) {
    put_u32(out, static_cast<std::uint32_t>(v >> 32));
    put_u32(out, static_cast<std::uint32_t>(v));
}
void put_bytes(std::vector<std::uint8_t>& out, std::span<const std::uint8_t> bytes) {
    out.insert(out.end(), bytes.begin(), bytes.end());
}

std::uint64_t load_u64(const std::uint8_t* p) {
    return (std::uint64_t{util::load_u32(p)} << 32) | util::load_u32(p + 4);
}

// A bounds-checked cursor over untrusted bytes: every read says whether it fitted.
class cursor {
public:
    explicit cursor(std::span<const std::uint8_t> bytes) : bytes_(bytes) {}

    bool u8(std::uint8_t& v) {
        if (left() < 1) return false;
        v = bytes_[pos_++];
        return true;
    }
    bool u16(std::uint16_t& v) {
        if (left() < 2) return false;
        v = util::load_u16(bytes_.data() + pos_);
        pos_ += 2;
        return true;
    }
    bool u32(std::uint32_t& v) {
        if (left() < 4) return false;
        v = util::load_u32(bytes_.data() + pos_);
        pos_ += 4;
        return true;
    }
    bool bytes(std::size_t n, std::span<const std::uint8_t>& v) {
        if (left() < n) return false;
        v = bytes_.subspan(pos_, n);
        pos_ += n;
        return true;
    }
    std::size_t left() const { return bytes_.size() - pos_; }

private:
    std::span<const std::uint8_t> bytes_;
    std::size_t pos_ = 0;
};

// One entry as read from the file, before any check beyond lengths.
struct raw_entry {
    std::span<const std::uint8_t> qname;
    std::uint16_t qtype = 0;
    std::uint16_t qclass = 0;
    std::uint8_t key_bits = 0;
    std::uint16_t flags = 0;
    std::array<std::uint16_t, 3> counts{};
    std::uint32_t lifetime = 0;
    std::uint32_t age = 0;
    std::span<const std::uint8_t> ttl_offsets;
    std::span<const std::uint8_t> records;
};

bool read_entry(cursor& c, raw_entry& e) {
    std::uint8_t qname_length = 0;
    if (!c.u8(qname_length) || qname_length == 0 || !c.bytes(qname_length, e.qname)) return false;
    if (!c.u16(e.qtype) || !c.u16(e.qclass) || !c.u8(e.key_bits) || !c.u16(e.flags)) return false;
    for (auto& n : e.counts) {
        if (!c.u16(n)) return false;
    }
    if (!c.u32(e.lifetime) || !c.u32(e.age)) return false;
    const std::size_t records = std::size_t{e.counts[0]} + e.counts[1] + e.counts[2];
    std::uint16_t records_length = 0;
    return c.bytes(2 * records, e.ttl_offsets) && c.u16(records_length) &&
           c.bytes(records_length, e.records);
}

constexpr std::uint16_t stored_flag_mask = 0x006F;  // Z | AD | RCODE, as the cache keeps them

// Rebuilds, checks and inserts one entry. False when it does not hold up (the load stops).
bool restore_entry(const raw_entry& raw, answer_cache& cache, time_point now,
                   std::uint32_t extra_age, std::vector<std::uint8_t>& packet,
                   wire::packet_index& index, restore_result& result) {
    if ((raw.key_bits & ~3u) != 0 || (raw.flags & ~stored_flag_mask) != 0) return false;
    const auto qname = wire::name::from_wire(raw.qname);
    if (!qname) return false;
    const key k = key::from_name(*qname, raw.qtype, raw.qclass, (raw.key_bits & 1) != 0,
                                 (raw.key_bits & 2) != 0);
    if (k.qname().size() != raw.qname.size() ||
        !std::equal(raw.qname.begin(), raw.qname.end(), k.qname().begin())) {
        return false;  // not in the lower-case wire form the cache writes
    }
    entry_view view;
    view.qname = raw.qname;
    view.qtype = raw.qtype;
    view.qclass = raw.qclass;
    view.flags = raw.flags;
    view.counts = raw.counts;
    view.records = raw.records;
    const std::size_t length = write_entry_packet(view, 0, packet);
    if (length == 0) return false;
    const std::span<const std::uint8_t> bytes(packet.data(), length);
    if (wire::index_packet(bytes, index) != wire::parse_error::none) return false;
    const std::size_t records = view.record_count();
    if (index.records.size() != records) return false;
    const std::size_t question_end = wire::header::size + raw.qname.size() + 4;
    for (std::size_t i = 0; i < records; ++i) {
        const auto& rr = index.records[i];
        if (rr.type == wire::rr_type::opt) return false;
        const std::size_t offset = util::load_u16(raw.ttl_offsets.data() + 2 * i);
        if (rr.ttl_offset != question_end + offset) return false;
    }
    const std::uint64_t age64 = std::uint64_t{raw.age} + extra_age;
    const auto age = static_cast<std::uint32_t>(
        std::min<std::uint64_t>(age64, std::numeric_limits<std::uint32_t>::max()));
    bool stale = false;
    switch (cache.insert_restored(bytes, index, k, now, age, raw.lifetime, &stale)) {
        case insert_result::stored:
            ++result.restored;
            if (stale) ++result.stale;
            return true;
        case insert_result::expired:
            ++result.expired;
            return true;
        case insert_result::kept_existing:
        case insert_result::zero_ttl:
        case insert_result::too_large:
            ++result.skipped;
            return true;
        case insert_result::truncated:
        case insert_result::bad_rcode:
        case insert_result::mismatch:
        case insert_result::no_soa:
        case insert_result::out_of_bailiwick:
            return false;
    }
    return false;
}

}  // namespace

std::uint64_t snapshot_checksum(std::span<const std::uint8_t> body) {
    return siphash13(hash_secret{}, body);
}

std::vector<std::uint8_t> save_snapshot(const answer_cache& cache, time_point now,
                                        const snapshot_header& header, std::size_t* entries) {
    std::vector<std::uint8_t> out;
    out.reserve(header_size + cache.entries() * 64 + trailer_size);
    put_bytes(out, magic);
    put_u32(out, snapshot_version);
    put_u32(out, 0);  // the entry count, filled in below
    put_u64(out, header.upstream_hash);
    put_u64(out, static_cast<std::uint64_t>(header.wall_seconds));
    std::uint32_t count = 0;
    cache.for_each(now, [&](const entry_view& e) {
        if (count == std::numeric_limits<std::uint32_t>::max()) return;
        put_u8(out, static_cast<std::uint8_t>(e.qname.size()));
        put_bytes(out, e.qname);
        put_u16(out, e.qtype);
        put_u16(out, e.qclass);
        put_u8(out,
               static_cast<std::uint8_t>((e.dnssec_ok ? 1 : 0) | (e.checking_disabled ? 2 : 0)));
        put_u16(out, e.flags);
        for (auto n : e.counts)
            put_u16(out, n);
        put_u32(out, e.lifetime);
        put_u32(out, e.age);
        put_bytes(out, e.ttl_offsets);
        put_u16(out, static_cast<std::uint16_t>(e.records.size()));
        put_bytes(out, e.records);
        ++count;
    });
    util::store_u32(out.data() + 12, count);
    put_u64(out, snapshot_checksum(out));
    if (entries != nullptr) *entries = count;
    return out;
}

restore_result restore_snapshot(std::span<const std::uint8_t> bytes, answer_cache& cache,
                                time_point now, const snapshot_header& header) {
    restore_result result;
    if (bytes.size() < header_size + trailer_size ||
        !std::equal(magic.begin(), magic.end(), bytes.begin())) {
        result.detail = "not a residns cache snapshot";
        return result;
    }
    const std::uint32_t version = util::load_u32(bytes.data() + 8);
    if (version != snapshot_version) {
        result.detail = "format version " + std::to_string(version) + ", this build reads " +
                        std::to_string(snapshot_version);
        return result;
    }
    const auto body = bytes.first(bytes.size() - trailer_size);
    if (load_u64(bytes.data() + body.size()) != snapshot_checksum(body)) {
        result.status = snapshot_status::bad_checksum;
        result.detail = "checksum mismatch (corrupt or truncated)";
        return result;
    }
    if (load_u64(bytes.data() + 16) != header.upstream_hash) {
        result.status = snapshot_status::foreign_upstreams;
        result.detail = "written under another upstream configuration";
        return result;
    }
    const std::uint32_t count = util::load_u32(bytes.data() + 12);
    const auto written = static_cast<std::int64_t>(load_u64(bytes.data() + 24));
    // Wall time since writing; none if the clock went back.
    std::uint32_t extra_age = 0;
    if (header.wall_seconds > written) {
        extra_age = static_cast<std::uint32_t>(std::min<std::uint64_t>(
            static_cast<std::uint64_t>(header.wall_seconds) - static_cast<std::uint64_t>(written),
            std::numeric_limits<std::uint32_t>::max()));
    }
    std::vector<std::uint8_t> packet(max_packet);
    wire::packet_index index;
    cursor c(body.subspan(header_size));
    for (std::uint32_t i = 0; i < count; ++i) {
        raw_entry raw;
        if (!read_entry(c, raw) ||
            !restore_entry(raw, cache, now, extra_age, packet, index, result)) {
            result.status = snapshot_status::bad_entry;
            result.detail = "entry " + std::to_string(i + 1) + " of " + std::to_string(count) +
                            " is not valid; ignored it and the rest";
            return result;
        }
    }
    if (c.left() != 0) {
        result.status = snapshot_status::bad_entry;
        result.detail = "bytes after the last entry";
        return result;
    }
    result.status = snapshot_status::loaded;
    return result;
}

std::string write_snapshot_file(const std::string& path, std::span<const std::uint8_t> bytes) {
    const std::string tmp = path + ".tmp";
    const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) return tmp + ": " + std::strerror(errno);
    std::size_t done = 0;
    while (done < bytes.size()) {
        const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            std::string error = tmp + ": write: " + std::strerror(errno);
            ::close(fd);
            ::unlink(tmp.c_str());
            return error;
        }
        done += static_cast<std::size_t>(n);
    }
    if (::fsync(fd) != 0) {
        std::string error = tmp + ": fsync: " + std::strerror(errno);
        ::close(fd);
        ::unlink(tmp.c_str());
        return error;
    }
    if (::close(fd) != 0) {
        std::string error = tmp + ": close: " + std::strerror(errno);
        ::unlink(tmp.c_str());
        return error;
    }
    if (::rename(tmp.c_str(), path.c_str()) != 0) {
        std::string error = path + ": rename: " + std::strerror(errno);
        ::unlink(tmp.c_str());
        return error;
    }
    // The rename itself is durable once the directory is synced.
    const auto slash = path.rfind('/');
    const std::string dir = slash == std::string::npos ? "." : path.substr(0, slash + 1);
    const int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dfd >= 0) {
        ::fsync(dfd);
        ::close(dfd);
    }
    return {};
}

std::string read_snapshot_file(const std::string& path, std::size_t max_bytes,
                               std::vector<std::uint8_t>& out) {
    out.clear();
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return errno == ENOENT ? "no such file" : std::strerror(errno);
    struct stat st {};
    if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        ::close(fd);
        return "not a regular file";
    }
    if (static_cast<std::uint64_t>(st.st_size) > max_bytes) {
        ::close(fd);
        return "larger than " + std::to_string(max_bytes) + " bytes";
    }
    out.resize(static_cast<std::size_t>(st.st_size));
    std::size_t done = 0;
    while (done < out.size()) {
        const ssize_t n = ::read(fd, out.data() + done, out.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) {
            std::string error = std::strerror(errno);
            ::close(fd);
            return error;
        }
        if (n == 0) break;  // shrank meanwhile: the checksum will say so
        done += static_cast<std::size_t>(n);
    }
    out.resize(done);
    ::close(fd);
    return {};
}

const char* to_string(snapshot_status status) {
    switch (status) {
        case snapshot_status::loaded:
            return "loaded";
        case snapshot_status::bad_header:
            return "bad header";
        case snapshot_status::bad_checksum:
            return "bad checksum";
        case snapshot_status::foreign_upstreams:
            return "another upstream configuration";
        case snapshot_status::bad_entry:
            return "bad entry";
    }
    return "?";
}

}  // namespace residns::cache
