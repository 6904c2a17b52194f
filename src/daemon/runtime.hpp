// The running daemon: workers, signals (SIGTERM/SIGINT drain and exit, SIGHUP reload) and the
// reload of the configuration. Runs on the main thread; workers run on their own threads.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/signal_set.hpp>

#include "residns/cache/answer_cache.hpp"
#include "residns/config/daemon_config.hpp"
#include "residns/server/worker.hpp"
#include "residns/zone/local_loader.hpp"

namespace residns::daemon {

class runtime {
public:
    // `local` has loaded config.local already (start() hands its data to the workers).
    runtime(std::string config_path, config::daemon_config config, zone::local_loader local);
    ~runtime();

    // Binds every listener and starts the workers; throws on failures (with a message).
    void start();
    // Runs until SIGTERM or SIGINT, then drains and returns the process exit code.
    int run();

private:
    void wait_for_stop();
    void wait_for_reload();
    void reload();
    void log_upstreams() const;
    void reload_local_data();
    server::forwarder_factory forwarder_factory_for(const upstream::settings& settings) const;

    std::string config_path_;
    config::daemon_config config_;
    zone::local_loader local_;
    boost::asio::io_context control_io_{1};
    boost::asio::signal_set stop_signals_;
    boost::asio::signal_set reload_signals_;
    // Shared by every worker; declared before them so that it outlives them. Kept across reloads.
    std::unique_ptr<cache::answer_cache> cache_;
    std::unique_ptr<server::flight_registry> flights_;
    std::vector<std::unique_ptr<server::worker>> workers_;
};

}  // namespace residns::daemon
