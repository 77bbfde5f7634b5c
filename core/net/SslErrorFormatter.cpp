#include "net/SslErrorFormatter.h"

#include <QtNetwork/qtnetworkglobal.h>

#if QT_CONFIG(ssl)
#include <QSslCertificate>
#include <QSslError>
#endif
#include <QStringList>

namespace adminchat {

namespace {

#if QT_CONFIG(ssl)
template <typename Info> QString names(Info info)
{
    // The attributes people recognise a certificate by, most specific first.
    const std::pair<QSslCertificate::SubjectInfo, const char*> attributes[] = {
        {QSslCertificate::CommonName, "CN"},
        {QSslCertificate::Organization, "O"},
        {QSslCertificate::OrganizationalUnitName, "OU"},
        {QSslCertificate::CountryName, "C"},
    };
    QStringList parts;
    for (const auto& [attribute, label] : attributes) {
        for (const QString& value : info(attribute))
            parts << QLatin1String(label) + QLatin1Char('=') + value.simplified();
    }
    return parts.isEmpty() ? QStringLiteral("(none)") : parts.join(QStringLiteral(", "));
}
#endif

} // namespace

QString SslErrorFormatter::subjectText(const QSslCertificate& certificate)
{
#if QT_CONFIG(ssl)
    return names([&certificate](QSslCertificate::SubjectInfo attribute) {
        return certificate.subjectInfo(attribute);
    });
#else
    Q_UNUSED(certificate)
    return QStringLiteral("(none)");
#endif
}

QString SslErrorFormatter::issuerText(const QSslCertificate& certificate)
{
#if QT_CONFIG(ssl)
    return names([&certificate](QSslCertificate::SubjectInfo attribute) {
        return certificate.issuerInfo(attribute);
    });
#else
    Q_UNUSED(certificate)
    return QStringLiteral("(none)");
#endif
}

QString SslErrorFormatter::format(const QString& where, const QList<QSslError>& errors,
                                  const QString& handshakeError)
{
#if QT_CONFIG(ssl)
    QStringList reasons;
    QSslCertificate certificate;
    for (const QSslError& error : errors) {
        const QString reason = error.errorString().simplified();
        if (!reasons.contains(reason))
            reasons << reason;
        // The peer's certificate is the one the first errors are about; a chain error may name
        // an intermediate one further up.
        if (certificate.isNull() && !error.certificate().isNull())
            certificate = error.certificate();
    }
    if (!reasons.isEmpty()) {
        QString message = QStringLiteral("TLS certificate of %1 not trusted: %2")
                              .arg(where, reasons.join(QStringLiteral("; ")));
        if (!certificate.isNull())
            message += QStringLiteral(" (subject %1; issuer %2)")
                           .arg(subjectText(certificate), issuerText(certificate));
        return message;
    }
#else
    Q_UNUSED(errors)
#endif
    return QStringLiteral("TLS handshake with %1 failed: %2")
        .arg(where, handshakeError.simplified());
}

} // namespace adminchat
