/* Unit tests for the poster renderer and the QR adapter: every layout in every format, read back with zbarimg and poppler. */
#include "unit.h"

#include <stdbool.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "adapters/qr.h"
#include "adapters/render.h"
#include "base/buf.h"
#include "base/utf8.h"
#include "base/xmalloc.h"

/* The layouts the venue code and the wallet cards use; run from the repository root. */
#define LAYOUT_DIR "templates/posters"
#define TEST_URL "https://qr.hanoi.gov.vn/ha-noi/c/ABCD2345EFGH"
#define LONG_NAME "Chợ Đầm — Quầy số 12, Nguyễn Thị Ánh Tuyết"
/* Exactly 200 characters, the longest venue name the venue form takes. */
#define NAME_200 "Nhà văn hóa và trung tâm dịch vụ cộng đồng liên phường Nguyễn Thị Minh Khai — Khu tập thể " \
	"Kim Liên, điểm tiêm chủng, khám sức khỏe định kỳ và tư vấn pháp lý miễn phí cho người cao tuổi ở " \
	"quận Đống Đa."
#define ERR_MAX 512
#define PATH_MAX_TEST 512
/* Most QR boxes one page of a test layout has (tent: one per half). */
#define QR_BOXES_MAX 8
#define PT_PER_MM (72.0 / 25.4)
/* Resolution the done-when rasterizes PDFs and SVGs at. */
#define RASTER_DPI "150"
/* Pages in the bulk test: enough to show pages are independent; the 1,000-page run and its
 * memory ceiling are the benchmark's (ASan would distort both here). */
#define BULK_PAGES 50

/*
 * LeakSanitizer reads fontconfig's patterns and charsets as leaked: fontconfig stores many of
 * its pointers as offsets, which no scan can follow. They are the renderer's process-wide font
 * state, made once and bounded (about 13 KB here); the suppression names only that library.
 */
const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void)
{
	return "leak:libfontconfig.so\n";
}

/* Without the table of suppressions used, which would print after every clean run. */
const char *__lsan_default_options(void);
const char *__lsan_default_options(void)
{
	return "print_suppressions=0";
}

static char tmpdir[] = "/tmp/vaora-test-render.XXXXXX";
static struct render_layouts *layouts;

struct box {
	double x0, y0, x1, y1;	/* pt, page coordinates, y down (as pdftotext -bbox reports) */
};

/* Runs a shell command and returns its standard output; the caller frees it. Fails the test
 * when the command cannot run or exits non-zero. */
static char *run(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static char *run(const char *fmt, ...)
{
	char cmd[4 * PATH_MAX_TEST];
	char chunk[4096];
	struct buf out = BUF_INIT;
	va_list ap;
	size_t n;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	FILE *p = popen(cmd, "r");
	if (!p)
		fail_msg("cannot run %s", cmd);
	while ((n = fread(chunk, 1, sizeof(chunk), p)) > 0)
		buf_append(&out, chunk, n);
	int status = pclose(p);
	if (status != 0)
		fail_msg("%s: exit status %d", cmd, status);
	return buf_take(&out);
}

static int file_write(void *ctx, const unsigned char *data, size_t n)
{
	return fwrite(data, 1, n, ctx) == n ? 0 : -1;
}

/* Counts bytes and, when limit is set, refuses the write that would pass it. */
struct counter {
	size_t bytes;
	size_t limit;
};

static int count_write(void *ctx, const unsigned char *data, size_t n)
{
	struct counter *c = ctx;
	(void)data;
	if (c->limit && c->bytes + n > c->limit)
		return -1;
	c->bytes += n;
	return 0;
}

/* The values the venue code passes, with name as venue name (and as a card's name line). */
static json_t *poster_values(const char *name)
{
	json_t *v = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s}",
			      "province_name", "Thành phố Hà Nội",
			      "venue_name", name,
			      "venue_address", "Số 2 đường Phan Bội Châu, phường Xương Huân, TP Nha Trang",
			      "instructions_vi", "Quét mã QR bằng camera điện thoại để khai báo vào/ra",
			      "instructions_en", "Scan the QR code with your phone camera to check in or out",
			      "short_code_label", "Mã địa điểm:",
			      "short_code", "ABCD2345EFGH",
			      "url", TEST_URL,
			      "qr", TEST_URL,
			      "version_line", "Phiên bản 2 · cấp ngày 22/11/2026",
			      "name_line", name,
			      "instructions", "Đưa mã này cho nhân viên hoặc quét tại cổng để khai báo vào/ra");
	assert_non_null(v);
	return v;
}

