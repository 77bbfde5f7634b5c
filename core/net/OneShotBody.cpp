#include "net/OneShotBody.h"

#include <algorithm>
#include <cstring>

namespace adminchat {

OneShotBody::OneShotBody(QByteArray data, QObject* parent)
    : QIODevice(parent), m_data(std::move(data))
{
    open(QIODevice::ReadOnly);
}

bool OneShotBody::seek(qint64 position)
{
    if (position < 0 || position > m_data.size() || !QIODevice::seek(position))
        return false;
    m_position = position;
    return true;
}

qint64 OneShotBody::readData(char* data, qint64 maxSize)
{
    const qint64 count = std::min<qint64>(maxSize, m_data.size() - m_position);
    if (count <= 0)
        return count == 0 ? 0 : -1;
    std::memcpy(data, m_data.constData() + m_position, size_t(count));
    m_position += count;
    return count;
}

} // namespace adminchat
