// Writes the fuzzers' seed corpora, so that no binary test data lives in the repository:
//   make_wire_corpus MESSAGE_DIR TEXT_DIR [COUNT]
// MESSAGE_DIR gets queries and random valid messages (tests/wire/message_generator.hpp) in wire
// form; TEXT_DIR gets "two bytes of type + RDATA text" inputs and record lines for every type.
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "message_generator.hpp"
#include "residns/wire/constants.hpp"
#include "residns/wire/message.hpp"

namespace {

using namespace residns::wire;

void write_file(const std::filesystem::path& path, const void* data, std::size_t size) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(static_cast<const char*>(data), static_cast<std::streamsize>(size));
}

message typical_query(std::string_view qname, std::uint16_t qtype, bool with_edns) {
    message m;
    m.hdr.id = 0x1234;
    m.hdr.flags = header_flag::rd;
    m.questions.push_back({*name::from_text(qname), qtype, rr_class::in});
    if (with_edns) {
        m.edns = edns{};
        m.edns->flags = edns_flag_do;
        m.edns->options.push_back({10, {1, 2, 3, 4, 5, 6, 7, 8}});
    }
    return m;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 3) {
        std::fprintf(stderr, "usage: %s MESSAGE_DIR TEXT_DIR [COUNT]\n", argv[0]);
        return 2;
    }
    const std::filesystem::path message_dir = argv[1];
    const std::filesystem::path text_dir = argv[2];
    const int count = argc > 3 ? std::stoi(argv[3]) : 400;
    std::filesystem::create_directories(message_dir);
    std::filesystem::create_directories(text_dir);

    std::vector<std::uint8_t> buffer(65535);
    int written = 0;
    auto put_message = [&](const message& m) {
        std::size_t n = encode_message(m, buffer);
        if (n == 0) return;
        char file[32];
        std::snprintf(file, sizeof file, "msg-%05d", written++);
        write_file(message_dir / file, buffer.data(), n);
    };
    put_message(typical_query("www.example.com.", rr_type::a, true));
    put_message(typical_query("example.org.", rr_type::aaaa, false));
    put_message(typical_query(".", rr_type::ns, true));
    residns::wire::test::message_generator generator(1);
    for (int i = 0; i < count; ++i)
        put_message(generator.next_message());

    int texts = 0;
    auto put_text = [&](std::uint16_t type, const std::string& text) {
        std::string input;
        input.push_back(static_cast<char>(type >> 8));
        input.push_back(static_cast<char>(type & 0xFF));
        input += text;
        char file[32];
        std::snprintf(file, sizeof file, "text-%05d", texts++);
        write_file(text_dir / file, input.data(), input.size());
    };
    for (std::uint16_t type : residns::wire::test::message_generator::types()) {
        for (int i = 0; i < 3; ++i) {
            record rr = generator.next_record();
            rr.type = type;
            rr.data = generator.next_rdata(type);
            put_text(type, rdata_to_text(type, rr.data));
            put_text(type, record_to_text(rr));
        }
    }
    put_text(rr_type::soa, "@ hostmaster ( 2024 ; serial\n 1h 30m 1w 1d )");
    put_text(rr_type::svcb, "1 . alpn=\"h2,h3\" mandatory=alpn port=443");
    put_text(rr_type::txt, "www 3600 IN TXT \"a \\\"b\\\"\" c\\032d");
    std::printf("%d messages in %s, %d text inputs in %s\n", written, message_dir.c_str(), texts,
                text_dir.c_str());
    return 0;
}
