#pragma once

#include <QList>
#include <QString>

class QSslCertificate;
class QSslError;

namespace adminchat {

// One line for a failed TLS handshake that names the certificate, so that people can see which
// certificate was refused (a proxy's, a self-signed one, the wrong host's):
// "TLS certificate of host:443 not trusted: <reasons> (subject CN=a, O=b; issuer CN=c)".
class SslErrorFormatter
{
public:
    // where is "host:port". Without certificate errors (a protocol or cipher mismatch) the
    // message names the handshake and Qt's description.
    static QString format(const QString& where, const QList<QSslError>& errors,
                          const QString& handshakeError);
    // "CN=foo, O=bar, OU=baz" from the subject or issuer; "(none)" when empty.
    static QString subjectText(const QSslCertificate& certificate);
    static QString issuerText(const QSslCertificate& certificate);
};

} // namespace adminchat