static const struct render_layout *layout(const char *name)
{
	const struct render_layout *l = render_layouts_get(layouts, name);
	if (!l)
		fail_msg("no layout %s in %s", name, LAYOUT_DIR);
	return l;
}

static void render_file(const char *layout_name, enum render_format f, unsigned png_width, const char *name,
			const char *path)
{
	FILE *out = fopen(path, "w");
	assert_non_null(out);
	json_t *v = poster_values(name);
	struct render_doc *d = render_begin(layout(layout_name), f, png_width, file_write, out);
	assert_non_null(d);
	assert_int_equal(render_page(d, v), 0);
	assert_int_equal(render_end(d), 0);
	json_decref(v);
	assert_int_equal(fclose(out), 0);
}

/*
 * The page-space QR boxes of a layout file, computed from the JSON here rather than asked of
 * the renderer, so a mistake in its panel arithmetic cannot hide itself. Returns how many.
 */
static size_t qr_boxes(const char *layout_name, struct box *boxes, double *page_w, double *page_h)
{
	char path[PATH_MAX_TEST];
	json_error_t jerr;
	size_t n = 0;

	snprintf(path, sizeof(path), "%s/%s.json", LAYOUT_DIR, layout_name);
	json_t *root = json_load_file(path, 0, &jerr);
	if (!root)
		fail_msg("%s: %s", path, jerr.text);
	double w = json_number_value(json_object_get(root, "width"));
	double h = json_number_value(json_object_get(root, "height"));
	json_t *panels = json_object_get(root, "panels");
	size_t npanels = panels ? json_array_size(panels) : 1;
	json_t *elements = json_object_get(root, "elements");
	for (size_t k = 0; k < npanels; k++) {
		double px = 0, py = 0, pw = w, ph = h;
		bool turned = false;
		if (panels) {
			json_t *p = json_array_get(panels, k), *b = json_object_get(p, "box");
			px = json_number_value(json_array_get(b, 0));
			py = json_number_value(json_array_get(b, 1));
			pw = json_number_value(json_array_get(b, 2));
			ph = json_number_value(json_array_get(b, 3));
			turned = json_integer_value(json_object_get(p, "rotate")) == 180;
		}
		for (size_t i = 0; i < json_array_size(elements); i++) {
			json_t *e = json_array_get(elements, i), *b = json_object_get(e, "box");
			if (strcmp(json_string_value(json_object_get(e, "type")), "qr") != 0)
				continue;
			double x = json_number_value(json_array_get(b, 0)), y = json_number_value(json_array_get(b, 1));
			double s = json_number_value(json_array_get(b, 2));
			if (turned) {
				x = pw - x - s;
				y = ph - y - s;
			}
			assert_true(n < QR_BOXES_MAX);
			boxes[n++] = (struct box){ (px + x) * PT_PER_MM, (py + y) * PT_PER_MM, (px + x + s) * PT_PER_MM,
						   (py + y + s) * PT_PER_MM };
		}
	}
	*page_w = w * PT_PER_MM;
	*page_h = h * PT_PER_MM;
	json_decref(root);
	return n;
}

