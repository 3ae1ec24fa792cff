// SPDX-License-Identifier: GPL-2.0
/*
 * prog_vcache.c - the verdict cache in front of the classifier
 * (dp/classify.h, fw_tblcfg.vcache), with the real programs and
 * BPF_PROG_TEST_RUN: which tables use it, that packets differing only in
 * fields no rule constrains share an entry, that a cached verdict still
 * counts, logs and rate-limits under its rule, and that apply, rollback
 * and set add/del (which change verdicts without a new generation) are
 * never answered from entries computed before them.
 */
#include <sched.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#define FIXTURE_OWN_SETUP	/* pinned to one CPU, and the cache map opened */
#include "fixture.h"

static int vc_fd = -1;		/* the XDP program's fw_vcache */

static int setup(void **state)
{
	cpu_set_t set;

	/* one CPU: the cache is per CPU, and a hit must be this CPU's entry */
	CPU_ZERO(&set);
	CPU_SET(0, &set);
	if (sched_setaffinity(0, sizeof(set), &set))
		return -1;
	if (h_setup(&H))
		return -1;
	vc_fd = bpf_object__find_map_fd_by_name(H.xdp_obj, "fw_vcache");
	return vc_fd < 0 ? -1 : 0;
}

static int teardown(void **state)
{
	h_teardown(&H);
	return 0;
}

static int run_xdp(const void *pkt, size_t len)
{
	int v, ret = h_run(H.xdp_fd, pkt, len, &v);

	if (ret)
		fail_msg("test run: %s", strerror(-ret));
	return v;
}

static uint32_t active_gen(void)
{
	uint32_t gen;

	assert_int_equal(fw_read_active_gen(&H.st, &gen), 0);
	return gen;
}

static struct fw_tblcfg tblcfg(uint32_t gen)
{
	struct fw_tblcfg c;
	uint32_t tbl = FW_TBL(gen, 0);

	assert_int_equal(bpf_map_lookup_elem(H.st.fd[M_TBLCFG], &tbl, &c), 0);
	return c;
}

/* Entries in use in the XDP program's verdict cache (any CPU's). */
static int vc_entries(void)
{
	int ncpu = libbpf_num_possible_cpus(), n = 0;
	struct fw_vcent *v = calloc((size_t)ncpu, sizeof(*v));

	assert_non_null(v);
	for (uint32_t i = 0; i < FW_VC_ENTRIES; i++) {
		bool used = false;

		assert_int_equal(bpf_map_lookup_elem(vc_fd, &i, v), 0);
		for (int c = 0; c < ncpu; c++)
			used |= v[c].val != 0;
		n += used;
	}
	free(v);
	return n;
}

/* Empty the cache, and the per-CPU scratch with its count of misses in a row. */
static void vc_clear(void)
{
	int ncpu = libbpf_num_possible_cpus(), sc_fd;
	void *v = calloc((size_t)ncpu, 4096);
	uint32_t zero = 0;

	assert_non_null(v);
	for (uint32_t i = 0; i < FW_VC_ENTRIES; i++)
		assert_int_equal(bpf_map_update_elem(vc_fd, &i, v, BPF_ANY), 0);
	sc_fd = bpf_object__find_map_fd_by_name(H.xdp_obj, "fw_scratch");
	assert_true(sc_fd >= 0);
	assert_true(bpf_map__value_size(bpf_object__find_map_by_name(H.xdp_obj, "fw_scratch")) <= 4096);
	assert_int_equal(bpf_map_update_elem(sc_fd, &zero, v, BPF_ANY), 0);
	free(v);
}

static size_t tcp4(uint8_t *b, const char *src, int sport, int dport)
{
	struct fw_pkt_desc d = { .family = 4, .proto = 6, .has_ports = 1, .has_tcp = 1,
				 .tcp_flags = 0x10, .sport = (uint16_t)sport,
				 .dport = (uint16_t)dport };
	struct gen_frame f = { 0 };

	inet_pton(AF_INET, src, d.saddr);
	inet_pton(AF_INET, "198.18.1.1", d.daddr);
	return gen_frame_build(&d, &f, b);
}

/* A policy of n rules: n - 1 never matching (dst port 1000 + i), then 'last'. */
static char *policy(int n, const char *dflt, const char *last)
{
	size_t size = 256 + (size_t)n * 96 + strlen(last);
	char *s = malloc(size);
	size_t o;

	assert_non_null(s);
	o = (size_t)snprintf(s, size, "{\"version\":1,\"default\":\"%s\",\"rules\":[", dflt);
	for (int i = 0; i < n - 1; i++)
		o += (size_t)snprintf(s + o, size - o,
				      "{\"action\":\"drop\",\"protocol\":\"udp\",\"dst_port\":%d},",
				      1000 + i);
	snprintf(s + o, size - o, "%s]}", last);
	return s;
}

