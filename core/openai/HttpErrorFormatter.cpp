#include "openai/HttpErrorFormatter.h"
