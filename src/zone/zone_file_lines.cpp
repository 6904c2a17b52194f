// Logical-line assembly for master files (RFC 1035 5.1: parentheses continue a record across
// lines; ';' starts a comment; quoted strings may hold both).
#include "zone_file_lines.hpp"

namespace residns::zone::detail {

bool line_reader::next(logical_line& out, std::string& error) {
    out.text.clear();
    error.clear();
    if (pos_ >= text_.size()) return false;

    int depth = 0;
    std::size_t open_line = 0;
    bool first = true;
    bool too_long = false;
    while (pos_ < text_.size()) {
        std::size_t end = text_.find('\n', pos_);
        if (end == std::string_view::npos) end = text_.size();
        std::string_view physical = text_.substr(pos_, end - pos_);
        pos_ = end < text_.size() ? end + 1 : end;
        ++line_;
        if (!physical.empty() && physical.back() == '\r') physical.remove_suffix(1);
        if (first) {
            out.line = line_;
            first = false;
        }

        bool in_quote = false;
        for (std::size_t i = 0; i < physical.size(); ++i) {
            const char c = physical[i];
            if (in_quote) {
                if (c == '\\') {
                    ++i;
                } else if (c == '"') {
                    in_quote = false;
                }
                continue;
            }
            if (c == '\\') {
                ++i;
            } else if (c == '"') {
                in_quote = true;
            } else if (c == ';') {
                break;
            } else if (c == '(') {
                if (depth == 0) open_line = line_;
                ++depth;
            } else if (c == ')') {
                if (depth == 0) {
                    if (error.empty()) error = "unbalanced parenthesis: ')' without '('";
                } else {
                    --depth;
                }
            }
        }
        if (in_quote && error.empty()) {
            error = "unbalanced quotes: a quoted string is not closed on its line";
        }

        if (!too_long) {
            if (out.text.size() + physical.size() + 1 > max_length_) {
                too_long = true;
                out.text.clear();
            } else {
                if (out.line != line_) out.text += '\n';
                out.text += physical;
            }
        }
        if (in_quote) break;  // named stops the record here too
        if (depth == 0) break;
    }
    if (depth > 0 && pos_ >= text_.size() && error.empty()) {
        error =
            "unbalanced parenthesis: '(' on line " + std::to_string(open_line) + " is never closed";
    }
    if (too_long && error.empty()) {
        error = "line longer than " + std::to_string(max_length_) + " characters";
    }
    return true;
}

}  // namespace residns::zone::detail
