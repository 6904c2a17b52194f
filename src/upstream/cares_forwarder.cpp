// The c-ares forwarder: builds each upstream query itself (random ID, 0x20 case, own OPT), sends
// it through one of a small pool of c-ares channels per upstream, checks the answer byte for byte,
// and fails over across the upstream group within the time budget, skipping upstreams that
// failed recently.
//
// Threading: everything runs on the worker thread that owns the io_context. Re-entrancy rules:
// c-ares callbacks only record outcomes and post; the user's callback runs only as the last act
// of a posted handler (so it may even destroy the forwarder); channels are destroyed only from
// posted handlers or the destructor, never inside a c-ares callback.
#include "residns/upstream/cares_forwarder.hpp"

#include <algorithm>
#include <arpa/inet.h>
#include <array>
#include <cstring>
#include <list>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <spdlog/spdlog.h>

#include "batched_udp.hpp"
#include "cares_channel.hpp"
#include "residns/upstream/case_fallback.hpp"
#include "residns/upstream/name_limiter.hpp"
#include "residns/upstream/upstream_health.hpp"
#include "residns/upstream/upstream_query.hpp"
#include "residns/upstream/zone_router.hpp"

namespace residns::upstream {
namespace {

using clock = std::chrono::steady_clock;

constexpr std::uint8_t rcode_formerr = 1;
constexpr std::uint8_t rcode_servfail = 2;
constexpr std::uint8_t rcode_notimp = 4;
constexpr std::uint8_t rcode_refused = 5;

ares_addr_port_node to_server(const endpoint& ep) {
    ares_addr_port_node node{};
    in_addr v4{};
    in6_addr v6{};
    if (::inet_pton(AF_INET, ep.address.c_str(), &v4) == 1) {
        node.family = AF_INET;
        node.addr.addr4 = v4;
    } else if (::inet_pton(AF_INET6, ep.address.c_str(), &v6) == 1) {
        node.family = AF_INET6;
        std::memcpy(&node.addr.addr6, &v6, sizeof(v6));
    } else {
        throw std::invalid_argument("upstream address '" + ep.address +
                                    "' is not a numeric IPv4 or IPv6 address");
    }
    if (ep.port == 0) {
        throw std::invalid_argument("upstream " + ep.address + " has port 0");
    }
    node.udp_port = ep.port;
    node.tcp_port = ep.port;
    return node;
}

}  // namespace

class cares_forwarder::impl {
public:
    impl(boost::asio::io_context& io, const settings& config, const cares_tuning& tuning);
    ~impl();

    impl(const impl&) = delete;
    impl& operator=(const impl&) = delete;

    void forward(const forward_request& request, forward_callback done);
    forwarder_counters counters() const;

private:
    struct request;

    // One query to one upstream. Owned by c-ares from ares_send until its callback, which runs
    // exactly once (also with ARES_EDESTRUCTION); `req` is cleared when the request gave up on
    // it (budget spent, shutdown), after which only the upstream's health learns the outcome.
    struct attempt {
        impl* owner = nullptr;
        detail::cares_channel* channel = nullptr;
        std::size_t upstream = 0;
        request* req = nullptr;
        // The request's name_limiter slot, once the request gave up on this attempt: the query
        // is still outstanding upstream, so the slot is given back only when it ends.
        std::string name_key;
        std::uint16_t id = 0;
        bool probe = false;
        bool randomized = true;  // the name went with random case (0x20)
        clock::time_point sent_at{};
        std::size_t query_size = 0;
        std::array<std::uint8_t, max_upstream_query_size> query{};
    };

