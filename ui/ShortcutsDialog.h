#pragma once

#include <QDialog>
#include <QList>

class QAction;
class QTreeWidget;

namespace adminchat {

// Help > Keyboard Shortcuts: every menu action with a shortcut, grouped by menu, read from the
// actions themselves so the list cannot go stale, and the keys of the message box.
class ShortcutsDialog : public QDialog
{
    Q_OBJECT
public:
    struct Group
    {
        QString title;
        QList<QAction*> actions;
    };

    explicit ShortcutsDialog(const QList<Group>& groups, QWidget* parent = nullptr);

    QTreeWidget* list() const { return m_list; }

private:
    QTreeWidget* m_list;
};

} // namespace adminchat
