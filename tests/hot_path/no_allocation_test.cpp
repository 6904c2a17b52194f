// The cache-hit path allocates nothing: after a warm-up, thousands of hits through the query
// handler (every variant: EDNS or not, UDP or TCP limits, 0x20 case, RD=0, truncation) and
// thousands of UDP hits through a real worker (recvmmsg, handler, sendmmsg) make zero calls to
// malloc. Misses are allowed to allocate and are not measured here.
#include <arpa/inet.h>
#include <chrono>
#include <cstdlib>
#include <memory>
#include <netinet/in.h>
#include <poll.h>
#include <string>
#include <sys/socket.h>
#include <unistd.h>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <gtest/gtest.h>

#include "allocation_counter.hpp"
#include "residns/cache/answer_cache.hpp"
#include "residns/server/query_handler.hpp"
#include "residns/server/worker.hpp"
#include "residns/wire/message_builder.hpp"
#include "residns/wire/packet_index.hpp"

namespace residns::server {
namespace {

using bytes = std::vector<std::uint8_t>;

bytes make_query(const std::string& qname, std::uint16_t id, bool edns, bool rd = true) {
    bytes buffer(512);
    wire::message_builder b(buffer);
    b.hdr().id = id;
    b.hdr().set_flag(wire::header_flag::rd, rd);
    b.add_question(wire::name::from_text(qname).value().wire(), wire::rr_type::a,
                   wire::rr_class::in);
    if (edns) b.add_opt(wire::edns{});
    buffer.resize(b.finish());
    return buffer;
}

// Answers every question at once (posted) with `records` A records of TTL 3600.
class answering_forwarder : public upstream::forwarder {
public:
    explicit answering_forwarder(boost::asio::io_context& io) : io_(io) {}

    void forward(const upstream::forward_request& request,
                 upstream::forward_callback done) override {
        const std::size_t records = request.qname.size() > 4 && request.qname[1] == 'b' ? 60 : 1;
        auto answer = std::make_shared<bytes>(8192);
        wire::message_builder b(*answer);
        b.hdr().id = 7;
        b.hdr().flags = 0x8180;
        b.add_question(request.qname, request.qtype, request.qclass);
        for (std::size_t i = 0; i < records; ++i) {
            b.begin_record(wire::section::answer, request.qname, wire::rr_type::a,
                           wire::rr_class::in, 3600);
            const std::uint8_t address[4] = {192, 0, 2, static_cast<std::uint8_t>(i)};
            b.put_bytes(address);
            b.end_record();
        }
        answer->resize(b.finish());
        boost::asio::post(io_, [answer, done = std::move(done)] {
            done({upstream::forward_status::answered, *answer, nullptr});
        });
    }

private:
    boost::asio::io_context& io_;
};

// The counter itself: it must see what the tests below claim is absent.
// Where the counter test's pointers escape to, so that the compiler cannot drop the
// allocations (it may elide a new/delete or malloc/free pair it can see whole).
void* volatile escaped = nullptr;

TEST(NoAllocation, CounterSeesOperatorNewAndMalloc) {
    testing::start_counting();
    auto* boxed = new int(1);
    escaped = boxed;
    void* raw = std::malloc(16);
    escaped = raw;
    const std::uint64_t allocations = testing::stop_counting();
    std::free(raw);
    delete boxed;
    EXPECT_GE(allocations, 2U);
}

TEST(NoAllocation, CacheHitsThroughTheQueryHandler) {
    boost::asio::io_context io;
    answering_forwarder forwarder(io);
    cache::answer_cache cache(cache::settings{.max_bytes = 1 << 20});
    handler_counters counters;
    query_handler handler(settings{}, forwarder, counters,
                          cache_options{.cache = &cache, .io = &io});
    bytes out(65535);
    pending_query pending;
    std::size_t length = 0;

    // Misses fill the cache (they may allocate).
    for (const char* name : {"www.example.", "big.example."}) {
        const bytes query = make_query(name, 1, true);
        ASSERT_EQ(handler.handle(query, transport::udp, out, length, pending),
                  handle_result::forward);
        handler.forward(pending, [](std::span<const std::uint8_t>) {});
    }
    io.run();

    const std::vector<std::pair<bytes, transport>> hits = {
        {make_query("www.example.", 2, true), transport::udp},
        {make_query("WwW.ExAmPlE.", 3, false), transport::udp},
        {make_query("www.example.", 4, true), transport::tcp},
        {make_query("www.example.", 5, false, false), transport::udp},  // RD=0
        {make_query("big.example.", 6, false), transport::udp},         // truncated to 512
        {make_query("big.example.", 7, true), transport::tcp},
    };
    auto ask_all = [&] {
        std::size_t answered = 0;
        for (const auto& [query, via] : hits) {
            if (handler.handle(query, via, out, length, pending) == handle_result::answer &&
                length > 12)
                ++answered;
        }
        return answered;
    };
    ASSERT_EQ(ask_all(), hits.size());  // warm-up: per-thread scratch of the truncation path

    testing::start_counting();
    std::size_t answered = 0;
    for (int i = 0; i < 2000; ++i)
        answered += ask_all();
    const std::uint64_t allocations = testing::stop_counting();

    EXPECT_EQ(answered, 2000 * hits.size());
    EXPECT_EQ(allocations, 0U) << "heap allocations on the cache-hit path";
    EXPECT_EQ(counters.cache_hits.get(), 2001 * hits.size());
}

TEST(NoAllocation, UdpCacheHitsThroughAWorker) {
    cache::answer_cache cache(cache::settings{.max_bytes = 1 << 20});
    settings config;
    config.listen = {{"127.0.0.1", 0}};
    worker w(
        config, {{parse_listen_address("127.0.0.1"), 0}},
        [](boost::asio::io_context& io) { return std::make_unique<answering_forwarder>(io); },
        &cache);
    w.start_thread();
    sockaddr_in to{};
    to.sin_family = AF_INET;
    to.sin_port = htons(w.bound().at(0).port);
    inet_pton(AF_INET, "127.0.0.1", &to.sin_addr);
    const int fd = ::socket(AF_INET, SOCK_DGRAM, 0);
    ASSERT_GE(fd, 0);
    ASSERT_EQ(::connect(fd, reinterpret_cast<const sockaddr*>(&to), sizeof to), 0);
    const bytes query = make_query("www.example.", 0x4242, true);
    std::uint8_t buffer[1500];
    // Sends the query and waits for its answer; the length of the answer, or -1.
    auto exchange = [&]() -> ssize_t {
        if (::send(fd, query.data(), query.size(), 0) != static_cast<ssize_t>(query.size()))
            return -1;
        pollfd p{fd, POLLIN, 0};
        if (::poll(&p, 1, 2000) != 1) return -1;
        return ::recv(fd, buffer, sizeof buffer, 0);
    };
    // The first query misses and fills the cache; the next ones warm the listener's buffers.
    for (int i = 0; i < 100; ++i)
        ASSERT_GT(exchange(), 12);

    testing::start_counting();
    int answered = 0;
    for (int i = 0; i < 3000; ++i)
        answered += exchange() > 12 ? 1 : 0;
    const std::uint64_t allocations = testing::stop_counting();

    ::close(fd);
    w.drain(std::chrono::milliseconds(200));
    w.join();
    EXPECT_EQ(answered, 3000);
    EXPECT_EQ(allocations, 0U) << "heap allocations while a worker answered UDP cache hits";
    EXPECT_GE(w.counters().cache_hits.get(), 3000U);
}

}  // namespace
}  // namespace residns::server
