// A child process a test runs, always reaped: the destructor stops it if it still runs (SIGTERM,
// a grace period, then SIGKILL) and waits for it, also when a failed QVERIFY leaves the test
// function early; and the kernel sends it SIGTERM when the test process dies (a crash, a ctest
// timeout), so no server outlives its test. Tests may block on it; the app itself never would.
#pragma once

#include <QByteArray>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QString>
#include <QStringList>

struct ProcessResult
{
    int exitCode = -1; // -1: did not finish in time (it was killed), -2: crashed
    QByteArray out;
    QByteArray err;

    QByteArray all() const { return out + err; }
    QJsonObject json() const { return QJsonDocument::fromJson(out).object(); }
    QJsonArray jsonArray() const { return QJsonDocument::fromJson(out).array(); }
};

class ProcessRunner
{
public:
    ProcessRunner();
    ~ProcessRunner();
    ProcessRunner(const ProcessRunner&) = delete;
    ProcessRunner& operator=(const ProcessRunner&) = delete;

    QProcess& process() { return m_process; }
    void setEnvironment(const QProcessEnvironment& environment);
    void setWorkingDirectory(const QString& directory);

    // Starts the program in the background; false when it could not be started.
    bool start(const QString& program, const QStringList& arguments, int timeoutMs = 10000);
    // Writes input, closes its standard input, and waits up to timeoutMs for it to end; one that
    // does not end in time is killed and reaped, and reported with exitCode -1.
    ProcessResult finish(const QByteArray& input = {}, int timeoutMs = 30000);
    // start() then finish().
    ProcessResult run(const QString& program, const QStringList& arguments,
                      const QByteArray& input = {}, int timeoutMs = 30000);
    // SIGTERM, up to graceMs to exit, then SIGKILL; returns once the process is gone.
    void stop(int graceMs = 5000);

private:
    QProcess m_process;
};
