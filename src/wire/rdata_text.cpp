// RDATA presentation format, driven by the type layouts: each field kind has one text writer and
// one text reader here. Types without a layout (and OPT) use RFC 3597's "\# len hex".
#include <arpa/inet.h>
#include <array>
#include <vector>

#include "rdata_text_parts.hpp"
#include "residns/wire/constants.hpp"
#include "residns/wire/presentation.hpp"
#include "residns/wire/rdata.hpp"

namespace residns::wire {
namespace {

bool uses_generic_text(const rdata_layout* layout) {
    if (layout == nullptr) return true;
    for (const auto& field : layout->fields) {
        if (field.kind == field_kind::edns_options || field.kind == field_kind::opaque) return true;
    }
    return false;
}

std::string generic_text(const rdata& data) {
    std::string text = "\\# ";
    text += std::to_string(data.size());
    if (data.size() > 0) {
        text.push_back(' ');
        text += to_hex(data.bytes());
    }
    return text;
}

void append_address(int family, std::span<const std::uint8_t> octets, std::string& out) {
    char buf[INET6_ADDRSTRLEN];
    if (::inet_ntop(family, octets.data(), buf, sizeof buf) != nullptr) out += buf;
}

void append_field_text(const rdata_field& field, std::string& out) {
    switch (field.kind) {
        case field_kind::u8:
        case field_kind::u16:
        case field_kind::u32:
        case field_kind::ttl:
            out += std::to_string(field.number());
            return;
        case field_kind::time:
            out += time_to_text(field.number());
            return;
        case field_kind::type:
            out += type_to_text(static_cast<std::uint16_t>(field.number()));
            return;
        case field_kind::ipv4:
            append_address(AF_INET, field.bytes, out);
            return;
        case field_kind::ipv6:
            append_address(AF_INET6, field.bytes, out);
            return;
        case field_kind::name:
        case field_kind::name_compressed:
            out += field.as_name().to_text();
            return;
        case field_kind::string:
        case field_kind::text_to_end:
            append_quoted(field.content(), out);
            return;
        case field_kind::strings:
            for (std::size_t pos = 0; pos < field.bytes.size();) {
                std::size_t length = field.bytes[pos];
                if (pos > 0) out.push_back(' ');
                append_quoted(field.bytes.subspan(pos + 1, length), out);
                pos += 1 + length;
            }
            return;
        case field_kind::base64:
            out += to_base64(field.bytes);
            return;
        case field_kind::hex:
            out += to_hex(field.bytes);
            return;
        case field_kind::hex_counted:
            out += field.content().empty() ? std::string("-") : to_hex(field.content());
            return;
        case field_kind::base32_counted:
            out += to_base32hex(field.content());
            return;
        case field_kind::tag:
            out.append(field.content().begin(), field.content().end());
            return;
        case field_kind::type_bitmap:
            detail::append_type_bitmap_text(field.bytes, out);
            return;
        case field_kind::svc_params:
            detail::append_svc_params_text(field.bytes, out);
            return;
        case field_kind::edns_options:
        case field_kind::opaque:
            out += to_hex(field.bytes);
            return;
    }
}

// Reads field values from tokens into wire form.
class field_reader {
public:
    field_reader(std::span<const text_token> tokens, const name& origin)
        : tokens_(tokens), origin_(origin) {}

    bool read(const field_desc& field, std::vector<std::uint8_t>& out);
    bool at_end() const { return next_ == tokens_.size(); }
    std::size_t next() const { return next_; }
    std::string& error() { return error_; }

private:
    bool fail(const field_desc& field, std::string_view token) {
        error_ = "bad " + std::string(field.label) + " '" + std::string(token) + "'";
        return false;
    }
    // The next token, which must exist and be unquoted unless `quoted_ok`.
    const text_token* take(const field_desc& field, bool quoted_ok = false) {
        if (next_ >= tokens_.size()) {
            error_ = "missing " + std::string(field.label);
            return nullptr;
        }
        const text_token* token = &tokens_[next_++];
        if (token->quoted && !quoted_ok) {
            fail(field, token->text);
            return nullptr;
        }
        return token;
    }
    // The remaining tokens, concatenated (base64 and hex may be split by white space).
    bool rest_joined(const field_desc& field, std::string& joined) {
        for (; next_ < tokens_.size(); ++next_) {
            if (tokens_[next_].quoted) return fail(field, tokens_[next_].text);
            joined += tokens_[next_].text;
        }
        return true;
    }
    static void put_number(std::uint32_t value, std::size_t size, std::vector<std::uint8_t>& out) {
        for (std::size_t i = size; i > 0; --i)
            out.push_back(static_cast<std::uint8_t>(value >> (8 * (i - 1))));
    }

