#pragma once

#include "openai/ChatRequest.h"

#include <QJsonObject>
#include <QString>
#include <QStringList>
#include <optional>

namespace adminchat {

// What a person may set for the answers of a conversation: the system prompt and the sampling
// parameters. Every field is optional; one left unset is not sent at all, so the server's
// default applies. Kept with the conversation, in presets and in exports as JSON with the
// request body's names (system, temperature, top_p, max_tokens, stop, seed, reasoning_effort).
struct RequestParameters
{
    QString system;
    std::optional<double> temperature; // 0..2
    std::optional<double> topP;        // 0..1
    std::optional<int> maxTokens;      // >= 1
    QStringList stop;                  // stop sequences, none empty
    std::optional<qint64> seed;
    QString reasoningEffort; // one of reasoningEfforts(), for models that take it

    static QStringList reasoningEfforts(); // "none", "minimal", "low", "medium", "high", "xhigh"

    bool isEmpty() const;
    // The first invalid field, as one line naming it ("temperature needs a number from 0 to 2,
    // got 3"); empty when every set field is valid.
    QString validationError() const;

    // These values with every field other sets put in its place (a preset under command-line
    // options, a conversation's parameters under a variant's).
    RequestParameters overriddenBy(const RequestParameters& other) const;
    // Puts the set sampling fields into request; the system prompt goes into the messages,
    // which the caller builds.
    void applyTo(ChatRequest& request) const;

    // Only the set fields. fromJson() takes what toJson() gave; a field of the wrong type or out
    // of range makes it fail with *error naming the field.
    QJsonObject toJson() const;
    static std::optional<RequestParameters> fromJson(const QJsonObject& json,
                                                     QString* error = nullptr);
    // Compact text for a database column: empty for no parameters.
    QString toText() const;
    static RequestParameters fromText(const QString& text); // invalid text gives none

    // One line for a header or a transcript: "temp 0.7 · top_p 0.9 · max 1024 · stop 2 ·
    // seed 7 · effort low · system prompt"; empty when nothing is set.
    QString summary() const;

    // Parsing typed text (command line, editor): the value, or nullopt and a one-line *error
    // that starts with field ("--temperature needs a number from 0 to 2, got \"3\"").
    static std::optional<double> parseTemperature(const QString& text, const QString& field,
                                                  QString* error);
    static std::optional<double> parseTopP(const QString& text, const QString& field,
                                           QString* error);
    static std::optional<int> parseMaxTokens(const QString& text, const QString& field,
                                             QString* error);
    static std::optional<qint64> parseSeed(const QString& text, const QString& field,
                                           QString* error);
    static std::optional<QString> parseReasoningEffort(const QString& text, const QString& field,
                                                       QString* error);

    bool operator==(const RequestParameters&) const = default;
};

} // namespace adminchat
