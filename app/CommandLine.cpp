#include "CommandLine.h"

#include "text/TerminalText.h"

#include <QCommandLineParser>
#include <cmath>
#include <cstdio>
#include <type_traits>

namespace adminchat {

namespace {

void write(FILE* stream, const QByteArray& bytes)
{
    std::fwrite(bytes.constData(), 1, std::size_t(bytes.size()), stream);
    std::fflush(stream);
}

// "--name V" within [min, max]: kind names the values in the error ("an integer", "a number").
template <typename T>
bool rangeOption(const QCommandLineParser& parser, const QString& name, T min, T max,
                 std::optional<T>& value, const char* kind, QString* error)
{
    if (!parser.isSet(name))
        return true;
    const QString text = parser.value(name);
    bool ok = false;
    T parsed;
    if constexpr (std::is_integral_v<T>) {
        parsed = text.toLongLong(&ok);
    } else {
        parsed = text.toDouble(&ok);
        ok = ok && std::isfinite(parsed);
    }
    if (!ok || parsed < min || parsed > max) {
        *error = QStringLiteral("--%1 needs %2 from %3 to %4, got \"%5\"")
                     .arg(name, QLatin1String(kind))
                     .arg(min)
                     .arg(max)
                     .arg(text);
        return false;
    }
    value = parsed;
    return true;
}

} // namespace

void writeOut(const QString& text)
{
    write(stdout, TerminalText::sanitized(text).toUtf8());
}

void writeOut(const QByteArray& bytes)
{
    write(stdout, bytes);
}

void writeErr(const QString& text)
{
    write(stderr, TerminalText::sanitized(text).toUtf8());
}

void installTerminalSafeMessageHandler()
{
    qInstallMessageHandler(
        [](QtMsgType type, const QMessageLogContext& context, const QString& message) {
            writeErr(qFormatLogMessage(type, context, message) + QLatin1Char('\n'));
        });
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
    return rangeOption(parser, name, min, max, value, "an integer", error);
}

bool numberOption(const QCommandLineParser& parser, const QString& name, double min, double max,
                  std::optional<double>& value, QString* error)
{
    return rangeOption(parser, name, min, max, value, "a number", error);
}

} // namespace adminchat
