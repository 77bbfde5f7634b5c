#pragma once

#include <QByteArray>
#include <QHashFunctions>
#include <QString>
#include <map>
#include <unordered_map>
#include <utility>
#include <vector>

namespace adminchat {

// Label names and values of one series, in a fixed order. Values come from servers and users
// (model names, profile names) and are escaped only when written.
using TelemetryLabels = std::vector<std::pair<QByteArray, QString>>;

// Finds a family's series by its labels with one hash. The family's std::map keeps the series
// sorted for the exposition, but finding one there compares whole label lists, a dozen times per
// lookup: that was most of what `metrics serve` spent reading a database. The index points into
// the map's nodes, which never move; a copy starts empty, since it would point into the other
// map. Series are only ever added, never removed.
template <typename Value> class TelemetrySeriesIndex
{
public:
    TelemetrySeriesIndex() = default;
    TelemetrySeriesIndex(const TelemetrySeriesIndex&) {}
    TelemetrySeriesIndex& operator=(const TelemetrySeriesIndex&)
    {
        m_index.clear();
        return *this;
    }
    TelemetrySeriesIndex(TelemetrySeriesIndex&&) = default;
    TelemetrySeriesIndex& operator=(TelemetrySeriesIndex&&) = default;
    ~TelemetrySeriesIndex() = default;

    // The series with these labels in series, made with make() when there is none yet.
    template <typename Make>
    Value& find(std::map<TelemetryLabels, Value>& series, const TelemetryLabels& labels,
                const Make& make)
    {
        if (const auto known = m_index.find(labels); known != m_index.end())
            return *known->second;
        auto it = series.find(labels);
        if (it == series.end())
            it = series.emplace(labels, make()).first;
        m_index.emplace(labels, &it->second);
        return it->second;
    }

private:
    struct Hash
    {
        size_t operator()(const TelemetryLabels& labels) const
        {
            size_t seed = 0;
            for (const auto& [name, value] : labels)
                seed = qHashMulti(seed, name, value);
            return seed;
        }
    };
    std::unordered_map<TelemetryLabels, Value*, Hash> m_index;
};

} // namespace adminchat
