// Private to the zone-file reader: turns master-file text into logical lines. A logical line is
// one physical line, or several joined with '\n' while a parenthesis is open; quotes, escapes
// and ';' comments are respected so that a '(' or ';' inside quotes is not special.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace residns::zone::detail {

struct logical_line {
    std::string text;      // physical lines joined with '\n', line ends and '\r' removed
    std::size_t line = 0;  // 1-based line where it starts
};

class line_reader {
public:
    line_reader(std::string_view text, std::size_t max_length)
        : text_(text), max_length_(max_length) {}

    // The next logical line; false at the end of the text. When `error` comes back non-empty
    // the line is unusable (unbalanced parenthesis or quote, too long) and `out.line` says
    // where it starts.
    bool next(logical_line& out, std::string& error);

private:
    std::string_view text_;
    std::size_t max_length_;
    std::size_t pos_ = 0;
    std::size_t line_ = 0;
};

}  // namespace residns::zone::detail
