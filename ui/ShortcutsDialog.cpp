#include "ShortcutsDialog.h"

#include <QAction>
#include <QDialogButtonBox>
#include <QHeaderView>
#include <QKeySequence>
#include <QTreeWidget>
#include <QVBoxLayout>

namespace adminchat {

ShortcutsDialog::ShortcutsDialog(const QList<Group>& groups, QWidget* parent)
    : QDialog(parent), m_list(new QTreeWidget(this))
{
    setObjectName(QStringLiteral("shortcutsDialog"));
    setWindowTitle(tr("Keyboard Shortcuts"));
    m_list->setObjectName(QStringLiteral("shortcutList"));
    m_list->setAccessibleName(tr("Keyboard shortcuts"));
    m_list->setColumnCount(2);
    m_list->setHeaderLabels({tr("Action"), tr("Shortcut")});
    m_list->setRootIsDecorated(false);
    m_list->setSelectionMode(QAbstractItemView::NoSelection);

    auto addGroup = [this](const QString& title, const QList<std::pair<QString, QString>>& rows) {
        auto* header = new QTreeWidgetItem(m_list, {title});
        QFont bold = header->font(0);
        bold.setBold(true);
        header->setFont(0, bold);
        header->setFirstColumnSpanned(true);
        for (const auto& [text, keys] : rows)
            new QTreeWidgetItem(header, {text, keys});
    };
    for (const Group& group : groups) {
        QList<std::pair<QString, QString>> rows;
        for (QAction* action : group.actions) {
            QStringList keys;
            for (const QKeySequence& key : action->shortcuts())
                keys << key.toString(QKeySequence::NativeText);
            rows.append({action->text().remove(QLatin1Char('&')).remove(QStringLiteral("…")),
                         keys.join(tr(" or "))});
        }
        addGroup(group.title, rows);
    }
    addGroup(tr("Message"),
             {{tr("Send"), QKeySequence(Qt::Key_Return).toString()},
              {tr("New line"),
               QKeySequence(Qt::SHIFT | Qt::Key_Return).toString(QKeySequence::NativeText)},
              {tr("Cancel editing a message"),
               QKeySequence(Qt::Key_Escape).toString(QKeySequence::NativeText)}});
    m_list->expandAll();
    m_list->header()->setSectionResizeMode(0, QHeaderView::ResizeToContents);
    m_list->header()->setStretchLastSection(true);

    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close, this);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(m_list);
    layout->addWidget(buttons);
    resize(460, 520);
}

} // namespace adminchat
