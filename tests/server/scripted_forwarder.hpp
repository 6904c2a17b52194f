// A forwarder for tests: records each request and lets the test complete it when it likes, with
// an answer built from the request (as an upstream would) or a failure.
#pragma once

#include <deque>
#include <functional>
#include <vector>

#include "residns/upstream/forwarder.hpp"

namespace residns::server::testing {

struct recorded_request {
    std::vector<std::uint8_t> qname;
    std::uint16_t qtype = 0;
    std::uint16_t qclass = 0;
    bool dnssec_ok = false;
    bool checking_disabled = false;
    upstream::forward_callback done;
};

class scripted_forwarder : public upstream::forwarder {
public:
    void forward(const upstream::forward_request& request,
                 upstream::forward_callback done) override {
        requests.push_back({{request.qname.begin(), request.qname.end()},
                            request.qtype,
                            request.qclass,
                            request.dnssec_ok,
                            request.checking_disabled,
                            std::move(done)});
    }

    // Completes the request at `index` with `answer` (status answered) or a failure.
    void answer(std::size_t index, const std::vector<std::uint8_t>& answer) {
        upstream::forward_result result{upstream::forward_status::answered, answer, answered_by};
        requests.at(index).done(result);
    }
    void fail(std::size_t index) {
        upstream::forward_result result{upstream::forward_status::failed, {}, nullptr};
        requests.at(index).done(result);
    }

    std::vector<recorded_request> requests;
    // Reported as the upstream of every answer (null: none).
    const upstream::endpoint* answered_by = nullptr;
};

}  // namespace residns::server::testing
