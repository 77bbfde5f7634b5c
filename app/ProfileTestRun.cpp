#include "ProfileTestRun.h"

#include "CommandLine.h"
#include "demo/DemoServerThread.h"
#include "net/ModelsFetcher.h"

#include <QCoreApplication>

namespace adminchat {

ProfileTestRun::ProfileTestRun(QString name, QObject* parent)
    : QObject(parent), m_name(std::move(name))
{}

void ProfileTestRun::start()
{
    if (m_name.compare(EndpointProfile::demoName, Qt::CaseInsensitive) == 0)
        return startDemo();
    m_resolver.resolve(m_name, this, [this](const ProfileResolver::Result& resolved) {
        if (!resolved.ok())
            return fail(resolved.error);
        fetch(resolved.profile->name, resolved.profile->keySource(), resolved.config);
    });
}

void ProfileTestRun::startDemo()
{
    auto config = DemoConfig::fromProfile(QStringLiteral("instant"));
    m_demo = new DemoServerThread(*config, this);
    connect(m_demo, &DemoServerThread::started, this, [this](const QUrl& baseUrl) {
        EndpointConfig endpoint;
        endpoint.baseUrl = baseUrl;
        fetch(EndpointProfile::demoName, QStringLiteral("none"), endpoint);
    });
    connect(m_demo, &DemoServerThread::failed, this, [this](const QString& error) {
        fail(QStringLiteral("the demo endpoint did not start: %1").arg(error));
    });
    m_demo->start();
}

void ProfileTestRun::fetch(const QString& name, const QString& keySource,
                           const EndpointConfig& endpoint)
{
    writeOut(QStringLiteral("Profile \"%1\": %2 (key: %3)\n")
                 .arg(name, EndpointConfig::displayUrl(endpoint.baseUrl), keySource));
    auto* fetcher = new ModelsFetcher(&m_manager, endpoint, this);
    connect(fetcher, &ModelsFetcher::finished, this,
            [this, fetcher](const QStringList& models, const std::optional<ApiError>& error) {
                const qint64 ms = m_clock.elapsed();
                fetcher->deleteLater();
                if (error)
                    return fail(
                        QStringLiteral("error (%1): %2").arg(error->kindName(), error->message));
                constexpr qsizetype shown = 5;
                QString list = models.mid(0, shown).join(QStringLiteral(", "));
                if (models.size() > shown)
                    list += QStringLiteral(", ... (%1 more)").arg(models.size() - shown);
                writeOut(QStringLiteral("OK: %1 model%2 in %3 ms%4\n")
                             .arg(models.size())
                             .arg(models.size() == 1 ? "" : "s")
                             .arg(ms)
                             .arg(models.isEmpty() ? QString() : QStringLiteral(": ") + list));
                QCoreApplication::exit(0);
            });
    m_clock.start();
    fetcher->start();
}

void ProfileTestRun::fail(const QString& message)
{
    writeErr(QStringLiteral("adminchat profile test: %1\n").arg(message));
    QCoreApplication::exit(1);
}

} // namespace adminchat
