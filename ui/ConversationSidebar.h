#pragma once

#include "store/ConversationRecord.h"

#include <QList>
#include <QWidget>

class QFrame;
class QLabel;
class QLineEdit;
class QListView;
class QPushButton;
class QStackedWidget;
class QTimer;

namespace adminchat {

class ConversationListModel;

// The list of conversations beside the chat: a "New conversation" button, a search field, the
// conversations newest first (title and a dim line with the age and model, or the search
// snippet), inline renaming, deletion with a short undo bar, and export. It only asks: the
// owner does the work in the store and answers with a new listing.
class ConversationSidebar : public QWidget
{
    Q_OBJECT
public:
    static constexpr int undoTimeoutMs = 10'000;
    static constexpr int searchDebounceMs = 200;

    explicit ConversationSidebar(QWidget* parent = nullptr);

    // A listing or search result, newest first; the current conversation stays selected.
    void setConversations(const QList<adminchat::ConversationRecord>& conversations);
    // Selects without emitting conversationActivated.
    void setCurrentConversation(const QString& id);
    QString currentConversation() const;
    // An undo bar "Deleted “title”  [Undo]" for undoTimeoutMs.
    void showDeleted(const QString& id, const QString& title);
    QString conversationTitle(const QString& id) const; // as listed; empty when not listed
    QString searchText() const;

signals:
    void newConversationRequested();
    void conversationActivated(const QString& id);
    void renameRequested(const QString& id, const QString& title);
    void deleteRequested(const QString& id);
    void undoDeleteRequested(const QString& id);
    void searchChanged(const QString& text);                        // debounced
    void exportRequested(const QString& id, const QString& format); // "md" or "json"

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    void activateRow(int row);
    void selectCurrent();
    void updateEmptyState();
    void showContextMenu(const QPoint& position);
    void emitSearch();
    QString idOf(const QModelIndex& index) const;

    ConversationListModel* m_model;
    QPushButton* m_newButton;
    QLineEdit* m_search;
    QStackedWidget* m_stack;
    QListView* m_list;
    QLabel* m_emptyState;
    QFrame* m_undoBar;
    QLabel* m_undoLabel;
    QPushButton* m_undoButton;
    QTimer* m_undoTimer;
    QTimer* m_searchTimer;
    QString m_currentId;
    QString m_deletedId;
    QString m_emittedSearch;
};

} // namespace adminchat
