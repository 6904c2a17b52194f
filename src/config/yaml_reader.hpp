// Internal: the pieces every section of the loader uses to walk yaml-cpp nodes and report
// problems with file:line:column. This is the only place that knows yaml-cpp 0.7's quirks: it
// accepts duplicate keys silently (read_map reports them), a null value's mark points at the next
// token (field::mark uses the key's instead), and it reads 053 as octal (scalars are read as
// text and converted by values.hpp).
#pragma once

#include <array>
#include <chrono>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <yaml-cpp/yaml.h>

#include "residns/config/config_error.hpp"
#include "residns/config/values.hpp"

namespace residns::config::detail {

// A value in the file, where it is, and how messages name it.
struct field {
    YAML::Node node;
    YAML::Mark mark;      // the value's position, or its key's when the value is null
    YAML::Mark key_mark;  // the key's position (the parent's for list items)
    std::string path;     // "threads", "tcp.idle_timeout"; empty for the whole file
};

// Collects errors for one file.
class reader {
public:
    explicit reader(std::string file) : file_(std::move(file)) {}

    void error(const YAML::Mark& mark, std::string message);
    // "<path>: <message>" at the field's position.
    void error(const field& at, std::string_view message);
    bool has_errors() const { return !errors_.empty(); }
    const std::string& file() const { return file_; }
    // The errors ordered by position (stable for equal positions).
    std::vector<config_error> take_errors();

private:
    std::string file_;
    std::vector<config_error> errors_;
};

// "a list", "a map", "'text'", "nothing": what a node is, for "expected X, got Y" messages.
std::string describe(const YAML::Node& node);
// "line 3, column 5" (1-based).
std::string describe(const YAML::Mark& mark);

// Known keys of a map that were present, with their fields (first occurrence only).
class seen_keys {
public:
    void add(std::string_view name, const field& value) { keys_.emplace_back(name, value); }
    const field* find(std::string_view name) const;

private:
    std::vector<std::pair<std::string_view, field>> keys_;
};

// A key of a map and what reads its value into the target settings struct. Tables of these
// describe each map of the file, so a new key (or a new section) is one line in a table.
template <class Target>
struct key_spec {
    std::string_view name;
    void (*read)(const field& value, reader& r, Target& target);
};

// Walks a map: each key must be a name, appear once and be one of `allowed`; `visit` gets the
// index of the key in `allowed` and its value. A null node counts as an empty map (a section whose
// keys are all commented out). Errors for a node that is not a map.
seen_keys walk_map(const field& map, reader& r, std::span<const std::string_view> allowed,
                   const std::function<void(std::size_t, const field&)>& visit);

template <class Target, std::size_t N>
seen_keys read_map(const field& map, reader& r, const std::array<key_spec<Target>, N>& keys,
                   Target& target) {
    std::vector<std::string_view> names;
    names.reserve(keys.size());
    for (const auto& key : keys)
        names.push_back(key.name);
    return walk_map(map, r, names, [&](std::size_t index, const field& value) {
        keys[index].read(value, r, target);
    });
}

// Calls `visit` for each item of a list. A null node is an empty list when `null_is_empty`, else
// an error. `example` completes "expected a list, e.g. ..." messages. False if not a list.
bool walk_list(const field& list, reader& r, bool null_is_empty, std::string_view example,
               const std::function<void(const field&)>& visit);

// The text of a scalar; an error naming `expected` ("a whole number") if the node is not one.
std::optional<std::string> read_scalar(const field& value, reader& r, std::string_view expected);

// A whole number in [min, max] (see parse_unsigned), stored in `out` only if valid.
template <class Unsigned>
void read_unsigned(const field& value, reader& r, Unsigned min, Unsigned max, Unsigned& out) {
    const auto text = read_scalar(value, r, "a whole number");
    if (!text) return;
    const auto parsed = parse_unsigned(*text, min, max);
    if (!parsed) return r.error(value, parsed.error);
    out = static_cast<Unsigned>(*parsed);
}

// A duration in [min, max] (see parse_duration), stored in `out` only if valid.
void read_duration(const field& value, reader& r, std::chrono::milliseconds min,
                   std::chrono::milliseconds max, std::chrono::milliseconds& out);

// true or false (see parse_bool), stored in `out` only if valid.
void read_bool(const field& value, reader& r, bool& out);

// The field of a map's value or a list's item: `path`, the node, and its position rules.
field make_field(const YAML::Node& node, const YAML::Mark& key_mark, std::string path);

}  // namespace residns::config::detail
