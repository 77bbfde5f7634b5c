#include "ChatHeightIndex.h"

namespace adminchat {

namespace {

size_t lowBit(size_t i)
{
    return i & (~i + 1);
}

} // namespace

void ChatHeightIndex::clear()
{
    m_heights.clear();
    m_tree.clear();
}

void ChatHeightIndex::assign(const std::vector<int>& heights)
{
    m_heights = heights;
    m_tree.assign(heights.size() + 1, 0);
    // Linear construction: each node passes its sum on to its parent once.
    for (size_t i = 1; i < m_tree.size(); ++i) {
        m_tree[i] += heights[i - 1];
        const size_t parent = i + lowBit(i);
        if (parent < m_tree.size())
            m_tree[parent] += m_tree[i];
    }
}

void ChatHeightIndex::append(int height)
{
    if (m_tree.empty())
        m_tree.push_back(0);
    const size_t i = m_tree.size();
    // Node i covers (i - lowBit(i), i]: the new height plus the heights already stored there.
    const qint64 covered = top(int(i) - 1) - top(int(i - lowBit(i)));
    m_heights.push_back(height);
    m_tree.push_back(covered + height);
}

void ChatHeightIndex::truncate(int count)
{
    if (count >= this->count())
        return;
    // Nodes below count only cover positions below count, so they stay valid.
    m_heights.resize(size_t(qMax(0, count)));
    m_tree.resize(m_heights.size() + 1);
}

void ChatHeightIndex::setHeight(int index, int height)
{
    const int delta = height - m_heights[size_t(index)];
    if (delta == 0)
        return;
    m_heights[size_t(index)] = height;
    add(index, delta);
}

void ChatHeightIndex::add(int index, qint64 delta)
{
    for (size_t i = size_t(index) + 1; i < m_tree.size(); i += lowBit(i))
        m_tree[i] += delta;
}

qint64 ChatHeightIndex::top(int index) const
{
    qint64 sum = 0;
    for (size_t i = size_t(qMin(index, count())); i > 0; i -= lowBit(i))
        sum += m_tree[i];
    return sum;
}

int ChatHeightIndex::indexAt(qint64 y) const
{
    if (m_heights.empty())
        return -1;
    // Binary lifting: the largest position whose prefix sum stays <= y.
    size_t pos = 0;
    size_t step = 1;
    while (step * 2 < m_tree.size())
        step *= 2;
    for (; step > 0; step /= 2) {
        if (pos + step < m_tree.size() && m_tree[pos + step] <= y) {
            pos += step;
            y -= m_tree[pos];
        }
    }
    return int(qMin(pos, m_heights.size() - 1));
}

} // namespace adminchat
