// Start-up loading and reloading of local data from its configured sources, with the
// last-good-content fallback per source on reload (local_loader.hpp).
#include "residns/zone/local_loader.hpp"

#include <utility>

#include "residns/zone/config_records.hpp"
#include "residns/zone/hosts_file.hpp"
#include "residns/zone/zone_file.hpp"

namespace residns::zone {
namespace {

void append(std::vector<source_error>& to, std::vector<source_error>&& from) {
    to.insert(to.end(), std::make_move_iterator(from.begin()), std::make_move_iterator(from.end()));
}

std::string zone_identity(const zone_file_settings& z) {
    return "zone " + z.file + " " + z.origin;
}

std::string hosts_identity(const hosts_file_settings& h) {
    return "hosts " + h.file + " " + h.domain + " " + std::to_string(h.ttl);
}

}  // namespace

load_outcome local_loader::load(const settings& config) {
    return read_all(config, false);
}

load_outcome local_loader::reload(const settings& config) {
    return read_all(config, true);
}

load_outcome local_loader::read_all(const settings& config, bool keep_previous) {
    load_outcome out;
    local_sources sources;
    std::map<std::string, zone_source> zones_read;
    std::map<std::string, std::vector<located_record>> records_read;
    bool source_failed = false;

    for (const auto& z : config.zones) {
        const std::string id = zone_identity(z);
        std::optional<wire::name> origin;
        if (!z.origin.empty()) origin = wire::name::from_text(z.origin);
        zone_file_result read = read_zone_file(z.file, origin);
        append(out.warnings, std::move(read.warnings));
        if (read.zone) {
            zones_read[id] = *read.zone;
            sources.zones.push_back(std::move(*read.zone));
            continue;
        }
        source_failed = true;
        append(out.errors, std::move(read.errors));
        const auto previous = last_zones_.find(id);
        if (keep_previous && previous != last_zones_.end()) {
            out.warnings.push_back(
                make_source_error(z.file, 0, "keeping the zone's previous data"));
            zones_read[id] = previous->second;
            sources.zones.push_back(previous->second);
        }
    }

    for (const auto& h : config.hosts_files) {
        const std::string id = hosts_identity(h);
        hosts_options options;
        if (!h.domain.empty()) options.domain = wire::name::from_text(h.domain);
        options.ttl = h.ttl;
        hosts_result read = read_hosts_file(h.file, options);
        append(out.warnings, std::move(read.warnings));
        if (read.errors.empty()) {
            records_read[id] = read.records;
            sources.local_records.insert(sources.local_records.end(), read.records.begin(),
                                         read.records.end());
            continue;
        }
        source_failed = true;
        append(out.errors, std::move(read.errors));
        const auto previous = last_records_.find(id);
        if (keep_previous && previous != last_records_.end()) {
            out.warnings.push_back(
                make_source_error(h.file, 0, "keeping the hosts file's previous data"));
            records_read[id] = previous->second;
            sources.local_records.insert(sources.local_records.end(), previous->second.begin(),
                                         previous->second.end());
        }
    }

    if (!config.records.empty()) {
        std::vector<std::string> texts;
        config_records_options options{.add_ptr = config.records_add_ptr};
        for (const auto& r : config.records) {
            texts.push_back(r.text);
            options.locations.push_back({r.file, r.line});
        }
        config_records_result read = read_config_records(texts, options);
        append(out.warnings, std::move(read.warnings));
        if (read.errors.empty()) {
            sources.local_records.insert(sources.local_records.end(), read.records.begin(),
                                         read.records.end());
        } else {
            // The config loader accepted the file, so this happens only for record syntax: the
            // records are part of the configuration and all of it is refused.
            source_failed = true;
            keep_previous = false;
            append(out.errors, std::move(read.errors));
        }
    }

    for (const auto& z : sources.zones)
        out.records += z.records.size();
    out.records += sources.local_records.size();
    out.zones = sources.zones.size();

    const bool nothing_configured =
        config.zones.empty() && config.hosts_files.empty() && config.records.empty();
    if ((source_failed && !keep_previous) || nothing_configured) {
        if (nothing_configured && !source_failed) {
            out.changed = current_ != nullptr;
            current_ = nullptr;
            last_zones_.clear();
            last_records_.clear();
        }
        out.data = keep_previous ? current_ : nullptr;
        return out;
    }

    build_result built = build_local_data(sources);
    append(out.warnings, std::move(built.warnings));
    if (!built.data) {
        append(out.errors, std::move(built.errors));
        out.data = keep_previous ? current_ : nullptr;
        return out;
    }
    current_ = std::move(built.data);
    last_zones_ = std::move(zones_read);
    last_records_ = std::move(records_read);
    out.data = current_;
    out.changed = true;
    return out;
}

}  // namespace residns::zone
