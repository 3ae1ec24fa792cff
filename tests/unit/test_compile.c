// SPDX-License-Identifier: GPL-2.0
/*
 * test_compile.c - the compiler against the reference model, without a
 * kernel: fixed cases at prefix and range edges, determinism, limits, and
 * random policies whose compiled tables (evaluated as the data path does)
 * must pick the same rule as linear first-match for every packet.
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include "compile.h"
#include "model.h"
#include "../gen.h"

static void parse_ok(const char *json, struct fw_policy *pol)
{
	struct fw_err err = { 0 };
	char buf[1024];
	int ret = fw_policy_parse_buf(json, strlen(json), "t.json", pol, &err);

	if (ret)
		fail_msg("parse: %s", fw_err_format(&err, buf, sizeof(buf)));
}

static void compile_ok(struct fw_policy *pol, struct fw_tables *t)
{
	struct fw_err err = { 0 };
	char buf[1024];

	if (fw_policy_resolve(pol, gen_resolve, &err))
		fail_msg("resolve: %s", fw_err_format(&err, buf, sizeof(buf)));
	if (fw_compile(pol, t, &err))
		fail_msg("compile: %s", fw_err_format(&err, buf, sizeof(buf)));
}

static struct fw_pkt_desc pkt4(const char *src, const char *dst, int proto,
			       int sport, int dport)
{
	struct fw_pkt_desc d = { .family = 4, .proto = (uint8_t)proto };

	inet_pton(AF_INET, src, d.saddr);
	inet_pton(AF_INET, dst, d.daddr);
	d.has_ports = sport >= 0;
	d.later_fragment = sport < 0 && (proto == 6 || proto == 17);
	d.has_tcp = proto == 6 && sport >= 0;
	d.sport = (uint16_t)(sport < 0 ? 0 : sport);
	d.dport = (uint16_t)(dport < 0 ? 0 : dport);
	return d;
}

static struct fw_pkt_desc pkt6(const char *src, const char *dst, int proto,
			       int sport, int dport)
{
	struct fw_pkt_desc d = { .family = 6, .proto = (uint8_t)proto };

	inet_pton(AF_INET6, src, d.saddr);
	inet_pton(AF_INET6, dst, d.daddr);
	d.has_ports = sport >= 0;
	d.sport = (uint16_t)(sport < 0 ? 0 : sport);
	d.dport = (uint16_t)(dport < 0 ? 0 : dport);
	return d;
}

/* Both the tables and the model must give 'want' for p. */
static void expect(const struct fw_policy *pol, const struct fw_tables *t,
		   unsigned int dir, const struct fw_pkt_desc *p, int want)
{
	assert_int_equal(fw_model_match(pol, dir, p), want);
	assert_int_equal(fw_tables_match(t, pol, dir, p), want);
}

static const char *const fixed_policy =
	"{\"version\":1,\"default\":\"drop\",\"rules\":["
	"{\"id\":\"a\",\"action\":\"drop\",\"src\":\"198.18.1.128/25\",\"protocol\":\"tcp\",\"dst_port\":22},"
	"{\"id\":\"b\",\"action\":\"pass\",\"src\":\"198.18.1.0/24\",\"protocol\":\"tcp\",\"dst_port\":[22,\"80-89\"]},"
	"{\"id\":\"c\",\"action\":\"pass\",\"src\":[\"198.18.0.0/15\",\"2001:db8::/32\"],\"protocol\":[\"udp\",\"tcp\"],\"src_port\":\"1024-65535\"},"
	"{\"id\":\"d\",\"action\":\"pass\",\"dst\":\"2001:db8:1::1\",\"protocol\":\"icmpv6\"},"
	"{\"id\":\"e\",\"action\":\"drop\",\"protocol\":6},"
	"{\"id\":\"f\",\"action\":\"pass\",\"src\":\"0.0.0.0/0\"}"
	"],\"egress\":{\"rules\":[{\"action\":\"drop\",\"dst\":\"192.0.2.0/24\"}]}}";