/* zbarimg finds exactly `codes` symbols in the image, each the test URL. */
static void assert_decodes(const char *png, size_t codes)
{
	char *out = run("zbarimg --nodbus --raw -q '%s'", png);
	size_t found = 0;
	for (char *line = strtok(out, "\n"); line; line = strtok(NULL, "\n")) {
		if (strcmp(line, TEST_URL) != 0)
			fail_msg("%s: decoded \"%s\", want \"%s\"", png, line, TEST_URL);
		found++;
	}
	if (found != codes)
		fail_msg("%s: %zu QR codes decoded, want %zu", png, found, codes);
	free(out);
}

static void assert_pdf_decodes(const char *pdf, size_t codes)
{
	char png[PATH_MAX_TEST + 16];
	snprintf(png, sizeof(png), "%s.raster", pdf);
	free(run("pdftoppm -r " RASTER_DPI " -png -singlefile '%s' '%s'", pdf, png));
	snprintf(png, sizeof(png), "%s.raster.png", pdf);
	assert_decodes(png, codes);
}

static void assert_svg_decodes(const char *svg, size_t codes)
{
	char png[PATH_MAX_TEST + 16];
	snprintf(png, sizeof(png), "%s.png", svg);
	free(run("rsvg-convert -d " RASTER_DPI " -p " RASTER_DPI " -b white -o '%s' '%s'", png, svg));
	assert_decodes(png, codes);
}

