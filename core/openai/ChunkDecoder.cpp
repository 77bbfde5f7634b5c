#include "openai/ChunkDecoder.h"
