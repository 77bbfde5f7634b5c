#include "openai/ResponseAccumulator.h"