    // One forward() call. Lives in requests_ (arrival order, hence deadline order) until its
    // callback runs. At any time it has an attempt in flight (`current`), or exactly one posted
    // step (`step_posted`), never both.
    struct request {
        forward_callback done;
        std::string name_key;  // non-empty while it holds a name_limiter slot
        std::array<std::uint8_t, 255> qname{};
        std::size_t qname_size = 0;
        std::uint16_t qtype = 1;
        std::uint16_t qclass = 1;
        bool dnssec_ok = false;
        bool checking_disabled = false;
        const std::vector<std::size_t>* group = nullptr;
        clock::time_point deadline;
        std::uint64_t tried = 0;  // bits: positions in `group` tried in this round
        bool second_round = false;
        std::uint32_t tries = 0;
        attempt* current = nullptr;
        bool step_posted = false;
        std::optional<forward_status> outcome;
        std::vector<std::uint8_t> answer;
        const endpoint* answered_by = nullptr;
        std::list<request>::iterator self;
    };

    struct upstream {
        endpoint address;
        detail::channel_config channel_config;
        std::vector<std::shared_ptr<detail::cares_channel>> channels;  // the pool, filled lazily
        std::size_t next_channel = 0;
        std::vector<std::shared_ptr<detail::cares_channel>> retired;  // waiting to drain
        upstream_counters* metrics = nullptr;  // tuning.metrics' entry, if any
        case_fallback case_state;
        bool case_warned = false;  // without metrics: the fallback warning was logged
    };

    std::vector<std::size_t> make_group(const std::vector<endpoint>& endpoints);
    void reject(request& r, forward_status status);
    void advance(request& r);
    bool start_try(request& r, std::size_t upstream_index, clock::time_point now);
    detail::cares_channel* channel_for(std::size_t upstream_index, clock::time_point now);
    static void on_cares_done(void* arg, int status, int timeouts, unsigned char* abuf, int alen);
    void finish_try(attempt& a, int status, std::span<const std::uint8_t> answer);
    void on_case_mismatch(const attempt& a, clock::time_point now);
    void mark_retired(std::size_t upstream_index, detail::cares_channel& channel);
    void post_destroy(std::size_t upstream_index, detail::cares_channel* channel);
    void destroy_if_idle(std::size_t upstream_index, detail::cares_channel* channel);
    void post_step(request& r);
    void run_step(request& r);
    void complete(request& r);
    void ensure_tick();
    void on_tick();

