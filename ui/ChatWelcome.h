#pragma once

#include <QWidget>

class QLabel;
class QPushButton;

namespace adminchat {

// What an empty conversation shows: what the built-in simulated endpoint is, a way to add a real
// one, and the main shortcuts. A real widget (not painted) so its button is in the Tab order and
// visible to assistive technology.
class ChatWelcome : public QWidget
{
    Q_OBJECT
public:
    explicit ChatWelcome(QWidget* parent = nullptr);

    QPushButton* addEndpointButton() const { return m_addEndpoint; }
    QString text() const; // everything it says, for tests and copying

signals:
    void addEndpointRequested();

private:
    QLabel* m_title;
    QLabel* m_body;
    QLabel* m_shortcuts;
    QPushButton* m_addEndpoint;
};

} // namespace adminchat
