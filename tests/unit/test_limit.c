// SPDX-License-Identifier: GPL-2.0
/*
 * test_limit.c - unit tests (cmocka) of rate limits in user space: the
 * "rate" and size strings (ctl/limit.c), the "limit" object of a rule
 * (ctl/policy.c: values, defaults, every error with its line:column and
 * path), the compiled form's arithmetic (mult, shift, depth), slot
 * numbering in the tables, the hw-mode refusal, and that the reference
 * model treats a limited rule as the rule (limits are state, not matching).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fwctl.h"
#include "limit.h"
#include "parse.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define TICKS_PER_S	(1000000000.0 * (1 << FW_LIMIT_TICK_SHIFT))

static void test_rate_strings(void **state)
{
	static const struct {
		const char *s;
		bool bytes;
		uint64_t num, den;	/* units per second = num / den */
	} ok[] = {
		{ "1000/s", false, 1000, 1 },
		{ "1/s", false, 1, 1 },
		{ "60/m", false, 60, 60 },
		{ "5/h", false, 5, 3600 },
		{ "1000000000/s", false, 1000000000, 1 },
		{ "100B/s", true, 100, 1 },
		{ "2MB/s", true, 2000000, 1 },
		{ "2kB/s", true, 2000, 1 },
		{ "2KB/s", true, 2000, 1 },
		{ "3GB/m", true, 3000000000ull, 60 },
		{ "1KiB/s", true, 1024, 1 },
		{ "1MiB/s", true, 1048576, 1 },
		{ "1GiB/h", true, 1073741824ull, 3600 },
		{ "10mbit/s", true, 10000000, 8 },
		{ "10Mbit/s", true, 10000000, 8 },
		{ "64kbit/s", true, 64000, 8 },
		{ "1gbit/s", true, 1000000000, 8 },
		{ "8bit/s", true, 8, 8 },
	};
	static const struct {
		const char *s, *msg;
	} bad[] = {
		{ "", "expected a rate like \"1000/s\", \"10mbit/s\" or \"2MB/m\"" },
		{ "/s", "expected a rate like \"1000/s\", \"10mbit/s\" or \"2MB/m\"" },
		{ "-1/s", "expected a rate like \"1000/s\", \"10mbit/s\" or \"2MB/m\"" },
		{ "01/s", "expected a rate like \"1000/s\", \"10mbit/s\" or \"2MB/m\"" },
		{ "1.5/s", "unknown unit \".5\" (packets: none; bytes: B, kB, MB, GB, KiB, MiB, GiB, bit, kbit, mbit, gbit)" },
		{ "0/s", "a rate must be more than 0" },
		{ "1000", "a rate needs a period: \"/s\", \"/m\" or \"/h\"" },
		{ "1000/d", "unknown period \"/d\" (/s, /m or /h)" },
		{ "1000/", "unknown period \"/\" (/s, /m or /h)" },
		{ "1000/sec", "unknown period \"/sec\" (/s, /m or /h)" },
		{ "10mb/s", "unknown unit \"mb\" (packets: none; bytes: B, kB, MB, GB, KiB, MiB, GiB, bit, kbit, mbit, gbit)" },
		{ "10 MB/s", "unknown unit \" MB\" (packets: none; bytes: B, kB, MB, GB, KiB, MiB, GiB, bit, kbit, mbit, gbit)" },
		{ "1000000001/s", "rate above 1000000000 packets/s" },
		{ "9TB/s", "unknown unit \"TB\" (packets: none; bytes: B, kB, MB, GB, KiB, MiB, GiB, bit, kbit, mbit, gbit)" },
		{ "1001GB/s", "rate above 1000000000000 bytes/s (8 Tbit/s)" },
		{ "7bit/s", "a byte rate must be at least 1 byte/s (8bit/s)" },
		{ "59B/m", "a byte rate must be at least 1 byte/s (8bit/s)" },
		{ "99999999999999999999/s", "expected a rate like \"1000/s\", \"10mbit/s\" or \"2MB/m\"" },
	};
	char msg[256];

	for (size_t i = 0; i < ARRAY_SIZE(ok); i++) {
		struct fw_limit_ir l = { 0 };

		if (fw_limit_rate_parse(ok[i].s, &l, msg, sizeof(msg)))
			fail_msg("%s: %s", ok[i].s, msg);
		assert_int_equal(l.bytes, ok[i].bytes);
		assert_int_equal(l.num, ok[i].num);
		assert_int_equal(l.den, ok[i].den);
	}
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		struct fw_limit_ir l = { 0 };

		msg[0] = '\0';
		if (fw_limit_rate_parse(bad[i].s, &l, msg, sizeof(msg)) != -EINVAL)
			fail_msg("\"%s\" accepted", bad[i].s);
		assert_string_equal(msg, bad[i].msg);
	}
}

