// SPDX-License-Identifier: GPL-2.0
/*
 * fw-difftest - the randomized differential test at any size: random
 * policies and packets through the real XDP and tc programs
 * (BPF_PROG_TEST_RUN), each verdict, reason and matched rule compared with
 * the reference model, every other policy with the verdict cache forced on
 * (a third of the packets repeat the one before: cache hits). Ends with "difftest: N cases, M mismatches"; exit 1
 * on any mismatch. Usage: fw-difftest [--cases N] [--seed S]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "../harness.h"

int main(int argc, char **argv)
{
	long want = 100000, cases = 0, mismatches = 0, round = 0;
	uint64_t seed = 1;
	struct fw_harness h;
	time_t t0 = time(NULL);

	for (int i = 1; i + 1 < argc; i += 2) {
		if (!strcmp(argv[i], "--cases"))
			want = strtol(argv[i + 1], NULL, 0);
		else if (!strcmp(argv[i], "--seed"))
			seed = strtoull(argv[i + 1], NULL, 0);
		else {
			fprintf(stderr, "usage: fw-difftest [--cases N] [--seed S]\n");
			return 2;
		}
	}
	if (h_setup(&h)) {
		h_teardown(&h);
		return 2;
	}
	/* mostly small policies (dense overlaps), now and then a large one */
	while (cases < want) {
		uint64_t s = seed * 1000003u + (uint64_t)round;
		long got;

		/* every other policy through the verdict cache, whatever its size */
		h_vcache = round % 2 ? 1 : -1;
		got = round % 50 == 49 ?
			h_differential(&h, s, 1, 3000, 2000, &mismatches, stderr) :
			h_differential(&h, s, 1, 40, 1000, &mismatches, stderr);

		if (got < 0) {
			mismatches++;
			break;
		}
		cases += got;
		round++;
		if (round % 100 == 0)
			fprintf(stderr, "  %ld cases, %ld mismatches, %lds\n", cases,
				mismatches, (long)(time(NULL) - t0));
	}
	h_teardown(&h);
	printf("difftest: %ld cases, %ld mismatches\n", cases, mismatches);
	return mismatches ? 1 : 0;
}
