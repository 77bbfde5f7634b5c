#include "ConversationSidebar.h"

#include "ConversationItemDelegate.h"
#include "ConversationListModel.h"

#include <QHBoxLayout>
#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QListView>
#include <QMenu>
#include <QMouseEvent>
#include <QPushButton>
#include <QStackedWidget>
#include <QTimer>
#include <QVBoxLayout>

namespace adminchat {

ConversationSidebar::ConversationSidebar(QWidget* parent)
    : QWidget(parent), m_model(new ConversationListModel(this)),
      m_newButton(new QPushButton(tr("New conversation"), this)), m_search(new QLineEdit(this)),
      m_stack(new QStackedWidget(this)), m_list(new QListView(m_stack)),
      m_emptyState(new QLabel(m_stack)), m_undoBar(new QFrame(this)),
      m_undoLabel(new QLabel(m_undoBar)), m_undoButton(new QPushButton(tr("Undo"), m_undoBar)),
      m_undoTimer(new QTimer(this)), m_searchTimer(new QTimer(this))
{
    m_newButton->setObjectName(QStringLiteral("newConversationButton"));
    m_newButton->setToolTip(tr("Start a new conversation"));
    connect(m_newButton, &QPushButton::clicked, this,
            &ConversationSidebar::newConversationRequested);

    m_search->setObjectName(QStringLiteral("conversationSearch"));
    m_search->setPlaceholderText(tr("Search conversations"));
    m_search->setAccessibleName(tr("Search conversations"));
    m_search->setClearButtonEnabled(true);
    m_search->installEventFilter(this);
    m_searchTimer->setSingleShot(true);
    m_searchTimer->setInterval(searchDebounceMs);
    connect(m_search, &QLineEdit::textChanged, m_searchTimer, qOverload<>(&QTimer::start));
    connect(m_searchTimer, &QTimer::timeout, this, &ConversationSidebar::emitSearch);

    m_list->setObjectName(QStringLiteral("conversationList"));
    m_list->setModel(m_model);
    m_list->setItemDelegate(new ConversationItemDelegate(m_list));
    m_list->setUniformItemSizes(true); // one delegate height: cheap layout of long histories
    m_list->setSelectionMode(QAbstractItemView::SingleSelection);
    m_list->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    m_list->setEditTriggers(QAbstractItemView::DoubleClicked | QAbstractItemView::EditKeyPressed);
    m_list->setContextMenuPolicy(Qt::CustomContextMenu);
    m_list->installEventFilter(this);
    m_list->viewport()->installEventFilter(this);
    connect(m_list, &QListView::clicked, this,
            [this](const QModelIndex& index) { activateRow(index.row()); });
    connect(m_list, &QListView::customContextMenuRequested, this,
            &ConversationSidebar::showContextMenu);
    connect(m_model, &ConversationListModel::renameRequested, this,
            &ConversationSidebar::renameRequested);

    m_emptyState->setObjectName(QStringLiteral("conversationEmptyState"));
    m_emptyState->setAlignment(Qt::AlignCenter);
    m_emptyState->setWordWrap(true);
    m_emptyState->setEnabled(false); // the dim text colour
    m_stack->addWidget(m_list);
    m_stack->addWidget(m_emptyState);

    m_undoBar->setObjectName(QStringLiteral("undoBar"));
    m_undoBar->setFrameShape(QFrame::StyledPanel);
    m_undoLabel->setTextFormat(Qt::PlainText);
    m_undoButton->setObjectName(QStringLiteral("undoDeleteButton"));
    auto* undoLayout = new QHBoxLayout(m_undoBar);
    undoLayout->setContentsMargins(6, 4, 4, 4);
    undoLayout->addWidget(m_undoLabel, 1);
    undoLayout->addWidget(m_undoButton);
    m_undoBar->hide();
    m_undoTimer->setSingleShot(true);
    m_undoTimer->setInterval(undoTimeoutMs);
    connect(m_undoTimer, &QTimer::timeout, m_undoBar, &QWidget::hide);
    connect(m_undoButton, &QPushButton::clicked, this, [this] {
        m_undoTimer->stop();
        m_undoBar->hide();
        if (!m_deletedId.isEmpty())
            emit undoDeleteRequested(std::exchange(m_deletedId, QString()));
    });

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_newButton);
    layout->addWidget(m_search);
    layout->addWidget(m_stack, 1);
    layout->addWidget(m_undoBar);
    updateEmptyState();
}

void ConversationSidebar::setConversations(const QList<ConversationRecord>& conversations)
{
    m_model->setConversations(conversations);
    selectCurrent();
    updateEmptyState();
}

void ConversationSidebar::setCurrentConversation(const QString& id)
{
    m_currentId = id;
    selectCurrent();
}

QString ConversationSidebar::currentConversation() const
{
    return m_currentId;
}

void ConversationSidebar::showDeleted(const QString& id, const QString& title)
{
    m_deletedId = id;
    const QString shown =
        fontMetrics().elidedText(ConversationListModel::displayTitle(title), Qt::ElideRight, 180);
    m_undoLabel->setText(tr("Deleted “%1”").arg(shown));
    m_undoBar->show();
    m_undoTimer->start();
}

