// Reading the configured local data (zone files, hosts files, config records) into a local_data,
// at start-up and again on every reload. A reload never makes things worse: a source that no
// longer reads keeps its last good content (its errors are reported with file and line), and
// when the sources read but do not build together (say a CNAME in a zone file now clashes with a
// hosts entry) the previous local_data stays in service.
//
// Threading: one loader, used by the thread that loads and reloads the configuration.
#pragma once

#include <cstddef>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "residns/zone/local_data.hpp"
#include "residns/zone/settings.hpp"
#include "residns/zone/zone_source.hpp"

namespace residns::zone {

struct load_outcome {
    // The data to serve: the new data, or after a failed reload the previous one. Null at
    // start-up when anything failed (the daemon must not start half-configured), and when no
    // local data is configured at all.
    std::shared_ptr<const local_data> data;
    std::vector<source_error> errors;
    std::vector<source_error> warnings;
    bool changed = false;  // `data` is not the previous local_data
    std::size_t zones = 0;
    std::size_t records = 0;  // in every source
};

class local_loader {
public:
    // Start-up: every source must read and the whole must build.
    load_outcome load(const settings& config);
    // Reload: as load, but a source that fails keeps its last good content and a build that
    // fails keeps the previous local_data.
    load_outcome reload(const settings& config);

    const std::shared_ptr<const local_data>& current() const { return current_; }

private:
    load_outcome read_all(const settings& config, bool keep_previous);

    std::shared_ptr<const local_data> current_;
    // The last content of each source that read without errors, by what identifies the source.
    std::map<std::string, zone_source> last_zones_;
    std::map<std::string, std::vector<located_record>> last_records_;
};

}  // namespace residns::zone
