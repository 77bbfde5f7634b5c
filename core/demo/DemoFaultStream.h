#pragma once

#include "demo/DemoRandom.h"

#include <QByteArray>
#include <QtGlobal>
#include <memory>

namespace adminchat {

// The part of a fault answer that is made while it is sent rather than planned up front:
// bytes trickled one at a time, a unit repeated for many MiB or without end, or seeded random
// bytes. The connection asks for the next piece when a pause is over or, for pieces without a
// pause, when its socket has drained, so the server holds one piece at a time, however long
// the answer.
class DemoFaultStream
{
public:
    static constexpr double trickleByteDelayMs = 2; // between two bytes of a trickled answer
    static constexpr qint64 pieceBytes = 64 * 1024; // what one next() makes at most
    static constexpr qint64 unbounded = -1;

    // bytes, one per piece, trickleByteDelayMs apart.
    static std::shared_ptr<DemoFaultStream> trickle(const QByteArray& bytes);
    // unit over and over until totalBytes (unbounded: never ends); the last piece may end
    // inside a unit.
    static std::shared_ptr<DemoFaultStream> repeated(const QByteArray& unit, qint64 totalBytes);
    // totalBytes of random bytes, the same for the same seed.
    static std::shared_ptr<DemoFaultStream> random(quint64 seed, qint64 totalBytes);

    bool atEnd() const;
    double pauseMs() const { return m_pauseMs; } // before the next piece; 0: when drained
    qint64 bytesSent() const { return m_sent; }
    QByteArray next();

private:
    enum class Kind
    {
        Trickle,
        Repeated,
        Random,
    };

    DemoFaultStream(Kind kind, qint64 totalBytes, quint64 seed);

    Kind m_kind;
    qint64 m_total;
    qint64 m_sent = 0;
    double m_pauseMs = 0;
    QByteArray m_bytes; // what is trickled, or a whole piece of the repeated unit
    DemoRandom m_random;
};

} // namespace adminchat
