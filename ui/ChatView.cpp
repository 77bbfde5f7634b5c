#include "ChatView.h"

#include "ChatMessageLayout.h"
#include "ChatViewAccessible.h"
#include "ChatViewKeyboard.h"
#include "ChatWelcome.h"

#include <QAccessible>
#include <QApplication>
#include <QClipboard>
#include <QContextMenuEvent>
#include <QGuiApplication>
#include <QPainter>
#include <QScrollBar>
#include <QStyleOptionFocusRect>
#include <QTimer>
#include <QToolTip>
#include <algorithm>

namespace adminchat {

namespace {

// Entries holding documents beyond this many are released when out of view.
constexpr int kCacheLimit = 300;
constexpr int kCacheKeepAround = 40; // entries either side of the viewport that stay cached
constexpr int kCopiedMs = 1500;      // how long a Copy button says "Copied"

} // namespace

static_assert(ChatMessageLayout::retrySaveId == -2 && ChatMessageLayout::reasoningToggleId == -3);

ChatView::ChatView(QWidget* parent) : QAbstractScrollArea(parent)
{
    // Before anything here asks for the view's accessible interface, which is then kept.
    static const bool factoryInstalled = [] {
        QAccessible::installFactory(ChatViewAccessible::create);
        return true;
    }();
    Q_UNUSED(factoryInstalled)
    setObjectName(QStringLiteral("chatView"));
    setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    setFocusPolicy(Qt::StrongFocus);
    viewport()->setMouseTracking(true);
    viewport()->setAutoFillBackground(false);
    m_style = ChatStyle::fromWidget(this);
    verticalScrollBar()->setSingleStep(3 * m_style.lineHeight);
    connect(verticalScrollBar(), &QScrollBar::valueChanged, this, &ChatView::onScrollValueChanged);
    setAccessibleName(tr("Conversation"));
    m_welcome = new ChatWelcome(viewport());
    connect(m_welcome, &ChatWelcome::addEndpointRequested, this, &ChatView::addEndpointRequested);
    entriesChanged();
}

ChatView::~ChatView() = default;

int ChatView::layoutWidth() const
{
    return qMax(100, viewport()->width());
}

void ChatView::setEntries(const QList<ChatEntry>& entries)
{
    m_messages.clear();
    m_cached.clear();
    m_messages.reserve(size_t(entries.size()));
    std::vector<int> heights;
    heights.reserve(size_t(entries.size()));
    const int width = layoutWidth();
    for (const ChatEntry& entry : entries) {
        m_messages.push_back(std::make_unique<ChatMessageLayout>(entry));
        heights.push_back(m_messages.back()->estimateHeight(width, m_style));
    }
    m_heights.assign(heights);
    m_followEnd = true;
    m_anchorIndex = 0;
    m_anchorOffset = 0;
    m_pointer.reset();
    m_current = entryCount() - 1;
    m_copiedIndex = -1;
    layoutIfShown();
    viewport()->update();
    entriesChanged();
}

void ChatView::addEntry(const ChatEntry& entry)
{
    m_messages.push_back(std::make_unique<ChatMessageLayout>(entry));
    m_heights.append(m_messages.back()->estimateHeight(layoutWidth(), m_style));
    // The focus follows the conversation's end unless the reader moved it back.
    if (m_current < 0 || m_current == entryCount() - 2)
        m_current = entryCount() - 1;
    layoutIfShown();
    viewport()->update();
    entriesChanged();
}

void ChatView::appendToEntry(int index, const QString& content, const QString& reasoning)
{
    if (index < 0 || index >= entryCount())
        return;
    ChatMessageLayout& message = *m_messages[size_t(index)];
    const bool hadDocuments = message.hasDocuments();
    const QRect dirty = message.append(content, reasoning);
    if (hadDocuments && !message.hasDocuments()) {
        // Text after its end: dropped to be laid out again from the whole text, now if shown.
        std::erase(m_cached, index);
        layoutIfShown();
        viewport()->update();
        return;
    }
    if (dirty.isNull() || !message.isLaidOut(layoutWidth()))
        return; // not in view: laid out from its whole text when it comes into view
    const bool grew = message.height() != m_heights.height(index);
    if (grew) {
        m_heights.setHeight(index, message.height());
        syncScrollBar(); // following the end scrolls (a blit), see scrollContentsBy
    }
    // Repaint only the changed paragraph and what is below it, not the whole view.
    const int top = int(m_heights.top(index) - verticalScrollBar()->value()) + dirty.top();
    const int bottom = grew ? viewport()->height() : top + dirty.height();
    if (top < viewport()->height() && bottom > 0)
        viewport()->update(QRect(0, top, viewport()->width(), bottom - top));
}

void ChatView::updateEntry(int index, const ChatEntry& entry)
{
    if (index < 0 || index >= entryCount())
        return;
    ChatMessageLayout& message = *m_messages[size_t(index)];
    const bool hadDocuments = message.hasDocuments();
    const bool wasRunning = message.entry().state == ChatEntry::State::Pending ||
                            message.entry().state == ChatEntry::State::Streaming;
    message.setEntry(entry);
    if (index == m_copiedIndex)
        m_copiedIndex = -1;
    if (hadDocuments && !message.hasDocuments())
        std::erase(m_cached, index);
    layoutIfShown(); // lays it out again if it is in view, else when it comes into view
    viewport()->update();
    if (wasRunning && entry.state != ChatEntry::State::Pending &&
        entry.state != ChatEntry::State::Streaming)
        notifyFinished(index);
}

void ChatView::truncate(int count)
{
    count = std::clamp(count, 0, entryCount());
    if (count == entryCount())
        return;
    m_messages.resize(size_t(count));
    m_heights.truncate(count);
    std::erase_if(m_cached, [count](int index) { return index >= count; });
    if (m_anchorIndex >= count)
        m_followEnd = true;
    m_pointer.reset();
    m_current = qMin(m_current, count - 1);
    if (m_copiedIndex >= count)
        m_copiedIndex = -1;
    layoutIfShown();
    viewport()->update();
    entriesChanged();
}

bool ChatView::layoutMessage(int index)
{
    ChatMessageLayout& message = *m_messages[size_t(index)];
    const int width = layoutWidth();
    if (message.isLaidOut(width))
        return false;
    const bool cached = message.hasDocuments();
    const int height = message.layout(width, m_style);
    if (!cached && std::find(m_cached.begin(), m_cached.end(), index) == m_cached.end())
        m_cached.push_back(index);
    if (height == m_heights.height(index))
        return false;
    m_heights.setHeight(index, height);
    if (index == m_anchorIndex)
        m_anchorOffset = std::min(m_anchorOffset, height - 1); // stay on it when it shrank
    return true;
}

void ChatView::layoutIfShown()
{
    // A hidden view has no real width yet; the first paint or resize lays it out.
    if (isVisible())
        ensureLaidOut();
    else
        syncScrollBar();
}

bool ChatView::ensureLaidOut()
{
    bool laidOut = false;
    // Lays out what is in or near view; corrected heights move the view around its anchor,
    // which can bring more entries into view, so repeat until nothing changes.
    const int margin = viewport()->height() / 4;
    for (int pass = 0; pass < 32; ++pass) {
        syncScrollBar();
        if (m_messages.empty())
            return laidOut;
        const qint64 top = verticalScrollBar()->value();
        const int first = m_heights.indexAt(qMax<qint64>(0, top - margin));
        const int last = m_heights.indexAt(top + viewport()->height() + margin);
        bool changed = false;
        for (int i = first; i <= last; ++i)
            changed = layoutMessage(i) || changed;
        laidOut = laidOut || changed;
        if (!changed)
            break;
    }
    trimCache();
    return laidOut;
}

void ChatView::syncScrollBar()
{
    QScrollBar* bar = verticalScrollBar();
    const int viewHeight = viewport()->height();
    const int maximum = int(std::clamp<qint64>(m_heights.total() - viewHeight, 0, INT_MAX));
    if (maximum == 0)
        m_followEnd = true; // everything fits: new content keeps the end in view
    qint64 value = maximum;
    if (!m_followEnd && m_anchorIndex < entryCount())
        value = m_heights.top(m_anchorIndex) + m_anchorOffset;
    m_syncing = true;
    bar->setPageStep(viewHeight);
    bar->setRange(0, maximum);
    bar->setValue(int(std::clamp<qint64>(value, 0, maximum)));
    m_syncing = false;
}

void ChatView::setAnchorAt(qint64 y)
{
    m_anchorIndex = qMax(0, m_heights.indexAt(y));
    m_anchorOffset = int(y - m_heights.top(m_anchorIndex));
}

void ChatView::onScrollValueChanged(int value)
{
    if (m_syncing)
        return;
    setAnchorAt(value);
    m_followEnd = value >= verticalScrollBar()->maximum();
}

void ChatView::scrollContentsBy(int, int dy)
{
    if (m_painting)
        m_repaintAll = true; // the part of the view outside this paint moved
    else
        viewport()->scroll(0, dy); // a blit; only the uncovered strip is painted
}

void ChatView::resizeEvent(QResizeEvent* event)
{
    QAbstractScrollArea::resizeEvent(event);
    m_welcome->setGeometry(viewport()->rect());
    layoutIfShown(); // the visible entries at the new width; the others when they come into view
}

void ChatView::paintEvent(QPaintEvent* event)
{
    m_painting = true;
    m_repaintAll = false;
    if (ensureLaidOut())
        m_repaintAll = true;
    QPainter painter(viewport());
    painter.fillRect(event->rect(), m_style.background);
    const int value = verticalScrollBar()->value();
    const QRect area = event->rect();
    int index = m_heights.indexAt(value + area.top());
    for (; index >= 0 && index < entryCount(); ++index) {
        const int top = int(m_heights.top(index) - value);
        if (top > area.bottom())
            break;
        ChatMessageLayout& message = *m_messages[size_t(index)];
        if (!message.isLaidOut(layoutWidth()))
            break; // ensureLaidOut gave up early; the next paint continues
        painter.save();
        painter.translate(0, top);
        const ChatViewPointer::Hit& hover = m_pointer.hover();
        const bool hovered = hover.index == index;
        message.paint(&painter, area.translated(0, -top), hovered && hover.codeCopy,
                      hovered ? hover.id : -1);
        painter.restore();
        if (index == m_current && hasFocus()) {
            // The focused message, framed as the style frames focus.
            QStyleOptionFocusRect option;
            option.initFrom(this);
            option.rect = QRect(2, top + 1, viewport()->width() - 4, message.height() - 2);
            option.backgroundColor = m_style.background;
            painter.save();
            painter.setPen(QPen(palette().color(QPalette::Highlight), 2));
            painter.setBrush(Qt::NoBrush);
            painter.drawRoundedRect(option.rect, 6, 6);
            painter.restore();
        }
    }
    m_painting = false;
    if (m_repaintAll && event->region() != QRegion(viewport()->rect()))
        viewport()->update();
}

int ChatView::entryAt(const QPoint& viewportPos) const
{
    if (m_messages.empty())
        return -1;
    const qint64 y = verticalScrollBar()->value() + qint64(viewportPos.y());
    return y < 0 || y >= m_heights.total() ? -1 : m_heights.indexAt(y);
}

bool ChatView::viewportEvent(QEvent* event)
{
    if (event->type() == QEvent::Leave)
        m_pointer.left();
    if (event->type() == QEvent::ToolTip) {
        m_pointer.showToolTip(static_cast<QHelpEvent*>(event));
        return true;
    }
    return QAbstractScrollArea::viewportEvent(event);
}

void ChatView::mouseMoveEvent(QMouseEvent* event)
{
    m_pointer.moved(event->position().toPoint());
}

void ChatView::mousePressEvent(QMouseEvent* event)
{
    if (!m_pointer.pressed(event))
        QAbstractScrollArea::mousePressEvent(event);
}

void ChatView::mouseReleaseEvent(QMouseEvent* event)
{
    m_pointer.released(event);
}

void ChatView::triggerAction(int index, Action action)
{
    if (index < 0 || index >= entryCount())
        return;
    if (action == Action::Copy)
        copyEntry(index);
    else
        emit actionTriggered(index, action);
}

void ChatView::copyEntry(int index)
{
    QGuiApplication::clipboard()->setText(m_messages[size_t(index)]->entry().text);
    confirmCopy(index);
    emit copied(index);
}

void ChatView::confirmCopy(int index)
{
    // The button says "Copied" for a moment; a later copy or change of the entry ends it early.
    if (m_copiedIndex >= 0 && m_copiedIndex < entryCount())
        m_messages[size_t(m_copiedIndex)]->setCopied(false);
    m_copiedIndex = index;
    m_messages[size_t(index)]->setCopied(true);
    const int generation = ++m_copyGeneration;
    QTimer::singleShot(kCopiedMs, this, [this, generation] {
        if (generation != m_copyGeneration || m_copiedIndex < 0 || m_copiedIndex >= entryCount())
            return;
        m_messages[size_t(m_copiedIndex)]->setCopied(false);
        m_copiedIndex = -1;
        layoutIfShown();
        viewport()->update();
    });
    layoutIfShown();
    viewport()->update();
    ChatViewAccessible::announce(this, index, ChatActionBar::copiedLabel());
}

bool ChatView::isCopyConfirmed(int index) const
{
    return index >= 0 && index == m_copiedIndex;
}

void ChatView::contextMenuEvent(QContextMenuEvent* event)
{
    if (event->reason() == QContextMenuEvent::Keyboard)
        return ChatViewKeyboard::popupMenuForCurrent(this);
    const int index = entryAt(event->pos());
    if (index < 0)
        return;
    setCurrentIndex(index);
    ChatViewKeyboard::popupMenu(this, index, event->globalPos());
}

void ChatView::keyPressEvent(QKeyEvent* event)
{
    if (!ChatViewKeyboard::handleKey(this, event))
        QAbstractScrollArea::keyPressEvent(event);
}

void ChatView::focusInEvent(QFocusEvent* event)
{
    QAbstractScrollArea::focusInEvent(event);
    if (m_current < 0 && entryCount())
        m_current = entryCount() - 1;
    viewport()->update();
    ChatViewAccessible::focusChanged(this, m_current);
}

void ChatView::focusOutEvent(QFocusEvent* event)
{
    QAbstractScrollArea::focusOutEvent(event);
    viewport()->update();
}

void ChatView::setCurrentIndex(int index)
{
    if (index < -1 || index >= entryCount())
        return;
    m_current = index;
    if (index >= 0)
        messageRect(index); // scrolls it into view
    viewport()->update();
    if (hasFocus())
        ChatViewAccessible::focusChanged(this, index);
}

void ChatView::changeEvent(QEvent* event)
{
    QAbstractScrollArea::changeEvent(event);
    if (event->type() == QEvent::FontChange || event->type() == QEvent::PaletteChange ||
        event->type() == QEvent::StyleChange)
        restyle();
}

void ChatView::restyle()
{
    // Fonts and colours are baked into the documents: drop them all, keep heights as estimates.
    m_style = ChatStyle::fromWidget(this);
    verticalScrollBar()->setSingleStep(3 * m_style.lineHeight);
    for (const int index : m_cached)
        m_messages[size_t(index)]->release();
    m_cached.clear();
    layoutIfShown();
    viewport()->update();
}

void ChatView::trimCache()
{
    if (int(m_cached.size()) <= kCacheLimit)
        return;
    const qint64 top = verticalScrollBar()->value();
    const int first = m_heights.indexAt(top) - kCacheKeepAround;
    const int last = m_heights.indexAt(top + viewport()->height()) + kCacheKeepAround;
    std::erase_if(m_cached, [&](int index) {
        if (index >= first && index <= last)
            return false;
        m_messages[size_t(index)]->release();
        return true;
    });
}

QRect ChatView::revealRect(int index, const QRect& localRect)
{
    // Anchors the view on the entry itself, so laying out its neighbours cannot move it.
    for (int attempt = 0; attempt < 2; ++attempt) {
        const int value = verticalScrollBar()->value();
        const QRect shown = localRect.translated(0, int(m_heights.top(index) - value));
        if (shown.top() >= 0 && shown.bottom() < viewport()->height())
            return shown;
        const int margin = m_style.padY;
        m_followEnd = false;
        m_anchorIndex = index;
        m_anchorOffset = shown.top() < 0 ? localRect.top() - margin
                                         : localRect.bottom() + margin - viewport()->height();
        ensureLaidOut();
        m_followEnd = verticalScrollBar()->value() >= verticalScrollBar()->maximum();
        viewport()->update();
    }
    return localRect.translated(0, int(m_heights.top(index) - verticalScrollBar()->value()));
}

QRect ChatView::actionRect(int index, Action action)
{
    if (index < 0 || index >= entryCount())
        return {};
    layoutMessage(index);
    const QRect local = m_messages[size_t(index)]->actionRect(action);
    return local.isNull() ? QRect() : revealRect(index, local);
}

void ChatView::setNotSaved(int index, const QString& reason)
{
    if (index < 0 || index >= entryCount())
        return;
    m_messages[size_t(index)]->setNotSaved(reason);
    layoutIfShown();
    viewport()->update();
}

QString ChatView::notSavedReason(int index) const
{
    return index >= 0 && index < entryCount() ? m_messages[size_t(index)]->notSavedReason()
                                              : QString();
}

QRect ChatView::retrySaveRect(int index)
{
    if (index < 0 || index >= entryCount())
        return {};
    layoutMessage(index);
    const QRect local = m_messages[size_t(index)]->retrySaveRect();
    return local.isNull() ? QRect() : revealRect(index, local);
}

QRect ChatView::codeCopyRect(int index, int codeBlock)
{
    if (index < 0 || index >= entryCount())
        return {};
    layoutMessage(index);
    const QRect local = m_messages[size_t(index)]->codeCopyRect(codeBlock);
    return local.isNull() ? QRect() : revealRect(index, local);
}

QList<const QTextDocument*> ChatView::contentDocuments(int index)
{
    if (index < 0 || index >= entryCount())
        return {};
    layoutMessage(index);
    return m_messages[size_t(index)]->contentDocuments();
}

QPoint ChatView::contentOrigin(int index)
{
    if (index < 0 || index >= entryCount())
        return {};
    layoutMessage(index);
    return visualRect(index).topLeft() + m_messages[size_t(index)]->contentPos();
}

QString ChatView::toPlainText() const
{
    QStringList parts;
    for (const auto& message : m_messages)
        parts << message->plainText();
    return parts.join(QStringLiteral("\n\n"));
}

} // namespace adminchat

