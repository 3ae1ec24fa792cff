// SPDX-License-Identifier: GPL-2.0
/*
 * timing.c - phase times for FWCTL_TIMING=1 (a debugging aid, see fwctl(8)
 * ENVIRONMENT and bench/README.md): each fw_phase() prints, on stderr, the
 * milliseconds since the previous one, since the first (main()'s start:
 * process start and dynamic linking are not counted) and the page faults
 * since the previous one. Nothing is printed without the variable.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/resource.h>
#include "fwctl.h"

static int on = -1;
static double t_start, t_last;
static long flt_last;

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

void fw_phase(const char *name)
{
	double t;

	if (on < 0) {
		const char *e = getenv("FWCTL_TIMING");

		on = e && *e && strcmp(e, "0");
		if (on)
			t_start = t_last = now_ms();
	}
	if (!on)
		return;
	t = now_ms();
	{
		struct rusage ru;

		getrusage(RUSAGE_SELF, &ru);
		fprintf(stderr, "fwctl: timing: %-34s %8.2f ms %8.2f ms %6ld faults\n", name,
			t - t_last, t - t_start, ru.ru_minflt - flt_last);
		flt_last = ru.ru_minflt;
	}
	t_last = t;
}
