/* The paper import: the upload form, its template file, and the result listing each rejected
 * row with its line and reason. */
#include "web/pages.h"

#include <stdio.h>
#include <string.h>

#include "domain/paper-import.h"
#include "web/input-read.h"
#include "web/views.h"

static json_t *header_view(const struct app *app, const struct request *req)
{
	struct buf header = BUF_INIT;
	paper_import_header(declaration_for(app->declarations, req->tenant), &header);
	json_t *v = json_string(buf_str(&header));
	buf_free(&header);
	return v;
}

/* The upload's fields beside the file: the venue code for rows that name none (its meaning is
 * the import's one check). */
struct imports_input {
	const char *venue;
};

static const struct input_field imports_fields[] = {
	INPUT_FIELD(struct imports_input, venue, "venue", INPUT_TEXT, REQUEST_FORM_VALUE_MAX),
};

/* The page; in: the upload as sent (NULL: none), its venue code shown back. */
static int render(struct app *app, const struct request *req, struct response *resp, int status,
		  const struct imports_input *in, json_t *ctx)
{
	json_object_set_new(ctx, "title", json_string(views_message(app->views, req->lang, "imports_title")));
	json_object_set_new(ctx, "header", header_view(app, req));
	json_object_set_new(ctx, "venue", json_string(in && in->venue ? in->venue : ""));
	return views_page(app->views, req, resp, status, "imports", ctx);
}

int page_imports(struct app *app, const struct request *req, struct response *resp)
{
	return render(app, req, resp, 200, NULL, json_object());
}

int page_imports_template(struct app *app, const struct request *req, struct response *resp)
{
	paper_import_template(declaration_for(app->declarations, req->tenant), &resp->body);
	response_content_type(resp, "text/csv; charset=utf-8");
	response_header(resp, "Content-Disposition", "attachment; filename=\"vaora-to-khai-giay.csv\"");
	return 0;
}

static json_t *result_view(struct app *app, const struct request *req, const struct paper_import_result *r)
{
	json_t *rejects = json_array();
	for (size_t i = 0; i < r->reject_count; i++) {
		const struct field_errors *e = &r->rejects[i].errors;
		json_t *reasons = json_array();
		for (size_t k = 0; k < e->count; k++)
			json_array_append_new(reasons, json_pack("{s:s, s:s}", "column", e->items[k].field, "message",
								 views_message(app->views, req->lang, e->items[k].key)));
		json_array_append_new(rejects, json_pack("{s:I, s:o}", "line", (json_int_t)r->rejects[i].line,
							 "reasons", reasons));
	}
	return json_pack("{s:I, s:I, s:I, s:I, s:I, s:b, s:o, s:I, s:I}", "rows", (json_int_t)r->rows, "recorded",
			 (json_int_t)r->recorded, "already", (json_int_t)r->already, "rejected", (json_int_t)r->rejected,
			 "people_created", (json_int_t)r->people_created, "has_rejects", r->reject_count > 0, "rejects", rejects, "unlisted",
			 (json_int_t)(r->rejected - r->reject_count), "stopped_line", (json_int_t)r->stopped_line);
}

int page_imports_upload(struct app *app, const struct request *req, struct response *resp)
{
	struct imports_input in = { 0 };
	struct field_errors none = { 0 };	/* the request's limit is the only one */
	input_read_form(imports_fields, INPUT_COUNT(imports_fields), &req->form, &in, &none);
	const struct multipart_part *file = request_file(req, "file");
	json_t *ctx = json_object();
	if (!file || file->len == 0) {
		json_object_set_new(ctx, "file_error", json_string(views_message(app->views, req->lang, "import_no_file")));
		return render(app, req, resp, 400, &in, ctx);
	}
	struct paper_import_result result;
	const struct declaration_form *form = declaration_for(app->declarations, req->tenant);
	enum db_status status = paper_import(app->db, req->tenant, app->keys, form, &req->actor,
					     in.venue, file->data, file->len, NULL, NULL, &result);
	int http = 200;
	if (result.file_error) {
		char message[512];
		snprintf(message, sizeof(message), "%s", views_message(app->views, req->lang, result.file_error));
		json_object_set_new(ctx, "file_error", json_string(message));
		json_object_set_new(ctx, "file_error_line", json_integer((json_int_t)result.file_error_line));
		json_object_set_new(ctx, "bad_header", json_boolean(strcmp(result.file_error, "import_bad_header") == 0));
		http = 400;
	} else if (status != DB_OK && result.rows == 0) {
		paper_import_result_free(&result);
		json_decref(ctx);
		return http_status_for_db(status);
	} else {
		json_object_set_new(ctx, "result", result_view(app, req, &result));
		http = status == DB_OK ? 200 : http_status_for_db(status);
	}
	paper_import_result_free(&result);
	return render(app, req, resp, http, &in, ctx);
}
