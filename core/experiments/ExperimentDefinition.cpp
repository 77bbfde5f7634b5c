#include "experiments/ExperimentDefinition.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSet>
#include <cmath>
#include <limits>

namespace adminchat {

namespace {

// Experiment files are a few hundred bytes; the cap keeps a wrong path from loading a huge file.
constexpr qint64 maxFileBytes = 1024 * 1024;

const QStringList rootKeys{QStringLiteral("name"), QStringLiteral("unit"),
                           QStringLiteral("variants")};
const QStringList variantKeys{QStringLiteral("name"), QStringLiteral("weight"),
                              QStringLiteral("profile"), QStringLiteral("model"),
                              QStringLiteral("params")};
const QStringList paramKeys{QStringLiteral("temperature"), QStringLiteral("max_tokens"),
                            QStringLiteral("system")};

bool fail(QString* error, const QString& message)
{
    if (error)
        *error = message;
    return false;
}

QString member(const QString& path, const QString& key)
{
    return path.isEmpty() ? key : path + QLatin1Char('.') + key;
}

// A key or name quoted in an error, with control characters and line breaks escaped: errors are
// one line, and a key such as "a\nb" must not break it.
QString quoted(const QString& text)
{
    QString out = QStringLiteral("\"");
    for (const QChar c : text) {
        if (c == u'\n')
            out += QStringLiteral("\\n");
        else if (c == u'\r')
            out += QStringLiteral("\\r");
        else if (c == u'\t')
            out += QStringLiteral("\\t");
        else if (c.category() == QChar::Other_Control || c == QChar::LineSeparator ||
                 c == QChar::ParagraphSeparator)
            out += QStringLiteral("\\u%1").arg(c.unicode(), 4, 16, QLatin1Char('0'));
        else
            out += c;
    }
    return out + QLatin1Char('"');
}

// Rejects keys outside allowed: a misspelt "wieght" would otherwise silently mean weight 0.
bool checkKeys(const QJsonObject& object, const QStringList& allowed, const QString& path,
               QString* error)
{
    for (auto it = object.begin(); it != object.end(); ++it) {
        if (!allowed.contains(it.key())) {
            const QString where =
                path.isEmpty() ? QStringLiteral("at the top level") : QStringLiteral("in ") + path;
            return fail(error,
                        QStringLiteral("unknown key %1 %2 (expected %3)")
                            .arg(quoted(it.key()), where, allowed.join(QStringLiteral(", "))));
        }
    }
    return true;
}

// Optional string member: absent leaves *out untouched.
bool readString(const QJsonObject& object, const QString& key, const QString& path, QString* out,
                QString* error)
{
    const QJsonValue value = object.value(key);
    if (value.isUndefined())
        return true;
    if (!value.isString())
        return fail(error, member(path, key) + QStringLiteral(" must be a string"));
    *out = value.toString();
    return true;
}

bool readParams(const QJsonValue& value, const QString& path, ExperimentParams* params,
                QString* error)
{
    if (!value.isObject())
        return fail(error, path + QStringLiteral(" must be an object"));
    const QJsonObject object = value.toObject();
    if (!checkKeys(object, paramKeys, path, error))
        return false;

    const QJsonValue temperature = object.value(QLatin1String("temperature"));
    if (!temperature.isUndefined()) {
        const double t = temperature.toDouble(-1);
        if (!temperature.isDouble() || !std::isfinite(t) || t < 0 || t > 2)
            return fail(error, path + QStringLiteral(".temperature must be a number from 0 to 2"));
        params->temperature = t;
    }

    const QJsonValue maxTokens = object.value(QLatin1String("max_tokens"));
    if (!maxTokens.isUndefined()) {
        const double n = maxTokens.toDouble(0);
        if (!maxTokens.isDouble() || n < 1 || n > std::numeric_limits<int>::max() ||
            n != std::floor(n))
            return fail(error, path + QStringLiteral(".max_tokens must be a positive integer"));
        params->maxTokens = int(n);
    }

    return readString(object, QStringLiteral("system"), path, &params->system, error);
}

bool readVariant(const QJsonValue& value, const QString& path, ExperimentVariant* variant,
                 QString* error)
{
    if (!value.isObject())
        return fail(error, path + QStringLiteral(" must be an object"));
    const QJsonObject object = value.toObject();
    if (!checkKeys(object, variantKeys, path, error))
        return false;

    const QJsonValue name = object.value(QLatin1String("name"));
    if (!name.isString() || name.toString().trimmed().isEmpty())
        return fail(error, path + QStringLiteral(".name must be a non-empty string"));
    variant->name = name.toString();

    const QJsonValue weight = object.value(QLatin1String("weight"));
    const double w = weight.toDouble(-1);
    if (!weight.isDouble() || !std::isfinite(w) || w < 0)
        return fail(error, path + QStringLiteral(".weight must be a number >= 0"));
    variant->weight = w;

    if (!readString(object, QStringLiteral("profile"), path, &variant->profile, error) ||
        !readString(object, QStringLiteral("model"), path, &variant->model, error))
        return false;

    const QJsonValue params = object.value(QLatin1String("params"));
    if (!params.isUndefined())
        return readParams(params, path + QStringLiteral(".params"), &variant->params, error);
    return true;
}

} // namespace

std::optional<ExperimentDefinition> ExperimentDefinition::fromJson(const QByteArray& json,
                                                                   QString* error)
{
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(json, &parseError);
    if (parseError.error != QJsonParseError::NoError) {
        fail(error, QStringLiteral("JSON syntax error at offset %1: %2")
                        .arg(parseError.offset)
                        .arg(parseError.errorString()));
        return std::nullopt;
    }
    if (!document.isObject()) {
        fail(error, QStringLiteral("the experiment must be a JSON object"));
        return std::nullopt;
    }
    const QJsonObject root = document.object();
    if (!checkKeys(root, rootKeys, {}, error))
        return std::nullopt;

    ExperimentDefinition definition;
    const QJsonValue name = root.value(QLatin1String("name"));
    if (!name.isString() || name.toString().trimmed().isEmpty()) {
        fail(error, QStringLiteral("name must be a non-empty string"));
        return std::nullopt;
    }
    definition.name = name.toString();

    const QJsonValue unit = root.value(QLatin1String("unit"));
    if (!unit.isUndefined()) {
        const auto parsed = unitFromName(unit.toString());
        if (!unit.isString() || !parsed) {
            fail(error, QStringLiteral("unit must be \"conversation\" or \"request\""));
            return std::nullopt;
        }
        definition.unit = *parsed;
    }

    const QJsonValue variants = root.value(QLatin1String("variants"));
    if (!variants.isArray() || variants.toArray().size() < 2) {
        fail(error, QStringLiteral("variants must be an array of at least 2 variants"));
        return std::nullopt;
    }
    const QJsonArray array = variants.toArray();
    QSet<QString> names;
    for (qsizetype i = 0; i < array.size(); ++i) {
        const QString path = QStringLiteral("variants[%1]").arg(i);
        ExperimentVariant variant;
        if (!readVariant(array.at(i), path, &variant, error))
            return std::nullopt;
        if (names.contains(variant.name)) {
            fail(error, QStringLiteral("%1.name %2 is used by an earlier variant")
                            .arg(path, quoted(variant.name)));
            return std::nullopt;
        }
        names.insert(variant.name);
        definition.variants.append(variant);
    }
    const double total = definition.totalWeight();
    if (!(total > 0) || !std::isfinite(total)) {
        fail(error, QStringLiteral("the variants' total weight must be > 0 and finite"));
        return std::nullopt;
    }
    return definition;
}

std::optional<ExperimentDefinition> ExperimentDefinition::fromFile(const QString& path,
                                                                   QString* error)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        fail(error, QStringLiteral("%1: %2").arg(path, file.errorString()));
        return std::nullopt;
    }
    if (file.size() > maxFileBytes) {
        fail(error, QStringLiteral("%1: larger than 1 MiB, not an experiment file").arg(path));
        return std::nullopt;
    }
    QString reason;
    auto definition = fromJson(file.readAll(), &reason);
    if (!definition)
        fail(error, QStringLiteral("%1: %2").arg(path, reason));
    return definition;
}

