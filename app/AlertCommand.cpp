#include "AlertCommand.h"

#include "CommandLine.h"

#include <QProcess>
#include <QTimer>

namespace adminchat {

AlertCommand::AlertCommand(QString command, QObject* parent)
    : QObject(parent), m_command(std::move(command))
{}

AlertCommand::~AlertCommand()
{
    // Only at exit, after whenIdle(): QProcess's destructor kills and reaps what still runs.
    for (QProcess* process : std::as_const(m_running)) {
        process->disconnect(this);
        delete process;
    }
}

void AlertCommand::run(const QByteArray& json)
{
    if (m_queue.size() >= maxQueued) {
        writeErr(QStringLiteral("warning: --on-alert: %1 alerts wait for the command; this one "
                                "is dropped\n")
                     .arg(m_queue.size()));
        return;
    }
    m_queue.append(json);
    startNext();
}

void AlertCommand::startNext()
{
    while (m_running.size() < maxRunning && !m_queue.isEmpty()) {
        const QByteArray json = m_queue.takeFirst();
        auto* process = new QProcess(this);
        process->setProcessChannelMode(QProcess::ForwardedErrorChannel);
        process->setStandardOutputFile(QProcess::nullDevice());
        connect(process, &QProcess::finished, this, [this, process] { onEnded(process); });
        connect(process, &QProcess::errorOccurred, this,
                [this, process](QProcess::ProcessError error) {
                    if (error != QProcess::FailedToStart)
                        return;
                    writeErr(QStringLiteral("warning: --on-alert: /bin/sh did not start: %1\n")
                                 .arg(process->errorString()));
                    onEnded(process);
                });
        m_running.append(process);
        process->start(QStringLiteral("/bin/sh"), {QStringLiteral("-c"), m_command});
        process->write(json);
        process->write("\n");
        process->closeWriteChannel();
    }
}

void AlertCommand::onEnded(QProcess* process)
{
    if (!m_running.removeOne(process))
        return;
    if (process->exitStatus() == QProcess::CrashExit || process->exitCode() != 0)
        writeErr(QStringLiteral("warning: --on-alert: the command %1\n")
                     .arg(process->exitStatus() == QProcess::CrashExit
                              ? QStringLiteral("crashed")
                              : QStringLiteral("exited with status %1").arg(process->exitCode())));
    process->deleteLater();
    startNext();
    if (isIdle() && m_idle)
        std::exchange(m_idle, {})();
}

void AlertCommand::whenIdle(int timeoutMs, std::function<void()> done)
{
    if (isIdle())
        return done();
    m_idle = std::move(done);
    QTimer::singleShot(timeoutMs, this, [this] {
        if (!m_idle)
            return;
        writeErr(QStringLiteral("warning: --on-alert: %1 command(s) still running at exit were "
                                "stopped\n")
                     .arg(m_running.size()));
        m_queue.clear();
        for (QProcess* process : std::as_const(m_running))
            process->kill(); // finished follows, then onEnded
        if (m_running.isEmpty())
            std::exchange(m_idle, {})();
    });
}

} // namespace adminchat
