// Keeps residns from forwarding to itself: upstreams taken from /etc/resolv.conf often point at
// the very address residns listens on (`nameserver 127.0.0.1`), which would loop every query.
#pragma once

#include <string>
#include <vector>

#include "residns/server/settings.hpp"
#include "residns/upstream/settings.hpp"

namespace residns::config {

// Removes the upstreams that are residns itself. An upstream is residns when its port equals a
// listen address's port and either its address is that listen address, or the listen address is a
// wildcard (0.0.0.0 or ::) and the upstream is a loopback address (127.0.0.0/8, ::1) or an address
// of a local interface (getifaddrs). Addresses are compared by value (::ffff:127.0.0.1 is
// 127.0.0.1), and an unspecified upstream (0.0.0.0, ::) counts as loopback, as the kernel sends
// to loopback when asked to connect to it. getifaddrs is called only if a listen is a wildcard.
std::vector<upstream::endpoint> without_own_addresses(
    std::vector<upstream::endpoint> upstreams, const std::vector<server::listen_address>& listen);

// The same with the local interface addresses given (numeric text; unparsable entries ignored),
// for tests and for callers that already have them.
std::vector<upstream::endpoint> without_own_addresses(
    std::vector<upstream::endpoint> upstreams, const std::vector<server::listen_address>& listen,
    const std::vector<std::string>& local_addresses);

// Numeric addresses of the local network interfaces (getifaddrs), IPv4 and IPv6, without scope
// ids; empty if getifaddrs fails.
std::vector<std::string> local_interface_addresses();

}  // namespace residns::config
