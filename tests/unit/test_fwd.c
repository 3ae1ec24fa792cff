// SPDX-License-Identifier: GPL-2.0
/*
 * test_fwd.c - unit tests (cmocka) of forwarding (issue 6) in fwctl: the
 * parser's redirect actions and egress rewrites (the IR they give, errors
 * with positions), resolving redirect targets (optional ones), compiling
 * slots, rewrite records and the reverse static NAT, the words of show and
 * explain, and the reference model's reverse NAT.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>

#include "parse.h"
#include "compile.h"
#include "model.h"
#include "fwd.h"

static int resolve(const char *name)
{
	if (!strcmp(name, "eth1"))
		return 11;
	if (!strcmp(name, "eth2"))
		return 12;
	return -ENODEV;
}

static void test_parse_redirect(void **state)
{
	struct fw_policy pol;

	parse_ok("{\"version\":1,\"default\":\"drop\",\"redirect_fallback\":\"pass\",\"rules\":["
		 "{\"action\":{\"redirect\":\"eth1\"},\"protocol\":\"tcp\"},"
		 "{\"action\":{\"fib\":true}},"
		 "{\"action\":{\"redirect\":\"eth9\",\"optional\":true}}]}", &pol);
	assert_int_equal(pol.redirect_fallback, FW_ACT_PASS);
	assert_int_equal(pol.dir[0].rules[0].action, FW_ACT_REDIRECT);
	assert_string_equal(pol.dir[0].rules[0].fwd.redirect, "eth1");
	assert_false(pol.dir[0].rules[0].fwd.fib);
	assert_int_equal(pol.dir[0].rules[1].action, FW_ACT_REDIRECT);
	assert_true(pol.dir[0].rules[1].fwd.fib);
	assert_string_equal(pol.dir[0].rules[1].fwd.redirect, "");
	assert_true(pol.dir[0].rules[2].fwd.optional);
	/* eth9 is absent but optional: resolved to 0 */
	assert_int_equal(fw_policy_resolve(&pol, resolve, NULL), 0);
	assert_int_equal(pol.dir[0].rules[0].fwd.ifindex, 11);
	assert_int_equal(pol.dir[0].rules[2].fwd.ifindex, 0);
	fw_policy_free(&pol);

	parse_ok("{\"version\":1,\"default\":\"drop\",\"rules\":[]}", &pol);
	assert_int_equal(pol.redirect_fallback, FW_ACT_DROP);	/* fail closed */
	fw_policy_free(&pol);
}

static void test_resolve_missing(void **state)
{
	struct fw_policy pol;
	struct fw_err err;
	char buf[512];

	parse_ok("{\"version\":1,\"default\":\"drop\",\"rules\":[\n"
		 "{\"action\":{\"redirect\":\"eth7\"}}]}", &pol);
	assert_int_equal(fw_policy_resolve(&pol, resolve, &err), -ENODEV);
	assert_string_equal(fw_err_format(&err, buf, sizeof(buf)),
			    "policy.json:2:23: rules[0].action.redirect: no such device \"eth7\" (a redirect target must exist at apply unless the action says \"optional\": true)");
	fw_policy_free(&pol);
}

static void test_parse_rewrite(void **state)
{
	struct fw_policy pol;
	const struct fw_rewrite *rw;
	uint8_t a[16] = { 0 };

	parse_ok("{\"version\":1,\"default\":\"drop\",\"rules\":[],\"egress\":{\"rules\":["
		 "{\"action\":\"pass\",\"src\":\"192.0.2.1\",\"protocol\":\"udp\",\"src_port\":53,"
		 "\"rewrite\":{\"src\":\"198.18.0.9\",\"src_port\":5353,\"dscp\":\"af41\",\"ecn\":\"ect0\","
		 "\"ttl\":200,\"src_mac\":\"02:00:5e:00:53:01\",\"dst_mac\":\"02:00:5E:00:53:FF\","
		 "\"vlan\":{\"push\":42}}},"
		 "{\"action\":\"pass\",\"rewrite\":{\"vlan\":\"pop\",\"dst\":\"2001:db8::5\",\"reverse\":false}}]}}",
		 &pol);
	rw = &pol.dir[1].rules[0].fwd.rw;
	assert_true(pol.dir[1].rules[0].fwd.has_rewrite);
	assert_true(pol.dir[1].rules[0].fwd.reverse);
	assert_int_equal(rw->flags, FW_RW_SRC | FW_RW_SPORT | FW_RW_DSCP | FW_RW_ECN |
			 FW_RW_TTL | FW_RW_SMAC | FW_RW_DMAC | FW_RW_VLAN_PUSH);
	assert_int_equal(rw->family, 4);
	inet_pton(AF_INET, "198.18.0.9", a);
	assert_memory_equal(rw->saddr, a, 16);
	assert_int_equal(ntohs(rw->sport), 5353);
	assert_int_equal(rw->dscp, 34);
	assert_int_equal(rw->ecn, 2);
	assert_int_equal(rw->ttl, 200);
	assert_memory_equal(rw->smac, "\x02\x00\x5e\x00\x53\x01", 6);
	assert_memory_equal(rw->dmac, "\x02\x00\x5e\x00\x53\xff", 6);
	assert_int_equal(rw->vlan, 42);
	rw = &pol.dir[1].rules[1].fwd.rw;
	assert_int_equal(rw->flags, FW_RW_VLAN_POP | FW_RW_DST);
	assert_int_equal(rw->family, 6);
	assert_false(pol.dir[1].rules[1].fwd.reverse);
	fw_policy_free(&pol);
}