static void test_fixed_edges(void **state)
{
	struct fw_policy pol = { 0 };
	struct fw_tables t;
	struct fw_pkt_desc p;

	parse_ok(fixed_policy, &pol);
	compile_ok(&pol, &t);

	p = pkt4("198.18.1.128", "192.0.2.1", 6, 1000, 22);	/* /25 first */
	expect(&pol, &t, 0, &p, 0);
	p = pkt4("198.18.1.255", "192.0.2.1", 6, 1000, 22);	/* /25 last */
	expect(&pol, &t, 0, &p, 0);
	p = pkt4("198.18.1.127", "192.0.2.1", 6, 1000, 22);	/* just outside */
	expect(&pol, &t, 0, &p, 1);
	p = pkt4("198.18.1.127", "192.0.2.1", 6, 1000, 80);
	expect(&pol, &t, 0, &p, 1);
	p = pkt4("198.18.1.127", "192.0.2.1", 6, 1000, 89);
	expect(&pol, &t, 0, &p, 1);
	p = pkt4("198.18.1.127", "192.0.2.1", 6, 1000, 90);	/* range end + 1 */
	expect(&pol, &t, 0, &p, 4);
	p = pkt4("198.18.1.127", "192.0.2.1", 6, 1024, 90);	/* src range start */
	expect(&pol, &t, 0, &p, 2);
	p = pkt4("198.18.1.127", "192.0.2.1", 6, 1023, 79);	/* before both */
	expect(&pol, &t, 0, &p, 4);
	p = pkt4("198.20.0.0", "192.0.2.1", 17, 5000, 53);	/* outside /15 */
	expect(&pol, &t, 0, &p, 5);
	p = pkt4("198.19.255.255", "192.0.2.1", 17, 65535, 53);	/* /15 last */
	expect(&pol, &t, 0, &p, 2);
	p = pkt4("198.19.255.255", "192.0.2.1", 17, -1, -1);	/* later fragment */
	expect(&pol, &t, 0, &p, 5);
	p = pkt6("2001:db8::5", "2001:db8:1::1", 17, 2000, 53);
	expect(&pol, &t, 0, &p, 2);
	p = pkt6("2001:db9::5", "2001:db8:1::1", 58, -1, -1);
	expect(&pol, &t, 0, &p, 3);
	p = pkt6("2001:db9::5", "2001:db8:1::2", 58, -1, -1);	/* only v4 /0 left */
	expect(&pol, &t, 0, &p, -1);
	p = pkt6("2001:db9::5", "2001:db8:1::2", 6, 1, 2);
	expect(&pol, &t, 0, &p, 4);
	p = pkt4("10.0.0.1", "192.0.2.9", 6, 1, 2);		/* egress */
	expect(&pol, &t, 1, &p, 0);
	p = pkt4("10.0.0.1", "192.0.3.0", 6, 1, 2);
	expect(&pol, &t, 1, &p, -1);
	fw_tables_free(&t);
	fw_policy_free(&pol);
}

static void test_deterministic(void **state)
{
	struct fw_policy pol = { 0 };
	struct fw_tables a, b;

	parse_ok(fixed_policy, &pol);
	compile_ok(&pol, &a);
	compile_ok(&pol, &b);
	assert_int_equal(a.n_cls, b.n_cls);
	assert_int_equal(a.nw, b.nw);
	for (int d = 0; d < FW_NDIR; d++) {
		assert_memory_equal(a.dir[d].dt, b.dir[d].dt, sizeof(*a.dir[d].dt));
		assert_int_equal(a.dir[d].n_lpm, b.dir[d].n_lpm);
		assert_memory_equal(a.dir[d].lpm, b.dir[d].lpm,
				    a.dir[d].n_lpm * sizeof(*a.dir[d].lpm));
	}
	assert_int_equal(a.n_chunk, b.n_chunk);
	assert_memory_equal(a.hdr, b.hdr, a.n_cls * sizeof(*a.hdr));
	assert_memory_equal(a.chunk, b.chunk, a.n_chunk * sizeof(*a.chunk));
	/* class 0 is the empty bitmap; identical bitmaps are shared: no two
	 * classes have the same chunk 0 words and chunk ids (chunks are
	 * distinct, below) */
	for (int c = 0; c < FW_NCHUNKS; c++)
		assert_int_equal(a.hdr[0].summary[c], 0);
	for (size_t i = 1; i < a.n_cls; i++)
		for (size_t j = i + 1; j < a.n_cls; j++)
			assert_true(memcmp(a.hdr[i].w, a.hdr[j].w, sizeof(a.hdr[i].w)) ||
				    memcmp(a.hdr[i].chunk, a.hdr[j].chunk, sizeof(a.hdr[i].chunk)));
	/* chunk 0 is zero, the others distinct; headers say where words are */
	for (int w = 0; w < FW_WORDS; w++)
		assert_int_equal(a.chunk[0].w[w], 0);
	for (uint32_t i = 1; i < a.n_chunk; i++)
		for (uint32_t j = i + 1; j < a.n_chunk; j++)
			assert_memory_not_equal(a.chunk[i].w, a.chunk[j].w, sizeof(a.chunk[i].w));
	for (size_t i = 0; i < a.n_cls; i++)
		for (int c = 0; c < FW_NCHUNKS; c++) {
			assert_true(a.hdr[i].chunk[c] < a.n_chunk);
			for (int w = 0; w < FW_WORDS; w++) {
				uint32_t k = (uint32_t)(c * FW_WORDS + w);
				uint64_t x = c ? a.chunk[a.hdr[i].chunk[c]].w[w] : a.hdr[i].w[w];

				if (k >= a.nw)		/* past the policy's rules */
					assert_int_equal(x, 0);
				assert_int_equal(a.hdr[i].summary[c] >> w & 1, x != 0);
			}
		}
	fw_tables_free(&a);
	fw_tables_free(&b);
	fw_policy_free(&pol);
}

