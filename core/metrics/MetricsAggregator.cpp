#include "metrics/MetricsAggregator.h"
