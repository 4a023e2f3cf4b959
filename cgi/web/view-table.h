/* Tables of figures as pages show them and as CSV downloads give them, built once so the two
 * cannot disagree: {"name", "caption", "head": [...], "rows": [{"first", "cells": [...]}]},
 * the first cell of a row naming it (a <th>). Shared by the dashboard and the signals. */
#ifndef VAORA_VIEW_TABLE_H
#define VAORA_VIEW_TABLE_H

#include <stddef.h>

#include "adapters/json.h"
#include "web/response.h"
#include "web/views.h"

/* The widest table either page draws. */
#define TABLE_VIEW_COLUMNS_MAX 8

/* A table named name (its anchor and export name), with caption (text) and the column heads
 * of head_keys (catalog keys) in lang. New reference. */
json_t *table_view_new(const struct views *v, enum lang lang, const char *name, const char *caption,
		       const char *const head_keys[], size_t cols);
/* Appends a row of cols cells (copied). */
void table_view_row(json_t *table, const char *const cells[], size_t cols);
/* Answers with the table as CSV (BOM, neutralized cells) to download as filename (ASCII, no
 * personal data), not to be cached. */
void table_view_send_csv(struct response *resp, json_t *table, const char *filename);

#endif
