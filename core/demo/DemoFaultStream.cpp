#include "demo/DemoFaultStream.h"

#include <QtEndian>
#include <cstring>

namespace adminchat {

DemoFaultStream::DemoFaultStream(Kind kind, qint64 totalBytes, quint64 seed)
    : m_kind(kind), m_total(totalBytes), m_random(seed)
{}

std::shared_ptr<DemoFaultStream> DemoFaultStream::trickle(const QByteArray& bytes)
{
    std::shared_ptr<DemoFaultStream> stream(new DemoFaultStream(Kind::Trickle, bytes.size(), 0));
    stream->m_bytes = bytes;
    stream->m_pauseMs = trickleByteDelayMs;
    return stream;
}

std::shared_ptr<DemoFaultStream> DemoFaultStream::repeated(const QByteArray& unit,
                                                           qint64 totalBytes)
{
    std::shared_ptr<DemoFaultStream> stream(
        new DemoFaultStream(Kind::Repeated, unit.isEmpty() ? 0 : totalBytes, 0));
    if (!unit.isEmpty()) {
        // Whole units per piece, so the pattern runs on seamlessly from one piece to the next;
        // made once and shared by every write.
        const qsizetype units = qMax<qsizetype>(1, qsizetype(pieceBytes / unit.size()));
        stream->m_bytes = unit.repeated(units);
    }
    return stream;
}

std::shared_ptr<DemoFaultStream> DemoFaultStream::random(quint64 seed, qint64 totalBytes)
{
    return std::shared_ptr<DemoFaultStream>(new DemoFaultStream(Kind::Random, totalBytes, seed));
}

bool DemoFaultStream::atEnd() const
{
    return m_total != unbounded && m_sent >= m_total;
}

QByteArray DemoFaultStream::next()
{
    if (atEnd())
        return {};
    const qint64 left = m_total == unbounded ? pieceBytes : m_total - m_sent;
    QByteArray piece;
    switch (m_kind) {
    case Kind::Trickle:
        piece = m_bytes.mid(m_sent, 1);
        break;
    case Kind::Repeated:
        piece = m_bytes.size() <= left ? m_bytes : m_bytes.left(left);
        break;
    case Kind::Random: {
        piece.resize(qMin(left, pieceBytes));
        for (qsizetype at = 0; at < piece.size(); at += 8) {
            const quint64 value = qToLittleEndian(m_random.next()); // same bytes everywhere
            std::memcpy(piece.data() + at, &value, size_t(qMin<qsizetype>(8, piece.size() - at)));
        }
        break;
    }
    }
    m_sent += piece.size();
    return piece;
}

} // namespace adminchat