static void test_size_strings(void **state)
{
	static const struct {
		const char *s;
		uint64_t v;
	} ok[] = {
		{ "1514", 1514 }, { "64KiB", 65536 }, { "100kB", 100000 },
		{ "2MB", 2000000 }, { "1MiB", 1048576 }, { "3B", 3 }, { "1GiB", 1073741824ull },
	};
	static const char *const bad[] = { "", "1.5kB", "10kbit", "64k", "KiB", "-1" };
	char msg[256];
	uint64_t v;

	for (size_t i = 0; i < ARRAY_SIZE(ok); i++) {
		assert_int_equal(fw_limit_size_parse(ok[i].s, &v, msg, sizeof(msg)), 0);
		assert_int_equal(v, ok[i].v);
	}
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++)
		if (fw_limit_size_parse(bad[i], &v, msg, sizeof(msg)) != -EINVAL)
			fail_msg("\"%s\" accepted", bad[i]);
}

/* The IR of a limit, and its defaults. */
static void test_parse_values(void **state)
{
	struct fw_policy pol = { 0 };
	const struct fw_limit_ir *l;

	parse_ok("{\"version\":1,\"default\":\"drop\",\"rules\":["
		 "{\"action\":\"pass\",\"limit\":{\"rate\":\"1000/s\",\"burst\":200}},"
		 "{\"action\":\"pass\",\"limit\":{\"rate\":\"10mbit/s\",\"burst\":\"64KiB\","
		 "\"per\":\"src/24/64\",\"over\":\"pass\"}},"
		 "{\"action\":\"drop\",\"limit\":{\"rate\":\"30/m\",\"per\":\"src\"}},"
		 "{\"action\":\"pass\",\"limit\":{\"rate\":\"100000/s\",\"per\":\"src/16\"}},"
		 "{\"action\":\"pass\",\"limit\":{\"rate\":\"1kB/s\"}},"
		 "{\"action\":\"pass\",\"limit\":{\"rate\":\"1GB/s\",\"burst\":1514}},"
		 "{\"action\":\"pass\"}],"
		 "\"egress\":{\"default\":\"pass\",\"rules\":[{\"action\":\"pass\","
		 "\"limit\":{\"rate\":\"5/s\",\"over\":\"drop\"}}]}}", &pol);

	l = &pol.dir[0].rules[0].limit;
	assert_true(l->set);
	assert_false(l->bytes);
	assert_false(l->per_src);
	assert_int_equal(l->burst, 200);
	assert_int_equal(l->over, FW_ACT_DROP);	/* the default */
	assert_string_equal(l->rate, "1000/s");

	l = &pol.dir[0].rules[1].limit;
	assert_true(l->bytes);
	assert_int_equal(l->num, 10000000);
	assert_int_equal(l->den, 8);
	assert_int_equal(l->burst, 65536);
	assert_true(l->per_src);
	assert_int_equal(l->plen4, 24);
	assert_int_equal(l->plen6, 64);
	assert_int_equal(l->over, FW_ACT_PASS);

	l = &pol.dir[0].rules[2].limit;
	assert_int_equal(l->burst, 5);		/* default: 100 ms of the rate, at least 5 */
	assert_int_equal(l->plen4, 32);		/* "src": whole addresses */
	assert_int_equal(l->plen6, 128);

	l = &pol.dir[0].rules[3].limit;
	assert_int_equal(l->burst, 10000);	/* 100 ms of 100000/s */
	assert_int_equal(l->plen4, 16);
	assert_int_equal(l->plen6, 128);	/* "src/N" leaves IPv6 per address */

	assert_int_equal(pol.dir[0].rules[4].limit.burst, 65536);	/* byte default */
	assert_int_equal(pol.dir[0].rules[5].limit.burst, 1514);
	assert_false(pol.dir[0].rules[6].limit.set);
	assert_true(pol.dir[1].rules[0].limit.set);
	assert_int_equal(pol.dir[1].rules[0].limit.burst, 5);
	fw_policy_free(&pol);
}

