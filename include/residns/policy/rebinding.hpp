// DNS rebinding protection: removes A and AAAA records that point into the private network
// (private, loopback, link-local, unspecified, shared/CGNAT and unique-local addresses, and the
// IPv4-mapped forms of those) from answers that came from upstream, unless the record's owner is
// at or below an allow-listed domain (or the caller says it is local data). A web page of a
// public name then cannot be "rebound" to a device on the LAN or to the host itself.
//
// Reference: Unbound's private-address / private-domain. Like Unbound, the records are removed
// and the rest of the message is kept as it was: a CNAME stays, and an answer left without
// records is a NODATA answer (NOERROR, empty answer section). Also like Unbound, the allow list
// is matched against each record's owner name (not the question): a public name that is a CNAME
// for an allow-listed local name resolves. RRSIGs that cover a removed RRset are removed too
// (they no longer match it). Records of every section are filtered (glue in additional too).
//
// Wire bytes in, wire bytes out: no sockets, no clock, no allocation when nothing is removed
// (the usual case; the packet is only indexed). When something is removed the message is
// decoded and encoded again (compression pointers into removed records would break otherwise).
//
// Threading: one filter per worker (it keeps scratch buffers), used on that worker's thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <vector>

#include "residns/policy/access_control.hpp"
#include "residns/policy/address.hpp"
#include "residns/policy/settings.hpp"
#include "residns/wire/message.hpp"
#include "residns/wire/name.hpp"
#include "residns/wire/packet_index.hpp"

namespace residns::policy {

enum class rebinding_outcome : std::uint8_t {
    unchanged,  // nothing to remove (or the filter is off): use the input as it is
    filtered,   // records were removed: the new message is in the output buffer
    malformed,  // the input does not parse (or cannot be written again): answer SERVFAIL
};

struct rebinding_result {
    rebinding_outcome outcome = rebinding_outcome::unchanged;
    std::size_t removed = 0;  // A/AAAA records removed (RRSIGs not counted)
    std::size_t length = 0;   // of the filtered message, when outcome == filtered
};

class rebinding_filter {
public:
    // Extra names allowed to hold private addresses (e.g. "is this local data?"); takes the
    // owner name as read from the packet.
    using allow_fn = std::function<bool(const wire::name& owner)>;

    // Allow-list entries that are not valid names are ignored (the config loader rejects them).
    explicit rebinding_filter(const rebinding_settings& config = {});

    bool enabled() const { return enabled_; }

    // True when `address` is in the private set.
    bool is_private(const client_address& address) const {
        return private_.check(address) == acl_verdict::allow;
    }
    // True when `owner` is at or below an allow-listed domain.
    bool allowed(const wire::name& owner) const;

    // Filters `answer` (an upstream's response). With outcome `filtered` the new message is in
    // out[0, length); `out` should hold 65535 bytes (a smaller buffer can make it `malformed`).
    // `also_allowed` may be empty.
    rebinding_result filter(std::span<const std::uint8_t> answer, std::span<std::uint8_t> out,
                            const allow_fn& also_allowed = {});

private:
    bool blocked_address(std::uint16_t type, std::uint16_t rr_class,
                         std::span<const std::uint8_t> rdata) const;
    bool blocked(const wire::name& owner, std::uint16_t type, std::uint16_t rr_class,
                 std::span<const std::uint8_t> rdata, const allow_fn& also_allowed) const;

    bool enabled_ = false;
    // The private set as an access list whose "allow" ranges are the private prefixes: its
    // sorted, merged ranges and binary search are exactly what is needed here.
    access_control private_;
    std::vector<wire::name> allow_;  // lower-cased
    wire::packet_index index_;       // scratch, reused
    wire::message message_;          // scratch for the slow path
};

}  // namespace residns::policy
