// The query pipeline: policy checks, the cache, coalescing of misses, forwarding and relaying.
#include "residns/server/query_handler.hpp"

#include <cstring>

#include <boost/asio/post.hpp>

#include "residns/util/endian.hpp"
#include "residns/wire/message_builder.hpp"
#include "residns/wire/response.hpp"
#include "residns/zone/chased_answer.hpp"
#include "residns/zone/local_answer.hpp"

namespace residns::server {

query_handler::query_handler(const settings& config, upstream::forwarder& forwarder,
                             handler_counters& counters, cache_options cache)
    : settings_(config),
      forwarder_(&forwarder),
      counters_(counters),
      answer_buffer_(65535),
      cache_(cache),
      flights_(16, key_hash{&flight_hasher_}) {
    upstream_index_.records.reserve(64);
    set_rebinding(config.policy.rebinding);
    if (cache_.registry != nullptr && cache_.io != nullptr) {
        member_.id = this;
        member_.deliver = [this](const cache::key& k, std::shared_ptr<const shared_result> result) {
            boost::asio::post(*cache_.io, [this, k, result = std::move(result)] {
                on_remote_result(k, *result);
            });
        };
    }
}

query_handler::~query_handler() = default;

void query_handler::set_rebinding(const policy::rebinding_settings& rebinding) {
    rebinding_ = policy::rebinding_filter(rebinding);
    if (!rebinding_.enabled()) return;
    screened_.resize(65535);
    // Local data may hold private addresses: a name it covers is never filtered.
    is_local_name_ = [this](const wire::name& owner) {
        return local_ != nullptr &&
               local_->lookup(owner.wire(), wire::rr_type::a, wire::rr_class::in).is_local();
    };
}

void query_handler::set_forward_zones(const std::vector<upstream::forward_zone>& zones) {
    forward_zones_.clear();
    for (const auto& zone : zones) {
        if (auto name = wire::name::from_text(zone.zone)) forward_zones_.push_back(*name);
    }
}

std::size_t query_handler::answer_error(std::span<const std::uint8_t> query,
                                        const wire::query_view& view, wire::rcode code,
                                        std::span<std::uint8_t> out) {
    return wire::write_error_response(query, view, code, settings_.edns_udp_size, out);
}

void query_handler::count_answer(std::span<const std::uint8_t> answer) {
    counters_.answers.add();
    if (answer.size() >= wire::header::size) counters_.responses_by_rcode[answer[3] & 0x0F].add();
}

handle_result query_handler::handle(std::span<const std::uint8_t> query, transport via,
                                    std::span<std::uint8_t> out, std::size_t& length,
                                    pending_query& pending) {
    const handle_result result = handle_query(query, via, out, length, pending);
    if (result == handle_result::answer) count_answer(out.first(length));
    return result;
}

handle_result query_handler::handle_query(std::span<const std::uint8_t> query, transport via,
                                          std::span<std::uint8_t> out, std::size_t& length,
                                          pending_query& pending) {
    (via == transport::udp ? counters_.queries_udp : counters_.queries_tcp).add();
    length = 0;
    if (query.size() < wire::header::size) {
        counters_.dropped_short.add();
        return handle_result::drop;
    }
    // A response sent to us is never answered: that is how reflection loops start.
    if ((query[2] & 0x80) != 0) {
        counters_.dropped_response.add();
        return handle_result::drop;
    }
    wire::query_view view;
    wire::parse_error error = wire::parse_query(query, view);
    if (error != wire::parse_error::none) {
        counters_.formerr.add();
        last_source_ = answer_source::error;
        length = wire::write_formerr_header_only(query, out);
        return length > 0 ? handle_result::answer : handle_result::drop;
    }
    wire::rcode refusal = wire::rcode::noerror;
    if (view.hdr.opcode() != wire::opcode::query) {
        counters_.notimp.add();
        refusal = wire::rcode::notimp;
    } else if (view.edns.present && view.edns.version > 0) {
        counters_.badvers.add();
        refusal = wire::rcode::badvers;
    } else if (view.question.qtype == wire::rr_type::axfr ||
               view.question.qtype == wire::rr_type::ixfr) {
        // A forwarder does not do zone transfers.
        counters_.refused.add();
        refusal = wire::rcode::refused;
    }
    if (refusal != wire::rcode::noerror) {
        last_source_ =
            refusal == wire::rcode::refused ? answer_source::policy : answer_source::error;
        length = answer_error(query, view, refusal, out);
        return length > 0 ? handle_result::answer : handle_result::drop;
    }

    const std::size_t limit =
        via == transport::udp ? wire::udp_answer_limit(view, settings_.edns_udp_size) : 65535;
    const auto keep_for_forwarding = [&](bool chase) {
        pending.view = view;
        pending.via = via;
        pending.limit = limit;
        pending.chase_local_chain = chase;
        std::memcpy(pending.head.data(), query.data(), view.question.end_offset);
        return handle_result::forward;
    };
    if (local_ != nullptr) {
        bool chase = false;
        length = answer_locally(query, view, limit, out, chase);
        if (length > 0) {
            last_source_ = answer_source::local;
            return handle_result::answer;
        }
        if (chase) return keep_for_forwarding(true);
    }
    // RFC 8482: ANY over UDP is an amplification tool; answer it minimally, without asking
    // upstream. Over TCP (source address proven) it is forwarded; local data answered it above.
    if (via == transport::udp && view.question.qtype == wire::rr_type::any) {
        length = answer_any_minimally(query, view, out);
        if (length > 0) {
            last_source_ = answer_source::policy;
            return handle_result::answer;
        }
    }
    if (cache_.cache != nullptr) {
        // The hot path: no heap allocation and no logging up to the return of a hit.
        const cache::key k = cache::key::from_query(query, view);
        cache::answer_target target{.query_packet = query,
                                    .query = &view,
                                    .limit = limit,
                                    .our_udp_size = settings_.edns_udp_size,
                                    .out = out,
                                    .allow_stale = false};
        const auto now = cache_.now();
        auto found = cache_.cache->lookup(k, now, target);
        const flight* in_flight = nullptr;
        if (found.status == cache::lookup_status::miss && !flights_.empty()) {
            auto it = flights_.find(k);
            if (it != flights_.end()) {
                in_flight = it->second.get();
                // The upstream is already slow for this key: a stale answer now, if there is one.
                if (in_flight->slow) {
                    target.allow_stale = true;
                    found = cache_.cache->lookup(k, now, target);
                }
            }
        }
        if (found.status != cache::lookup_status::miss) {
            const bool fresh = found.status == cache::lookup_status::hit;
            (fresh ? counters_.cache_hits : counters_.stale_answers).add();
            last_source_ = fresh ? answer_source::cache : answer_source::stale;
            if (found.prefetch_due) prefetch(k);
            length = found.length;
            return handle_result::answer;
        }
        counters_.cache_misses.add();
        wire::rcode failure = wire::rcode::noerror;
        if (!view.hdr.rd()) {
            // Recursion not desired: the cache is all we have.
            counters_.refused.add();
            failure = wire::rcode::refused;
        } else if ((in_flight != nullptr &&
                    in_flight->waiters.size() >= cache_.max_waiters_per_key) ||
                   (in_flight == nullptr && flights_.size() >= cache_.max_keys_in_flight)) {
            counters_.coalesce_full.add();
            counters_.servfail.add();
            failure = wire::rcode::servfail;
        }
        if (failure != wire::rcode::noerror) {
            last_source_ =
                failure == wire::rcode::refused ? answer_source::policy : answer_source::error;
            length = answer_error(query, view, failure, out);
            return length > 0 ? handle_result::answer : handle_result::drop;
        }
    }

    return keep_for_forwarding(false);
}

std::size_t query_handler::answer_any_minimally(std::span<const std::uint8_t> query,
                                                const wire::query_view& view,
                                                std::span<std::uint8_t> out) {
    // The error answer's layout with NOERROR (header, the client's question, OPT if it sent
    // one), then one record slid in before the OPT: owner = a pointer to the qname, HINFO,
    // the query's class, TTL 3600, CPU "RFC8482" and an empty OS (RFC 8482 section 4.2).
    static constexpr std::array<std::uint8_t, 9> rdata{7, 'R', 'F', 'C', '8', '4', '8', '2', 0};
    constexpr std::size_t record_size = 2 + 10 + rdata.size();
    const std::size_t length = answer_error(query, view, wire::rcode::noerror, out);
    const std::size_t at = view.question.end_offset;
    if (length == 0 || out.size() < length + record_size || view.question.qname_offset > 0x3fff) {
        return 0;
    }
    std::memmove(out.data() + at + record_size, out.data() + at, length - at);
    std::uint8_t* p = out.data() + at;
    util::store_u16(p, static_cast<std::uint16_t>(0xc000 | view.question.qname_offset));
    util::store_u16(p + 2, wire::rr_type::hinfo);
    util::store_u16(p + 4, view.question.qclass);
    util::store_u32(p + 6, 3600);
    util::store_u16(p + 10, static_cast<std::uint16_t>(rdata.size()));
    std::memcpy(p + 12, rdata.data(), rdata.size());
    util::store_u16(out.data() + 6, 1);  // ANCOUNT
    counters_.any_minimal.add();
    return length + record_size;
}

std::size_t query_handler::answer_locally(std::span<const std::uint8_t> query,
                                          const wire::query_view& view, std::size_t limit,
                                          std::span<std::uint8_t> out, bool& chase) {
    const auto& q = view.question;
    const zone::local_result local =
        local_->lookup(query.subspan(q.qname_offset, q.qname_length), q.qtype, q.qclass);
    if (!local.is_local()) return 0;
    if (local.status != zone::local_status::cname_external || !view.hdr.rd()) {
        // With RD=0 a chain that leaves local data is answered as far as it goes.
        counters_.local_answers.add();
        return zone::write_local_answer(local, query, view, limit, settings_.edns_udp_size, out);
    }
    if (cache_.cache != nullptr && make_chase_query(local, view)) {
        const std::span<const std::uint8_t> target_query(chase_query_.data(), chase_query_length_);
        const cache::key k = cache::key::from_query(target_query, chase_view_);
        const cache::answer_target target{.query_packet = target_query,
                                          .query = &chase_view_,
                                          .limit = 65535,
                                          .our_udp_size = settings_.edns_udp_size,
                                          .out = answer_buffer_,
                                          .allow_stale = false};
        const auto found = cache_.cache->lookup(k, cache_.now(), target);
        if (found.status == cache::lookup_status::hit) {
            counters_.cache_hits.add();
            counters_.local_chases.add();
            const std::size_t length = zone::write_chased_answer(
                local, query, view, limit, settings_.edns_udp_size,
                std::span<const std::uint8_t>(answer_buffer_).first(found.length), out);
            if (length > 0) return length;
        }
    }
    chase = true;
    return 0;
}

bool query_handler::make_chase_query(const zone::local_result& chain,
                                     const wire::query_view& client) {
    wire::message_builder b(chase_query_);
    b.hdr().id = 0;
    b.hdr().set_flag(wire::header_flag::rd, true);
    b.hdr().set_flag(wire::header_flag::cd, client.hdr.cd());
    if (!b.add_question(chain.external_name, client.question.qtype, client.question.qclass)) {
        return false;
    }
    if (client.edns.present) {
        wire::edns e;
        if (client.edns.dnssec_ok()) e.flags = wire::edns_flag_do;
        if (!b.add_opt(e)) return false;
    }
    chase_query_length_ = b.finish();
    const std::span<const std::uint8_t> packet(chase_query_.data(), chase_query_length_);
    return wire::parse_query(packet, chase_view_) == wire::parse_error::none;
}

void query_handler::forward_chase(const pending_query& pending, reply_fn reply) {
    const auto& q = pending.view.question;
    const std::span<const std::uint8_t> qname(pending.head.data() + q.qname_offset, q.qname_length);
    std::shared_ptr<const zone::local_data> snapshot = local_;
    if (!snapshot) return reply_servfail(pending, reply);
    const zone::local_result chain = snapshot->lookup(qname, q.qtype, q.qclass);
    if (chain.status != zone::local_status::cname_external ||
        !make_chase_query(chain, pending.view)) {
        return reply_servfail(pending, reply);
    }
    counters_.local_chases.add();
    pending_query target;
    target.view = chase_view_;
    target.via = transport::tcp;
    target.limit = 65535;
    std::memcpy(target.head.data(), chase_query_.data(), chase_view_.question.end_offset);
    forward(target, [this, client = pending, snapshot = std::move(snapshot),
                     reply = std::move(reply)](std::span<const std::uint8_t> answer) {
        const auto& cq = client.view.question;
        const zone::local_result again = snapshot->lookup(
            std::span<const std::uint8_t>(client.head.data() + cq.qname_offset, cq.qname_length),
            cq.qtype, cq.qclass);
        chase_buffer_.resize(65535);
        const std::size_t length =
            zone::write_chased_answer(again, client.head_bytes(), client.view, client.limit,
                                      settings_.edns_udp_size, answer, chase_buffer_);
        if (length == 0) return reply_servfail(client, reply);
        last_source_ = answer_source::upstream;
        reply(std::span<const std::uint8_t>(chase_buffer_).first(length));
    });
}

void query_handler::forward(const pending_query& pending, reply_fn reply) {
    if (pending.chase_local_chain) return forward_chase(pending, std::move(reply));
    ++in_flight_;
    if (cache_.cache == nullptr) return forward_uncached(pending, std::move(reply));
    const cache::key k = cache::key::from_query(pending.head_bytes(), pending.view);
    auto it = flights_.find(k);
    if (it != flights_.end()) {
        counters_.coalesced.add();
        it->second->waiters.push_back({pending, std::move(reply)});
        return;
    }
    // handle() checked the bounds just before; the new waiter makes the flight.
    start_flight(k).waiters.push_back({pending, std::move(reply)});
}

void query_handler::forward_uncached(const pending_query& pending, reply_fn reply) {
    counters_.forwarded.add();
    const auto& q = pending.view.question;
    upstream::forward_request request{
        .qname =
            std::span<const std::uint8_t>(pending.head.data() + q.qname_offset, q.qname_length),
        .qtype = q.qtype,
        .qclass = q.qclass,
        .dnssec_ok = pending.view.edns.dnssec_ok(),
        .checking_disabled = pending.view.hdr.cd(),
    };
    forwarder_->forward(
        request, [this, pending, reply = std::move(reply)](const upstream::forward_result& result) {
            --in_flight_;
            complete(pending, screen(result), reply);
        });
}

void query_handler::complete(const pending_query& pending, const upstream::forward_result& result,
                             const reply_fn& reply) {
    std::span<std::uint8_t> out(answer_buffer_);
    std::size_t length = 0;
    if (result.status == upstream::forward_status::answered &&
        wire::index_packet(result.answer, upstream_index_) == wire::parse_error::none) {
        length =
            wire::write_relayed_response(result.answer, upstream_index_, pending.head_bytes(),
                                         pending.view, pending.limit, settings_.edns_udp_size, out);
    }
    last_source_ = answer_source::upstream;
    if (length == 0) {
        counters_.servfail.add();
        last_source_ = answer_source::error;
        length = answer_error(pending.head_bytes(), pending.view, wire::rcode::servfail, out);
    } else if ((out[2] & 0x02) != 0) {
        counters_.truncated.add();
    }
    count_answer(out.first(length));
    reply(out.first(length));
}

query_handler::flight& query_handler::start_flight(const cache::key& k) {
    auto fresh = std::make_unique<flight>();
    flight& f = *fresh;
    f.serial = next_serial_++;
    const std::uint64_t serial = f.serial;
    flights_.emplace(k, std::move(fresh));
    if (cache_.io != nullptr && cache_.cache->config().serve_stale) {
        f.stale_timer = std::make_unique<boost::asio::steady_timer>(*cache_.io, cache_.stale_wait);
        f.stale_timer->async_wait([this, k, serial](const boost::system::error_code& error) {
            if (!error) on_stale_timer(k, serial);
        });
    }
    if (member_.id != nullptr &&
        cache_.registry->join(k, member_) == flight_registry::role::follower) {
        // Another worker is asking upstream for this key; its result reaches on_remote_result.
        f.follower = true;
        counters_.coalesced.add();
        return f;
    }
    counters_.forwarded.add();
    // The key holds the lower-cased name; the forwarder applies its own 0x20 case.
    upstream::forward_request request{
        .qname = k.qname(),
        .qtype = k.qtype(),
        .qclass = k.qclass(),
        .dnssec_ok = k.dnssec_ok(),
        .checking_disabled = k.checking_disabled(),
    };
    // The forwarder never calls back from inside forward(), so `f` is still valid on return.
    forwarder_->forward(request, [this, k, serial](const upstream::forward_result& result) {
        on_upstream(k, serial, screen(result));
    });
    return f;
}

void query_handler::prefetch(const cache::key& k) {
    if (flights_.size() >= cache_.max_keys_in_flight || flights_.contains(k)) return;
    counters_.prefetches.add();
    start_flight(k);
}

const wire::name* query_handler::bailiwick_for(const cache::key& k) const {
    if (forward_zones_.empty()) return nullptr;
    const auto qname = wire::name::from_wire(k.qname());
    if (!qname) return nullptr;
    const wire::name* best = nullptr;
    for (const auto& zone : forward_zones_) {
        if (qname->is_subdomain_of(zone) && (best == nullptr || zone.size() > best->size())) {
            best = &zone;
        }
    }
    return best;
}

std::size_t query_handler::cached_answer_for(const cache::key& k, const pending_query& pending) {
    const cache::answer_target target{.query_packet = pending.head_bytes(),
                                      .query = &pending.view,
                                      .limit = pending.limit,
                                      .our_udp_size = settings_.edns_udp_size,
                                      .out = answer_buffer_,
                                      .allow_stale = true};
    const auto found = cache_.cache->lookup(k, cache_.now(), target);
    if (found.status == cache::lookup_status::miss) return 0;
    const bool fresh = found.status == cache::lookup_status::hit;
    (fresh ? counters_.cache_hits : counters_.stale_answers).add();
    last_source_ = fresh ? answer_source::cache : answer_source::stale;
    return found.length;
}

upstream::forward_result query_handler::screen(const upstream::forward_result& result) {
    if (!rebinding_.enabled() || result.status != upstream::forward_status::answered) return result;
    const policy::rebinding_result r = rebinding_.filter(result.answer, screened_, is_local_name_);
    switch (r.outcome) {
        case policy::rebinding_outcome::unchanged:
            return result;
        case policy::rebinding_outcome::filtered: {
            counters_.rebinding_blocked.add(r.removed);
            counters_.rebinding_answers.add();
            upstream::forward_result filtered = result;
            filtered.answer = std::span<const std::uint8_t>(screened_).first(r.length);
            return filtered;
        }
        case policy::rebinding_outcome::malformed:
            break;
    }
    upstream::forward_result failed = result;
    failed.status = upstream::forward_status::failed;
    failed.answer = {};
    return failed;
}

void query_handler::reply_servfail(const pending_query& pending, const reply_fn& reply) {
    counters_.servfail.add();
    last_source_ = answer_source::error;
    const std::size_t length =
        answer_error(pending.head_bytes(), pending.view, wire::rcode::servfail, answer_buffer_);
    count_answer(std::span<const std::uint8_t>(answer_buffer_).first(length));
    reply(std::span<const std::uint8_t>(answer_buffer_).first(length));
}

void query_handler::on_upstream(const cache::key& k, std::uint64_t serial,
                                const upstream::forward_result& result) {
    auto it = flights_.find(k);
    std::unique_ptr<flight> done;
    if (it != flights_.end() && it->second->serial == serial && !it->second->follower) {
        done = std::move(it->second);
        flights_.erase(it);
    }
    // The cache first, then the followers: a worker that misses after the registry forgets the
    // key finds the answer in the cache.
    if (result.status == upstream::forward_status::answered &&
        wire::index_packet(result.answer, upstream_index_) == wire::parse_error::none) {
        const std::uint8_t origin = cache_.origins != nullptr && result.upstream != nullptr
                                        ? cache_.origins->tag_of(*result.upstream)
                                        : 0;
        cache_.cache->insert(result.answer, upstream_index_, k, cache_.now(), bailiwick_for(k),
                             origin);
    } else if (result.status == upstream::forward_status::failed) {
        remember_failure(k);
    }
    if (member_.id != nullptr) cache_.registry->finish(k, member_.id, result);
    if (done) answer_waiters(*done, k, result);
}

void query_handler::on_remote_result(const cache::key& k, const shared_result& result) {
    auto it = flights_.find(k);
    if (it == flights_.end() || !it->second->follower) return;
    const std::unique_ptr<flight> done = std::move(it->second);
    flights_.erase(it);
    answer_waiters(*done, k, result.view());
}

void query_handler::answer_waiters(flight& done, const cache::key& k,
                                   const upstream::forward_result& result) {
    done.stale_timer.reset();  // cancels it
    const bool answered =
        result.status == upstream::forward_status::answered &&
        wire::index_packet(result.answer, upstream_index_) == wire::parse_error::none;
    // As the cache stores it (cache/settings.hpp): the waiters share the key, so the DO bit.
    const bool minimal = answered && cache_.cache != nullptr &&
                         cache_.cache->config().minimal_responses && !k.dnssec_ok() &&
                         wire::answers_question(upstream_index_);
    std::span<std::uint8_t> out(answer_buffer_);
    for (auto& w : done.waiters) {
        --in_flight_;
        std::size_t length = 0;
        if (answered) {
            last_source_ = answer_source::upstream;
            length = wire::write_relayed_response(
                result.answer, upstream_index_, w.pending.head_bytes(), w.pending.view,
                w.pending.limit, settings_.edns_udp_size, out, minimal);
        } else {
            // The upstreams failed: expired data beats SERVFAIL (RFC 8767).
            length = cached_answer_for(k, w.pending);
        }
        if (length == 0) {
            reply_servfail(w.pending, w.reply);
            continue;
        }
        if ((out[2] & 0x02) != 0) counters_.truncated.add();
        count_answer(out.first(length));
        w.reply(out.first(length));
    }
}

void query_handler::remember_failure(const cache::key& k) {
    // The upstreams failed (SERVFAIL, REFUSED or no answer in time): the cache keeps that for
    // servfail_ttl, so the upstreams are not asked again for every query, and marks an expired
    // entry as servable stale without asking (RFC 8767 section 5). The forwarder hands over no
    // packet on failure, so the SERVFAIL is written here.
    std::array<std::uint8_t, wire::header::size + wire::max_name_length + 4> packet{};
    wire::message_builder b(packet);
    b.hdr().flags = 0x8182;  // QR, RD, RA, SERVFAIL
    if (k.checking_disabled()) b.hdr().set_flag(wire::header_flag::cd, true);
    if (!b.add_question(k.qname(), k.qtype(), k.qclass())) return;
    const std::span<const std::uint8_t> servfail(packet.data(), b.finish());
    if (wire::index_packet(servfail, upstream_index_) != wire::parse_error::none) return;
    cache_.cache->insert(servfail, upstream_index_, k, cache_.now());
}

void query_handler::on_stale_timer(const cache::key& k, std::uint64_t serial) {
    auto it = flights_.find(k);
    if (it == flights_.end() || it->second->serial != serial) return;
    flight& f = *it->second;
    f.slow = true;
    // Answer the waiters that have stale data; the others keep waiting for the upstream.
    auto& waiters = f.waiters;
    std::size_t kept = 0;
    for (std::size_t i = 0; i < waiters.size(); ++i) {
        const std::size_t length = cached_answer_for(k, waiters[i].pending);
        if (length == 0) {
            if (kept != i) waiters[kept] = std::move(waiters[i]);
            ++kept;
            continue;
        }
        --in_flight_;
        count_answer(std::span<const std::uint8_t>(answer_buffer_).first(length));
        waiters[i].reply(std::span<const std::uint8_t>(answer_buffer_).first(length));
    }
    waiters.resize(kept);
}

}  // namespace residns::server
