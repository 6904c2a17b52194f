// The sockets of the running daemon: the listeners (bound from `listen` in every worker, or
// adopted from socket activation), how a reload opens added addresses and closes removed ones
// without touching the others, the policy the listeners apply, and the switch to `user` once
// everything that needs root is open.
#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <stdexcept>
#include <unistd.h>

#include <spdlog/spdlog.h>

#include "describe.hpp"
#include "runtime.hpp"

namespace residns::daemon {
namespace {

std::string bind_failure(const server::bound_address& where, const boost::system::system_error& e) {
    std::string message = "listen " + describe(where) + ": " + e.code().message();
    if (e.code().value() == EACCES && where.port < 1024) {
        message += can_bind_privileged_ports()
                       ? ""
                       : " (ports below 1024 need root or CAP_NET_BIND_SERVICE; restart residns "
                         "to bind it before dropping privileges)";
    }
    return message;
}

}  // namespace

void runtime::create_workers(std::size_t threads) {
    for (std::size_t i = 0; i < threads; ++i) {
        upstream_metrics_.push_back(std::make_unique<upstream::upstream_metrics>());
        workers_.push_back(std::make_unique<server::worker>(
            config_.server, std::vector<server::bound_address>{},
            forwarder_factory_for(config_.upstream, upstream_metrics_.back().get()), cache_.get(),
            config_.upstream.forward_zones, flights_.get()));
        workers_.back()->set_local_data(local_.current());
        workers_.back()->set_upstream_origins(&origins_);
    }
}

// Binds `where` (UDP and TCP) in every worker and hands the listeners over; all or none. A port
// of 0 is resolved by the first worker, the others share it through SO_REUSEPORT.
server::bound_address runtime::bind_everywhere(server::bound_address where) {
    std::vector<server::listener_set> sets;
    try {
        for (auto& w : workers_) {
            sets.push_back(w->bind_listeners({where}));
            if (sets.size() == 1) where.port = sets.front().udp.front()->local_endpoint().port();
        }
    } catch (const boost::system::system_error& e) {
        throw std::runtime_error(bind_failure(where, e));
    }
    for (std::size_t i = 0; i < workers_.size(); ++i)
        workers_[i]->attach(std::move(sets[i]));
    return where;
}

void runtime::open_configured_listeners() {
    for (const auto& listen : config_.server.listen) {
        const server::bound_address where{server::parse_listen_address(listen.address),
                                          listen.port};
        const auto bound = bind_everywhere(where);
        listening_.push_back({listen, bound});
        spdlog::info("listening on {} (udp, tcp)", describe(bound));
    }
}

void runtime::adopt_activation_sockets() {
    try {
        for (auto& w : workers_)
            w->attach(w->adopt(options_.activation));
    } catch (const boost::system::system_error& e) {
        throw std::runtime_error("socket activation: " + e.code().message());
    }
    for (auto& s : options_.activation) {
        spdlog::info("listening on {} (socket activation)", describe(s));
        ::close(s.fd);  // every worker has its own duplicate
        s.fd = -1;
    }
    spdlog::info("socket activation: serving the {} passed socket(s); listen is not used",
                 options_.activation.size());
}

void runtime::apply_listen_changes(const std::vector<server::listen_address>& wanted,
                                   std::vector<std::string>& problems) {
    if (!options_.activation.empty()) {
        if (wanted != config_.server.listen) {
            spdlog::warn("listen changed but is not used: the sockets come from socket activation");
        }
        return;
    }
    const auto is_wanted = [&](const server::listen_address& a) {
        return std::find(wanted.begin(), wanted.end(), a) != wanted.end();
    };
    std::vector<server::bound_address> removed;
    std::erase_if(listening_, [&](const listening& l) {
        if (is_wanted(l.configured)) return false;
        removed.push_back(l.bound);
        spdlog::info("no longer listening on {}", describe(l.bound));
        return true;
    });
    if (!removed.empty()) {
        for (auto& w : workers_)
            w->detach(removed);
    }
    for (const auto& listen : wanted) {
        const bool open = std::any_of(listening_.begin(), listening_.end(),
                                      [&](const listening& l) { return l.configured == listen; });
        if (open) continue;
        try {
            const server::bound_address where{server::parse_listen_address(listen.address),
                                              listen.port};
            const auto bound = bind_everywhere(where);
            listening_.push_back({listen, bound});
            spdlog::info("listening on {} (udp, tcp)", describe(bound));
        } catch (const std::exception& e) {
            problems.emplace_back(e.what());
            spdlog::error("{}; the other listeners keep serving", e.what());
        }
    }
}

void runtime::apply_policy(const policy::settings& policy) {
    for (auto& w : workers_)
        w->set_policy(policy);
    spdlog::info("access_control and rate_limit applied to {} worker(s)", workers_.size());
}

std::string runtime::status_line() const {
    const std::size_t addresses =
        options_.activation.empty() ? listening_.size() : options_.activation.size();
    return "serving on " + std::to_string(addresses) +
           (options_.activation.empty() ? " address(es)" : " passed socket(s)") + " with " +
           std::to_string(workers_.size()) + " worker(s)";
}

void runtime::drop_privileges_if_configured() {
    if (!options_.run_as) return;
    const identity& who = *options_.run_as;
    // Files the daemon still changes as that user: the control socket (removed at exit) and the
    // cache snapshot (rewritten).
    for (const std::string& path :
         {config_.control.enabled ? config_.control.socket : std::string(),
          config_.cache.snapshot_file}) {
        if (path.empty() || !std::filesystem::exists(path)) continue;
        if (::chown(path.c_str(), who.uid, who.gid) != 0) {
            spdlog::warn("{}: cannot give it to user {}: {}", path, who.user, std::strerror(errno));
        }
    }
    drop_privileges(who);  // throws: the caller stops the start-up
    spdlog::info("running as user {} (uid {}) and group {} (gid {}){}", who.user, who.uid,
                 who.group, who.gid,
                 can_bind_privileged_ports() ? ", keeping CAP_NET_BIND_SERVICE" : "");
}

}  // namespace residns::daemon