static void test_parse_errors(void **state)
{
	expect_error("{\"version\":1,\"default\":\"drop\",\"rules\":[\n"
		     "{\"action\":{\"redirect\":\"eth1\",\"fib\":true}}]}",
		     "policy.json:2:11: rules[0].action: \"fib\" chooses the interface by route: it takes no \"redirect\" or \"optional\"");
	expect_error("{\"version\":1,\"default\":\"drop\",\"rules\":[\n"
		     "{\"action\":{\"redirect\":\"a/b\"}}]}",
		     "policy.json:2:23: rules[0].action.redirect: \"a/b\" is not an interface name (1-15 bytes, no \"/\" or whitespace, not \".\" or \"..\")");
	expect_error("{\"version\":1,\"default\":\"drop\",\"rules\":[],\"egress\":{\"rules\":[\n"
		     "{\"action\":\"pass\",\"rewrite\":{\"dscp\":-1}}]}}",
		     "policy.json:2:36: egress.rules[0].rewrite.dscp: -1 is not a DSCP value (0-63)");
	expect_error("{\"version\":1,\"default\":\"drop\",\"rules\":[],\"egress\":{\"rules\":[\n"
		     "{\"action\":\"pass\",\"rewrite\":{\"vlan\":{\"pull\":3}}}]}}",
		     "policy.json:2:44: egress.rules[0].rewrite.vlan: unknown key \"pull\" (did you mean \"push\"?)");
	expect_error("{\"version\":1,\"default\":\"drop\",\"rules\":[],\"egress\":{\"rules\":[\n"
		     "{\"action\":\"pass\",\"rewrite\":{\"src\":\"2001:db8::/64\"}}]}}",
		     "policy.json:2:35: egress.rules[0].rewrite.src: \"2001:db8::/64\": a rewrite sets one address, not a prefix");
	expect_error("{\"version\":1,\"default\":\"drop\",\"rules\":[],\"egress\":{\"rules\":[\n"
		     "{\"action\":\"pass\",\"rewrite\":{\"src_mac\":\"02:00:00:00:00:0g\"}}]}}",
		     "policy.json:2:39: egress.rules[0].rewrite.src_mac: \"02:00:00:00:00:0g\" is not a MAC address (aa:bb:cc:dd:ee:ff)");
}

static int compile(const char *json, struct fw_policy *pol, struct fw_tables *t,
		   struct fw_err *err)
{
	parse_ok(json, pol);
	if (fw_policy_resolve(pol, resolve, err))
		return -1;
	return fw_compile(pol, t, err);
}

