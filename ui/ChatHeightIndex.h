#pragma once

#include <QtGlobal>
#include <vector>

namespace adminchat {

// Heights of the messages of a conversation with their running offsets, as a Fenwick tree: the
// top of a message, the message at a given offset and a changed height all cost O(log n), so
// neither scrolling nor a corrected estimate ever walks the whole conversation.
class ChatHeightIndex
{
public:
    void clear();
    void assign(const std::vector<int>& heights);
    void append(int height);
    void truncate(int count);
    void setHeight(int index, int height);

    int count() const { return int(m_heights.size()); }
    int height(int index) const { return m_heights[size_t(index)]; }
    qint64 top(int index) const; // sum of the heights before index
    qint64 bottom(int index) const { return top(index) + height(index); }
    qint64 total() const { return top(count()); }
    // The message that covers offset y (clamped to the first or last message); -1 when empty.
    int indexAt(qint64 y) const;

private:
    void add(int index, qint64 delta);

    std::vector<int> m_heights;
    std::vector<qint64> m_tree; // 1-based Fenwick sums; m_tree[0] is unused
};

} // namespace adminchat
