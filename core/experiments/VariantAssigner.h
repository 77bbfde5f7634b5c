#pragma once

#include "experiments/ExperimentDefinition.h"

#include <QString>
#include <vector>

namespace adminchat {

// Stable, stateless assignment of units (conversations or requests) to variants: the same
// experiment and unit id give the same variant on every machine and in every run, so an
// assignment never needs to be stored. The rule, fixed because stored results depend on it:
//
//   h = the first 8 bytes, big-endian, of SHA-256(UTF-8(experiment name) + one 0x00 byte
//       + UTF-8(unit id))
//   u = (h >> 11) * 2^-53, in [0, 1)
//   x = u * total weight
//   the variant is the first one (in file order) whose cumulative weight is > x
//
// Variants of weight 0 are never chosen. The experiment name is part of the hash, so
// assignments in different experiments are independent of each other.
class VariantAssigner
{
public:
    // The definition should be valid (as fromJson() guarantees): with no positive weight,
    // assign() answers -1.
    explicit VariantAssigner(const ExperimentDefinition& definition);

    int assign(const QString& unitId) const; // index into definition.variants
    const ExperimentVariant& variantFor(const QString& unitId) const;

    const ExperimentDefinition& definition() const { return m_definition; }

    static quint64 unitHash(const QString& experiment, const QString& unitId);
    static double unitPoint(const QString& experiment, const QString& unitId); // u above

private:
    ExperimentDefinition m_definition;
    std::vector<double> m_cumulative; // running sum of the weights, in file order
};

} // namespace adminchat
