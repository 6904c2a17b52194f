// The loader: YAML text -> daemon_config. Holds the table of top-level keys (a new section is a
// line here plus its reader in a *_section.cpp) and the resolv.conf fallback for upstreams.
#include "residns/config/loader.hpp"

#include <array>
#include <exception>
#include <filesystem>
#include <sstream>

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/parser.h>

#include "file_text.hpp"
#include "residns/config/own_addresses.hpp"
#include "residns/config/resolv_conf.hpp"
#include "sections.hpp"
#include "text.hpp"

namespace residns::config {
namespace {

using detail::field;
using detail::key_spec;
using detail::reader;

// Adapts a section reader that fills one module's settings to the top-level table.
template <auto member, auto read>
void into(const field& value, reader& r, daemon_config& config) {
    read(value, r, config.*member);
}

// Every top-level key, in the order conf/residns.yaml documents them.
constexpr std::array<key_spec<daemon_config>, 21> top_level_keys{{
    {"listen", into<&daemon_config::server, detail::read_listen>},
    {"threads", into<&daemon_config::server, detail::read_threads>},
    {"edns_buffer_size", into<&daemon_config::server, detail::read_edns_buffer_size>},
    {"tcp", into<&daemon_config::server, detail::read_tcp>},
    {"access_control", into<&daemon_config::server, detail::read_access_control>},
    {"rate_limit", into<&daemon_config::server, detail::read_rate_limit>},
    {"rebinding_protection", into<&daemon_config::server, detail::read_rebinding_protection>},
    {"upstreams", into<&daemon_config::upstream, detail::read_upstreams>},
    {"forward_zones", into<&daemon_config::upstream, detail::read_forward_zones>},
    {"forwarding", into<&daemon_config::upstream, detail::read_forwarding>},
    {"cache", into<&daemon_config::cache, detail::read_cache>},
    {"zones", into<&daemon_config::local, detail::read_zones>},
    {"hosts_files", into<&daemon_config::local, detail::read_hosts_files>},
    {"records", into<&daemon_config::local, detail::read_records>},
    {"records_add_ptr", into<&daemon_config::local, detail::read_records_add_ptr>},
    {"resolv_conf", into<&daemon_config::resolv_conf, detail::read_resolv_conf_path>},
    {"log", into<&daemon_config::log, detail::read_log>},
    {"metrics", into<&daemon_config::metrics, detail::read_metrics>},
    {"control", into<&daemon_config::control, detail::read_control>},
    {"user", into<&daemon_config::run_as, detail::read_user>},
    {"group", into<&daemon_config::run_as, detail::read_group>},
}};

// Without an `upstreams` key the upstreams are the system's nameservers, minus residns itself.
// Finding none is only a warning: the daemon still serves local data and the cache.
void fill_upstreams_from_resolv_conf(daemon_config& config, std::vector<config_error>& warnings) {
    config.upstreams_from_resolv_conf = true;
    config.upstream.upstreams.clear();
    const auto warn = [&](std::string_view message) {
        warnings.push_back(
            config_error{.file = config.resolv_conf,
                         .line = 0,
                         .column = 0,
                         .message = detail::cat({message,
                                                 "; there are no default upstreams, so forwarded "
                                                 "names get SERVFAIL"})});
    };
    std::string read_error;
    const auto text = detail::read_text_file(config.resolv_conf, read_error);
    if (!text) return warn(detail::cat({"cannot read the file (", read_error, ")"}));

    const auto nameservers = parse_resolv_conf(*text);
    config.upstream.upstreams = without_own_addresses(nameservers, config.server.listen);
    if (nameservers.empty()) return warn("no usable nameserver line");
    if (config.upstream.upstreams.empty()) {
        warn("every nameserver is one of residns's own listen addresses");
    }
}

// Relative file names in the config are relative to the config file's directory, so that
// `file: zones/lan.zone` works whatever the daemon's working directory is.
void resolve_relative_paths(daemon_config& config, std::string_view file_name) {
    const std::filesystem::path base = std::filesystem::path(file_name).parent_path();
    if (base.empty()) return;
    const auto resolve = [&](std::string& path) {
        if (!path.empty() && std::filesystem::path(path).is_relative())
            path = (base / path).string();
    };
    for (auto& zone : config.local.zones)
        resolve(zone.file);
    for (auto& hosts : config.local.hosts_files)
        resolve(hosts.file);
}

// YAML text has no control characters but tab, LF and CR; yaml-cpp does not always say so (it
// can silently stop at a NUL byte). Reports the first one.
bool has_control_character(std::string_view yaml, reader& r) {
    YAML::Mark mark;
    mark.pos = 0;
    mark.line = 0;
    mark.column = 0;
    for (const char c : yaml) {
        const auto byte = static_cast<unsigned char>(c);
        if ((byte < 0x20 && c != '\t' && c != '\n' && c != '\r') || byte == 0x7f) {
            constexpr std::string_view hex = "0123456789abcdef";
            const std::array<char, 2> code{hex[byte >> 4], hex[byte & 0xf]};
            r.error(mark, detail::cat({"the file contains the control character 0x",
                                       std::string_view(code.data(), code.size()),
                                       "; is it a YAML text file?"}));
            return true;
        }
        ++mark.pos;
        ++mark.column;
        if (c == '\n') {
            ++mark.line;
            mark.column = 0;
        }
    }
    return false;
}

// Where the root node of each of the first `limit` documents of `text` starts. yaml-cpp 0.7's
// LoadAll loops forever on some invalid text such as ",[" (the parser returns an empty document
// without consuming the token, again and again, allocating each time; yaml-cpp issue 1040, fixed
// upstream in 2024): found by fuzz_config. Only the first two documents matter here.
std::vector<YAML::Mark> document_roots(const std::string& text, std::size_t limit) {
    class roots final : public YAML::EventHandler {
    public:
        std::vector<YAML::Mark> marks;
        void OnDocumentStart(const YAML::Mark&) override { pending_ = true; }
        void OnDocumentEnd() override {}
        void OnNull(const YAML::Mark& mark, YAML::anchor_t) override { node(mark); }
        void OnAlias(const YAML::Mark& mark, YAML::anchor_t) override { node(mark); }
        void OnScalar(const YAML::Mark& mark, const std::string&, YAML::anchor_t,
                      const std::string&) override {
            node(mark);
        }
        void OnSequenceStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t,
                             YAML::EmitterStyle::value) override {
            node(mark);
        }
        void OnSequenceEnd() override {}
        void OnMapStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t,
                        YAML::EmitterStyle::value) override {
            node(mark);
        }
        void OnMapEnd() override {}

