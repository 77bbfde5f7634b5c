// File systems that refuse writes to root too, for the storage tests: the suite runs as root in
// CI, where chmod stops nothing. As root: a read-only bind mount of a folder or file onto itself
// (`mount --bind` then `mount -o remount,ro,bind`), and a small tmpfs that can be filled to the
// last byte. As another user, chmod a-w does the read-only part. Everything mounted is
// unmounted when the object goes, also when a check failed half way.
#pragma once

#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QStringList>
#include <unistd.h>

class ScratchMounts
{
public:
    ScratchMounts() = default;
    ScratchMounts(const ScratchMounts&) = delete;
    ScratchMounts& operator=(const ScratchMounts&) = delete;
    ~ScratchMounts() { undoAll(); }

    static bool isRoot() { return geteuid() == 0; }
    // Root in a system that lets it mount (not, say, a container without the capability):
    // tried once with a tiny tmpfs.
    static bool canMount()
    {
        static const bool can = [] {
            if (!isRoot())
                return false;
            const QString dir =
                QDir::tempPath() +
                QStringLiteral("/adminchat-mount-probe-%1").arg(QCoreApplication::applicationPid());
            QString why;
            ScratchMounts probe;
            const bool mounted = probe.mountTmpfs(dir, 16, &why);
            probe.undoAll();
            QDir().rmdir(dir);
            return mounted;
        }();
        return can;
    }

    // A tmpfs of sizeKib on dir (created). Needs root; false and *why otherwise.
    bool mountTmpfs(const QString& dir, int sizeKib, QString* why)
    {
        QDir().mkpath(dir);
        if (!isRoot())
            return fail(why, QStringLiteral("mounting a tmpfs needs root"));
        if (!run({"mount", "-t", "tmpfs", "-o", QStringLiteral("size=%1k").arg(sizeKib), "tmpfs",
                  dir},
                 why))
            return false;
        m_mounts.prepend(dir);
        return true;
    }

    // Makes path (a folder or a file) refuse writes, checked by trying one.
    bool makeReadOnly(const QString& path, QString* why)
    {
        if (isRoot()) {
            if (!run({"mount", "--bind", path, path}, why))
                return false;
            m_mounts.prepend(path);
            if (!run({"mount", "-o", "remount,ro,bind", path}, why))
                return false;
        } else {
            const QFile::Permissions permissions = QFile::permissions(path);
            m_permissions.prepend({path, permissions});
            QFile::setPermissions(path, permissions & ~(QFile::WriteOwner | QFile::WriteUser |
                                                        QFile::WriteGroup | QFile::WriteOther));
        }
        const QString probe = QFileInfo(path).isDir() ? path + QStringLiteral("/.probe") : path;
        QFile file(probe);
        if (file.open(QIODevice::Append)) {
            file.close();
            if (probe != path)
                QFile::remove(probe);
            return fail(why, QStringLiteral("%1 still takes writes").arg(path));
        }
        return true;
    }

    void undoAll()
    {
        for (const QString& path : std::as_const(m_mounts)) {
            QString ignored;
            if (!run({"umount", path}, &ignored))
                run({"umount", "-l", path}, &ignored); // still busy: detach it anyway
        }
        m_mounts.clear();
        for (const auto& [path, permissions] : std::as_const(m_permissions))
            QFile::setPermissions(path, permissions);
        m_permissions.clear();
    }

    // Writes a file in dir until its file system is full; its size in bytes.
    static qint64 fill(const QString& dir, const QString& name = QStringLiteral("filler"))
    {
        QFile file(dir + QLatin1Char('/') + name);
        if (!file.open(QIODevice::WriteOnly | QIODevice::Append | QIODevice::Unbuffered))
            return -1;
        const QByteArray block(4096, 'x');
        while (file.write(block) == block.size()) {
        }
        // The last partial block, byte by byte, so not even a page is left.
        while (file.write("x", 1) == 1) {
        }
        return file.size();
    }

private:
    static bool fail(QString* why, const QString& text)
    {
        *why = text;
        return false;
    }

    static bool run(const QStringList& command, QString* why)
    {
        QProcess process;
        process.start(command.first(), command.mid(1));
        if (!process.waitForFinished(10000) || process.exitStatus() != QProcess::NormalExit ||
            process.exitCode() != 0) {
            if (process.state() != QProcess::NotRunning) {
                process.kill();
                process.waitForFinished();
            }
            return fail(why, QStringLiteral("%1: %2").arg(
                                 command.join(QLatin1Char(' ')),
                                 QString::fromLocal8Bit(process.readAllStandardError()).trimmed()));
        }
        return true;
    }

    QStringList m_mounts; // newest first, unmounted in that order
    QList<std::pair<QString, QFile::Permissions>> m_permissions;
};
