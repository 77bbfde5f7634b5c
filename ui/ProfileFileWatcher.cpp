#include "ProfileFileWatcher.h"

#include "endpoints/ProfileStore.h"

#include <QDir>
#include <QFileInfo>
#include <QLoggingCategory>

Q_LOGGING_CATEGORY(lcProfileWatch, "adminchat.endpoints.watch", QtInfoMsg)

namespace adminchat {

ProfileFileWatcher::ProfileFileWatcher(ProfileStore* store, QObject* parent)
    : QObject(parent), m_store(store), m_file(QFileInfo(store->fileName()).absoluteFilePath()),
      m_signature(signature())
{
    m_settle.setSingleShot(true);
    m_settle.setInterval(settleMs);
    connect(&m_settle, &QTimer::timeout, this, &ProfileFileWatcher::reread);
    connect(&m_watcher, &QFileSystemWatcher::fileChanged, &m_settle, qOverload<>(&QTimer::start));
    connect(&m_watcher, &QFileSystemWatcher::directoryChanged, &m_settle,
            qOverload<>(&QTimer::start));
    watch();
}

void ProfileFileWatcher::watch()
{
    // The folder sees the file created or renamed into place; it may not exist yet either.
    const QString folder = QFileInfo(m_file).absolutePath();
    QDir().mkpath(folder);
    if (!m_watcher.directories().contains(folder) && !m_watcher.addPath(folder))
        qCWarning(lcProfileWatch).noquote() << "cannot watch" << folder;
    if (QFileInfo::exists(m_file) && !m_watcher.files().contains(m_file))
        m_watcher.addPath(m_file);
}

void ProfileFileWatcher::reread()
{
    watch();
    m_store->sync(); // QSettings re-reads a file another process changed
    QList<Seen> now = signature();
    if (now == m_signature)
        return; // another setting in the same file, or our own save already shown
    m_signature = std::move(now);
    qCInfo(lcProfileWatch) << "profiles changed on disk";
    emit profilesChanged();
}

QList<ProfileFileWatcher::Seen> ProfileFileWatcher::signature() const
{
    QList<Seen> result;
    for (const EndpointProfile& profile : m_store->profiles())
        result.append({profile.name, profile.id, profile.baseUrl, profile.defaultModel,
                       profile.providerName, profile.hasKey, profile.probe});
    return result;
}

} // namespace adminchat
