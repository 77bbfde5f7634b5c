#pragma once

#include <QByteArray>
#include <QList>
#include <QString>
#include <optional>

namespace adminchat {

// What one assignment covers: every request of a conversation gets the same variant, or each
// request is assigned on its own.
enum class ExperimentUnit
{
    Conversation,
    Request
};

// Request parameters a variant overrides; unset values keep the caller's.
struct ExperimentParams
{
    std::optional<double> temperature; // 0..2
    std::optional<int> maxTokens;      // > 0
    QString system;                    // system prompt; empty: none

    bool isEmpty() const { return !temperature && !maxTokens && system.isEmpty(); }
    friend bool operator==(const ExperimentParams&, const ExperimentParams&) = default;
};

struct ExperimentVariant
{
    QString name;
    double weight = 0; // relative share of units; 0 keeps the variant out of new assignments
    QString profile;   // endpoint profile; empty: the caller's default
    QString model;     // empty: the profile's default
    ExperimentParams params;

    friend bool operator==(const ExperimentVariant&, const ExperimentVariant&) = default;
};

// An A/B experiment as written in an experiment file:
//   {"name": "...", "unit": "conversation" | "request",
//    "variants": [{"name": "A", "weight": 50, "profile": "...", "model": "...",
//                  "params": {"temperature": 0.2, "max_tokens": 256, "system": "..."}}, ...]}
// name, at least two variants with unique names and weights >= 0 (total > 0) are required;
// unit defaults to "conversation". Unknown keys are errors so that typos do not go unnoticed.
struct ExperimentDefinition
{
    QString name;
    ExperimentUnit unit = ExperimentUnit::Conversation;
    QList<ExperimentVariant> variants;

    // On failure std::nullopt and a one-line *error naming what was wrong, e.g.
    // "variants[1].weight must be a number >= 0".
    static std::optional<ExperimentDefinition> fromJson(const QByteArray& json, QString* error);
    // As fromJson; the error starts with the file's path.
    static std::optional<ExperimentDefinition> fromFile(const QString& path, QString* error);
    // Indented JSON that fromJson reads back to an equal definition; absent values are omitted.
    QByteArray toJson() const;

    int indexOf(const QString& variantName) const; // -1 when absent
    double totalWeight() const;

    static QString unitName(ExperimentUnit unit); // "conversation", "request"
    static std::optional<ExperimentUnit> unitFromName(const QString& name);

    friend bool operator==(const ExperimentDefinition&, const ExperimentDefinition&) = default;
};

} // namespace adminchat