static size_t tcp6(uint8_t *b, unsigned int x, int dport)
{
	struct fw_pkt_desc d = { .family = 6, .proto = 6, .has_ports = 1, .has_tcp = 1,
				 .tcp_flags = 0x10, .sport = 40000, .dport = (uint16_t)dport };
	struct gen_frame f = { 0 };

	inet_pton(AF_INET6, "2001:db8::1", d.saddr);
	inet_pton(AF_INET6, "2001:db8::", d.daddr);
	d.daddr[14] = (uint8_t)(x >> 8);
	d.daddr[15] = (uint8_t)x;
	return gen_frame_build(&d, &f, b);
}

/* --- tests ----------------------------------------------------------------- */

/*
 * Compiled: tables of FW_VC_MIN_RULES rules or more (one: a hit costs less
 * than even a one-rule scan); a table of no rules, only the default, scans.
 */
static void test_which_tables(void **state)
{
	char *p;

	h_vcache = -1;
	_Static_assert(FW_VC_MIN_RULES == 1, "the empty table below is the one below the limit");
	apply_json("{\"version\":1,\"default\":\"pass\",\"rules\":[]}");
	assert_int_equal(tblcfg(active_gen()).vcache, 0);
	p = policy(FW_VC_MIN_RULES, "pass", "{\"action\":\"drop\",\"dst_port\":80,\"protocol\":\"tcp\"}");
	apply_json(p);
	free(p);
	assert_int_equal(tblcfg(active_gen()).vcache, 1);
}

/*
 * Fields no rule constrains are not in the key: another source port shares
 * the entry, another destination port does not; hits count under the rule.
 */
static void test_key_fields(void **state)
{
	uint8_t b[256];
	size_t len;
	uint64_t c0;
	char *p;

	h_vcache = 1;
	p = policy(200, "pass", "{\"action\":\"drop\",\"dst_port\":80,\"protocol\":\"tcp\"}");
	apply_json(p);
	free(p);
	vc_clear();
	c0 = rule_count(0, 199);
	len = tcp4(b, "198.18.0.1", 40000, 80);
	assert_int_equal(run_xdp(b, len), XDP_DROP);
	assert_int_equal(vc_entries(), 1);
	assert_int_equal(run_xdp(b, len), XDP_DROP);		/* a hit */
	len = tcp4(b, "198.18.0.2", 40001, 80);		/* src: no rule has one */
	assert_int_equal(run_xdp(b, len), XDP_DROP);
	assert_int_equal(vc_entries(), 1);
	assert_int_equal(rule_count(0, 199), c0 + 3);
	len = tcp4(b, "198.18.0.1", 40000, 81);
	assert_int_equal(run_xdp(b, len), XDP_PASS);
	assert_int_equal(run_xdp(b, len), XDP_PASS);
	assert_int_equal(vc_entries(), 2);
	assert_int_equal(rule_count(0, 199), c0 + 3);
	h_vcache = -1;
}

/*
 * Apply and rollback replace cached verdicts: each generation slot gets
 * a policy that passes the packet, then one that drops it, then passes again.
 */
static void test_apply_and_rollback(void **state)
{
	const char *pass = "{\"action\":\"pass\",\"dst_port\":80,\"protocol\":\"tcp\"}";
	const char *drop = "{\"action\":\"drop\",\"dst_port\":80,\"protocol\":\"tcp\"}";
	char *a = policy(100, "drop", pass), *d = policy(100, "pass", drop);
	static const int seq[] = { 1, 0, 0, 1, 1, 0 };	/* slots: P D, D P, P D */
	uint8_t b[256];
	size_t len = tcp4(b, "198.18.0.1", 40000, 80);
	uint32_t prev = 0;

	h_vcache = 1;
	vc_clear();
	for (unsigned int i = 0; i < sizeof(seq) / sizeof(seq[0]); i++) {
		int want = seq[i] ? XDP_PASS : XDP_DROP;

		prev = active_gen();
		apply_json(seq[i] ? a : d);
		assert_int_equal(run_xdp(b, len), want);
		assert_int_equal(run_xdp(b, len), want);	/* a hit */
	}
	/* rollback to the pass policy, with the drop verdict in the cache */
	assert_int_equal(fw_switch_gen(&H.st, prev), 0);
	assert_int_equal(run_xdp(b, len), XDP_PASS);
	assert_int_equal(fw_switch_gen(&H.st, prev ^ 1), 0);
	assert_int_equal(run_xdp(b, len), XDP_DROP);
	free(a);
	free(d);
	h_vcache = -1;
}

