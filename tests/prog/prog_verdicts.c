// SPDX-License-Identifier: GPL-2.0
/*
 * prog_verdicts.c - the real XDP and tc programs, loaded into this kernel
 * with their maps on a private bpffs, run on crafted packets with
 * BPF_PROG_TEST_RUN: verdicts, per-rule and per-reason counters, truncated
 * and malformed headers at every layer, and a randomized differential test
 * of the kernel's verdict and matched rule against the reference model.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include "fixture.h"

static int run_fd(int fd, const void *pkt, size_t len)
{
	int v, ret = h_run(fd, pkt, len, &v);

	if (ret)
		fail_msg("test run: %s", strerror(-ret));
	return v;
}

static int run_xdp(const void *pkt, size_t len)
{
	return run_fd(H.xdp_fd, pkt, len);
}

static int run_tc(const void *pkt, size_t len)
{
	return run_fd(H.tc_fd, pkt, len);
}

/* --- packets --------------------------------------------------------------- */

static size_t tcp4(uint8_t *b, const char *src, const char *dst, int dport)
{
	struct fw_pkt_desc d = { .family = 4, .proto = 6, .has_ports = 1,
				 .sport = 40000, .dport = (uint16_t)dport };
	struct gen_frame f = { 0 };

	inet_pton(AF_INET, src, d.saddr);
	inet_pton(AF_INET, dst, d.daddr);
	return gen_frame_build(&d, &f, b);
}

static size_t pkt6(uint8_t *b, int proto, int dport, const struct gen_frame *f)
{
	struct fw_pkt_desc d = { .family = 6, .proto = (uint8_t)proto,
				 .sport = 40000, .dport = (uint16_t)dport };

	d.has_ports = proto == 6 || proto == 17;
	inet_pton(AF_INET6, "2001:db8::1", d.saddr);
	inet_pton(AF_INET6, "2001:db8::2", d.daddr);
	return gen_frame_build(&d, f, b);
}

static const char *const base_policy =
	"{\"version\":1,\"default\":\"drop\",\"non_ip\":\"pass\",\"rules\":["
	"{\"id\":\"ssh\",\"action\":\"drop\",\"protocol\":\"tcp\",\"dst_port\":22},"
	"{\"id\":\"web\",\"action\":\"pass\",\"protocol\":\"tcp\",\"dst_port\":[80,443]},"
	"{\"id\":\"lan\",\"action\":\"pass\",\"src\":[\"198.18.0.0/24\",\"2001:db8::/64\"]}"
	"],\"egress\":{\"default\":\"pass\",\"rules\":["
	"{\"action\":\"drop\",\"protocol\":\"udp\",\"dst_port\":\"5000-5999\"}]}}";

/* --- tests ----------------------------------------------------------------- */

static void test_no_policy_passes(void **state)
{
	uint8_t b[256];
	size_t len = tcp4(b, "198.18.0.1", "198.18.1.1", 22);
	uint64_t before = reason_count(0, FW_R_NO_POLICY);

	assert_int_equal(run_xdp(b, len), XDP_PASS);
	assert_int_equal(reason_count(0, FW_R_NO_POLICY), before + 1);
}

static void test_rule_verdicts(void **state)
{
	uint8_t b[256];
	size_t len;

	apply_json(base_policy);
	len = tcp4(b, "198.18.0.1", "198.18.1.1", 22);		/* ssh: drop */
	assert_int_equal(run_xdp(b, len), XDP_DROP);
	len = tcp4(b, "198.18.0.1", "198.18.1.1", 443);		/* web: pass */
	assert_int_equal(run_xdp(b, len), XDP_PASS);
	len = tcp4(b, "198.18.0.1", "198.18.1.1", 8080);	/* lan: pass */
	assert_int_equal(run_xdp(b, len), XDP_PASS);
	len = tcp4(b, "198.18.9.1", "198.18.1.1", 8080);	/* default: drop */
	assert_int_equal(run_xdp(b, len), XDP_DROP);
	assert_int_equal(rule_count(0, 0), 1);
	assert_int_equal(rule_count(0, 1), 1);
	assert_int_equal(rule_count(0, 2), 1);
	assert_int_equal(rule_count(0, -1), 1);
}

static void test_egress_verdicts(void **state)
{
	struct gen_frame f = { 0 };
	uint8_t b[256];
	size_t len;

	apply_json(base_policy);
	len = pkt6(b, 17, 5500, &f);
	assert_int_equal(run_tc(b, len), TC_ACT_SHOT);
	len = pkt6(b, 17, 6000, &f);
	assert_int_equal(run_tc(b, len), TC_ACT_UNSPEC);
	assert_int_equal(rule_count(1, 0), 1);
	assert_int_equal(rule_count(1, -1), 1);
}

