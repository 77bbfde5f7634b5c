#pragma once

#include <QByteArray>
#include <QString>
#include <optional>

class QCommandLineParser;

namespace adminchat {

// What the headless commands share: unbuffered output (a streamed answer must show as it
// arrives, and a killed process must have printed what it said it printed) and option parsing.

// Text for people: made safe for a terminal first (TerminalText: no escape sequence a server
// sent reaches the terminal, whether stdout is one or a pipe).
void writeOut(const QString& text);
void writeErr(const QString& text);
// Data for programs (JSON, CSV, exports), written exactly as given.
void writeOut(const QByteArray& bytes);

// Log messages (Qt's qDebug/qInfo/qWarning of every category) go to stderr through writeErr, as
// they may quote what a server sent.
void installTerminalSafeMessageHandler();

// "--name S" seconds into milliseconds; ms is left alone when the option is absent. False with
// a one-line *error for anything but 0..86400 seconds.
bool secondsOption(const QCommandLineParser& parser, const QString& name, std::optional<int>& ms,
                   QString* error);

// "--name N" as an integer in [min, max], or a number in [min, max] (finite); value is left
// alone when the option is absent. False with a one-line *error naming the option.
bool integerOption(const QCommandLineParser& parser, const QString& name, qint64 min, qint64 max,
                   std::optional<qint64>& value, QString* error);
bool numberOption(const QCommandLineParser& parser, const QString& name, double min, double max,
                  std::optional<double>& value, QString* error);

} // namespace adminchat
