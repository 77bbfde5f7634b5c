#pragma once

#include "metrics/MetricsRecord.h"

#include <QString>
#include <functional>
#include <optional>

namespace adminchat {

class ChatSession;
class SessionRecorder;
struct RequestMetrics;
struct RequestTrace;

// The labels a request's metrics record carries besides what its trace says.
struct RequestLabels
{
    QString profile;    // the profile the request went to; empty for a bare URL
    QString experiment; // A/B labels, empty outside experiments
    QString variant;
    QString tag;                           // e.g. a benchmark run
    QString requestUid;                    // links a chat answer to its record
    std::optional<double> displayLagP95Ms; // only the window shows text while it streams

    // The labels of a session's answer: the experiment's choice of profile when it made one,
    // else the session's.
    static RequestLabels forAnswer(const ChatSession& session, const QString& requestUid);
};

// What happens when a request ends, the same for the window, `ask` and `bench`: the
// conversation's last write (its recorder's pending text), the metrics record, and a profile
// told to stop sending stream_options when its endpoint rejected them. Where the record and
// the profile change go is its user's: the window queues them onto its service threads, the
// command line writes into the stores directly.
class RequestFinisher
{
public:
    using RecordSink = std::function<void(const MetricsRecord& record)>;
    // Called with the profile's name; never with an empty one (a bare URL has nothing to keep).
    using StreamOptionsSink = std::function<void(const QString& profile)>;

    explicit RequestFinisher(RecordSink records, StreamOptionsSink streamOptionsRejected = {});

    // An answer of a chat session; recorder may be null (not saved).
    MetricsRecord finishAnswer(const ChatSession& session, SessionRecorder* recorder,
                               const RequestTrace& trace, const RequestMetrics& metrics,
                               const QString& requestUid,
                               std::optional<double> displayLagP95Ms = std::nullopt) const;
    // A request without a conversation (a load run).
    MetricsRecord finish(const RequestTrace& trace, const RequestMetrics& metrics,
                         const RequestLabels& labels) const;

private:
    RecordSink m_records;
    StreamOptionsSink m_streamOptionsRejected;
};

} // namespace adminchat
