// Test certificates made with the openssl tool at run time: a CA, a server certificate for
// 127.0.0.1 and localhost signed by it, and optionally a second, unrelated CA. Nothing is kept.
#pragma once

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

// Runs `openssl ARGUMENTS` in dir; false (with its error output logged) when it fails.
bool openssl(const QString& dir, const QStringList& arguments);

// In dir: ca.pem (subject caName), server.pem and server.key; with otherCaName also other.pem.
bool make(const QString& dir, const QString& caName, const QString& otherCaName = {});

// What a test server presents: the certificate and key make() wrote in dir; no client
// certificate is asked for. std::nullopt when they cannot be read.
std::optional<QSslConfiguration> serverConfiguration(const QString& dir);

} // namespace testcerts
