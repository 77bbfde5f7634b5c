#pragma once

#include <QString>

namespace adminchat {

// One dispatched server-sent event (WHATWG HTML, "event stream interpretation").
struct SseEvent
{
    QString type = QStringLiteral("message"); // "message" when no event field was given
    QString data;                             // data lines joined with '\n'
    QString lastEventId;                      // the id buffer at dispatch time
};

} // namespace adminchat
