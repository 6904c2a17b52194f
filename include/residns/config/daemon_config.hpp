// The whole daemon configuration: one plain settings struct per module plus what only the daemon
// itself uses. Filled by the loader (loader.hpp) or by tests with designated initializers.
#pragma once

#include <string>

#include "residns/cache/settings.hpp"
#include "residns/control/settings.hpp"
#include "residns/server/settings.hpp"
#include "residns/upstream/settings.hpp"
#include "residns/zone/settings.hpp"

namespace residns::config {

struct log_settings {
    // One of: trace, debug, info, warn, error, critical, off (spdlog's level names).
    std::string level = "info";
    // The query log: one line per answered query (client, name, type, RCODE, where the answer
    // came from, latency), written by its own thread; off by default.
    bool queries = false;
    // Where the query log goes; empty: standard error, with the daemon's own log.
    std::string query_file;

    friend bool operator==(const log_settings&, const log_settings&) = default;
};

// Who the daemon runs as once its sockets are bound (`user`, `group`); empty: stay who started it.
struct run_as_settings {
    // A user name or number.
    std::string user;
    // A group name or number; empty: the user's primary group.
    std::string group;

    friend bool operator==(const run_as_settings&, const run_as_settings&) = default;
};

struct daemon_config {
    // Path of the file the configuration came from (the file name given to load_string).
    std::string source;
    server::settings server;
    upstream::settings upstream;
    log_settings log;
    run_as_settings run_as;
    cache::settings cache;
    // Local data: zone files, hosts files and inline records.
    zone::settings local;
    // The metrics/health HTTP endpoint and the control socket (residns-ctl).
    control::metrics_settings metrics;
    control::control_settings control;
    // Where the default upstreams come from when the file has no `upstreams` key.
    std::string resolv_conf = "/etc/resolv.conf";
    // True when `upstreams` was absent and upstream.upstreams was filled from resolv_conf.
    bool upstreams_from_resolv_conf = false;

    friend bool operator==(const daemon_config&, const daemon_config&) = default;
};

}  // namespace residns::config
