#include "openai/ToolCallAccumulator.h"
