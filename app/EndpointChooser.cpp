#include "EndpointChooser.h"

#include "demo/DemoServerThread.h"
#include "endpoints/EndpointProfile.h"
#include "endpoints/ProfileResolver.h"

namespace adminchat {

EndpointChooser::EndpointChooser(QObject* parent) : QObject(parent) {}

EndpointChooser::~EndpointChooser() = default;

void EndpointChooser::choose(const QString& profile, const QString& baseUrl, Callback done)
{
    const auto later = [this](Callback done, std::optional<Choice> choice, QString error,
                              int exitCode) {
        QMetaObject::invokeMethod(
            this, [=] { done(choice, error, exitCode); }, Qt::QueuedConnection);
    };
    if (profile.compare(EndpointProfile::demoName, Qt::CaseInsensitive) == 0)
        return chooseDemo(std::move(done));
    if (!profile.isEmpty()) {
        auto* resolver = new ProfileResolver(this);
        resolver->resolve(profile, this, [resolver, done](const ProfileResolver::Result& result) {
            resolver->deleteLater();
            if (!result.ok())
                return done(std::nullopt, result.error, result.badInput ? 2 : 1);
            done(Choice{result.config, result.profile->name, result.profile->defaultModel}, {}, 0);
        });
        return;
    }

    const QString base = baseUrl.isEmpty() ? qEnvironmentVariable("OPENAI_BASE_URL") : baseUrl;
    if (base.isEmpty())
        return later(std::move(done), std::nullopt,
                     QStringLiteral("no endpoint: pass --profile NAME or --base-url URL, or set "
                                    "OPENAI_BASE_URL (try --profile Demo)"),
                     2);
    QString error;
    const std::optional<QUrl> url = EndpointConfig::parseBaseUrl(
        base, &error,
        baseUrl.isEmpty() ? QStringLiteral("OPENAI_BASE_URL") : QStringLiteral("--base-url"));
    if (!url)
        return later(std::move(done), std::nullopt, error, 2);
    Choice choice;
    choice.config.baseUrl = *url;
    choice.config.apiKey = qEnvironmentVariable("OPENAI_API_KEY").trimmed();
    if (const QString error = EndpointConfig::controlCharacterError(
            choice.config.apiKey, QStringLiteral("the API key in OPENAI_API_KEY"));
        !error.isEmpty())
        return later(std::move(done), std::nullopt, error, 2);
    choice.profile = baseUrl.isEmpty() ? EndpointProfile::environmentName : QString();
    later(std::move(done), choice, {}, 0);
}

void EndpointChooser::chooseDemo(Callback done)
{
    const auto demoChoice = [](const QUrl& baseUrl) {
        Choice choice;
        choice.config.baseUrl = baseUrl;
        choice.profile = EndpointProfile::demoName;
        return choice;
    };
    if (m_demo && !m_demo->baseUrl().isEmpty()) {
        const Choice choice = demoChoice(m_demo->baseUrl());
        QMetaObject::invokeMethod(
            this, [=] { done(choice, {}, 0); }, Qt::QueuedConnection);
        return;
    }
    m_waitingForDemo.append(std::move(done));
    if (m_demo)
        return; // starting
    m_demo =
        std::make_unique<DemoServerThread>(*DemoConfig::fromProfile(QStringLiteral("realistic")));
    connect(m_demo.get(), &DemoServerThread::started, this, [this, demoChoice](const QUrl& url) {
        for (const Callback& waiting : std::exchange(m_waitingForDemo, {}))
            waiting(demoChoice(url), {}, 0);
    });
    connect(m_demo.get(), &DemoServerThread::failed, this, [this](const QString& error) {
        for (const Callback& waiting : std::exchange(m_waitingForDemo, {}))
            waiting(std::nullopt,
                    QStringLiteral("the demo endpoint could not start: %1").arg(error), 1);
    });
    m_demo->start();
}

} // namespace adminchat
