#include "ExportFolder.h"

#include <QDir>
#include <QFileDialog>
#include <QFileInfo>
#include <QSettings>
#include <QStandardPaths>

namespace adminchat {

namespace {

const QString lastFolderKey = QStringLiteral("export/lastFolder");

} // namespace

ExportFolder::ExportFolder(QString settingsFile) : m_settingsFile(std::move(settingsFile)) {}

QString ExportFolder::startFolder() const
{
    const QString last =
        m_settingsFile.isEmpty()
            ? QString()
            : QSettings(m_settingsFile, QSettings::IniFormat).value(lastFolderKey).toString();
    if (!last.isEmpty() && QFileInfo(last).isDir())
        return last;
    // Documents is only a name in the user's dirs file until something creates it.
    const QString documents = QStandardPaths::writableLocation(QStandardPaths::DocumentsLocation);
    if (!documents.isEmpty() && QFileInfo(documents).isDir())
        return documents;
    return QDir::homePath();
}

void ExportFolder::remember(const QString& savedFile) const
{
    if (m_settingsFile.isEmpty())
        return;
    QSettings settings(m_settingsFile, QSettings::IniFormat);
    settings.setValue(lastFolderKey, QFileInfo(savedFile).absolutePath());
    settings.sync();
}

QFileDialog* ExportFolder::saveDialog(QWidget* parent, const QString& title,
                                      const QString& fileName, const QString& filter,
                                      const QString& suffix) const
{
    auto* dialog = new QFileDialog(parent, title, QDir(startFolder()).filePath(fileName), filter);
    dialog->setAcceptMode(QFileDialog::AcceptSave);
    dialog->setDefaultSuffix(suffix);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    // Connected first, so it runs before the caller's own handler.
    QObject::connect(dialog, &QFileDialog::fileSelected, dialog,
                     [folder = *this](const QString& path) { folder.remember(path); });
    return dialog;
}

} // namespace adminchat
