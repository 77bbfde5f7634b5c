#include "store/DatabaseSchema.h"

namespace adminchat {

const std::vector<QStringList>& DatabaseSchema::steps()
{
    // started_utc is the readable, sortable twin of started_ms (ISO 8601, UTC, milliseconds,
    // 'Z'); queries use started_ms. Times elsewhere are milliseconds since the epoch, UTC.
    static const std::vector<QStringList> steps = {
        // 1: request metrics.
        {
            QStringLiteral(R"(CREATE TABLE requests (
    id INTEGER PRIMARY KEY,
    started_utc TEXT, started_ms INTEGER,
    endpoint TEXT NOT NULL DEFAULT '', profile TEXT NOT NULL DEFAULT '',
    model TEXT NOT NULL DEFAULT '', variant TEXT NOT NULL DEFAULT '',
    tag TEXT NOT NULL DEFAULT '', streamed INTEGER NOT NULL DEFAULT 1,
    status TEXT NOT NULL DEFAULT '', http_status INTEGER NOT NULL DEFAULT 0,
    error_kind TEXT NOT NULL DEFAULT '',
    ttft_ms REAL, ttfat_ms REAL, e2e_ms REAL, mean_itl_ms REAL,
    itl_p50_ms REAL, itl_p95_ms REAL, itl_max_ms REAL, tpot_ms REAL,
    output_tokens INTEGER NOT NULL DEFAULT 0,
    output_tokens_estimated INTEGER NOT NULL DEFAULT 1,
    prompt_tokens INTEGER, tokens_per_s REAL,
    retries INTEGER NOT NULL DEFAULT 0,
    category TEXT NOT NULL DEFAULT '',
    rating INTEGER CHECK (rating IN (-1, 1)),
    prompt_hash TEXT NOT NULL DEFAULT '', prompt_chars INTEGER NOT NULL DEFAULT 0,
    itl_sketch BLOB))"),
            QStringLiteral("CREATE INDEX requests_started_ms ON requests (started_ms)"),
            QStringLiteral("CREATE INDEX requests_labels ON requests (endpoint, model, variant)"),
        },
        // 2: conversations and their messages; a message links to its request's metrics by
        // request_uid (both sides know it before either row is written).
        {
            QStringLiteral("ALTER TABLE requests ADD COLUMN request_uid TEXT NOT NULL DEFAULT ''"),
            QStringLiteral(
                "CREATE INDEX requests_uid ON requests (request_uid) WHERE request_uid <> ''"),
            QStringLiteral(R"(CREATE TABLE conversations (
    id TEXT PRIMARY KEY,
    title TEXT NOT NULL DEFAULT '', title_edited INTEGER NOT NULL DEFAULT 0,
    created_ms INTEGER NOT NULL, updated_ms INTEGER NOT NULL,
    profile TEXT NOT NULL DEFAULT '', model TEXT NOT NULL DEFAULT '',
    variant TEXT NOT NULL DEFAULT '',
    deleted_ms INTEGER))"),
            QStringLiteral("CREATE INDEX conversations_updated ON conversations (updated_ms)"),
            QStringLiteral(R"(CREATE TABLE messages (
    conversation_id TEXT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
    seq INTEGER NOT NULL,
    role TEXT NOT NULL,
    content TEXT NOT NULL DEFAULT '', reasoning TEXT NOT NULL DEFAULT '',
    tool_calls TEXT NOT NULL DEFAULT '',
    model TEXT NOT NULL DEFAULT '', endpoint TEXT NOT NULL DEFAULT '',
    created_ms INTEGER NOT NULL,
    status TEXT NOT NULL DEFAULT 'done',
    error TEXT NOT NULL DEFAULT '', error_kind TEXT NOT NULL DEFAULT '',
    request_uid TEXT NOT NULL DEFAULT '',
    rating INTEGER CHECK (rating IN (-1, 1)),
    PRIMARY KEY (conversation_id, seq)))"),
        },
        // 3: A/B experiments name the experiment beside the variant; benchmark runs are
        // looked up by tag.
        {
            QStringLiteral("ALTER TABLE requests ADD COLUMN experiment TEXT NOT NULL DEFAULT ''"),
            QStringLiteral(
                "CREATE INDEX requests_experiment ON requests (experiment) WHERE experiment <> ''"),
            QStringLiteral("CREATE INDEX requests_tag ON requests (tag) WHERE tag <> ''"),
            QStringLiteral(
                "ALTER TABLE conversations ADD COLUMN experiment TEXT NOT NULL DEFAULT ''"),
            // An answer's own labels: with per-request assignment they differ within a
            // conversation, and answers after the experiment stopped have none.
            QStringLiteral("ALTER TABLE messages ADD COLUMN experiment TEXT NOT NULL DEFAULT ''"),
            QStringLiteral("ALTER TABLE messages ADD COLUMN variant TEXT NOT NULL DEFAULT ''"),
        },
        // 4: Predicted Outputs and the window's display lag.
        {
            QStringLiteral("ALTER TABLE requests ADD COLUMN accepted_prediction_tokens INTEGER"),
            QStringLiteral("ALTER TABLE requests ADD COLUMN rejected_prediction_tokens INTEGER"),
            QStringLiteral("ALTER TABLE requests ADD COLUMN display_lag_p95_ms REAL"),
        },
        // 5: endpoint identity (EndpointIdentity). Older records get the id their profile has
        // until it is saved again: the Demo endpoint is one whatever port it had, a saved
        // profile is known by its name, the Environment profile by its URL.
        {
            QStringLiteral("ALTER TABLE requests ADD COLUMN endpoint_id TEXT NOT NULL DEFAULT ''"),
            QStringLiteral(R"(UPDATE requests SET endpoint_id = CASE
    WHEN profile = 'Demo' THEN 'demo'
    WHEN profile = 'Environment' THEN 'env:' || rtrim(endpoint, '/')
    WHEN profile <> '' THEN 'name:' || profile
    ELSE '' END)"),
            QStringLiteral("CREATE INDEX requests_endpoint_id ON requests (endpoint_id)"),
        },
        // 6: rollups (RollupStore): one RollupCell per minute, hour and day bucket and group,
        // written in the same transaction as the rows.
        {
            QStringLiteral(R"(CREATE TABLE rollups (
    resolution_ms INTEGER NOT NULL, bucket_ms INTEGER NOT NULL,
    endpoint_key TEXT NOT NULL, model TEXT NOT NULL, variant TEXT NOT NULL,
    experiment TEXT NOT NULL, tag TEXT NOT NULL,
    endpoint_id TEXT NOT NULL, endpoint TEXT NOT NULL, profile TEXT NOT NULL,
    newest_ms INTEGER NOT NULL,
    cell BLOB NOT NULL,
    PRIMARY KEY (resolution_ms, bucket_ms, endpoint_key, model, variant, experiment, tag))
    WITHOUT ROWID)"),
            // Rows stored before this step are folded in later, in slices
            // (MetricsStore::buildRollups); rows inserted after it are folded as they come.
            QStringLiteral(R"(CREATE TABLE rollup_state (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    built_through_id INTEGER NOT NULL, build_until_id INTEGER NOT NULL))"),
            QStringLiteral(
                "INSERT INTO rollup_state SELECT 1, 0, coalesce(max(id), 0) FROM requests"),
        },
        // 7: a conversation's request parameters and preset; an answer's own figures and
        // finish_reason, since the request rows they were read from are pruned after the
        // retention period. Answers saved before get them from the rows still kept.
        {
            QStringLiteral("ALTER TABLE conversations ADD COLUMN preset TEXT NOT NULL DEFAULT ''"),
            QStringLiteral(
                "ALTER TABLE conversations ADD COLUMN parameters TEXT NOT NULL DEFAULT ''"),
            QStringLiteral("ALTER TABLE messages ADD COLUMN ttft_ms REAL"),
            QStringLiteral("ALTER TABLE messages ADD COLUMN tokens_per_s REAL"),
            QStringLiteral("ALTER TABLE messages ADD COLUMN e2e_ms REAL"),
            QStringLiteral("ALTER TABLE messages ADD COLUMN category TEXT NOT NULL DEFAULT ''"),
            QStringLiteral(
                "ALTER TABLE messages ADD COLUMN finish_reason TEXT NOT NULL DEFAULT ''"),
            // One join (UPDATE ... FROM, SQLite 3.33), the uid test repeated for requests so
            // that its partial index requests_uid serves it: without that, every answer scanned
            // every row, minutes for 20,000 answers.
            QStringLiteral(R"(UPDATE messages SET
    ttft_ms = r.ttft_ms, tokens_per_s = r.tokens_per_s, e2e_ms = r.e2e_ms, category = r.category,
    finish_reason = CASE WHEN r.status IN ('length', 'content_filter', 'tool_calls')
                         THEN r.status ELSE '' END
FROM requests r
WHERE messages.role = 'assistant' AND messages.request_uid <> ''
    AND r.request_uid = messages.request_uid AND r.request_uid <> '')"),
        },
        // 8: week buckets. Records stored from here on are folded into them as they come; the
        // weeks of the day buckets already stored, [weeks_built_ms, weeks_until_ms), are
        // written from those, in slices (RollupStore::buildWeeks), before readers use weeks.
        {
            QStringLiteral("ALTER TABLE rollup_state ADD COLUMN weeks_built_ms INTEGER NOT NULL "
                           "DEFAULT 0"),
            QStringLiteral("ALTER TABLE rollup_state ADD COLUMN weeks_until_ms INTEGER NOT NULL "
                           "DEFAULT 0"),
            QStringLiteral(R"(UPDATE rollup_state SET
    weeks_built_ms = coalesce((SELECT min(bucket_ms) FROM rollups WHERE resolution_ms = 86400000), 0),
    weeks_until_ms = coalesce((SELECT max(bucket_ms) FROM rollups WHERE resolution_ms = 86400000)
                              + 86400000, 0))"),
        },
        // 9: the endpoint watch (core/watch): each watched endpoint and model's status and probe
        // tokens of the day, and its incidents (a status other than up, from its first failing
        // probe to the probe that ended it; ended_ms NULL while open), with their evidence as
        // JSON. Uptime reads the incidents of a window by the index, never the requests.
        {
            QStringLiteral(R"(CREATE TABLE watch_targets (
    endpoint_id TEXT NOT NULL, model TEXT NOT NULL, profile TEXT NOT NULL,
    status TEXT NOT NULL, cause TEXT NOT NULL, since_ms INTEGER NOT NULL,
    first_probe_ms INTEGER NOT NULL, last_probe_ms INTEGER NOT NULL,
    fingerprint TEXT NOT NULL, budget_day INTEGER NOT NULL, budget_tokens INTEGER NOT NULL,
    PRIMARY KEY (endpoint_id, model)) WITHOUT ROWID)"),
            QStringLiteral(R"(CREATE TABLE incidents (
    id INTEGER PRIMARY KEY, endpoint_id TEXT NOT NULL, model TEXT NOT NULL,
    profile TEXT NOT NULL, status TEXT NOT NULL, cause TEXT NOT NULL,
    started_ms INTEGER NOT NULL, ended_ms INTEGER, evidence TEXT NOT NULL))"),
            QStringLiteral(
                "CREATE INDEX incidents_target ON incidents (endpoint_id, model, started_ms)"),
        },
        // 10: the model a request asked for, beside the one the server named (`model`): the
        // telemetry's gen_ai.request.model and gen_ai.response.model. Older rows have '' (the
        // two are then not told apart).
        {
            QStringLiteral(
                "ALTER TABLE requests ADD COLUMN requested_model TEXT NOT NULL DEFAULT ''"),
        },
    };
    return steps;
}

} // namespace adminchat
