// The running daemon: workers, signals (SIGTERM/SIGINT drain and exit, SIGHUP reload), the
// reload of the configuration, and the control plane: the metrics/health HTTP endpoint and the
// control socket (residns-ctl), whose commands it implements (control::control_backend). Runs on
// the main thread (the control io_context); workers run on their own threads.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>

#include "privileges.hpp"
#include "query_log_writer.hpp"
#include "residns/cache/answer_cache.hpp"
#include "residns/config/daemon_config.hpp"
#include "residns/control/cache_view.hpp"
#include "residns/control/command.hpp"
#include "residns/control/control_server.hpp"
#include "residns/control/http_server.hpp"
#include "residns/control/metrics_snapshot.hpp"
#include "residns/server/worker.hpp"
#include "residns/zone/local_loader.hpp"
#include "sd_notify.hpp"

namespace residns::daemon {

// What main() decided before the runtime exists.
struct startup_options {
    // Socket activation: serve these instead of binding `listen` (empty: bind `listen`).
    std::vector<server::inherited_socket> activation;
    // `user` / `group`, resolved: switch to it once every socket is bound.
    std::optional<identity> run_as;
};

class runtime : private control::control_backend {
public:
    // `local` has loaded config.local already (start() hands its data to the workers).
    runtime(std::string config_path, config::daemon_config config, zone::local_loader local,
            startup_options options = {});
    ~runtime() override;

    // Binds every listener, opens the metrics endpoint and the control socket, drops privileges
    // (`user`), starts the workers and tells systemd it is ready; throws on failures (with a
    // message).
    void start();
    // Runs until SIGTERM or SIGINT, then drains and returns the process exit code.
    int run();

private:
    // The result of a reload: `applied` false means the new file was not used (its errors are in
    // `messages`); true with messages means parts failed (a listener that did not bind).
    struct reload_outcome {
        bool applied = false;
        std::vector<std::string> messages;
    };

    void wait_for_stop();
    void wait_for_reload();
    // Re-reads the configuration and applies what can change at runtime; keeps the running
    // configuration when the new one is invalid.
    reload_outcome reload_configuration();
    void keep_restart_only_settings(config::daemon_config& fresh) const;

    // Listeners (runtime_listeners.cpp): the addresses of `listen` as bound, or the sockets of
    // socket activation; a reload opens the added addresses and closes the removed ones.
    struct listening {
        server::listen_address configured;
        server::bound_address bound;
    };
    void create_workers(std::size_t threads);
    server::bound_address bind_everywhere(server::bound_address where);
    void open_configured_listeners();
    void adopt_activation_sockets();
    // Opens and closes listeners so that the running set matches `wanted`; failures to bind are
    // appended to `problems` and the rest still applies.
    void apply_listen_changes(const std::vector<server::listen_address>& wanted,
                              std::vector<std::string>& problems);
    void apply_policy(const policy::settings& policy);
    std::string status_line() const;
    // `user` / `group`: hands the runtime files to that user, then switches to it.
    void drop_privileges_if_configured();
    void log_upstreams() const;
    // Gives every configured upstream a tag in origins_.
    void tag_upstreams();
    // True when the local data was replaced.
    bool reload_local_data();
    void flush_after_reload(const upstream::settings& before_upstream,
                            const zone::local_data* before_local, bool local_changed);
    server::forwarder_factory forwarder_factory_for(const upstream::settings& settings,
                                                    upstream::upstream_metrics* metrics) const;
    void start_control_plane();
    control::metrics_snapshot snapshot() const;
    bool ready() const;
    // Warm restart (cache.snapshot_file): load at start, before the workers answer; save at
    // shutdown after they drained, and every cache.snapshot_interval on control_io_.
    std::uint64_t upstream_hash() const;
    void load_cache_snapshot();
    void save_cache_snapshot();
    void schedule_cache_snapshot();

    // control::control_backend: the commands of residns-ctl, on the control thread.
    std::string stats() override;
    control::reply reload() override;
    std::size_t flush_all() override;
    std::size_t flush_name(const wire::name& name) override;
    std::size_t flush_subtree(const wire::name& apex) override;
    control::reply dump() override;
    bool set_log_level(const std::string& level) override;
    std::string explain(const wire::name& name, std::uint16_t qtype) override;

    std::string config_path_;
    config::daemon_config config_;
    startup_options options_;
    notifier notify_;
    std::vector<listening> listening_;
    zone::local_loader local_;
    boost::asio::io_context control_io_{1};
    boost::asio::signal_set stop_signals_;
    boost::asio::signal_set reload_signals_;
    // Shared by every worker; declared before them so that it outlives them. Kept across reloads.
    std::unique_ptr<cache::answer_cache> cache_;
    // Names the upstream that filled each cache entry (dump, explain); grows at reloads.
    server::upstream_origins origins_;
    std::unique_ptr<server::flight_registry> flights_;
    std::unique_ptr<control::answer_cache_view> cache_view_;
    // One per worker, outliving the workers' forwarders (a reload keeps the counts).
    std::vector<std::unique_ptr<upstream::upstream_metrics>> upstream_metrics_;
    std::vector<std::unique_ptr<server::worker>> workers_;
    // The query log (log.queries): one ring per worker, and the thread that writes them.
    std::vector<std::unique_ptr<server::query_log_ring>> query_rings_;
    std::unique_ptr<query_log_writer> query_log_;
    bool listening_ready_ = false;
    // On control_io_; declared after it so that they close before it goes.
    std::unique_ptr<control::http_server> http_;
    std::unique_ptr<control::control_server> control_;
    boost::asio::steady_timer snapshot_timer_{control_io_};
};

}  // namespace residns::daemon