/* Every font embedded, and only Noto Sans: nothing else installed may leak into a poster. */
static void assert_fonts_embedded(const char *pdf)
{
	/* Past the two header lines, one line a font; columns from the right: generation,
	 * object number, uni, sub, emb. */
	char *out = run("pdffonts '%s' | tail -n +3", pdf);
	size_t fonts = 0;
	char *save = NULL;
	for (char *line = strtok_r(out, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *tok[32], *tsave = NULL;
		size_t n = 0;
		for (char *t = strtok_r(line, " ", &tsave); t && n < 32; t = strtok_r(NULL, " ", &tsave))
			tok[n++] = t;
		if (n < 7)
			fail_msg("%s: odd pdffonts line", pdf);
		if (strcmp(tok[n - 5], "yes") != 0)
			fail_msg("%s: font %s not embedded", pdf, tok[0]);
		if (!strstr(tok[0], "NotoSans-"))
			fail_msg("%s: font %s is not Noto Sans", pdf, tok[0]);
		fonts++;
	}
	free(out);
	if (fonts == 0)
		fail_msg("%s: no fonts", pdf);
}

static void assert_no_images(const char *pdf)
{
	char *out = run("pdfimages -list '%s' | tail -n +3", pdf);
	if (out[0])
		fail_msg("%s: raster images, want none:\n%s", pdf, out);
	free(out);
}

/* s with every run of white space made one space, trimmed. */
static char *squeeze(const char *s)
{
	char *out = xmalloc(strlen(s) + 1), *o = out;
	bool space = false;
	for (; *s; s++) {
		if (*s == ' ' || *s == '\n' || *s == '\t' || *s == '\f' || *s == '\r') {
			space = o != out;
			continue;
		}
		if (space)
			*o++ = ' ';
		space = false;
		*o++ = *s;
	}
	*o = '\0';
	return out;
}

static void assert_text_has(const char *pdf, const char *want)
{
	char *raw = run("pdftotext -enc UTF-8 '%s' -", pdf);
	char *text = squeeze(raw), *w = squeeze(want);
	if (!strstr(text, w))
		fail_msg("%s: text does not hold \"%s\":\n%s", pdf, w, text);
	free(raw);
	free(text);
	free(w);
}

static bool intersects(const struct box *a, const struct box *b)
{
	return a->x0 < b->x1 && b->x0 < a->x1 && a->y0 < b->y1 && b->y0 < a->y1;
}

/* Every word pdftotext sees lies inside the page and clear of every QR box. */
static void assert_words_placed(const char *pdf, const char *layout_name)
{
	struct box qr[QR_BOXES_MAX];
	double w, h;
	size_t nqr = qr_boxes(layout_name, qr, &w, &h);
	char *out = run("pdftotext -bbox '%s' -", pdf);
	size_t words = 0;
	const double slack = 0.01;

	assert_true(nqr > 0);
	for (const char *p = strstr(out, "<word "); p; p = strstr(p + 1, "<word ")) {
		struct box b;
		if (sscanf(p, "<word xMin=\"%lf\" yMin=\"%lf\" xMax=\"%lf\" yMax=\"%lf\"", &b.x0, &b.y0, &b.x1, &b.y1) != 4)
			fail_msg("%s: odd word line", pdf);
		const char *end = strchr(p, '\n');
		int len = end ? (int)(end - p) : (int)strlen(p);
		if (b.x0 < -slack || b.y0 < -slack || b.x1 > w + slack || b.y1 > h + slack)
			fail_msg("%s (%s): word leaves the %.1f x %.1f pt page: %.*s", pdf, layout_name, w, h, len, p);
		for (size_t i = 0; i < nqr; i++)
			if (intersects(&b, &qr[i]))
				fail_msg("%s (%s): word on the QR box: %.*s", pdf, layout_name, len, p);
		words++;
	}
	if (words < 10)
		fail_msg("%s: only %zu words", pdf, words);
	free(out);
}

static size_t panels_of(const char *layout_name)
{
	return strcmp(layout_name, "tent") == 0 ? 2 : 1;
}

/* One layout: every format with a long name, and the 200-character name in PDF and shared PNG. */
static void check_layout(const char *name)
{
	char path[PATH_MAX_TEST];
	size_t codes = panels_of(name);

	snprintf(path, sizeof(path), "%s/%s.pdf", tmpdir, name);
	render_file(name, RENDER_PDF, 0, LONG_NAME, path);
	assert_pdf_decodes(path, codes);
	assert_fonts_embedded(path);
	assert_no_images(path);
	assert_text_has(path, LONG_NAME);
	assert_words_placed(path, name);

	snprintf(path, sizeof(path), "%s/%s-200.pdf", tmpdir, name);
	render_file(name, RENDER_PDF, 0, NAME_200, path);
	assert_pdf_decodes(path, codes);
	assert_fonts_embedded(path);
	assert_no_images(path);
	assert_words_placed(path, name);

	snprintf(path, sizeof(path), "%s/%s-print.png", tmpdir, name);
	render_file(name, RENDER_PNG, 0, LONG_NAME, path);
	assert_decodes(path, codes);

	snprintf(path, sizeof(path), "%s/%s-1080.png", tmpdir, name);
	render_file(name, RENDER_PNG, 1080, LONG_NAME, path);
	assert_decodes(path, codes);

	snprintf(path, sizeof(path), "%s/%s-200-1080.png", tmpdir, name);
	render_file(name, RENDER_PNG, 1080, NAME_200, path);
	assert_decodes(path, codes);

	snprintf(path, sizeof(path), "%s/%s.svg", tmpdir, name);
	render_file(name, RENDER_SVG, 0, LONG_NAME, path);
	assert_svg_decodes(path, codes);
	/* Vector only: no embedded bitmaps, and glyphs as outlines (no font needed to view it). */
	char *images = run("grep -c -e '<image' -e '<text' '%s' || true", path);
	assert_string_equal(images, "0\n");
	free(images);
}

static void test_a4(void **state)
{
	(void)state;
	check_layout("a4");
}

static void test_a5(void **state)
{
	(void)state;
	check_layout("a5");
}

static void test_a6(void **state)
{
	(void)state;
	check_layout("a6");
}

static void test_tent(void **state)
{
	(void)state;
	check_layout("tent");
}

static void test_card(void **state)
{
	(void)state;
	check_layout("card");
}

static void test_qr_encode(void **state)
{
	struct qr q = { 0 };
	(void)state;

	assert_int_equal(qr_encode(TEST_URL, QR_LEVEL_M, &q), 0);
	/* 45 bytes at M: version 4, 33 modules. */
	assert_int_equal(q.width, 33);
	/* Finder pattern: the top row of the top-left 7 x 7 square is dark, the module after it light. */
	for (int x = 0; x < 7; x++)
		assert_int_equal(q.dark[x], 1);
	assert_int_equal(q.dark[7], 0);
	qr_free(&q);
	assert_null(q.dark);
	assert_int_equal(qr_encode(TEST_URL, QR_LEVEL_H, &q), 0);
	assert_true(q.width > 33);
	qr_free(&q);

	assert_int_equal(qr_encode("", QR_LEVEL_M, &q), -1);
	assert_null(q.dark);
	char *big = xmalloc(QR_TEXT_MAX + 2);
	memset(big, 'a', QR_TEXT_MAX + 1);
	big[QR_TEXT_MAX + 1] = '\0';
	assert_int_equal(qr_encode(big, QR_LEVEL_M, &q), -1);
	free(big);
	qr_free(&q);
}

static void test_layouts(void **state)
{
	struct box qr[QR_BOXES_MAX];
	double w, h;
	(void)state;

	assert_null(render_layouts_get(layouts, "nope"));
	/* The issue: at least 15 x 15 cm on A4. */
	assert_int_equal(qr_boxes("a4", qr, &w, &h), 1);
	assert_true(qr[0].x1 - qr[0].x0 >= 150 * PT_PER_MM);
	assert_int_equal((int)(w / PT_PER_MM + 0.5), 210);
	assert_int_equal(qr_boxes("tent", qr, &w, &h), 2);
	assert_true(utf8_length(NAME_200, strlen(NAME_200)) == 200);
}

/* Writes src to tmpdir/name.json, loads it, and checks it is refused with want in the message. */
static void assert_refused(const char *name, const char *src, const char *want)
{
	char path[PATH_MAX_TEST], err[ERR_MAX] = "";
	snprintf(path, sizeof(path), "%s/%s.json", tmpdir, name);
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(src, f);
	assert_int_equal(fclose(f), 0);
	struct render_layout *l = render_layout_load(path, err, sizeof(err));
	if (l) {
		render_layout_free(l);
		fail_msg("%s: accepted, want \"%s\"", name, want);
	}
	if (strncmp(err, path, strlen(path)) != 0 || !strstr(err, want))
		fail_msg("%s: error \"%s\", want \"%s: ...%s...\"", name, err, path, want);
}

#define PAGE "\"width\": 100, \"height\": 100, "
#define QR_ELEMENT "{\"type\": \"qr\", \"key\": \"qr\", \"box\": [20, 20, 60, 60]}"

static void test_bad_layouts(void **state)
{
	char err[ERR_MAX] = "";
	(void)state;

	assert_null(render_layout_load("/nonexistent/a4.json", err, sizeof(err)));
	assert_string_equal(err, "/nonexistent/a4.json: No such file or directory");
	assert_refused("overlap", "{" PAGE "\"elements\": [" QR_ELEMENT ", "
		       "{\"type\": \"text\", \"key\": \"venue_name\", \"box\": [10, 75, 80, 10], \"size\": 12}]}",
		       "elements[1]: text box within 1 mm of the QR box of elements[0]");
	assert_refused("near", "{" PAGE "\"elements\": [" QR_ELEMENT ", "
		       "{\"type\": \"text\", \"key\": \"venue_name\", \"box\": [10, 80.5, 80, 10], \"size\": 12}]}",
		       "within 1 mm");
	assert_refused("off-page", "{" PAGE "\"elements\": [" QR_ELEMENT ", "
		       "{\"type\": \"text\", \"key\": \"venue_name\", \"box\": [10, 85, 80, 20], \"size\": 12}]}",
		       "elements[1]: box leaves the page");
	assert_refused("unknown-type", "{" PAGE "\"elements\": [{\"type\": \"image\", \"box\": [0, 0, 10, 10]}]}",
		       "elements[0]: type must be one of \"text\", \"qr\", \"rect\"");
	assert_refused("unknown-member", "{" PAGE "\"elements\": [{\"type\": \"rect\", \"box\": [0, 0, 10, 10], "
		       "\"colour\": \"#000000\"}]}", "unknown member \"colour\"");
	assert_refused("not-square", "{" PAGE "\"elements\": [{\"type\": \"qr\", \"key\": \"qr\", "
		       "\"box\": [0, 0, 10, 20]}]}", "square");
	assert_refused("rect-over-qr", "{" PAGE "\"elements\": [" QR_ELEMENT ", "
		       "{\"type\": \"rect\", \"box\": [0, 0, 100, 30], \"fill\": \"#B71C1C\"}]}",
		       "drawn over the QR box");
	assert_refused("bad-color", "{" PAGE "\"elements\": [{\"type\": \"rect\", \"box\": [0, 0, 10, 10], "
		       "\"fill\": \"red\"}]}", "fill must be \"#RRGGBB\"");
	assert_refused("too-low", "{" PAGE "\"elements\": [{\"type\": \"text\", \"text\": \"x\", "
		       "\"box\": [0, 0, 50, 2], \"size\": [20, 10]}]}", "lower than one line");
	assert_refused("syntax", "{" PAGE "\"elements\": [}", "line 1:");
	assert_refused("panel-off", "{" PAGE "\"panels\": [{\"box\": [0, 50, 100, 60]}], \"elements\": [" QR_ELEMENT
		       "]}", "panels[0]: box leaves the page");
	assert_refused("panel-overlap", "{" PAGE "\"panels\": [{\"box\": [0, 0, 100, 60]}, {\"box\": [0, 50, 100, 50], "
		       "\"rotate\": 180}], \"elements\": [{\"type\": \"rect\", \"box\": [0, 0, 10, 10], \"fill\": "
		       "\"#000000\"}]}", "panels[1]: overlaps panels[0]");
	assert_refused("rotate-90", "{" PAGE "\"panels\": [{\"box\": [0, 0, 100, 50], \"rotate\": 90}], "
		       "\"elements\": [" QR_ELEMENT "]}", "rotate must be 0 or 180");

	/* A folder with one bad layout is refused as a whole, naming the file. */
	char dir[PATH_MAX_TEST];
	snprintf(dir, sizeof(dir), "%s/set", tmpdir);
	assert_int_equal(mkdir(dir, 0700), 0);
	free(run("cp " LAYOUT_DIR "/a4.json '%s'/ && printf '{}' > '%s'/broken.json", dir, dir));
	assert_null(render_layouts_load(dir, err, sizeof(err)));
	assert_non_null(strstr(err, "/broken.json: "));
	assert_null(render_layouts_load("/nonexistent", err, sizeof(err)));
}

static void test_values_refused(void **state)
{
	struct counter c = { 0, 0 };
	(void)state;

	json_t *v = poster_values(LONG_NAME);
	struct render_doc *d = render_begin(layout("a6"), RENDER_PDF, 0, count_write, &c);
	assert_non_null(d);
	json_object_del(v, "qr");
	assert_int_equal(render_page(d, v), -1);
	json_object_set_new(v, "qr", json_string(TEST_URL));
	json_object_set_new(v, "venue_name", json_integer(12));
	assert_int_equal(render_page(d, v), -1);
	json_object_set_new(v, "venue_name", json_string(LONG_NAME));
	/* A missing optional line draws nothing; the page still renders. */
	json_object_set_new(v, "instructions_en", json_string(""));
	assert_int_equal(render_page(d, v), 0);
	assert_int_equal(render_page(d, NULL), -1);
	assert_int_equal(render_end(d), 0);

	/* A PNG holds one page; a document without pages is an error. */
	d = render_begin(layout("card"), RENDER_PNG, 300, count_write, &c);
	assert_non_null(d);
	assert_int_equal(render_page(d, v), 0);
	assert_int_equal(render_page(d, v), -1);
	assert_int_equal(render_end(d), 0);
	d = render_begin(layout("card"), RENDER_SVG, 0, count_write, &c);
	assert_int_equal(render_end(d), -1);
	/* Absurd PNG sizes are refused up front. */
	assert_null(render_begin(layout("a4"), RENDER_PNG, 100000, count_write, &c));

	/* A writer that stops (a client gone) fails the document, and nothing crashes. */
	struct counter stop = { 0, 2000 };
	d = render_begin(layout("a4"), RENDER_PDF, 0, count_write, &stop);
	for (int i = 0; i < 5; i++)
		render_page(d, v);
	assert_int_equal(render_end(d), -1);
	json_decref(v);
}

/* A bars element: its box must hold a chart; its value must be "label<TAB>number" lines, else
 * the page is refused before anything is drawn; a good one draws its labels and numbers. */
static void test_bars_chart(void **state)
{
	char path[PATH_MAX_TEST];
	struct counter c = { 0, 0 };
	(void)state;

	assert_refused("bars-small", "{" PAGE "\"elements\": [{\"type\": \"bars\", \"key\": \"chart\", "
		       "\"box\": [0, 0, 100, 20]}]}", "a chart needs a box of at least 30 mm");
	const char *const bad[] = { "11-04 12\n", "11-04\t-3\n", "11-04\tmany\n", "a-label-longer-than-16\t1\n" };
	json_t *v = json_pack("{s:s}", "heading", "Báo cáo ngày 2026-12-02");
	struct render_doc *d = render_begin(layout("report"), RENDER_PDF, 0, count_write, &c);
	assert_non_null(d);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		json_object_set_new(v, "chart", json_string(bad[i]));
		if (render_page(d, v) != -1)
			fail_msg("bars value \"%s\" was drawn", bad[i]);
	}
	struct buf many = BUF_INIT;
	for (int i = 0; i <= RENDER_BARS_MAX; i++)
		buf_printf(&many, "%02d\t%d\n", i % 100, i);
	json_object_set_new(v, "chart", json_string(buf_str(&many)));
	assert_int_equal(render_page(d, v), -1);
	buf_free(&many);
	render_end(d);

	snprintf(path, sizeof(path), "%s/bars.pdf", tmpdir);
	FILE *out = fopen(path, "w");
	assert_non_null(out);
	json_object_set_new(v, "chart", json_string("11-30\t0\n12-01\t417\n12-02\t1234"));
	d = render_begin(layout("report"), RENDER_PDF, 0, file_write, out);
	assert_int_equal(render_page(d, v), 0);
	assert_int_equal(render_end(d), 0);
	assert_int_equal(fclose(out), 0);
	/* The scale (0, half, the largest), each column's number and the labels. */
	assert_text_has(path, "1234");
	assert_text_has(path, "617");
	assert_text_has(path, "417");
	assert_text_has(path, "12-01");
	json_decref(v);
}

