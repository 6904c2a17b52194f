// Worker start-up, signal handling, draining and reloading; the control plane's side of the
// metrics endpoint and the control socket.
#include "runtime.hpp"

#include <algorithm>
#include <csignal>
#include <thread>

#include <spdlog/spdlog.h>

#include "describe.hpp"
#include "logging.hpp"
#include "residns/cache/snapshot.hpp"
#include "residns/config/loader.hpp"
#include "residns/control/explain.hpp"
#include "residns/control/reload_flush.hpp"
#include "residns/upstream/cares_forwarder.hpp"

namespace residns::daemon {
namespace {

constexpr std::chrono::milliseconds drain_deadline{2000};
// Query log records each worker can hold before the writer thread takes them (~300 bytes each).
constexpr std::size_t query_ring_size = 8192;

// Unix seconds: steady time does not survive a restart, a snapshot's age needs the wall clock.
std::int64_t wall_seconds() {
    return std::chrono::duration_cast<std::chrono::seconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

}  // namespace

runtime::runtime(std::string config_path, config::daemon_config config, zone::local_loader local,
                 startup_options options)
    : config_path_(std::move(config_path)),
      config_(std::move(config)),
      options_(std::move(options)),
      local_(std::move(local)),
      stop_signals_(control_io_, SIGTERM, SIGINT),
      reload_signals_(control_io_, SIGHUP) {}

runtime::~runtime() {
    for (auto& w : workers_)
        w->join();
}

server::forwarder_factory runtime::forwarder_factory_for(
    const upstream::settings& settings, upstream::upstream_metrics* metrics) const {
    return [settings, metrics](boost::asio::io_context& io) {
        upstream::cares_tuning tuning;
        tuning.metrics = metrics;
        return upstream::make_cares_forwarder(io, settings, tuning);
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

void runtime::tag_upstreams() {
    for (const auto& u : config_.upstream.upstreams)
        origins_.add(u);
    for (const auto& zone : config_.upstream.forward_zones) {
        for (const auto& u : zone.upstreams)
            origins_.add(u);
    }
}

void runtime::start() {
    std::size_t threads = config_.server.threads;
    if (threads == 0) threads = std::max(1u, std::thread::hardware_concurrency());
    cache_ = std::make_unique<cache::answer_cache>(config_.cache);
    tag_upstreams();
    cache_view_ = std::make_unique<control::answer_cache_view>(*cache_, &origins_);
    flights_ = std::make_unique<server::flight_registry>();
    create_workers(threads);
    if (options_.activation.empty()) {
        open_configured_listeners();
    } else {
        adopt_activation_sockets();
    }
    if (config_.log.queries) {
        std::vector<server::query_log_ring*> rings;
        for (auto& w : workers_) {
            query_rings_.push_back(std::make_unique<server::query_log_ring>(query_ring_size));
            rings.push_back(query_rings_.back().get());
            w->set_query_log(rings.back());
        }
        query_log_ = std::make_unique<query_log_writer>(std::move(rings), config_.log.query_file);
        spdlog::info("query log to {}",
                     config_.log.query_file.empty() ? "standard error" : config_.log.query_file);
    }
    log_upstreams();
    load_cache_snapshot();
    // Every listener is bound. The metrics endpoint and the control socket exist before the first
    // query is answered (they serve once run() runs control_io_).
    listening_ready_ = true;
    start_control_plane();
    drop_privileges_if_configured();
    for (auto& w : workers_)
        w->start_thread();
    spdlog::info("residns {} ready with {} worker(s)", RESIDNS_VERSION, threads);
    notify_.ready(status_line());
}

int runtime::run() {
    wait_for_stop();
    wait_for_reload();
    schedule_cache_snapshot();
    control_io_.run();
    notify_.stopping();
    spdlog::info("shutting down: finishing queries in flight");
    http_.reset();
    control_.reset();
    for (auto& w : workers_)
        w->drain(drain_deadline);
    for (auto& w : workers_)
        w->join();
    workers_.clear();
    query_log_.reset();
    save_cache_snapshot();
    spdlog::info("stopped");
    return 0;
}

void runtime::wait_for_stop() {
    stop_signals_.async_wait([this](const boost::system::error_code& error, int signal) {
        if (error) return;
        spdlog::info("received signal {}", signal);
        reload_signals_.cancel();
        snapshot_timer_.cancel();
        control_io_.stop();
    });
}

void runtime::wait_for_reload() {
    reload_signals_.async_wait([this](const boost::system::error_code& error, int) {
        if (error) return;
        reload_configuration();
        wait_for_reload();
    });
}

bool runtime::reload_local_data() {
    const zone::load_outcome outcome = local_.reload(config_.local);
    for (const auto& w : outcome.warnings)
        spdlog::warn("{}", w.to_string());
    for (const auto& e : outcome.errors)
        spdlog::error("{}", e.to_string());
    if (!outcome.errors.empty()) {
        spdlog::error("local data: {} error(s); what failed keeps its previous data",
                      outcome.errors.size());
    }
    if (!outcome.changed) return false;
    for (auto& w : workers_)
        w->set_local_data(outcome.data);
    spdlog::info("local data: {} zone(s), {} record(s)", outcome.zones, outcome.records);
    return true;
}

// Only what the reload made wrong goes (control/reload_flush.hpp); the rest of the cache stays.
void runtime::flush_after_reload(const upstream::settings& before_upstream,
                                 const zone::local_data* before_local, bool local_changed) {
    if (!cache_) return;
    const control::reload_flush plan = control::plan_reload_flush(
        before_upstream, config_.upstream, before_local, local_.current().get(), local_changed);
    std::size_t flushed = 0;
    for (const auto& apex : plan.subtrees)
        flushed += cache_->flush_subtree(apex);
    for (const auto& name : plan.names)
        flushed += cache_->flush_name(name);
    if (!plan.empty()) {
        spdlog::info("reload flushed {} cache entries under {} changed name(s)", flushed,
                     plan.subtrees.size() + plan.names.size());
    }
}

// Settings that only a restart applies: named in a warning, and the running values stay in
// `fresh`.
void runtime::keep_restart_only_settings(config::daemon_config& fresh) const {
    server::settings server = fresh.server;
    server.listen = config_.server.listen;
    server.policy = config_.server.policy;
    if (server != config_.server) {
        spdlog::warn("changes to threads, edns_buffer_size or tcp take effect at the next restart");
    }
    if (fresh.cache != config_.cache) {
        spdlog::warn("changes to cache take effect at the next restart (the cache is kept)");
    }
    if (fresh.metrics != config_.metrics || fresh.control != config_.control) {
        spdlog::warn("changes to metrics or control take effect at the next restart");
    }
    if (fresh.run_as != config_.run_as) {
        spdlog::warn("changes to user or group take effect at the next restart");
    }
    fresh.server.threads = config_.server.threads;
    fresh.server.edns_udp_size = config_.server.edns_udp_size;
    fresh.server.tcp = config_.server.tcp;
    fresh.cache = config_.cache;
    fresh.metrics = config_.metrics;
    fresh.control = config_.control;
    fresh.run_as = config_.run_as;
}

runtime::reload_outcome runtime::reload_configuration() {
    notify_.reloading();
    spdlog::info("reloading {}", config_path_);
    config::load_result loaded = config::load_file(config_path_);
    if (!loaded.config) {
        reload_outcome failed;
        for (const auto& e : loaded.errors) {
            failed.messages.push_back(e.to_string());
            spdlog::error("{}", failed.messages.back());
        }
        spdlog::error("reload failed: keeping the running configuration");
        notify_.ready("reload failed, running the previous configuration; " + status_line());
        return failed;
    }
    config::daemon_config fresh = std::move(*loaded.config);
    keep_restart_only_settings(fresh);
    if (fresh.log.level != config_.log.level) daemon::set_log_level(fresh.log.level);
    if (fresh.log.queries != config_.log.queries) {
        spdlog::warn("turning the query log on or off takes effect at the next restart");
        fresh.log.queries = config_.log.queries;
    }
    if (query_log_) {
        // Reopened even when unchanged: a reload after log rotation starts a new file.
        const std::string error = query_log_->reopen(fresh.log.query_file);
        if (!error.empty()) {
            spdlog::error("query log: {}; still writing to the previous file", error);
            fresh.log.query_file = config_.log.query_file;
        }
    }

    reload_outcome outcome{.applied = true, .messages = {}};
    apply_listen_changes(fresh.server.listen, outcome.messages);
    if (fresh.server.policy != config_.server.policy) apply_policy(fresh.server.policy);
    const bool upstreams_changed = fresh.upstream != config_.upstream;
    const upstream::settings before_upstream = config_.upstream;
    const std::shared_ptr<const zone::local_data> before_local = local_.current();
    config_ = std::move(fresh);

    const bool local_changed = reload_local_data();
    if (upstreams_changed) {
        tag_upstreams();
        for (std::size_t i = 0; i < workers_.size(); ++i) {
            workers_[i]->replace_forwarder(
                forwarder_factory_for(config_.upstream, upstream_metrics_[i].get()),
                config_.upstream.forward_zones);
        }
        log_upstreams();
    }
    flush_after_reload(before_upstream, before_local.get(), local_changed);
    if (outcome.messages.empty()) {
        spdlog::info("reload done");
    } else {
        spdlog::warn("reload done with {} problem(s)", outcome.messages.size());
    }
    notify_.ready(status_line());
    return outcome;
}

// The metrics endpoint and the control socket, on control_io_ (never on a worker). Failing to
// open either stops the start-up, as a listener that does not bind does.
void runtime::start_control_plane() {
    if (config_.metrics.enabled) {
        const boost::asio::ip::tcp::endpoint at(
            server::parse_listen_address(config_.metrics.address), config_.metrics.port);
        try {
            http_ = std::make_unique<control::http_server>(
                control_io_, at,
                control::http_handlers{
                    .metrics = [this] { return control::render_prometheus(snapshot()); },
                    .ready = [this] { return ready(); }});
        } catch (const boost::system::system_error& e) {
            throw std::runtime_error("metrics.listen " + describe({at.address(), at.port()}) +
                                     ": " + e.code().message());
        }
        const auto bound = http_->local_endpoint();
        spdlog::info("metrics on http://{}/metrics", describe({bound.address(), bound.port()}));
    }
    if (config_.control.enabled) {
        control_ = std::make_unique<control::control_server>(
            control_io_, config_.control.socket, static_cast<control::control_backend&>(*this));
        spdlog::info("control socket {}", config_.control.socket);
    }
}

// The upstream configuration a cache snapshot belongs to: the default upstreams and the forward
// zones, in order. Stable across builds and runs (SipHash under a fixed key).
std::uint64_t runtime::upstream_hash() const {
    std::string text;
    for (const auto& u : config_.upstream.upstreams) {
        text += u.address;
        text += ' ';
        text += std::to_string(u.port);
        text += '\n';
    }
    for (const auto& zone : config_.upstream.forward_zones) {
        text += "zone ";
        text += zone.zone;
        text += '\n';
        for (const auto& u : zone.upstreams) {
            text += u.address;
            text += ' ';
            text += std::to_string(u.port);
            text += '\n';
        }
    }
    return cache::siphash13(cache::hash_secret{},
                            {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()});
}

void runtime::load_cache_snapshot() {
    const std::string& path = config_.cache.snapshot_file;
    if (path.empty() || !cache_) return;
    const auto started = std::chrono::steady_clock::now();
    std::vector<std::uint8_t> bytes;
    // A snapshot is smaller than the cache it came from; twice the bound leaves room for a
    // cache that was configured larger.
    const std::size_t limit = std::max<std::size_t>(config_.cache.max_bytes, 1 << 20) * 2;
    const std::string error = cache::read_snapshot_file(path, limit, bytes);
    if (error == "no such file") {
        spdlog::info("cache snapshot {}: none yet, starting with an empty cache", path);
        return;
    }
    if (!error.empty()) {
        spdlog::warn("cache snapshot {} ignored: {}", path, error);
        return;
    }
    const cache::restore_result r = cache::restore_snapshot(
        bytes, *cache_, std::chrono::steady_clock::now(), {upstream_hash(), wall_seconds()});
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                        std::chrono::steady_clock::now() - started)
                        .count();
    if (r.status == cache::snapshot_status::loaded || r.restored != 0) {
        spdlog::info("restored {} entries ({} stale) from {} in {} ms", r.restored, r.stale, path,
                     ms);
    }
    if (r.status != cache::snapshot_status::loaded) {
        spdlog::warn("cache snapshot {} ignored{}: {}", path,
                     r.restored != 0 ? " from the first bad entry on" : "", r.detail);
    }
}

void runtime::save_cache_snapshot() {
    const std::string& path = config_.cache.snapshot_file;
    if (path.empty() || !cache_) return;
    const auto started = std::chrono::steady_clock::now();
    std::size_t entries = 0;
    const auto bytes =
        cache::save_snapshot(*cache_, started, {upstream_hash(), wall_seconds()}, &entries);
    const std::string error = cache::write_snapshot_file(path, bytes);
    if (!error.empty()) {
        spdlog::error("cache snapshot not written: {}", error);
        return;
    }
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                        std::chrono::steady_clock::now() - started)
                        .count();
    spdlog::info("wrote {} cache entries ({} bytes) to {} in {} ms", entries, bytes.size(), path,
                 ms);
}

void runtime::schedule_cache_snapshot() {
    if (config_.cache.snapshot_file.empty() || config_.cache.snapshot_interval.count() == 0) return;
    snapshot_timer_.expires_after(config_.cache.snapshot_interval);
    snapshot_timer_.async_wait([this](const boost::system::error_code& error) {
        if (error) return;
        save_cache_snapshot();
        schedule_cache_snapshot();
    });
}

control::metrics_snapshot runtime::snapshot() const {
    control::metrics_snapshot s;
    for (std::size_t i = 0; i < workers_.size(); ++i) {
        control::add_worker(s, workers_[i]->counters(), workers_[i]->transport());
        control::add_upstreams(s, *upstream_metrics_[i]);
    }
    if (cache_) control::set_cache(s, cache_->stats());
    if (query_log_) s.query_log_dropped = query_log_->dropped();
    return s;
}

// Listeners bound, and an upstream of the running configuration up (or none configured).
bool runtime::ready() const {
    if (!listening_ready_) return false;
    std::vector<std::string> configured;
    for (const auto& u : config_.upstream.upstreams)
        configured.push_back(control::endpoint_name(u.address, u.port));
    for (const auto& zone : config_.upstream.forward_zones) {
        for (const auto& u : zone.upstreams)
            configured.push_back(control::endpoint_name(u.address, u.port));
    }
    if (configured.empty()) return true;
    const auto s = snapshot();
    for (const auto& name : configured) {
        const auto it = std::find_if(s.upstreams.begin(), s.upstreams.end(),
                                     [&](const auto& u) { return u.name == name; });
        if (it == s.upstreams.end() || !it->failing) return true;
    }
    return false;
}

std::string runtime::stats() {
    return control::render_stats(snapshot());
}

control::reply runtime::reload() {
    const auto outcome = reload_configuration();
    if (outcome.applied) {
        std::string text = "reloaded " + config_path_ + "\n";
        for (const auto& m : outcome.messages)
            text += "warning: " + m + "\n";
        return {true, std::move(text)};
    }
    std::string message = "reload failed, the running configuration stays:";
    for (const auto& e : outcome.messages)
        message += "\n" + e;  // one error per line
    return control::reply::error(message);
}

std::size_t runtime::flush_all() {
    return cache_ ? cache_->flush_all() : 0;
}

std::size_t runtime::flush_name(const wire::name& name) {
    return cache_ ? cache_->flush_name(name) : 0;
}

std::size_t runtime::flush_subtree(const wire::name& apex) {
    return cache_ ? cache_->flush_subtree(apex) : 0;
}

control::reply runtime::dump() {
    if (!cache_view_) return control::reply::error("no cache");
    std::string out;
    const bool listed = cache_view_->for_each(
        [&](const control::cache_entry_info& e) { out += control::dump_line(e) + "\n"; });
    if (!listed) {
        return control::reply::error(
            "dump is not available yet: the cache has no read-only iteration API");
    }
    return {true, std::move(out)};
}

bool runtime::set_log_level(const std::string& level) {
    return daemon::set_log_level(level);
}

std::string runtime::explain(const wire::name& name, std::uint16_t qtype) {
    control::explain_context context;
    const auto local = local_.current();
    context.local = local.get();
    context.cache = cache_view_.get();
    context.upstreams = &config_.upstream;
    for (const auto& u : snapshot().upstreams) {
        if (u.failing) context.failing_upstreams.push_back(u.name);
    }
    return control::explain(context, name, qtype);
}

}  // namespace residns::daemon
