#include "store/HistoryService.h"

#include "store/ConversationExporter.h"
#include "store/ConversationStore.h"
#include "store/StoreLog.h"

#include <QDateTime>
#include <QDir>
#include <QSaveFile>
#include <algorithm>
#include <climits>
#include <utility>

namespace adminchat {

HistoryService::HistoryService(QString databasePath, QObject* parent)
    : QObject(parent), m_databasePath(std::move(databasePath)),
      m_startedUtc(QDateTime::currentDateTimeUtc()),
      m_retryTimer(this) // a child, so that moveToThread() takes it along
{
    m_retryTimer.setSingleShot(true);
    connect(&m_retryTimer, &QTimer::timeout, this, [this] {
        if (!writeUnsaved())
            scheduleRetry();
    });
    // Queued calls and signals carry these between the GUI thread and this one.
    qRegisterMetaType<ConversationRecord>("adminchat::ConversationRecord");
    qRegisterMetaType<MessageRecord>("adminchat::MessageRecord");
    qRegisterMetaType<QList<ConversationRecord>>("QList<adminchat::ConversationRecord>");
    qRegisterMetaType<QList<MessageRecord>>("QList<adminchat::MessageRecord>");
}

HistoryService::~HistoryService() = default;

void HistoryService::open()
{
    auto store = std::make_unique<ConversationStore>(m_databasePath);
    QString error;
    if (!store->open(&error)) {
        report(error);
        return;
    }
    m_store = std::move(store);
    // Deleting is undoable only within the run that did it; earlier runs' deletions are final.
    if (!m_store->purgeDeleted(m_startedUtc, &error))
        report(error);
    emit opened(m_store->path(), m_store->movedAsidePath());
}

void HistoryService::report(const QString& error)
{
    qCWarning(lcStore).noquote() << error;
    emit failed(error);
}

bool HistoryService::applied(bool ok, const QString& error)
{
    if (!ok)
        report(error);
    return ok;
}

void HistoryService::list(const QString& search)
{
    if (!m_store)
        return; // open() failed and said so
    QString error;
    const QList<ConversationRecord> found = m_store->conversations(search, -1, &error);
    if (!error.isEmpty())
        report(error);
    else
        emit listed(search, found);
}

void HistoryService::load(const QString& conversationId)
{
    if (!m_store)
        return;
    QString error;
    const std::optional<ConversationRecord> conversation =
        m_store->conversation(conversationId, &error);
    if (!conversation) {
        report(error.isEmpty() ? QStringLiteral("no conversation \"%1\"").arg(conversationId)
                               : error);
        return;
    }
    QList<MessageRecord> messages = m_store->messages(conversationId, &error);
    overlayUnsaved(conversationId, messages);
    if (!error.isEmpty())
        report(error);
    else
        emit loaded(*conversation, messages);
}

void HistoryService::exportConversation(const QString& conversationId, const QString& format,
                                        const QString& path)
{
    QString error;
    std::optional<ConversationRecord> conversation;
    QList<MessageRecord> messages;
    if (!m_store)
        error = QStringLiteral("the conversation history is not open");
    else if (conversation = m_store->conversation(conversationId, &error); !conversation)
        conversation = m_unsavedConversations.value(conversationId);
    if (m_store && conversation && conversation->id.isEmpty()) {
        conversation.reset();
        error =
            error.isEmpty() ? QStringLiteral("no conversation \"%1\"").arg(conversationId) : error;
    } else if (m_store && conversation) {
        error.clear();
        messages = m_store->messages(conversationId, &error);
        // What could not be saved goes out with the rest: exporting is the way to keep it.
        overlayUnsaved(conversationId, messages);
    }
    if (error.isEmpty()) {
        const QByteArray bytes =
            format == QLatin1String("json")
                ? ConversationExporter::toJson(*conversation, messages)
                : ConversationExporter::toMarkdown(*conversation, messages).toUtf8();
        QSaveFile file(path);
        if (!file.open(QIODevice::WriteOnly) || file.write(bytes) != bytes.size() || !file.commit())
            error = QStringLiteral("cannot write %1: %2")
                        .arg(QDir::toNativeSeparators(path), file.errorString());
    }
    emit exported(path, error);
}

void HistoryService::create(const ConversationRecord& conversation)
{
    if (!m_store)
        return;
    ConversationRecord record = conversation;
    QString error;
    if (!m_store->create(record, &error)) {
        // Its messages would fail on the missing row: they wait for it.
        report(error);
        m_lastError = error;
        m_unsavedConversations.insert(record.id, record);
        scheduleRetry();
        return;
    }
    emit conversationsChanged();
    if (!writeUnsaved())
        scheduleRetry();
}

void HistoryService::saveMessage(const MessageRecord& message)
{
    if (!m_store)
        return;
    const QPair<QString, int> key(message.conversationId, message.seq);
    const bool wasUnsaved = m_unsavedMessages.contains(key);
    QString error;
    ConversationStore::SaveOutcome outcome;
    // A conversation still waiting to be created: this message waits with it.
    const bool saved = !m_unsavedConversations.contains(message.conversationId) &&
                       m_store->saveMessage(message, &error, outcome);
    if (!saved) {
        m_unsavedMessages.insert(key, message); // the newest version replaces the last
        if (!wasUnsaved) {
            // Once per message: a streaming answer is saved every 250 ms. A message whose
            // conversation waits has the same reason, which create() reported already.
            if (error.isEmpty())
                error = m_lastError;
            else
                report(error);
            emit messageSaveFailed(message.conversationId, message.seq, error);
        }
        scheduleRetry();
        return;
    }
    m_unsavedMessages.remove(key);
    if (wasUnsaved)
        emit messageSaved(message.conversationId, message.seq);
    // Streaming answers are saved often; the listing only changes on a new message (which moves
    // the conversation to the top) or title, not on every update of a streaming one.
    if (outcome.newMessage || outcome.titleChanged)
        emit conversationsChanged();
    // The disk has room again: what waited goes now.
    if (!writeUnsaved())
        scheduleRetry();
}

void HistoryService::retryUnsaved()
{
    m_retryTimer.stop();
    m_retryMs = firstRetryMs;
    if (!writeUnsaved())
        scheduleRetry();
}

bool HistoryService::writeUnsaved()
{
    if (!m_store || (m_unsavedConversations.isEmpty() && m_unsavedMessages.isEmpty()))
        return true;
    QString error;
    while (!m_unsavedConversations.isEmpty()) {
        ConversationRecord record = m_unsavedConversations.first();
        // A retry after a write that did land (the answer was lost, not the row) finds it there.
        if (!m_store->conversation(record.id) && !m_store->create(record, &error))
            return false;
        m_unsavedConversations.erase(m_unsavedConversations.begin());
        emit conversationsChanged();
    }
    bool changed = false;
    while (!m_unsavedMessages.isEmpty()) {
        const MessageRecord message = m_unsavedMessages.first();
        ConversationStore::SaveOutcome outcome;
        if (!m_store->saveMessage(message, &error, outcome))
            return false;
        m_unsavedMessages.erase(m_unsavedMessages.begin());
        changed = changed || outcome.firstMessage || outcome.titleChanged;
        qCInfo(lcStore).noquote() << QStringLiteral("saved message %1 of conversation %2 after "
                                                    "an earlier failure")
                                         .arg(message.seq)
                                         .arg(message.conversationId);
        emit messageSaved(message.conversationId, message.seq);
    }
    if (changed)
        emit conversationsChanged();
    m_retryTimer.stop();
    m_retryMs = firstRetryMs;
    return true;
}

void HistoryService::scheduleRetry()
{
    if (m_retryTimer.isActive())
        return;
    m_retryTimer.start(m_retryMs);
    m_retryMs = std::min(m_retryMs * 2, maxRetryMs);
}

void HistoryService::overlayUnsaved(const QString& conversationId,
                                    QList<MessageRecord>& messages) const
{
    for (auto it = m_unsavedMessages.lowerBound({conversationId, INT_MIN});
         it != m_unsavedMessages.cend() && it.key().first == conversationId; ++it) {
        const auto at = std::find_if(messages.begin(), messages.end(),
                                     [&](const MessageRecord& m) { return m.seq == it->seq; });
        if (at != messages.end())
            *at = *it;
        else
            messages.append(*it);
    }
    std::sort(messages.begin(), messages.end(),
              [](const MessageRecord& a, const MessageRecord& b) { return a.seq < b.seq; });
}

void HistoryService::truncate(const QString& conversationId, int fromSeq)
{
    // What was replaced need not be saved any more.
    for (auto it = m_unsavedMessages.begin(); it != m_unsavedMessages.end();) {
        if (it.key().first == conversationId && it.key().second >= fromSeq)
            it = m_unsavedMessages.erase(it);
        else
            ++it;
    }
    if (!m_store)
        return;
    QString error;
    applied(m_store->truncate(conversationId, fromSeq, &error), error);
}

void HistoryService::rename(const QString& conversationId, const QString& title)
{
    if (!m_store)
        return;
    QString error;
    if (applied(m_store->rename(conversationId, title, &error), error))
        emit conversationsChanged();
}

void HistoryService::setProfileAndModel(const QString& conversationId, const QString& profile,
                                        const QString& model)
{
    if (!m_store)
        return;
    QString error;
    if (applied(m_store->setProfileAndModel(conversationId, profile, model, &error), error))
        emit conversationsChanged();
}

void HistoryService::setParameters(const QString& conversationId, const QString& preset,
                                   const RequestParameters& parameters)
{
    if (!m_store)
        return;
    QString error;
    applied(m_store->setParameters(conversationId, preset, parameters, &error), error);
}

void HistoryService::setRating(const QString& conversationId, int seq, int rating)
{
    if (!m_store)
        return;
    const std::optional<int> value = rating == 0 ? std::nullopt : std::optional<int>(rating);
    QString error;
    applied(m_store->setRating(conversationId, seq, value, &error), error);
}

void HistoryService::markDeleted(const QString& conversationId)
{
    if (!m_store)
        return;
    QString error;
    if (applied(m_store->markDeleted(conversationId, &error), error))
        emit conversationsChanged();
}

void HistoryService::restore(const QString& conversationId)
{
    if (!m_store)
        return;
    QString error;
    if (applied(m_store->restore(conversationId, &error), error))
        emit conversationsChanged();
}

} // namespace adminchat
