#pragma once

#include <QHash>
#include <QList>
#include <QObject>
#include <QSet>
#include <QTimer>

class QSocketNotifier;

namespace adminchat {

class CurlTransfer;
class Preconnector;

// One libcurl multi handle driven by the event loop of the thread it lives in: curl names the
// sockets it waits for and we watch them with QSocketNotifiers, curl asks for a timeout and a
// QTimer gives it. Nothing blocks and no thread is started; every transfer of the multi shares
// its connection cache, so a request finds the connection an earlier one (or Preconnector) left.
//
// Back-pressure: curl reads a socket only when we hand it the socket's readiness, and hands the
// bytes to the transfer's callback, which decodes them before returning. A server that sends
// faster than the client decodes waits on TCP; nothing piles up in the client.
//
// curl refuses adding or removing handles from inside its own callbacks; add() and remove()
// called then are done as soon as curl returns, in the order asked.
class CurlMulti : public QObject
{
    Q_OBJECT
public:
    explicit CurlMulti(QObject* parent = nullptr);
    ~CurlMulti() override;

    void add(CurlTransfer* transfer);
    void remove(CurlTransfer* transfer);
    Preconnector* preconnector() const { return m_preconnector; }

private:
    struct Watch
    {
        QSocketNotifier* read = nullptr;
        QSocketNotifier* write = nullptr;
    };

    static int onSocket(void* easy, int socket, int what, void* self, void* socketData);
    static int onTimer(void* multi, long timeoutMs, void* self);
    void watch(int socket, int what);
    void act(int socket, int eventMask);
    void finishDone();
    void runPending();

    void* m_multi;
    QTimer m_timer;
    QHash<int, Watch> m_watches;
    bool m_inCurl = false;
    struct Pending
    {
        CurlTransfer* transfer;
        bool add;
    };
    QList<Pending> m_pending;
    QSet<CurlTransfer*> m_transfers; // added to the multi handle
    Preconnector* m_preconnector;
};

} // namespace adminchat