static void test_parse_errors(void **state)
{
#define P(lim) "{\"version\":1,\"default\":\"drop\",\"rules\":[\n{\"action\":\"pass\",\"limit\":" lim "}]}"
	static const struct {
		const char *json, *want;
	} c[] = {
		{ P("\"1000/s\""), "policy.json:2:26: rules[0].limit: expected an object, got a string" },
		{ P("{}"), "policy.json:2:26: rules[0].limit: missing required key \"rate\"" },
		{ P("{\"rate\":\"1/s\",\"brust\":2}"),
		  "policy.json:2:48: rules[0].limit: unknown key \"brust\" (did you mean \"burst\"?)" },
		{ P("{\"rate\":\"1/s\",\"mode\":2}"),
		  "policy.json:2:47: rules[0].limit: unknown key \"mode\" (allowed: rate, burst, per, over)" },
		{ P("{\"rate\":1000}"), "policy.json:2:34: rules[0].limit.rate: expected a string like \"1000/s\" or \"10mbit/s\", got an integer" },
		{ P("{\"rate\":\"fast\"}"),
		  "policy.json:2:34: rules[0].limit.rate: \"fast\": expected a rate like \"1000/s\", \"10mbit/s\" or \"2MB/m\"" },
		{ P("{\"rate\":\"10/d\"}"), "policy.json:2:34: rules[0].limit.rate: \"10/d\": unknown period \"/d\" (/s, /m or /h)" },
		{ P("{\"rate\":\"1/s\",\"burst\":0}"), "policy.json:2:48: rules[0].limit.burst: burst must be at least 1" },
		{ P("{\"rate\":\"1/s\",\"burst\":-3}"), "policy.json:2:48: rules[0].limit.burst: burst must be at least 1" },
		{ P("{\"rate\":\"1/s\",\"burst\":1.5}"),
		  "policy.json:2:48: rules[0].limit.burst: expected a number of packets, got a real number" },
		{ P("{\"rate\":\"1/s\",\"burst\":\"5\"}"),
		  "policy.json:2:48: rules[0].limit.burst: expected a number of packets, got a string" },
		{ P("{\"rate\":\"1MB/s\",\"burst\":true}"),
		  "policy.json:2:50: rules[0].limit.burst: expected a number of bytes or a size like \"64KiB\", got a boolean" },
		{ P("{\"rate\":\"1MB/s\",\"burst\":\"64k\"}"),
		  "policy.json:2:50: rules[0].limit.burst: \"64k\": unknown size unit \"k\" (B, kB, MB, GB, KiB, MiB, GiB)" },
		{ P("{\"rate\":\"1MB/s\",\"burst\":1000}"),
		  "policy.json:2:50: rules[0].limit.burst: a byte limit's burst must hold a full-size frame: at least 1514 bytes" },
		{ P("{\"rate\":\"1/h\",\"burst\":100000000}"),
		  "policy.json:2:48: rules[0].limit.burst: a burst of 100000000 at this rate takes more than 10^8 s to refill" },
		{ P("{\"rate\":\"1/s\",\"per\":\"dst\"}"),
		  "policy.json:2:46: rules[0].limit.per: \"dst\" is not a bucket key (\"src\", \"src/24\" or \"src/24/64\")" },
		{ P("{\"rate\":\"1/s\",\"per\":\"srcs\"}"),
		  "policy.json:2:46: rules[0].limit.per: \"srcs\" is not a bucket key (\"src\", \"src/24\" or \"src/24/64\")" },
		{ P("{\"rate\":\"1/s\",\"per\":\"src/0\"}"),
		  "policy.json:2:46: rules[0].limit.per: IPv4 prefix length 0 is not 1..32" },
		{ P("{\"rate\":\"1/s\",\"per\":\"src/33\"}"),
		  "policy.json:2:46: rules[0].limit.per: IPv4 prefix length 33 is not 1..32" },
		{ P("{\"rate\":\"1/s\",\"per\":\"src/24/129\"}"),
		  "policy.json:2:46: rules[0].limit.per: IPv6 prefix length 129 is not 1..128" },
		{ P("{\"rate\":\"1/s\",\"per\":\"src/24/\"}"),
		  "policy.json:2:46: rules[0].limit.per: \"src/24/\": expected \"src/N\" (IPv4 prefix length) or \"src/N/M\" (and IPv6)" },
		{ P("{\"rate\":\"1/s\",\"per\":\"src/24x\"}"),
		  "policy.json:2:46: rules[0].limit.per: \"src/24x\": expected \"src/N\" (IPv4 prefix length) or \"src/N/M\" (and IPv6)" },
		{ P("{\"rate\":\"1/s\",\"per\":24}"), "policy.json:2:46: rules[0].limit.per: expected a string, got an integer" },
		{ P("{\"rate\":\"1/s\",\"over\":\"reject\"}"),
		  "policy.json:2:47: rules[0].limit.over: \"reject\" is not an action (pass, drop)" },
		{ "{\"version\":1,\"default\":\"drop\",\"rules\":[\n{\"action\":\"pass\",\"not\":{\"limit\":{\"rate\":\"1/s\"}}}]}",
		  "policy.json:2:33: rules[0].not: unknown key \"limit\" (allowed: src, dst, protocol, src_port, dst_port, tcp_flags, icmp_type, icmp_code, vlan, interface, ct)" },
		{ "{\"version\":1,\"default\":\"drop\",\"failsafe\":[\n{\"action\":\"pass\",\"limit\":{\"rate\":\"1/s\"}}]}",
		  "policy.json:2:26: failsafe[0].limit: failsafe rules cannot be rate-limited (they must always pass)" },
	};
#undef P

	for (size_t i = 0; i < ARRAY_SIZE(c); i++)
		expect_error(c[i].json, c[i].want);
}

