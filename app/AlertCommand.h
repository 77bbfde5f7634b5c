#pragma once

#include <QByteArray>
#include <QList>
#include <QObject>
#include <QString>
#include <functional>

class QProcess;

namespace adminchat {

// `watch --on-alert CMD`: runs CMD through /bin/sh -c for each alert with the alert's JSON on
// its stdin, never in its arguments, so nothing a server sent can become shell syntax. Runs
// asynchronously (at most maxRunning at once, the rest queued, at most maxQueued), reaps every
// child it started, and reports a command that failed on stderr.
class AlertCommand : public QObject
{
public:
    static constexpr int maxRunning = 4;
    static constexpr int maxQueued = 100;

    explicit AlertCommand(QString command, QObject* parent = nullptr);
    ~AlertCommand() override;

    void run(const QByteArray& json);
    // Calls done once nothing runs or waits any more, or after timeoutMs (the rest is killed).
    void whenIdle(int timeoutMs, std::function<void()> done);
    bool isIdle() const { return m_running.isEmpty() && m_queue.isEmpty(); }

private:
    void startNext();
    void onEnded(QProcess* process);

    QString m_command;
    QList<QByteArray> m_queue;
    QList<QProcess*> m_running;
    std::function<void()> m_idle;
};

} // namespace adminchat
