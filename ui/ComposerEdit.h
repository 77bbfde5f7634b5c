#pragma once

#include <QPlainTextEdit>

namespace adminchat {

// The message box: Enter sends, Shift+Enter starts a new line.
class ComposerEdit : public QPlainTextEdit
{
    Q_OBJECT
public:
    explicit ComposerEdit(QWidget* parent = nullptr);
    QSize sizeHint() const override;

signals:
    void submitted();

protected:
    void keyPressEvent(QKeyEvent* event) override;
};

} // namespace adminchat