/* The PNG says its resolution (pHYs right after IHDR): a print shop sees 300 dpi. */
static void test_png_resolution(void **state)
{
	char path[PATH_MAX_TEST];
	unsigned char head[8 + 25 + 21];
	(void)state;

	snprintf(path, sizeof(path), "%s/res.png", tmpdir);
	render_file("a4", RENDER_PNG, 0, LONG_NAME, path);
	FILE *f = fopen(path, "r");
	assert_non_null(f);
	assert_int_equal(fread(head, 1, sizeof(head), f), sizeof(head));
	fclose(f);
	unsigned long width = (unsigned long)head[16] << 24 | head[17] << 16 | head[18] << 8 | head[19];
	assert_int_equal(width, 2480);	/* A4 at 300 dpi */
	assert_memory_equal(head + 33 + 4, "pHYs", 4);
	unsigned long ppm = (unsigned long)head[41] << 24 | head[42] << 16 | head[43] << 8 | head[44];
	assert_int_equal(ppm, 11810);	/* 2480 px over 0.210 m */
	unsigned long height = (unsigned long)head[20] << 24 | head[21] << 16 | head[22] << 8 | head[23];
	assert_int_equal(height, 3508);
	/* A chunk with a bad CRC would make libpng, and so zbarimg, refuse the file. */
	assert_decodes(path, 1);
}

