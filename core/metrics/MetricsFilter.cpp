#include "metrics/MetricsFilter.h"

#include "metrics/MetricsRecord.h"
#include "net/EndpointIdentity.h"

namespace adminchat {

namespace {

bool matches(const QString& wanted, const QString& actual)
{
    return wanted.isEmpty() || wanted == actual;
}

} // namespace

QDateTime MetricsFilter::start(const QDateTime& now) const
{
    if (since.isValid())
        return since;
    const qint64 seconds = windowSeconds(window);
    if (seconds == 0)
        return {};
    return now.addSecs(-seconds);
}

bool MetricsFilter::matchesLabels(const MetricsRecord& record) const
{
    if (!endpoint.isEmpty() && endpoint != record.endpointId && endpoint != record.profile &&
        EndpointIdentity::urlKey(endpoint) != EndpointIdentity::urlKey(record.endpoint))
        return false;
    return matches(model, record.model) && matches(experiment, record.experiment) &&
           matches(variant, record.variant) && matches(tag, record.tag);
}

bool MetricsFilter::sameLabels(const MetricsFilter& other) const
{
    return endpoint == other.endpoint && model == other.model && experiment == other.experiment &&
           variant == other.variant && tag == other.tag;
}

QString MetricsFilter::windowName(Window window)
{
    switch (window) {
    case Window::Last5Minutes:
        return QStringLiteral("5m");
    case Window::LastHour:
        return QStringLiteral("1h");
    case Window::Last24Hours:
        return QStringLiteral("24h");
    case Window::All:
        return QStringLiteral("all");
    }
    return QStringLiteral("all");
}

qint64 MetricsFilter::windowSeconds(Window window)
{
    switch (window) {
    case Window::Last5Minutes:
        return 5 * 60;
    case Window::LastHour:
        return 60 * 60;
    case Window::Last24Hours:
        return 24 * 60 * 60;
    case Window::All:
        return 0;
    }
    return 0;
}

} // namespace adminchat
