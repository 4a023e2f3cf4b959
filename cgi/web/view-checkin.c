/* The self check-in page as templates show it. */
#include "web/view-checkin.h"

#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "adapters/crypto.h"
#include "base/clock.h"
#include "base/encode.h"
#include "domain/answers.h"
#include "domain/people.h"
#include "web/input-read.h"
#include "web/view-areas.h"
#include "web/views.h"

/* Random bytes of the idempotency key a page hands its form. */
#define FORM_KEY_BYTES 16
void checkin_form_key(char out[CHECKIN_FORM_KEY_CAP])
{
	uint8_t raw[FORM_KEY_BYTES];
	crypto_random(raw, sizeof(raw));
	struct buf b = BUF_INIT;
	base64url_encode(&b, raw, sizeof(raw));
	snprintf(out, CHECKIN_FORM_KEY_CAP, "%s", buf_str(&b));
	buf_free(&b);
}

static const char *question_text(const struct request *req, json_t *q)
{
	return json_string_value(json_object_get(q, req->lang == LANG_EN ? "en" : "vi"));
}

/* Yes/no questions in a group are ticked in a list ("symptoms: tick what you have"). */
static bool is_checkbox(json_t *q)
{
	const char *kind = json_string_value(json_object_get(q, "kind"));
	return kind && strcmp(kind, "yesno") == 0 && json_string_value(json_object_get(q, "group"));
}

static json_t *question_by_id(json_t *questions, const char *id)
{
	size_t i;
	json_t *q;
	json_array_foreach(questions, i, q) {
		const char *qid = json_string_value(json_object_get(q, "id"));
		if (qid && strcmp(qid, id) == 0)
			return q;
	}
	return NULL;
}

void form_answers_read(const struct declaration_form *f, const struct fields *form, struct declaration_given *out)
{
	json_t *questions = declaration_form_questions(f);
	struct input_field rows[DECLARATION_QUESTIONS_MAX];
	/* The form's loading refuses more questions; the bound keeps rows[] safe all the same. */
	size_t n = json_array_size(questions) < DECLARATION_QUESTIONS_MAX ? json_array_size(questions)
									  : DECLARATION_QUESTIONS_MAX;
	for (size_t i = 0; i < n; i++)
		rows[i] = (struct input_field){
			.name = json_string_value(json_object_get(json_array_get(questions, i), "id")),
			.kind = INPUT_TEXT,
			.max = REQUEST_FORM_VALUE_MAX,
			.offset = offsetof(struct declaration_given, values) + i * sizeof(out->values[0]),
		};
	*out = (struct declaration_given){ 0 };
	/* A text whose only limit is the request's is never refused: no error to keep. */
	struct field_errors none = { 0 };
	input_read_form(rows, n, form, out, &none);
	for (size_t i = 0; i < n; i++)
		if (!out->values[i] && is_checkbox(json_array_get(questions, i)))
			out->values[i] = "no";
}

static const char *error_of(const struct app *app, const struct request *req, const struct field_errors *errors,
			    const char *field)
{
	for (size_t i = 0; errors && i < errors->count; i++)
		if (strcmp(errors->items[i].field, field) == 0)
			return views_message(app->views, req->lang, errors->items[i].key);
	return NULL;
}

/* The group's fieldset, created the first time one of its questions comes. */
static json_t *group_items(const struct app *app, const struct request *req, json_t *groups, const char *group)
{
	size_t i;
	json_t *g;
	json_array_foreach(groups, i, g)
		if (strcmp(json_string_value(json_object_get(g, "group")), group) == 0)
			return json_object_get(g, "items");
	char key[64];
	snprintf(key, sizeof(key), "group_%s", group);
	json_t *items = json_array();
	json_array_append_new(groups, json_pack("{s:s, s:s, s:o}", "group", group, "label",
						views_message(app->views, req->lang, key), "items", items));
	return items;
}

