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

// Forwarding loops in the configured upstreams: removes from `upstreams.upstreams` and from each
// forward zone's upstreams every endpoint that is residns itself (as without_own_addresses), and
// returns one message per removed endpoint ("upstreams: 127.0.0.1:53 is ..."). The loader turns
// them into warnings: the daemon starts without that upstream rather than not at all (a forward
// zone left with no upstream answers SERVFAIL for its names). `local_addresses` as above; null:
// ask getifaddrs when a listen address is a wildcard.
std::vector<std::string> remove_forwarding_loops(
    upstream::settings& upstreams, const std::vector<server::listen_address>& listen,
    const std::vector<std::string>* local_addresses = nullptr);

// Numeric addresses of the local network interfaces (getifaddrs), IPv4 and IPv6, without scope
// ids; empty if getifaddrs fails.
std::vector<std::string> local_interface_addresses();

}  // namespace residns::config
