#pragma once

#include <QJsonObject>
#include <QString>

namespace adminchat {

// Something a person should hear about: what `watch --on-alert` is given, what the desktop
// notification says and what the window lists. Each alert that fired is followed by one
// resolved alert of the same rule, profile and model when its condition ends.
struct Alert
{
    // "down", "degraded", "key_rejected", "content_check", "budget", "degraded_for",
    // "ttft_p95", "e2e_p95", "error_rate"
    QString rule;
    QString profile;
    QString model; // empty for a profile's rule (budget)
    QString message;
    qint64 atMs = 0; // UTC
    bool resolved = false;
    QString endpointId; // where the evidence is: the endpoint's incidents and requests
    QString requestUid; // the probe that decided it; empty when none did

    // Rule, profile and model: a resolved alert has its firing alert's key.
    QString key() const;
    // Whether people should be interrupted for it (an endpoint down, a key refused).
    bool isCritical() const;

    // {"type": "alert", "rule", "profile", "model", "message", "at", "resolved",
    // "endpoint_id", "request_uid"}.
    QJsonObject toJson() const;
};

} // namespace adminchat
