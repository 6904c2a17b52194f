// Internal: readers of each part of the file, one per settings struct. Each takes the value of a
// top-level key and fills its module's own settings struct; loader.cpp maps keys to them.
#pragma once

#include "residns/cache/settings.hpp"
#include "residns/config/daemon_config.hpp"
#include "residns/control/settings.hpp"
#include "residns/server/settings.hpp"
#include "residns/upstream/settings.hpp"
#include "residns/zone/settings.hpp"
#include "yaml_reader.hpp"

namespace residns::config::detail {

// server_section.cpp
void read_listen(const field& value, reader& r, server::settings& out);
void read_threads(const field& value, reader& r, server::settings& out);
void read_edns_buffer_size(const field& value, reader& r, server::settings& out);
void read_tcp(const field& value, reader& r, server::settings& out);

// policy_section.cpp
void read_access_control(const field& value, reader& r, server::settings& out);
void read_rate_limit(const field& value, reader& r, server::settings& out);
void read_rebinding_protection(const field& value, reader& r, server::settings& out);

// upstream_section.cpp
void read_upstreams(const field& value, reader& r, upstream::settings& out);
void read_forward_zones(const field& value, reader& r, upstream::settings& out);
void read_forwarding(const field& value, reader& r, upstream::settings& out);

// cache_section.cpp
void read_cache(const field& value, reader& r, cache::settings& out);

// local_section.cpp
void read_zones(const field& value, reader& r, zone::settings& out);
void read_hosts_files(const field& value, reader& r, zone::settings& out);
void read_records(const field& value, reader& r, zone::settings& out);
void read_records_add_ptr(const field& value, reader& r, zone::settings& out);

// control_section.cpp
void read_metrics(const field& value, reader& r, control::metrics_settings& out);
void read_control(const field& value, reader& r, control::control_settings& out);

// daemon_section.cpp
void read_log(const field& value, reader& r, log_settings& out);
void read_resolv_conf_path(const field& value, reader& r, std::string& out);
void read_user(const field& value, reader& r, run_as_settings& out);
void read_group(const field& value, reader& r, run_as_settings& out);

}  // namespace residns::config::detail
