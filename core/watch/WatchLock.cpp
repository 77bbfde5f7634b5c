#include "watch/WatchLock.h"

#include "watch/WatchLog.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFileInfo>

namespace adminchat {

WatchLock::WatchLock(const QString& databasePath, const QString& endpointId)
{
    const QDir folder(QFileInfo(databasePath).absolutePath() + QStringLiteral("/watch"));
    // The id may hold any character (a URL for a bare endpoint): the file is named by its hash.
    const QByteArray hash =
        QCryptographicHash::hash(endpointId.toUtf8(), QCryptographicHash::Sha256).toHex().left(32);
    m_fileName = folder.filePath(QString::fromLatin1(hash) + QStringLiteral(".lock"));
    m_lock = std::make_unique<QLockFile>(m_fileName);
    m_lock->setStaleLockTime(0); // held for days: only a dead holder makes it stale
}

WatchLock::~WatchLock() = default;

bool WatchLock::tryLock()
{
    if (m_lock->isLocked())
        return true;
    QDir().mkpath(QFileInfo(m_fileName).absolutePath());
    if (m_lock->tryLock(0))
        return true;
    if (m_lock->error() != QLockFile::LockFailedError)
        qCWarning(lcWatch).noquote() << "cannot create the watch lock" << m_fileName;
    return false;
}

bool WatchLock::isLocked() const
{
    return m_lock->isLocked();
}

qint64 WatchLock::holderPid() const
{
    qint64 pid = 0;
    QString host, application;
    if (!m_lock->getLockInfo(&pid, &host, &application))
        return 0;
    return pid;
}

} // namespace adminchat
