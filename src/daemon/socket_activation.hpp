// Socket activation (sd_listen_fds(3) without libsystemd): when $LISTEN_PID is this process and
// $LISTEN_FDS is n > 0, the sockets to serve are fds 3 .. 3+n-1, bound by systemd (or inetd-style
// wrappers), so residns needs no privilege to bind port 53. Each must be an IPv4 or IPv6 UDP or
// TCP socket; anything else stops the start-up with a message. The variables are unset so that
// nothing started later takes the sockets for its own.
//
// Threading: call once at start-up, before any thread exists (it changes the environment).
#pragma once

#include <string>
#include <vector>

#include "residns/server/worker.hpp"

namespace residns::daemon {

// The passed sockets (empty: not socket-activated). They are marked close-on-exec; the caller
// owns them (workers dup them). Throws std::runtime_error on a socket residns cannot serve.
std::vector<server::inherited_socket> take_activation_sockets();

}  // namespace residns::daemon
