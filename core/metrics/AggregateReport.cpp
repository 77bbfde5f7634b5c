#include "metrics/AggregateReport.h"
