// Writes a DNS message into a caller-provided buffer with name compression (RFC 1035 4.1.4) and a
// size limit. Names are written in the case they are given; a compression pointer may refer to an
// earlier occurrence in another case (names compare case-insensitively). When something does not
// fit, the builder fails without writing past the limit; callers save() before an RRset and
// restore() to its start, then set TC (RFC 2181 9). No heap allocation.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

#include "residns/wire/constants.hpp"
#include "residns/wire/edns.hpp"
#include "residns/wire/header.hpp"
#include "residns/wire/name.hpp"

namespace residns::wire {

class message_builder {
public:
    struct mark {
        std::size_t position = 0;
        std::array<std::uint16_t, 4> counts{};
        std::size_t compression_entries = 0;
        wire::section current = wire::section::question;
    };

    // Writes at most `limit` bytes (and never more than the buffer holds).
    message_builder(std::span<std::uint8_t> buffer, std::size_t limit);
    explicit message_builder(std::span<std::uint8_t> buffer)
        : message_builder(buffer, buffer.size()) {}

    // Header fields other than the counts; counts are kept by the builder.
    header& hdr() { return header_; }

    // Questions come first. The qname is written uncompressed and remembered for compression.
    bool add_question(std::span<const std::uint8_t> qname, std::uint16_t qtype,
                      std::uint16_t qclass);

    // A record: begin_record, then the RDATA with the put_* calls, then end_record. Sections
    // must be written in order (answer, authority, additional).
    bool begin_record(wire::section where, std::span<const std::uint8_t> owner, std::uint16_t type,
                      std::uint16_t rr_class, std::uint32_t ttl);
    bool put_u8(std::uint8_t value);
    bool put_u16(std::uint16_t value);
    bool put_u32(std::uint32_t value);
    bool put_bytes(std::span<const std::uint8_t> bytes);
    // A name inside RDATA; compress only for the types RFC 3597 allows (the caller decides).
    bool put_name(std::span<const std::uint8_t> wire_name, bool compress);
    bool end_record();

    // The OPT record for `e` in the additional section.
    bool add_opt(const edns& e);

    mark save() const;
    void restore(const mark& m);

    void set_truncated() { header_.set_flag(header_flag::tc, true); }
    // False once a write did not fit (until restore()).
    bool ok() const { return ok_; }
    std::size_t size() const { return position_; }
    std::size_t limit() const { return limit_; }

    // Writes the header with the counts; returns the message length.
    std::size_t finish();

private:
    bool reserve(std::size_t n);
    bool write_name(std::span<const std::uint8_t> wire_name, bool compress);
    void remember_suffixes(std::size_t offset, std::span<const std::uint8_t> wire_name,
                           std::size_t first_label_count);

    struct compression_entry {
        std::uint16_t offset;  // where this suffix starts in the message
        std::uint8_t length;   // decompressed length of the suffix
    };
    static constexpr std::size_t max_compression_entries = 128;

    std::span<std::uint8_t> buffer_;
    std::size_t limit_;
    std::size_t position_ = header::size;
    std::size_t rdata_start_ = 0;
    bool ok_ = true;
    bool in_record_ = false;
    wire::section current_ = wire::section::question;
    header header_;
    std::array<std::uint16_t, 4> counts_{};
    std::array<compression_entry, max_compression_entries> entries_{};
    std::size_t entry_count_ = 0;
};

}  // namespace residns::wire
