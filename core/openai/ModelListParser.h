#pragma once

#include <QByteArrayView>
#include <QString>
#include <QStringList>

namespace adminchat {

// Parses GET {base}/models: {"object": "list", "data": [{"id": ...}, ...]}. Also accepts a bare
// array and llama.cpp's {"models": [{"name"|"model"|"id"}]}. Returns the ids in server order;
// on unreadable input returns an empty list and sets *error to one line.
class ModelListParser
{
public:
    static QStringList parse(QByteArrayView body, QString* error = nullptr);
};

} // namespace adminchat
