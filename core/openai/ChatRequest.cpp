#include "openai/ChatRequest.h"
