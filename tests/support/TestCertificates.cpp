#include "TestCertificates.h"

#include "ProcessRunner.h"

#include <QDebug>
#include <QFile>
#include <QSslCertificate>
#include <QSslKey>

namespace testcerts {

bool openssl(const QString& dir, const QStringList& arguments)
{
    ProcessRunner runner;
    runner.setWorkingDirectory(dir);
    const ProcessResult result = runner.run(QStringLiteral("openssl"), arguments, {}, 60000);
    if (result.exitCode != 0) {
        qWarning() << "openssl" << arguments << result.err;
        return false;
    }
    return true;
}

bool make(const QString& dir, const QString& caName, const QString& otherCaName)
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

std::optional<QSslConfiguration> serverConfiguration(const QString& dir)
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
