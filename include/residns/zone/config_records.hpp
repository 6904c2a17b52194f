// Records written in presentation format in the configuration's `records:` list
// ("nas.lan. 300 IN A 192.168.1.10"), optionally with the matching PTR for every A and AAAA.
// Never throws; each problem names its entry as "config records[i]".
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "residns/wire/name.hpp"
#include "residns/zone/zone_source.hpp"

namespace residns::zone {

struct config_records_options {
    // Appended to relative names; without it a relative name is an error.
    std::optional<wire::name> origin;
    std::uint32_t default_ttl = 300;  // for entries without a TTL
    // Adds "<reverse name> PTR <owner>" for every A and AAAA (the first owner of an address
    // wins; an explicit PTR for the same reverse name wins over the automatic one).
    bool add_ptr = false;
    // Where entry i was written (the config file and line); "config records[i]" without it.
    std::vector<source_location> locations;
};

struct config_records_result {
    std::vector<located_record> records;  // in list order, PTRs last; duplicates collapsed
    std::vector<source_error> errors;     // any error means the configuration is invalid
    std::vector<source_error> warnings;
};

config_records_result read_config_records(const std::vector<std::string>& entries,
                                          const config_records_options& options);

}  // namespace residns::zone
