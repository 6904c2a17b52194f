// Internal: map and list walking with duplicate/unknown key detection, and scalar reading.
#include "yaml_reader.hpp"

#include <algorithm>

#include "text.hpp"

namespace residns::config::detail {
namespace {

// Edit distance between two short keys, for "did you mean" hints.
std::size_t edit_distance(std::string_view a, std::string_view b) {
    std::vector<std::size_t> row(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j)
        row[j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
        std::size_t diagonal = row[0];
        row[0] = i;
        for (std::size_t j = 1; j <= b.size(); ++j) {
            const std::size_t above = row[j];
            row[j] =
                std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
            diagonal = above;
        }
    }
    return row[b.size()];
}

std::string unknown_key_message(std::string_view key, std::span<const std::string_view> allowed) {
    std::string_view best;
    std::size_t best_distance = 3;  // at most two edits away
    for (const auto name : allowed) {
        const auto d = edit_distance(key, name);
        if (d < best_distance && d < std::max<std::size_t>(name.size() / 2, 1)) {
            best = name;
            best_distance = d;
        }
    }
    if (!best.empty())
        return cat({"unknown key ", quoted(key), "; did you mean ", quoted(best), "?"});
    std::string message = cat({"unknown key ", quoted(key), "; allowed keys here: "});
    for (std::size_t i = 0; i < allowed.size(); ++i) {
        if (i > 0) message += ", ";
        message += allowed[i];
    }
    return message;
}

std::string child_path(const std::string& parent, std::string_view key) {
    if (parent.empty()) return std::string(key);
    return cat({parent, ".", key});
}

// "tcp: " for a nested map, "" for the top level.
std::string prefix(const field& f) {
    return f.path.empty() ? std::string() : cat({f.path, ": "});
}

}  // namespace

void reader::error(const YAML::Mark& mark, std::string message) {
    config_error e{.file = file_, .line = 0, .column = 0, .message = std::move(message)};
    if (!mark.is_null()) {
        e.line = mark.line + 1;
        e.column = mark.column + 1;
    }
    errors_.push_back(std::move(e));
}

void reader::error(const field& at, std::string_view message) {
    error(at.mark, cat({prefix(at), message}));
}

std::vector<config_error> reader::take_errors() {
    std::stable_sort(errors_.begin(), errors_.end(), [](const auto& a, const auto& b) {
        return std::pair(a.line, a.column) < std::pair(b.line, b.column);
    });
    return std::move(errors_);
}

std::string describe(const YAML::Node& node) {
    switch (node.Type()) {
        case YAML::NodeType::Sequence:
            return "a list";
        case YAML::NodeType::Map:
            return "a map";
        case YAML::NodeType::Scalar:
            return quoted(node.Scalar());
        case YAML::NodeType::Null:
        case YAML::NodeType::Undefined:
            break;
    }
    return "nothing";
}

std::string describe(const YAML::Mark& mark) {
    return cat(
        {"line ", std::to_string(mark.line + 1), ", column ", std::to_string(mark.column + 1)});
}

const field* seen_keys::find(std::string_view name) const {
    for (const auto& [key, value] : keys_) {
        if (key == name) return &value;
    }
    return nullptr;
}

field make_field(const YAML::Node& node, const YAML::Mark& key_mark, std::string path) {
    // yaml-cpp marks an empty value (`key:` then a newline) at the next token, on another line:
    // point at the key instead. An explicit `~` or `null` is on the key's line.
    const bool use_key =
        node.Mark().is_null() || (node.IsNull() && node.Mark().line != key_mark.line);
    return field{.node = node,
                 .mark = use_key ? key_mark : node.Mark(),
                 .key_mark = key_mark,
                 .path = std::move(path)};
}

seen_keys walk_map(const field& map, reader& r, std::span<const std::string_view> allowed,
                   const std::function<void(std::size_t, const field&)>& visit) {
    seen_keys seen;
    if (map.node.IsNull()) return seen;
    if (!map.node.IsMap()) {
        r.error(map, cat({"expected a map of keys (key: value), got ", describe(map.node)}));
        return seen;
    }
    std::vector<std::pair<std::string, YAML::Mark>> keys_so_far;
    for (const auto& pair : map.node) {
        const YAML::Node& key = pair.first;
        const YAML::Mark key_mark = key.Mark().is_null() ? map.mark : key.Mark();
        if (!key.IsScalar()) {
            r.error(key_mark,
                    cat({prefix(map), "a key must be a plain name, got ", describe(key)}));
            continue;
        }
        const std::string& name = key.Scalar();
        const auto previous = std::find_if(keys_so_far.begin(), keys_so_far.end(),
                                           [&](const auto& k) { return k.first == name; });
        if (previous != keys_so_far.end()) {
            r.error(key_mark, cat({prefix(map), "duplicate key ", quoted(name), " (first at ",
                                   describe(previous->second), ")"}));
            continue;
        }
        keys_so_far.emplace_back(name, key_mark);

        const auto known = std::find(allowed.begin(), allowed.end(), name);
        if (known == allowed.end()) {
            r.error(key_mark, cat({prefix(map), unknown_key_message(name, allowed)}));
            continue;
        }
        const auto value = make_field(pair.second, key_mark, child_path(map.path, name));
        seen.add(*known, value);
        visit(static_cast<std::size_t>(known - allowed.begin()), value);
    }
    return seen;
}

bool walk_list(const field& list, reader& r, bool null_is_empty, std::string_view example,
               const std::function<void(const field&)>& visit) {
    if (list.node.IsNull()) {
        if (null_is_empty) return true;
        r.error(list, cat({"has no value; expected a list, e.g. ", example}));
        return false;
    }
    if (!list.node.IsSequence()) {
        r.error(list, cat({"expected a list, e.g. ", example, ", got ", describe(list.node)}));
        return false;
    }
    for (const auto& item : list.node)
        visit(make_field(item, list.mark, list.path));
    return true;
}

std::optional<std::string> read_scalar(const field& value, reader& r, std::string_view expected) {
    if (value.node.IsScalar()) return value.node.Scalar();
    if (value.node.IsNull()) {
        r.error(value, cat({"has no value; expected ", expected}));
    } else {
        r.error(value, cat({"expected ", expected, ", got ", describe(value.node)}));
    }
    return std::nullopt;
}

void read_duration(const field& value, reader& r, std::chrono::milliseconds min,
                   std::chrono::milliseconds max, std::chrono::milliseconds& out) {
    const auto text = read_scalar(value, r, "a duration such as 10s");
    if (!text) return;
    const auto parsed = parse_duration(*text);
    if (!parsed) return r.error(value, parsed.error);
    if (*parsed < min || *parsed > max) {
        return r.error(value, cat({quoted(*text), " is out of range ", format_duration(min), "..",
                                   format_duration(max)}));
    }
    out = *parsed;
}

void read_bool(const field& value, reader& r, bool& out) {
    const auto text = read_scalar(value, r, "true or false");
    if (!text) return;
    const auto parsed = parse_bool(*text);
    if (!parsed) return r.error(value, parsed.error);
    out = *parsed;
}

}  // namespace residns::config::detail