static void test_non_ip(void **state)
{
	uint8_t arp[60] = { 0 };
	uint64_t before;

	memset(arp, 0xff, 6);
	arp[12] = 0x08;
	arp[13] = 0x06;
	apply_json(base_policy);
	before = reason_count(0, FW_R_NON_IP_PASS);
	assert_int_equal(run_xdp(arp, sizeof(arp)), XDP_PASS);
	assert_int_equal(reason_count(0, FW_R_NON_IP_PASS), before + 1);

	apply_json("{\"version\":1,\"default\":\"pass\",\"non_ip\":\"drop\"}");
	before = reason_count(0, FW_R_NON_IP_DROP);
	assert_int_equal(run_xdp(arp, sizeof(arp)), XDP_DROP);
	assert_int_equal(reason_count(0, FW_R_NON_IP_DROP), before + 1);
}

/* Each frame is cut or corrupted: dropped and counted as malformed. */
static void test_malformed(void **state)
{
	struct gen_frame f = { 0 };
	uint8_t b[256], t[256];
	size_t len;
	int n = 0;

	apply_json("{\"version\":1,\"default\":\"pass\"}");

#define EXPECT_MALFORMED(buf, l, what) do {					\
		uint64_t m0 = reason_count(0, FW_R_MALFORMED);			\
		int v = run_xdp(buf, l);					\
		if (v != XDP_DROP || reason_count(0, FW_R_MALFORMED) != m0 + 1)	\
			fail_msg("%s: verdict %d, malformed %llu -> %llu", what, v, \
				 (unsigned long long)m0,			\
				 (unsigned long long)reason_count(0, FW_R_MALFORMED)); \
		n++;								\
	} while (0)

	len = tcp4(b, "198.18.0.1", "198.18.1.1", 80);
	assert_int_equal(run_xdp(b, len), XDP_PASS);	/* the intact frame */
	/* truncated at every layer: Ethernet+2 .. one byte short of TCP */
	for (size_t cut = 15; cut < len; cut++) {
		memcpy(t, b, cut);
		t[16] = 0;			/* keep tot_len consistent: 0 */
		t[17] = (uint8_t)(cut - 14);
		EXPECT_MALFORMED(t, cut, "ipv4/tcp truncated");
	}
	memcpy(t, b, len);
	t[14] = 0x44;				/* IHL 4 */
	EXPECT_MALFORMED(t, len, "ihl 4");
	t[14] = 0x4f;				/* IHL 15: 60 bytes, frame too short */
	EXPECT_MALFORMED(t, 14 + 40, "ihl 15");
	t[14] = 0x55;				/* version 5 */
	EXPECT_MALFORMED(t, len, "version 5");
	memcpy(t, b, len);
	t[16] = 0x05;				/* tot_len 1280 > frame */
	EXPECT_MALFORMED(t, len, "tot_len > frame");
	memcpy(t, b, len);
	t[14 + 20 + 12] = 0x40;			/* TCP data offset 4 */
	EXPECT_MALFORMED(t, len, "tcp doff 4");

	/* three VLAN tags; a truncated tag */
	{
		struct gen_frame v2 = { .vlans = 2 };

		len = pkt6(b, 17, 53, &v2);
		assert_int_equal(run_xdp(b, len), XDP_PASS);	/* two tags parse */
		memmove(b + 16, b + 12, len - 12);
		b[12] = 0x81;
		b[13] = 0x00;
		b[14] = 0;
		b[15] = 12;
		EXPECT_MALFORMED(b, len + 4, "three vlan tags");
		EXPECT_MALFORMED(b, 16, "vlan tag truncated");
	}

	/* IPv6: truncated fixed header, extension, fragment header, L4 */
	len = pkt6(b, 17, 53, &f);
	assert_int_equal(run_xdp(b, len), XDP_PASS);
	for (size_t cut = 15; cut < len; cut++) {
		memcpy(t, b, cut);
		t[18] = 0;
		t[19] = (uint8_t)(cut > 54 ? cut - 54 : 0);
		EXPECT_MALFORMED(t, cut, "ipv6/udp truncated");
	}
	{
		struct gen_frame ext = { .ip_options = 8, .first_fragment = 1 };

		len = pkt6(b, 6, 80, &ext);	/* 2 dest opts + fragment + tcp */
		assert_int_equal(run_xdp(b, len), XDP_PASS);
		for (size_t cut = 55; cut < len; cut += 3) {
			memcpy(t, b, cut);
			t[18] = 0;
			t[19] = (uint8_t)(cut - 54);
			EXPECT_MALFORMED(t, cut, "ipv6 extension chain truncated");
		}
	}
	{
		/* a chain of FW_IPV6_EXT_MAX + 1 destination options headers */
		struct gen_frame ok = { .ip_options = FW_IPV6_EXT_MAX * 4 };
		struct gen_frame over = { .ip_options = (FW_IPV6_EXT_MAX + 1) * 4 };

		len = pkt6(b, 17, 53, &ok);
		assert_int_equal(run_xdp(b, len), XDP_PASS);
		len = pkt6(b, 17, 53, &over);
		EXPECT_MALFORMED(b, len, "extension chain over the bound");
	}
	memcpy(t, b, 14 + 40);
	len = pkt6(b, 17, 53, &f);
	b[18] = 0x04;				/* payload_len 1024 > frame */
	EXPECT_MALFORMED(b, len, "payload_len > frame");
	printf("malformed cases: %d\n", n);
}

