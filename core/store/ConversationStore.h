#pragma once

#include "store/ConversationRecord.h"
#include "store/Database.h"

#include <QList>
#include <QString>
#include <QVariantList>
#include <optional>

namespace adminchat {

class WriteTransaction;

// Conversations and their messages in the app database. Synchronous; used from one thread (the
// command line's main thread, or the GUI's HistoryService thread). Every write is its own
// transaction, so what was saved survives a crash or kill -9 of the process.
class ConversationStore
{
public:
    explicit ConversationStore(QString path);
    ~ConversationStore();
    ConversationStore(const ConversationStore&) = delete;
    ConversationStore& operator=(const ConversationStore&) = delete;

    // A new conversation id: creation time in milliseconds (12 hex digits) then 4 random hex
    // digits, so ids sort by creation and are short enough to type.
    static QString newId();

    bool open(QString* error = nullptr);
    bool isOpen() const;
    QString path() const { return m_database.path(); }
    QString movedAsidePath() const { return m_database.movedAsidePath(); }

    // Inserts; an empty id gets newId(), empty times get now. Sets the record's id.
    bool create(ConversationRecord& conversation, QString* error = nullptr);
    // Also one marked deleted; empty with *error untouched when there is no such id.
    std::optional<ConversationRecord> conversation(const QString& id,
                                                   QString* error = nullptr) const;
    // Live (not deleted) conversations, newest update first, with messageCount. A non-empty
    // search matches titles and message text (case-insensitive substring) and fills snippet.
    QList<ConversationRecord> conversations(const QString& search = {}, int limit = -1,
                                            QString* error = nullptr) const;
    // The most recently updated live conversation, for `ask --continue`.
    std::optional<ConversationRecord> latest(QString* error = nullptr) const;
    // A full id, or a prefix matching exactly one live conversation; else empty and *error says
    // "no conversation ..." or "... matches N conversations".
    QString resolveId(const QString& idOrPrefix, QString* error = nullptr) const;

    // An empty title gives back the one from the first user message.
    bool rename(const QString& id, const QString& title, QString* error = nullptr);
    bool setProfileAndModel(const QString& id, const QString& profile, const QString& model,
                            QString* error = nullptr);
    // What the conversation's requests are sent with from now on (RequestParameters), and the
    // preset they came from (empty: set by hand).
    bool setParameters(const QString& id, const QString& preset,
                       const RequestParameters& parameters, QString* error = nullptr);
    // Deleting in the GUI is undoable: markDeleted hides it, restore brings it back, and
    // purgeDeleted removes for good what was marked before a given time.
    bool markDeleted(const QString& id, QString* error = nullptr);
    bool restore(const QString& id, QString* error = nullptr);
    bool purgeDeleted(const QDateTime& markedBefore, QString* error = nullptr);
    bool remove(const QString& id, QString* error = nullptr); // with its messages

    QList<MessageRecord> messages(const QString& conversationId, QString* error = nullptr) const;
    // Insert or replace by (conversationId, seq); bumps the conversation's updatedUtc, and sets
    // its title from the first user message while the title was never edited.
    bool saveMessage(const MessageRecord& message, QString* error = nullptr);
    // What a save did to the listing, so a caller can tell the sidebar only when it changed.
    struct SaveOutcome
    {
        bool firstMessage = false; // the conversation had no message before
        bool newMessage = false;   // not an update of a message saved before (streaming)
        bool titleChanged = false;
    };
    bool saveMessage(const MessageRecord& message, QString* error, SaveOutcome& outcome);
    // Removes messages with seq >= fromSeq (edit-and-resend replaces what followed).
    bool truncate(const QString& conversationId, int fromSeq, QString* error = nullptr);
    bool setRating(const QString& conversationId, int seq, std::optional<int> rating,
                   QString* error = nullptr);

    // The title a first message gives: its first line, whitespace collapsed, at most 60
    // characters (cut at a word, with an ellipsis).
    static QString titleFrom(const QString& text);

private:
    bool fail(QString* error, const QString& what, const QString& detail) const;
    // "not open", or BEGIN IMMEDIATE on transaction.
    bool begin(WriteTransaction& transaction, QString* error, const QString& what);
    // Runs one statement; with a non-empty id, changing no row fails as "no conversation <id>".
    bool write(const QString& sql, const QVariantList& values, const QString& what,
               const QString& id, QString* error);

    Database m_database;
};

} // namespace adminchat
