#pragma once

#include "endpoints/ProfileResolver.h"

#include <QElapsedTimer>
#include <QNetworkAccessManager>
#include <QObject>

namespace adminchat {

class DemoServerThread;

// `adminchat profile test NAME`: resolves the profile (key included), lists the endpoint's
// models and prints them with the round trip; "Demo" runs the built-in endpoint for it. Exits
// the event loop with 0, or 1 after a one-line error.
class ProfileTestRun : public QObject
{
public:
    explicit ProfileTestRun(QString name, QObject* parent = nullptr);

    void start(); // call from the running event loop

private:
    void startDemo();
    void fetch(const QString& name, const QString& keySource, const EndpointConfig& endpoint);
    void fail(const QString& message);

    QString m_name;
    ProfileResolver m_resolver;
    QNetworkAccessManager m_manager;
    QElapsedTimer m_clock;
    DemoServerThread* m_demo = nullptr;
};

} // namespace adminchat
