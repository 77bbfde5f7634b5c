#pragma once

#include "ChatActionBar.h"
#include "chat/ChatEntry.h"

#include <QRect>
#include <memory>

class QPainter;
class QTextDocument;

namespace adminchat {

struct ChatStyle;
class StreamingMarkdown;

// One message with its layout cache: the documents for its reasoning and answer, and where
// everything sits for the width it was laid out at. Streaming text goes into the answer's
// StreamingMarkdown (O(delta) plus its last paragraph, or one run's render when a run of
// Markdown blocks completes); a width change only re-wraps the documents. The reasoning sits
// under a "Thinking" toggle, open while it streams and closed once the answer starts, unless
// the reader chose; an assistant message keeps a row for its figures from the start, so their
// arrival moves nothing.
class ChatMessageLayout
{
public:
    // What the view's hit ids mean besides actions (>= 0): the message's other buttons.
    static constexpr int retrySaveId = -2;
    static constexpr int reasoningToggleId = -3;

    explicit ChatMessageLayout(const ChatEntry& entry);
    ~ChatMessageLayout();

    const ChatEntry& entry() const { return m_entry; }
    void setEntry(const ChatEntry& entry);
    // Why the message could not be saved (empty: it is saved): shown under it with a button to
    // try again.
    void setNotSaved(const QString& reason);
    const QString& notSavedReason() const { return m_notSaved; }
    // Appends a delta. When laid out, the geometry follows and the changed area (local) is
    // returned, from the last paragraph before the delta down; else a null QRect.
    QRect append(const QString& content, const QString& reasoning);

    bool isLaidOut(int width) const { return m_width == width && m_width > 0; }
    bool hasDocuments() const { return m_content || m_reasoning; }
    int layout(int width, const ChatStyle& style); // returns the height
    int height() const { return m_height; }
    int estimateHeight(int width, const ChatStyle& style) const;
    void release(); // drops the documents, keeps the last height as an estimate

    // Local coordinates (the message's top left is 0,0); hovered is an Action or code block.
    void paint(QPainter* painter, const QRect& clip, bool codeHovered, int hovered) const;
    std::optional<ChatView::Action> actionAt(const QPoint& pos) const;
    int codeCopyAt(const QPoint& pos) const; // -1 for none
    bool isRetrySaveAt(const QPoint& pos) const { return m_retrySaveRect.contains(pos); }
    bool isReasoningToggleAt(const QPoint& pos) const
    {
        return m_reasoningToggleRect.contains(pos);
    }
    bool hasReasoning() const { return !m_entry.reasoning.isEmpty(); }
    bool isReasoningExpanded() const;
    void setReasoningExpanded(bool expanded);
    QRect reasoningToggleRect() const { return m_reasoningToggleRect; }
    QString reasoningLabel() const;
    void setCopied(bool copied);
    const ChatActionBar& actions() const { return m_actions; }
    QString author() const { return m_header; }
    QString toolTip(int hitId) const; // of an action (>= 0) or the buttons above
    QRect retrySaveRect() const { return m_retrySaveRect; }
    QRect actionRect(ChatView::Action action) const { return m_actions.rect(action); }
    QRect codeCopyRect(int codeBlock) const;
    QString codeText(int codeBlock) const;
    QList<const QTextDocument*> contentDocuments() const;
    QPoint contentPos() const { return m_contentPos; }
    QString plainText() const;

private:
    bool isFinished() const;
    QString marker() const; // waiting / stopped / empty, or nothing
    void buildDocuments();
    void computeGeometry();

    ChatEntry m_entry;
    std::unique_ptr<StreamingMarkdown> m_reasoning;
    std::optional<bool> m_reasoningExpanded; // the reader's choice, else by the answer's start
    std::unique_ptr<StreamingMarkdown> m_content;
    ChatActionBar m_actions;
    const ChatStyle* m_style = nullptr;

    int m_width = -1; // width the geometry below is valid for
    int m_height = 0;
    QString m_header;
    QString m_metrics;
    QRect m_headerRect;
    QRect m_metricsRect;
    QRect m_reasoningToggleRect;
    QPoint m_reasoningPos;
    QPoint m_contentPos;
    QRect m_markerRect;
    QRect m_errorRect;
    QString m_notSaved;
    QRect m_notSavedRect;
    QRect m_retrySaveRect;
    QList<QRect> m_codeCopyRects;
    QStringList m_codeTexts; // of the code blocks, in the order of m_codeCopyRects
};

} // namespace adminchat
