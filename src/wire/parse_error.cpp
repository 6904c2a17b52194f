// Human-readable descriptions of parse errors, for logs and test failure messages.
#include "residns/wire/parse_error.hpp"

namespace residns::wire {

std::string_view describe(parse_error error) {
    switch (error) {
        case parse_error::none:
            return "no error";
        case parse_error::truncated:
            return "packet ends inside a field";
        case parse_error::label_too_long:
            return "label longer than 63 octets";
        case parse_error::name_too_long:
            return "name longer than 255 octets";
        case parse_error::bad_label_type:
            return "reserved label type";
        case parse_error::bad_pointer:
            return "compression pointer not to an earlier name";
        case parse_error::too_many_pointers:
            return "too many compression pointers";
        case parse_error::count_mismatch:
            return "section count larger than the records present";
        case parse_error::rdata_length_mismatch:
            return "RDLENGTH does not match the RDATA";
        case parse_error::bad_rdata:
            return "invalid RDATA";
        case parse_error::duplicate_opt:
            return "more than one OPT record";
        case parse_error::misplaced_opt:
            return "OPT record outside the additional section";
        case parse_error::trailing_bytes:
            return "trailing bytes after the last record";
        case parse_error::bad_question:
            return "unexpected question count";
    }
    return "unknown error";
}

}  // namespace residns::wire