/* FW_MAX_RULES rules: the last one is the only match of its packet. */
static void test_max_rules(void **state)
{
	struct sbuf b = { 0 };
	struct fw_policy pol = { 0 };
	struct fw_tables t;
	struct fw_pkt_desc p;
	char last[32];

	snprintf(last, sizeof(last), "198.18.%d.%d", (FW_MAX_RULES - 1) / 256,
		 (FW_MAX_RULES - 1) % 256);

	sb_printf(&b, "{\"version\":1,\"default\":\"pass\",\"rules\":[");
	for (int i = 0; i < FW_MAX_RULES; i++)
		sb_printf(&b, "%s{\"action\":\"drop\",\"src\":\"198.18.%d.%d/32\",\"protocol\":\"udp\",\"dst_port\":\"%d-%d\"}",
			  i ? "," : "", i / 256, i % 256, i, i + 10);
	sb_printf(&b, "]}");
	parse_ok(b.s, &pol);
	compile_ok(&pol, &t);
	p = pkt4(last, "192.0.2.1", 17, 1, FW_MAX_RULES - 1);
	expect(&pol, &t, 0, &p, FW_MAX_RULES - 1);
	p = pkt4(last, "192.0.2.1", 17, 1, FW_MAX_RULES + 9);
	expect(&pol, &t, 0, &p, FW_MAX_RULES - 1);
	p = pkt4(last, "192.0.2.1", 17, 1, FW_MAX_RULES + 10);
	expect(&pol, &t, 0, &p, -1);
	p = pkt4("198.18.0.0", "192.0.2.1", 17, 1, 5);
	expect(&pol, &t, 0, &p, 0);
	fw_tables_free(&t);
	fw_policy_free(&pol);
	free(b.s);
}

/*
 * The classifier's slots (fw_tblcfg.slot, .nslots): no field constrained is
 * one slot of the all-rules class; more than FW_SLOTS fields are counted,
 * the first FW_SLOTS listed (the program then ANDs every field).
 */
static void test_slots(void **state)
{
	struct fw_policy pol = { 0 };
	struct fw_tables t;

	parse_ok("{\"version\":1,\"default\":\"pass\",\"rules\":["
		 "{\"action\":\"drop\"}]}", &pol);
	compile_ok(&pol, &t);
	assert_int_equal(t.dir[0].active, 0);
	assert_int_equal(t.dir[0].nslots, 1);
	assert_memory_equal(t.dir[0].slot, ((uint8_t[FW_SLOTS]){ 0 }), FW_SLOTS);
	fw_tables_free(&t);
	fw_policy_free(&pol);

	parse_ok("{\"version\":1,\"default\":\"pass\",\"rules\":["
		 "{\"action\":\"drop\",\"src\":\"198.18.0.0/15\",\"dst\":\"192.0.2.0/24\","
		 "\"protocol\":\"tcp\",\"src_port\":\"1024-65535\",\"dst_port\":22,"
		 "\"tcp_flags\":[\"syn\"]},"
		 "{\"action\":\"pass\",\"vlan\":5}]}", &pol);
	compile_ok(&pol, &t);
	assert_int_equal(t.dir[0].nslots, 7);
	assert_memory_equal(t.dir[0].slot, ((uint8_t[FW_SLOTS]){ FW_C_PROTO, FW_C_SPORT,
			    FW_C_DPORT, FW_C_SRC, FW_C_DST, FW_C_TCPFLAGS }), FW_SLOTS);
	fw_tables_free(&t);
	fw_policy_free(&pol);
	(void)state;
}

