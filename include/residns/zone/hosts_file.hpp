// Reading /etc/hosts-format files into local records: each name answers A or AAAA with its
// address, and each address gets one PTR (in-addr.arpa / ip6.arpa) to the first name listed for
// it. Like glibc, a line that cannot be used is skipped with a warning, not a fatal error.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "residns/wire/name.hpp"
#include "residns/zone/zone_source.hpp"

namespace residns::zone {

struct hosts_options {
    // Appended to bare (single-label) names: "nas" becomes "nas.<domain>".
    std::optional<wire::name> domain;
    std::uint32_t ttl = 300;
    bool add_ptr = true;  // one PTR per address, to the first name listed for it
    std::size_t max_records = 2'000'000;
    std::uint64_t max_file_size = 512ull << 20;
};

struct hosts_result {
    std::vector<located_record> records;  // forward records, then PTRs; duplicates collapsed
    std::vector<source_error> errors;     // only when the file cannot be read or is too large
    std::vector<source_error> warnings;   // skipped lines
};

hosts_result read_hosts_file(const std::string& path, const hosts_options& options);
// `file_name` is used in messages and locations.
hosts_result read_hosts_text(std::string_view text, const std::string& file_name,
                             const hosts_options& options);

// The reverse-lookup names: "4.3.2.1.in-addr.arpa." and the 32 nibbles under "ip6.arpa.".
wire::name reverse_name_v4(const std::array<std::uint8_t, 4>& address);
wire::name reverse_name_v6(const std::array<std::uint8_t, 16>& address);

}  // namespace residns::zone
