#pragma once

#include <QtGlobal>
#include <cstddef>
#include <vector>

namespace adminchat {

// Counts repeated prompts at three levels at once (overall, per group, per endpoint), for the
// prompt-caching suggestion. Prompts are told apart by a 64-bit hash of their SHA-256 hex text
// (a false repeat among a million prompts has a chance of about 1e-8).
class PromptRepeatCounter
{
public:
    struct Use
    {
        quint64 hash; // never 0
        int group;
        int endpoint;
    };
    struct Counts
    {
        quint64 total = 0;
        std::vector<quint64> byGroup;
        std::vector<quint64> byEndpoint;
    };

    // In record order: one probe per prompt in an open-addressing table sized up front and
    // prefetched ahead (it outgrows the caches). A slot keeps the groups and endpoints that sent
    // its prompt as bit masks.
    static Counts count(const std::vector<Use>& uses, std::size_t groups, std::size_t endpoints);
};

} // namespace adminchat