/* mult, shift and depth: the cost of a packet or byte in ticks, exactly enough. */
static void test_compile_arithmetic(void **state)
{
	static const struct {
		const char *rate;
		uint64_t burst;
		double unit_s;		/* seconds one unit costs */
	} c[] = {
		{ "1000/s", 200, 1e-3 },
		{ "1/h", 3, 3600.0 },
		{ "1000000000/s", 5, 1e-9 },
		{ "10mbit/s", 65536, 8e-7 },
		{ "1000B/m", 3000, 0.06 },
		{ "8bit/s", 1514, 1.0 },
		{ "1000GB/s", 1514, 1e-12 },
	};
	char msg[256];

	for (size_t i = 0; i < ARRAY_SIZE(c); i++) {
		struct fw_limit_ir l = { .burst = c[i].burst, .over = FW_ACT_DROP };
		struct fw_limit k;
		double want1, got1, want_max, got_max;

		assert_int_equal(fw_limit_rate_parse(c[i].rate, &l, msg, sizeof(msg)), 0);
		assert_int_equal(fw_limit_check(&l, msg, sizeof(msg)), 0);
		assert_int_equal(fw_limit_compile(&l, &k), 0);
		/* the data path's formula never overflows: 65535 * mult < 2^64 */
		assert_true(k.mult < (UINT64_MAX / 65535));
		assert_true(k.shift < 64);
		want1 = c[i].unit_s * TICKS_PER_S;
		got1 = (double)(((unsigned __int128)1 * k.mult) >> k.shift);
		want_max = 65535 * want1;
		got_max = (double)(((unsigned __int128)65535 * k.mult) >> k.shift);
		/* the cost is rounded down, by less than one tick */
		assert_true(got1 <= want1 + 1e-6 * want1 && got1 > want1 - 1.0 - 1e-9 * want1);
		assert_true(got_max <= want_max * (1 + 1e-9) && got_max > want_max - 1.0 - 1e-9 * want_max);
		assert_true((double)k.depth <= c[i].burst * want1 * (1 + 1e-9));
		assert_true((double)k.depth > c[i].burst * want1 * (1 - 1e-9) - 1.0);
		assert_int_equal(k.flags & FW_LF_BYTES, l.bytes ? FW_LF_BYTES : 0);
		assert_int_equal(k.over, FW_ACT_DROP);
	}
}

