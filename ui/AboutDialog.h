#pragma once

#include "settings/ComponentVersions.h"

#include <QDialog>

class QLabel;

namespace adminchat {

// Help > About AdminChat: what it is, the versions it runs with (AdminChat, Qt, libcurl,
// SQLite) and the licences of AdminChat and of the libraries it ships with.
class AboutDialog : public QDialog
{
    Q_OBJECT
public:
    explicit AboutDialog(const ComponentVersions& versions, QWidget* parent = nullptr);

    QString versionsText() const; // what the versions label shows, as plain text

private:
    QLabel* m_versions;
};

} // namespace adminchat
