#include "CommandLine.h"

#include <QCommandLineParser>
#include <cmath>
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

bool integerOption(const QCommandLineParser& parser, const QString& name, qint64 min, qint64 max,
                   std::optional<qint64>& value, QString* error)
{
    if (!parser.isSet(name))
        return true;
    bool ok = false;
    const qint64 parsed = parser.value(name).toLongLong(&ok);
    if (!ok || parsed < min || parsed > max) {
        *error = QStringLiteral("--%1 needs an integer from %2 to %3, got \"%4\"")
                     .arg(name)
                     .arg(min)
                     .arg(max)
                     .arg(parser.value(name));
        return false;
    }
    value = parsed;
    return true;
}

bool numberOption(const QCommandLineParser& parser, const QString& name, double min, double max,
                  std::optional<double>& value, QString* error)
{
    if (!parser.isSet(name))
        return true;
    bool ok = false;
    const double parsed = parser.value(name).toDouble(&ok);
    if (!ok || !std::isfinite(parsed) || parsed < min || parsed > max) {
        *error = QStringLiteral("--%1 needs a number from %2 to %3, got \"%4\"")
                     .arg(name)
                     .arg(min)
                     .arg(max)
                     .arg(parser.value(name));
        return false;
    }
    value = parsed;
    return true;
}

} // namespace adminchat