/* Well-formed but unusual: counted by the rules, not as malformed. */
static void test_fragments_and_options(void **state)
{
	struct fw_pkt_desc d = { .family = 4, .proto = 17, .has_ports = 1,
				 .sport = 1000, .dport = 53 };
	struct gen_frame f = { 0 };
	uint8_t b[256];
	size_t len;

	apply_json("{\"version\":1,\"default\":\"drop\",\"rules\":["
		   "{\"action\":\"pass\",\"protocol\":\"udp\",\"dst_port\":53},"
		   "{\"action\":\"drop\",\"protocol\":\"udp\",\"src\":\"198.18.0.0/15\"},"
		   "{\"action\":\"pass\",\"src\":\"198.18.0.0/15\"}]}");
	inet_pton(AF_INET, "198.18.0.1", d.saddr);
	inet_pton(AF_INET, "198.18.0.2", d.daddr);

	f.ip_options = 12;
	len = gen_frame_build(&d, &f, b);
	assert_int_equal(run_xdp(b, len), XDP_PASS);		/* rule 0 */
	f.first_fragment = 1;
	len = gen_frame_build(&d, &f, b);
	assert_int_equal(run_xdp(b, len), XDP_PASS);		/* rule 0 */
	f.first_fragment = 0;
	f.later_fragment = 1;
	d.has_ports = 0;
	len = gen_frame_build(&d, &f, b);
	assert_int_equal(run_xdp(b, len), XDP_DROP);		/* rule 1: no ports */
	assert_int_equal(rule_count(0, 0), 2);
	assert_int_equal(rule_count(0, 1), 1);

	/* zero-length later fragment: L3 fields only */
	len = gen_frame_build(&d, &f, b);
	b[14 + 2] = 0;
	b[14 + 3] = 32;				/* tot_len = header only */
	assert_int_equal(run_xdp(b, 14 + 32), XDP_DROP);
	assert_int_equal(rule_count(0, 1), 2);
}

/* The policy's "malformed" and "fragments" settings decide before the rules. */
static void test_malformed_and_fragment_modes(void **state)
{
	struct fw_pkt_desc d = { .family = 4, .proto = 17, .later_fragment = true };
	struct gen_frame f = { .later_fragment = 1, .frag_units = 1 };
	uint8_t b[256], t[256];
	size_t len;
	uint64_t c;

	inet_pton(AF_INET, "198.18.0.1", d.saddr);
	inet_pton(AF_INET, "198.18.0.2", d.daddr);
	len = gen_frame_build(&d, &f, b);
	memcpy(t, b, 20);			/* IPv4 cut short: malformed */

	apply_json("{\"version\":1,\"default\":\"drop\",\"malformed\":\"pass\",\"fragments\":\"pass\"}");
	c = reason_count(0, FW_R_MALFORMED_PASS);
	assert_int_equal(run_xdp(t, 20), XDP_PASS);
	assert_int_equal(reason_count(0, FW_R_MALFORMED_PASS), c + 1);
	c = reason_count(0, FW_R_FRAGMENT_PASS);
	assert_int_equal(run_xdp(b, len), XDP_PASS);
	assert_int_equal(reason_count(0, FW_R_FRAGMENT_PASS), c + 1);
	assert_int_equal(rule_count(0, -1), 0);	/* the default never saw them */

	apply_json("{\"version\":1,\"default\":\"pass\",\"fragments\":\"drop\","
		   "\"egress\":{\"default\":\"pass\"}}");
	c = reason_count(0, FW_R_FRAGMENT_DROP);
	assert_int_equal(run_xdp(b, len), XDP_DROP);
	assert_int_equal(reason_count(0, FW_R_FRAGMENT_DROP), c + 1);
	c = reason_count(1, FW_R_FRAGMENT_DROP);
	assert_int_equal(run_tc(b, len), TC_ACT_SHOT);		/* both directions */
	assert_int_equal(reason_count(1, FW_R_FRAGMENT_DROP), c + 1);
	c = reason_count(0, FW_R_MALFORMED);
	assert_int_equal(run_xdp(t, 20), XDP_DROP);		/* default: drop */
	assert_int_equal(reason_count(0, FW_R_MALFORMED), c + 1);
}

