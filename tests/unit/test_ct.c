// SPDX-License-Identifier: GPL-2.0
/*
 * test_ct.c - unit tests (cmocka) of conntrack's pure parts (issue 5): the
 * "conntrack" object, the "ct" matcher and "track" in the parser (values,
 * defaults, errors with file:line:col and JSON path), what the compiler
 * makes of them (fw_ct_cfg, the ct classes, FW_RF_TRACK), the reference
 * model's use of the ct state, and dp/ctkey.h: key normalization, the
 * originator's side, ICMP echo ids, the TCP state machine.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <arpa/inet.h>
#include <errno.h>
#include <string.h>

#include "policy.h"
#include "parse.h"
#include "compile.h"
#include "model.h"
#include "dp/ctkey.h"

#define S(x) (x * 1000000000ULL)

static void test_defaults(void **state)
{
	struct fw_policy pol;

	parse_ok("{\"version\":1,\"default\":\"drop\"}", &pol);
	assert_false(pol.ct.on);
	fw_policy_free(&pol);

	parse_ok("{\"version\":1,\"default\":\"drop\",\"conntrack\":{}}", &pol);
	assert_true(pol.ct.on && pol.ct.declared && pol.ct.pass_est);
	assert_int_equal(pol.ct.size, FW_CT_DEFAULT_SIZE);
	assert_true(pol.ct.timeout_ns[FW_CT_TO_TCP_EST] == S(300));
	assert_true(pol.ct.timeout_ns[FW_CT_TO_TCP_SYN] == S(30));
	assert_true(pol.ct.timeout_ns[FW_CT_TO_TCP_CLOSING] == S(10));
	assert_true(pol.ct.timeout_ns[FW_CT_TO_UDP] == S(30));
	assert_true(pol.ct.timeout_ns[FW_CT_TO_ICMP] == S(10));
	assert_true(pol.ct.timeout_ns[FW_CT_TO_OTHER] == S(30));
	fw_policy_free(&pol);

	/* a "ct" matcher alone turns tracking on, admitting nothing first */
	parse_ok("{\"version\":1,\"default\":\"drop\",\"rules\":[{\"action\":\"pass\",\"ct\":\"established\"}]}",
		 &pol);
	assert_true(pol.ct.on);
	assert_false(pol.ct.declared || pol.ct.pass_est);
	assert_true(fw_policy_needs_tc(&pol));
	assert_true(pol.dir[0].rules[0].pos.has_ct);
	assert_true(pol.dir[0].rules[0].pos.ct[0] == 1u << FW_CT_ESTABLISHED);
	fw_policy_free(&pol);

	parse_ok("{\"version\":1,\"default\":\"drop\",\"rules\":[{\"action\":\"pass\",\"track\":true,"
		 "\"protocol\":\"tcp\",\"dst_port\":22}]}", &pol);
	assert_true(pol.ct.on && pol.dir[0].rules[0].track);
	fw_policy_free(&pol);
}

static void test_values(void **state)
{
	struct fw_policy pol;

	parse_ok("{\"version\":1,\"default\":\"drop\",\"conntrack\":{\"size\":65,"
		 "\"established\":\"match\",\"timeouts\":{\"tcp_established\":\"2h\","
		 "\"tcp_closing\":\"1500ms\",\"tcp_syn\":5,\"udp\":\"3m\",\"icmp\":\"1s\","
		 "\"other\":\"7s\"}},"
		 "\"rules\":[{\"action\":\"drop\",\"ct\":[\"invalid\",\"untracked\"],"
		 "\"not\":{\"ct\":\"new\"}}]}", &pol);
	assert_true(pol.ct.on && !pol.ct.pass_est);
	assert_int_equal(pol.ct.size, 65);
	assert_true(pol.ct.timeout_ns[FW_CT_TO_TCP_EST] == S(7200));
	assert_true(pol.ct.timeout_ns[FW_CT_TO_TCP_CLOSING] == 1500000000ULL);
	assert_true(pol.ct.timeout_ns[FW_CT_TO_TCP_SYN] == S(5));
	assert_true(pol.ct.timeout_ns[FW_CT_TO_UDP] == S(180));
	assert_true(pol.ct.timeout_ns[FW_CT_TO_ICMP] == S(1));
	assert_true(pol.ct.timeout_ns[FW_CT_TO_OTHER] == S(7));
	assert_true(pol.dir[0].rules[0].pos.ct[0] ==
		    (1u << FW_CT_INVALID | 1u << FW_CT_UNTRACKED));
	assert_true(pol.dir[0].rules[0].neg.ct[0] == 1u << FW_CT_NEW);
	fw_policy_free(&pol);
}

