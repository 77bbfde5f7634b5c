#include "metrics/PromptRepeatCounter.h"

#include <unordered_set>

namespace adminchat {

namespace {

// The table outgrows the caches: its slots are prefetched this many prompts ahead.
constexpr std::size_t prefetchDistance = 16;

// Whether (hash, index) was seen before; marks it seen. Indexes from 64 on use a side set.
bool markSeen(quint64& bits, std::unordered_set<quint64>& others, quint64 hash, int index)
{
    if (index < 64) {
        const quint64 bit = quint64(1) << index;
        const bool seen = bits & bit;
        bits |= bit;
        return seen;
    }
    return !others.insert(hash ^ (quint64(index) * 0x9e3779b97f4a7c15ull)).second;
}

} // namespace

PromptRepeatCounter::Counts PromptRepeatCounter::count(const std::vector<Use>& uses,
                                                       std::size_t groups, std::size_t endpoints)
{
    struct Slot
    {
        quint64 hash = 0; // 0: free
        quint64 groups = 0;
        quint64 endpoints = 0;
    };
    std::size_t size = 1024;
    while (size < 2 * uses.size())
        size *= 2;
    std::vector<Slot> table(size);
    const auto home = [mask = size - 1](quint64 hash) {
        return std::size_t(hash ^ (hash >> 29)) & mask;
    };
    std::unordered_set<quint64> otherGroups;
    std::unordered_set<quint64> otherEndpoints;
    Counts counts;
    counts.byGroup.resize(groups);
    counts.byEndpoint.resize(endpoints);
    for (std::size_t u = 0; u < uses.size(); ++u) {
        if (u + prefetchDistance < uses.size())
            __builtin_prefetch(&table[home(uses[u + prefetchDistance].hash)]);
        const Use& use = uses[u];
        std::size_t i = home(use.hash);
        while (table[i].hash != 0 && table[i].hash != use.hash)
            i = (i + 1) & (size - 1);
        Slot& slot = table[i];
        counts.total += slot.hash != 0;
        slot.hash = use.hash;
        counts.byGroup[std::size_t(use.group)] +=
            markSeen(slot.groups, otherGroups, use.hash, use.group);
        counts.byEndpoint[std::size_t(use.endpoint)] +=
            markSeen(slot.endpoints, otherEndpoints, use.hash, use.endpoint);
    }
    return counts;
}

} // namespace adminchat
