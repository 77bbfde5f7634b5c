#include "net/CurlTls.h"

#include <QHash>
#include <QMutex>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

namespace adminchat {

namespace {

// OpenSSL's verify callback gets no user data; the context it runs in leads back to the CurlTls
// that set it up. A connection (and its context) can outlive the transfer that opened it, so
// the map is emptied by the CurlTls, never read through a stale pointer. Several threads may
// run handshakes (the GUI's network thread, a load run).
QMutex registryMutex;
QHash<const SSL_CTX*, CurlTls*>& registry()
{
    static QHash<const SSL_CTX*, CurlTls*> contexts;
    return contexts;
}

QString nameText(X509_NAME* name)
{
    // The attributes people recognise a certificate by, most specific first.
    const std::pair<int, const char*> attributes[] = {
        {NID_commonName, "CN"},
        {NID_organizationName, "O"},
        {NID_organizationalUnitName, "OU"},
        {NID_countryName, "C"},
    };
    QStringList parts;
    for (const auto& [nid, label] : attributes) {
        for (int i = X509_NAME_get_index_by_NID(name, nid, -1); i >= 0;
             i = X509_NAME_get_index_by_NID(name, nid, i)) {
            unsigned char* utf8 = nullptr;
            const int length =
                ASN1_STRING_to_UTF8(&utf8, X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, i)));
            if (length < 0)
                continue;
            parts
                << QLatin1String(label) + QLatin1Char('=') +
                       QString::fromUtf8(reinterpret_cast<const char*>(utf8), length).simplified();
            OPENSSL_free(utf8);
        }
    }
    return parts.isEmpty() ? QStringLiteral("(none)") : parts.join(QStringLiteral(", "));
}

} // namespace

CurlTls::~CurlTls()
{
    QMutexLocker lock(&registryMutex);
    registry().removeIf([this](auto entry) { return entry.value() == this; });
}

void CurlTls::install(CURL* easy)
{
    curl_easy_setopt(easy, CURLOPT_SSL_CTX_FUNCTION, &CurlTls::onContext);
    curl_easy_setopt(easy, CURLOPT_SSL_CTX_DATA, this);
}

CURLcode CurlTls::onContext(CURL*, void* context, void* self)
{
    auto* tls = static_cast<CurlTls*>(self);
    auto* ssl = static_cast<SSL_CTX*>(context);
    X509_STORE* store = SSL_CTX_get_cert_store(ssl);
    for (const QByteArray& der : std::as_const(tls->m_caDer)) {
        const auto* bytes = reinterpret_cast<const unsigned char*>(der.constData());
        if (X509* certificate = d2i_X509(nullptr, &bytes, der.size())) {
            X509_STORE_add_cert(store, certificate); // a duplicate is refused, which is fine
            X509_free(certificate);
        }
    }
    tls->m_verification = {};
    {
        QMutexLocker lock(&registryMutex);
        registry().insert(ssl, tls);
    }
    // curl set SSL_VERIFY_PEER already; keep its mode and add the observer.
    SSL_CTX_set_verify(ssl, SSL_CTX_get_verify_mode(ssl), &CurlTls::onVerify);
    return CURLE_OK;
}

int CurlTls::onVerify(int preverified, X509_STORE_CTX* store)
{
    auto* ssl =
        static_cast<SSL*>(X509_STORE_CTX_get_ex_data(store, SSL_get_ex_data_X509_STORE_CTX_idx()));
    if (!ssl)
        return preverified;
    QMutexLocker lock(&registryMutex);
    CurlTls* tls = registry().value(SSL_get_SSL_CTX(ssl));
    X509* certificate = X509_STORE_CTX_get_current_cert(store);
    if (!tls || !certificate)
        return preverified;
    TlsVerification& seen = tls->m_verification;
    if (X509_STORE_CTX_get_error_depth(store) == 0) {
        seen.peerSubject = nameText(X509_get_subject_name(certificate));
        seen.peerIssuer = nameText(X509_get_issuer_name(certificate));
    }
    if (!preverified && seen.reason.isEmpty()) {
        seen.reason =
            QString::fromUtf8(X509_verify_cert_error_string(X509_STORE_CTX_get_error(store)));
        seen.subject = nameText(X509_get_subject_name(certificate));
        seen.issuer = nameText(X509_get_issuer_name(certificate));
    }
    return preverified; // the decision stays OpenSSL's
}

} // namespace adminchat
