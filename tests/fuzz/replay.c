/* Runs a libFuzzer target once on every file of the given directories (or files), without libFuzzer. */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "base/xmalloc.h"

/* Largest input replayed, in bytes; corpora hold small seeds, so a bigger file is a mistake. */
#define REPLAY_INPUT_MAX (16 * 1024 * 1024)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/*
 * Feeds one file to the target, in a buffer of exactly its size so that
 * AddressSanitizer sees any read past the end, as under libFuzzer.
 * Returns 0, or -1 after a message when the file cannot be read.
 */
static int replay_file(const char *path)
{
	int rc = -1;
	unsigned char *data = NULL;
	FILE *f = fopen(path, "rb");
	struct stat st;

	if (!f || fstat(fileno(f), &st) < 0) {
		fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
		goto out;
	}
	if (st.st_size > REPLAY_INPUT_MAX) {
		fprintf(stderr, "replay: %s: larger than %d bytes\n", path, REPLAY_INPUT_MAX);
		goto out;
	}
	size_t size = (size_t)st.st_size;
	data = xmalloc(size);
	if (size && fread(data, 1, size, f) != size) {
		fprintf(stderr, "replay: %s: short read\n", path);
		goto out;
	}
	LLVMFuzzerTestOneInput(data, size);
	rc = 0;
out:
	free(data);
	if (f)
		fclose(f);
	return rc;
}

/* Replays every regular file directly under dir, in name order; returns the count or -1. */
static long replay_dir(const char *dir)
{
	long count = 0;
	struct dirent **names = NULL;
	int n = scandir(dir, &names, NULL, alphasort);

	if (n < 0) {
		fprintf(stderr, "replay: %s: %s\n", dir, strerror(errno));
		return -1;
	}
	for (int i = 0; i < n; i++) {
		char path[PATH_MAX];
		struct stat st;

		snprintf(path, sizeof(path), "%s/%s", dir, names[i]->d_name);
		if (count >= 0 && stat(path, &st) == 0 && S_ISREG(st.st_mode)) {
			if (replay_file(path) < 0)
				count = -1;
			else
				count++;
		}
		free(names[i]);
	}
	free(names);
	return count;
}

int main(int argc, char **argv)
{
	/* The target's name: the program's file name without "fuzz-" ("tmpl"). */
	const char *name = strrchr(argv[0], '/');
	name = name ? name + 1 : argv[0];
	if (strncmp(name, "fuzz-", 5) == 0)
		name += 5;

	long total = 0;
	for (int i = 1; i < argc; i++) {
		struct stat st;
		long n;

		if (stat(argv[i], &st) < 0) {
			fprintf(stderr, "replay: %s: %s\n", argv[i], strerror(errno));
			return 1;
		}
		if (S_ISDIR(st.st_mode))
			n = replay_dir(argv[i]);
		else
			n = replay_file(argv[i]) < 0 ? -1 : 1;
		if (n < 0)
			return 1;
		total += n;
	}
	printf("replay %s: %ld inputs\n", name, total);
	return 0;
}