json_t *declaration_view(const struct app *app, const struct request *req, const struct declaration_given *given_answers,
			 const struct field_errors *errors)
{
	json_t *questions = declaration_form_questions(declaration_for(app->declarations, req->tenant));
	json_t *groups = json_array(), *asked = json_array();
	size_t i;
	json_t *q;
	json_array_foreach(questions, i, q) {
		const char *id = json_string_value(json_object_get(q, "id"));
		const char *given = given_answers && i < DECLARATION_QUESTIONS_MAX ? given_answers->values[i] : NULL;
		const char *error = error_of(app, req, errors, id);
		if (is_checkbox(q)) {
			json_t *item = json_pack("{s:s, s:s, s:b}", "id", id, "label", question_text(req, q), "checked",
						 given && strcmp(given, "yes") == 0);
			if (error)
				json_object_set_new(item, "error", json_string(error));
			json_array_append_new(group_items(app, req, groups, json_string_value(json_object_get(q, "group"))),
					      item);
			continue;
		}
		json_t *options = json_array();
		json_t *choices = json_object_get(q, "options");
		if (json_is_array(choices)) {
			size_t k;
			json_t *o;
			json_array_foreach(choices, k, o)
				json_array_append_new(options, json_pack("{s:s, s:s, s:b}", "value", json_string_value(o),
									 "label", json_string_value(o), "checked",
									 given && strcmp(given, json_string_value(o)) == 0));
		} else {
			json_array_append_new(options, json_pack("{s:s, s:s, s:b}", "value", "yes", "label",
								 views_message(app->views, req->lang, "answer_yes"),
								 "checked", given && strcmp(given, "yes") == 0));
			json_array_append_new(options, json_pack("{s:s, s:s, s:b}", "value", "no", "label",
								 views_message(app->views, req->lang, "answer_no"),
								 "checked", given && strcmp(given, "no") == 0));
		}
		json_t *item = json_pack("{s:s, s:s, s:o}", "id", id, "label", question_text(req, q), "options", options);
		if (error)
			json_object_set_new(item, "error", json_string(error));
		json_array_append_new(asked, item);
	}
	return json_pack("{s:o, s:o}", "groups", groups, "questions", asked);
}

/* What a field shows: as typed when it was sent, else as stored, else empty. */
static const char *shown(const char *typed, const char *stored)
{
	return typed ? typed : stored ? stored : "";
}

json_t *person_fields_view(const struct app *app, const struct request *req, const struct person_typed *typed,
			   const struct person *p)
{
	const struct person_typed none = { 0 }, *t = typed ? typed : &none;
	json_t *genders = json_array();
	char year[8] = "";
	if (p && p->birth_year)
		snprintf(year, sizeof(year), "%d", p->birth_year);
	const char *gender = shown(t->gender, p ? person_gender_names[p->gender] : NULL);
	for (int g = GENDER_MALE; g < GENDER_COUNT; g++) {
		char key[32];
		snprintf(key, sizeof(key), "gender_%s", person_gender_names[g]);
		json_array_append_new(genders, json_pack("{s:s, s:s, s:b}", "value", person_gender_names[g], "label",
							 views_message(app->views, req->lang, key), "checked",
							 strcmp(gender, person_gender_names[g]) == 0));
	}
	return json_pack("{s:s, s:s, s:s, s:s, s:s, s:o, s:o}", "full_name",
			 shown(t->full_name, p ? p->full_name : NULL), "phone", shown(t->phone, p ? p->phone : NULL),
			 "id_number", shown(t->id_number, p ? p->id_number : NULL), "birth_year",
			 shown(t->birth_year, year), "address", shown(t->address, p ? p->address : NULL),
			 "genders", genders, "areas",
			 area_choices_json(app, req, shown(t->area_code, p ? p->area_code : NULL)));
}

void person_fields_fold(json_t *person, const struct person_typed *typed, const struct field_errors *errors)
{
	/* The fields the resident's form folds into "more" (person-fields.html's details). */
	const struct {
		const char *name;
		const char *typed;
	} folded[] = {
		{ "birth_year", typed ? typed->birth_year : NULL }, { "gender", typed ? typed->gender : NULL },
		{ "id_number", typed ? typed->id_number : NULL },   { "area_code", typed ? typed->area_code : NULL },
		{ "address", typed ? typed->address : NULL },
	};
	bool open = false;
	for (size_t i = 0; i < sizeof(folded) / sizeof(folded[0]) && !open; i++)
		open = (folded[i].typed && *folded[i].typed) || (errors && field_errors_has(errors, folded[i].name));
	json_object_set_new(person, "fold", json_pack("{s:b}", "open", open));
}

/* The form's fields that are not questions of the declaration: each one's element id (the
 * summary's link goes there) is its name; its label is this message. */
static const struct {
	const char *field;
	const char *label_key;
} form_field_labels[] = {
	{ "full_name", "person_full_name" },
	{ "phone", "person_phone" },
	{ "birth_year", "person_birth_year" },
	{ "gender", "person_gender" },
	{ "id_number", "person_id_number" },
	{ "area_code", "person_area" },
	{ "address", "person_address" },
	{ "consent", "privacy_title" },
};

