#pragma once

#include <QLockFile>
#include <QString>
#include <memory>

namespace adminchat {

// Who watches an endpoint: one lock file per endpoint id in a "watch" folder beside the
// database, so `adminchat watch` and the window never probe the same endpoint at once; the
// other one shows what the holder stores. A holder that died leaves a stale lock, which the
// next one takes over (QLockFile checks the process).
class WatchLock
{
public:
    WatchLock(const QString& databasePath, const QString& endpointId);
    ~WatchLock();

    // Takes the lock if nobody holds it; true when this object holds it now.
    bool tryLock();
    bool isLocked() const;
    // The process that holds it, when another one does (0: unknown).
    qint64 holderPid() const;
    QString fileName() const { return m_fileName; }

private:
    QString m_fileName;
    std::unique_ptr<QLockFile> m_lock;
};

} // namespace adminchat