static void test_compile_slots(void **state)
{
	struct fw_policy pol;
	struct fw_tables t;
	struct fw_err err;

	assert_int_equal(compile("{\"version\":1,\"default\":\"drop\",\"rules\":["
		"{\"action\":{\"redirect\":\"eth2\"}},{\"action\":\"pass\"},"
		"{\"action\":{\"redirect\":\"eth1\"}},{\"action\":{\"redirect\":\"eth2\"}},"
		"{\"action\":{\"fib\":true}}],"
		"\"egress\":{\"rules\":[{\"action\":\"pass\"},{\"action\":\"pass\",\"rewrite\":{\"ttl\":3}},"
		"{\"action\":\"pass\",\"rewrite\":{\"ttl\":4}}]}}", &pol, &t, &err), 0);
	/* one slot per target, in the order the rules name them */
	assert_int_equal(t.fwd.n_redir, 2);
	assert_int_equal(t.dir[0].rules[0].action, FW_ACT_REDIRECT);
	assert_int_equal(t.dir[0].rules[0].redirect, 0);
	assert_int_equal(t.dir[0].rules[2].redirect, 1);
	assert_int_equal(t.dir[0].rules[3].redirect, 0);
	assert_int_equal(t.fwd.redir[0].ifindex, 12);
	assert_int_equal(t.fwd.redir[1].ifindex, 11);
	assert_int_equal(t.fwd.redir[0].fallback, FW_ACT_DROP);
	assert_string_equal(t.fwd.redir_name[1], "eth1");
	assert_int_equal(t.dir[0].rules[4].flags, FW_RF_FIB);
	/* rewrite = slot + 1 */
	assert_int_equal(t.dir[1].rules[0].rewrite, 0);
	assert_int_equal(t.dir[1].rules[1].rewrite, 1);
	assert_int_equal(t.dir[1].rules[2].rewrite, 2);
	assert_int_equal(t.fwd.rw[1].ttl, 4);
	assert_int_equal(t.fwd.n_nat, 0);
	assert_false(t.dir[0].flags & FW_TF_NAT);
	fw_tables_free(&t);
	fw_policy_free(&pol);
}

static void test_compile_nat(void **state)
{
	struct fw_policy pol;
	struct fw_tables t;
	struct fw_err err;
	char buf[512];
	uint8_t a[16] = { 0 };

	assert_int_equal(compile("{\"version\":1,\"default\":\"drop\",\"rules\":[],"
		"\"egress\":{\"rules\":["
		/* SNAT: ingress dst 198.18.9.9 -> 192.0.2.1 (address only) */
		"{\"action\":\"pass\",\"src\":\"192.0.2.1\",\"rewrite\":{\"src\":\"198.18.9.9\"}},"
		/* port forward: ingress src 192.0.2.7 tcp 8080 -> port 80 */
		"{\"action\":\"pass\",\"dst\":\"192.0.2.7\",\"protocol\":\"tcp\",\"dst_port\":80,"
		"\"rewrite\":{\"dst_port\":8080}},"
		/* not one address: no reverse */
		"{\"action\":\"pass\",\"src\":\"192.0.2.0/24\",\"rewrite\":{\"src\":\"198.18.9.10\"}},"
		/* reverse: false */
		"{\"action\":\"pass\",\"src\":\"192.0.2.2\",\"rewrite\":{\"src\":\"198.18.9.11\",\"reverse\":false}},"
		/* the same mapping twice is one entry */
		"{\"action\":\"pass\",\"src\":\"192.0.2.1\",\"protocol\":\"udp\",\"rewrite\":{\"src\":\"198.18.9.9\"}}"
		"]}}", &pol, &t, &err), 0);
	assert_int_equal(t.fwd.n_nat, 3);	/* + the port mapping's marker */
	assert_true(t.dir[0].flags & FW_TF_NAT);
	assert_true(t.dir[0].flags & FW_TF_NAT_SRC);
	assert_int_equal(t.fwd.nat[0].v.flags, FW_NAT_ADDR);
	assert_int_equal(t.fwd.nat[1].v.flags, 0);
	assert_int_equal(t.fwd.nat[2].k.field, FW_FIELD_SRC);
	assert_int_equal(t.fwd.nat[2].k.proto, 0);
	assert_int_equal(t.fwd.nat[2].k.port, 0);
	assert_int_equal(t.fwd.nat[2].v.flags, FW_NAT_PORTS);	/* a marker only */
	assert_int_equal(t.fwd.nat[0].k.field, FW_FIELD_DST);
	assert_int_equal(t.fwd.nat[0].k.family, 4);
	assert_int_equal(t.fwd.nat[0].k.proto, 0);
	inet_pton(AF_INET, "198.18.9.9", a);
	assert_memory_equal(t.fwd.nat[0].k.addr, a, 16);
	inet_pton(AF_INET, "192.0.2.1", a);
	assert_memory_equal(t.fwd.nat[0].v.addr, a, 16);
	assert_int_equal(t.fwd.nat[1].k.field, FW_FIELD_SRC);
	assert_int_equal(t.fwd.nat[1].k.proto, 6);
	assert_int_equal(ntohs(t.fwd.nat[1].k.port), 8080);
	assert_int_equal(ntohs(t.fwd.nat[1].v.port), 80);
	inet_pton(AF_INET, "192.0.2.7", a);
	assert_memory_equal(t.fwd.nat[1].k.addr, a, 16);
	assert_memory_equal(t.fwd.nat[1].v.addr, a, 16);

	/* the model does what the data path does with these entries */
	{
		struct fw_pkt_desc d = { .family = 4, .proto = 6, .has_ports = true,
					 .sport = 8080, .dport = 40000 };

		inet_pton(AF_INET, "192.0.2.7", d.saddr);
		inet_pton(AF_INET, "198.18.9.9", d.daddr);
		assert_true(fw_model_unnat(&pol, &d));
		assert_int_equal(d.sport, 80);
		inet_pton(AF_INET, "192.0.2.1", a);
		assert_memory_equal(d.daddr, a, 4);
		d.sport = 8081;		/* another port: the port mapping is not its */
		inet_pton(AF_INET, "198.18.9.10", d.daddr);
		assert_false(fw_model_unnat(&pol, &d));
	}
	fw_rule_fwd_format(&pol.dir[1].rules[0], buf, sizeof(buf));
	assert_string_equal(buf, "rewrite src 192.0.2.1->198.18.9.9 (static NAT: reversed on ingress)");
	fw_rule_fwd_format(&pol.dir[1].rules[2], buf, sizeof(buf));
	assert_string_equal(buf, "rewrite src ->198.18.9.10");
	fw_tables_free(&t);
	fw_policy_free(&pol);

	/* two rules that reverse one address to two: refused */
	assert_int_equal(compile("{\"version\":1,\"default\":\"drop\",\"rules\":[],"
		"\"egress\":{\"rules\":[\n"
		"{\"action\":\"pass\",\"src\":\"192.0.2.1\",\"rewrite\":{\"src\":\"198.18.9.9\"}},\n"
		"{\"action\":\"pass\",\"src\":\"192.0.2.2\",\"rewrite\":{\"src\":\"198.18.9.9\"}}]}}",
		&pol, &t, &err), -EINVAL);
	assert_string_equal(fw_err_format(&err, buf, sizeof(buf)),
			    "policy.json:3:46: egress.rules[1].rewrite: its static NAT reverse (ingress dst) conflicts with that of egress.rules[0] (\"reverse\": false on one of them keeps only the rewrite)");
	fw_policy_free(&pol);
}

