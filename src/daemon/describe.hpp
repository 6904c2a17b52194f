// How the daemon names listening addresses and sockets in its log and its messages.
#pragma once

#include <string>

#include "residns/server/worker.hpp"

namespace residns::daemon {

// "127.0.0.1:53", "[::1]:53".
std::string describe(const server::bound_address& a);
// "udp 127.0.0.1:53 (name)" for a passed socket.
std::string describe(const server::inherited_socket& s);

}  // namespace residns::daemon
