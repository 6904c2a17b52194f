// Internal: building messages. GCC 12 at -O2 and above warns falsely (-Wrestrict, GCC bug 105329)
// on `"literal" + std::string&&`, which CI's -Werror turns into a failure; messages are therefore
// built by appending pieces with cat().
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>

namespace residns::config::detail {

inline std::string cat(std::initializer_list<std::string_view> parts) {
    std::size_t size = 0;
    for (const auto part : parts)
        size += part.size();
    std::string out;
    out.reserve(size);
    for (const auto part : parts)
        out.append(part);
    return out;
}

// 'text', for quoting the user's own text in a message.
inline std::string quoted(std::string_view text) {
    return cat({"'", text, "'"});
}

}  // namespace residns::config::detail
