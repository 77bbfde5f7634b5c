#include "net/CurlMulti.h"

#include "net/CurlTransfer.h"
#include "net/NetLog.h"
#include "net/Preconnector.h"

#include <QSocketNotifier>
#include <curl/curl.h>
#include <mutex>

namespace adminchat {

namespace {

CURLM* multiOf(void* handle)
{
    return static_cast<CURLM*>(handle);
}

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

void CurlMulti::act(int socket, int eventMask)
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
