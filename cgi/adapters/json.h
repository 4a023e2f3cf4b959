/* The one place that includes Jansson: JSON values for templates and API responses. */
#ifndef VAORA_JSON_H
#define VAORA_JSON_H

#include <jansson.h>

#endif
