// Normalization and validation of zone names written in the config file.
#include "residns/config/zone_name.hpp"

#include "text.hpp"

namespace residns::config {
namespace {

constexpr std::size_t max_label_bytes = 63;
constexpr std::size_t max_name_wire_bytes = 255;

using detail::cat;
using detail::quoted;

parse_result<std::string> fail(std::string message) {
    return {.value = {}, .error = std::move(message)};
}

bool allowed_in_label(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '_' || c == '/';
}

}  // namespace

parse_result<std::string> normalize_zone_name(std::string_view text) {
    if (text.empty()) return fail("the zone name is empty (the root zone is written \".\")");
    if (text == ".") return {.value = std::string("."), .error = {}};

    std::string_view rest = text;
    if (rest.back() == '.') rest.remove_suffix(1);

    std::string out;
    out.reserve(text.size() + 1);
    std::size_t wire_bytes = 1;  // the root label
    while (true) {
        const auto dot = rest.find('.');
        const auto label = rest.substr(0, dot);
        if (label.empty()) {
            return fail(cat(
                {quoted(text), " has an empty label (two dots in a row, or a dot at the start)"}));
        }
        if (label.size() > max_label_bytes) {
            return fail(
                cat({quoted(text), ": the label ", quoted(label), " is longer than 63 bytes"}));
        }
        for (const char c : label) {
            if (c == '\\') {
                return fail(
                    cat({quoted(text), ": backslash escapes are not supported in zone names"}));
            }
            if (static_cast<unsigned char>(c) >= 0x80) {
                return fail(cat(
                    {quoted(text), ": write internationalized names in their ASCII (xn--) form"}));
            }
            if (!allowed_in_label(c)) {
                return fail(
                    cat({quoted(text), ": the character ", quoted(std::string_view(&c, 1)),
                         " is not allowed in a zone name (letters, digits, '-', '_', '/')"}));
            }
            out += (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
        }
        out += '.';
        wire_bytes += 1 + label.size();
        if (dot == std::string_view::npos) break;
        rest.remove_prefix(dot + 1);
    }
    if (wire_bytes > max_name_wire_bytes) {
        return fail(cat({quoted(text), " is longer than 255 bytes in wire form"}));
    }
    return {.value = std::move(out), .error = {}};
}

}  // namespace residns::config
