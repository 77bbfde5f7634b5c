#include "metrics/Suggestion.h"

namespace adminchat {

QString Suggestion::severityName(Severity severity)
{
    switch (severity) {
    case Severity::Info:
        return QStringLiteral("info");
    case Severity::Warning:
        return QStringLiteral("warning");
    case Severity::Alert:
        return QStringLiteral("alert");
    }
    return {};
}

} // namespace adminchat
