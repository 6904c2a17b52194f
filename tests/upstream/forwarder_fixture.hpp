// Shared set-up of the c-ares forwarder tests: an io_context, scripted upstreams on loopback,
// short timeouts, and helpers that ask a question and run the loop until the answer comes.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "residns/upstream/cares_forwarder.hpp"
#include "residns/upstream/cares_library.hpp"
#include "scripted_server.hpp"

namespace residns::upstream::testing {

using namespace std::chrono_literals;
using test_clock = std::chrono::steady_clock;

struct outcome {
    bool done = false;
    forward_status status = forward_status::failed;
    std::vector<std::uint8_t> answer;
    endpoint upstream;
    bool has_upstream = false;
    test_clock::duration elapsed{};
};

class CaresForwarder : public ::testing::Test {
protected:
    // Declared in this order so that the forwarder goes first, then the servers, then the loop.
    boost::asio::io_context io_;
    std::vector<std::unique_ptr<scripted_server>> servers_;
    std::unique_ptr<cares_forwarder> forwarder_;

    scripted_server& add_server(behaviour b = behaviour::answer) {
        servers_.push_back(std::make_unique<scripted_server>(io_));
        servers_.back()->set_behaviour(b);
        return *servers_.back();
    }

    static settings short_timeouts() {
        settings s;
        s.try_timeout = 200ms;
        s.total_timeout = 1000ms;
        s.down_interval = 5000ms;
        return s;
    }

    void start(const settings& s, const cares_tuning& tuning = {}) {
        forwarder_ = make_cares_forwarder(io_, s, tuning);
    }

    std::shared_ptr<outcome> ask(const std::string& name, std::uint16_t qtype = 1,
                                 bool dnssec_ok = false, bool checking_disabled = false) {
        auto result = std::make_shared<outcome>();
        const auto qname = wire_name(name);
        forward_request request;
        request.qname = qname;
        request.qtype = qtype;
        request.dnssec_ok = dnssec_ok;
        request.checking_disabled = checking_disabled;
        const auto started = test_clock::now();
        forwarder_->forward(request, [result, started](const forward_result& r) {
            result->done = true;
            result->status = r.status;
            result->answer.assign(r.answer.begin(), r.answer.end());
            if (r.upstream != nullptr) {
                result->upstream = *r.upstream;
                result->has_upstream = true;
            }
            result->elapsed = test_clock::now() - started;
        });
        return result;
    }

    // Runs the loop until `done` holds or `limit` passes; returns whether it holds.
    bool run_until(const std::function<bool()>& done, test_clock::duration limit = 3s) {
        const auto deadline = test_clock::now() + limit;
        while (!done() && test_clock::now() < deadline) {
            io_.run_one_for(10ms);
        }
        return done();
    }

    void run_for(test_clock::duration d) {
        const auto deadline = test_clock::now() + d;
        while (test_clock::now() < deadline)
            io_.run_one_for(5ms);
    }

    std::shared_ptr<outcome> ask_and_wait(const std::string& name, std::uint16_t qtype = 1,
                                          bool dnssec_ok = false, bool checking_disabled = false) {
        auto result = ask(name, qtype, dnssec_ok, checking_disabled);
        EXPECT_TRUE(run_until([&] { return result->done; })) << "no callback for " << name;
        return result;
    }
};

}  // namespace residns::upstream::testing
