// Worker start-up, signal handling, draining and reloading.
#include "runtime.hpp"

#include <csignal>
#include <thread>

#include <spdlog/spdlog.h>

#include "logging.hpp"
#include "residns/config/loader.hpp"
#include "residns/upstream/cares_forwarder.hpp"

namespace residns::daemon {
namespace {

constexpr std::chrono::milliseconds drain_deadline{2000};

std::string describe(const server::bound_address& a) {
    std::string address = a.address.to_string();
    if (a.address.is_v6()) address = "[" + address + "]";
    return address + ":" + std::to_string(a.port);
}

}  // namespace

runtime::runtime(std::string config_path, config::daemon_config config, zone::local_loader local)
    : config_path_(std::move(config_path)),
      config_(std::move(config)),
      local_(std::move(local)),
      stop_signals_(control_io_, SIGTERM, SIGINT),
      reload_signals_(control_io_, SIGHUP) {}

runtime::~runtime() {
    for (auto& w : workers_)
        w->join();
}

server::forwarder_factory runtime::forwarder_factory_for(const upstream::settings& settings) const {
    return [settings](boost::asio::io_context& io) {
        return upstream::make_cares_forwarder(io, settings);
    };
}

void runtime::log_upstreams() const {
    const auto& up = config_.upstream;
    if (up.upstreams.empty()) {
        spdlog::warn("no upstream servers{}: names without local data get SERVFAIL",
                     config_.upstreams_from_resolv_conf
                         ? " (none usable in " + config_.resolv_conf + ")"
                         : "");
    }
    for (const auto& u : up.upstreams)
        spdlog::info("upstream {} port {}", u.address, u.port);
    for (const auto& zone : up.forward_zones) {
        spdlog::info("forward zone {} to {} upstream(s)", zone.zone, zone.upstreams.size());
    }
}

void runtime::start() {
    std::size_t threads = config_.server.threads;
    if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());
    std::vector<server::bound_address> bind_to;
    for (const auto& listen : config_.server.listen) {
        bind_to.push_back({server::parse_listen_address(listen.address), listen.port});
    }
    auto make_forwarder = forwarder_factory_for(config_.upstream);
    cache_ = std::make_unique<cache::answer_cache>(config_.cache);
    flights_ = std::make_unique<server::flight_registry>();
    for (std::size_t i = 0; i < threads; ++i) {
        workers_.push_back(
            std::make_unique<server::worker>(config_.server, bind_to, make_forwarder, cache_.get(),
                                             config_.upstream.forward_zones, flights_.get()));
        // Ports of 0 are now concrete: the other workers share them through SO_REUSEPORT.
        if (i == 0) bind_to = workers_.front()->bound();
        workers_.back()->set_local_data(local_.current());
    }
    log_upstreams();
    for (auto& w : workers_)
        w->start_thread();
    for (const auto& a : bind_to)
        spdlog::info("listening on {} (udp, tcp)", describe(a));
    spdlog::info("residns {} ready with {} worker(s)", RESIDNS_VERSION, threads);
}

int runtime::run() {
    wait_for_stop();
    wait_for_reload();
    control_io_.run();
    spdlog::info("shutting down: finishing queries in flight");
    for (auto& w : workers_)
        w->drain(drain_deadline);
    for (auto& w : workers_)
        w->join();
    workers_.clear();
    spdlog::info("stopped");
    return 0;
}

void runtime::wait_for_stop() {
    stop_signals_.async_wait([this](const boost::system::error_code& error, int signal) {
        if (error) return;
        spdlog::info("received signal {}", signal);
        reload_signals_.cancel();
        control_io_.stop();
    });
}

void runtime::wait_for_reload() {
    reload_signals_.async_wait([this](const boost::system::error_code& error, int) {
        if (error) return;
        reload();
        wait_for_reload();
    });
}

void runtime::reload_local_data() {
    const zone::load_outcome outcome = local_.reload(config_.local);
    for (const auto& w : outcome.warnings)
        spdlog::warn("{}", w.to_string());
    for (const auto& e : outcome.errors)
        spdlog::error("{}", e.to_string());
    if (!outcome.errors.empty()) {
        spdlog::error("local data: {} error(s); what failed keeps its previous data",
                      outcome.errors.size());
    }
    if (!outcome.changed) return;
    for (auto& w : workers_)
        w->set_local_data(outcome.data);
    spdlog::info("local data: {} zone(s), {} record(s)", outcome.zones, outcome.records);
}

void runtime::reload() {
    spdlog::info("reloading {}", config_path_);
    config::load_result loaded = config::load_file(config_path_);
    if (!loaded.config) {
        for (const auto& e : loaded.errors)
            spdlog::error("{}", e.to_string());
        spdlog::error("reload failed: keeping the running configuration");
        return;
    }
    config::daemon_config fresh = std::move(*loaded.config);
    if (fresh.server != config_.server) {
        spdlog::warn(
            "changes to listen, threads, edns_buffer_size or tcp take effect at the next restart");
    }
    if (fresh.cache != config_.cache) {
        spdlog::warn("changes to cache take effect at the next restart (the cache is kept)");
    }
    if (fresh.log != config_.log) set_log_level(fresh.log.level);
    bool upstreams_changed = fresh.upstream != config_.upstream;
    fresh.server = config_.server;
    fresh.cache = config_.cache;
    config_ = std::move(fresh);
    reload_local_data();
    if (upstreams_changed) {
        for (auto& w : workers_)
            w->replace_forwarder(forwarder_factory_for(config_.upstream),
                                 config_.upstream.forward_zones);
        log_upstreams();
    }
    spdlog::info("reload done");
}

}  // namespace residns::daemon
