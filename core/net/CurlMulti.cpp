#include "net/CurlMulti.h"

#include "net/CurlTransfer.h"
#include "net/NetLog.h"
#include "net/Preconnector.h"

#include <QDeadlineTimer>
#include <QSocketNotifier>
#include <curl/curl.h>
#include <mutex>

#ifdef Q_OS_LINUX
#include <cerrno>
#include <cstring>
#include <sys/epoll.h>
#include <unistd.h>
#endif

namespace adminchat {

namespace {

CURLM* multiOf(void* handle)
{
    return static_cast<CURLM*>(handle);
}

qint64 monotonicNs()
{
    return QDeadlineTimer::current(Qt::PreciseTimer).deadlineNSecs();
}

#ifdef Q_OS_LINUX
// Ready sockets taken per epoll_wait; a fuller set is read again before returning to the loop.
constexpr int kEpollBatch = 256;
constexpr int kEpollRounds = 4;
#endif

// A flag that clears itself, so that every return path leaves m_inCurl as it found it.
class InCurl
{
public:
    explicit InCurl(bool& flag) : m_flag(flag), m_was(flag) { m_flag = true; }
    ~InCurl() { m_flag = m_was; }

private:
    bool& m_flag;
    bool m_was;
};

} // namespace

CurlMulti::CurlMulti(QObject* parent)
    : QObject(parent), m_timer(this), m_preconnector(new Preconnector(this))
{
    static std::once_flag initialised;
    std::call_once(initialised, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
    m_multi = curl_multi_init();
    curl_multi_setopt(multiOf(m_multi), CURLMOPT_SOCKETFUNCTION, &CurlMulti::onSocket);
    curl_multi_setopt(multiOf(m_multi), CURLMOPT_SOCKETDATA, this);
    curl_multi_setopt(multiOf(m_multi), CURLMOPT_TIMERFUNCTION, &CurlMulti::onTimer);
    curl_multi_setopt(multiOf(m_multi), CURLMOPT_TIMERDATA, this);
    m_timer.setSingleShot(true);
    m_timer.setTimerType(Qt::PreciseTimer);
    connect(&m_timer, &QTimer::timeout, this, [this] { act(CURL_SOCKET_TIMEOUT, 0); });
}

CurlMulti::~CurlMulti()
{
    // Transfers still added belong to objects destroyed after us: they end with us.
    for (CurlTransfer* transfer : std::as_const(m_transfers)) {
        curl_multi_remove_handle(multiOf(m_multi), transfer->m_easy);
        transfer->m_multi = nullptr;
    }
    curl_multi_cleanup(multiOf(m_multi)); // closes the sockets it still caches
    for (const Watch& watch : std::as_const(m_watches)) {
        delete watch.read;
        delete watch.write;
    }
    delete m_epollNotifier;
#ifdef Q_OS_LINUX
    if (m_epoll >= 0)
        ::close(m_epoll);
#endif
}

void CurlMulti::add(CurlTransfer* transfer)
{
    if (m_inCurl) {
        m_pending.append({transfer, true});
        return;
    }
    InCurl guard(m_inCurl);
    m_transfers.insert(transfer);
    const CURLMcode code = curl_multi_add_handle(multiOf(m_multi), transfer->m_easy);
    if (code != CURLM_OK)
        qCWarning(lcNet) << "cannot add a transfer:" << curl_multi_strerror(code);
}

void CurlMulti::remove(CurlTransfer* transfer)
{
    for (qsizetype i = m_pending.size() - 1; i >= 0; --i) {
        if (m_pending.at(i).transfer == transfer && m_pending.at(i).add) {
            m_pending.removeAt(i); // never added: nothing to remove
            return;
        }
    }
    if (m_inCurl) {
        m_pending.append({transfer, false});
        return;
    }
    InCurl guard(m_inCurl);
    m_transfers.remove(transfer);
    curl_multi_remove_handle(multiOf(m_multi), transfer->m_easy);
}

int CurlMulti::onSocket(void*, int socket, int what, void* self, void*)
{
    static_cast<CurlMulti*>(self)->watch(socket, what);
    return 0;
}

int CurlMulti::onTimer(void*, long timeoutMs, void* self)
{
    auto* multi = static_cast<CurlMulti*>(self);
    if (timeoutMs < 0)
        multi->m_timer.stop();
    else
        multi->m_timer.start(int(std::min<long>(timeoutMs, 24L * 3600 * 1000)));
    return 0;
}

void CurlMulti::watch(int socket, int what)
{
#ifdef Q_OS_LINUX
    if (!m_epollTried) {
        m_epollTried = true;
        m_epoll = ::epoll_create1(EPOLL_CLOEXEC);
        if (m_epoll >= 0) {
            // Created here, in the thread that runs curl, not where the multi was constructed.
            m_epollNotifier = new QSocketNotifier(m_epoll, QSocketNotifier::Read, this);
            connect(m_epollNotifier, &QSocketNotifier::activated, this, &CurlMulti::onEpollReady);
        } else {
            qCWarning(lcNet) << "epoll unavailable, watching sockets one by one:"
                             << strerror(errno);
        }
    }
    if (m_epoll >= 0) {
        if (what == CURL_POLL_REMOVE) {
            // Fails harmlessly when curl closed the socket first: the set dropped it then.
            ::epoll_ctl(m_epoll, EPOLL_CTL_DEL, socket, nullptr);
            m_epollSockets.remove(socket);
            return;
        }
        epoll_event event{};
        event.events = (what == CURL_POLL_IN || what == CURL_POLL_INOUT ? EPOLLIN : 0u) |
                       (what == CURL_POLL_OUT || what == CURL_POLL_INOUT ? EPOLLOUT : 0u);
        event.data.fd = socket;
        // A closed socket leaves the set by itself and its number may come back: the known
        // state is only a first guess.
        const bool known = m_epollSockets.contains(socket);
        int result = ::epoll_ctl(m_epoll, known ? EPOLL_CTL_MOD : EPOLL_CTL_ADD, socket, &event);
        if (result != 0 && (errno == ENOENT || errno == EEXIST))
            result = ::epoll_ctl(m_epoll, known ? EPOLL_CTL_ADD : EPOLL_CTL_MOD, socket, &event);
        if (result != 0)
            qCWarning(lcNet) << "cannot watch socket" << socket << strerror(errno);
        m_epollSockets.insert(socket);
        return;
    }
#endif
    watchWithNotifiers(socket, what);
}

void CurlMulti::watchWithNotifiers(int socket, int what)
{
    Watch& watch = m_watches[socket];
    const bool wantRead = what == CURL_POLL_IN || what == CURL_POLL_INOUT;
    const bool wantWrite = what == CURL_POLL_OUT || what == CURL_POLL_INOUT;
    auto update = [this, socket](QSocketNotifier*& notifier, bool wanted,
                                 QSocketNotifier::Type type, int mask) {
        if (wanted && !notifier) {
            notifier = new QSocketNotifier(socket, type);
            connect(notifier, &QSocketNotifier::activated, this,
                    [this, socket, mask] { act(socket, mask); });
        }
        if (notifier)
            notifier->setEnabled(wanted);
    };
    update(watch.read, wantRead, QSocketNotifier::Read, CURL_CSELECT_IN);
    update(watch.write, wantWrite, QSocketNotifier::Write, CURL_CSELECT_OUT);
    if (what == CURL_POLL_REMOVE) {
        // Possibly from within the notifier's own signal: delete it once that has returned.
        if (watch.read)
            watch.read->deleteLater();
        if (watch.write)
            watch.write->deleteLater();
        m_watches.remove(socket);
    }
}

void CurlMulti::onEpollReady()
{
#ifdef Q_OS_LINUX
    epoll_event events[kEpollBatch];
    for (int round = 0; round < kEpollRounds; ++round) {
        const int count = ::epoll_wait(m_epoll, events, kEpollBatch, 0);
        // One reading of the clock for the whole pass: every socket in it was readable now.
        m_readyNs = monotonicNs();
        for (int i = 0; i < count; ++i) {
            const quint32 ready = events[i].events;
            int mask = 0;
            if (ready & (EPOLLIN | EPOLLHUP | EPOLLERR))
                mask |= CURL_CSELECT_IN;
            if (ready & EPOLLOUT)
                mask |= CURL_CSELECT_OUT;
            if (ready & EPOLLERR)
                mask |= CURL_CSELECT_ERR;
            socketAction(events[i].data.fd, mask);
        }
        if (count < kEpollBatch)
            break;
    }
    m_readyNs = 0;
#endif
}

void CurlMulti::act(int socket, int eventMask)
{
    m_readyNs = monotonicNs();
    socketAction(socket, eventMask);
    m_readyNs = 0;
}

void CurlMulti::socketAction(int socket, int eventMask)
{
    {
        InCurl guard(m_inCurl);
        int running = 0;
        curl_multi_socket_action(multiOf(m_multi), curl_socket_t(socket), eventMask, &running);
    }
    finishDone();
    runPending();
}

void CurlMulti::finishDone()
{
    int left = 0;
    while (CURLMsg* message = curl_multi_info_read(multiOf(m_multi), &left)) {
        if (message->msg != CURLMSG_DONE)
            continue;
        CurlTransfer* transfer = nullptr;
        curl_easy_getinfo(message->easy_handle, CURLINFO_PRIVATE, &transfer);
        const CURLcode result = message->data.result;
        {
            InCurl guard(m_inCurl);
            curl_multi_remove_handle(multiOf(m_multi), message->easy_handle);
        }
        m_transfers.remove(transfer);
        // The message is invalid from here on; the transfer may start another one.
        if (transfer)
            transfer->onDone(int(result));
    }
}

void CurlMulti::runPending()
{
    while (!m_pending.isEmpty()) {
        const Pending next = m_pending.takeFirst();
        if (next.add)
            add(next.transfer);
        else
            remove(next.transfer);
    }
}

} // namespace adminchat