/*
 * IPv4 addresses: the multibit trie when its blocks fit (prefixes of every
 * length, nested), the LPM trie when they do not (a /32 in each of 7000
 * different /24s needs 7000 third-level blocks, more than FW_A4_POOL), and
 * fields no rule constrains are not active.
 */
static void test_addr4_tables(void **state)
{
	struct sbuf b = { 0 };
	struct fw_policy pol = { 0 };
	struct fw_tables t;
	struct fw_pkt_desc p;
	char a[32];

	parse_ok("{\"version\":1,\"default\":\"pass\",\"rules\":["
		 "{\"action\":\"drop\",\"src\":\"198.18.7.10/32\"},"
		 "{\"action\":\"drop\",\"src\":\"198.18.7.0/25\",\"protocol\":\"udp\",\"dst_port\":1},"
		 "{\"action\":\"drop\",\"src\":\"198.18.7.0/24\",\"protocol\":\"udp\",\"dst_port\":2},"
		 "{\"action\":\"drop\",\"src\":\"198.18.0.0/20\",\"protocol\":\"udp\",\"dst_port\":3},"
		 "{\"action\":\"drop\",\"src\":\"198.16.0.0/14\",\"protocol\":\"udp\",\"dst_port\":4},"
		 "{\"action\":\"drop\",\"src\":\"128.0.0.0/1\",\"protocol\":\"udp\",\"dst_port\":5}]}", &pol);
	compile_ok(&pol, &t);
	assert_true(t.dir[0].flags & FW_TF_SRC4);
	assert_false(t.dir[0].flags & (FW_TF_DST | FW_TF_DST4));
	assert_int_equal(t.dir[0].active, 1u << FW_C_SRC | 1u << FW_C_DPORT | 1u << FW_C_PROTO);
	/* the classifier's slots: the active fields in field order, then proto */
	assert_int_equal(t.dir[0].nslots, 3);
	assert_memory_equal(t.dir[0].slot, ((uint8_t[FW_SLOTS]){ FW_C_PROTO, FW_C_DPORT,
			    FW_C_SRC, FW_C_PROTO, FW_C_PROTO, FW_C_PROTO }), FW_SLOTS);
	assert_int_equal(t.n_a4child, 2);	/* 198.18.7 and its /25, /32 */
	p = pkt4("198.18.7.10", "192.0.2.1", 17, 9, 9);
	expect(&pol, &t, 0, &p, 0);
	p = pkt4("198.18.7.11", "192.0.2.1", 17, 9, 1);
	expect(&pol, &t, 0, &p, 1);
	p = pkt4("198.18.7.128", "192.0.2.1", 17, 9, 1);
	expect(&pol, &t, 0, &p, -1);
	p = pkt4("198.18.7.255", "192.0.2.1", 17, 9, 2);
	expect(&pol, &t, 0, &p, 2);
	p = pkt4("198.18.15.255", "192.0.2.1", 17, 9, 3);
	expect(&pol, &t, 0, &p, 3);
	p = pkt4("198.18.16.0", "192.0.2.1", 17, 9, 3);
	expect(&pol, &t, 0, &p, -1);
	p = pkt4("198.19.255.255", "192.0.2.1", 17, 9, 4);
	expect(&pol, &t, 0, &p, 4);
	p = pkt4("255.0.0.1", "192.0.2.1", 17, 9, 5);
	expect(&pol, &t, 0, &p, 5);
	p = pkt4("127.255.255.255", "192.0.2.1", 17, 9, 5);
	expect(&pol, &t, 0, &p, -1);
	fw_tables_free(&t);
	fw_policy_free(&pol);

	sb_printf(&b, "{\"version\":1,\"default\":\"pass\",\"rules\":[");
	for (int i = 0; i < 7000; i++)
		sb_printf(&b, "%s{\"action\":\"drop\",\"dst\":\"10.%d.%d.7/32\"}",
			  i ? "," : "", i / 256, i % 256);
	sb_printf(&b, "]}");
	parse_ok(b.s, &pol);
	compile_ok(&pol, &t);
	assert_true(t.dir[0].flags & FW_TF_DST);
	assert_false(t.dir[0].flags & FW_TF_DST4);	/* the LPM trie */
	assert_true(t.n_a4child <= FW_A4_POOL);
	for (int i = 0; i < 7000; i += 333) {
		snprintf(a, sizeof(a), "10.%d.%d.7", i / 256, i % 256);
		p = pkt4("192.0.2.1", a, 6, 1, 2);
		expect(&pol, &t, 0, &p, i);
		snprintf(a, sizeof(a), "10.%d.%d.8", i / 256, i % 256);
		p = pkt4("192.0.2.1", a, 6, 1, 2);
		expect(&pol, &t, 0, &p, -1);
	}
	fw_tables_free(&t);
	fw_policy_free(&pol);
	free(b.s);
}

