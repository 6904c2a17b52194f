// Record and question lines in presentation format.
#include "residns/wire/record.hpp"

#include <vector>

#include "rdata_text_parts.hpp"
#include "residns/wire/presentation.hpp"

namespace residns::wire {

std::string record_to_text(const record& rr) {
    std::string text = rr.owner.to_text();
    text += '\t';
    text += std::to_string(rr.ttl);
    text += '\t';
    text += class_to_text(rr.rr_class);
    text += '\t';
    text += type_to_text(rr.type);
    std::string data = rdata_to_text(rr.type, rr.data);
    if (!data.empty()) {
        text += '\t';
        text += data;
    }
    return text;
}

std::string question_to_text(const question& q) {
    return q.qname.to_text() + '\t' + class_to_text(q.qclass) + '\t' + type_to_text(q.qtype);
}

text_result<record> record_from_text(std::string_view line, const record_text_defaults& defaults) {
    using result = text_result<record>;
    std::vector<text_token> tokens;
    std::string error;
    if (!tokenize(line, tokens, error)) return result::failure(std::move(error));
    if (tokens.empty()) return result::failure("empty record line");

    record rr;
    std::size_t next = 0;
    const bool owner_omitted = line.front() == ' ' || line.front() == '\t';
    if (owner_omitted) {
        if (!defaults.owner) return result::failure("record line without an owner name");
        rr.owner = *defaults.owner;
    } else {
        if (tokens[0].quoted)
            return result::failure("bad owner name '" + std::string(tokens[0].text) + "'");
        auto owner = name::from_text(tokens[0].text, defaults.origin);
        if (!owner) return result::failure("bad owner name '" + std::string(tokens[0].text) + "'");
        rr.owner = *owner;
        next = 1;
    }

    std::optional<std::uint32_t> ttl;
    std::optional<std::uint16_t> rr_class;
    std::optional<std::uint16_t> type;
    while (next < tokens.size() && !type) {
        const text_token& token = tokens[next++];
        if (token.quoted) return result::failure("unexpected quoted string before the type");
        if (!ttl) {
            if (auto value = ttl_from_text(token.text)) {
                ttl = value;
                continue;
            }
        }
        if (!rr_class) {
            if (auto value = class_from_text(token.text)) {
                rr_class = value;
                continue;
            }
        }
        type = type_from_text(token.text);
        if (!type) return result::failure("unknown type '" + std::string(token.text) + "'");
    }
    if (!type) return result::failure("missing type");
    rr.type = *type;
    rr.ttl = ttl.value_or(defaults.ttl);
    rr.rr_class = rr_class.value_or(defaults.rr_class);

    auto data =
        detail::rdata_from_tokens(rr.type, std::span(tokens).subspan(next), defaults.origin);
    if (!data) return result::failure(type_to_text(rr.type) + ": " + data.error);
    rr.data = std::move(*data.value);
    return {std::move(rr), {}};
}

}  // namespace residns::wire
