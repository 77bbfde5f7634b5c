#pragma once

#include <QElapsedTimer>
#include <QPlainTextEdit>

namespace adminchat {

// The message box: Enter sends, Shift+Enter starts a new line. Says when the user starts
// typing after a pause, so the connection can be opened while the message is written.
class ComposerEdit : public QPlainTextEdit
{
    Q_OBJECT
public:
    // A pause this long makes the next keystroke a new start of typing.
    static constexpr int typingPauseMs = 3000;

    explicit ComposerEdit(QWidget* parent = nullptr);
    QSize sizeHint() const override;

signals:
    void submitted();
    void typingStarted(); // first text keystroke after at least typingPauseMs without one

protected:
    void keyPressEvent(QKeyEvent* event) override;

private:
    QElapsedTimer m_lastKeystroke;
};

} // namespace adminchat
