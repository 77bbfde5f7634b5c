// `adminchat watch --json ...` running in the background, read line by line as it prints.
#pragma once

#include "AppProcess.h"

#include <QElapsedTimer>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>
#include <functional>

class WatchProcess
{
public:
    bool start(const QStringList& arguments, const QProcessEnvironment& env)
    {
        m_runner.setEnvironment(env);
        return m_runner.start(QStringLiteral(ADMINCHAT_BIN),
                              QStringList{QStringLiteral("watch"), QStringLiteral("--json")} +
                                  arguments);
    }
    // Reads until a line matches (returned) or timeoutMs pass (empty object).
    QJsonObject waitFor(const std::function<bool(const QJsonObject&)>& match, int timeoutMs)
    {
        QElapsedTimer clock;
        clock.start();
        for (;;) {
            while (m_next < m_lines.size()) {
                const QJsonObject line = m_lines.at(m_next++);
                if (match(line))
                    return line;
            }
            if (clock.elapsed() > timeoutMs)
                return {};
            QProcess& process = m_runner.process();
            if (process.state() == QProcess::NotRunning && !process.bytesAvailable())
                return {};
            process.waitForReadyRead(200);
            readLines();
        }
    }
    // Stops it with SIGTERM as systemd does; its exit status.
    int stop()
    {
        m_runner.process().terminate();
        if (!m_runner.process().waitForFinished(15000))
            return -1;
        readLines();
        return m_runner.process().exitCode();
    }
    int waitForExit(int timeoutMs)
    {
        if (!m_runner.process().waitForFinished(timeoutMs))
            return -1;
        readLines();
        return m_runner.process().exitCode();
    }
    QList<QJsonObject> lines(const QString& type) const
    {
        QList<QJsonObject> result;
        for (const QJsonObject& line : m_lines) {
            if (line.value(QStringLiteral("type")).toString() == type)
                result << line;
        }
        return result;
    }
    QByteArray errors() { return m_errors += m_runner.process().readAllStandardError(); }

private:
    void readLines()
    {
        m_buffer += m_runner.process().readAllStandardOutput();
        qsizetype end;
        while ((end = m_buffer.indexOf('\n')) >= 0) {
            const QByteArray line = m_buffer.left(end);
            m_buffer.remove(0, end + 1);
            QJsonParseError error;
            const QJsonDocument document = QJsonDocument::fromJson(line, &error);
            QVERIFY2(document.isObject(), line.constData());
            m_lines << document.object();
        }
    }

    ProcessRunner m_runner;
    QByteArray m_buffer;
    QByteArray m_errors;
    QList<QJsonObject> m_lines;
    qsizetype m_next = 0;
};
