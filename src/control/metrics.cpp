// Summing the workers' counters into a snapshot, and its two text forms: the Prometheus
// exposition format (text/plain; version=0.0.4) and the "name value" lines of `residns-ctl stats`.
#include <algorithm>

#include <fmt/format.h>

#include "residns/control/metrics_snapshot.hpp"
#include "residns/wire/constants.hpp"

namespace residns::control {
namespace {

// Always shown, even at 0, so that dashboards see the series from the start.
constexpr std::array<std::uint16_t, 6> common_rcodes{0, 1, 2, 3, 4, 5};

std::string escape_label(std::string_view value) {
    std::string out;
    for (const char c : value) {
        if (c == '\\' || c == '"') {
            out += '\\';
            out += c;
        } else if (c == '\n') {
            out += "\\n";
        } else {
            out += c;
        }
    }
    return out;
}

class writer {
public:
    void family(std::string_view name, std::string_view type, std::string_view help) {
        fmt::format_to(std::back_inserter(out_), "# HELP {} {}\n# TYPE {} {}\n", name, help, name,
                       type);
    }
    void sample(std::string_view name, std::string_view labels, std::uint64_t value) {
        if (labels.empty()) {
            fmt::format_to(std::back_inserter(out_), "{} {}\n", name, value);
        } else {
            fmt::format_to(std::back_inserter(out_), "{}{{{}}} {}\n", name, labels, value);
        }
    }
    void sample(std::string_view name, std::string_view labels, double value) {
        fmt::format_to(std::back_inserter(out_), "{}{{{}}} {}\n", name, labels, value);
    }
    void counter(std::string_view name, std::string_view help, std::uint64_t value) {
        family(name, "counter", help);
        sample(name, {}, value);
    }
    void gauge(std::string_view name, std::string_view help, std::uint64_t value) {
        family(name, "gauge", help);
        sample(name, {}, value);
    }
    std::string take() { return std::move(out_); }

private:
    std::string out_;
};

std::string bound_text(double bound) {
    return fmt::format("{}", bound);
}

}  // namespace

std::string endpoint_name(const std::string& address, std::uint16_t port) {
    if (address.find(':') != std::string::npos) return fmt::format("[{}]:{}", address, port);
    return fmt::format("{}:{}", address, port);
}

void add_worker(metrics_snapshot& s, const server::handler_counters& h,
                const server::transport_counters& t) {
    ++s.workers;
    s.queries_udp += h.queries_udp.get();
    s.queries_tcp += h.queries_tcp.get();
    for (std::size_t i = 0; i < s.responses_by_rcode.size(); ++i)
        s.responses_by_rcode[i] += h.responses_by_rcode[i].get();
    s.cache_hits += h.cache_hits.get();
    s.cache_misses += h.cache_misses.get();
    s.stale_answers += h.stale_answers.get();
    s.prefetches += h.prefetches.get();
    s.coalesced += h.coalesced.get();
    s.coalesce_full += h.coalesce_full.get();
    s.local_answers += h.local_answers.get();
    s.local_chases += h.local_chases.get();
    s.malformed += h.formerr.get() + h.dropped_short.get();
    s.dropped_responses += h.dropped_response.get();
    s.refused += h.refused.get();
    s.notimp += h.notimp.get();
    s.servfail += h.servfail.get();
    s.forwarded += h.forwarded.get();
    s.truncated += h.truncated.get();
    s.udp_receive_errors += t.udp_receive_errors.get();
    s.udp_send_errors += t.udp_send_errors.get();
    s.tcp_accepted += t.tcp_accepted.get();
    s.tcp_rejected += t.tcp_rejected.get();
    s.tcp_idle_closed += t.tcp_idle_closed.get();
    s.refused_acl += t.refused_acl.get();
    s.dropped_acl += t.dropped_acl.get();
    s.rate_limited_truncated += t.rate_limited_truncated.get();
    s.rate_limited_dropped += t.rate_limited_dropped.get();
    s.any_minimal += h.any_minimal.get();
    s.rebinding_blocked += h.rebinding_blocked.get();
    s.rebinding_answers += h.rebinding_answers.get();
}

void add_upstreams(metrics_snapshot& s, const upstream::upstream_metrics& upstreams) {
    upstreams.for_each([&](const upstream::upstream_counters& c) {
        const std::string name = endpoint_name(c.address, c.port);
        auto it = std::find_if(s.upstreams.begin(), s.upstreams.end(),
                               [&](const upstream_snapshot& u) { return u.name == name; });
        if (it == s.upstreams.end()) {
            s.upstreams.push_back(upstream_snapshot{.name = name});
            it = s.upstreams.end() - 1;
        }
        upstream_snapshot& u = *it;
        u.queries += c.queries.get();
        u.timeouts += c.timeouts.get();
        u.network_errors += c.network_errors.get();
        u.servfail_refused += c.servfail_refused.get();
        u.formerr_notimp += c.formerr_notimp.get();
        u.bad_answers += c.bad_answers.get();
        for (std::size_t i = 0; i < latency_buckets; ++i)
            u.latency[i] += c.latency.bucket(i);
        u.latency_sum_us += c.latency.sum_microseconds();
        ++u.workers;
        if (c.failing.load(std::memory_order_relaxed)) ++u.failing_workers;
        u.failing = u.failing_workers == u.workers;
        u.case_fallbacks += c.case_fallbacks.get();
        if (c.case_randomization_off.load(std::memory_order_relaxed)) ++u.case_off_workers;
    });
}

void set_cache(metrics_snapshot& s, const cache::cache_stats& stats) {
    s.has_cache = true;
    s.cache = stats;
}

std::string render_prometheus(const metrics_snapshot& s) {
    writer w;
    w.family("residns_queries_total", "counter", "Queries received, by transport.");
    w.sample("residns_queries_total", R"(transport="udp")", s.queries_udp);
    w.sample("residns_queries_total", R"(transport="tcp")", s.queries_tcp);

    w.family("residns_responses_total", "counter", "Responses sent, by RCODE.");
    for (std::uint16_t rc = 0; rc < s.responses_by_rcode.size(); ++rc) {
        const bool common =
            std::find(common_rcodes.begin(), common_rcodes.end(), rc) != common_rcodes.end();
        if (!common && s.responses_by_rcode[rc] == 0) continue;
        w.sample("residns_responses_total",
                 fmt::format(R"(rcode="{}")", wire::rcode_to_text(static_cast<wire::rcode>(rc))),
                 s.responses_by_rcode[rc]);
    }

    w.counter("residns_cache_hits_total", "Queries answered fresh from the cache.", s.cache_hits);
    w.counter("residns_cache_misses_total", "Queries not found in the cache.", s.cache_misses);
    w.gauge("residns_cache_entries", "Entries in the cache.", s.cache.entries);
    w.gauge("residns_cache_bytes", "Bytes the cache holds (entries and index).", s.cache.bytes);
    w.counter("residns_cache_evictions_total", "Cache entries removed to make room.",
              s.cache.evictions);
    w.counter("residns_cache_expired_total", "Cache entries removed past their stale window.",
              s.cache.expired);
    w.counter("residns_cache_inserts_total", "Answers stored in the cache.", s.cache.inserts);

    w.family("residns_upstream_queries_total", "counter", "Queries sent to each upstream.");
    for (const auto& u : s.upstreams) {
        w.sample("residns_upstream_queries_total",
                 fmt::format(R"(upstream="{}")", escape_label(u.name)), u.queries);
    }
    w.family("residns_upstream_errors_total", "counter",
             "Upstream tries that failed, by upstream and reason.");
    for (const auto& u : s.upstreams) {
        const std::string name = escape_label(u.name);
        const std::pair<const char*, std::uint64_t> reasons[] = {
            {"timeout", u.timeouts},
            {"network", u.network_errors},
            {"servfail_refused", u.servfail_refused},
            {"formerr_notimp", u.formerr_notimp},
            {"bad_answer", u.bad_answers},
        };
        for (const auto& [reason, value] : reasons) {
            w.sample("residns_upstream_errors_total",
                     fmt::format(R"(upstream="{}",reason="{}")", name, reason), value);
        }
    }
    w.family("residns_upstream_up", "gauge",
             "1 unless every worker currently skips the upstream as failing.");
    for (const auto& u : s.upstreams) {
        w.sample("residns_upstream_up", fmt::format(R"(upstream="{}")", escape_label(u.name)),
                 std::uint64_t{u.failing ? 0u : 1u});
    }
    w.family("residns_upstream_case_fallbacks_total", "counter",
             "Times DNS 0x20 case randomization was turned off towards an upstream that does not "
             "echo the question's case.");
    for (const auto& u : s.upstreams) {
        w.sample("residns_upstream_case_fallbacks_total",
                 fmt::format(R"(upstream="{}")", escape_label(u.name)), u.case_fallbacks);
    }
    w.family("residns_upstream_case_randomization_off", "gauge",
             "Workers that currently query the upstream without 0x20 case randomization.");
    for (const auto& u : s.upstreams) {
        w.sample("residns_upstream_case_randomization_off",
                 fmt::format(R"(upstream="{}")", escape_label(u.name)),
                 std::uint64_t{u.case_off_workers});
    }
    w.family("residns_upstream_latency_seconds", "histogram",
             "Time from sending a query upstream to its accepted answer.");
    for (const auto& u : s.upstreams) {
        const std::string name = escape_label(u.name);
        std::uint64_t cumulative = 0;
        const auto& bounds = upstream::latency_histogram::bounds;
        for (std::size_t i = 0; i < latency_buckets; ++i) {
            cumulative += u.latency[i];
            const std::string le = i < bounds.size() ? bound_text(bounds[i]) : "+Inf";
            w.sample("residns_upstream_latency_seconds_bucket",
                     fmt::format(R"(upstream="{}",le="{}")", name, le), cumulative);
        }
        w.sample("residns_upstream_latency_seconds_sum", fmt::format(R"(upstream="{}")", name),
                 static_cast<double>(u.latency_sum_us) / 1e6);
        w.sample("residns_upstream_latency_seconds_count", fmt::format(R"(upstream="{}")", name),
                 cumulative);
    }

    w.counter("residns_coalesced_total", "Misses that joined an upstream query in flight.",
              s.coalesced);
    w.counter("residns_stale_answers_total", "Answers with expired data (RFC 8767).",
              s.stale_answers);
    w.counter("residns_prefetches_total", "Background refreshes of popular entries.", s.prefetches);
    w.counter("residns_malformed_total", "Queries too short to answer or answered FORMERR.",
              s.malformed);
    w.counter("residns_refused_total", "Queries answered REFUSED.", s.refused);
    w.counter("residns_query_log_dropped_total",
              "Query log records dropped because the log writer was behind.", s.query_log_dropped);
    w.counter("residns_local_answers_total",
              "Queries answered from local data (zones, hosts files, config records).",
              s.local_answers);
    w.counter("residns_local_chases_total",
              "Local CNAME chains completed from the cache or an upstream.", s.local_chases);
    w.counter("residns_forwarded_total", "Queries forwarded upstream without a cache.",
              s.forwarded);
    w.counter("residns_truncated_total", "Answers sent with TC=1.", s.truncated);
    w.counter("residns_servfail_total", "Queries answered SERVFAIL by residns itself.", s.servfail);
    w.counter("residns_dropped_responses_total", "Responses (QR=1) sent to us, dropped.",
              s.dropped_responses);
    w.counter("residns_tcp_connections_total", "TCP connections accepted.", s.tcp_accepted);
    w.counter("residns_tcp_rejected_total", "TCP connections over the limit.", s.tcp_rejected);
    w.counter("residns_udp_errors_total", "UDP receive and send errors.",
              s.udp_receive_errors + s.udp_send_errors);
    w.counter("residns_acl_refused_total",
              "Queries from clients access_control does not allow, answered REFUSED.",
              s.refused_acl);
    w.counter("residns_acl_dropped_total",
              "Queries (UDP) and connections (TCP) from clients access_control does not allow, "
              "dropped.",
              s.dropped_acl);
    w.family("residns_rate_limited_total", "counter",
             "UDP queries over their client prefix's rate, by what was sent.");
    w.sample("residns_rate_limited_total", R"(action="truncated")", s.rate_limited_truncated);
    w.sample("residns_rate_limited_total", R"(action="dropped")", s.rate_limited_dropped);
    w.counter("residns_any_minimal_total",
              "ANY queries over UDP answered with the RFC 8482 HINFO instead of forwarded.",
              s.any_minimal);
    w.counter("residns_rebinding_blocked_total",
              "A/AAAA records with private addresses removed from upstream answers "
              "(rebinding_protection).",
              s.rebinding_blocked);
    w.counter("residns_rebinding_filtered_answers_total",
              "Upstream answers that rebinding_protection removed records from.",
              s.rebinding_answers);
    w.gauge("residns_workers", "Worker threads.", s.workers);
    return w.take();
}

std::string render_stats(const metrics_snapshot& s) {
    std::string out;
    const auto line = [&](std::string_view name, std::uint64_t value) {
        fmt::format_to(std::back_inserter(out), "{} {}\n", name, value);
    };
    line("workers", s.workers);
    line("queries.udp", s.queries_udp);
    line("queries.tcp", s.queries_tcp);
    for (std::uint16_t rc = 0; rc < s.responses_by_rcode.size(); ++rc) {
        if (rc > 5 && s.responses_by_rcode[rc] == 0) continue;
        line("responses." + wire::rcode_to_text(static_cast<wire::rcode>(rc)),
             s.responses_by_rcode[rc]);
    }
    line("answers.local", s.local_answers);
    line("answers.local_chased", s.local_chases);
    line("cache.hits", s.cache_hits);
    line("cache.misses", s.cache_misses);
    line("cache.stale_answers", s.stale_answers);
    line("cache.prefetches", s.prefetches);
    line("cache.coalesced", s.coalesced);
    line("cache.entries", s.cache.entries);
    line("cache.bytes", s.cache.bytes);
    line("cache.evictions", s.cache.evictions);
    line("cache.expired", s.cache.expired);
    line("malformed", s.malformed);
    line("refused", s.refused);
    line("servfail", s.servfail);
    line("truncated", s.truncated);
    line("query_log.dropped", s.query_log_dropped);
    line("tcp.accepted", s.tcp_accepted);
    line("tcp.rejected", s.tcp_rejected);
    line("acl.refused", s.refused_acl);
    line("acl.dropped", s.dropped_acl);
    line("rate_limited.truncated", s.rate_limited_truncated);
    line("rate_limited.dropped", s.rate_limited_dropped);
    line("any.minimal", s.any_minimal);
    line("rebinding.blocked", s.rebinding_blocked);
    line("rebinding.filtered_answers", s.rebinding_answers);
    for (const auto& u : s.upstreams) {
        const std::string prefix = "upstream." + u.name + ".";
        line(prefix + "queries", u.queries);
        line(prefix + "errors",
             u.timeouts + u.network_errors + u.servfail_refused + u.formerr_notimp + u.bad_answers);
        std::uint64_t count = 0;
        for (const auto b : u.latency)
            count += b;
        line(prefix + "latency_avg_us", count == 0 ? 0 : u.latency_sum_us / count);
        line(prefix + "up", u.failing ? 0 : 1);
        line(prefix + "case_fallbacks", u.case_fallbacks);
        line(prefix + "case_randomization_off", u.case_off_workers);
    }
    return out;
}

}  // namespace residns::control
