/* Tables of figures for pages and their CSV downloads, built once. */
#include "web/view-table.h"

#include <stdio.h>

#include "base/csv-out.h"

json_t *table_view_new(const struct views *v, enum lang lang, const char *name, const char *caption,
		       const char *const head_keys[], size_t cols)
{
	json_t *head = json_array();
	for (size_t i = 0; i < cols; i++)
		json_array_append_new(head, json_string(views_message(v, lang, head_keys[i])));
	return json_pack("{s:s, s:s, s:o, s:[]}", "name", name, "caption", caption, "head", head, "rows");
}

void table_view_row(json_t *table, const char *const cells[], size_t cols)
{
	json_t *rest = json_array();
	for (size_t i = 1; i < cols; i++)
		json_array_append_new(rest, json_string(cells[i]));
	json_array_append_new(json_object_get(table, "rows"), json_pack("{s:s, s:o}", "first", cells[0], "cells", rest));
}

void table_view_send_csv(struct response *resp, json_t *table, const char *filename)
{
	const char *cells[TABLE_VIEW_COLUMNS_MAX];
	json_t *head = json_object_get(table, "head"), *rows = json_object_get(table, "rows"), *row, *cell;
	size_t i, k, cols = json_array_size(head);
	csv_out_start(&resp->body);
	json_array_foreach(head, i, cell)
		cells[i] = json_string_value(cell);
	csv_out_row(&resp->body, cells, cols);
	json_array_foreach(rows, i, row) {
		cells[0] = json_string_value(json_object_get(row, "first"));
		json_array_foreach(json_object_get(row, "cells"), k, cell)
			cells[k + 1] = json_string_value(cell);
		csv_out_row(&resp->body, cells, cols);
	}
	char disposition[192];
	snprintf(disposition, sizeof(disposition), "attachment; filename=\"%s\"", filename);
	response_content_type(resp, "text/csv; charset=utf-8");
	response_header(resp, "Content-Disposition", disposition);
	response_header(resp, "Cache-Control", "private, no-store");
}
