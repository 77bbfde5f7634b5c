#pragma once

#include <QJsonObject>
#include <QString>

namespace adminchat {

// Something a person should hear about: what `watch --on-alert` is given and, later, what the
// window notifies.
struct Alert
{
    QString rule; // "down", "degraded", "key_rejected", "content_check", "budget"
    QString profile;
    QString model; // empty for a profile's rule (budget)
    QString message;
    qint64 atMs = 0; // UTC

    // {"type": "alert", "rule", "profile", "model", "message", "at"}.
    QJsonObject toJson() const;
};

} // namespace adminchat
