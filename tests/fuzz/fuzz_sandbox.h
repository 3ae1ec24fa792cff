/* SPDX-License-Identifier: GPL-2.0 */
/*
 * fuzz_sandbox.h - what both libFuzzer targets (fuzz_parse.c,
 * fuzz_compile.c) share: a sandbox for the set files a policy may name.
 *
 * A policy's "sets" may read files ("file": "x.txt"), relative to the
 * current directory for a policy parsed from a buffer. At init the target
 * moves into a fresh empty temp dir holding only the few set files below
 * (so the fuzzer can reach the set-file reader, good lines and bad), and
 * every fopen() is routed through __wrap_fopen (linked with
 * -Wl,--wrap=fopen), which refuses to open for reading an absolute path or
 * one with a ".." component: "/dev/zero", "/proc/..." or "../../etc/shadow"
 * can never be read, whatever the input says. Opens for writing pass: the
 * wrap applies to libFuzzer's own objects too, which write new corpus units
 * and crash reproducers by absolute path (and read only through C++
 * streams); the parser never writes. The directory is removed at exit.
 */
#ifndef FW_FUZZ_SANDBOX_H
#define FW_FUZZ_SANDBOX_H

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char fuzz_dir[64];

/* The set files of the sandbox; the seeds of tests/fuzz/corpus name them. */
static const struct {
	const char *name;
	const char *text;
	size_t len;		/* 0: strlen(text) */
} fuzz_files[] = {
	{ "blocklist.txt", "# blocklist\n192.0.2.0/28\r\n  198.18.0.0/15  # lab\n\n2001:db8::/32\n" },
	{ "v6.txt", "2001:db8:1::/48\n2001:db8:1::/48\n::/0\n" },
	{ "bad.txt", "192.0.2.0/24\n192.0.2.300\n" },
	{ "hostbits.txt", "192.0.2.1/24\n" },
	{ "nul.txt", "192.0.2.0/24\n\0\n", 15 },
	{ "empty.txt", "" },
	{ "comments.txt", "# only\n   # comments\n\n" },
};

FILE *__real_fopen(const char *path, const char *mode);

/* Reads only of plain relative names below the sandbox: see the top. */
FILE *__wrap_fopen(const char *path, const char *mode)
{
	const char *p = path;

	if (mode && mode[0] != 'r')
		return __real_fopen(path, mode);	/* libFuzzer's output */
	if (!path || path[0] == '/') {
		errno = EACCES;
		return NULL;
	}
	while ((p = strstr(p, "..")) != NULL) {
		if ((p == path || p[-1] == '/') && (p[2] == '/' || !p[2])) {
			errno = EACCES;
			return NULL;
		}
		p += 2;
	}
	return __real_fopen(path, mode);
}

static void fuzz_sandbox_remove(void)
{
	char file[128];
	size_t i;

	if (!fuzz_dir[0] || chdir("/"))
		return;
	for (i = 0; i < sizeof(fuzz_files) / sizeof(fuzz_files[0]); i++) {
		snprintf(file, sizeof(file), "%s/%s", fuzz_dir, fuzz_files[i].name);
		unlink(file);
	}
	snprintf(file, sizeof(file), "%s/dir", fuzz_dir);
	rmdir(file);
	rmdir(fuzz_dir);
}

/* Create the sandbox and chdir into it; exit on failure (nothing to fuzz). */
static void fuzz_sandbox_enter(void)
{
	const char *tmp = getenv("TMPDIR");
	size_t i;

	snprintf(fuzz_dir, sizeof(fuzz_dir), "%s/fwctl-fuzz.XXXXXX",
		 tmp && *tmp && strlen(tmp) < 40 ? tmp : "/tmp");
	if (!mkdtemp(fuzz_dir) || chdir(fuzz_dir)) {
		perror("fuzz sandbox");
		exit(1);
	}
	atexit(fuzz_sandbox_remove);
	for (i = 0; i < sizeof(fuzz_files) / sizeof(fuzz_files[0]); i++) {
		size_t len = fuzz_files[i].len ? fuzz_files[i].len
					       : strlen(fuzz_files[i].text);
		FILE *f = __real_fopen(fuzz_files[i].name, "we");

		if (!f || fwrite(fuzz_files[i].text, 1, len, f) != len ||
		    fclose(f)) {
			perror("fuzz sandbox file");
			exit(1);
		}
	}
	if (mkdir("dir", 0700)) {	/* "file": "dir" reads a directory */
		perror("fuzz sandbox dir");
		exit(1);
	}
}

#endif /* FW_FUZZ_SANDBOX_H */