static void test_errors(void **state)
{
	expect_error("{\"version\":1,\"default\":\"drop\",\"conntrack\":[]}",
		     "policy.json:1:43: conntrack: expected an object, got an array");
	expect_error("{\"version\":1,\"default\":\"drop\",\"conntrack\":{\"sise\":10}}",
		     "policy.json:1:51: conntrack: unknown key \"sise\" (did you mean \"size\"?)");
	expect_error("{\"version\":1,\"default\":\"drop\",\"conntrack\":{\"size\":10}}",
		     "policy.json:1:51: conntrack.size: 10 is not a table size (64 to 4194304 entries)");
	expect_error("{\"version\":1,\"default\":\"drop\",\"conntrack\":{\"size\":\"1k\"}}",
		     "policy.json:1:51: conntrack.size: expected an integer, got a string");
	expect_error("{\"version\":1,\"default\":\"drop\",\"conntrack\":{\"established\":\"drop\"}}",
		     "policy.json:1:58: conntrack.established: \"drop\" is not a way to treat established flows (pass, match)");
	expect_error("{\"version\":1,\"default\":\"drop\",\"conntrack\":{\"timeouts\":{\"upd\":\"1s\"}}}",
		     "policy.json:1:62: conntrack.timeouts: unknown key \"upd\" (did you mean \"udp\"?)");
	expect_error("{\"version\":1,\"default\":\"drop\",\"conntrack\":{\"timeouts\":{\"udp\":\"30 s\"}}}",
		     "policy.json:1:62: conntrack.timeouts.udp: \"30 s\" is not a duration (a number and ms, s, m or h: \"30s\")");
	expect_error("{\"version\":1,\"default\":\"drop\",\"conntrack\":{\"timeouts\":{\"udp\":\"0s\"}}}",
		     "policy.json:1:62: conntrack.timeouts.udp: \"0s\" is not a timeout (1 ms to 7 days)");
	expect_error("{\"version\":1,\"default\":\"drop\",\"conntrack\":{\"timeouts\":{\"udp\":\"8d\"}}}",
		     "policy.json:1:62: conntrack.timeouts.udp: \"8d\" is not a duration (a number and ms, s, m or h: \"30s\")");
	expect_error("{\"version\":1,\"default\":\"drop\",\"conntrack\":{\"timeouts\":{\"udp\":-1}}}",
		     "policy.json:1:62: conntrack.timeouts.udp: -1 is not a timeout (1 second to 7 days)");
	expect_error("{\"version\":1,\"default\":\"drop\",\"rules\":[{\"action\":\"pass\",\"ct\":\"related\"}]}",
		     "policy.json:1:62: rules[0].ct: \"related\" is not a conntrack state (new, established, invalid, untracked)");
	expect_error("{\"version\":1,\"default\":\"drop\",\"rules\":[{\"action\":\"pass\",\"ct\":[]}]}",
		     "policy.json:1:62: rules[0].ct: empty list (omit the key to match any state)");
	expect_error("{\"version\":1,\"default\":\"drop\",\"rules\":[{\"action\":\"pass\",\"ct\":1}]}",
		     "policy.json:1:62: rules[0].ct: expected a string or an array, got an integer");
	expect_error("{\"version\":1,\"default\":\"drop\",\"rules\":[{\"action\":\"pass\",\"track\":\"yes\"}]}",
		     "policy.json:1:65: rules[0].track: expected a boolean, got a string");
	expect_error("{\"version\":1,\"default\":\"drop\",\"rules\":[{\"action\":\"drop\",\"track\":true}]}",
		     "policy.json:1:65: rules[0].track: only rules that pass can track the flows they admit");
	expect_error("{\"version\":1,\"default\":\"drop\",\"egress\":{\"rules\":[{\"action\":\"pass\",\"track\":true}]}}",
		     "policy.json:1:75: egress.rules[0].track: \"track\" is for ingress rules: egress records every flow it passes");
	expect_error("{\"version\":1,\"default\":\"drop\",\"failsafe\":[{\"action\":\"pass\",\"track\":true}]}",
		     "policy.json:1:68: failsafe[0].track: \"track\" is for ingress rules, not failsafe ones");
}

