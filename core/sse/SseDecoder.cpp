#include "sse/SseDecoder.h"
