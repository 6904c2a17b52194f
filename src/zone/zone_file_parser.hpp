// Private to the zone-file reader: the state that lives while one zone is read (across its
// $INCLUDE files) and the pieces that share it. zone_file.cpp runs the line loop;
// zone_file_directives.cpp, zone_file_generate.cpp and zone_file_record.cpp handle one kind of
// line each; zone_file_checks.cpp runs named's whole-zone checks at the end.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "residns/wire/name.hpp"
#include "residns/wire/presentation.hpp"
#include "residns/wire/rdata.hpp"
#include "residns/wire/record.hpp"
#include "residns/zone/zone_file.hpp"
#include "zone_file_lines.hpp"

namespace residns::zone::detail {

// A record as read, with the "batch" it was read in: named groups consecutive records of one
// owner; within a batch a repeated RRset keeps its first TTL and a duplicate keeps the later
// octets, across batches the later TTL wins and a duplicate keeps the earlier octets.
struct parsed_record {
    located_record rec;
    std::size_t batch = 0;
};

// Per file: what $INCLUDE saves and restores.
struct include_frame {
    std::string file;
    std::optional<wire::name> origin;  // nullopt until an origin is known
    std::optional<wire::name> owner;   // the previous record's owner
    std::size_t depth = 0;
};

struct ttl_state {
    std::optional<std::uint32_t> default_ttl;  // $TTL, or the SOA MINIMUM fallback
    std::optional<std::uint32_t> last_ttl;     // the previous record's TTL
    bool warned_rfc1035 = false;
};

struct batch_rrset {
    std::uint16_t type = 0;
    std::uint16_t covers = 0;
    std::uint32_t ttl = 0;
    std::size_t line = 0;
};

struct batch_state {
    std::optional<wire::name> owner;
    std::size_t id = 0;
    std::vector<batch_rrset> rrsets;
};

struct parser_state {
    const zone_file_limits& limits;
    const include_reader& includes;
    std::vector<parsed_record> records;
    std::vector<source_error> errors;
    std::vector<source_error> warnings;
    std::optional<wire::name> first_origin;  // the first $ORIGIN seen
    std::vector<std::string> include_stack;  // normalised paths of the files being read
    ttl_state ttl;
    batch_state batch;
    std::size_t batch_counter = 0;
    bool stopped = false;  // too many errors or records: stop reading

    void error(const include_frame& frame, std::size_t line, std::string message);
    void warning(const include_frame& frame, std::size_t line, std::string message);
};

// The line loop over one file's text (the top file or an $INCLUDE).
void parse_zone_text(parser_state& state, std::string_view text, include_frame& frame);

// $ORIGIN, $TTL, $INCLUDE and unknown directives; $GENERATE goes to handle_generate.
void handle_directive(parser_state& state, include_frame& frame, const logical_line& line,
                      const std::vector<wire::text_token>& tokens);
void handle_generate(parser_state& state, include_frame& frame, const logical_line& line,
                     const std::vector<wire::text_token>& tokens);
void handle_record(parser_state& state, include_frame& frame, const logical_line& line,
                   const std::vector<wire::text_token>& tokens);

// A name from text under an origin that may not be known yet: a relative name (or "@")
// without an origin is an error. Empty `error` on success.
std::optional<wire::name> name_under_origin(std::string_view text,
                                            const std::optional<wire::name>& origin,
                                            std::string& error);
// RDATA from text under an origin that may not be known yet (relative names inside are then
// an error).
wire::text_result<wire::rdata> rdata_under_origin(std::uint16_t type, std::string_view text,
                                                  const std::optional<wire::name>& origin);

// What a record line or a $GENERATE says between owner and RDATA.
struct ttl_class_type {
    std::optional<std::uint32_t> ttl;
    std::optional<std::uint16_t> rr_class;
    std::uint16_t type = 0;
    std::size_t next = 0;  // index of the first RDATA token
};
// Reads "[ttl] [class] type" (TTL and class in either order) from tokens[first...]. Empty
// `error` on success ("bad TTL '1x'", "unknown type 'FOO'", "missing type", ...).
ttl_class_type read_ttl_class_type(const std::vector<wire::text_token>& tokens, std::size_t first,
                                   std::string& error);
// Checks that a record of `type` and `rr_class` may appear in an IN zone file.
bool check_type_and_class(std::uint16_t type, std::optional<std::uint16_t> rr_class,
                          std::string& error);

// The TTL a record gets under named's rules (explicit, $TTL, previous record, SOA MINIMUM);
// nullopt after reporting an error.
std::optional<std::uint32_t> resolve_ttl(parser_state& state, const include_frame& frame,
                                         std::size_t line,
                                         std::optional<std::uint32_t> explicit_ttl,
                                         std::uint16_t type, const wire::rdata& data);
// named caps TTLs at 2^31-1 (RFC 2181 8): above it the TTL becomes 0, with a warning.
std::uint32_t limit_ttl(parser_state& state, const include_frame& frame, std::size_t line,
                        std::uint32_t ttl);
// Appends a record, applying the batch TTL rule; `own_batch` for $GENERATE output.
void add_record(parser_state& state, const include_frame& frame, std::size_t line, wire::record rr,
                bool own_batch);

// The whole-zone checks and the final record set.
zone_file_result finish_zone(parser_state& state, const std::optional<wire::name>& apex,
                             const std::string& file);

// The type an RRSIG or SIG covers (0 for other types): RRsets of signatures are per covered type.
std::uint16_t covered_type(std::uint16_t type, const wire::rdata& data);

// Reads a whole file, refusing files above `max_size`.
std::optional<std::string> read_text_file(const std::string& path, std::uint64_t max_size,
                                          std::string& error);

}  // namespace residns::zone::detail
