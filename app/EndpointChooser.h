#pragma once

#include "net/EndpointConfig.h"

#include <QList>
#include <QObject>
#include <QString>
#include <functional>
#include <memory>
#include <optional>

namespace adminchat {

class DemoServerThread;

// Finds the endpoint a headless command talks to, asynchronously: a profile (a saved one,
// "Environment", or "Demo": the built-in simulator, started in this process on a thread of its
// own so its timing does not depend on this one), else a base URL (--base-url, else
// $OPENAI_BASE_URL, key from $OPENAI_API_KEY).
class EndpointChooser : public QObject
{
public:
    struct Choice
    {
        EndpointConfig config;
        QString profile; // the profile's name; empty for a plain --base-url
        QString defaultModel;
    };
    // On failure choice is empty and error one line; exitCode 2 for bad usage, else 1.
    using Callback = std::function<void(const std::optional<Choice>& choice, const QString& error,
                                        int exitCode)>;

    explicit EndpointChooser(QObject* parent = nullptr);
    ~EndpointChooser() override;

    // Runs `done` later, from the event loop. Several Demo choices share one demo server.
    void choose(const QString& profile, const QString& baseUrl, Callback done);

private:
    void chooseDemo(Callback done);

    std::unique_ptr<DemoServerThread> m_demo;
    QList<Callback> m_waitingForDemo;
};

} // namespace adminchat
