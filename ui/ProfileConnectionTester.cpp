#include "ProfileConnectionTester.h"

#include "endpoints/ProfileSecrets.h"

#include <QElapsedTimer>

namespace adminchat {

ProfileConnectionTester::ProfileConnectionTester(QNetworkAccessManager* network, QObject* parent)
    : QObject(parent), m_network(network)
{}

void ProfileConnectionTester::start(const EndpointProfile& profile, const QString& apiKey,
                                    const QString& storedName)
{
    cancel();
    const int generation = m_generation;
    EndpointProfile lookup;
    lookup.name = storedName.isEmpty() ? profile.name : storedName;
    for (const auto& [header, value] : profile.extraHeaders) {
        if (profile.isSecretHeader(header) && value.isEmpty())
            lookup.setHeader(header, {}, true);
    }
    if (lookup.extraHeaders.isEmpty())
        return fetch(profile, apiKey);
    ProfileSecrets::resolve(
        lookup, this,
        [this, profile, apiKey, generation](const EndpointProfile& found, const QString& error) {
            if (generation != m_generation)
                return;
            if (!error.isEmpty())
                return emit finished(false, error, {});
            EndpointProfile tested = profile;
            for (auto& [header, value] : tested.extraHeaders) {
                for (const auto& [name, foundValue] : found.extraHeaders) {
                    if (name == header && value.isEmpty())
                        value = foundValue;
                }
            }
            fetch(tested, apiKey);
        });
}

void ProfileConnectionTester::fetch(const EndpointProfile& profile, const QString& apiKey)
{
    auto* fetcher = new ModelsFetcher(m_network, profile.toConfig(apiKey), this);
    m_fetcher = fetcher;
    QElapsedTimer timer;
    timer.start();
    connect(
        fetcher, &ModelsFetcher::finished, this,
        [this, fetcher, timer](const QStringList& models, const std::optional<ApiError>& error) {
            const qint64 elapsedMs = timer.elapsed();
            fetcher->deleteLater();
            if (m_fetcher != fetcher)
                return;
            m_fetcher = nullptr;
            if (error)
                return emit finished(false, error->message, {});
            const QString count =
                models.size() == 1 ? tr("1 model") : tr("%1 models").arg(models.size());
            emit finished(true, tr("%1 · round trip %2 ms").arg(count).arg(elapsedMs), models);
        });
    fetcher->start();
}

void ProfileConnectionTester::cancel()
{
    ++m_generation;
    // Deleting the fetcher aborts its request; it never reports.
    delete m_fetcher.data();
    m_fetcher = nullptr;
}

} // namespace adminchat
