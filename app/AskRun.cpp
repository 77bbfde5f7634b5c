#include "AskRun.h"

#include "CommandLine.h"
#include "chat/RequestFinisher.h"
#include "chat/SessionRecorder.h"
#include "endpoints/PresetStore.h"
#include "endpoints/ProfileStore.h"
#include "metrics/MetricsRecord.h"
#include "metrics/TraceJson.h"
#include "net/ModelsFetcher.h"
#include "settings/AppSettings.h"
#include "store/ConversationStore.h"
#include "store/MetricsStore.h"

#include <QCoreApplication>
#include <QJsonDocument>
#include <utility>

namespace adminchat {

namespace {

// Every answer becomes a metrics record, like the GUI's. A database problem is reported (the
// error comes back, empty when recorded) but never turns a good answer into a failed command.
QString recordMetrics(MetricsRecord record)
{
    MetricsStore store(Database::defaultPath());
    QString error;
    if (!store.open(&error) || !store.insert(record, &error))
        return error;
    if (!store.movedAsidePath().isEmpty())
        writeErr(QStringLiteral("warning: the database was unreadable; it was moved to %1 "
                                "and a new one started\n")
                     .arg(store.movedAsidePath()));
    return {};
}

} // namespace

AskRun::AskRun(AskOptions options, QObject* parent)
    : QObject(parent), m_options(std::move(options)), m_session(&m_client)
{
    m_session.setStreaming(m_options.stream);
    m_session.setCategoryRule(AppSettings().categoryRule());
    connect(&m_session, &ChatSession::entryAppended, this, &AskRun::onEntryAppended);
    connect(&m_session, &ChatSession::requestCompleted, this, &AskRun::onRequestCompleted);
}

AskRun::~AskRun()
{
    flushOutput();
}

void AskRun::fail(const QString& message, int exitCode)
{
    flushOutput();
    writeErr(QStringLiteral("adminchat ask: %1\n").arg(message));
    QCoreApplication::exit(exitCode);
}

void AskRun::start()
{
    m_chooser.choose(m_options.profile, m_options.baseUrl,
                     [this](const std::optional<EndpointChooser::Choice>& choice,
                            const QString& error, int exitCode) {
                         if (!choice)
                             return fail(error, exitCode);
                         useEndpoint(choice->config, choice->profile, choice->defaultModel);
                     });
}

void AskRun::useEndpoint(const EndpointConfig& chosen, const QString& profile,
                         const QString& defaultModel)
{
    EndpointConfig endpoint = chosen;
    if (m_options.connectTimeoutMs)
        endpoint.connectTimeoutMs = *m_options.connectTimeoutMs;
    if (m_options.idleTimeoutMs)
        endpoint.idleTimeoutMs = *m_options.idleTimeoutMs;
    if (m_options.totalTimeoutMs)
        endpoint.totalTimeoutMs = *m_options.totalTimeoutMs;
    if (m_options.maxRetries)
        endpoint.maxRetries = *m_options.maxRetries;
    m_session.setEndpoint(endpoint);
    m_session.setProfileName(profile);
    if (!openHistory())
        return;
    // An explicit --model wins, then the profile's, then the conversation's, then the endpoint's
    // first.
    if (!m_options.model.isEmpty())
        m_session.setModel(m_options.model);
    else if (!defaultModel.isEmpty())
        m_session.setModel(defaultModel);
    chooseModelAndSend();
}

bool AskRun::openHistory()
{
    const bool continuing = m_options.continueLast || !m_options.conversation.isEmpty();
    if (!m_options.save && !continuing)
        return true;
    m_history = std::make_unique<ConversationStore>(Database::defaultPath());
    QString error;
    if (!m_history->open(&error)) {
        m_history.reset();
        if (continuing) {
            fail(QStringLiteral("cannot read the conversation history: %1").arg(error));
            return false;
        }
        m_saveError = error; // said once, with the answer
        return true;
    }

    if (continuing) {
        QString id;
        if (m_options.continueLast) {
            const auto latest = m_history->latest(&error);
            if (!latest) {
                fail(error.isEmpty() ? QStringLiteral("there is no conversation to continue")
                                     : error);
                return false;
            }
            id = latest->id;
        } else {
            id = m_history->resolveId(m_options.conversation, &error);
            if (id.isEmpty()) {
                fail(error);
                return false;
            }
        }
        const auto conversation = m_history->conversation(id, &error);
        const QList<MessageRecord> messages = m_history->messages(id, &error);
        if (!conversation || !error.isEmpty()) {
            fail(error.isEmpty() ? QStringLiteral("no conversation %1").arg(id) : error);
            return false;
        }
        QList<ChatEntry> entries;
        for (const MessageRecord& message : messages)
            entries.append(SessionRecorder::toChatEntry(message));
        m_session.load(entries);
        m_session.setConversationId(id);
        if (!conversation->model.isEmpty())
            m_session.setModel(conversation->model);
        m_session.setParameters(conversation->preset, conversation->parameters);
    }

    if (m_options.save) {
        m_recorder = std::make_unique<SessionRecorder>(&m_session);
        m_recorder->setConversationStored(continuing);
        // One process, one thread: the store is written directly, each write its own
        // transaction, so a kill -9 keeps everything saved before it.
        connect(m_recorder.get(), &SessionRecorder::conversationCreated, this,
                &AskRun::saveConversation);
        connect(m_recorder.get(), &SessionRecorder::messageSaved, this, &AskRun::saveMessage);
    }
    return true;
}

void AskRun::saveConversation(const ConversationRecord& conversation)
{
    ConversationRecord record = conversation;
    QString error;
    if (m_history->create(record, &error))
        return;
    if (m_saveError.isEmpty())
        m_saveError = error;
    m_unsavedConversation = record;
}

void AskRun::saveMessage(const MessageRecord& message)
{
    QString error;
    // Its conversation's row first: without it the message cannot go in.
    if (writeUnsaved() && m_history->saveMessage(message, &error)) {
        m_unsavedMessages.remove(message.seq);
        return;
    }
    if (m_saveError.isEmpty() && !error.isEmpty())
        m_saveError = error;
    m_unsavedMessages.insert(message.seq, message);
}

bool AskRun::writeUnsaved()
{
    QString error;
    if (m_unsavedConversation) {
        ConversationRecord record = *m_unsavedConversation;
        if (!m_history->conversation(record.id) && !m_history->create(record, &error))
            return false;
        m_unsavedConversation.reset();
    }
    while (!m_unsavedMessages.isEmpty()) {
        if (!m_history->saveMessage(m_unsavedMessages.first(), &error))
            return false;
        m_unsavedMessages.erase(m_unsavedMessages.begin());
    }
    return true;
}

void AskRun::chooseModelAndSend()
{
    if (!m_session.model().isEmpty())
        return send();
    // No model anywhere: the first one the endpoint lists.
    auto* fetcher = new ModelsFetcher(m_client.networkManager(), m_session.endpoint(), this);
    connect(fetcher, &ModelsFetcher::finished, this,
            [this, fetcher](const QStringList& models, const std::optional<ApiError>& error) {
                fetcher->deleteLater();
                if (error)
                    return fail(error->message);
                if (models.isEmpty())
                    return fail(QStringLiteral("the endpoint lists no models; pass --model"));
                m_session.setModel(models.first());
                send();
            });
    fetcher->start();
}

bool AskRun::chooseParameters()
{
    const bool continuing = m_options.continueLast || !m_options.conversation.isEmpty();
    QString preset = m_session.presetName();
    RequestParameters base = m_session.parameters();
    PresetStore presets;
    if (!m_options.preset.isEmpty()) {
        const std::optional<ParameterPreset> named = presets.find(m_options.preset);
        if (!named) {
            fail(QStringLiteral("no preset \"%1\"").arg(m_options.preset), 2);
            return false;
        }
        preset = named->name;
        base = named->parameters;
    } else if (!continuing) {
        if (const auto fallback = presets.defaultFor(m_session.profileName(), m_session.model())) {
            preset = fallback->name;
            base = fallback->parameters;
        }
    }
    const RequestParameters chosen = base.overriddenBy(m_options.parameters);
    const bool changed = chosen != m_session.parameters() || preset != m_session.presetName();
    m_session.setParameters(preset, chosen);
    // A continued conversation goes on with what this answer was asked with.
    if (changed && continuing && m_history) {
        QString error;
        if (!m_history->setParameters(m_session.conversationId(), preset, chosen, &error))
            writeErr(QStringLiteral("warning: the conversation's new parameters were not "
                                    "saved: %1\n")
                         .arg(error));
    }
    return true;
}

void AskRun::send()
{
    if (!chooseParameters())
        return;
    m_session.setNextPrediction(m_options.prediction);
    if (!m_session.send(m_options.prompt))
        fail(QStringLiteral("the prompt could not be sent"));
}

void AskRun::onEntryAppended(int, const QString& content, const QString& reasoning)
{
    if (m_options.json)
        return;
    if (!reasoning.isEmpty() && m_options.showReasoning) {
        holdFor(Stream::Err);
        m_reasoningText.feed(reasoning, m_pending);
    }
    if (!content.isEmpty()) {
        holdFor(Stream::Out);
        m_contentText.feed(content, m_pending);
    }
}

void AskRun::holdFor(Stream stream)
{
    if (m_pendingStream != stream) {
        flushOutput();
        m_pendingStream = stream;
    }
    // A posted call runs as soon as the event loop is back from the read that delivered this
    // delta, so a slow stream still shows every delta when it arrives.
    if (!std::exchange(m_flushQueued, true))
        QMetaObject::invokeMethod(
            this,
            [this] {
                m_flushQueued = false;
                flushOutput();
            },
            Qt::QueuedConnection);
}

void AskRun::flushOutput()
{
    if (m_pending.isEmpty())
        return;
    if (m_pendingStream == Stream::Out) {
        m_lastChar = m_pending.back();
        writeOut(m_pending.toUtf8()); // already safe
    } else {
        writeErr(m_pending);
    }
    m_pending.resize(0); // keeps the capacity for the next read
}

void AskRun::onRequestCompleted(const RequestTrace& trace, const RequestMetrics& metrics,
                                const QString& requestUid)
{
    flushOutput(); // what arrived is shown before anything else happens
    QString metricsError;
    const RequestFinisher finisher(
        [&metricsError](const MetricsRecord& record) { metricsError = recordMetrics(record); },
        [this](const QString& profile) {
            // Remembered, so the next request does not pay for the rejected one; only for a
            // profile named on the command line, not the demo or a bare URL.
            if (m_options.profile.isEmpty())
                return;
            ProfileStore profiles;
            if (profiles.contains(profile))
                profiles.setSendStreamOptions(profile, false);
        });
    finisher.finishAnswer(m_session, m_recorder.get(), trace, metrics, requestUid);
    // The answer is saved when the last write (the finisher's flush) and what failed before
    // went in; a history that could not even be opened saved nothing.
    const bool saved = m_recorder ? writeUnsaved() : !m_options.save;

    if (m_options.json) {
        QJsonObject json = traceToJson(trace, metrics);
        if (m_recorder && saved)
            json.insert(QStringLiteral("conversation_id"), m_session.conversationId());
        writeOut(QJsonDocument(json).toJson(QJsonDocument::Compact) + '\n'); // exact
    } else {
        if (const QString rest = m_contentText.finish(); !rest.isEmpty()) {
            writeOut(rest);
            m_lastChar = rest.back();
        }
        if (const QString rest = m_reasoningText.finish(); !rest.isEmpty())
            writeErr(rest);
        for (const ToolCall& call : trace.toolCalls)
            writeOut(QStringLiteral("\n[tool call %1(%2)]").arg(call.name, call.arguments));
        if (!m_lastChar.isNull() && m_lastChar != QLatin1Char('\n'))
            writeOut(QStringLiteral("\n"));
        if (trace.error)
            writeErr(QStringLiteral("error (%1): %2\n")
                         .arg(trace.error->kindName(), trace.error->message));
    }
    // Once, whatever failed how often; the exit status stays the answer's own.
    if (!saved)
        writeErr(QStringLiteral("warning: the answer was not saved%1: %2\n")
                     .arg(metricsError.isEmpty() ? QString()
                                                 : QStringLiteral(" and its metrics not recorded"),
                          m_saveError));
    else if (!metricsError.isEmpty())
        writeErr(QStringLiteral("warning: metrics not recorded: %1\n").arg(metricsError));
    QCoreApplication::exit(trace.error ? 1 : 0);
}

} // namespace adminchat
