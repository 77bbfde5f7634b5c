#include "metrics/MetricsRecord.h"