namespace adminchat {

const ChatEntry& ChatView::entry(int index) const
{
    return m_messages.at(size_t(index))->entry();
}

QString ChatView::author(int index) const
{
    return index >= 0 && index < entryCount() ? m_messages[size_t(index)]->author() : QString();
}

QList<std::pair<ChatView::Action, QString>> ChatView::actions(int index) const
{
    QList<std::pair<Action, QString>> list;
    if (index < 0 || index >= entryCount())
        return list;
    const ChatActionBar& bar = m_messages[size_t(index)]->actions();
    for (const ChatActionBar::Button& button : bar.buttons())
        list.append({button.action, button.label});
    return list;
}

bool ChatView::hasReasoning(int index) const
{
    return index >= 0 && index < entryCount() && m_messages[size_t(index)]->hasReasoning();
}

bool ChatView::isReasoningExpanded(int index) const
{
    return hasReasoning(index) && m_messages[size_t(index)]->isReasoningExpanded();
}

void ChatView::setReasoningExpanded(int index, bool expanded)
{
    if (!hasReasoning(index) || isReasoningExpanded(index) == expanded)
        return;
    m_messages[size_t(index)]->setReasoningExpanded(expanded);
    layoutIfShown();
    viewport()->update();
    ChatViewAccessible::stateChanged(this, index);
}

QRect ChatView::reasoningToggleRect(int index)
{
    if (!hasReasoning(index))
        return {};
    layoutMessage(index);
    const QRect local = m_messages[size_t(index)]->reasoningToggleRect();
    return local.isNull() ? QRect() : revealRect(index, local);
}

QRect ChatView::messageRect(int index)
{
    if (index < 0 || index >= entryCount())
        return {};
    layoutMessage(index);
    // A message taller than the view shows its top.
    const int height = qMin(m_heights.height(index), viewport()->height());
    return revealRect(index, QRect(0, 0, viewport()->width(), height))
        .adjusted(0, 0, 0, m_heights.height(index) - height);
}

QRect ChatView::visualRect(int index) const
{
    if (index < 0 || index >= entryCount())
        return {};
    const int top = int(m_heights.top(index) - verticalScrollBar()->value());
    return QRect(0, top, viewport()->width(), m_heights.height(index));
}

QWidget* ChatView::welcome() const
{
    return m_welcome;
}

void ChatView::entriesChanged()
{
    m_welcome->setVisible(m_messages.empty());
    ChatViewAccessible::childrenChanged(this);
}

void ChatView::notifyFinished(int index)
{
    if (m_messages[size_t(index)]->entry().role == ChatEntry::Role::Assistant)
        ChatViewAccessible::answerEnded(this, index, m_messages[size_t(index)]->entry().state);
}

} // namespace adminchat
