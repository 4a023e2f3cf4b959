/* Poster renderer benchmark: one poster's render time in a running process, and bulk documents' time and peak memory. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "adapters/render.h"

/* The targets. */
#define TARGET_ONE_MS 30.0		/* one A4 PDF, median, in a running process */
#define TARGET_BULK_S 30.0		/* 1,000-page PDF */
#define TARGET_BULK_RSS_MIB 64.0	/* its peak memory */
/* Renders timed for a median, after WARMUP untimed ones (fonts, caches); fewer of the slow
 * formats, which are PNG compression more than drawing. */
#define SINGLE_RUNS_MAX 100
#define WARMUP 3
#define BULK_VENUES 1000
/* Every this many venues the name is the longest the form takes (200 characters). */
#define LONG_NAME_EVERY 7
#define SHARE_WIDTH_PX 1080
#define NAME_200 "Nhà văn hóa và trung tâm dịch vụ cộng đồng liên phường Nguyễn Thị Minh Khai — Khu tập thể " \
	"Kim Liên, điểm tiêm chủng, khám sức khỏe định kỳ và tư vấn pháp lý miễn phí cho người cao tuổi ở " \
	"quận Đống Đa."

static const char *layout_dir = "templates/posters";

/* A sink that only counts: the cost measured is the renderer's, not a disk's. */
static int count_write(void *ctx, const unsigned char *data, size_t n)
{
	(void)data;
	*(size_t *)ctx += n;
	return 0;
}

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static double peak_rss_mib(void)
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	return (double)ru.ru_maxrss / 1024.0;	/* KiB on Linux */
}

static double rss_mib(void)
{
	char line[256];
	double kib = 0;
	FILE *f = fopen("/proc/self/status", "r");
	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "VmRSS: %lf", &kib) == 1)
			break;
	fclose(f);
	return kib / 1024.0;
}

/* Venue i's values: its own name, code and URL, so no two pages are alike. */
static json_t *venue_values(int i)
{
	char name[512], code[16], url[128];

	if (i % LONG_NAME_EVERY == 0)
		snprintf(name, sizeof(name), "%s", NAME_200);
	else
		snprintf(name, sizeof(name), "Chợ Đầm — Quầy số %d, Nguyễn Thị Ánh Tuyết", i);
	snprintf(code, sizeof(code), "ABCD%04dEFGH", i % 10000);
	snprintf(url, sizeof(url), "https://qr.hanoi.gov.vn/ha-noi/c/%s", code);
	json_t *v = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s}",
			      "province_name", "Thành phố Hà Nội",
			      "venue_name", name,
			      "venue_address", "Số 2 đường Phan Bội Châu, phường Xương Huân, TP Nha Trang",
			      "instructions_vi", "Quét mã QR bằng camera điện thoại để khai báo vào/ra",
			      "instructions_en", "Scan the QR code with your phone camera to check in or out",
			      "short_code_label", "Mã địa điểm:",
			      "short_code", code,
			      "url", url,
			      "qr", url,
			      "version_line", "Phiên bản 2 · cấp ngày 22/11/2026");
	if (!v)
		abort();
	return v;
}

static const struct render_layout *a4(struct render_layouts **set)
{
	char err[512];
	*set = render_layouts_load(layout_dir, err, sizeof(err));
	if (!*set) {
		fprintf(stderr, "bench: %s\n", err);
		exit(2);
	}
	const struct render_layout *l = render_layouts_get(*set, "a4");
	if (!l) {
		fprintf(stderr, "bench: no a4 layout in %s\n", layout_dir);
		exit(2);
	}
	return l;
}

