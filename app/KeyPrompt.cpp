#include "KeyPrompt.h"

#include "CommandLine.h"

#include <QFile>
#include <termios.h>
#include <unistd.h>

namespace adminchat {

namespace {

constexpr qsizetype maxKeyBytes = 64 * 1024;

} // namespace

std::optional<QString> readKeyFromStdin(const QString& profile, QString* error)
{
    QFile in;
    if (!in.open(stdin, QIODevice::ReadOnly)) {
        *error = QStringLiteral("cannot read stdin");
        return std::nullopt;
    }
    QByteArray bytes;
    if (isatty(STDIN_FILENO)) {
        writeErr(QStringLiteral("API key for \"%1\" (not shown): ").arg(profile));
        termios saved{};
        const bool terminal = tcgetattr(STDIN_FILENO, &saved) == 0;
        if (terminal) {
            termios quiet = saved;
            quiet.c_lflag &= ~tcflag_t(ECHO);
            tcsetattr(STDIN_FILENO, TCSAFLUSH, &quiet);
        }
        bytes = in.readLine(maxKeyBytes + 1);
        if (terminal)
            tcsetattr(STDIN_FILENO, TCSAFLUSH, &saved);
        writeErr(QStringLiteral("\n"));
    } else {
        bytes = in.read(maxKeyBytes + 1);
    }
    if (bytes.size() > maxKeyBytes) {
        *error = QStringLiteral("the key on stdin is longer than %1 bytes").arg(maxKeyBytes);
        return std::nullopt;
    }
    const QString key = QString::fromUtf8(bytes).trimmed();
    if (key.isEmpty()) {
        *error = QStringLiteral("--api-key-stdin: no key on stdin");
        return std::nullopt;
    }
    for (const QChar c : key) {
        if (c.category() == QChar::Other_Control || c.isSpace()) {
            *error = QStringLiteral("--api-key-stdin: the key on stdin contains spaces, line "
                                    "breaks or control characters");
            return std::nullopt;
        }
    }
    return key;
}

} // namespace adminchat
