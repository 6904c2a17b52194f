// What a reload must flush from the cache, and nothing more: the cache survives a reload, but an
// entry whose name the new configuration sends elsewhere would be a wrong answer.
//  - Forward zones: a zone that was added, removed, or whose upstreams changed: its subtree
//    (the names were answered by other upstreams than the ones that now serve them).
//  - Local data, when it changed: the subtree of every zone apex and every hosts/config name,
//    old and new. Names under a local zone are answered locally and never reach the cache, so
//    flushing them costs no useful entry; but an entry cached before a zone or a hosts name
//    appeared must not come back when it goes.
// A change of the default upstreams flushes nothing: every upstream answers the same namespace
// (`residns-ctl flush` empties the cache for those who want it).
#pragma once

#include <vector>

#include "residns/upstream/settings.hpp"
#include "residns/wire/name.hpp"
#include "residns/zone/local_data.hpp"

namespace residns::control {

struct reload_flush {
    std::vector<wire::name> subtrees;  // flush_subtree each
    std::vector<wire::name> names;     // flush_name each
    bool empty() const { return subtrees.empty() && names.empty(); }
};

// `before_local` / `after_local` may be null (no local data); `local_changed` says whether the
// reload replaced the local data.
reload_flush plan_reload_flush(const upstream::settings& before, const upstream::settings& after,
                               const zone::local_data* before_local,
                               const zone::local_data* after_local, bool local_changed);

}  // namespace residns::control
