// query_handler::log_answer: one query log record into this worker's ring (query_log.hpp). Only
// called when the log is on; never blocks (a full ring drops the record).
#include <cstring>
#include <netinet/in.h>

#include "residns/server/query_handler.hpp"

namespace residns::server {

void query_handler::log_answer(const sockaddr* client, socklen_t client_length, transport via,
                               std::span<const std::uint8_t> answer,
                               std::chrono::steady_clock::time_point arrived) {
    if (query_log_ == nullptr) return;
    query_log_record r;
    const auto latency = std::chrono::steady_clock::now() - arrived;
    const auto latency_us = std::chrono::duration_cast<std::chrono::microseconds>(latency).count();
    r.latency_us = static_cast<std::uint32_t>(std::clamp<std::int64_t>(latency_us, 0, UINT32_MAX));
    r.unix_us = std::chrono::duration_cast<std::chrono::microseconds>(
                    std::chrono::system_clock::now().time_since_epoch())
                    .count() -
                latency_us;
    if (client != nullptr && client->sa_family == AF_INET &&
        client_length >= static_cast<socklen_t>(sizeof(sockaddr_in))) {
        const auto* in = reinterpret_cast<const sockaddr_in*>(client);
        std::memcpy(r.client.data(), &in->sin_addr, 4);
        r.client_port = ntohs(in->sin_port);
    } else if (client != nullptr && client->sa_family == AF_INET6 &&
               client_length >= static_cast<socklen_t>(sizeof(sockaddr_in6))) {
        const auto* in6 = reinterpret_cast<const sockaddr_in6*>(client);
        std::memcpy(r.client.data(), &in6->sin6_addr, 16);
        r.client_port = ntohs(in6->sin6_port);
        r.v6 = true;
    }
    r.tcp = via == transport::tcp;
    r.source = last_source_;
    fill_from_answer(r, answer);
    query_log_->push(r);
}

}  // namespace residns::server
