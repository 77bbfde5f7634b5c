// Running the adminchat binary (ADMINCHAT_BIN) as a user would, for the end-to-end tests:
// one command to completion, or `serve-demo` in the background.
#pragma once

#include "ProcessRunner.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonValue>
#include <QProcess>
#include <QRegularExpression>
#include <QTest>
#include <optional>

// What a finished run printed and returned.
using AppRun = ProcessResult;

// The caller's environment with the settings and data folders moved under home, so a test never
// touches the user's files.
inline QProcessEnvironment appEnvironment(const QString& home)
{
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("XDG_CONFIG_HOME"), home + QStringLiteral("/config"));
    env.insert(QStringLiteral("XDG_DATA_HOME"), home + QStringLiteral("/data"));
    return env;
}

// appEnvironment() without the endpoint the caller's environment may name, so that the app
// talks only to what the test gives it.
inline QProcessEnvironment appEnvironmentWithoutEndpoint(const QString& home)
{
    QProcessEnvironment env = appEnvironment(home);
    env.remove(QStringLiteral("OPENAI_BASE_URL"));
    env.remove(QStringLiteral("OPENAI_API_KEY"));
    return env;
}

// Drops the caller's ADMINCHAT_* keys and headers from env.
inline void removeAdminChatVariables(QProcessEnvironment& env)
{
    const QStringList names = env.keys();
    for (const QString& name : names) {
        if (name.startsWith(QLatin1String("ADMINCHAT_")))
            env.remove(name);
    }
}

// appEnvironmentWithoutEndpoint() without the caller's ADMINCHAT_* variables and with HOME under
// home too: nothing of the caller's set-up reaches the app.
inline QProcessEnvironment isolatedAppEnvironment(const QString& home)
{
    QProcessEnvironment env = appEnvironmentWithoutEndpoint(home);
    removeAdminChatVariables(env);
    env.insert(QStringLiteral("HOME"), home);
    return env;
}

// "NAME=value" assignments into env.
inline void assign(QProcessEnvironment& env, const QStringList& assignments)
{
    for (const QString& assignment : assignments)
        env.insert(assignment.section(QLatin1Char('='), 0, 0),
                   assignment.section(QLatin1Char('='), 1));
}

inline AppRun runApp(const QStringList& arguments, const QProcessEnvironment& env,
                     const QByteArray& input = {}, int timeoutMs = 30000)
{
    ProcessRunner runner;
    runner.setEnvironment(env);
    return runner.run(QStringLiteral(ADMINCHAT_BIN), arguments, input, timeoutMs);
}

// Profile name (model demo-chat) at baseUrl with its probing on, set up as a user does:
// `adminchat profile add`, then `profile probe NAME --enable` with probeArguments.
inline void addWatchedProfile(const QProcessEnvironment& env, const QString& name,
                              const QString& baseUrl, const QStringList& probeArguments = {})
{
    const AppRun added =
        runApp({"profile", "add", name, "--base-url", baseUrl, "--model", "demo-chat"}, env);
    QVERIFY2(added.exitCode == 0, added.all().constData());
    const AppRun probed =
        runApp(QStringList{"profile", "probe", name, "--enable", "--json"} + probeArguments, env);
    QVERIFY2(probed.exitCode == 0, probed.all().constData());
}

// Starts `adminchat serve-demo --port 0 ARGUMENTS` in server and returns the base URL it prints,
// or an empty string when it does not come up.
inline QString
startDemoServer(QProcess& server, const QStringList& arguments,
                const QProcessEnvironment& env = QProcessEnvironment::systemEnvironment())
{
    server.setProcessEnvironment(env);
    server.start(QStringLiteral(ADMINCHAT_BIN),
                 QStringList{"serve-demo", "--port", "0"} + arguments);
    if (!server.waitForStarted(10000))
        return {};
    QByteArray line;
    while (!line.contains('\n') && server.waitForReadyRead(10000))
        line += server.readAllStandardOutput();
    const auto match = QRegularExpression(QStringLiteral("listening on (http://\\S+)"))
                           .match(QString::fromUtf8(line));
    return match.hasMatch() ? match.captured(1) : QString();
}

// A JSON field that must be a number: std::nullopt when it is absent, null or anything else,
// so a check on it cannot pass by reading a missing field as 0.
inline std::optional<double> jsonNumber(const QJsonObject& object, const QString& key)
{
    const QJsonValue value = object.value(key);
    return value.isDouble() ? std::optional<double>(value.toDouble()) : std::nullopt;
}

// A background `adminchat` process (serve-demo, a long ask) that is stopped when the object
// goes, also when a failed QVERIFY leaves the test function early: SIGTERM, up to 5 s to exit
// (serve-demo exits cleanly on it), then SIGKILL (ProcessRunner).
class BackgroundApp
{
public:
    QProcess& process() { return m_runner.process(); }

    // `adminchat serve-demo --port 0 ARGUMENTS`; its base URL, or empty when it did not come up.
    QString startDemo(const QStringList& arguments,
                      const QProcessEnvironment& env = QProcessEnvironment::systemEnvironment())
    {
        return startDemoServer(m_runner.process(), arguments, env);
    }

    void stop() { m_runner.stop(); }

private:
    ProcessRunner m_runner;
};
