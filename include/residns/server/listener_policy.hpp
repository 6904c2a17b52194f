// The policy a worker's listeners apply before the query handler: the access list, the rate
// limiter (null when off) and the UDP size advertised in the policy's own answers. Owned by the
// worker and referenced by its listeners, so a reload replaces it in place (on the worker's thread)
// and every listener sees the new policy at its next packet or connection.
//
// Threading: read and replaced only on the owning worker's thread.
#pragma once

#include <cstdint>
#include <memory>

#include "residns/policy/access_control.hpp"
#include "residns/policy/rate_limiter.hpp"

namespace residns::server {

struct listener_policy {
    policy::access_control acl;
    std::unique_ptr<policy::rate_limiter> limiter;
    std::uint16_t edns_udp_size = 1232;
};

}  // namespace residns::server