static void test_format(void **state)
{
	struct fw_policy pol;
	char buf[512];

	parse_ok("{\"version\":1,\"default\":\"drop\",\"rules\":["
		 "{\"action\":{\"redirect\":\"eth1\",\"optional\":true}},{\"action\":{\"fib\":true}},"
		 "{\"action\":\"pass\"}],\"egress\":{\"rules\":[{\"action\":\"pass\",\"protocol\":\"tcp\","
		 "\"rewrite\":{\"dst\":\"2001:db8::9\",\"dst_port\":443,\"dscp\":46,\"ecn\":3,\"ttl\":9,"
		 "\"dst_mac\":\"02:00:00:00:00:01\",\"vlan\":\"pop\"}}]}}", &pol);
	fw_rule_fwd_format(&pol.dir[0].rules[0], buf, sizeof(buf));
	assert_string_equal(buf, "redirect to eth1 (optional)");
	fw_rule_fwd_format(&pol.dir[0].rules[1], buf, sizeof(buf));
	assert_string_equal(buf, "forward by route (fib)");
	fw_rule_fwd_format(&pol.dir[0].rules[2], buf, sizeof(buf));
	assert_string_equal(buf, "");
	fw_rule_fwd_format(&pol.dir[1].rules[0], buf, sizeof(buf));
	assert_string_equal(buf, "rewrite dst ->2001:db8::9 dst_port ->443 dscp 46 ecn 3 ttl 9 dst_mac 02:00:00:00:00:01 vlan pop");
	fw_policy_free(&pol);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_redirect),
		cmocka_unit_test(test_resolve_missing),
		cmocka_unit_test(test_parse_rewrite),
		cmocka_unit_test(test_parse_errors),
		cmocka_unit_test(test_compile_slots),
		cmocka_unit_test(test_compile_nat),
		cmocka_unit_test(test_format),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