static void random_rounds(uint64_t seed, int policies, int min_rules, int rules, int packets)
{
	struct rng r = { seed };
	long mismatches = 0, cases = 0;

	for (int i = 0; i < policies; i++) {
		struct gen_pool pool;
		struct fw_policy pol = { 0 };
		struct fw_tables t;
		char *json;
		int n = min_rules + (int)rng_below(&r, (uint32_t)(rules - min_rules + 1));

		gen_pool_init(&r, &pool);
		json = gen_policy_json(&r, &pool, n, (int)rng_below(&r, 8));
		parse_ok(json, &pol);
		compile_ok(&pol, &t);
		for (int k = 0; k < packets; k++) {
			struct fw_pkt_desc d;
			struct gen_frame f;
			unsigned int dir = rng_pct(&r, 80) ? 0 : 1;
			int want, got;

			gen_packet(&r, &pool, &d, &f);
			want = fw_model_match(&pol, dir, &d);
			got = fw_tables_match(&t, &pol, dir, &d);
			cases++;
			if (want != got && mismatches++ < 3) {
				uint8_t frame[256];
				size_t len = gen_frame_build(&d, &f, frame);

				fprintf(stderr, "mismatch: seed %llu policy %d dir %u: model %d tables %d\npolicy: %s\npacket: ",
					(unsigned long long)seed, i, dir, want, got, json);
				gen_hex(stderr, frame, len);
			}
		}
		fw_tables_free(&t);
		fw_policy_free(&pol);
		free(json);
	}
	printf("compile-vs-model: %ld cases, %ld mismatches\n", cases, mismatches);
	assert_int_equal(mismatches, 0);
}

static void test_random_small(void **state)
{
	random_rounds(1, 400, 1, 12, 400);
}

static void test_random_large(void **state)
{
	random_rounds(2, 20, 1, 600, 300);
}

/* Policies of several bitmap chunks (FW_CHUNK_RULES rules each): classes
 * interned chunk by chunk, the last one partly past the rules. */
static void test_random_chunks(void **state)
{
	random_rounds(3, 2, FW_CHUNK_RULES + 1, 3 * FW_CHUNK_RULES - 7, 1000);
}

/* Too many classes is a clear error, not a crash or a silent truncation. */
static void test_too_many_rules_error(void **state)
{
	struct fw_policy pol = { 0 };
	struct fw_tables t;
	struct fw_err err = { 0 };
	char buf[512];

	parse_ok("{\"version\":1,\"default\":\"drop\"}", &pol);
	pol.dir[0].n_rules = FW_MAX_RULES + 1;	/* past what the parser allows */
	pol.dir[0].rules = calloc(FW_MAX_RULES + 1, sizeof(*pol.dir[0].rules));
	assert_int_equal(fw_compile(&pol, &t, &err), -EINVAL);
	fw_err_format(&err, buf, sizeof(buf));
	assert_non_null(strstr(buf, "16385 rules exceed the maximum of 16384"));
	fw_policy_free(&pol);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fixed_edges),
		cmocka_unit_test(test_deterministic),
		cmocka_unit_test(test_max_rules),
		cmocka_unit_test(test_addr4_tables),
		cmocka_unit_test(test_slots),
		cmocka_unit_test(test_random_small),
		cmocka_unit_test(test_random_large),
		cmocka_unit_test(test_random_chunks),
		cmocka_unit_test(test_too_many_rules_error),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
