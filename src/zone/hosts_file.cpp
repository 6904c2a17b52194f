// /etc/hosts reading, glibc-compatible: "address name [alias...]", '#' comments, any blanks.
// A line with a bad address or name is skipped with a warning (glibc ignores it too).
#include "residns/zone/hosts_file.hpp"

#include <algorithm>
#include <arpa/inet.h>
#include <exception>
#include <new>
#include <unordered_map>

#include "residns/wire/constants.hpp"
#include "residns/wire/rdata.hpp"
#include "zone_file_parser.hpp"

namespace residns::zone {
namespace {

constexpr std::size_t max_hosts_line = 65536;

std::vector<std::string_view> fields_of(std::string_view line) {
    std::vector<std::string_view> fields;
    std::size_t i = 0;
    while (i < line.size()) {
        while (i < line.size() && (line[i] == ' ' || line[i] == '\t' || line[i] == '\r' ||
                                   line[i] == '\v' || line[i] == '\f'))
            ++i;
        const std::size_t start = i;
        while (i < line.size() && line[i] != ' ' && line[i] != '\t' && line[i] != '\r' &&
               line[i] != '\v' && line[i] != '\f')
            ++i;
        if (i > start) fields.push_back(line.substr(start, i - start));
    }
    return fields;
}

// The owner for a hosts name: absolute, with `domain` appended to a single label.
std::optional<wire::name> host_name(std::string_view text, const hosts_options& options) {
    if (text.empty() || text.find('\\') != std::string_view::npos) return std::nullopt;
    const bool bare = text.find('.') == std::string_view::npos;
    if (bare && options.domain) return wire::name::from_text(text, *options.domain);
    if (text.back() == '.') return wire::name::from_text(text);
    return wire::name::from_text(std::string(text) + ".");
}

struct record_key {
    wire::name owner;
    std::vector<std::uint8_t> data;
    std::uint16_t type;
    bool operator==(const record_key& other) const {
        return type == other.type && owner == other.owner && data == other.data;
    }
};
struct record_key_hash {
    std::size_t operator()(const record_key& k) const {
        std::uint64_t h = k.owner.hash(k.type);
        for (std::uint8_t b : k.data)
            h = (h ^ b) * 1099511628211ull;
        return static_cast<std::size_t>(h);
    }
};

}  // namespace

wire::name reverse_name_v4(const std::array<std::uint8_t, 4>& address) {
    std::string text;
    for (auto it = address.rbegin(); it != address.rend(); ++it)
        text += std::to_string(*it) + ".";
    text += "in-addr.arpa.";
    return *wire::name::from_text(text);
}

wire::name reverse_name_v6(const std::array<std::uint8_t, 16>& address) {
    static constexpr char hex[] = "0123456789abcdef";
    std::string text;
    for (auto it = address.rbegin(); it != address.rend(); ++it) {
        text += hex[*it & 0x0F];
        text += '.';
        text += hex[*it >> 4];
        text += '.';
    }
    text += "ip6.arpa.";
    return *wire::name::from_text(text);
}

hosts_result read_hosts_text(std::string_view text, const std::string& file_name,
                             const hosts_options& options) {
    hosts_result result;
    try {
        std::unordered_map<record_key, bool, record_key_hash> seen;
        std::vector<located_record> ptrs;
        bool full = false;
        auto add = [&](std::vector<located_record>& out, wire::record rr,
                       const source_location& where) {
            if (full) return;
            record_key key{rr.owner, {rr.data.bytes().begin(), rr.data.bytes().end()}, rr.type};
            if (!seen.emplace(std::move(key), true).second) return;
            if (seen.size() > options.max_records) {
                result.errors.push_back(
                    {where, "more than " + std::to_string(options.max_records) + " records"});
                full = true;
                return;
            }
            out.push_back({std::move(rr), where});
        };

        std::size_t line_number = 0;
        std::size_t pos = 0;
        while (pos < text.size() && !full) {
            std::size_t end = text.find('\n', pos);
            if (end == std::string_view::npos) end = text.size();
            std::string_view line = text.substr(pos, end - pos);
            pos = end + 1;
            ++line_number;
            const source_location where{file_name, line_number};
            if (line.size() > max_hosts_line) {
                result.warnings.push_back({where, "line longer than " +
                                                      std::to_string(max_hosts_line) +
                                                      " characters; skipped"});
                continue;
            }
            if (auto hash = line.find('#'); hash != std::string_view::npos)
                line = line.substr(0, hash);
            std::vector<std::string_view> fields = fields_of(line);
            if (fields.empty()) continue;
            if (fields.size() < 2) {
                result.warnings.push_back({where, "address '" + std::string(fields[0]) +
                                                      "' without a name; line skipped"});
                continue;
            }
            const std::string address(fields[0]);
            bool v6 = false;
            std::array<std::uint8_t, 4> v4{};
            std::array<std::uint8_t, 16> v6addr{};
            if (address.find('%') != std::string::npos) {
                result.warnings.push_back(
                    {where,
                     "address '" + address +
                         "' has a scope (link-local); it cannot be served over DNS, line skipped"});
                continue;
            }
            if (inet_pton(AF_INET, address.c_str(), v4.data()) == 1) {
                v6 = false;
            } else if (inet_pton(AF_INET6, address.c_str(), v6addr.data()) == 1) {
                v6 = true;
                const bool mapped = std::all_of(v6addr.begin(), v6addr.begin() + 10,
                                                [](std::uint8_t b) { return b == 0; }) &&
                                    v6addr[10] == 0xFF && v6addr[11] == 0xFF;
                if (mapped) {
                    result.warnings.push_back(
                        {where, "IPv4-mapped address '" + address +
                                    "' skipped (write the IPv4 address instead)"});
                    continue;
                }
            } else {
                result.warnings.push_back({where, "bad address '" + address + "'; line skipped"});
                continue;
            }
            std::vector<wire::name> names;
            bool bad = false;
            for (std::size_t i = 1; i < fields.size(); ++i) {
                auto name = host_name(fields[i], options);
                if (!name) {
                    result.warnings.push_back(
                        {where, "bad name '" + std::string(fields[i]) + "'; line skipped"});
                    bad = true;
                    break;
                }
                names.push_back(*name);
            }
            if (bad) continue;
            const wire::rdata data = v6 ? wire::make_aaaa_rdata(v6addr) : wire::make_a_rdata(v4);
            const std::uint16_t type = v6 ? wire::rr_type::aaaa : wire::rr_type::a;
            for (const wire::name& name : names) {
                add(result.records,
                    wire::record{.owner = name,
                                 .type = type,
                                 .rr_class = wire::rr_class::in,
                                 .ttl = options.ttl,
                                 .data = data},
                    where);
            }
            if (options.add_ptr) {
                const wire::name reverse = v6 ? reverse_name_v6(v6addr) : reverse_name_v4(v4);
                // The first line that lists an address names it; later lines add no PTR.
                record_key first{reverse, {}, wire::rr_type::ptr};
                if (seen.emplace(std::move(first), true).second) {
                    add(ptrs,
                        wire::record{.owner = reverse,
                                     .type = wire::rr_type::ptr,
                                     .rr_class = wire::rr_class::in,
                                     .ttl = options.ttl,
                                     .data = wire::make_name_rdata(names.front())},
                        where);
                }
            }
        }
        for (located_record& ptr : ptrs)
            result.records.push_back(std::move(ptr));
    } catch (const std::exception& e) {
        result.records.clear();
        result.errors.push_back(error_from_exception(e, file_name, "reading the hosts file"));
    }
    return result;
}

hosts_result read_hosts_file(const std::string& path, const hosts_options& options) {
    std::string error;
    std::optional<std::string> text;
    try {
        text = detail::read_text_file(path, options.max_file_size, error);
    } catch (const std::exception& e) {
        error = e.what();
    }
    if (!text) {
        hosts_result result;
        result.errors.push_back(make_source_error(path, 0, "cannot read the hosts file: " + error));
        return result;
    }
    return read_hosts_text(*text, path, options);
}

}  // namespace residns::zone