static void test_compile(void **state)
{
	struct fw_policy pol;
	struct fw_tables t;
	struct fw_err err;
	struct fw_pkt_desc d = { .family = 4, .proto = 17, .has_ports = true };

	parse_ok("{\"version\":1,\"default\":\"drop\",\"conntrack\":{\"size\":1000,"
		 "\"timeouts\":{\"udp\":\"2s\"}},\"rules\":["
		 "{\"action\":\"drop\",\"ct\":\"invalid\"},"
		 "{\"action\":\"pass\",\"ct\":[\"new\",\"untracked\"],\"track\":true},"
		 "{\"action\":\"pass\",\"not\":{\"ct\":\"new\"}}]}", &pol);
	assert_int_equal(fw_compile(&pol, &t, &err), 0);
	assert_int_equal(t.ct.flags, FW_CTF_ON | FW_CTF_PASS_EST);
	assert_int_equal(t.ct.size, 1000);
	assert_true(t.ct.timeout_ns[FW_CT_TO_UDP] == S(2));
	assert_int_equal(t.dir[0].rules[0].flags, 0);
	assert_int_equal(t.dir[0].rules[1].flags, FW_RF_TRACK);
	assert_int_equal(t.dir[0].rules[2].flags, 0);
	/* the tables and the model agree on every state */
	for (uint8_t s = 0; s < __FW_CT_MAX; s++) {
		static const int want[] = {
			[FW_CT_NEW] = 1, [FW_CT_ESTABLISHED] = 2,
			[FW_CT_INVALID] = 0, [FW_CT_UNTRACKED] = 1,
		};

		d.ct = s;
		assert_int_equal(fw_tables_match(&t, &pol, 0, &d), want[s]);
		assert_int_equal(fw_model_match(&pol, 0, &d), want[s]);
	}
	fw_tables_free(&t);
	fw_policy_free(&pol);

	parse_ok("{\"version\":1,\"default\":\"drop\"}", &pol);
	assert_int_equal(fw_compile(&pol, &t, &err), 0);
	assert_int_equal(t.ct.flags, 0);
	fw_tables_free(&t);
	fw_policy_free(&pol);
}

static void test_model_admits_first(void **state)
{
	struct fw_policy pol;
	struct fw_model_verdict v;
	struct fw_pkt_desc d = { .family = 4, .proto = 6, .has_ports = true, .has_tcp = true,
				 .tcp_flags = 0x10, .ct = FW_CT_ESTABLISHED };

	parse_ok("{\"version\":1,\"default\":\"drop\",\"conntrack\":{},"
		 "\"rules\":[{\"action\":\"drop\",\"protocol\":\"tcp\"}]}", &pol);
	fw_model_decide(&pol, 0, FW_IN_IP, &d, &v);
	assert_int_equal(v.action, FW_ACT_PASS);
	assert_int_equal(v.reason, FW_R_CT_ESTABLISHED);
	assert_int_equal(v.rule, -1);
	fw_model_decide(&pol, 1, FW_IN_IP, &d, &v);	/* egress too */
	assert_int_equal(v.reason, FW_R_CT_ESTABLISHED);
	d.ct = FW_CT_NEW;
	fw_model_decide(&pol, 0, FW_IN_IP, &d, &v);
	assert_int_equal(v.reason, FW_R_RULE_DROP);
	fw_policy_free(&pol);

	parse_ok("{\"version\":1,\"default\":\"drop\",\"conntrack\":{\"established\":\"match\"},"
		 "\"rules\":[{\"action\":\"drop\",\"protocol\":\"tcp\"}]}", &pol);
	d.ct = FW_CT_ESTABLISHED;
	fw_model_decide(&pol, 0, FW_IN_IP, &d, &v);
	assert_int_equal(v.reason, FW_R_RULE_DROP);
	fw_policy_free(&pol);
}

