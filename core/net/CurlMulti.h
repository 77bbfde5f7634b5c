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
// sockets it waits for and we watch them, curl asks for a timeout and a QTimer gives it. Nothing
// blocks and no thread is started; every transfer of the multi shares its connection cache, so a
// request finds the connection an earlier one (or Preconnector) left.
//
// On Linux the sockets sit in one epoll set, and only that set is in the event loop: with a
// notifier per socket, every pass of the loop polls all of them (a thousand streams made that
// the client's largest cost), and each ready socket is a signal of its own. A pass hands curl
// every ready socket in turn. Elsewhere each socket has its QSocketNotifiers.
//
// Arrival times: readyNs() is when the socket curl is reading was seen readable (the clock is
// read as epoll_wait returns, before any of the pass's sockets is handled), so the bytes of a
// socket handled late in a busy pass are not timed late by the work done for the others.
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
    // On the monotonic clock of QDeadlineTimer (ns): when the socket being handled was seen
    // readable. Meant for curl's callbacks, which run only while a socket is handled.
    qint64 readyNs() const { return m_readyNs; }

private:
    struct Watch
    {
        QSocketNotifier* read = nullptr;
        QSocketNotifier* write = nullptr;
    };

    static int onSocket(void* easy, int socket, int what, void* self, void* socketData);
    static int onTimer(void* multi, long timeoutMs, void* self);
    void watch(int socket, int what);
    void watchWithNotifiers(int socket, int what);
    void onEpollReady();
    void socketAction(int socket, int eventMask);
    void act(int socket, int eventMask);
    void finishDone();
    void runPending();

    void* m_multi;
    QTimer m_timer;
    QHash<int, Watch> m_watches; // without epoll
    bool m_epollTried = false;   // the set is made by the first watch(), in curl's thread
    int m_epoll = -1;
    QSocketNotifier* m_epollNotifier = nullptr;
    QSet<int> m_epollSockets;
    qint64 m_readyNs = 0;
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
