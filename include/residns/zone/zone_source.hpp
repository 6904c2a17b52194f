// The records of local data as read from their sources, before they become a lookup structure:
// what the zone-file, hosts-file and config-record readers produce and what local_data is built
// from. Every record remembers where it came from, for error messages and `residns-ctl explain`.
#pragma once

#include <cstddef>
#include <exception>
#include <string>
#include <string_view>
#include <vector>

#include "residns/wire/name.hpp"
#include "residns/wire/record.hpp"

namespace residns::zone {

// Where a record or an error came from: a file and its 1-based line ("/etc/hosts", 12), or a
// config entry ("config records[3]", 0).
struct source_location {
    std::string file;
    std::size_t line = 0;

    // "file:line", or just "file" when line is 0.
    std::string to_string() const { return line == 0 ? file : file + ":" + std::to_string(line); }
    friend bool operator==(const source_location&, const source_location&) = default;
};

struct located_record {
    wire::record rr;
    source_location where;
};

// A problem found while reading a source; `message` says what is wrong in words a user can act on.
struct source_error {
    source_location where;
    std::string message;

    std::string to_string() const { return where.to_string() + ": " + message; }
};

// A source_error (out of line: GCC 12 at -O3 reports braced std::string members in push_back
// arguments as maybe-uninitialized).
source_error make_source_error(std::string file, std::size_t line, std::string message);

// The error for an exception that reached a reader's outer catch ("out of memory while
// <doing>", or "internal error: ..."): readers report, they never throw.
source_error error_from_exception(const std::exception& e, std::string file,
                                  std::string_view doing);

// One authoritative zone as read from a master file: its apex and every record in file order
// ($INCLUDE and $GENERATE expanded, owners absolute, TTL and class resolved).
struct zone_source {
    wire::name apex;
    std::string file;  // the master file's path as configured
    std::vector<located_record> records;
};

// Everything local_data is built from.
//  - zones: authoritative zones (SOA at the apex).
//  - local_records: records from hosts files and the config's `records` (PTRs already added
//    where asked). A record whose owner lies inside one of `zones` is added to that zone; the
//    others form "transparent" local names: a name with local records is answered locally (AA=1,
//    other types NODATA), every other name goes on to the cache and the upstreams.
struct local_sources {
    std::vector<zone_source> zones;
    std::vector<located_record> local_records;
};

}  // namespace residns::zone