static void pkt(struct fw_pkt *p, const char *src, const char *dst, uint8_t proto,
		uint16_t sp, uint16_t dp, uint8_t flags)
{
	memset(p, 0, sizeof(*p));
	p->family = strchr(src, ':') ? 6 : 4;
	inet_pton(p->family == 4 ? AF_INET : AF_INET6, src, p->saddr);
	inet_pton(p->family == 4 ? AF_INET : AF_INET6, dst, p->daddr);
	p->proto = proto;
	if (proto == 6 || proto == 17) {
		p->has_ports = 1;
		p->sport = sp;
		p->dport = dp;
		p->has_tcp = proto == 6;
		p->tcp_flags = flags;
	} else if (proto == 1 || proto == 58) {
		p->has_icmp = 1;
		p->icmp_type = flags;
		p->has_icmp_id = flags == 0 || flags == 8 || flags == 128 || flags == 129;
		p->icmp_id = sp;
	}
}

static void test_key(void **state)
{
	struct fw_ct_key k1, k2;
	struct fw_pkt p;
	int s1, s2;

	/* both directions of a flow: one key, opposite sides */
	pkt(&p, "198.18.0.2", "198.19.0.2", 6, 40000, 80, 0x02);
	s1 = fw_ct_key_of(&p, &k1);
	pkt(&p, "198.19.0.2", "198.18.0.2", 6, 80, 40000, 0x12);
	s2 = fw_ct_key_of(&p, &k2);
	assert_true(s1 >= 0 && s2 >= 0 && s1 != s2);
	assert_memory_equal(&k1, &k2, sizeof(k1));
	assert_int_equal(s1, 1);		/* 198.18.0.2 < 198.19.0.2 */
	assert_int_equal(k1.pa, htons(40000));
	assert_int_equal(k1.family, 4);
	assert_int_equal(k1.proto, 6);
	/* the same addresses: the ports decide */
	pkt(&p, "2001:db8::1", "2001:db8::1", 17, 9, 8, 0);
	assert_int_equal(fw_ct_key_of(&p, &k1), 0);
	assert_int_equal(k1.pa, htons(8));
	/* another port, another protocol: another key */
	pkt(&p, "198.18.0.2", "198.19.0.2", 6, 40000, 81, 0x02);
	fw_ct_key_of(&p, &k2);
	assert_memory_not_equal(&k1, &k2, sizeof(k1));
	/* ICMP echo: the id on both sides; other ICMP is untracked */
	pkt(&p, "198.18.0.2", "198.19.0.2", 1, 77, 0, 8);
	assert_int_equal(fw_ct_key_of(&p, &k1), 1);
	pkt(&p, "198.19.0.2", "198.18.0.2", 1, 77, 0, 0);
	assert_int_equal(fw_ct_key_of(&p, &k2), 0);
	assert_memory_equal(&k1, &k2, sizeof(k1));
	assert_int_equal(k1.pa, htons(77));
	assert_int_equal(k1.pb, htons(77));
	pkt(&p, "198.19.0.2", "198.18.0.2", 1, 0, 0, 3);
	assert_int_equal(fw_ct_key_of(&p, &k1), -1);
	pkt(&p, "198.19.0.2", "198.18.0.2", 6, 1, 2, 0x10);
	p.frag = FW_FRAG_LATER;
	assert_int_equal(fw_ct_key_of(&p, &k1), -1);
}

