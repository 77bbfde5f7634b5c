#include "openai/LoneSurrogates.h"

namespace adminchat {

namespace {

// Position of the first lone surrogate at or after from, or -1.
qsizetype firstLone(QStringView text, qsizetype from)
{
    const qsizetype size = text.size();
    for (qsizetype i = from; i < size; ++i) {
        const char16_t c = text[i].unicode();
        if ((c & 0xF800) != 0xD800)
            continue;
        if (QChar::isHighSurrogate(c) && i + 1 < size && text[i + 1].isLowSurrogate()) {
            ++i; // a pair
            continue;
        }
        return i;
    }
    return -1;
}

} // namespace

bool LoneSurrogates::found(QStringView text)
{
    return firstLone(text, 0) >= 0;
}

QString LoneSurrogates::replaced(QString text)
{
    qsizetype at = firstLone(text, 0);
    while (at >= 0) {
        text[at] = QChar::ReplacementCharacter;
        at = firstLone(text, at + 1);
    }
    return text;
}

} // namespace adminchat
