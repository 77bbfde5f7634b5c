#include "telemetry/MetricsPusher.h"

#include "net/CurlMulti.h"
#include "net/CurlTransfer.h"
#include "telemetry/PrometheusExposition.h"
#include "telemetry/TelemetryLog.h"

#include <QNetworkRequest>

namespace adminchat {

namespace {

constexpr qsizetype maxAnswerBytes = 4096; // enough for the first line of an error
constexpr qsizetype maxQuotedChars = 200;

// The first line of a server's answer, printable only, shortened.
QString quoted(const QByteArray& answer)
{
    QString line = QString::fromUtf8(answer.left(maxAnswerBytes)).section(QLatin1Char('\n'), 0, 0);
    for (QChar& c : line) {
        if (!c.isPrint())
            c = QLatin1Char(' ');
    }
    line = line.trimmed();
    if (line.size() > maxQuotedChars)
        line = line.left(maxQuotedChars) + QStringLiteral("...");
    return line;
}

} // namespace

MetricsPusher::MetricsPusher(PushTarget target, QObject* parent)
    : QObject(parent), m_target(std::move(target)), m_multi(new CurlMulti(this))
{
    m_timeout.setSingleShot(true);
    m_timeout.setInterval(defaultTimeoutMs);
    connect(&m_timeout, &QTimer::timeout, this, [this] {
        if (!m_transfer)
            return;
        m_timedOut = true;
        m_transfer->abort(); // finished() comes before abort() returns
    });
}

MetricsPusher::~MetricsPusher()
{
    // Transfers before their multi handle (a child too, made first, so deleted first).
    if (m_transfer)
        m_transfer->disconnect(this);
    qDeleteAll(findChildren<CurlTransfer*>(Qt::FindDirectChildrenOnly));
}

void MetricsPusher::push(const QByteArray& exposition)
{
    m_pending = exposition;
    m_hasPending = true;
    if (!m_transfer)
        sendNext();
}

void MetricsPusher::sendNext()
{
    if (!m_hasPending) {
        emit idle();
        return;
    }
    QNetworkRequest request(m_target.requestUrl());
    request.setRawHeader("Content-Type",
                         PrometheusExposition::contentType(PrometheusExposition::Format::Text004));
    m_transfer = new CurlTransfer(m_multi, request, std::exchange(m_pending, {}), this);
    m_hasPending = false;
    m_transfer->setMethod(m_target.method());
    m_answer.clear();
    m_timedOut = false;
    m_transfer->setBodyHandler([this](QByteArrayView bytes, qint64) {
        if (m_answer.size() < maxAnswerBytes)
            m_answer.append(bytes.first(std::min(bytes.size(), maxAnswerBytes - m_answer.size())));
    });
    connect(m_transfer, &CurlTransfer::finished, this, &MetricsPusher::onFinished);
    m_timeout.start();
    m_transfer->start();
}

void MetricsPusher::onFinished()
{
    m_timeout.stop();
    CurlTransfer* transfer = std::exchange(m_transfer, nullptr);
    const int status = transfer->status();
    QString problem;
    if (m_timedOut)
        problem = QStringLiteral("no answer within %1 s").arg(m_timeout.interval() / 1000.0);
    else if (transfer->result() != 0)
        problem = transfer->errorText();
    else if (status < 200 || status > 299)
        problem =
            QStringLiteral("HTTP %1 %2")
                .arg(status)
                .arg(QString::fromLatin1(transfer->reasonPhrase()).trimmed()) +
            (m_answer.trimmed().isEmpty() ? QString() : QStringLiteral(": ") + quoted(m_answer));
    transfer->deleteLater();

    if (problem.isEmpty()) {
        qCDebug(lcTelemetry) << "pushed to" << m_target.displayUrl() << "HTTP" << status;
        emit pushed(status);
    } else {
        emit failed(QStringLiteral("push to %1 failed: %2").arg(m_target.displayUrl(), problem));
    }
    sendNext();
}

} // namespace adminchat
