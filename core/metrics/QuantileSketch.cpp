#include "metrics/QuantileSketch.h"