    boost::asio::io_context& io_;
    settings settings_;
    cares_tuning tuning_;
    // Shared by every channel of this worker; outlives them (they are destroyed in ~impl).
    std::shared_ptr<detail::batched_udp> batching_;
    std::vector<upstream> upstreams_;  // fixed after construction: pointers into it are kept
    std::vector<upstream_health> health_;
    std::vector<std::vector<std::size_t>> groups_;  // [0]: settings.upstreams; then one per zone
    zone_router router_;
    name_limiter names_;
    std::list<request> requests_;
    std::size_t pending_queries_ = 0;  // attempts c-ares holds
    std::size_t abandoned_ = 0;        // the part of them no request waits for
    forwarder_counters counters_;
    boost::asio::steady_timer tick_;
    bool tick_armed_ = false;
    bool shutting_down_ = false;
    // Posted handlers hold a weak_ptr to this and do nothing once it has expired.
    std::shared_ptr<char> alive_ = std::make_shared<char>(0);
};

cares_forwarder::impl::impl(boost::asio::io_context& io, const settings& config,
                            const cares_tuning& tuning)
    : io_(io),
      settings_(config),
      tuning_(tuning),
      batching_(std::make_shared<detail::batched_udp>(io, tuning.receive_buffer_bytes)),
      names_(tuning.max_per_name),
      tick_(io) {
    tuning_.channels_per_upstream = std::max<std::uint32_t>(1, tuning_.channels_per_upstream);
    tuning_.queries_per_channel = std::max<std::uint32_t>(1, tuning_.queries_per_channel);
    settings_.edns_udp_size = std::clamp<std::uint16_t>(settings_.edns_udp_size, 512, 4096);
    groups_.push_back(make_group(settings_.upstreams));
    for (const auto& zone : settings_.forward_zones) {
        groups_.push_back(make_group(zone.upstreams));
        router_.add(zone.zone, groups_.size() - 1);
    }
    health_.resize(upstreams_.size());
}

std::vector<std::size_t> cares_forwarder::impl::make_group(const std::vector<endpoint>& endpoints) {
    std::vector<std::size_t> group;
    for (const auto& ep : endpoints) {
        auto it = std::find_if(upstreams_.begin(), upstreams_.end(),
                               [&](const upstream& u) { return u.address == ep; });
        std::size_t index = static_cast<std::size_t>(it - upstreams_.begin());
        if (it == upstreams_.end()) {
            upstream u;
            u.address = ep;
            u.channel_config.server = to_server(ep);
            u.channel_config.try_timeout = settings_.try_timeout;
            u.channel_config.edns_udp_size = settings_.edns_udp_size;
            u.channel_config.receive_buffer_bytes = tuning_.receive_buffer_bytes;
            u.channel_config.batching = batching_.get();
            u.channels.resize(tuning_.channels_per_upstream);
            u.case_state = case_fallback({.threshold = tuning_.case_mismatch_threshold,
                                          .off_for = tuning_.case_fallback_duration});
            if (tuning_.metrics != nullptr) {
                u.metrics = &tuning_.metrics->for_upstream(ep.address, ep.port);
                u.metrics->case_randomization_off.store(false, std::memory_order_relaxed);
            }
            upstreams_.push_back(std::move(u));
        }
        if (std::find(group.begin(), group.end(), index) != group.end()) continue;
        if (group.size() == max_group_size) {
            spdlog::warn("upstream: a group has more than {} upstreams; ignoring {}",
                         max_group_size, ep.address);
            continue;
        }
        group.push_back(index);
    }
    return group;
}

cares_forwarder::impl::~impl() {
    shutting_down_ = true;
    alive_.reset();
    try {
        tick_.cancel();
    } catch (...) {
    }
    for (auto& r : requests_) {
        if (r.current != nullptr) {
            r.current->req = nullptr;
            r.current = nullptr;
            ++abandoned_;
        }
    }
    // ares_destroy runs the callbacks of every pending query (ARES_EDESTRUCTION); they only
    // free their IDs now that no request points at them.
    for (auto& u : upstreams_) {
        u.channels.clear();
        u.retired.clear();
    }
    std::list<request> left;
    left.swap(requests_);
    forward_result result;
    result.status = forward_status::shutting_down;
    for (auto& r : left) {
        if (!r.done) continue;
        auto done = std::move(r.done);
        try {
            done(result);
        } catch (...) {
        }
    }
}

void cares_forwarder::impl::forward(const forward_request& req, forward_callback done) {
    if (shutting_down_) {
        // Called from a callback during destruction: `this` may be gone when this runs.
        boost::asio::post(io_, [done = std::move(done)] {
            forward_result result;
            result.status = forward_status::shutting_down;
            done(result);
        });
        return;
    }
    ++counters_.requests;
    request& r = requests_.emplace_back();
    r.self = std::prev(requests_.end());
    r.done = std::move(done);
    r.deadline = clock::now() + settings_.total_timeout;
    if (!is_wire_name(req.qname)) return reject(r, forward_status::failed);
    std::copy(req.qname.begin(), req.qname.end(), r.qname.begin());
    r.qname_size = req.qname.size();
    const std::span<std::uint8_t> qname(r.qname.data(), r.qname_size);
    lower_case_name(qname);
    r.qtype = req.qtype;
    r.qclass = req.qclass;
    r.dnssec_ok = req.dnssec_ok;
    r.checking_disabled = req.checking_disabled;
    r.group = &groups_[router_.route(qname).value_or(0)];
    if (r.group->empty()) return reject(r, forward_status::failed);
    if (requests_.size() + abandoned_ > settings_.max_in_flight) {
        return reject(r, forward_status::overloaded);
    }
    std::string key = name_limiter::key(qname, r.qtype, r.qclass, r.dnssec_ok, r.checking_disabled);
    if (!names_.try_acquire(key)) return reject(r, forward_status::overloaded);
    r.name_key = std::move(key);
    advance(r);
    if (r.outcome && !r.step_posted) post_step(r);
}

void cares_forwarder::impl::reject(request& r, forward_status status) {
    r.outcome = status;
    post_step(r);
}

// Starts the next try, or decides that the request failed. Never completes it.
void cares_forwarder::impl::advance(request& r) {
    const auto now = clock::now();
    while (true) {
        if (now >= r.deadline) {
            ++counters_.budget_exhausted;
            r.outcome = forward_status::failed;
            return;
        }
        auto pos = pick_upstream(*r.group, health_, r.tried, now, settings_.down_interval);
        if (!pos) {
            // Every upstream of the group was tried once: once more if a whole try still fits.
            if (!r.second_round && r.deadline - now >= settings_.try_timeout) {
                r.second_round = true;
                r.tried = 0;
                continue;
            }
            r.outcome = forward_status::failed;
            return;
        }
        r.tried |= std::uint64_t{1} << *pos;
        if (start_try(r, (*r.group)[*pos], now)) return;
    }
}

bool cares_forwarder::impl::start_try(request& r, std::size_t upstream_index,
                                      clock::time_point now) {
    detail::cares_channel* channel = channel_for(upstream_index, now);
    if (channel == nullptr) {
        ++counters_.network_errors;
        if (auto* m = upstreams_[upstream_index].metrics) m->network_errors.add();
        return false;
    }
    auto a = std::make_unique<attempt>();
    a->owner = this;
    a->channel = channel;
    a->upstream = upstream_index;
    a->req = &r;
    std::array<std::uint8_t, 255> qname{};
    std::copy_n(r.qname.begin(), r.qname_size, qname.begin());
    // r.qname is lower case: without 0x20 (an upstream that does not echo case) it goes so.
    a->randomized = upstreams_[upstream_index].case_state.randomize(now);
    if (a->randomized) randomize_case(std::span<std::uint8_t>(qname.data(), r.qname_size));
    query_spec spec;
    spec.qname = std::span<const std::uint8_t>(qname.data(), r.qname_size);
    spec.qtype = r.qtype;
    spec.qclass = r.qclass;
    spec.dnssec_ok = r.dnssec_ok;
    spec.checking_disabled = r.checking_disabled;
    spec.udp_size = settings_.edns_udp_size;
    a->id = channel->reserve_id();
    a->query_size = write_upstream_query(a->query, a->id, spec);
    a->probe = health_[upstream_index].on_try(now, settings_.down_interval);
    if (r.tries++ > 0) ++counters_.failovers;
    ++counters_.queries_sent;
    a->sent_at = now;
    if (auto* m = upstreams_[upstream_index].metrics) m->queries.add();
    ++pending_queries_;
    r.current = a.get();
    ensure_tick();
    attempt* raw = a.release();
    // The callback may run inside ares_send (c-ares error paths); it only posts.
    channel->send(std::span<const std::uint8_t>(raw->query.data(), raw->query_size),
                  &impl::on_cares_done, raw);
    return true;
}

// The next channel of the upstream's pool, replacing one that is due for retirement.
detail::cares_channel* cares_forwarder::impl::channel_for(std::size_t upstream_index,
                                                          clock::time_point now) {
    upstream& u = upstreams_[upstream_index];
    for (std::size_t n = 0; n < u.channels.size(); ++n) {
        auto& slot = u.channels[u.next_channel];
        u.next_channel = (u.next_channel + 1) % u.channels.size();
        if (slot && (slot->retired || slot->sent() >= tuning_.queries_per_channel ||
                     now - slot->created() >= tuning_.channel_lifetime)) {
            detail::cares_channel* old = slot.get();
            mark_retired(upstream_index, *old);
            u.retired.push_back(std::move(slot));
            slot.reset();
        }
        if (!slot) {
            try {
                slot = detail::cares_channel::create(io_, u.channel_config);
                ++counters_.channels_opened;
            } catch (const std::exception& e) {
                spdlog::debug("upstream: cannot open a channel to {}: {}", u.address.address,
                              e.what());
                return nullptr;
            }
        }
        if (slot->pending() < detail::cares_channel::max_pending) return slot.get();
    }
    return nullptr;
}

void cares_forwarder::impl::on_cares_done(void* arg, int status, int /*timeouts*/,
                                          unsigned char* abuf, int alen) {
    std::unique_ptr<attempt> a(static_cast<attempt*>(arg));
    try {
        std::span<const std::uint8_t> answer;
        if (abuf != nullptr && alen > 0) answer = {abuf, static_cast<std::size_t>(alen)};
        a->owner->finish_try(*a, status, answer);
    } catch (...) {
        // Only allocation can fail here; the request (if any) is no longer tied to this
        // attempt and the tick fails it at its deadline.
        if (a->req != nullptr && a->req->current == a.get()) a->req->current = nullptr;
    }
}

// Runs inside a c-ares callback: records the outcome and posts; never sends, never destroys.
void cares_forwarder::impl::finish_try(attempt& a, int status,
                                       std::span<const std::uint8_t> answer) {
    a.channel->finished(a.id);
    --pending_queries_;
    request* r = a.req;
    if (r != nullptr) {
        r->current = nullptr;
    } else {
        --abandoned_;
        if (!a.name_key.empty() && !shutting_down_) names_.release(a.name_key);
    }
    upstream_health& health = health_[a.upstream];
    if (shutting_down_) return;
    if (a.channel->retired && a.channel->pending() == 0) post_destroy(a.upstream, a.channel);

    const auto now = clock::now();
    const endpoint& from = upstreams_[a.upstream].address;
    upstream_counters* m = upstreams_[a.upstream].metrics;
    const auto count = [m](relaxed_counter upstream_counters::*c) {
        if (m != nullptr) (m->*c).add();
    };
    bool answered = false;
    if (status == ARES_EDESTRUCTION) {
        // Only the destructor destroys channels with queries pending; this is defensive.
        health.on_inconclusive(a.probe);
    } else if (status != ARES_SUCCESS) {
        if (status == ARES_ETIMEOUT) {
            ++counters_.timeouts;
            count(&upstream_counters::timeouts);
        } else {
            ++counters_.network_errors;
            count(&upstream_counters::network_errors);
        }
        health.on_failure(now, a.probe);
        spdlog::debug("upstream: {} port {}: {}", from.address, from.port, ares_strerror(status));
    } else {
        const std::span<const std::uint8_t> query(a.query.data(), a.query_size);
        const answer_verdict verdict = check_answer(answer, query);
        if (verdict != answer_verdict::ok) {
            if (verdict == answer_verdict::wrong_case) {
                ++counters_.case_mismatches;
                on_case_mismatch(a, now);
            } else {
                ++counters_.bad_answers;
            }
            count(&upstream_counters::bad_answers);
            // Not a health signal: a spoofer could send it.
            health.on_inconclusive(a.probe);
            spdlog::debug("upstream: {} port {}: answer rejected ({})", from.address, from.port,
                          static_cast<int>(verdict));
        } else {
            if (upstreams_[a.upstream].case_state.on_match(a.randomized)) {
                if (m != nullptr) m->case_randomization_off.store(false, std::memory_order_relaxed);
                spdlog::info(
                    "upstream: {} port {} echoes the question's case again; 0x20 case "
                    "randomization is back on towards it",
                    from.address, from.port);
            }
            const std::uint8_t rcode = answer_rcode(answer);
            if (rcode == rcode_servfail || rcode == rcode_refused) {
                ++counters_.servfail_refused;
                count(&upstream_counters::servfail_refused);
                health.on_failure(now, a.probe);
            } else if (rcode == rcode_formerr || rcode == rcode_notimp) {
                ++counters_.formerr_notimp;
                count(&upstream_counters::formerr_notimp);
                health.on_inconclusive(a.probe);
                if (a.channel->lost_edns()) mark_retired(a.upstream, *a.channel);
            } else if (!has_opt_record(answer) && a.channel->lost_edns()) {
                // c-ares got a FORMERR without OPT, resent this query without our OPT and
                // turned EDNS off for the channel: this answers a query we never sent.
                ++counters_.formerr_notimp;
                count(&upstream_counters::formerr_notimp);
                health.on_inconclusive(a.probe);
                mark_retired(a.upstream, *a.channel);
            } else {
                health.on_success(a.probe);
                answered = true;
            }
        }
    }
    if (m != nullptr && status != ARES_EDESTRUCTION) {
        if (answered) {
            m->latency.observe(
                std::chrono::duration_cast<std::chrono::microseconds>(now - a.sent_at));
        }
        m->failing.store(health.failing(), std::memory_order_relaxed);
    }
    if (r == nullptr) return;
    if (answered) {
        r->answer.assign(answer.begin(), answer.end());
        r->answered_by = &from;
        r->outcome = forward_status::answered;
    }
    post_step(*r);
}

// An answer that matched our question except for its case. Still a failed try (the caller
// rejects it); here only the 0x20 fallback learns from it.
void cares_forwarder::impl::on_case_mismatch(const attempt& a, clock::time_point now) {
    upstream& u = upstreams_[a.upstream];
    const auto change = u.case_state.on_case_mismatch(a.randomized, now);
    if (change == case_fallback::change::none) return;
    const auto seconds =
        std::chrono::duration_cast<std::chrono::seconds>(tuning_.case_fallback_duration).count();
    if (change == case_fallback::change::probe_failed) {
        spdlog::debug(
            "upstream: {} port {} still does not echo the question's case; 0x20 stays "
            "off towards it for {} s",
            u.address.address, u.address.port, seconds);
        return;
    }
    ++counters_.case_fallbacks;
    if (u.metrics != nullptr) {
        u.metrics->case_fallbacks.add();
        u.metrics->case_randomization_off.store(true, std::memory_order_relaxed);
    }
    const bool warned = u.metrics != nullptr ? u.metrics->case_warned.exchange(true)
                                             : std::exchange(u.case_warned, true);
    if (!warned) {
        spdlog::warn(
            "upstream: {} port {} does not echo the question's case ({} answers in a "
            "row differed only in case, and were rejected); 0x20 case randomization "
            "is off towards it for {} s, then tried again",
            u.address.address, u.address.port, tuning_.case_mismatch_threshold, seconds);
    } else {
        spdlog::debug("upstream: {} port {}: 0x20 case randomization off again for {} s",
                      u.address.address, u.address.port, seconds);
    }
}

void cares_forwarder::impl::mark_retired(std::size_t upstream_index,
                                         detail::cares_channel& channel) {
    if (channel.retired) return;
    channel.retired = true;
    ++counters_.channels_retired;
    if (channel.pending() == 0) post_destroy(upstream_index, &channel);
}

void cares_forwarder::impl::post_destroy(std::size_t upstream_index,
                                         detail::cares_channel* channel) {
    boost::asio::post(io_, [this, alive = std::weak_ptr<char>(alive_), upstream_index, channel] {
        if (alive.expired()) return;
        destroy_if_idle(upstream_index, channel);
    });
}

// `channel` is only compared, never dereferenced, unless it is still ours.
void cares_forwarder::impl::destroy_if_idle(std::size_t upstream_index,
                                            detail::cares_channel* channel) {
    upstream& u = upstreams_[upstream_index];
    for (auto it = u.retired.begin(); it != u.retired.end(); ++it) {
        if (it->get() == channel) {
            if (channel->pending() == 0) u.retired.erase(it);
            return;
        }
    }
    for (auto& slot : u.channels) {
        if (slot.get() == channel && channel->retired && channel->pending() == 0) {
            slot.reset();
            return;
        }
    }
}

void cares_forwarder::impl::post_step(request& r) {
    r.step_posted = true;
    boost::asio::post(io_, [this, alive = std::weak_ptr<char>(alive_), rp = &r] {
        if (alive.expired()) return;
        run_step(*rp);
    });
}

void cares_forwarder::impl::run_step(request& r) {
    r.step_posted = false;
    if (!r.outcome) {
        advance(r);
        if (r.step_posted || !r.outcome) return;
    }
    complete(r);
}

// The request's last act: the user's callback runs last, touching nothing of ours afterwards,
// so that it may destroy the forwarder.
void cares_forwarder::impl::complete(request& r) {
    forward_result result;
    result.status = *r.outcome;
    switch (result.status) {
        case forward_status::answered:
            ++counters_.answered;
            break;
        case forward_status::failed:
            ++counters_.failed;
            break;
        case forward_status::overloaded:
            ++counters_.overloaded;
            break;
        case forward_status::shutting_down:
            break;
    }
    const std::vector<std::uint8_t> answer = std::move(r.answer);
    result.answer = answer;
    result.upstream = r.answered_by;
    forward_callback done = std::move(r.done);
    if (!r.name_key.empty()) names_.release(r.name_key);
    requests_.erase(r.self);
    if (done) done(result);
}

void cares_forwarder::impl::ensure_tick() {
    if (tick_armed_ || shutting_down_) return;
    tick_armed_ = true;
    tick_.expires_after(tuning_.tick);
    tick_.async_wait([this, alive = std::weak_ptr<char>(alive_)](boost::system::error_code) {
        if (alive.expired()) return;
        on_tick();
    });
}

// Lets c-ares expire timed-out tries (one cheap call per busy channel instead of ares_timeout()
// after every event) and fails requests whose budget ran out. Callbacks fired from here only
// post, so the containers iterated here do not change underneath.
void cares_forwarder::impl::on_tick() {
    tick_armed_ = false;
    try {
        for (auto& u : upstreams_) {
            for (auto& channel : u.channels) {
                if (channel && channel->pending() > 0) channel->process_timeouts();
            }
            for (auto& channel : u.retired) {
                if (channel->pending() > 0) channel->process_timeouts();
            }
        }
        const auto now = clock::now();
        for (auto& r : requests_) {
            if (r.deadline > now) break;
            if (r.step_posted) continue;
            if (r.current != nullptr) {
                r.current->req = nullptr;
                r.current->name_key = std::move(r.name_key);
                r.name_key.clear();
                r.current = nullptr;
                ++abandoned_;
            }
            ++counters_.budget_exhausted;
            r.outcome = forward_status::failed;
            post_step(r);
        }
    } catch (const std::exception& e) {
        spdlog::debug("upstream: tick failed: {}", e.what());
    }
    if (pending_queries_ > 0 || !requests_.empty()) ensure_tick();
}

forwarder_counters cares_forwarder::impl::counters() const {
    forwarder_counters c = counters_;
    c.pending_requests = requests_.size();
    c.pending_queries = pending_queries_;
    return c;
}

cares_forwarder::cares_forwarder(boost::asio::io_context& io, const settings& config,
                                 const cares_tuning& tuning)
    : impl_(std::make_unique<impl>(io, config, tuning)) {}

cares_forwarder::~cares_forwarder() = default;

void cares_forwarder::forward(const forward_request& request, forward_callback done) {
    impl_->forward(request, std::move(done));
}

forwarder_counters cares_forwarder::counters() const {
    return impl_->counters();
}

std::unique_ptr<cares_forwarder> make_cares_forwarder(boost::asio::io_context& io,
                                                      const settings& config,
                                                      const cares_tuning& tuning) {
    return std::make_unique<cares_forwarder>(io, config, tuning);
}

}  // namespace residns::upstream
