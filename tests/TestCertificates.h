// Test certificates made with the openssl tool at run time: a CA, a server certificate for
// 127.0.0.1 and localhost signed by it, and optionally a second, unrelated CA. Nothing is kept.
#pragma once

#include <QDebug>
#include <QFile>
#include <QProcess>
#include <QSslCertificate>
#include <QSslConfiguration>
#include <QSslKey>
#include <QSslSocket>
#include <QStandardPaths>
#include <QString>
#include <QStringList>
#include <QTest>
#include <optional>

// Skips the calling test function when there is no TLS backend or no openssl tool.
#define REQUIRE_TEST_CERTIFICATES()                                                                \
    do {                                                                                           \
        if (!QSslSocket::supportsSsl())                                                            \
            QSKIP("no TLS backend");                                                               \
        if (QStandardPaths::findExecutable(QStringLiteral("openssl")).isEmpty())                   \
            QSKIP("the openssl tool is needed to make test certificates");                         \
    } while (false)

namespace testcerts {

inline bool openssl(const QString& dir, const QStringList& arguments)
{
    QProcess process;
    process.setWorkingDirectory(dir);
    process.start(QStringLiteral("openssl"), arguments);
    if (!process.waitForFinished(60000) || process.exitCode() != 0) {
        qWarning() << "openssl" << arguments << process.readAllStandardError();
        return false;
    }
    return true;
}

// In dir: ca.pem (subject caName), server.pem and server.key; with otherCaName also other.pem.
inline bool make(const QString& dir, const QString& caName, const QString& otherCaName = {})
{
    const QString days = QStringLiteral("2");
    if (!openssl(dir, {"req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out",
                       "ca.pem", "-days", days, "-subj", "/CN=" + caName}))
        return false;
    if (!otherCaName.isEmpty() &&
        !openssl(dir, {"req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "other.key",
                       "-out", "other.pem", "-days", days, "-subj", "/CN=" + otherCaName}))
        return false;
    if (!openssl(dir, {"req", "-newkey", "rsa:2048", "-nodes", "-keyout", "server.key", "-out",
                       "server.csr", "-subj", "/CN=127.0.0.1"}))
        return false;
    QFile extensions(dir + QStringLiteral("/san.cnf"));
    if (!extensions.open(QIODevice::WriteOnly))
        return false;
    extensions.write("subjectAltName=IP:127.0.0.1,DNS:localhost\n");
    extensions.close();
    return openssl(dir,
                   {"x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key",
                    "-CAcreateserial", "-out", "server.pem", "-days", days, "-extfile", "san.cnf"});
}

// What a test server presents: the certificate and key make() wrote in dir; no client
// certificate is asked for. std::nullopt when they cannot be read.
inline std::optional<QSslConfiguration> serverConfiguration(const QString& dir)
{
    const auto certificates = QSslCertificate::fromPath(dir + QStringLiteral("/server.pem"));
    QFile key(dir + QStringLiteral("/server.key"));
    if (certificates.isEmpty() || !key.open(QIODevice::ReadOnly))
        return std::nullopt;
    QSslConfiguration tls = QSslConfiguration::defaultConfiguration();
    tls.setLocalCertificate(certificates.first());
    tls.setPrivateKey(QSslKey(key.readAll(), QSsl::Rsa));
    tls.setPeerVerifyMode(QSslSocket::VerifyNone);
    return tls;
}

} // namespace testcerts
