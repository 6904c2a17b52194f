// Entry point of the config module: a YAML file in, a daemon_config or a list of precise errors
// out. Nothing here throws; a reload can call it and keep the old configuration on errors.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "residns/config/config_error.hpp"
#include "residns/config/daemon_config.hpp"

namespace residns::config {

struct load_result {
    // Set only when `errors` is empty.
    std::optional<daemon_config> config;
    // Every problem found, ordered by position in the file.
    std::vector<config_error> errors;
    // Things worth logging that do not stop the configuration from being used, e.g. that
    // resolv_conf could not be read or gave no upstreams.
    std::vector<config_error> warnings;
};

// Reads and validates the file at `path`. When the file has no `upstreams` key, the upstreams are
// the nameservers of `resolv_conf` minus residns's own listen addresses (see own_addresses.hpp);
// finding none there (or no readable file) is a warning, not an error.
load_result load_file(const std::string& path);

// The same for YAML text already in memory; `file_name` is used in errors and as `source`.
// Like load_file, it reads `resolv_conf` when `upstreams` is absent.
load_result load_string(std::string_view yaml, std::string_view file_name);

}  // namespace residns::config
