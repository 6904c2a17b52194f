// The query pipeline: policy checks, then forwarding and relaying.
#include "residns/server/query_handler.hpp"

#include <cstring>

#include "residns/wire/response.hpp"

namespace residns::server {

query_handler::query_handler(const settings& config, upstream::forwarder& forwarder,
                             handler_counters& counters)
    : settings_(config), forwarder_(&forwarder), counters_(counters), answer_buffer_(65535) {
    upstream_index_.records.reserve(64);
}

std::size_t query_handler::answer_error(std::span<const std::uint8_t> query,
                                        const wire::query_view& view, wire::rcode code,
                                        std::span<std::uint8_t> out) {
    return wire::write_error_response(query, view, code, settings_.edns_udp_size, out);
}

handle_result query_handler::handle(std::span<const std::uint8_t> query, transport via,
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
        length = answer_error(query, view, refusal, out);
        return length > 0 ? handle_result::answer : handle_result::drop;
    }

    pending.view = view;
    pending.via = via;
    pending.limit =
        via == transport::udp ? wire::udp_answer_limit(view, settings_.edns_udp_size) : 65535;
    std::memcpy(pending.head.data(), query.data(), view.question.end_offset);
    return handle_result::forward;
}

void query_handler::forward(const pending_query& pending, reply_fn reply) {
    counters_.forwarded.add();
    ++in_flight_;
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
            complete(pending, result, reply);
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
    if (length == 0) {
        counters_.servfail.add();
        length = answer_error(pending.head_bytes(), pending.view, wire::rcode::servfail, out);
    } else if ((out[2] & 0x02) != 0) {
        counters_.truncated.add();
    }
    counters_.answers.add();
    reply(out.first(length));
}

}  // namespace residns::server
