#include "metrics/MetricsFilter.h"