/* One whole document of one page; returns its bytes, exits on failure. */
static size_t render_one(const struct render_layout *l, enum render_format f, unsigned width, int venue)
{
	size_t bytes = 0;
	json_t *v = venue_values(venue);
	struct render_doc *d = render_begin(l, f, width, count_write, &bytes);
	if (!d || render_page(d, v) < 0 || render_end(d) < 0) {
		fprintf(stderr, "bench: render failed\n");
		exit(2);
	}
	json_decref(v);
	return bytes;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

/* Median time of runs (even, at most SINGLE_RUNS_MAX) one-page documents; returns whether it
 * met target_ms (0: none). */
static bool single(const char *what, enum render_format f, unsigned width, int runs, double target_ms)
{
	struct render_layouts *set;
	const struct render_layout *l = a4(&set);
	double ms[SINGLE_RUNS_MAX];
	size_t bytes = 0;

	for (int i = 0; i < WARMUP; i++)
		render_one(l, f, width, i + 1);
	for (int i = 0; i < runs; i++) {
		double t0 = now_ms();
		bytes = render_one(l, f, width, i + 1);
		ms[i] = now_ms() - t0;
	}
	qsort(ms, (size_t)runs, sizeof(ms[0]), cmp_double);
	double median = (ms[runs / 2 - 1] + ms[runs / 2]) / 2;
	bool ok = target_ms == 0 || median <= target_ms;
	printf("bench: poster %s median %.1f ms over %d renders (in process), p90 %.1f ms, %zu KiB each%s\n", what,
	       median, runs, ms[runs * 9 / 10], bytes / 1024,
	       target_ms == 0 ? "" : ok ? "  [ok: <= 30 ms]" : "  [OVER 30 ms]");
	render_layouts_free(set);
	return ok;
}

/* BULK_VENUES pages in one PDF stream, or BULK_VENUES one-page PNGs one after the other. */
static bool bulk(const char *what, enum render_format f, unsigned width, bool judged)
{
	struct render_layouts *set;
	const struct render_layout *l = a4(&set);
	double start_rss = rss_mib();
	size_t bytes = 0;
	double t0 = now_ms();

	if (f == RENDER_PDF) {
		struct render_doc *d = render_begin(l, f, width, count_write, &bytes);
		for (int i = 1; d && i <= BULK_VENUES; i++) {
			json_t *v = venue_values(i);
			if (render_page(d, v) < 0)
				exit(2);
			json_decref(v);
		}
		if (!d || render_end(d) < 0)
			exit(2);
	} else {
		for (int i = 1; i <= BULK_VENUES; i++)
			bytes += render_one(l, f, width, i);
	}
	double secs = (now_ms() - t0) / 1e3, peak = peak_rss_mib();
	bool ok = !judged || (secs <= TARGET_BULK_S && peak <= TARGET_BULK_RSS_MIB);
	printf("bench: bulk %s of %d venues: %.1f s, peak RSS %.1f MiB (%.1f MiB before the first page), "
	       "%.1f MiB written%s\n", what, BULK_VENUES, secs, peak, start_rss, (double)bytes / (1024 * 1024),
	       !judged ? "" : ok ? "  [ok: <= 30 s, <= 64 MiB]" : "  [OVER 30 s or 64 MiB]");
	render_layouts_free(set);
	return ok;
}

enum job {
	JOB_PDF,
	JOB_PDF_BULK,
	JOB_PNG_SHARE,
	JOB_PNG_SHARE_BULK,
	JOB_PNG_PRINT,
	JOB_SVG,
	JOB_COUNT,
};

static bool run_job(enum job j)
{
	switch (j) {
	case JOB_PDF:
		return single("A4 PDF", RENDER_PDF, 0, 100, TARGET_ONE_MS);
	case JOB_PDF_BULK:
		return bulk("PDF", RENDER_PDF, 0, true);
	case JOB_PNG_SHARE:
		return single("A4 PNG 1080 px", RENDER_PNG, SHARE_WIDTH_PX, 50, 0);
	case JOB_PNG_SHARE_BULK:
		return bulk("PNG 1080 px (one file each)", RENDER_PNG, SHARE_WIDTH_PX, false);
	case JOB_PNG_PRINT:
		return single("A4 PNG 300 dpi", RENDER_PNG, 0, 10, 0);
	case JOB_SVG:
		return single("A4 SVG", RENDER_SVG, 0, 50, 0);
	default:
		abort();
	}
}

/*
 * Each measurement runs in its own child process, forked before any font or pango state
 * exists, so one's caches and peak memory do not colour the next's. Exit status 1 when a
 * target of the issue is missed.
 */
int main(int argc, char **argv)
{
	bool ok = true;

	if (argc > 1)
		layout_dir = argv[1];
	/* A thousand PNGs take a minute and a half and judge no target: only on request. */
	bool full = getenv("BENCH_FULL") != NULL;
	for (int j = 0; j < JOB_COUNT; j++) {
		if (j == JOB_PNG_SHARE_BULK && !full)
			continue;
		fflush(stdout);
		pid_t pid = fork();
		if (pid < 0) {
			perror("bench: fork");
			return 2;
		}
		if (pid == 0) {
			bool met = run_job((enum job)j);
			fflush(stdout);
			_exit(met ? 0 : 1);
		}
		int status;
		if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status) > 1) {
			fprintf(stderr, "bench: measurement %d failed\n", j);
			return 2;
		}
		if (WEXITSTATUS(status) != 0)
			ok = false;
	}
	return ok ? 0 : 1;
}
