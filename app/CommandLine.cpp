#include "CommandLine.h"

#include <QCommandLineParser>
#include <cstdio>

namespace adminchat {

namespace {

void write(FILE* stream, const QByteArray& bytes)
{
    std::fwrite(bytes.constData(), 1, std::size_t(bytes.size()), stream);
    std::fflush(stream);
}

} // namespace

void writeOut(const QString& text)
{
    write(stdout, text.toUtf8());
}

void writeOut(const QByteArray& bytes)
{
    write(stdout, bytes);
}

void writeErr(const QString& text)
{
    write(stderr, text.toUtf8());
}

bool secondsOption(const QCommandLineParser& parser, const QString& name, std::optional<int>& ms,
                   QString* error)
{
    if (!parser.isSet(name))
        return true;
    bool ok = false;
    const double seconds = parser.value(name).toDouble(&ok);
    if (!ok || seconds < 0 || seconds > 24 * 3600) {
        *error = QStringLiteral("--%1 needs a number of seconds, got \"%2\"")
                     .arg(name, parser.value(name));
        return false;
    }
    ms = int(seconds * 1000);
    return true;
}

} // namespace adminchat
