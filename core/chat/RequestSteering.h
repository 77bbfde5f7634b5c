#pragma once

#include "net/EndpointConfig.h"

#include <QString>
#include <optional>

namespace adminchat {

// How an A/B experiment shapes one request: which endpoint and model it goes to, the request
// parameters it overrides, and the labels its answer and metrics record carry. Unset values keep
// the conversation's own choice.
struct RequestSteering
{
    QString experiment;
    QString variant;
    QString profile;                        // empty: the conversation's profile
    std::optional<EndpointConfig> endpoint; // set with profile
    QString model;                          // empty: the conversation's model
    std::optional<double> temperature;
    std::optional<int> maxTokens;
    QString system; // replaces the conversation's system prompt; empty: keeps it
};

} // namespace adminchat
