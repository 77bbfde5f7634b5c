#include "ComposerEdit.h"

#include <QKeyEvent>

namespace adminchat {

ComposerEdit::ComposerEdit(QWidget* parent) : QPlainTextEdit(parent)
{
    setObjectName(QStringLiteral("composer"));
    setPlaceholderText(tr("Message (Enter to send, Shift+Enter for a new line)"));
    setTabChangesFocus(true);
}

QSize ComposerEdit::sizeHint() const
{
    const int lines = 3;
    return {QPlainTextEdit::sizeHint().width(),
            fontMetrics().lineSpacing() * lines + 2 * frameWidth() + 8};
}

void ComposerEdit::keyPressEvent(QKeyEvent* event)
{
    const bool enter = event->key() == Qt::Key_Return || event->key() == Qt::Key_Enter;
    if (!enter && !event->text().isEmpty() && event->text().at(0).isPrint()) {
        if (!m_lastKeystroke.isValid() || m_lastKeystroke.hasExpired(typingPauseMs))
            emit typingStarted();
        m_lastKeystroke.start();
    }
    if (enter && !(event->modifiers() & Qt::ShiftModifier)) {
        emit submitted();
        event->accept();
        return;
    }
    QPlainTextEdit::keyPressEvent(event);
}

} // namespace adminchat