QByteArray ExperimentDefinition::toJson() const
{
    QJsonArray array;
    for (const ExperimentVariant& variant : variants) {
        QJsonObject object{{QStringLiteral("name"), variant.name},
                           {QStringLiteral("weight"), variant.weight}};
        if (!variant.profile.isEmpty())
            object.insert(QStringLiteral("profile"), variant.profile);
        if (!variant.model.isEmpty())
            object.insert(QStringLiteral("model"), variant.model);
        if (!variant.params.isEmpty()) {
            QJsonObject params;
            if (variant.params.temperature)
                params.insert(QStringLiteral("temperature"), *variant.params.temperature);
            if (variant.params.maxTokens)
                params.insert(QStringLiteral("max_tokens"), *variant.params.maxTokens);
            if (!variant.params.system.isEmpty())
                params.insert(QStringLiteral("system"), variant.params.system);
            object.insert(QStringLiteral("params"), params);
        }
        array.append(object);
    }
    const QJsonObject root{{QStringLiteral("name"), name},
                           {QStringLiteral("unit"), unitName(unit)},
                           {QStringLiteral("variants"), array}};
    return QJsonDocument(root).toJson(QJsonDocument::Indented);
}

int ExperimentDefinition::indexOf(const QString& variantName) const
{
    for (qsizetype i = 0; i < variants.size(); ++i) {
        if (variants.at(i).name == variantName)
            return int(i);
    }
    return -1;
}

double ExperimentDefinition::totalWeight() const
{
    double total = 0;
    for (const ExperimentVariant& variant : variants)
        total += variant.weight;
    return total;
}

QString ExperimentDefinition::unitName(ExperimentUnit unit)
{
    switch (unit) {
    case ExperimentUnit::Conversation:
        return QStringLiteral("conversation");
    case ExperimentUnit::Request:
        return QStringLiteral("request");
    }
    return {};
}

std::optional<ExperimentUnit> ExperimentDefinition::unitFromName(const QString& name)
{
    if (name == QLatin1String("conversation"))
        return ExperimentUnit::Conversation;
    if (name == QLatin1String("request"))
        return ExperimentUnit::Request;
    return std::nullopt;
}

} // namespace adminchat
