#include "metrics/SuggestionEngine.h"
