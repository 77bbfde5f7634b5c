#pragma once

#include <QString>

class QFileDialog;
class QWidget;

namespace adminchat {

// Where export dialogs start: the folder of the last export (kept in the settings file as
// export/lastFolder), else the Documents folder, else home. One place for every export action,
// so they all open where the user last saved.
class ExportFolder
{
public:
    explicit ExportFolder(QString settingsFile); // empty: nothing is remembered

    QString startFolder() const;
    void remember(const QString& savedFile) const; // its folder becomes the start folder

    // A save dialog in startFolder() proposing `fileName`; open() it (no nested event loop). The
    // folder of the file chosen is remembered before fileSelected reaches the caller.
    QFileDialog* saveDialog(QWidget* parent, const QString& title, const QString& fileName,
                            const QString& filter, const QString& suffix) const;

private:
    QString m_settingsFile;
};

} // namespace adminchat
