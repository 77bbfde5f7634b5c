#include "metrics/Suggestion.h"
