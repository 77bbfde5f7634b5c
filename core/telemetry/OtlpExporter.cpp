#include "telemetry/OtlpExporter.h"

#include "metrics/MetricsRecord.h"
#include "net/RetryPolicy.h"
#include "store/MetricsStore.h"
#include "telemetry/OtlpJson.h"
#include "telemetry/TelemetryLog.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QMutex>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QRandomGenerator>
#include <algorithm>

namespace adminchat {

namespace {

constexpr qint64 nanosPerMs = 1'000'000;
constexpr int maxLoggedBodyChars = 200;
constexpr const char* givenUpProperty = "adminchatGivenUp";

QMutex receiverMutex;
OtlpExporter* receiver = nullptr; // guarded by receiverMutex

void forwardStoredRecord(const MetricsRecord& record)
{
    const QMutexLocker lock(&receiverMutex);
    if (!receiver)
        return;
    // Direct on the exporter's own thread (the command line), queued from the metrics thread;
    // a queued call to an exporter deleted meanwhile is dropped with it.
    OtlpExporter* target = receiver;
    QMetaObject::invokeMethod(
        target, [target, record] { target->addRecord(record); }, Qt::AutoConnection);
}

QByteArray randomId(int bytes)
{
    QByteArray id(bytes, '\0');
    do {
        QRandomGenerator::system()->generate(id.begin(), id.end());
    } while (id.count('\0') == bytes); // an all-zero id is invalid
    return id;
}

bool isRetryableStatus(int status)
{
    return status == 429 || status == 502 || status == 503 || status == 504;
}

qint64 jsonCount(const QJsonValue& value)
{
    // int64 fields arrive as strings from protobuf-JSON writers, as numbers from some others.
    return value.isString() ? value.toString().toLongLong() : qint64(value.toDouble());
}

} // namespace

OtlpExporter::OtlpExporter(OtlpConfig config, QObject* parent)
    : QObject(parent), m_config(std::move(config)), m_network(new QNetworkAccessManager(this)),
      m_startUnixNano(QDateTime::currentMSecsSinceEpoch() * nanosPerMs)
{
    m_interval.setInterval(defaultExportIntervalMs);
    connect(&m_interval, &QTimer::timeout, this, &OtlpExporter::flush);
    m_bound.setSingleShot(true);
    connect(&m_bound, &QTimer::timeout, this, [this] {
        const std::size_t unsent = m_spans.size();
        m_spans.clear();
        m_metricsChanged = false;
        ++m_generation; // retries still waiting are given up too
        const std::vector<QNetworkReply*> replies = m_replies;
        for (QNetworkReply* reply : replies) {
            reply->setProperty(givenUpProperty, true);
            reply->abort();
        }
        qCWarning(lcTelemetry).noquote()
            << QStringLiteral("OTLP: the final export did not finish within %1 ms; the batches "
                              "in flight, %2 queued spans and the newest metrics were not sent")
                   .arg(m_config.flushBoundMs)
                   .arg(qulonglong(unsent));
        m_tracesInFlight = false;
        m_metricsInFlight = false;
        checkDrained();
    });
}

OtlpExporter::~OtlpExporter()
{
    const QMutexLocker lock(&receiverMutex);
    if (receiver == this) {
        receiver = nullptr;
        MetricsStore::setStoredRecordObserver(nullptr);
    }
}

void OtlpExporter::receiveStoredRecords(OtlpExporter* exporter)
{
    const QMutexLocker lock(&receiverMutex);
    receiver = exporter;
    MetricsStore::setStoredRecordObserver(exporter ? &forwardStoredRecord : nullptr);
}

void OtlpExporter::setExportIntervalMs(int ms)
{
    m_interval.setInterval(ms);
}

void OtlpExporter::addRecord(const MetricsRecord& record)
{
    m_registry.add(record);
    m_metricsChanged = true;
    if (m_spans.size() >= maxQueuedSpans) {
        m_spans.pop_front();
        ++m_spansDropped;
        if (!m_dropLogged) {
            m_dropLogged = true;
            qCWarning(lcTelemetry).noquote()
                << QStringLiteral("OTLP: more than %1 spans waiting for %2; dropping the oldest "
                                  "(later drops are counted, not logged)")
                       .arg(maxQueuedSpans)
                       .arg(m_config.signalUrl("/v1/traces").toDisplayString(QUrl::RemoveUserInfo));
        }
    }
    m_spans.push_back(OtlpJson::span(record, randomId(16), randomId(8)));
    if (!m_interval.isActive())
        m_interval.start();
    if (m_shuttingDown || m_spans.size() >= std::size_t(batchSpans))
        flush();
}

void OtlpExporter::flush()
{
    sendNextTraces();
    sendMetricsIfChanged();
    checkDrained();
}

void OtlpExporter::shutdown()
{
    m_shuttingDown = true;
    m_interval.stop();
    if (!m_bound.isActive())
        m_bound.start(m_config.flushBoundMs);
    flush();
}

void OtlpExporter::sendNextTraces()
{
    if (m_tracesInFlight || m_spans.empty())
        return;
    const std::size_t count = std::min(m_spans.size(), std::size_t(batchSpans));
    std::vector<QJsonObject> spans(m_spans.begin(), m_spans.begin() + qsizetype(count));
    m_spans.erase(m_spans.begin(), m_spans.begin() + qsizetype(count));
    m_tracesInFlight = true;
    send({QStringLiteral("traces"), OtlpJson::traceRequest(spans, m_config), int(count), 0});
}

void OtlpExporter::sendMetricsIfChanged()
{
    if (m_metricsInFlight || !m_metricsChanged)
        return;
    m_metricsChanged = false;
    m_metricsInFlight = true;
    const qint64 now = QDateTime::currentMSecsSinceEpoch() * nanosPerMs;
    send({QStringLiteral("metrics"),
          OtlpJson::metricsRequest(m_registry, m_config, m_startUnixNano, now), 0, 0});
}

void OtlpExporter::send(Batch batch)
{
    ++batch.attempts;
    const QUrl url =
        m_config.signalUrl(batch.signal == QLatin1String("traces") ? "/v1/traces" : "/v1/metrics");
    QNetworkRequest request(url);
    request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    request.setTransferTimeout(transferTimeoutMs);
    for (const auto& [name, value] : m_config.headers)
        request.setRawHeader(name, value);
    QNetworkReply* reply = m_network->post(request, batch.body);
    m_replies.push_back(reply);
    connect(reply, &QNetworkReply::finished, this,
            [this, reply, batch = std::move(batch)] { onFinished(reply, batch); });
}

void OtlpExporter::onFinished(QNetworkReply* reply, Batch batch)
{
    reply->deleteLater();
    m_replies.erase(std::remove(m_replies.begin(), m_replies.end(), reply), m_replies.end());
    if (reply->property(givenUpProperty).toBool())
        return; // given up by the flush bound, which said so
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    const QByteArray body = reply->readAll();
    const bool traces = batch.signal == QLatin1String("traces");
    const QString where = reply->url().toDisplayString(QUrl::RemoveUserInfo);
    emit exportFinished(batch.signal, status);
    if (status >= 200 && status < 300) {
        if (traces)
            m_spansSent += batch.spans;
        else
            ++m_metricsExports;
        // An empty body or {} is full success; partialSuccess says what was rejected.
        const QJsonObject partial = QJsonDocument::fromJson(body)
                                        .object()
                                        .value(QStringLiteral("partialSuccess"))
                                        .toObject();
        const qint64 rejected = jsonCount(partial.value(
            traces ? QStringLiteral("rejectedSpans") : QStringLiteral("rejectedDataPoints")));
        const QString message = partial.value(QStringLiteral("errorMessage")).toString();
        if (rejected > 0 || !message.isEmpty())
            qCWarning(lcTelemetry).noquote()
                << QStringLiteral("OTLP: %1 accepted the %2 partly: %3 rejected%4")
                       .arg(where, batch.signal)
                       .arg(rejected)
                       .arg(message.isEmpty()
                                ? QString()
                                : QStringLiteral(" (%1)").arg(
                                      masked(message.left(maxLoggedBodyChars).simplified())));
    } else if (isRetryableStatus(status) && batch.attempts < maxAttempts) {
        const std::optional<int> asked = RetryPolicy::serverDelayMs(
            reply->rawHeader("retry-after-ms"), reply->rawHeader("retry-after"),
            QDateTime::currentDateTimeUtc());
        const int delay = asked.value_or(RetryPolicy::backoffMs(
            batch.attempts - 1, QRandomGenerator::global()->generateDouble()));
        retryLater(std::move(batch), delay);
        return; // still in flight
    } else {
        const QString why =
            status > 0 ? QStringLiteral("HTTP %1").arg(status) : masked(reply->errorString());
        const QString answer =
            masked(QString::fromUtf8(body.left(maxLoggedBodyChars)).simplified());
        qCWarning(lcTelemetry).noquote()
            << QStringLiteral("OTLP: sending %1 to %2 failed after %3 attempt(s): %4%5; dropped")
                   .arg(traces ? QStringLiteral("%1 spans").arg(batch.spans)
                               : QStringLiteral("metrics"),
                        where)
                   .arg(batch.attempts)
                   .arg(why, answer.isEmpty() ? QString() : QStringLiteral(": ") + answer);
    }
    inFlight(batch.signal) = false;
    // More spans may have queued meanwhile; while shutting down, send everything now.
    if (m_shuttingDown || m_spans.size() >= std::size_t(batchSpans))
        sendNextTraces();
    if (m_shuttingDown)
        sendMetricsIfChanged();
    checkDrained();
}

void OtlpExporter::retryLater(Batch batch, int delayMs)
{
    ++m_retries;
    if (m_shuttingDown && delayMs > m_bound.remainingTime()) {
        qCWarning(lcTelemetry).noquote()
            << QStringLiteral("OTLP: the receiver asked to wait %1 ms, longer than the final "
                              "export may take; %2 not sent")
                   .arg(delayMs)
                   .arg(batch.signal);
        inFlight(batch.signal) = false;
        checkDrained();
        return;
    }
    QTimer::singleShot(delayMs, this, [this, generation = m_generation, batch = std::move(batch)] {
        if (generation == m_generation)
            send(batch);
    });
}

void OtlpExporter::checkDrained()
{
    if (!m_shuttingDown)
        return;
    const bool idle =
        m_spans.empty() && !m_tracesInFlight && !m_metricsInFlight && !m_metricsChanged;
    if (idle || !m_bound.isActive()) {
        if (m_bound.isActive())
            m_bound.stop();
        m_shuttingDown = false; // drained once; later records go out on the interval again
        m_interval.start();
        emit drained();
    }
}

bool& OtlpExporter::inFlight(const QString& signal)
{
    return signal == QLatin1String("traces") ? m_tracesInFlight : m_metricsInFlight;
}

QString OtlpExporter::masked(QString text) const
{
    for (const auto& header : m_config.headers) {
        const QString value = QString::fromUtf8(header.second);
        if (!value.isEmpty())
            text.replace(value, QStringLiteral("***"));
    }
    return text;
}

} // namespace adminchat
