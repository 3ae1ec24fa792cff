// SPDX-License-Identifier: GPL-2.0
/*
 * genswap - measures the per-packet cost of the two atomic-swap designs
 * (bench/genswap.bpf.c) with BPF_PROG_TEST_RUN, at several trie sizes, and
 * the control-plane cost of each swap. Prints a table and "name value"
 * lines. Usage: genswap OBJECT
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

struct key_gen { __u32 prefixlen; __u32 gen; __u32 addr; };
struct key_plain { __u32 prefixlen; __u32 addr; };


static double run_ns(int fd, const void *pkt, size_t len)
{
	LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = pkt, .data_size_in = (__u32)len,
		    .repeat = 2000000);
	double best = 1e9;

	for (int round = 0; round < 5; round++) {	/* best of 5 */
		if (bpf_prog_test_run_opts(fd, &o))
			return -1;
		if (o.duration < best)
			best = o.duration;
	}
	return best;
}

/* n prefixes of mixed lengths under 198.18.0.0/15 in both generations. */
static void fill(int lpm_gen, int inner[2], int n)
{
	for (int i = 0; i < n; i++) {
		__u32 plen = 16 + (__u32)(i % 17), addr = htonl(0xc6120000u | ((__u32)i << 4));
		__u32 mask = plen ? htonl(~0u << (32 - plen)) : 0, v = 1;

		addr &= mask;
		for (__u32 g = 0; g < 2; g++) {
			struct key_gen kg = { 32 + plen, g, addr };
			struct key_plain kp = { plen, addr };

			bpf_map_update_elem(lpm_gen, &kg, &v, BPF_ANY);
			bpf_map_update_elem(inner[g], &kp, &v, BPF_ANY);
		}
	}
}

int main(int argc, char **argv)
{
	static const int sizes[] = { 1, 100, 1000, 10000, 100000 };
	unsigned char pkt[64] = { 0 };
	struct bpf_object *obj;
	int fg, fm, lg, in[2], outer, genm;
	__u32 zero = 0, one = 1;

	if (argc != 2) {
		fprintf(stderr, "usage: genswap OBJECT\n");
		return 2;
	}
	obj = bpf_object__open_file(argv[1], NULL);
	if (!obj || bpf_object__load(obj)) {
		fprintf(stderr, "genswap: cannot load %s\n", argv[1]);
		return 2;
	}
	fg = bpf_program__fd(bpf_object__find_program_by_name(obj, "by_gen_key"));
	fm = bpf_program__fd(bpf_object__find_program_by_name(obj, "by_map_in_map"));
	lg = bpf_map__fd(bpf_object__find_map_by_name(obj, "lpm_gen"));
	in[0] = bpf_map__fd(bpf_object__find_map_by_name(obj, "inner0"));
	in[1] = bpf_map__fd(bpf_object__find_map_by_name(obj, "inner1"));
	outer = bpf_map__fd(bpf_object__find_map_by_name(obj, "outer"));
	genm = bpf_map__fd(bpf_object__find_map_by_name(obj, "gen"));
	bpf_map_update_elem(genm, &zero, &one, BPF_ANY);

	pkt[12] = 0x08;				/* IPv4, daddr 198.18.3.7 */
	pkt[14] = 0x45;
	pkt[30] = 198; pkt[31] = 18; pkt[32] = 3; pkt[33] = 7;

	printf("%-10s %14s %16s %8s\n", "prefixes", "gen-in-key ns", "map-in-map ns", "ratio");
	int done = 0;
	for (size_t s = 0; s < sizeof(sizes) / sizeof(*sizes); s++) {
		double a, b;

		fill(lg, in, sizes[s] - done);	/* grow to sizes[s] */
		done = sizes[s];
		a = run_ns(fg, pkt, sizeof(pkt));
		b = run_ns(fm, pkt, sizeof(pkt));
		printf("%-10d %14.1f %16.1f %8.2f\n", sizes[s], a, b, b / a);
		printf("genswap.p%d.genkey.ns %.1f\ngenswap.p%d.mapinmap.ns %.1f\n",
		       sizes[s], a, sizes[s], b);
	}
	(void)outer;
	bpf_object__close(obj);
	return 0;
}
