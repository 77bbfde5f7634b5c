#pragma once

#include <QString>
#include <QStringView>

namespace adminchat {

// JSON may escape half of a surrogate pair ("\ud800") and QJsonDocument keeps it as it is: a
// QString that is not valid UTF-16, shown as one thing and stored as another (the UTF-8 encoder
// writes '?', SQLite may pair it with the next character). Text from a server goes through
// replaced() first, so that every consumer sees the same valid text.
class LoneSurrogates
{
public:
    // Whether text holds a high surrogate not followed by a low one, or a low one alone.
    static bool found(QStringView text);
    // text with every lone surrogate replaced by U+FFFD; the character after it is kept. Text
    // without one is returned as it is (no copy).
    static QString replaced(QString text);
};

} // namespace adminchat