/* Only the private fonts: a snowman, which Noto Sans lacks but DejaVu Sans and Noto Sans
 * Symbols2 (both installed here) have, must not pull either into the PDF. */
static void test_private_fonts(void **state)
{
	char path[PATH_MAX_TEST];
	(void)state;

	snprintf(path, sizeof(path), "%s/snowman.pdf", tmpdir);
	render_file("a6", RENDER_PDF, 0, "Quán kem \u2603 Tuyết", path);
	assert_fonts_embedded(path);
	assert_pdf_decodes(path, 1);
}

/* A file writer that also counts what it was given. */
struct counted_file {
	FILE *f;
	size_t bytes;
};

static int counted_file_write(void *ctx, const unsigned char *data, size_t n)
{
	struct counted_file *c = ctx;
	c->bytes += n;
	return file_write(c->f, data, n);
}

/* Many pages in one stream, each with its own venue: page 37 shows venue 37, and pages reach
 * the writer as they are drawn, not all at the end. */
static void test_bulk_pdf(void **state)
{
	char path[PATH_MAX_TEST], name[128];
	struct counted_file out = { NULL, 0 };
	size_t half = 0;
	(void)state;

	snprintf(path, sizeof(path), "%s/bulk.pdf", tmpdir);
	out.f = fopen(path, "w");
	assert_non_null(out.f);
	struct render_doc *d = render_begin(layout("a4"), RENDER_PDF, 0, counted_file_write, &out);
	assert_non_null(d);
	for (int i = 1; i <= BULK_PAGES; i++) {
		json_t *v = poster_values(LONG_NAME);
		snprintf(name, sizeof(name), "Chợ Đầm — Quầy số %d", i);
		json_object_set_new(v, "venue_name", json_string(name));
		assert_int_equal(render_page(d, v), 0);
		json_decref(v);
		if (i == BULK_PAGES / 2)
			half = out.bytes;
	}
	assert_int_equal(render_end(d), 0);
	assert_int_equal(fclose(out.f), 0);
	/* Half the pages: well over a third of the bytes (fonts and the trailer come at the end). */
	if (half * 3 < out.bytes)
		fail_msg("only %zu of %zu bytes written after half the pages", half, out.bytes);
	char *info = run("pdfinfo '%s' | grep '^Pages:'", path);
	int pages = 0;
	assert_int_equal(sscanf(info, "Pages: %d", &pages), 1);
	assert_int_equal(pages, BULK_PAGES);
	free(info);
	char *text = run("pdftotext -f 37 -l 37 '%s' -", path);
	assert_non_null(strstr(text, "Chợ Đầm — Quầy số 37\n"));
	free(text);
	assert_fonts_embedded(path);
	assert_no_images(path);
}

