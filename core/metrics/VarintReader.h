#pragma once

// Bounds-checked little-endian, LEB128 varint reading for QuantileSketch's stored form.
// Header-only: it runs per byte of every blob merged during aggregation.
#include <QByteArrayView>
#include <QtEndian>
#include <algorithm>
#include <bit>
#include <cstring>

namespace adminchat {

// Bounds-checked reader: every get* fails (returns false) instead of reading past the end.
class VarintReader
{
public:
    explicit VarintReader(QByteArrayView bytes)
        : m_data(reinterpret_cast<const quint8*>(bytes.data())), m_end(m_data + bytes.size())
    {}

    const quint8* position() const { return m_data; }
    qsizetype remaining() const { return m_end - m_data; }

    bool getByte(quint8& out)
    {
        if (m_data == m_end)
            return false;
        out = *m_data++;
        return true;
    }

    bool getDouble(double& out)
    {
        if (remaining() < 8)
            return false;
        quint64 bits = 0;
        std::memcpy(&bits, m_data, 8); // little-endian on the wire
        if constexpr (std::endian::native == std::endian::big)
            bits = qbswap(bits);
        m_data += 8;
        out = std::bit_cast<double>(bits);
        return true;
    }

    void skip(qsizetype n) { m_data += n; } // n <= remaining()

    bool getVarint(quint64& out)
    {
        // Most values (bucket counts) fit in one byte.
        if (m_data != m_end && *m_data < 0x80) {
            out = *m_data++;
            return true;
        }
        quint64 value = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            quint8 byte = 0;
            if (!getByte(byte))
                return false;
            // The 10th group only has room for bit 63; a zero last group after the first is a
            // redundant encoding toBytes never writes.
            if (shift == 63 && byte > 1)
                return false;
            value |= quint64(byte & 0x7f) << shift;
            if (!(byte & 0x80)) {
                if (byte == 0 && shift > 0)
                    return false;
                out = value;
                return true;
            }
        }
        return false;
    }

private:
    const quint8* m_data;
    const quint8* m_end;
};

// Reads a varint that parseCounts has already validated.
inline quint64 takeVarint(const quint8*& in)
{
    quint64 value = *in & 0x7f;
    for (int shift = 7; *in++ & 0x80; shift += 7)
        value |= quint64(*in & 0x7f) << shift;
    return value;
}

inline qint64 unzigzag(quint64 v)
{
    return qint64(v >> 1) ^ -qint64(v & 1);
}

} // namespace adminchat
