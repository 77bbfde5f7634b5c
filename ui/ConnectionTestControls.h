#pragma once

#include "ToneLabel.h"
#include "endpoints/EndpointProfile.h"

#include <QObject>
#include <QStringList>
#include <optional>

class QLabel;
class QNetworkAccessManager;
class QPushButton;

namespace adminchat {

class KeyStore;
class ProfileConnectionTester;

// The profile editor's "Test connection": its button, a Cancel for a server that keeps it
// waiting, and the one-line result. An answer (or key read) of a test that was cancelled or
// replaced is dropped.
class ConnectionTestControls : public QObject
{
    Q_OBJECT
public:
    ConnectionTestControls(QNetworkAccessManager* network, KeyStore* keys, QWidget* parent);

    QPushButton* testButton() const { return m_testButton; }
    QPushButton* cancelButton() const { return m_cancelButton; }
    QLabel* resultLabel() const { return m_result; }

    // Tests `profile` as typed: with the key typed (none when removeKey), else the one the
    // environment or the keychain holds for the saved profile `stored`. Secret header values
    // typed replace the stored ones.
    void start(const EndpointProfile& profile, const QString& typedKey, bool removeKey,
               const std::optional<EndpointProfile>& stored,
               const QList<QPair<QByteArray, QByteArray>>& secretValues);
    void fail(const QString& problem); // the test could not even start
    void reset();                      // another profile in the form: no stale result
    void cancel();

signals:
    void testRequested();
    void modelsListed(const QStringList& models);

private:
    void setRunning(bool running);
    void run(EndpointProfile profile, const QString& apiKey, const QString& storedName,
             const QList<QPair<QByteArray, QByteArray>>& secretValues);
    void showResult(bool ok, const QString& text);

    QPushButton* m_testButton;
    QPushButton* m_cancelButton;
    ToneLabel* m_result;
    KeyStore* m_keys;
    ProfileConnectionTester* m_tester;
    int m_test = 0;
};

} // namespace adminchat