QString ConversationSidebar::searchText() const
{
    return m_search->text().trimmed();
}

bool ConversationSidebar::eventFilter(QObject* watched, QEvent* event)
{
    if (watched == m_list->viewport() &&
        (event->type() == QEvent::MouseButtonPress ||
         event->type() == QEvent::MouseButtonDblClick) &&
        static_cast<QMouseEvent*>(event)->button() == Qt::RightButton) {
        // Only the context menu: the highlight stays on the conversation shown beside the list.
        return true;
    }
    if (event->type() != QEvent::KeyPress)
        return QWidget::eventFilter(watched, event);
    const int key = static_cast<QKeyEvent*>(event)->key();
    const bool enter = key == Qt::Key_Return || key == Qt::Key_Enter;
    if (watched == m_list && m_list->hasFocus()) {
        // Not while renaming: the editor's own Return and Delete propagate here too.
        const QModelIndex current = m_list->currentIndex();
        if (enter && current.isValid()) {
            activateRow(current.row());
            return true;
        }
        if (key == Qt::Key_Delete && current.isValid()) {
            emit deleteRequested(idOf(current));
            return true;
        }
    } else if (watched == m_search && m_model->rowCount() > 0) {
        // From the search field straight into the results.
        if (key == Qt::Key_Down) {
            m_list->setFocus();
            if (!m_list->currentIndex().isValid())
                m_list->setCurrentIndex(m_model->index(0));
            return true;
        }
        if (enter) {
            const QModelIndex current = m_list->currentIndex();
            activateRow(current.isValid() ? current.row() : 0);
            return true;
        }
    }
    return QWidget::eventFilter(watched, event);
}

void ConversationSidebar::activateRow(int row)
{
    const QString id = m_model->idAt(row);
    if (id.isEmpty())
        return;
    m_currentId = id;
    selectCurrent();
    emit conversationActivated(id);
}

void ConversationSidebar::selectCurrent()
{
    const int row = m_model->rowOf(m_currentId);
    if (row < 0) {
        // Kept as current (it is still open in the chat), only not in this listing.
        m_list->selectionModel()->clearSelection();
        return;
    }
    const QModelIndex index = m_model->index(row);
    m_list->selectionModel()->setCurrentIndex(index, QItemSelectionModel::ClearAndSelect);
    m_list->scrollTo(index);
}

void ConversationSidebar::updateEmptyState()
{
    const bool empty = m_model->rowCount() == 0;
    if (empty) {
        const QString search = searchText();
        m_emptyState->setText(search.isEmpty()
                                  ? tr("No conversations yet.\nStart one with New conversation.")
                                  : tr("No conversation matches “%1”.").arg(search));
    }
    m_stack->setCurrentWidget(empty ? static_cast<QWidget*>(m_emptyState) : m_list);
}

void ConversationSidebar::showContextMenu(const QPoint& position)
{
    const QModelIndex index = m_list->indexAt(position);
    if (!index.isValid())
        return;
    const QString id = idOf(index);
    // popup(), not exec(): no nested event loop while streams keep arriving.
    auto* menu = new QMenu(this);
    menu->setObjectName(QStringLiteral("conversationMenu"));
    menu->setAttribute(Qt::WA_DeleteOnClose);
    QAction* rename =
        menu->addAction(tr("Rename"), this, [this, index = QPersistentModelIndex(index)] {
            if (index.isValid())
                m_list->edit(index);
        });
    rename->setObjectName(QStringLiteral("renameAction"));
    QAction* exportMarkdown = menu->addAction(tr("Export as Markdown…"), this, [this, id] {
        emit exportRequested(id, QStringLiteral("md"));
    });
    exportMarkdown->setObjectName(QStringLiteral("exportMarkdownAction"));
    QAction* exportJson = menu->addAction(tr("Export as JSON…"), this, [this, id] {
        emit exportRequested(id, QStringLiteral("json"));
    });
    exportJson->setObjectName(QStringLiteral("exportJsonAction"));
    menu->addSeparator();
    QAction* remove = menu->addAction(tr("Delete"), this, [this, id] { emit deleteRequested(id); });
    remove->setObjectName(QStringLiteral("deleteAction"));
    // The highlight ends on the conversation shown (before Rename opens its editor: the menu
    // hides before its action runs).
    connect(menu, &QMenu::aboutToHide, this, &ConversationSidebar::selectCurrent);
    menu->popup(m_list->viewport()->mapToGlobal(position));
}

void ConversationSidebar::emitSearch()
{
    const QString text = searchText();
    if (text == m_emittedSearch)
        return; // only spaces changed
    m_emittedSearch = text;
    if (m_model->rowCount() == 0)
        updateEmptyState();
    emit searchChanged(text);
}

QString ConversationSidebar::idOf(const QModelIndex& index) const
{
    return index.data(ConversationListModel::IdRole).toString();
}

QString ConversationSidebar::conversationTitle(const QString& id) const
{
    const int row = m_model->rowOf(id);
    return row < 0 ? QString() : m_model->index(row).data(Qt::DisplayRole).toString();
}

} // namespace adminchat