    private:
        void node(const YAML::Mark& mark) {
            if (pending_) marks.push_back(mark);
            pending_ = false;
        }
        bool pending_ = false;
    };
    std::istringstream in(text);
    YAML::Parser parser(in);
    roots handler;
    for (std::size_t i = 0; i < limit && parser.HandleNextDocument(handler); ++i) {
    }
    return handler.marks;
}

load_result load(std::string_view yaml, std::string_view file_name) {
    reader r{std::string(file_name)};
    if (has_control_character(yaml, r)) {
        load_result result;
        result.errors = r.take_errors();
        return result;
    }
    std::vector<YAML::Mark> documents;
    YAML::Node root;
    try {
        const std::string text(yaml);
        documents = document_roots(text, 2);
        if (!documents.empty()) root = YAML::Load(text);
    } catch (const YAML::Exception& e) {
        // A syntax error: the rest of the file cannot be trusted to mean anything.
        r.error(e.mark, e.msg);
        load_result result;
        result.errors = r.take_errors();
        return result;
    }

    daemon_config config;
    config.source = std::string(file_name);
    if (documents.size() > 1) {
        // yaml-cpp also splits "- a\nb: 1" into two documents instead of failing.
        if (documents[1].pos == documents[0].pos) {
            // The parser gave an empty document without reading anything (see document_roots).
            r.error(documents[1], "the YAML parser cannot read past this point; is it valid YAML?");
        } else {
            r.error(documents[1],
                    "a second YAML document starts here; the config file must hold exactly one "
                    "map");
        }
    }
    detail::seen_keys seen;
    if (!documents.empty()) {
        const field whole{.node = root, .mark = root.Mark(), .key_mark = root.Mark(), .path = {}};
        if (!root.IsNull() && !root.IsMap()) {
            r.error(whole.mark, detail::cat({"the file must be a map of keys (key: value), got ",
                                             detail::describe(root)}));
        } else {
            seen = detail::read_map(whole, r, top_level_keys, config);
        }
    }

    load_result result;
    if (!r.has_errors()) {
        // Configured upstreams (default and forward zones) that are residns itself: dropped
        // with a warning, so a slip in the file does not stop the daemon (nor loop it).
        for (auto& message : remove_forwarding_loops(config.upstream, config.server.listen)) {
            result.warnings.push_back(config_error{
                .file = config.source, .line = 0, .column = 0, .message = std::move(message)});
        }
    }
    if (seen.find("upstreams") == nullptr && !r.has_errors()) {
        fill_upstreams_from_resolv_conf(config, result.warnings);
    }
    if (!r.has_errors()) {
        resolve_relative_paths(config, file_name);
        result.config = std::move(config);
    }
    result.errors = r.take_errors();
    return result;
}

// The result of a file that could not be used at all.
load_result whole_file_error(std::string file, std::string message) {
    load_result result;
    result.errors.push_back(config_error{
        .file = std::move(file), .line = 0, .column = 0, .message = std::move(message)});
    return result;
}

}  // namespace

load_result load_string(std::string_view yaml, std::string_view file_name) {
    try {
        return load(yaml, file_name);
    } catch (const std::exception& e) {
        return whole_file_error(std::string(file_name),
                                detail::cat({"internal error: ", e.what()}));
    }
}

load_result load_file(const std::string& path) {
    std::string read_error;
    const auto text = detail::read_text_file(path, read_error);
    if (!text) {
        return whole_file_error(path, detail::cat({"cannot read the config file: ", read_error}));
    }
    return load_string(*text, path);
}

}  // namespace residns::config
