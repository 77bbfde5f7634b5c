#include "openai/ModelListParser.h"