json_t *error_summary_view(const struct app *app, const struct request *req, const struct field_errors *errors)
{
	json_t *questions = declaration_form_questions(declaration_for(app->declarations, req->tenant));
	json_t *list = json_array();
	for (size_t i = 0; i < errors->count; i++) {
		const char *field = errors->items[i].field;
		bool again = false;
		for (size_t k = 0; k < i && !again; k++)
			again = strcmp(errors->items[k].field, field) == 0;
		if (again)
			continue;
		json_t *item = json_pack("{s:s}", "message", views_message(app->views, req->lang, errors->items[i].key));
		json_t *q = question_by_id(questions, field);
		for (size_t k = 0; k < sizeof(form_field_labels) / sizeof(form_field_labels[0]) && !q; k++) {
			if (strcmp(form_field_labels[k].field, field) != 0)
				continue;
			json_object_set_new(item, "anchor", json_string(field));
			json_object_set_new(item, "label", json_string(views_message(app->views, req->lang,
										    form_field_labels[k].label_key)));
		}
		if (q) {
			char anchor[80];
			snprintf(anchor, sizeof(anchor), "q-%s", field);
			json_object_set_new(item, "anchor", json_string(anchor));
			json_object_set_new(item, "label", json_string(question_text(req, q)));
		}
		json_array_append_new(list, item);
	}
	return list;
}

json_t *answers_hidden_view(const char *answers)
{
	json_t *out = json_array();
	char copy[ANSWERS_TEXT_MAX + 1];
	snprintf(copy, sizeof(copy), "%s", answers);
	char *save = NULL;
	for (char *pair = strtok_r(copy, ";", &save); pair; pair = strtok_r(NULL, ";", &save)) {
		char *eq = strchr(pair, '=');
		if (!eq)
			continue;
		*eq = '\0';
		json_array_append_new(out, json_pack("{s:s, s:s}", "id", pair, "value", eq + 1));
	}
	return out;
}

void answers_text(const struct app *app, const struct request *req, const char *answers, bool unreadable,
		  struct buf *out)
{
	if (unreadable) {
		buf_puts(out, views_message(app->views, req->lang, "answers_unreadable"));
		return;
	}
	if (declaration_is_verbal(answers)) {
		buf_puts(out, views_message(app->views, req->lang, "gate_verbal"));
		return;
	}
	json_t *questions = declaration_form_questions(declaration_for(app->declarations, req->tenant));
	char copy[ANSWERS_TEXT_MAX + 1];
	snprintf(copy, sizeof(copy), "%s", answers);
	char *save = NULL;
	bool first = true;
	for (char *pair = strtok_r(copy, ";", &save); pair; pair = strtok_r(NULL, ";", &save)) {
		char *eq = strchr(pair, '=');
		if (!eq)
			continue;
		*eq = '\0';
		json_t *q = question_by_id(questions, pair);
		const char *label = q ? question_text(req, q) : NULL, *value = eq + 1;
		if (strcmp(value, "yes") == 0 || strcmp(value, "no") == 0)
			value = views_message(app->views, req->lang, value[0] == 'y' ? "answer_yes" : "answer_no");
		buf_printf(out, "%s%s: %s", first ? "" : " · ", label ? label : pair, value);
		first = false;
	}
	crypto_wipe(copy, sizeof(copy));
}

void confirmation_shown_of(const struct app *app, const struct request *req, const struct venue *v,
			   const struct checkin_result *r, struct confirmation_shown *out)
{
	time_t pressed = 0;
	char local[17] = "", time_key[32];
	out->time_text[0] = '\0';
	/* "HH:MM · DD/MM/YYYY", as people read a time and a date here. */
	if (utc_datetime_parse(r->pressed_at, &pressed) == 0) {
		vn_time_format(pressed, local);
		snprintf(out->time_text, sizeof(out->time_text), "%.5s · %.2s/%.2s/%.4s", local + 11, local + 8,
			 local + 5, local);
	}
	bool in = strcmp(r->direction, "in") == 0;
	out->venue = v->name;
	out->direction = r->direction;
	out->direction_label = views_message(app->views, req->lang, in ? "checkin_in_done" : "checkin_out_done");
	out->given_name = r->given_name;
	out->time = out->time_text;
	out->check_code = r->check_code;
	out->time_note = NULL;
	if (r->time_note[0]) {
		snprintf(time_key, sizeof(time_key), "time_note_%s", r->time_note);
		out->time_note = views_message(app->views, req->lang, time_key);
	}
	out->amber = r->amber;
	out->already = r->already;
}

json_t *confirmation_json(const struct confirmation_shown *c)
{
	json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:b, s:b}", "venue", c->venue, "direction", c->direction,
			      "direction_label", c->direction_label, "given_name", c->given_name, "check_code",
			      c->check_code, "time", c->time, "amber", c->amber, "already", c->already);
	if (c->time_note)
		json_object_set_new(o, "time_note", json_string(c->time_note));
	return o;
}

json_t *confirmation_view(const struct app *app, const struct request *req, const struct venue *v,
			  const struct checkin_result *r)
{
	struct confirmation_shown c;
	confirmation_shown_of(app, req, v, r, &c);
	return confirmation_json(&c);
}