/* set add / set del change the verdict of a packet whose verdict is cached. */
static void test_set_change(void **state)
{
	struct fw_prefix e = { .family = 4, .plen = 24 };
	uint8_t b[256];
	size_t len = tcp4(b, "198.18.9.9", 40000, 80);
	char *p, *s;
	uint32_t gen;
	uint64_t c0;

	inet_pton(AF_INET, "198.18.9.0", e.addr);
	h_vcache = 1;
	p = policy(100, "pass", "{\"action\":\"drop\",\"src\":\"@blocked\"}");
	s = malloc(strlen(p) + 128);
	assert_non_null(s);
	/* the set goes in before the rules: {"version":1,"sets":{...},"default":... */
	sprintf(s, "{\"sets\":{\"blocked\":{\"elements\":[\"192.0.2.0/24\"]}},%s", p + 1);
	apply_json(s);
	vc_clear();
	gen = active_gen();
	c0 = rule_count(0, 99);
	assert_int_equal(run_xdp(b, len), XDP_PASS);
	assert_int_equal(run_xdp(b, len), XDP_PASS);	/* cached: default pass */
	assert_int_equal(fw_set_add(&H.st, gen, 0, &e, 1), 1);
	assert_int_equal(run_xdp(b, len), XDP_DROP);
	assert_int_equal(run_xdp(b, len), XDP_DROP);	/* cached: rule 99 */
	assert_int_equal(rule_count(0, 99), c0 + 2);
	assert_int_equal(fw_set_del(&H.st, gen, 0, &e, 1), 1);
	assert_int_equal(run_xdp(b, len), XDP_PASS);
	assert_int_equal(rule_count(0, 99), c0 + 2);
	free(p);
	free(s);
	h_vcache = -1;
}

/*
 * Six keys per entry (3 x 4096 flows, twice): entries are overwritten and
 * shared by hash; each verdict must still be its own key's, down to the
 * last bytes of an IPv6 address.
 */
static void test_collisions(void **state)
{
	uint8_t b[256];
	int wrong = 0;
	char *p;

	h_vcache = 1;
	p = policy(100, "pass", "{\"action\":\"drop\",\"dst\":\"2001:db8::80/128\"},"
		   "{\"action\":\"drop\",\"protocol\":\"tcp\",\"dst_port\":80}");
	apply_json(p);
	free(p);
	vc_clear();
	for (int pass = 0; pass < 2; pass++)
		for (unsigned int x = 0; x < 4096; x++)
			for (int port = 79; port <= 81; port++) {
				size_t len = tcp6(b, x, port);
				int want = x == 0x80 || port == 80 ? XDP_DROP : XDP_PASS;

				/* twice: a hit (or a collision) after each miss,
				 * so that the misses never run long enough to skip */
				wrong += run_xdp(b, len) != want;
				wrong += run_xdp(b, len) != want;
			}
	assert_int_equal(wrong, 0);
	assert_true(vc_entries() > FW_VC_ENTRIES / 2);	/* the cache was used */
	h_vcache = -1;
}

/*
 * Misses only (each flow once): after FW_VC_MISS_RUN misses in a row the
 * next FW_VC_SKIP packets skip the cache (they write no entry), then it is
 * tried again; the verdicts stay right throughout.
 */
static void test_miss_runs_skip(void **state)
{
	const int flows = 3 * (FW_VC_MISS_RUN + FW_VC_SKIP);
	uint8_t b[256];
	int wrong = 0, n;
	char *p;

	h_vcache = 1;
	p = policy(100, "pass", "{\"action\":\"drop\",\"dst\":\"2001:db8::80/128\"}");
	apply_json(p);
	free(p);
	vc_clear();
	for (int x = 0; x < flows; x++) {
		size_t len = tcp6(b, (unsigned int)x, 80);

		wrong += run_xdp(b, len) != (x == 0x80 ? XDP_DROP : XDP_PASS);
	}
	assert_int_equal(wrong, 0);
	n = vc_entries();
	/* 3 runs of misses were cached; not the 3 x FW_VC_SKIP packets after them */
	assert_true(n <= 3 * FW_VC_MISS_RUN);
	assert_true(n >= 3 * FW_VC_MISS_RUN / 2);	/* (less hash collisions: 178 seen) */
	h_vcache = -1;
}

/* A rate limit still applies to packets whose rule comes from the cache. */
static void test_limit_on_hits(void **state)
{
	uint8_t b[256];
	size_t len = tcp4(b, "198.18.0.1", 40000, 80);
	uint64_t ld = h_reason_count(&H, 0, FW_R_LIMIT_DROP);
	int passed = 0;
	char *p;

	h_vcache = 1;
	p = policy(100, "drop", "{\"action\":\"pass\",\"dst_port\":80,\"protocol\":\"tcp\","
		   "\"limit\":{\"rate\":\"1/m\",\"burst\":3}}");
	apply_json(p);
	free(p);
	vc_clear();
	for (int i = 0; i < 6; i++)
		passed += run_xdp(b, len) == XDP_PASS;
	assert_int_equal(passed, 3);
	assert_int_equal(h_reason_count(&H, 0, FW_R_LIMIT_DROP), ld + 3);
	h_vcache = -1;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_which_tables),
		cmocka_unit_test(test_key_fields),
		cmocka_unit_test(test_apply_and_rollback),
		cmocka_unit_test(test_set_change),
		cmocka_unit_test(test_collisions),
		cmocka_unit_test(test_miss_runs_skip),
		cmocka_unit_test(test_limit_on_hits),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
