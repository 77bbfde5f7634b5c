#pragma once

#include <QByteArray>
#include <QList>
#include <QString>
#include <curl/curl.h>

struct x509_store_ctx_st; // OpenSSL's X509_STORE_CTX

namespace adminchat {

// What the certificate check of a TLS handshake saw: the first error and the certificate it is
// about, and the server's own certificate. Empty when no handshake ran.
struct TlsVerification
{
    QString reason;  // e.g. "self-signed certificate"; empty when the chain was trusted
    QString subject; // of the certificate the reason is about ("CN=host, O=Org")
    QString issuer;
    QString peerSubject; // of the server's certificate
    QString peerIssuer;
};

// The TLS set-up curl leaves to the application, through its OpenSSL context callback: extra
// certificate authorities (a profile's CA file) added to the system's, and a record of what the
// verification saw, for messages that name the certificate as Qt's did. Verification itself
// stays curl's and OpenSSL's, always on.
class CurlTls
{
public:
    CurlTls() = default;
    ~CurlTls();
    CurlTls(const CurlTls&) = delete;
    CurlTls& operator=(const CurlTls&) = delete;

    void setCaCertificates(QList<QByteArray> der) { m_caDer = std::move(der); }
    void install(CURL* easy);
    const TlsVerification& verification() const { return m_verification; }

private:
    static CURLcode onContext(CURL* easy, void* context, void* self);
    static int onVerify(int preverified, x509_store_ctx_st* store);

    QList<QByteArray> m_caDer;
    TlsVerification m_verification;
};

} // namespace adminchat
