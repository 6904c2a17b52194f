// SVCB/HTTPS SvcParams (RFC 9460 section 2.1 and appendix A) to and from key=value text.
// Values are character-strings; list values (alpn, mandatory, hints) are comma-separated with
// "\," and "\\" escaping inside items, on top of the character-string escapes.
#include <algorithm>
#include <arpa/inet.h>
#include <array>
#include <map>

#include "rdata_text_parts.hpp"
#include "residns/util/endian.hpp"

namespace residns::wire::detail {
namespace {

constexpr std::array<std::string_view, 7> key_names{"mandatory", "alpn", "no-default-alpn", "port",
                                                    "ipv4hint",  "ech",  "ipv6hint"};
constexpr std::uint16_t key_mandatory = 0;
constexpr std::uint16_t key_alpn = 1;
constexpr std::uint16_t key_no_default_alpn = 2;
constexpr std::uint16_t key_port = 3;
constexpr std::uint16_t key_ipv4hint = 4;
constexpr std::uint16_t key_ech = 5;
constexpr std::uint16_t key_ipv6hint = 6;

std::string key_to_text(std::uint16_t key) {
    if (key < key_names.size()) return std::string(key_names[key]);
    return "key" + std::to_string(key);
}

std::optional<std::uint16_t> key_from_text(std::string_view text) {
    for (std::size_t i = 0; i < key_names.size(); ++i) {
        if (text == key_names[i]) return static_cast<std::uint16_t>(i);
    }
    if (text.size() > 3 && text.substr(0, 3) == "key") {
        // No leading zeros beyond a single "0" (RFC 9460 A.1 keeps keyNNNN canonical).
        std::string_view digits = text.substr(3);
        if (digits.size() > 1 && digits[0] == '0') return std::nullopt;
        auto value = number_from_text(digits, 65534);
        if (value) return static_cast<std::uint16_t>(*value);
    }
    return std::nullopt;
}

// Splits a decoded value-list on unescaped commas; "\," and "\\" are the item-level escapes.
bool split_list(std::span<const std::uint8_t> value,
                std::vector<std::vector<std::uint8_t>>& items) {
    items.emplace_back();
    for (std::size_t i = 0; i < value.size(); ++i) {
        std::uint8_t c = value[i];
        if (c == '\\') {
            if (i + 1 >= value.size()) return false;
            items.back().push_back(value[++i]);
        } else if (c == ',') {
            items.emplace_back();
        } else {
            items.back().push_back(c);
        }
    }
    for (const auto& item : items) {
        if (item.empty()) return false;
    }
    return true;
}

std::string as_string(const std::vector<std::uint8_t>& octets) {
    return std::string(octets.begin(), octets.end());
}

void append_value_text(std::uint16_t key, std::span<const std::uint8_t> value, std::string& out) {
    switch (key) {
        case key_mandatory:
            for (std::size_t i = 0; i + 1 < value.size(); i += 2) {
                if (i > 0) out.push_back(',');
                out += key_to_text(util::load_u16(value.data() + i));
            }
            return;
        case key_alpn: {
            std::vector<std::uint8_t> list;
            for (std::size_t i = 0; i < value.size();) {
                std::size_t length = value[i];
                if (i > 0) list.push_back(',');
                for (std::size_t k = 1; k <= length && i + k < value.size(); ++k) {
                    std::uint8_t c = value[i + k];
                    if (c == ',' || c == '\\') list.push_back('\\');
                    list.push_back(c);
                }
                i += 1 + length;
            }
            append_quoted(list, out);
            return;
        }
        case key_port:
            out += std::to_string(util::load_u16(value.data()));
            return;
        case key_ipv4hint:
        case key_ipv6hint: {
            const bool v4 = key == key_ipv4hint;
            const std::size_t size = v4 ? 4 : 16;
            for (std::size_t i = 0; i + size <= value.size(); i += size) {
                if (i > 0) out.push_back(',');
                char buf[INET6_ADDRSTRLEN];
                if (::inet_ntop(v4 ? AF_INET : AF_INET6, value.data() + i, buf, sizeof buf) !=
                    nullptr) {
                    out += buf;
                }
            }
            return;
        }
        case key_ech:
            out += to_base64(value);
            return;
        default:
            append_quoted(value, out);
            return;
    }
}

// Parses one parameter's decoded value into wire form.
bool value_from_text(std::uint16_t key, bool has_value, const std::vector<std::uint8_t>& value,
                     std::vector<std::uint8_t>& wire, std::string& error) {
    const std::string key_text = key_to_text(key);
    auto fail = [&](std::string_view what) {
        error = "bad " + key_text + " value: " + std::string(what);
        return false;
    };
    if (key == key_no_default_alpn)
        return has_value && !value.empty() ? fail("takes no value") : true;
    if (key == key_ech || key >= key_names.size()) {
        if (key == key_ech) {
            return from_base64(as_string(value), wire) ? true : fail("not base64");
        }
        wire = value;
        return true;
    }
    if (!has_value || value.empty()) return fail("missing");
    if (key == key_port) {
        auto port = number_from_text(as_string(value), 0xFFFF);
        if (!port) return fail("not a port number");
        wire.push_back(static_cast<std::uint8_t>(*port >> 8));
        wire.push_back(static_cast<std::uint8_t>(*port));
        return true;
    }
    std::vector<std::vector<std::uint8_t>> items;
    if (!split_list(value, items)) return fail("empty item or bad escape");
    if (key == key_alpn) {
        for (const auto& item : items) {
            if (item.size() > 255) return fail("protocol id longer than 255 octets");
            wire.push_back(static_cast<std::uint8_t>(item.size()));
            for (std::uint8_t c : item)
                wire.push_back(c);
        }
        return true;
    }
    if (key == key_mandatory) {
        std::vector<std::uint16_t> keys;
        for (const auto& item : items) {
            auto listed = key_from_text(as_string(item));
            if (!listed || *listed == key_mandatory)
                return fail("bad key '" + as_string(item) + "'");
            keys.push_back(*listed);
        }
        std::sort(keys.begin(), keys.end());
        if (std::adjacent_find(keys.begin(), keys.end()) != keys.end())
            return fail("duplicate key");
        for (std::uint16_t k : keys) {
            wire.push_back(static_cast<std::uint8_t>(k >> 8));
            wire.push_back(static_cast<std::uint8_t>(k));
        }
        return true;
    }
    const bool v4 = key == key_ipv4hint;
    for (const auto& item : items) {
        std::array<std::uint8_t, 16> address{};
        if (::inet_pton(v4 ? AF_INET : AF_INET6, as_string(item).c_str(), address.data()) != 1) {
            return fail("bad address '" + as_string(item) + "'");
        }
        for (std::size_t i = 0; i < (v4 ? 4u : 16u); ++i)
            wire.push_back(address[i]);
    }
    return true;
}

}  // namespace

bool svc_params_self_consistent(std::span<const std::uint8_t> params) {
    if (params.size() < 4 || util::load_u16(params.data()) != key_mandatory) return true;
    std::size_t length = util::load_u16(params.data() + 2);
    if (params.size() - 4 < length) return false;
    std::span<const std::uint8_t> listed = params.subspan(4, length);
    for (std::size_t i = 0; i + 1 < listed.size(); i += 2) {
        std::uint16_t wanted = util::load_u16(listed.data() + i);
        bool found = false;
        for (std::size_t pos = 4 + length; pos + 4 <= params.size();) {
            std::uint16_t key = util::load_u16(params.data() + pos);
            if (key == wanted) {
                found = true;
                break;
            }
            pos += 4 + std::size_t{util::load_u16(params.data() + pos + 2)};
        }
        if (!found) return false;
    }
    return true;
}

void append_svc_params_text(std::span<const std::uint8_t> params, std::string& out) {
    std::size_t pos = 0;
    while (pos + 4 <= params.size()) {
        std::uint16_t key = util::load_u16(params.data() + pos);
        std::size_t length = util::load_u16(params.data() + pos + 2);
        if (pos + 4 + length > params.size()) return;
        if (pos > 0) out.push_back(' ');
        out += key_to_text(key);
        if (length > 0) {
            out.push_back('=');
            append_value_text(key, params.subspan(pos + 4, length), out);
        }
        pos += 4 + length;
    }
}

bool svc_params_from_text(std::span<const text_token> tokens, std::vector<std::uint8_t>& out,
                          std::string& error) {
    std::map<std::uint16_t, std::vector<std::uint8_t>> params;
    for (const auto& token : tokens) {
        if (token.quoted) {
            error = "unexpected quoted string among SVCB parameters";
            return false;
        }
        std::string_view text = token.text;
        std::size_t eq = text.find('=');
        std::string_view key_text = text.substr(0, eq);
        auto key = key_from_text(key_text);
        if (!key) {
            error = "unknown SVCB parameter '" + std::string(key_text) + "'";
            return false;
        }
        bool has_value = eq != std::string_view::npos;
        std::string_view raw = has_value ? text.substr(eq + 1) : std::string_view{};
        if (raw.size() >= 2 && raw.front() == '"' && raw.back() == '"') {
            raw = raw.substr(1, raw.size() - 2);
        } else if (raw.find('"') != std::string_view::npos) {
            error = "bad quoting in SVCB parameter '" + std::string(text) + "'";
            return false;
        }
        std::vector<std::uint8_t> value;
        if (!decode_escaped(raw, value, 65535)) {
            error = "bad escape in SVCB parameter '" + std::string(text) + "'";
            return false;
        }
        std::vector<std::uint8_t> wire;
        if (!value_from_text(*key, has_value, value, wire, error)) return false;
        if (!params.emplace(*key, std::move(wire)).second) {
            error = "duplicate SVCB parameter " + key_to_text(*key);
            return false;
        }
    }
    if (auto it = params.find(key_mandatory); it != params.end()) {
        const auto& listed = it->second;
        for (std::size_t i = 0; i + 1 < listed.size(); i += 2) {
            std::uint16_t key = util::load_u16(listed.data() + i);
            if (params.count(key) == 0) {
                error = "mandatory key " + key_to_text(key) + " is missing";
                return false;
            }
        }
    }
    for (const auto& [key, value] : params) {
        if (value.size() > 0xFFFF) {
            error = "SVCB parameter too long";
            return false;
        }
        out.push_back(static_cast<std::uint8_t>(key >> 8));
        out.push_back(static_cast<std::uint8_t>(key));
        out.push_back(static_cast<std::uint8_t>(value.size() >> 8));
        out.push_back(static_cast<std::uint8_t>(value.size()));
        for (std::uint8_t c : value)
            out.push_back(c);
    }
    return true;
}

}  // namespace residns::wire::detail