/*
 * More rules than one bitmap chunk (FW_CHUNK_RULES): rule i matches only
 * source 198.18.i/256.i%256, except the catch-all at 9000; "wide" adds
 * matchers so that more than FW_SLOTS fields are active (the general path).
 */
static void many_rules(bool wide)
{
	const int n = 12000;
	struct sbuf b = { 0 };
	uint8_t p[256];
	size_t len;
	char src[32];
	static const int probe[] = { 5, 4095, 4096, 8191, 8999 };

	sb_printf(&b, "{\"version\":1,\"default\":\"pass\",\"rules\":[");
	for (int i = 0; i < n; i++) {
		if (i == 9000) {
			sb_printf(&b, ",{\"action\":\"drop\",\"src\":\"198.18.0.0/16\"}");
			continue;
		}
		sb_printf(&b, "%s{\"action\":\"drop\",\"src\":\"198.18.%d.%d/32\","
			  "\"protocol\":\"tcp\",\"dst_port\":\"%d-%d\"%s}", i ? "," : "",
			  i / 256, i % 256, 80 - i % 3, 80 + i % 5,
			  wide ? ",\"dst\":\"198.19.0.0/16\",\"src_port\":\"1024-65535\","
				 "\"tcp_flags\":[\"syn\",\"!syn\"]" : "");
	}
	if (wide)
		sb_printf(&b, ",{\"action\":\"pass\",\"vlan\":5}");
	sb_printf(&b, "]}");
	apply_json(b.s);
	free(b.s);
	for (size_t k = 0; k < sizeof(probe) / sizeof(probe[0]); k++) {
		int r = probe[k];
		uint64_t before = rule_count(0, r);

		snprintf(src, sizeof(src), "198.18.%d.%d", r / 256, r % 256);
		len = tcp4(p, src, "198.19.7.20", 80);
		assert_int_equal(run_xdp(p, len), XDP_DROP);
		assert_int_equal(rule_count(0, r), before + 1);
	}
	/* past the catch-all: it matches first */
	for (int r = 9001; r < n; r += 997) {
		uint64_t before = rule_count(0, 9000);

		snprintf(src, sizeof(src), "198.18.%d.%d", r / 256, r % 256);
		len = tcp4(p, src, "198.19.7.20", 80);
		assert_int_equal(run_xdp(p, len), XDP_DROP);
		assert_int_equal(rule_count(0, 9000), before + 1);
	}
	len = tcp4(p, "198.18.5.5", "198.19.7.20", 79);		/* rule 1285: 79-81 */
	assert_int_equal(run_xdp(p, len), XDP_DROP);
	len = tcp4(p, "198.18.0.2", "198.19.7.20", 79);		/* rule 2: 78-80 */
	assert_int_equal(run_xdp(p, len), XDP_DROP);
	len = tcp4(p, "198.18.0.0", "198.19.7.20", 81);		/* rule 0: 80-80 no */
	assert_int_equal(run_xdp(p, len), XDP_DROP);		/* the catch-all */
	len = tcp4(p, "198.17.0.0", "198.19.7.20", 80);		/* no rule */
	assert_int_equal(run_xdp(p, len), XDP_PASS);
}

static void test_many_rules(void **state)
{
	many_rules(false);
	many_rules(true);
}

static void test_differential(void **state)
{
	const char *s = getenv("FW_DIFF_SEED");
	uint64_t seed = s ? strtoull(s, NULL, 0) : 42;

	long mismatches = 0, cases;

	cases = h_differential(&H, seed, 40, 40, 250, &mismatches, stderr);
	assert_true(cases > 0);
	cases += h_differential(&H, seed + 1, 3, 1500, 500, &mismatches, stderr);
	printf("difftest: %ld cases, %ld mismatches\n", cases, mismatches);
	assert_int_equal(mismatches, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_no_policy_passes),
		cmocka_unit_test(test_rule_verdicts),
		cmocka_unit_test(test_egress_verdicts),
		cmocka_unit_test(test_non_ip),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_fragments_and_options),
		cmocka_unit_test(test_malformed_and_fragment_modes),
		cmocka_unit_test(test_many_rules),
		cmocka_unit_test(test_differential),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
