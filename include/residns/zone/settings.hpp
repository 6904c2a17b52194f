// What the configuration says about local data: zone files, hosts files and inline records.
// Filled by the config loader; read by load_local_data (local_loader.hpp). Paths are as the
// loader resolved them (relative paths in the config file are relative to its directory).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace residns::zone {

struct zone_file_settings {
    std::string file;
    // The zone's apex as a lower-case absolute name ("lan."); empty: the file's first $ORIGIN.
    std::string origin;

    friend bool operator==(const zone_file_settings&, const zone_file_settings&) = default;
};

struct hosts_file_settings {
    std::string file;
    // Appended to single-label names ("nas" -> "nas.lan."); empty: none.
    std::string domain;
    std::uint32_t ttl = 300;

    friend bool operator==(const hosts_file_settings&, const hosts_file_settings&) = default;
};

struct config_record {
    std::string text;  // "nas.lan. 300 IN A 192.168.1.10"
    // Where it was written (the config file and 1-based line), for messages and explain.
    std::string file;
    std::size_t line = 0;

    friend bool operator==(const config_record&, const config_record&) = default;
};

struct settings {
    std::vector<zone_file_settings> zones;
    std::vector<hosts_file_settings> hosts_files;
    std::vector<config_record> records;
    // Add the PTR record for every A and AAAA of `records`.
    bool records_add_ptr = false;

    friend bool operator==(const settings&, const settings&) = default;
};

}  // namespace residns::zone