/* Slots: ingress limits first, then egress; only limited rules get one. */
static void test_slots(void **state)
{
	struct fw_policy pol = { 0 };
	struct fw_tables t;
	struct fw_err err;

	parse_ok("{\"version\":1,\"default\":\"drop\",\"rules\":["
		 "{\"action\":\"pass\",\"protocol\":\"tcp\"},"
		 "{\"action\":\"pass\",\"limit\":{\"rate\":\"1/s\",\"per\":\"src/24\"}},"
		 "{\"action\":\"drop\",\"limit\":{\"rate\":\"2MB/s\",\"over\":\"pass\"}}],"
		 "\"egress\":{\"default\":\"pass\",\"rules\":["
		 "{\"action\":\"pass\",\"limit\":{\"rate\":\"3/s\"}}]}}", &pol);
	assert_int_equal(fw_compile(&pol, &t, &err), 0);
	assert_int_equal(t.n_limits, 3);
	assert_int_equal(t.dir[0].rules[0].flags & FW_RF_LIMIT, 0);
	assert_int_equal(t.dir[0].rules[1].flags & FW_RF_LIMIT, FW_RF_LIMIT);
	assert_int_equal(t.dir[0].rules[1].limit, 0);
	assert_int_equal(t.dir[0].rules[2].limit, 1);
	assert_int_equal(t.dir[1].rules[0].limit, 2);
	assert_int_equal(t.limits[0].flags, FW_LF_PER_SRC);
	assert_int_equal(t.limits[0].plen4, 24);
	assert_int_equal(t.limits[0].plen6, 128);
	assert_int_equal(t.limits[1].flags, FW_LF_BYTES);
	assert_int_equal(t.limits[1].over, FW_ACT_PASS);
	assert_int_equal(t.limits[1].plen4, 0);
	assert_int_equal(t.dir[0].rules[2].action, FW_ACT_DROP);
	fw_tables_free(&t);
	fw_policy_free(&pol);
}

/* Limits are state: the model's verdict is the rule's (within the limit). */
static void test_model_ignores_limits(void **state)
{
	struct fw_policy pol = { 0 };
	struct fw_model_verdict v;
	struct fw_pkt_desc d = { .family = 4, .proto = 17, .has_ports = true, .dport = 53 };

	parse_ok("{\"version\":1,\"default\":\"pass\",\"rules\":["
		 "{\"action\":\"drop\",\"protocol\":\"udp\",\"limit\":{\"rate\":\"1/h\",\"burst\":1}}]}",
		 &pol);
	for (int i = 0; i < 3; i++) {
		fw_model_decide(&pol, FW_DIR_INGRESS, FW_IN_IP, &d, &v);
		assert_int_equal(v.rule, 0);
		assert_int_equal(v.action, FW_ACT_DROP);
		assert_int_equal(v.reason, FW_R_RULE_DROP);
	}
	fw_policy_free(&pol);
}

/* hw mode cannot keep buckets: a limited ingress rule is refused, clearly. */
static void test_hw_refuses(void **state)
{
	struct fw_policy pol = { 0 };
	struct fw_hw_tables *t = malloc(sizeof(*t));
	struct fw_err err;
	char buf[1024];

	assert_non_null(t);
	parse_ok("{\"version\":1,\"default\":\"drop\",\"rules\":[\n"
		 "{\"action\":\"pass\",\"protocol\":\"udp\"},\n"
		 "{\"action\":\"pass\",\"protocol\":\"tcp\",\"limit\":{\"rate\":\"1000/s\"}}]}", &pol);
	assert_int_equal(fw_hw_compile(&pol, t, &err), -EINVAL);
	assert_string_equal(fw_err_format(&err, buf, sizeof(buf)),
			    "policy.json:3:43: rules[1].limit: rate limits are not supported in hw mode (the offloaded program keeps no per-rule state; attach in native or skb mode to rate-limit)");
	fw_policy_free(&pol);
	free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rate_strings),
		cmocka_unit_test(test_size_strings),
		cmocka_unit_test(test_parse_values),
		cmocka_unit_test(test_parse_errors),
		cmocka_unit_test(test_compile_arithmetic),
		cmocka_unit_test(test_slots),
		cmocka_unit_test(test_model_ignores_limits),
		cmocka_unit_test(test_hw_refuses),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
