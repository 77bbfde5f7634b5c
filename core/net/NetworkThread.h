#pragma once

#include <QObject>
#include <QThread>

namespace adminchat {

class ChatClient;

// The one thread the GUI does its network work on: arrival timestamps are then taken while the
// GUI thread paints. Not a thread per request: every request shares this thread's event loop.
class NetworkThread : public QObject
{
    Q_OBJECT
public:
    explicit NetworkThread(QObject* parent = nullptr);
    ~NetworkThread() override; // cancels what runs and joins the thread

    ChatClient* client() const { return m_client; }

private:
    QThread m_thread;
    ChatClient* m_client;
};

} // namespace adminchat
