#pragma once

#include "endpoints/EndpointProfile.h"
#include "net/ModelsFetcher.h"

#include <QObject>
#include <QPointer>
#include <QStringList>

namespace adminchat {

// "Test connection" of the profile editor: one GET {base}/models with the profile's settings,
// answered by "N models · round trip X ms" or the request's one-line error.
class ProfileConnectionTester : public QObject
{
    Q_OBJECT
public:
    explicit ProfileConnectionTester(QNetworkAccessManager* network, QObject* parent = nullptr);

    // Replaces a test still running (its answer is dropped). Secret headers without a value
    // take the one stored for the saved profile `storedName` (the keychain, or the environment).
    void start(const EndpointProfile& profile, const QString& apiKey,
               const QString& storedName = {});
    void cancel();
    bool isRunning() const { return m_fetcher != nullptr; }

signals:
    void finished(bool ok, const QString& summary, const QStringList& models);

private:
    void fetch(const EndpointProfile& profile, const QString& apiKey);

    QNetworkAccessManager* m_network;
    int m_generation = 0; // a secret read for a replaced test is dropped
    QPointer<ModelsFetcher> m_fetcher;
};

} // namespace adminchat