static void test_state_machine(void **state)
{
	struct fw_ct_entry e = { .state = FW_CTE_SYN_SENT };
	struct fw_pkt p;

	/* no entry: a SYN may open a flow, nothing else of TCP */
	pkt(&p, "198.18.0.2", "198.19.0.2", 6, 1, 2, 0x02);
	assert_int_equal(fw_ct_classify(NULL, true, &p), FW_CT_NEW);
	assert_true(fw_ct_may_create(&p));
	for (unsigned int f = 0; f < 256; f++) {
		p.tcp_flags = (uint8_t)f;
		if ((f & 0x16) == 0x02)
			continue;
		assert_int_equal(fw_ct_classify(NULL, true, &p), FW_CT_INVALID);
		assert_false(fw_ct_may_create(&p));
	}
	pkt(&p, "198.18.0.2", "198.19.0.2", 17, 1, 2, 0);
	assert_int_equal(fw_ct_classify(NULL, true, &p), FW_CT_NEW);
	assert_true(fw_ct_may_create(&p));
	pkt(&p, "198.18.0.2", "198.19.0.2", 1, 1, 0, 0);	/* echo reply */
	assert_false(fw_ct_may_create(&p));

	/* the handshake and the close */
	pkt(&p, "198.19.0.2", "198.18.0.2", 6, 2, 1, 0x10);	/* ACK before SYN-ACK */
	assert_int_equal(fw_ct_classify(&e, false, &p), FW_CT_INVALID);
	p.tcp_flags = 0x12;
	assert_int_equal(fw_ct_classify(&e, false, &p), FW_CT_ESTABLISHED);
	assert_int_equal(fw_ct_classify(&e, true, &p), FW_CT_INVALID);
	assert_int_equal(fw_ct_next(e.state, false, &p), FW_CTE_SYN_RECV);
	e.state = FW_CTE_SYN_RECV;
	p.tcp_flags = 0x10;
	assert_int_equal(fw_ct_next(e.state, false, &p), FW_CTE_SYN_RECV);
	assert_int_equal(fw_ct_next(e.state, true, &p), FW_CTE_ESTABLISHED);
	e.state = FW_CTE_ESTABLISHED;
	p.tcp_flags = 0x02;
	assert_int_equal(fw_ct_classify(&e, false, &p), FW_CT_INVALID);
	assert_int_equal(fw_ct_classify(&e, true, &p), FW_CT_NEW);
	p.tcp_flags = 0x11;
	assert_int_equal(fw_ct_classify(&e, false, &p), FW_CT_ESTABLISHED);
	assert_int_equal(fw_ct_next(e.state, false, &p), FW_CTE_CLOSING);
	p.tcp_flags = 0x04;
	assert_int_equal(fw_ct_next(FW_CTE_SYN_SENT, false, &p), FW_CTE_CLOSING);
	p.tcp_flags = 0x02;
	assert_int_equal(fw_ct_next(FW_CTE_CLOSING, true, &p), FW_CTE_SYN_SENT);
	assert_int_equal(fw_ct_next(FW_CTE_CLOSING, false, &p), FW_CTE_CLOSING);

	/* UDP: replied once the other side answers */
	pkt(&p, "198.18.0.2", "198.19.0.2", 17, 1, 2, 0);
	assert_int_equal(fw_ct_next(FW_CTE_UNREPLIED, true, &p), FW_CTE_UNREPLIED);
	assert_int_equal(fw_ct_next(FW_CTE_UNREPLIED, false, &p), FW_CTE_REPLIED);

	assert_int_equal(fw_ct_timeout_of(6, FW_CTE_SYN_RECV), FW_CT_TO_TCP_SYN);
	assert_int_equal(fw_ct_timeout_of(6, FW_CTE_ESTABLISHED), FW_CT_TO_TCP_EST);
	assert_int_equal(fw_ct_timeout_of(6, FW_CTE_CLOSING), FW_CT_TO_TCP_CLOSING);
	assert_int_equal(fw_ct_timeout_of(17, FW_CTE_REPLIED), FW_CT_TO_UDP);
	assert_int_equal(fw_ct_timeout_of(58, FW_CTE_REPLIED), FW_CT_TO_ICMP);
	assert_int_equal(fw_ct_timeout_of(132, FW_CTE_REPLIED), FW_CT_TO_OTHER);
}

static void test_names(void **state)
{
	assert_string_equal(fw_ct_state_name(FW_CT_ESTABLISHED), "established");
	assert_null(fw_ct_state_name(__FW_CT_MAX));
	assert_string_equal(fw_ct_entry_state_name(FW_CTE_SYN_RECV), "syn_recv");
	assert_null(fw_ct_entry_state_name(__FW_CTE_MAX));
	assert_string_equal(fw_ct_timeout_name(FW_CT_TO_TCP_CLOSING), "tcp_closing");
	assert_null(fw_ct_timeout_name(__FW_CT_TO_MAX));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_values),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_compile),
		cmocka_unit_test(test_model_admits_first),
		cmocka_unit_test(test_key),
		cmocka_unit_test(test_state_machine),
		cmocka_unit_test(test_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
