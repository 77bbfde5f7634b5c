// ExperimentDefinition: any file is either a definition that survives toJson() and fromJson()
// unchanged, or a one-line error.
//
// Input: the file's bytes.
#include "FuzzCheck.h"
#include "experiments/ExperimentDefinition.h"

#include <cstddef>
#include <cstdint>

using namespace adminchat;

namespace {

bool isOneLine(const QString& text)
{
    return !text.isEmpty() && !text.contains(u'\n') && !text.contains(u'\r');
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    const QByteArray json =
        QByteArray::fromRawData(reinterpret_cast<const char*>(data), qsizetype(size));
    QString error;
    const std::optional<ExperimentDefinition> definition =
        ExperimentDefinition::fromJson(json, &error);
    if (!definition) {
        FUZZ_CHECK(isOneLine(error));
        return 0;
    }

    // Accepted: the documented invariants hold, and the file it writes reads back equal.
    FUZZ_CHECK(definition->variants.size() >= 2 && definition->totalWeight() > 0);
    for (const ExperimentVariant& variant : definition->variants)
        FUZZ_CHECK(definition->indexOf(variant.name) >= 0 && variant.weight >= 0);
    QString again;
    const std::optional<ExperimentDefinition> reread =
        ExperimentDefinition::fromJson(definition->toJson(), &again);
    FUZZ_CHECK(reread.has_value() && *reread == *definition);
    return 0;
}
