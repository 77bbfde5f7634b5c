#pragma once

#include "endpoints/ProbeSettings.h"

#include <QFileSystemWatcher>
#include <QObject>
#include <QStringList>
#include <QTimer>
#include <QUrl>

namespace adminchat {

class ProfileStore;

// Notices profiles saved by another process (`adminchat profile add` while the window is open):
// watches the settings file and its folder, re-reads the store once writes settle and says so
// when the profiles differ. QSettings replaces the file by renaming a new one over it, which
// ends a watch on the file itself, so the file is watched again after every change.
class ProfileFileWatcher : public QObject
{
    Q_OBJECT
public:
    static constexpr int settleMs = 100; // one save is several events

    explicit ProfileFileWatcher(ProfileStore* store, QObject* parent = nullptr);

signals:
    void profilesChanged();

private:
    void watch();
    void reread();
    // What the picker, the endpoint watch and the telemetry use of one profile.
    struct Seen
    {
        QString name;
        QString id;
        QUrl baseUrl;
        QString defaultModel;
        QString providerName;
        bool hasKey = false;
        ProbeSettings probe;
        bool operator==(const Seen&) const = default;
    };
    QList<Seen> signature() const;

    ProfileStore* m_store;
    QString m_file;
    QFileSystemWatcher m_watcher;
    QTimer m_settle;
    QList<Seen> m_signature;
};

} // namespace adminchat
