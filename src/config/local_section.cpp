// Internal: the keys that become zone::settings, the local data: zone files (`zones`), hosts
// files (`hosts_files`) and inline records (`records`, `records_add_ptr`). The files themselves
// are read later by the zone module; here only their names and options are checked.
#include <algorithm>
#include <array>

#include "residns/config/zone_name.hpp"
#include "sections.hpp"
#include "text.hpp"

namespace residns::config::detail {
namespace {

void read_file_name(const field& value, reader& r, std::string& out) {
    const auto text = read_scalar(value, r, "a file name");
    if (!text) return;
    if (text->empty()) return r.error(value, "the file name is empty");
    out = *text;
}

void read_zone_origin(const field& value, reader& r, zone::zone_file_settings& out) {
    const auto text = read_scalar(value, r, "a zone name such as lan");
    if (!text) return;
    auto name = normalize_zone_name(*text);
    if (!name) return r.error(value, name.error);
    out.origin = std::move(*name.value);
}

void read_zone_file(const field& value, reader& r, zone::zone_file_settings& out) {
    read_file_name(value, r, out.file);
}

constexpr std::array<key_spec<zone::zone_file_settings>, 2> zone_keys{{
    {"file", read_zone_file},
    {"origin", read_zone_origin},
}};

void read_hosts_domain(const field& value, reader& r, zone::hosts_file_settings& out) {
    const auto text = read_scalar(value, r, "a domain such as lan");
    if (!text) return;
    auto name = normalize_zone_name(*text);
    if (!name) return r.error(value, name.error);
    if (*name.value == ".") return r.error(value, "the root is not a domain to append");
    out.domain = std::move(*name.value);
}

void read_hosts_file(const field& value, reader& r, zone::hosts_file_settings& out) {
    read_file_name(value, r, out.file);
}

void read_hosts_ttl(const field& value, reader& r, zone::hosts_file_settings& out) {
    read_unsigned<std::uint32_t>(value, r, 0, 604800, out.ttl);
}

constexpr std::array<key_spec<zone::hosts_file_settings>, 3> hosts_keys{{
    {"file", read_hosts_file},
    {"domain", read_hosts_domain},
    {"ttl", read_hosts_ttl},
}};

// A list item that is a map with a required `file` key (or, when `plain_string_is_file`, just
// the file name); nullopt after reporting why when it is not usable.
template <class Entry, std::size_t N>
std::optional<Entry> read_file_entry(const field& item, reader& r,
                                     const std::array<key_spec<Entry>, N>& keys,
                                     std::string_view what) {
    Entry entry;
    if (item.node.IsScalar()) {
        read_file_name(item, r, entry.file);
        if (entry.file.empty()) return std::nullopt;
        return entry;
    }
    if (!item.node.IsMap()) {
        r.error(item, cat({"expected a file name or a map with the key file (", what, "), got ",
                           describe(item.node)}));
        return std::nullopt;
    }
    const auto seen = read_map(item, r, keys, entry);
    if (seen.find("file") == nullptr) {
        r.error(item, "missing key \"file\"");
        return std::nullopt;
    }
    if (entry.file.empty()) return std::nullopt;
    return entry;
}

}  // namespace

void read_zones(const field& value, reader& r, zone::settings& out) {
    std::vector<zone::zone_file_settings> zones;
    walk_list(value, r, true, "[{file: lan.zone, origin: lan}]", [&](const field& item) {
        auto entry = read_file_entry(item, r, zone_keys, "and optionally origin");
        if (!entry) return;
        if (!entry->origin.empty()) {
            const auto twice = std::find_if(zones.begin(), zones.end(), [&](const auto& z) {
                return z.origin == entry->origin;
            });
            if (twice != zones.end()) {
                return r.error(item, cat({"zone ", quoted(entry->origin),
                                          " is listed twice (also from ", twice->file, ")"}));
            }
        }
        zones.push_back(std::move(*entry));
    });
    out.zones = std::move(zones);
}

void read_hosts_files(const field& value, reader& r, zone::settings& out) {
    std::vector<zone::hosts_file_settings> files;
    walk_list(value, r, true, "[/etc/hosts, {file: lan.hosts, domain: lan}]",
              [&](const field& item) {
                  auto entry = read_file_entry(item, r, hosts_keys, "and optionally domain, ttl");
                  if (entry) files.push_back(std::move(*entry));
              });
    out.hosts_files = std::move(files);
}

void read_records(const field& value, reader& r, zone::settings& out) {
    std::vector<zone::config_record> records;
    walk_list(value, r, true, "[\"nas.lan. 300 IN A 192.168.1.10\"]", [&](const field& item) {
        const auto text = read_scalar(item, r, "a record such as \"nas.lan. 300 IN A 192.0.2.1\"");
        if (!text) return;
        records.push_back({.text = *text,
                           .file = r.file(),
                           .line = static_cast<std::size_t>(item.mark.line) + 1});
    });
    out.records = std::move(records);
}

void read_records_add_ptr(const field& value, reader& r, zone::settings& out) {
    read_bool(value, r, out.records_add_ptr);
}

}  // namespace residns::config::detail
