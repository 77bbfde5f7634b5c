#include "experiments/VariantAssigner.h"

#include <QCryptographicHash>
#include <QtEndian>
#include <algorithm>

namespace adminchat {

VariantAssigner::VariantAssigner(const ExperimentDefinition& definition) : m_definition(definition)
{
    m_cumulative.reserve(std::size_t(definition.variants.size()));
    double sum = 0;
    for (const ExperimentVariant& variant : definition.variants) {
        sum += variant.weight;
        m_cumulative.push_back(sum);
    }
}

int VariantAssigner::assign(const QString& unitId) const
{
    if (m_cumulative.empty() || !(m_cumulative.back() > 0))
        return -1;
    // The total is the last running sum itself, so x < total always finds a variant.
    const double x = unitPoint(m_definition.name, unitId) * m_cumulative.back();
    const auto it = std::upper_bound(m_cumulative.begin(), m_cumulative.end(), x);
    if (it == m_cumulative.end())
        return -1;
    return int(it - m_cumulative.begin());
}

const ExperimentVariant& VariantAssigner::variantFor(const QString& unitId) const
{
    static const ExperimentVariant none;
    const int index = assign(unitId);
    return index < 0 ? none : m_definition.variants.at(index);
}

quint64 VariantAssigner::unitHash(const QString& experiment, const QString& unitId)
{
    QCryptographicHash hash(QCryptographicHash::Sha256);
    hash.addData(experiment.toUtf8());
    hash.addData(QByteArrayView("\0", 1));
    hash.addData(unitId.toUtf8());
    const QByteArray digest = hash.result();
    return qFromBigEndian<quint64>(digest.constData());
}

double VariantAssigner::unitPoint(const QString& experiment, const QString& unitId)
{
    // The top 53 bits fill a double's mantissa exactly: every u is representable and < 1.
    return double(unitHash(experiment, unitId) >> 11) * 0x1.0p-53;
}

} // namespace adminchat
