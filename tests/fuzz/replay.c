/*
 * replay.c — runs a fuzz target over every file of its corpus, so the
 * corpus is replayed by each normal (and sanitizer) test run without
 * libFuzzer. Usage: replay DIR...; exits non-zero if a file is unreadable
 * (a crash ends the process by itself).
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int
replay_file(const char *path)
{
	FILE    *f = fopen(path, "rb");
	uint8_t *buf;
	long     len;

	if (f == NULL || fseek(f, 0, SEEK_END) != 0 || (len = ftell(f)) < 0 ||
	    fseek(f, 0, SEEK_SET) != 0) {
		if (f != NULL)
			fclose(f);
		return -1;
	}
	buf = malloc((size_t)len + 1);
	if (buf == NULL || fread(buf, 1, (size_t)len, f) != (size_t)len) {
		free(buf);
		fclose(f);
		return -1;
	}
	fclose(f);
	LLVMFuzzerTestOneInput(buf, (size_t)len);
	free(buf);
	return 0;
}

int
main(int argc, char **argv)
{
	struct dirent *de;
	DIR           *dir;
	char           path[4096];
	int            i, n = 0, rc = 0;

	for (i = 1; i < argc; i++) {
		if ((dir = opendir(argv[i])) == NULL) {
			fprintf(stderr, "replay: cannot open %s\n", argv[i]);
			return 1;
		}
		while ((de = readdir(dir)) != NULL) {
			if (de->d_name[0] == '.')
				continue;
			snprintf(path, sizeof(path), "%s/%s", argv[i],
			    de->d_name);
			if (replay_file(path) != 0) {
				fprintf(stderr, "replay: cannot read %s\n",
				    path);
				rc = 1;
			}
			n++;
		}
		closedir(dir);
	}
	printf("replayed %d inputs\n", n);
	return n == 0 ? 1 : rc;
}
