#include "chat/RequestFinisher.h"

#include "chat/ChatSession.h"
#include "chat/SessionRecorder.h"
#include "metrics/RequestMetrics.h"
#include "net/RequestTrace.h"

namespace adminchat {

namespace {

MetricsRecord recordFor(const RequestTrace& trace, const RequestMetrics& metrics,
                        const RequestLabels& labels)
{
    MetricsRecord record = MetricsRecord::fromTrace(trace, metrics, labels.profile, labels.variant);
    record.experiment = labels.experiment;
    record.tag = labels.tag;
    record.requestUid = labels.requestUid;
    record.displayLagP95Ms = labels.displayLagP95Ms;
    return record;
}

} // namespace

RequestLabels RequestLabels::forAnswer(const ChatSession& session, const QString& requestUid)
{
    RequestLabels labels;
    labels.profile = session.profileName();
    labels.requestUid = requestUid;
    if (const ChatEntry* entry = session.entryForRequest(requestUid)) {
        if (!entry->profile.isEmpty())
            labels.profile = entry->profile;
        labels.experiment = entry->experiment;
        labels.variant = entry->variant;
    }
    return labels;
}

RequestFinisher::RequestFinisher(RecordSink records, StreamOptionsSink streamOptionsRejected)
    : m_records(std::move(records)), m_streamOptionsRejected(std::move(streamOptionsRejected))
{}

MetricsRecord RequestFinisher::finishAnswer(const ChatSession& session, SessionRecorder* recorder,
                                            const RequestTrace& trace,
                                            const RequestMetrics& metrics,
                                            const QString& requestUid,
                                            std::optional<double> displayLagP95Ms) const
{
    // The answer is in the history before its record exists, so a record never points at a
    // message that was not written.
    if (recorder)
        recorder->flush();
    RequestLabels labels = RequestLabels::forAnswer(session, requestUid);
    labels.displayLagP95Ms = displayLagP95Ms;
    return finish(trace, metrics, labels);
}

MetricsRecord RequestFinisher::finish(const RequestTrace& trace, const RequestMetrics& metrics,
                                      const RequestLabels& labels) const
{
    MetricsRecord record = recordFor(trace, metrics, labels);
    if (m_records)
        m_records(record);
    if (trace.streamOptionsRejected && !labels.profile.isEmpty() && m_streamOptionsRejected)
        m_streamOptionsRejected(labels.profile);
    return record;
}

} // namespace adminchat