int main(void)
{
	char err[ERR_MAX];
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_qr_encode),
		cmocka_unit_test(test_layouts),
		cmocka_unit_test(test_bad_layouts),
		cmocka_unit_test(test_values_refused),
		cmocka_unit_test(test_bars_chart),
		cmocka_unit_test(test_png_resolution),
		cmocka_unit_test(test_private_fonts),
		cmocka_unit_test(test_a4),
		cmocka_unit_test(test_a5),
		cmocka_unit_test(test_a6),
		cmocka_unit_test(test_tent),
		cmocka_unit_test(test_card),
		cmocka_unit_test(test_bulk_pdf),
	};

	if (!mkdtemp(tmpdir)) {
		perror("mkdtemp");
		return 1;
	}
	layouts = render_layouts_load(LAYOUT_DIR, err, sizeof(err));
	if (!layouts) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	int rc = UNIT_RUN("render", tests);
	render_layouts_free(layouts);
	/* Keep the files of a failed run for a look. */
	if (rc == 0) {
		char cmd[PATH_MAX_TEST];
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
		if (system(cmd) != 0)
			fprintf(stderr, "could not remove %s\n", tmpdir);
	} else {
		fprintf(stderr, "render test files kept in %s\n", tmpdir);
	}
	return rc;
}
