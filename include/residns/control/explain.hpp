// `explain NAME [TYPE]`: where the answer to a query would come from right now, in the order the
// query handler tries them (server/query_handler.hpp): local data (zone, hosts file or config
// record, with file and line), the cache (age and TTL left), or the upstream it would be
// forwarded to (the longest matching forward zone, else the default upstreams). Control plane
// only: allocates freely.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "residns/control/cache_view.hpp"
#include "residns/upstream/settings.hpp"
#include "residns/wire/name.hpp"
#include "residns/zone/local_data.hpp"

namespace residns::control {

struct explain_context {
    const zone::local_data* local = nullptr;  // null: no local data
    cache_view* cache = nullptr;              // null: no cache
    const upstream::settings* upstreams = nullptr;
    // Upstreams ("addr:port") that every worker currently skips as failing.
    std::vector<std::string> failing_upstreams;
};

// Several lines, the first "NAME CLASS TYPE", the second "source: local|cache|upstream|none".
std::string explain(const explain_context& context, const wire::name& qname, std::uint16_t qtype,
                    std::uint16_t qclass = 1);

}  // namespace residns::control
