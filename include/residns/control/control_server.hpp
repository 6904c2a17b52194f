// The control socket: a Unix stream socket on the daemon's control io_context that reads one
// request line per connection (command.hpp), runs it against the daemon's control_backend and
// writes the reply. The socket's directory is created if missing; the socket is created
// owner-only (mode 0600) and removed when the server goes. A stale socket file (nobody
// listening) is replaced; a live one (another residns) is an error.
//
// Threading: everything runs on the io_context given to the constructor (one thread); commands
// run there one at a time, so a reload blocks the channel while it runs, never a worker.
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include <boost/asio/io_context.hpp>

#include "residns/control/command.hpp"

namespace residns::control {

class control_server {
public:
    // Throws std::runtime_error with the path and reason when the socket cannot be made.
    // `backend` must outlive the server.
    control_server(boost::asio::io_context& io, const std::string& path, control_backend& backend,
                   std::chrono::milliseconds timeout = std::chrono::seconds{10});
    ~control_server();
    control_server(const control_server&) = delete;
    control_server& operator=(const control_server&) = delete;

    const std::string& path() const;

    struct state;

private:
    std::shared_ptr<state> state_;
};

}  // namespace residns::control
