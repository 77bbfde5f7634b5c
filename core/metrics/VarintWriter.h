#pragma once

// Little-endian, LEB128 varint writing for QuantileSketch's stored form. Header-only: it runs
// per byte of every blob written.
#include <QtGlobal>
#include <algorithm>
#include <bit>

namespace adminchat {

// Writes into a buffer of the exact size, computed up front: appending byte by byte to a
// QByteArray costs a capacity check per byte and made toBytes() several times slower.
class VarintWriter
{
public:
    explicit VarintWriter(char* out) : m_out(out) {}

    char* end() const { return m_out; }

    void putByte(quint8 byte) { *m_out++ = char(byte); }

    void putVarint(quint64 value)
    {
        while (value >= 0x80) {
            putByte(quint8(value | 0x80));
            value >>= 7;
        }
        putByte(quint8(value));
    }

    void putDouble(double value)
    {
        const auto bits = std::bit_cast<quint64>(value);
        for (int shift = 0; shift < 64; shift += 8)
            putByte(quint8(bits >> shift));
    }

private:
    char* m_out;
};

inline qsizetype varintSize(quint64 value)
{
    return std::max(qsizetype(1), qsizetype(std::bit_width(value) + 6) / 7);
}

inline quint64 zigzag(qint64 v)
{
    return (quint64(v) << 1) ^ quint64(v >> 63);
}

} // namespace adminchat
