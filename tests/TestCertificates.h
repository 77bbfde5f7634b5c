// Test certificates made with the openssl tool at run time: a CA, a server certificate for
// 127.0.0.1 and localhost signed by it, and optionally a second, unrelated CA. Nothing is kept.
#pragma once

#include <QDebug>
#include <QFile>
#include <QProcess>
#include <QString>
#include <QStringList>

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

} // namespace testcerts
