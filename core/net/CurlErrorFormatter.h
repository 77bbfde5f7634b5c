#pragma once

#include "net/EndpointConfig.h"
#include "openai/ApiError.h"

#include <optional>

namespace adminchat {

class CurlTransfer;

// One line for a transfer that ended with a network-level error (no HTTP status to report),
// worded as NetworkErrorFormatter words Qt's: the host and what failed, never the full URL.
class CurlErrorFormatter
{
public:
    // std::nullopt when the transfer succeeded. outputEvents: how much of the answer arrived,
    // for "after N output events".
    static std::optional<ApiError> format(const CurlTransfer& transfer,
                                          const EndpointConfig& endpoint,
                                          qsizetype outputEvents = 0);
};

} // namespace adminchat
