#include "ConnectionTestControls.h"

#include "ProfileConnectionTester.h"
#include "endpoints/KeyStore.h"

#include <QLabel>
#include <QPushButton>

namespace adminchat {

ConnectionTestControls::ConnectionTestControls(QNetworkAccessManager* network, KeyStore* keys,
                                               QWidget* parent)
    : QObject(parent), m_testButton(new QPushButton(tr("Test connection"), parent)),
      m_cancelButton(new QPushButton(tr("Cancel test"), parent)), m_result(new ToneLabel(parent)),
      m_keys(keys), m_tester(new ProfileConnectionTester(network, this))
{
    m_testButton->setObjectName(QStringLiteral("testConnectionButton"));
    m_cancelButton->setObjectName(QStringLiteral("cancelTestButton"));
    m_cancelButton->setToolTip(tr("Stop waiting for the endpoint"));
    m_result->setObjectName(QStringLiteral("testResult"));
    m_result->setTextFormat(Qt::PlainText);
    m_result->setWordWrap(true);
    m_result->setTextInteractionFlags(Qt::TextSelectableByMouse);
    connect(m_testButton, &QPushButton::clicked, this, &ConnectionTestControls::testRequested);
    connect(m_cancelButton, &QPushButton::clicked, this, &ConnectionTestControls::cancel);
    connect(m_tester, &ProfileConnectionTester::finished, this,
            [this](bool ok, const QString& summary, const QStringList& models) {
                setRunning(false);
                showResult(ok, summary);
                if (ok)
                    emit modelsListed(models);
            });
    setRunning(false);
}

void ConnectionTestControls::start(const EndpointProfile& profile, const QString& typedKey,
                                   bool removeKey, const std::optional<EndpointProfile>& stored,
                                   const QList<QPair<QByteArray, QByteArray>>& secretValues)
{
    m_tester->cancel();
    setRunning(true);
    showResult(true, tr("Testing…"));
    const int test = ++m_test;
    const QString name = stored ? stored->name : profile.name;
    if (!typedKey.isEmpty() || removeKey)
        return run(profile, typedKey, name, secretValues);
    if (const std::optional<QString> key = KeyStore::keyFromEnvironment(name)) {
        const QString problem = EndpointConfig::controlCharacterError(
            *key, tr("the API key in %1").arg(KeyStore::environmentVariable(name)));
        return problem.isEmpty() ? run(profile, *key, name, secretValues) : fail(problem);
    }
    if (!stored || !stored->hasKey)
        return run(profile, {}, name, secretValues);
    m_keys->readKey(name, this, [=, this](const KeyStore::Result& read) {
        if (test != m_test)
            return;
        const QString problem =
            !read.ok && !read.notFound
                ? read.error
                : EndpointConfig::controlCharacterError(
                      read.key.trimmed(),
                      tr("the API key of “%1” in the keychain").arg(profile.name));
        if (!problem.isEmpty())
            return fail(problem);
        run(profile, read.key.trimmed(), name, secretValues);
    });
}

void ConnectionTestControls::run(EndpointProfile profile, const QString& apiKey,
                                 const QString& storedName,
                                 const QList<QPair<QByteArray, QByteArray>>& secretValues)
{
    // The secret header values typed; those kept are read by the tester, as a request would.
    for (auto& [header, value] : profile.extraHeaders) {
        for (const auto& [typedName, typedValue] : secretValues) {
            if (typedName == header)
                value = typedValue;
        }
    }
    m_tester->start(profile, apiKey, storedName);
}

void ConnectionTestControls::fail(const QString& problem)
{
    ++m_test;
    m_tester->cancel();
    setRunning(false);
    showResult(false, problem);
}

void ConnectionTestControls::reset()
{
    ++m_test;
    m_tester->cancel();
    setRunning(false);
    m_result->clear();
    m_result->setTone(ToneLabel::Tone::Normal);
}

void ConnectionTestControls::cancel()
{
    reset();
    m_result->setText(tr("Test cancelled."));
}

void ConnectionTestControls::setRunning(bool running)
{
    m_testButton->setEnabled(!running);
    m_cancelButton->setVisible(running);
}

void ConnectionTestControls::showResult(bool ok, const QString& text)
{
    m_result->setTone(ok ? ToneLabel::Tone::Normal : ToneLabel::Tone::Error);
    m_result->setText(text);
}

} // namespace adminchat
