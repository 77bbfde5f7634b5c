#include "openai/ModelListParser.h"

#include "openai/LoneSurrogates.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSet>

namespace adminchat {

namespace {

using namespace Qt::StringLiterals;

// "id" is what OpenAI, vLLM and OpenRouter send; "model" is the name llama.cpp and Ollama accept
// in requests; "name" is the last resort (it may be a display name).
QString modelId(const QJsonValue& item)
{
    if (item.isString())
        return LoneSurrogates::replaced(item.toString());
    const QJsonObject object = item.toObject();
    for (const QLatin1StringView key : {"id"_L1, "model"_L1, "name"_L1}) {
        const QString value = LoneSurrogates::replaced(object.value(key).toString());
        if (!value.isEmpty())
            return value;
    }
    return {};
}

void setError(QString* error, const QString& message)
{
    if (error)
        *error = message;
}

} // namespace

QStringList ModelListParser::parse(QByteArrayView body, QString* error)
{
    setError(error, {});

    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(body.toByteArray(), &parseError);
    if (parseError.error != QJsonParseError::NoError) {
        setError(error, u"models list is not valid JSON: "_s + parseError.errorString() +
                            u" at offset "_s + QString::number(parseError.offset));
        return {};
    }

    QJsonArray items;
    if (document.isArray()) {
        items = document.array();
    } else {
        // Recent llama.cpp servers send both "data" and "models"; "data" is the OpenAI form.
        const QJsonObject root = document.object();
        if (root.value("data"_L1).isArray()) {
            items = root.value("data"_L1).toArray();
        } else if (root.value("models"_L1).isArray()) {
            items = root.value("models"_L1).toArray();
        } else {
            setError(error, u"models list has no data array"_s);
            return {};
        }
    }

    QStringList ids;
    QSet<QString> seen; // a model listed twice is offered once
    for (const QJsonValue& item : std::as_const(items)) {
        const QString id = modelId(item);
        if (!id.isEmpty() && !seen.contains(id)) {
            seen.insert(id);
            ids.append(id);
        }
    }
    return ids;
}

} // namespace adminchat
