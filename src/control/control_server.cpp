// The control socket: accept on a Unix stream socket, read one bounded request line, run it,
// write the reply, close. Owner-only socket file, removed on destruction.
#include "residns/control/control_server.hpp"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <stdexcept>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/streambuf.hpp>
#include <boost/asio/write.hpp>
#include <spdlog/spdlog.h>

namespace residns::control {

using unix_socket = boost::asio::local::stream_protocol;

struct control_server::state : std::enable_shared_from_this<control_server::state> {
    state(boost::asio::io_context& io, std::string p, control_backend& b,
          std::chrono::milliseconds t)
        : acceptor(io), path(std::move(p)), backend(&b), timeout(t) {}

    unix_socket::acceptor acceptor;
    std::string path;
    control_backend* backend;
    std::chrono::milliseconds timeout;
    bool stopped = false;

    void accept();
};

namespace {

// Is something listening at `path`? (A leftover socket file from a process that died is not.)
bool someone_listens(const std::string& path) {
    boost::asio::io_context io;
    unix_socket::socket probe(io);
    boost::system::error_code ec;
    probe.connect(unix_socket::endpoint(path), ec);
    return !ec;
}

class connection : public std::enable_shared_from_this<connection> {
public:
    connection(unix_socket::socket socket, std::shared_ptr<control_server::state> server)
        : socket_(std::move(socket)),
          timer_(socket_.get_executor()),
          input_(max_request_line + 1),
          server_(std::move(server)) {}

    void start() {
        timer_.expires_after(server_->timeout);
        timer_.async_wait([weak = weak_from_this()](boost::system::error_code ec) {
            if (ec) return;
            if (auto self = weak.lock()) {
                boost::system::error_code ignored;
                self->socket_.close(ignored);
            }
        });
        boost::asio::async_read_until(
            socket_, input_, '\n',
            [self = shared_from_this()](boost::system::error_code ec, std::size_t length) {
                self->on_line(ec, length);
            });
    }

private:
    void on_line(boost::system::error_code ec, std::size_t length) {
        if (server_->stopped) return;
        std::string line;
        if (!ec) {
            line.assign(
                boost::asio::buffers_begin(input_.data()),
                boost::asio::buffers_begin(input_.data()) + static_cast<std::ptrdiff_t>(length));
        } else if (ec == boost::asio::error::eof && input_.size() > 0) {
            // A last line without its newline.
            line.assign(boost::asio::buffers_begin(input_.data()),
                        boost::asio::buffers_end(input_.data()));
        } else if (ec == boost::asio::error::not_found) {
            return send(reply::error("request line too long").serialize());
        } else {
            return;
        }
        reply r;
        try {
            r = handle_line(line, *server_->backend);
        } catch (const std::exception& e) {
            r = reply::error(e.what());
        }
        if (r.ok && !line.starts_with("stats")) {
            spdlog::info("control: {}", line.substr(0, line.find_last_not_of("\r\n") + 1));
        }
        send(r.serialize());
    }

    void send(std::string text) {
        output_ = std::move(text);
        boost::asio::async_write(
            socket_, boost::asio::buffer(output_),
            [self = shared_from_this()](boost::system::error_code, std::size_t) {
                boost::system::error_code ignored;
                self->timer_.cancel();
                self->socket_.shutdown(unix_socket::socket::shutdown_both, ignored);
                self->socket_.close(ignored);
            });
    }

    unix_socket::socket socket_;
    boost::asio::steady_timer timer_;
    boost::asio::streambuf input_;
    std::string output_;
    std::shared_ptr<control_server::state> server_;
};

}  // namespace

void control_server::state::accept() {
    acceptor.async_accept(
        [self = shared_from_this()](boost::system::error_code ec, unix_socket::socket socket) {
            if (self->stopped) return;
            if (!ec) {
                std::make_shared<connection>(std::move(socket), self)->start();
            } else if (ec != boost::asio::error::operation_aborted) {
                spdlog::debug("control: accept: {}", ec.message());
            }
            self->accept();
        });
}

control_server::control_server(boost::asio::io_context& io, const std::string& path,
                               control_backend& backend, std::chrono::milliseconds timeout)
    : state_(std::make_shared<state>(io, path, backend, timeout)) {
    const auto fail = [&](const std::string& why) {
        throw std::runtime_error("control socket " + path + ": " + why);
    };
    if (path.size() >= sizeof(sockaddr_un::sun_path)) fail("path too long");
    const std::filesystem::path dir = std::filesystem::path(path).parent_path();
    if (!dir.empty()) {
        std::error_code ec;
        std::filesystem::create_directories(dir, ec);
        if (ec) fail("cannot create " + dir.string() + ": " + ec.message());
    }
    struct stat st {};
    if (::lstat(path.c_str(), &st) == 0) {
        if (!S_ISSOCK(st.st_mode)) fail("exists and is not a socket");
        if (someone_listens(path)) fail("another process is listening on it");
        ::unlink(path.c_str());
    }
    auto& acceptor = state_->acceptor;
    acceptor.open(unix_socket());
    // The socket file gets the mode bind() creates it with: owner-only from the start.
    const mode_t old_mask = ::umask(0177);
    boost::system::error_code ec;
    acceptor.bind(unix_socket::endpoint(path), ec);
    ::umask(old_mask);
    if (ec) fail(ec.message());
    if (::chmod(path.c_str(), 0600) != 0) fail(std::strerror(errno));
    acceptor.listen(16, ec);
    if (ec) {
        ::unlink(path.c_str());
        fail(ec.message());
    }
    state_->accept();
}

control_server::~control_server() {
    state_->stopped = true;
    boost::system::error_code ignored;
    state_->acceptor.close(ignored);
    ::unlink(state_->path.c_str());
}

const std::string& control_server::path() const {
    return state_->path;
}

}  // namespace residns::control
