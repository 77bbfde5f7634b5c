#include "TestHome.h"

#include <QDir>
#include <QFile>

TestHome::TestHome()
{
    if (!m_dir.isValid())
        return;
    const auto under = [this](const char* name) {
        const QString path = filePath(QString::fromLatin1(name));
        QDir().mkpath(path);
        return std::optional<QByteArray>(QFile::encodeName(path));
    };
    set("HOME", QFile::encodeName(m_dir.path()));
    set("XDG_CONFIG_HOME", under("config"));
    set("XDG_DATA_HOME", under("data"));
    set("XDG_CACHE_HOME", under("cache"));
    set("XDG_STATE_HOME", under("state"));
    set("OPENAI_BASE_URL", std::nullopt);
    set("OPENAI_API_KEY", std::nullopt);
}

TestHome::~TestHome()
{
    // Latest first, so a name set twice ends with its first saved value.
    for (auto it = m_saved.crbegin(); it != m_saved.crend(); ++it) {
        if (it->second)
            qputenv(it->first.constData(), *it->second);
        else
            qunsetenv(it->first.constData());
    }
}

bool TestHome::hasKeychain()
{
    return !qEnvironmentVariableIsEmpty("DBUS_SESSION_BUS_ADDRESS");
}

void TestHome::set(const char* name, const std::optional<QByteArray>& value)
{
    m_saved.append({QByteArray(name), qEnvironmentVariableIsSet(name)
                                          ? std::optional<QByteArray>(qgetenv(name))
                                          : std::nullopt});
    if (value)
        qputenv(name, *value);
    else
        qunsetenv(name);
}