    std::span<const text_token> tokens_;
    const name& origin_;
    std::size_t next_ = 0;
    std::string error_;
};

bool field_reader::read(const field_desc& field, std::vector<std::uint8_t>& out) {
    switch (field.kind) {
        case field_kind::u8:
        case field_kind::u16:
        case field_kind::u32: {
            const text_token* token = take(field);
            if (token == nullptr) return false;
            std::size_t size = field.kind == field_kind::u8    ? 1
                               : field.kind == field_kind::u16 ? 2
                                                               : 4;
            auto value =
                number_from_text(token->text, size == 4 ? 0xFFFFFFFFu : (1u << (8 * size)) - 1);
            if (!value) return fail(field, token->text);
            put_number(*value, size, out);
            return true;
        }
        case field_kind::ttl:
        case field_kind::time:
        case field_kind::type: {
            const text_token* token = take(field);
            if (token == nullptr) return false;
            if (field.kind == field_kind::type) {
                auto type = type_from_text(token->text);
                if (!type) return fail(field, token->text);
                put_number(*type, 2, out);
                return true;
            }
            auto value = field.kind == field_kind::ttl ? ttl_from_text(token->text)
                                                       : time_from_text(token->text);
            if (!value) return fail(field, token->text);
            put_number(*value, 4, out);
            return true;
        }
        case field_kind::ipv4:
        case field_kind::ipv6: {
            const text_token* token = take(field);
            if (token == nullptr) return false;
            std::array<std::uint8_t, 16> address{};
            bool v4 = field.kind == field_kind::ipv4;
            if (::inet_pton(v4 ? AF_INET : AF_INET6, std::string(token->text).c_str(),
                            address.data()) != 1) {
                return fail(field, token->text);
            }
            for (std::size_t i = 0; i < (v4 ? 4u : 16u); ++i)
                out.push_back(address[i]);
            return true;
        }
        case field_kind::name:
        case field_kind::name_compressed: {
            const text_token* token = take(field);
            if (token == nullptr) return false;
            auto n = name::from_text(token->text, origin_);
            if (!n) return fail(field, token->text);
            for (std::uint8_t octet : n->wire())
                out.push_back(octet);
            return true;
        }
        case field_kind::string:
        case field_kind::text_to_end: {
            const text_token* token = take(field, true);
            if (token == nullptr) return false;
            std::vector<std::uint8_t> octets;
            bool counted = field.kind == field_kind::string;
            if (!decode_escaped(token->text, octets, counted ? 255 : 65535))
                return fail(field, token->text);
            if (counted) out.push_back(static_cast<std::uint8_t>(octets.size()));
            for (std::uint8_t octet : octets)
                out.push_back(octet);
            return true;
        }
        case field_kind::strings: {
            if (at_end()) {
                error_ = "missing " + std::string(field.label);
                return false;
            }
            for (; next_ < tokens_.size(); ++next_) {
                std::vector<std::uint8_t> octets;
                if (!decode_escaped(tokens_[next_].text, octets))
                    return fail(field, tokens_[next_].text);
                out.push_back(static_cast<std::uint8_t>(octets.size()));
                for (std::uint8_t octet : octets)
                    out.push_back(octet);
            }
            return true;
        }
        case field_kind::base64:
        case field_kind::hex: {
            std::string joined;
            if (!rest_joined(field, joined)) return false;
            bool ok =
                field.kind == field_kind::base64 ? from_base64(joined, out) : from_hex(joined, out);
            return ok ? true : fail(field, joined);
        }
        case field_kind::hex_counted:
        case field_kind::base32_counted: {
            const text_token* token = take(field);
            if (token == nullptr) return false;
            std::vector<std::uint8_t> octets;
            bool hex = field.kind == field_kind::hex_counted;
            bool ok = hex && token->text == "-" ? true
                      : hex                     ? from_hex(token->text, octets)
                                                : from_base32hex(token->text, octets);
            if (!ok || octets.size() > 255 || (!hex && octets.empty()))
                return fail(field, token->text);
            out.push_back(static_cast<std::uint8_t>(octets.size()));
            for (std::uint8_t octet : octets)
                out.push_back(octet);
            return true;
        }
        case field_kind::tag: {
            const text_token* token = take(field);
            if (token == nullptr) return false;
            if (token->text.empty() || token->text.size() > 255) return fail(field, token->text);
            out.push_back(static_cast<std::uint8_t>(token->text.size()));
            for (char c : token->text)
                out.push_back(static_cast<std::uint8_t>(c));
            return true;
        }
        case field_kind::type_bitmap: {
            bool ok = detail::type_bitmap_from_text(tokens_.subspan(next_), out, error_);
            next_ = tokens_.size();
            return ok;
        }
        case field_kind::svc_params: {
            bool ok = detail::svc_params_from_text(tokens_.subspan(next_), out, error_);
            next_ = tokens_.size();
            return ok;
        }
        case field_kind::edns_options:
        case field_kind::opaque:
            break;
    }
    error_ = "needs the generic \\# form";
    return false;
}

text_result<rdata> generic_from_tokens(std::uint16_t type, std::span<const text_token> tokens) {
    if (tokens.size() < 2 || tokens[1].quoted)
        return text_result<rdata>::failure("missing \\# length");
    auto length = number_from_text(tokens[1].text, 0xFFFF);
    if (!length)
        return text_result<rdata>::failure("bad \\# length '" + std::string(tokens[1].text) + "'");
    std::string joined;
    for (const auto& token : tokens.subspan(2)) {
        if (token.quoted) return text_result<rdata>::failure("bad hex in \\# data");
        joined += token.text;
    }
    std::vector<std::uint8_t> octets;
    if (!from_hex(joined, octets)) return text_result<rdata>::failure("bad hex in \\# data");
    if (octets.size() != *length) {
        return text_result<rdata>::failure("\\# length " + std::to_string(*length) + " but " +
                                           std::to_string(octets.size()) + " octets of data");
    }
    auto value = rdata::from_bytes(type, octets);
    if (!value)
        return text_result<rdata>::failure("\\# data is not valid " + type_to_text(type) +
                                           " RDATA");
    return {std::move(value), {}};
}

}  // namespace

std::string rdata_to_text(std::uint16_t type, const rdata& data) {
    if (uses_generic_text(find_layout(type))) return generic_text(data);
    std::vector<rdata_field> fields = rdata_fields(type, data);
    for (const auto& field : fields) {
        if (field.kind == field_kind::svc_params &&
            !detail::svc_params_self_consistent(field.bytes)) {
            return generic_text(data);
        }
    }
    std::string text;
    for (const auto& field : fields) {
        std::size_t before = text.size();
        if (!text.empty()) text.push_back(' ');
        std::size_t start = text.size();
        append_field_text(field, text);
        if (text.size() == start) text.resize(before);  // an empty field adds nothing
    }
    return text;
}

namespace detail {

text_result<rdata> rdata_from_tokens(std::uint16_t type, std::span<const text_token> tokens,
                                     const name& origin) {
    if (!tokens.empty() && !tokens[0].quoted && tokens[0].text == "\\#") {
        return generic_from_tokens(type, tokens);
    }
    const rdata_layout* layout = find_layout(type);
    if (uses_generic_text(layout)) {
        return text_result<rdata>::failure(type_to_text(type) +
                                           " RDATA needs the generic \\# form");
    }
    field_reader reader(tokens, origin);
    std::vector<std::uint8_t> octets;
    for (const auto& field : layout->fields) {
        if (!reader.read(field, octets))
            return text_result<rdata>::failure(std::move(reader.error()));
    }
    if (!reader.at_end()) {
        return text_result<rdata>::failure("unexpected '" +
                                           std::string(tokens[reader.next()].text) + "' after " +
                                           type_to_text(type) + " RDATA");
    }
    if (octets.size() > 0xFFFF)
        return text_result<rdata>::failure("RDATA longer than 65535 octets");
    auto value = rdata::from_bytes(type, octets);
    if (!value) return text_result<rdata>::failure("invalid " + type_to_text(type) + " RDATA");
    return {std::move(value), {}};
}

}  // namespace detail

text_result<rdata> rdata_from_text(std::uint16_t type, std::string_view text, const name& origin) {
    std::vector<text_token> tokens;
    std::string error;
    if (!tokenize(text, tokens, error)) return text_result<rdata>::failure(std::move(error));
    return detail::rdata_from_tokens(type, tokens, origin);
}

}  // namespace residns::wire
