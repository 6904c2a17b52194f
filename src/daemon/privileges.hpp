// Running as an unprivileged user (`user` / `group` in the config): the daemon binds its sockets
// as root, then switches to that user before any worker answers a query. It keeps
// CAP_NET_BIND_SERVICE alone (PR_SET_KEEPCAPS, then capset), so that a reload can still bind a new
// port below 1024, and verifies that it cannot become root again; any failure stops the daemon.
//
// Threading: call on the main thread before any other thread exists (capability sets are per
// thread; threads started later inherit them).
#pragma once

#include <string>
#include <sys/types.h>

namespace residns::daemon {

struct identity {
    std::string user;
    std::string group;
    uid_t uid = 0;
    gid_t gid = 0;
};

// Looks up `user` (a name or a number) and `group` (empty: the user's primary group); throws
// std::runtime_error naming what does not exist.
identity resolve_identity(const std::string& user, const std::string& group);

// setgroups, setgid, setuid (keeping CAP_NET_BIND_SERVICE only), then checks that root cannot be
// regained. Throws std::runtime_error on any failure; the caller must not go on serving.
void drop_privileges(const identity& to);

// True when the calling thread may bind ports below 1024 (for reload messages).
bool can_bind_privileged_ports();

}  // namespace residns::daemon
