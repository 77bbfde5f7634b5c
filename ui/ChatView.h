#pragma once

#include "ChatHeightIndex.h"
#include "ChatStyle.h"
#include "ChatViewPointer.h"
#include "chat/ChatEntry.h"

#include <QAbstractScrollArea>
#include <memory>
#include <vector>

class QTextDocument;

namespace adminchat {

class ChatMessageLayout;

// The conversation, painted message by message as Chatterino does: each message keeps a layout
// cache for the width it was laid out at; only messages in or near the viewport are laid out,
// the others have an estimated height that is corrected once they are. The view stays anchored
// meanwhile: on the end while following it, else on the first visible message.
//
// From the keyboard: Up and Down move the focused message (framed while the view has focus),
// the context menu key or Shift+F10 opens its actions, Left and Right close and open its
// thinking, Ctrl+C copies it. Assistive technology sees each message as an item with its
// author, text and actions (ChatViewAccessible). An empty conversation shows ChatWelcome.
class ChatView : public QAbstractScrollArea
{
    Q_OBJECT
public:
    enum class Action
    {
        Copy,
        Edit,
        Regenerate,
        Retry,
        Stop,
        RateUp,
        RateDown
    };
    Q_ENUM(Action)

    explicit ChatView(QWidget* parent = nullptr);
    ~ChatView() override;

    void setEntries(const QList<adminchat::ChatEntry>& entries); // shows the end
    void addEntry(const ChatEntry& entry);
    void appendToEntry(int index, const QString& content, const QString& reasoning); // O(delta)
    // State, error, rating, metrics; a finished answer is rendered as Markdown once.
    void updateEntry(int index, const ChatEntry& entry);
    void truncate(int count); // keeps the first count entries
    // Marks entry index as not saved, with the reason (empty: saved after all). Cleared by
    // setEntries().
    void setNotSaved(int index, const QString& reason);
    QString notSavedReason(int index) const;
    // Where the "Retry save" button of a not-saved entry is, as actionRect().
    QRect retrySaveRect(int index);
    int entryCount() const { return int(m_messages.size()); }
    const ChatEntry& entry(int index) const;
    QString author(int index) const;

    // The message that has the keyboard focus inside the view (-1: none).
    int currentIndex() const { return m_current; }
    void setCurrentIndex(int index);
    // The actions entry index offers (its buttons), with their labels, in order.
    QList<std::pair<Action, QString>> actions(int index) const;
    // Does an action as its button would (Copy copies, the others are emitted).
    void triggerAction(int index, Action action);
    bool hasReasoning(int index) const;
    bool isReasoningExpanded(int index) const;
    void setReasoningExpanded(int index, bool expanded);
    QRect reasoningToggleRect(int index);  // as actionRect()
    QRect messageRect(int index);          // the whole message, after scrolling it into view
    QRect visualRect(int index) const;     // where it is now, in viewport coordinates
    bool isCopyConfirmed(int index) const; // its Copy button says "Copied" just now
    QWidget* welcome() const;
    bool isFollowingEnd() const { return m_followEnd; }

    // Where the button of entry index's action is, in viewport coordinates, after scrolling it
    // into view; a null QRect when that entry has no such action.
    QRect actionRect(int index, Action action);
    // The same for the Copy button of the codeBlock-th code block of a rendered answer.
    QRect codeCopyRect(int index, int codeBlock);
    // The entry under a viewport position, -1 for none.
    int entryAt(const QPoint& viewportPos) const;
    // The documents showing the answer (or question) of entry index, top to bottom, laid out.
    QList<const QTextDocument*> contentDocuments(int index);
    // Where those documents start, in viewport coordinates (no scrolling).
    QPoint contentOrigin(int index);
    // The conversation as written (source text, markers and errors), for tests and copying.
    QString toPlainText() const;

signals:
    // Every action but Copy, which the view does itself.
    void actionTriggered(int index, adminchat::ChatView::Action action);
    // The "Retry save" button of a message marked not saved.
    void saveRetryRequested(int index);
    // A message (or a code block of it) went to the clipboard.
    void copied(int index);
    // The welcome state's "Add your endpoint".
    void addEndpointRequested();

protected:
    void paintEvent(QPaintEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;
    void scrollContentsBy(int dx, int dy) override;
    bool viewportEvent(QEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;
    void mouseReleaseEvent(QMouseEvent* event) override;
    void contextMenuEvent(QContextMenuEvent* event) override;
    void keyPressEvent(QKeyEvent* event) override;
    void changeEvent(QEvent* event) override;
    void focusInEvent(QFocusEvent* event) override;
    void focusOutEvent(QFocusEvent* event) override;

private:
    friend class ChatViewPointer; // reads the laid-out messages it hit-tests

    int layoutWidth() const;
    bool layoutMessage(int index); // true when its height changed
    bool ensureLaidOut();          // true when a height changed
    void layoutIfShown();
    void syncScrollBar();
    void onScrollValueChanged(int value);
    void setAnchorAt(qint64 y);
    QRect revealRect(int index, const QRect& localRect);
    void copyEntry(int index);
    void confirmCopy(int index);
    void entriesChanged(); // the welcome state and assistive technology follow
    void notifyFinished(int index);
    void trimCache();
    void restyle();

    std::vector<std::unique_ptr<ChatMessageLayout>> m_messages;
    std::vector<int> m_cached; // entries holding documents, oldest first, to bound memory
    ChatHeightIndex m_heights;
    ChatStyle m_style;
    bool m_followEnd = true; // auto-scroll follows the end unless the user scrolled up
    int m_anchorIndex = 0;   // else the viewport's top is m_anchorOffset below this entry's top
    int m_anchorOffset = 0;
    bool m_syncing = false;
    bool m_painting = false;
    bool m_repaintAll = false; // a paint moved content outside its region
    ChatViewPointer m_pointer{this};
    int m_current = -1;
    int m_copiedIndex = -1;
    int m_copyGeneration = 0;
    class ChatWelcome* m_welcome = nullptr;
};

} // namespace adminchat
