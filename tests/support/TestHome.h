// A throwaway home for one test: HOME and the XDG settings, data, cache and state folders point
// into a temporary directory, and the endpoint the caller's environment may name
// (OPENAI_BASE_URL, OPENAI_API_KEY) is removed, so neither the test nor the app it starts reads
// or writes the user's files. Everything is restored when the object goes.
//
// Keys live in the Secret Service of the session, not under HOME: tests that need one call
// REQUIRE_KEYCHAIN() and run inside tests/run-all.sh (dbus-run-session + gnome-keyring-daemon).
#pragma once

#include <QByteArray>
#include <QList>
#include <QPair>
#include <QProcessEnvironment>
#include <QString>
#include <QTemporaryDir>
#include <QTest>
#include <optional>

// A macro, not a function: QSKIP must return from the test function itself.
#define REQUIRE_KEYCHAIN()                                                                         \
    do {                                                                                           \
        if (!TestHome::hasKeychain())                                                              \
            QSKIP("no D-Bus session: run inside tests/run-all.sh (dbus-run-session + "             \
                  "gnome-keyring-daemon)");                                                        \
    } while (false)

class TestHome
{
public:
    TestHome();
    ~TestHome();
    TestHome(const TestHome&) = delete;
    TestHome& operator=(const TestHome&) = delete;

    bool isValid() const { return m_dir.isValid(); }
    QString path() const { return m_dir.path(); }
    QString filePath(const QString& name) const { return m_dir.filePath(name); }
    QString configPath() const { return filePath(QStringLiteral("config")); }
    QString dataPath() const { return filePath(QStringLiteral("data")); }

    // The environment this process now has, for a child that must share the same home.
    static QProcessEnvironment environment() { return QProcessEnvironment::systemEnvironment(); }
    // A Secret Service can be reached: there is a D-Bus session.
    static bool hasKeychain();

private:
    void set(const char* name, const std::optional<QByteArray>& value);

    QTemporaryDir m_dir;
    QList<QPair<QByteArray, std::optional<QByteArray>>> m_saved; // name, value before
};
