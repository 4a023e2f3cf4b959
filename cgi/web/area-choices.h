/* The commune/ward picker every form of a province shares (venues, residents). */
#ifndef VAORA_AREA_CHOICES_H
#define VAORA_AREA_CHOICES_H

#include "adapters/json.h"
#include "web/app.h"
#include "web/request.h"

/* The province's areas as [{code, name, selected}], selected marking the one whose code is
 * selected (may be NULL). New reference; empty when the database does not answer. */
json_t *area_choices_json(const struct app *app, const struct request *req, const char *selected);

#endif
