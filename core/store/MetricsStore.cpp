#include "store/MetricsStore.h"
