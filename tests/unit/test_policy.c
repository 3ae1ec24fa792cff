// SPDX-License-Identifier: GPL-2.0
/*
 * test_policy.c - unit tests (cmocka) of the policy parser (ctl/policy.c)
 * and of the JSON path locator (ctl/jpath.c).
 *
 * Every error case asserts the whole formatted message, line:column
 * included; the positions in the tables were computed independently of
 * fw_json_locate (by counting characters of the documents). Run from the
 * repository root: the example policies are read as rules/example-*.json.
 * Set files are written to fresh directories under /tmp and removed; one
 * test writes and parses a 10^6-line set file and prints the time taken.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "policy.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

struct err_case {
	const char *json;
	const char *want;	/* fw_err_format() of the error */
};

/* Parse json as "policy.json": must fail with -EINVAL and exactly want. */
static void expect_error_len(const char *json, size_t len, const char *want)
{
	struct fw_policy pol;
	struct fw_err err;
	char buf[1024];
	int ret;

	memset(&pol, 0xa5, sizeof(pol));	/* must come back empty */
	ret = fw_policy_parse_buf(json, len, "policy.json", &pol, &err);
	fw_err_format(&err, buf, sizeof(buf));
	if (ret != -EINVAL || strcmp(buf, want))
		print_error("document:\n%s\n", json);
	assert_int_equal(ret, -EINVAL);
	assert_string_equal(buf, want);
	assert_null(pol.file);
	assert_null(pol.text);
	assert_null(pol.ifaces);
	assert_null(pol.dir[FW_DIR_INGRESS].rules);
	assert_null(pol.dir[FW_DIR_EGRESS].rules);
	assert_int_equal(pol.dir[FW_DIR_INGRESS].n_rules, 0);
	fw_policy_free(&pol);
}

static void expect_error(const char *json, const char *want)
{
	expect_error_len(json, strlen(json), want);
}

static void run_cases(const struct err_case *c, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		expect_error(c[i].json, c[i].want);
}

static void parse_ok(const char *json, struct fw_policy *pol)
{
	struct fw_err err;
	char buf[1024];
	int ret;

	ret = fw_policy_parse_buf(json, strlen(json), "policy.json", pol,
				  &err);
	if (ret)
		print_error("unexpected error: %s\n",
			    fw_err_format(&err, buf, sizeof(buf)));
	assert_int_equal(ret, 0);
}

static void assert_prefix(const struct fw_prefix *p, int family, int plen,
			  const char *text)
{
	char buf[64];

	assert_int_equal(p->family, family);
	assert_int_equal(p->plen, plen);
	assert_int_equal(fw_prefix_format(p, buf, sizeof(buf)), 0);
	assert_string_equal(buf, text);
}

static void assert_range(const struct fw_prange *r, int lo, int hi)
{
	assert_int_equal(r->lo, lo);
	assert_int_equal(r->hi, hi);
}

/* --- a full valid policy and its IR --------------------------------------- */

static const char full_policy[] =
	"{\n"
	"  \"version\": 1,\n"
	"  \"description\": \"unit test\",\n"
	"  \"interfaces\": [\"eth0\", {\"name\": \"eth1\", \"mode\": \"native\"},\n"
	"                 {\"name\": \"veth-a.1\", \"mode\": \"skb\"},\n"
	"                 {\"name\": \"abcdefghijklmno\", \"mode\": \"auto\"}],\n"
	"  \"non_ip\": \"drop\",\n"
	"  \"default\": \"drop\",\n"
	"  \"rules\": [\n"
	"    {\"id\": \"ssh\", \"comment\": \"admins\", \"action\": \"pass\",\n"
	"     \"src\": [\"192.0.2.0/24\", \"2001:db8:1::/48\"],\n"
	"     \"protocol\": \"tcp\", \"dst_port\": 22},\n"
	"    {\"action\": \"drop\", \"src\": \"198.18.0.0/15\", \"dst\": \"192.0.2.7\"},\n"
	"    {\"id\": \"web:v6_1.a-b\", \"action\": \"pass\", \"dst\": \"2001:db8::80\",\n"
	"     \"protocol\": [\"tcp\", \"udp\", 132, \"udplite\"],\n"
	"     \"dst_port\": [443, \"80-90\", 91, \"85-88\", 1000, \"999-999\", 0,\n"
	"                  \"65535\", \"0080\"],\n"
	"     \"src_port\": \"1024-65535\"},\n"
	"    {\"action\": \"pass\", \"protocol\": [\"icmp\", \"icmpv6\", 0, 255, 1]},\n"
	"    {\"action\": \"pass\", \"src\": [\"0.0.0.0/0\", \"::/0\", \"192.0.0.0/08\"]},\n"
	"    {\"action\": \"drop\", \"src\": [\"192.0.2.0/24\", \"2001:db8::/32\"],\n"
	"     \"dst\": \"2001:db8::1\", \"comment\": \"\"}\n"
	"  ],\n"
	"  \"egress\": {\n"
	"    \"default\": \"drop\",\n"
	"    \"rules\": [\n"
	"      {\"id\": \"dns\", \"action\": \"pass\", \"dst\": \"192.0.2.53\",\n"
	"       \"protocol\": \"udp\", \"dst_port\": \"53\"},\n"
	"      {\"action\": \"drop\"}\n"
	"    ]\n"
	"  }\n"
	"}\n";

static void test_full_policy(void **state)
{
	static const uint8_t v4[16] = { 192, 0, 2, 0 };
	static const uint8_t v6[16] = { 0x20, 0x01, 0x0d, 0xb8, 0x00, 0x01 };
	const struct fw_ruleset *in, *eg;
	const struct fw_rule_ir *r;
	struct fw_policy pol;

	parse_ok(full_policy, &pol);
	assert_string_equal(pol.file, "policy.json");
	assert_int_equal(pol.text_len, strlen(full_policy));
	assert_memory_equal(pol.text, full_policy, sizeof(full_policy));
	assert_int_equal(pol.version, 1);
	assert_int_equal(pol.non_ip_action, FW_ACT_DROP);
	assert_true(pol.has_egress);

	assert_int_equal(pol.n_ifaces, 4);
	assert_string_equal(pol.ifaces[0].name, "eth0");
	assert_int_equal(pol.ifaces[0].mode, FW_MODE_AUTO);
	assert_string_equal(pol.ifaces[0].path, "interfaces[0]");
	assert_string_equal(pol.ifaces[1].name, "eth1");
	assert_int_equal(pol.ifaces[1].mode, FW_MODE_NATIVE);
	assert_string_equal(pol.ifaces[1].path, "interfaces[1]");
	assert_string_equal(pol.ifaces[2].name, "veth-a.1");
	assert_int_equal(pol.ifaces[2].mode, FW_MODE_SKB);
	assert_string_equal(pol.ifaces[3].name, "abcdefghijklmno");
	assert_int_equal(pol.ifaces[3].mode, FW_MODE_AUTO);
	assert_string_equal(pol.ifaces[3].path, "interfaces[3]");

	in = &pol.dir[FW_DIR_INGRESS];
	assert_int_equal(in->default_action, FW_ACT_DROP);
	assert_int_equal(in->n_rules, 6);

	r = &in->rules[0];
	assert_string_equal(r->id, "ssh");
	assert_string_equal(r->comment, "admins");
	assert_string_equal(r->path, "rules[0]");
	assert_int_equal(r->action, FW_ACT_PASS);
	assert_true(r->pos.has_src);
	assert_int_equal(r->pos.n_src, 2);
	assert_prefix(&r->pos.src[0], 4, 24, "192.0.2.0/24");
	assert_memory_equal(r->pos.src[0].addr, v4, 16);
	assert_prefix(&r->pos.src[1], 6, 48, "2001:db8:1::/48");
	assert_memory_equal(r->pos.src[1].addr, v6, 16);
	assert_false(r->pos.has_dst);
	assert_int_equal(r->pos.n_dst, 0);
	assert_null(r->pos.dst);
	assert_true(r->pos.has_proto);
	assert_true(r->pos.proto[0] == 1ULL << 6);
	assert_true(!r->pos.proto[1] && !r->pos.proto[2] && !r->pos.proto[3]);
	assert_false(r->pos.has_sport);
	assert_int_equal(r->pos.n_sport, 0);
	assert_true(r->pos.has_dport);
	assert_int_equal(r->pos.n_dport, 1);
	assert_range(&r->pos.dport[0], 22, 22);

	r = &in->rules[1];
	assert_string_equal(r->id, "");
	assert_string_equal(r->comment, "");
	assert_string_equal(r->path, "rules[1]");
	assert_int_equal(r->action, FW_ACT_DROP);
	assert_int_equal(r->pos.n_src, 1);
	assert_prefix(&r->pos.src[0], 4, 15, "198.18.0.0/15");
	assert_true(r->pos.src[0].addr[0] == 198 && r->pos.src[0].addr[1] == 18);
	assert_true(r->pos.has_dst);
	assert_int_equal(r->pos.n_dst, 1);
	assert_prefix(&r->pos.dst[0], 4, 32, "192.0.2.7/32");
	assert_false(r->pos.has_proto);
	assert_true(!r->pos.proto[0] && !r->pos.proto[1] && !r->pos.proto[2] &&
		    !r->pos.proto[3]);
	assert_false(r->pos.has_sport || r->pos.has_dport);

	r = &in->rules[2];
	assert_string_equal(r->id, "web:v6_1.a-b");
	assert_false(r->pos.has_src);
	assert_int_equal(r->pos.n_dst, 1);
	assert_prefix(&r->pos.dst[0], 6, 128, "2001:db8::80/128");
	assert_int_equal(r->pos.dst[0].addr[15], 0x80);
	assert_true(r->pos.proto[0] == (1ULL << 6 | 1ULL << 17));
	assert_true(r->pos.proto[1] == 0 && r->pos.proto[3] == 0);
	assert_true(r->pos.proto[2] == (1ULL << (132 - 128) | 1ULL << (136 - 128)));
	assert_int_equal(r->pos.n_dport, 5);
	assert_range(&r->pos.dport[0], 0, 0);
	assert_range(&r->pos.dport[1], 80, 91);
	assert_range(&r->pos.dport[2], 443, 443);
	assert_range(&r->pos.dport[3], 999, 1000);
	assert_range(&r->pos.dport[4], 65535, 65535);
	assert_true(r->pos.has_sport);
	assert_int_equal(r->pos.n_sport, 1);
	assert_range(&r->pos.sport[0], 1024, 65535);

	r = &in->rules[3];
	assert_true(r->pos.proto[0] == (1ULL << 0 | 1ULL << 1 | 1ULL << 58));
	assert_true(r->pos.proto[1] == 0 && r->pos.proto[2] == 0);
	assert_true(r->pos.proto[3] == 1ULL << 63);

	r = &in->rules[4];
	assert_int_equal(r->pos.n_src, 3);
	assert_prefix(&r->pos.src[0], 4, 0, "0.0.0.0/0");
	assert_prefix(&r->pos.src[1], 6, 0, "::/0");
	assert_prefix(&r->pos.src[2], 4, 8, "192.0.0.0/8");

	r = &in->rules[5];	/* mixed src, IPv6 dst: can match IPv6 */
	assert_int_equal(r->pos.n_src, 2);
	assert_prefix(&r->pos.dst[0], 6, 128, "2001:db8::1/128");

	eg = &pol.dir[FW_DIR_EGRESS];
	assert_int_equal(eg->default_action, FW_ACT_DROP);
	assert_int_equal(eg->n_rules, 2);
	r = &eg->rules[0];
	assert_string_equal(r->path, "egress.rules[0]");
	assert_string_equal(r->id, "dns");
	assert_prefix(&r->pos.dst[0], 4, 32, "192.0.2.53/32");
	assert_true(r->pos.proto[0] == 1ULL << 17);
	assert_int_equal(r->pos.n_dport, 1);
	assert_range(&r->pos.dport[0], 53, 53);
	r = &eg->rules[1];
	assert_string_equal(r->path, "egress.rules[1]");
	assert_int_equal(r->action, FW_ACT_DROP);
	assert_false(r->pos.has_src || r->pos.has_dst || r->pos.has_proto ||
		     r->pos.has_sport || r->pos.has_dport);

	fw_policy_free(&pol);
	assert_null(pol.text);
	assert_null(pol.ifaces);
	fw_policy_free(&pol);	/* twice is fine */
}

static void test_defaults(void **state)
{
	struct fw_policy pol;

	parse_ok("{\"version\": 1, \"default\": \"pass\"}", &pol);
	assert_int_equal(pol.version, 1);
	assert_int_equal(pol.non_ip_action, FW_ACT_PASS);
	assert_int_equal(pol.dir[FW_DIR_INGRESS].default_action, FW_ACT_PASS);
	assert_int_equal(pol.dir[FW_DIR_INGRESS].n_rules, 0);
	assert_false(pol.has_egress);
	assert_int_equal(pol.dir[FW_DIR_EGRESS].default_action, FW_ACT_PASS);
	assert_int_equal(pol.dir[FW_DIR_EGRESS].n_rules, 0);
	assert_int_equal(pol.n_ifaces, 0);
	assert_null(pol.ifaces);
	fw_policy_free(&pol);

	parse_ok("{\"version\": 1, \"default\": \"drop\", \"egress\": {},\n"
		 " \"interfaces\": [], \"rules\": []}", &pol);
	assert_int_equal(pol.dir[FW_DIR_INGRESS].default_action, FW_ACT_DROP);
	assert_true(pol.has_egress);
	assert_int_equal(pol.dir[FW_DIR_EGRESS].default_action, FW_ACT_PASS);
	assert_int_equal(pol.dir[FW_DIR_EGRESS].n_rules, 0);
	assert_int_equal(pol.dir[FW_DIR_INGRESS].n_rules, 0);
	fw_policy_free(&pol);

	/* Limits that are still fine: 255-byte comment, 63-byte id. */
	{
		char doc[1024];

		snprintf(doc, sizeof(doc),
			 "{\"version\": 1, \"default\": \"drop\", \"description\": \"%0255d\","
			 " \"rules\": [{\"action\": \"pass\", \"comment\": \"%0255d\","
			 " \"id\": \"%063d\"}]}", 0, 0, 0);
		parse_ok(doc, &pol);
		assert_int_equal(strlen(pol.dir[0].rules[0].comment), 255);
		assert_int_equal(strlen(pol.dir[0].rules[0].id), 63);
		fw_policy_free(&pol);
	}
}

static void test_zeroed_free(void **state)
{
	struct fw_policy pol;

	memset(&pol, 0, sizeof(pol));
	fw_policy_free(&pol);
	fw_policy_free(&pol);
	fw_policy_free(NULL);
	assert_null(pol.file);
}

/* --- error tables (generated once; positions counted in characters) ------- */

static const struct err_case top_cases[] = {
	{ "{\n"
	  "  \"version\": 2,\n"
	  "  \"default\": \"drop\"\n"
	  "}\n",
	  "policy.json:2:14: version: 2 is not supported (this fwctl reads version 1)" },
	{ "{\n"
	  "  \"version\": \"1\",\n"
	  "  \"default\": \"drop\"\n"
	  "}\n",
	  "policy.json:2:14: version: expected an integer, got a string" },
	{ "{\n"
	  "  \"version\": 1.0,\n"
	  "  \"default\": \"drop\"\n"
	  "}\n",
	  "policy.json:2:14: version: expected an integer, got a real number" },
	{ "\n"
	  "  {\n"
	  "  \"default\": \"drop\"\n"
	  "}\n",
	  "policy.json:2:3: missing required key \"version\"" },
	{ "{\"version\": 1}",
	  "policy.json:1:1: missing required key \"default\"" },
	{ "{\"version\": 1, \"default\": \"drop\", \"rule\": []}",
	  "policy.json:1:43: unknown key \"rule\" (did you mean \"rules\"?)" },
	{ "{\"version\": 1, \"default\": \"drop\",\n"
	  " \"zones\": {}}",
	  "policy.json:2:11: unknown key \"zones\" (allowed: version, description, interfaces, non_ip, default, rules, egress, sets, fragments, malformed, failsafe, redirect_fallback, conntrack)" },
	{ "{\"version\": 1, \"default\": \"allow\"}",
	  "policy.json:1:27: default: \"allow\" is not an action (pass, drop)" },
	{ "{\"version\": 1, \"default\": 1}",
	  "policy.json:1:27: default: expected a string, got an integer" },
	{ "{\"version\": 1, \"default\": null}",
	  "policy.json:1:27: default: expected a string, got null" },
	{ "{\"version\": 1, \"non_ip\": \"reject\", \"default\": \"drop\"}",
	  "policy.json:1:26: non_ip: \"reject\" is not an action (pass, drop)" },
	{ "{\"version\": 1, \"description\": \"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\", \"default\": \"drop\"}",
	  "policy.json:1:31: description: too long (256 bytes, at most 255)" },
	{ "{\"version\": 1, \"description\": false, \"default\": \"drop\"}",
	  "policy.json:1:31: description: expected a string, got a boolean" },
	{ "{\"version\": 1, \"default\": \"drop\", \"rules\": {}}",
	  "policy.json:1:44: rules: expected an array, got an object" },
	{ "{\"version\": 1, \"default\": \"drop\", \"egress\": []}",
	  "policy.json:1:45: egress: expected an object, got an array" },
	{ "{\"version\": 1, \"default\": \"drop\",\n"
	  " \"egress\": {\"defualt\": \"drop\"}}",
	  "policy.json:2:24: egress: unknown key \"defualt\" (did you mean \"default\"?)" },
	{ "{\"version\": 1, \"default\": \"drop\",\n"
	  " \"egress\": {\"default\": \"deny\"}}",
	  "policy.json:2:24: egress.default: \"deny\" is not an action (pass, drop)" },
	{ "{\"version\": 1, \"default\": \"drop\",\n"
	  " \"egress\": {\"rules\": \"none\"}}",
	  "policy.json:2:22: egress.rules: expected an array, got a string" },
	{ "[]",
	  "policy.json:1:1: expected an object, got an array" },
	{ "  \"x\"",
	  "policy.json:1:3: expected an object, got a string" },
};

static const struct err_case rule_cases[] = {
	{ "{\n"
	  "  \"version\": 1,\n"
	  "  \"default\": \"drop\",\n"
	  "  \"rules\": [\n"
	  "    \"pass\"\n"
	  "  ]\n"
	  "}\n",
	  "policy.json:5:5: rules[0]: expected an object, got a string" },
	{ "{\n"
	  "  \"version\": 1,\n"
	  "  \"default\": \"drop\",\n"
	  "  \"rules\": [\n"
	  "    {\"action\": \"pass\"},\n"
	  "    {\"id\": \"x\", \"comment\": \"no action\"}\n"
	  "  ]\n"
	  "}\n",
	  "policy.json:6:5: rules[1]: missing required key \"action\"" },
	{ "{\n"
	  "  \"version\": 1,\n"
	  "  \"default\": \"drop\",\n"
	  "  \"rules\": [\n"
	  "    {\"action\": \"pass\"},\n"
	  "    {\"action\": \"allow\"}\n"
	  "  ]\n"
	  "}\n",
	  "policy.json:6:16: rules[1].action: \"allow\" is not an action (pass, drop)" },
	{ "{\n"
	  "  \"version\": 1,\n"
	  "  \"default\": \"drop\",\n"
	  "  \"rules\": [\n"
	  "    {\"action\": true}\n"
	  "  ]\n"
	  "}\n",
	  "policy.json:5:16: rules[0].action: expected a string, got a boolean" },
	{ "{\n"
	  "  \"version\": 1,\n"
	  "  \"default\": \"drop\",\n"
	  "  \"rules\": [\n"
	  "    {\"action\": \"pass\", \"protocol\": \"tcp\", \"dst_prot\": 80}\n"
	  "  ]\n"
	  "}\n",
	  "policy.json:5:55: rules[0]: unknown key \"dst_prot\" (did you mean \"dst_port\"?)" },
	{ "{\n"
	  "  \"version\": 1,\n"
	  "  \"default\": \"drop\",\n"
	  "  \"rules\": [\n"
	  "    {\"action\": \"pass\", \"Action\": \"drop\"}\n"
	  "  ]\n"
	  "}\n",
	  "policy.json:5:34: rules[0]: unknown key \"Action\" (did you mean \"action\"?)" },
	{ "{\n"
	  "  \"version\": 1,\n"
	  "  \"default\": \"drop\",\n"
	  "  \"rules\": [\n"
	  "    {\"action\": \"pass\", \"port\": 80}\n"
	  "  ]\n"
	  "}\n",
	  "policy.json:5:32: rules[0]: unknown key \"port\" (allowed: action, id, comment, src, dst, protocol, src_port, dst_port, tcp_flags, icmp_type, icmp_code, vlan, interface, ct, not, rewrite, log, limit, track)" },
	{ "{\n"
	  "  \"version\": 1,\n"
	  "  \"default\": \"drop\",\n"
	  "  \"rules\": [\n"
	  "    {\"action\": \"pass\", \"a.b\\\"c\": 1}\n"
	  "  ]\n"
	  "}\n",
	  "policy.json:5:5: rules[0]: unknown key \"a.b\\\"c\" (allowed: action, id, comment, src, dst, protocol, src_port, dst_port, tcp_flags, icmp_type, icmp_code, vlan, interface, ct, not, rewrite, log, limit, track)" },
	{ "{\n"
	  "  \"version\": 1,\n"
	  "  \"default\": \"drop\",\n"
	  "  \"rules\": [\n"
	  "    {\"action\": \"pass\", \"id\": \"a b\"}\n"
	  "  ]\n"
	  "}\n",
	  "policy.json:5:30: rules[0].id: \"a b\" is not a rule id (1-63 characters of A-Z a-z 0-9 _ . : -)" },
	{ "{\n"
	  "  \"version\": 1,\n"
	  "  \"default\": \"drop\",\n"
	  "  \"rules\": [\n"
	  "    {\"action\": \"pass\", \"id\": \"\"}\n"
	  "  ]\n"
	  "}\n",
	  "policy.json:5:30: rules[0].id: \"\" is not a rule id (1-63 characters of A-Z a-z 0-9 _ . : -)" },
	{ "{\n"
	  "  \"version\": 1,\n"
	  "  \"default\": \"drop\",\n"
	  "  \"rules\": [\n"
	  "    {\"action\": \"pass\", \"id\": \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\"}\n"
	  "  ]\n"
	  "}\n",
	  "policy.json:5:30: rules[0].id: \"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\" is not a rule id (1-63 characters of A-Z a-z 0-9 _ . : -)" },
	{ "{\n"
	  "  \"version\": 1,\n"
	  "  \"default\": \"drop\",\n"
	  "  \"rules\": [\n"
	  "    {\"action\": \"pass\", \"id\": 7}\n"
	  "  ]\n"
	  "}\n",
	  "policy.json:5:30: rules[0].id: expected a string, got an integer" },
	{ "{\n"
	  "  \"version\": 1,\n"
	  "  \"default\": \"drop\",\n"
	  "  \"rules\": [\n"
	  "    {\"action\": \"pass\", \"id\": \"web\"},\n"
	  "    {\"action\": \"drop\", \"id\": \"web\"}\n"
	  "  ]\n"
	  "}\n",
	  "policy.json:6:30: rules[1].id: duplicate id \"web\" (first used by rules[0])" },
	{ "{\n"
	  "  \"version\": 1,\n"
	  "  \"default\": \"drop\",\n"
	  "  \"rules\": [{\"action\": \"pass\", \"id\": \"ssh\"}],\n"
	  "  \"egress\": {\n"
	  "    \"rules\": [\n"
	  "      {\"action\": \"pass\", \"id\": \"dns\"},\n"
	  "      {\"action\": \"pass\", \"id\": \"ssh\"}\n"
	  "    ]\n"
	  "  }\n"
	  "}\n",
	  "policy.json:8:32: egress.rules[1].id: duplicate id \"ssh\" (first used by rules[0])" },
	{ "{\n"
	  "  \"version\": 1,\n"
	  "  \"default\": \"drop\",\n"
	  "  \"rules\": [\n"
	  "    {\"action\": \"pass\", \"comment\": \"cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc\"}\n"
	  "  ]\n"
	  "}\n",
	  "policy.json:5:35: rules[0].comment: too long (256 bytes, at most 255)" },
	{ "{\n"
	  "  \"version\": 1,\n"
	  "  \"default\": \"drop\",\n"
	  "  \"egress\": {\n"
	  "    \"rules\": [\n"
	  "      {\"action\": \"pass\", \"comment\": [\"x\"]}\n"
	  "    ]\n"
	  "  }\n"
	  "}\n",
	  "policy.json:6:37: egress.rules[0].comment: expected a string, got an array" },
};

static const struct err_case addr_cases[] = {
	{ "{\n"
	  "  \"version\": 1,\n"
	  "  \"default\": \"drop\",\n"
	  "  \"rules\": [\n"
	  "    {\"action\": \"pass\"},\n"
	  "    {\"action\": \"pass\"},\n"
	  "    {\"action\": \"drop\", \"src\": \"192.0.2.300\"}\n"
	  "  ]\n"
	  "}\n",
	  "policy.json:7:31: rules[2].src: \"192.0.2.300\" is not an IPv4 or IPv6 prefix" },
	{ "{\n"
	  "  \"version\": 1,\n"
	  "  \"default\": \"drop\",\n"
	  "  \"rules\": [\n"
	  "    {\"action\": \"drop\", \"src\": \"192.0.2.1/24\"}\n"
	  "  ]\n"
	  "}\n",
	  "policy.json:5:31: rules[0].src: 192.0.2.1/24 has host bits set (did you mean 192.0.2.0/24?)" },
	{ "{\n"
	  "  \"version\": 1,\n"
	  "  \"default\": \"drop\",\n"
	  "  \"rules\": [\n"
	  "    {\"action\": \"drop\", \"src\": \"0.0.0.1/0\"}\n"
	  "  ]\n"
	  "}\n",
	  "policy.json:5:31: rules[0].src: 0.0.0.1/0 has host bits set (did you mean 0.0.0.0/0?)" },
	{ "{\n"
	  "  \"version\": 1,\n"
	  "  \"default\": \"drop\",\n"
	  "  \"egress\": {\n"
	  "    \"rules\": [\n"
	  "      {\"action\": \"drop\", \"dst\": [\"2001:db8::/32\", \"2001:db8::1/32\"]}\n"
	  "    ]\n"
	  "  }\n"
	  "}\n",
	  "policy.json:6:51: egress.rules[0].dst[1]: 2001:db8::1/32 has host bits set (did you mean 2001:db8::/32?)" },
	{ "{\n"
	  "  \"version\": 1,\n"
	  "  \"default\": \"drop\",\n"
	  "  \"rules\": [\n"
	  "    {\"action\": \"drop\", \"dst\": \"2001:db8:0:ffc0::/57\"}\n"
	  "  ]\n"
	  "}\n",
	  "policy.json:5:31: rules[0].dst: 2001:db8:0:ffc0::/57 has host bits set (did you mean 2001:db8:0:ff80::/57?)" },
	{ "{\n"
	  "  \"version\": 1,\n"
	  "  \"default\": \"drop\",\n"
	  "  \"rules\": [\n"
	  "    {\"action\": \"drop\", \"src\": \"192.0.2.0/33\"}\n"
	  "  ]\n"
	  "}\n",
	  "policy.json:5:31: rules[0].src: \"192.0.2.0/33\" has a bad prefix length (0-32 for IPv4)" },
	{ "{\n"
	  "  \"version\": 1,\n"
	  "  \"default\": \"drop\",\n"
	  "  \"rules\": [\n"
	  "    {\"action\": \"drop\", \"src\": [\"2001:db8::/129\"]}\n"
	  "  ]\n"
	  "}\n",
	  "policy.json:5:32: rules[0].src[0]: \"2001:db8::/129\" has a bad prefix length (0-128 for IPv6)" },
	{ "{\n"
	  "  \"version\": 1,\n"
	  "  \"default\": \"drop\",\n"
	  "  \"rules\": [\n"
	  "    {\"action\": \"drop\", \"src\": \"192.0.2.0/\"}\n"
	  "  ]\n"
	  "}\n",
	  "policy.json:5:31: rules[0].src: \"192.0.2.0/\" has a bad prefix length (0-32 for IPv4)" },
	{ "{\n"
	  "  \"version\": 1,\n"
	  "  \"default\": \"drop\",\n"
	  "  \"rules\": [\n"
	  "    {\"action\": \"drop\", \"src\": \"192.0.2.0/-1\"}\n"
	  "  ]\n"
	  "}\n",
	  "policy.json:5:31: rules[0].src: \"192.0.2.0/-1\" has a bad prefix length (0-32 for IPv4)" },
	{ "{\n"
	  "  \"version\": 1,\n"
	  "  \"default\": \"drop\",\n"
	  "  \"rules\": [\n"
	  "    {\"action\": \"drop\", \"src\": \"192.0.2.0/24 \"}\n"
	  "  ]\n"
	  "}\n",
	  "policy.json:5:31: rules[0].src: \"192.0.2.0/24 \" has a bad prefix length (0-32 for IPv4)" },
	{ "{\n"
	  "  \"version\": 1,\n"
	  "  \"default\": \"drop\",\n"
	  "  \"rules\": [\n"
	  "    {\"action\": \"drop\", \"src\": \"192.0.2.0/99999999999999999999\"}\n"
	  "  ]\n"
	  "}\n",
	  "policy.json:5:31: rules[0].src: \"192.0.2.0/99999999999999999999\" has a bad prefix length (0-32 for IPv4)" },
	{ "{\n"
	  "  \"version\": 1,\n"
	  "  \"default\": \"drop\",\n"
	  "  \"rules\": [\n"
	  "    {\"action\": \"drop\", \"src\": \"\"}\n"
	  "  ]\n"
	  "}\n",
	  "policy.json:5:31: rules[0].src: \"\" is not an IPv4 or IPv6 prefix" },
	{ "{\n"
	  "  \"version\": 1,\n"
	  "  \"default\": \"drop\",\n"
	  "  \"rules\": [\n"
	  "    {\"action\": \"drop\", \"src\": \"/24\"}\n"
	  "  ]\n"
	  "}\n",
	  "policy.json:5:31: rules[0].src: \"/24\" is not an IPv4 or IPv6 prefix" },
	{ "{\n"
	  "  \"version\": 1,\n"
	  "  \"default\": \"drop\",\n"
	  "  \"rules\": [\n"
	  "    {\"action\": \"drop\", \"src\": \"192.0.2\"}\n"
	  "  ]\n"
	  "}\n",
	  "policy.json:5:31: rules[0].src: \"192.0.2\" is not an IPv4 or IPv6 prefix" },
	{ "{\n"
	  "  \"version\": 1,\n"
	  "  \"default\": \"drop\",\n"
	  "  \"rules\": [\n"
	  "    {\"action\": \"drop\", \"src\": \"example.com\"}\n"
	  "  ]\n"
	  "}\n",
	  "policy.json:5:31: rules[0].src: \"example.com\" is not an IPv4 or IPv6 prefix" },
	{ "{\n"
	  "  \"version\": 1,\n"
	  "  \"default\": \"drop\",\n"
	  "  \"rules\": [\n"
	  "    {\"action\": \"drop\", \"src\": \"fe80::1%eth0\"}\n"
	  "  ]\n"
	  "}\n",
	  "policy.json:5:31: rules[0].src: \"fe80::1%eth0\" is not an IPv4 or IPv6 prefix" },
	{ "{\n"
	  "  \"version\": 1,\n"
	  "  \"default\": \"drop\",\n"
	  "  \"rules\": [\n"
	  "    {\"action\": \"drop\", \"src\": []}\n"
	  "  ]\n"
	  "}\n",
	  "policy.json:5:31: rules[0].src: empty list (omit the key to match any address)" },
	{ "{\n"
	  "  \"version\": 1,\n"
	  "  \"default\": \"drop\",\n"
	  "  \"rules\": [\n"
	  "    {\"action\": \"drop\", \"dst\": 5}\n"
	  "  ]\n"
	  "}\n",
	  "policy.json:5:31: rules[0].dst: expected a string or an array, got an integer" },
	{ "{\n"
	  "  \"version\": 1,\n"
	  "  \"default\": \"drop\",\n"
	  "  \"rules\": [\n"
	  "    {\"action\": \"drop\", \"dst\": [\"192.0.2.0/24\", {}]}\n"
	  "  ]\n"
	  "}\n",
	  "policy.json:5:48: rules[0].dst[1]: expected a string, got an object" },
	{ "{\n"
	  "  \"version\": 1,\n"
	  "  \"default\": \"drop\",\n"
	  "  \"rules\": [\n"
	  "    {\"action\": \"drop\", \"src\": \"192.0.2.0/24\", \"dst\": [\"2001:db8::/32\", \"2001:db8::1\"]}\n"
	  "  ]\n"
	  "}\n",
	  "policy.json:5:5: rules[0]: src has only IPv4 prefixes and dst only IPv6 ones: the rule can never match" },
	{ "{\n"
	  "  \"version\": 1,\n"
	  "  \"default\": \"drop\",\n"
	  "  \"egress\": {\n"
	  "    \"rules\": [\n"
	  "      {\"action\": \"pass\"},\n"
	  "      {\"action\": \"drop\", \"src\": \"2001:db8::/32\", \"dst\": \"192.0.2.1\"}\n"
	  "    ]\n"
	  "  }\n"
	  "}\n",
	  "policy.json:7:7: egress.rules[1]: src has only IPv6 prefixes and dst only IPv4 ones: the rule can never match" },
};

static const struct err_case proto_cases[] = {
	{ "{\n"
	  "  \"version\": 1,\n"
	  "  \"default\": \"drop\",\n"
	  "  \"rules\": [\n"
	  "    {\"action\": \"pass\", \"protocol\": {\"name\": \"tcp\"}}\n"
	  "  ]\n"
	  "}\n",
	  "policy.json:5:36: rules[0].protocol: expected a string, an integer or an array, got an object" },
	{ "{\n"
	  "  \"version\": 1,\n"
	  "  \"default\": \"drop\",\n"
	  "  \"rules\": [\n"
	  "    {\"action\": \"pass\", \"protocol\": \"tpc\"}\n"
	  "  ]\n"
	  "}\n",
	  "policy.json:5:36: rules[0].protocol: \"tpc\" is not a protocol (icmp, igmp, tcp, udp, gre, esp, ah, icmpv6, sctp, udplite or a number 0-255)" },
	{ "{\n"
	  "  \"version\": 1,\n"
	  "  \"default\": \"drop\",\n"
	  "  \"rules\": [\n"
	  "    {\"action\": \"pass\", \"protocol\": \"TCP\"}\n"
	  "  ]\n"
	  "}\n",
	  "policy.json:5:36: rules[0].protocol: \"TCP\" is not a protocol (icmp, igmp, tcp, udp, gre, esp, ah, icmpv6, sctp, udplite or a number 0-255)" },
	{ "{\n"
	  "  \"version\": 1,\n"
	  "  \"default\": \"drop\",\n"
	  "  \"rules\": [\n"
	  "    {\"action\": \"pass\", \"protocol\": \"6\"}\n"
	  "  ]\n"
	  "}\n",
	  "policy.json:5:36: rules[0].protocol: \"6\" is not a protocol (icmp, igmp, tcp, udp, gre, esp, ah, icmpv6, sctp, udplite or a number 0-255)" },
	{ "{\n"
	  "  \"version\": 1,\n"
	  "  \"default\": \"drop\",\n"
	  "  \"rules\": [\n"
	  "    {\"action\": \"pass\", \"protocol\": 256}\n"
	  "  ]\n"
	  "}\n",
	  "policy.json:5:36: rules[0].protocol: 256 is not a protocol number (0-255)" },
	{ "{\n"
	  "  \"version\": 1,\n"
	  "  \"default\": \"drop\",\n"
	  "  \"rules\": [\n"
	  "    {\"action\": \"pass\", \"protocol\": [\"tcp\", -1]}\n"
	  "  ]\n"
	  "}\n",
	  "policy.json:5:44: rules[0].protocol[1]: -1 is not a protocol number (0-255)" },
	{ "{\n"
	  "  \"version\": 1,\n"
	  "  \"default\": \"drop\",\n"
	  "  \"rules\": [\n"
	  "    {\"action\": \"pass\", \"protocol\": []}\n"
	  "  ]\n"
	  "}\n",
	  "policy.json:5:36: rules[0].protocol: empty list (omit the key to match any protocol)" },
	{ "{\n"
	  "  \"version\": 1,\n"
	  "  \"default\": \"drop\",\n"
	  "  \"rules\": [\n"
	  "    {\"action\": \"pass\", \"protocol\": [true]}\n"
	  "  ]\n"
	  "}\n",
	  "policy.json:5:37: rules[0].protocol[0]: expected a string or an integer, got a boolean" },
	{ "{\n"
	  "  \"version\": 1,\n"
	  "  \"default\": \"drop\",\n"
	  "  \"rules\": [\n"
	  "    {\"action\": \"pass\", \"protocol\": [6.0]}\n"
	  "  ]\n"
	  "}\n",
	  "policy.json:5:37: rules[0].protocol[0]: expected a string or an integer, got a real number" },
};

static const struct err_case port_cases[] = {
	{ "{\n"
	  "  \"version\": 1,\n"
	  "  \"default\": \"drop\",\n"
	  "  \"rules\": [\n"
	  "    {\"action\": \"pass\"},\n"
	  "    {\"action\": \"pass\"},\n"
	  "    {\"action\": \"pass\"},\n"
	  "    {\"action\": \"pass\", \"protocol\": \"tcp\", \"dst_port\": 70000}\n"
	  "  ]\n"
	  "}\n",
	  "policy.json:8:55: rules[3].dst_port: 70000 is not a port (0-65535)" },
	{ "{\n"
	  "  \"version\": 1,\n"
	  "  \"default\": \"drop\",\n"
	  "  \"rules\": [\n"
	  "    {\"action\": \"pass\", \"protocol\": \"udp\", \"src_port\": -1}\n"
	  "  ]\n"
	  "}\n",
	  "policy.json:5:55: rules[0].src_port: -1 is not a port (0-65535)" },
	{ "{\n"
	  "  \"version\": 1,\n"
	  "  \"default\": \"drop\",\n"
	  "  \"rules\": [\n"
	  "    {\"action\": \"pass\", \"protocol\": \"udp\", \"src_port\": -0.5}\n"
	  "  ]\n"
	  "}\n",
	  "policy.json:5:55: rules[0].src_port: expected a string, an integer or an array, got a real number" },
	{ "{\n"
	  "  \"version\": 1,\n"
	  "  \"default\": \"drop\",\n"
	  "  \"rules\": [\n"
	  "    {\"action\": \"pass\", \"protocol\": \"tcp\", \"dst_port\": 80.0}\n"
	  "  ]\n"
	  "}\n",
	  "policy.json:5:55: rules[0].dst_port: expected a string, an integer or an array, got a real number" },
	{ "{\n"
	  "  \"version\": 1,\n"
	  "  \"default\": \"drop\",\n"
	  "  \"rules\": [\n"
	  "    {\"action\": \"pass\", \"protocol\": \"tcp\", \"dst_port\": 1e3}\n"
	  "  ]\n"
	  "}\n",
	  "policy.json:5:55: rules[0].dst_port: expected a string, an integer or an array, got a real number" },
	{ "{\n"
	  "  \"version\": 1,\n"
	  "  \"default\": \"drop\",\n"
	  "  \"rules\": [\n"
	  "    {\"action\": \"pass\", \"protocol\": \"tcp\", \"dst_port\": [80, 8.5]}\n"
	  "  ]\n"
	  "}\n",
	  "policy.json:5:60: rules[0].dst_port[1]: expected a string or an integer, got a real number" },
	{ "{\n"
	  "  \"version\": 1,\n"
	  "  \"default\": \"drop\",\n"
	  "  \"rules\": [\n"
	  "    {\"action\": \"pass\", \"protocol\": \"tcp\", \"dst_port\": \"90-80\"}\n"
	  "  ]\n"
	  "}\n",
	  "policy.json:5:55: rules[0].dst_port: \"90-80\" is a reversed range (did you mean \"80-90\"?)" },
	{ "{\n"
	  "  \"version\": 1,\n"
	  "  \"default\": \"drop\",\n"
	  "  \"rules\": [\n"
	  "    {\"action\": \"pass\", \"protocol\": \"tcp\", \"dst_port\": \"70000\"}\n"
	  "  ]\n"
	  "}\n",
	  "policy.json:5:55: rules[0].dst_port: \"70000\" is not a port (0-65535)" },
	{ "{\n"
	  "  \"version\": 1,\n"
	  "  \"default\": \"drop\",\n"
	  "  \"rules\": [\n"
	  "    {\"action\": \"pass\", \"protocol\": \"tcp\", \"dst_port\": [\"22\", \"1-70000\"]}\n"
	  "  ]\n"
	  "}\n",
	  "policy.json:5:62: rules[0].dst_port[1]: \"1-70000\" is not a port range (0-65535)" },
	{ "{\n"
	  "  \"version\": 1,\n"
	  "  \"default\": \"drop\",\n"
	  "  \"rules\": [\n"
	  "    {\"action\": \"pass\", \"protocol\": \"tcp\", \"dst_port\": \"99999999999999999999999\"}\n"
	  "  ]\n"
	  "}\n",
	  "policy.json:5:55: rules[0].dst_port: \"99999999999999999999999\" is not a port (0-65535)" },
	{ "{\n"
	  "  \"version\": 1,\n"
	  "  \"default\": \"drop\",\n"
	  "  \"rules\": [\n"
	  "    {\"action\": \"pass\", \"protocol\": \"tcp\", \"dst_port\": \"http\"}\n"
	  "  ]\n"
	  "}\n",
	  "policy.json:5:55: rules[0].dst_port: \"http\" is not a port or port range (N or LO-HI, 0-65535)" },
	{ "{\n"
	  "  \"version\": 1,\n"
	  "  \"default\": \"drop\",\n"
	  "  \"rules\": [\n"
	  "    {\"action\": \"pass\", \"protocol\": \"tcp\", \"dst_port\": \"\"}\n"
	  "  ]\n"
	  "}\n",
	  "policy.json:5:55: rules[0].dst_port: \"\" is not a port or port range (N or LO-HI, 0-65535)" },
	{ "{\n"
	  "  \"version\": 1,\n"
	  "  \"default\": \"drop\",\n"
	  "  \"rules\": [\n"
	  "    {\"action\": \"pass\", \"protocol\": \"tcp\", \"dst_port\": \"80-\"}\n"
	  "  ]\n"
	  "}\n",
	  "policy.json:5:55: rules[0].dst_port: \"80-\" is not a port or port range (N or LO-HI, 0-65535)" },
	{ "{\n"
	  "  \"version\": 1,\n"
	  "  \"default\": \"drop\",\n"
	  "  \"rules\": [\n"
	  "    {\"action\": \"pass\", \"protocol\": \"tcp\", \"dst_port\": \"-80\"}\n"
	  "  ]\n"
	  "}\n",
	  "policy.json:5:55: rules[0].dst_port: \"-80\" is not a port or port range (N or LO-HI, 0-65535)" },
	{ "{\n"
	  "  \"version\": 1,\n"
	  "  \"default\": \"drop\",\n"
	  "  \"rules\": [\n"
	  "    {\"action\": \"pass\", \"protocol\": \"tcp\", \"dst_port\": \" 80\"}\n"
	  "  ]\n"
	  "}\n",
	  "policy.json:5:55: rules[0].dst_port: \" 80\" is not a port or port range (N or LO-HI, 0-65535)" },
	{ "{\n"
	  "  \"version\": 1,\n"
	  "  \"default\": \"drop\",\n"
	  "  \"rules\": [\n"
	  "    {\"action\": \"pass\", \"protocol\": \"tcp\", \"dst_port\": \"80 \"}\n"
	  "  ]\n"
	  "}\n",
	  "policy.json:5:55: rules[0].dst_port: \"80 \" is not a port or port range (N or LO-HI, 0-65535)" },
	{ "{\n"
	  "  \"version\": 1,\n"
	  "  \"default\": \"drop\",\n"
	  "  \"rules\": [\n"
	  "    {\"action\": \"pass\", \"protocol\": \"tcp\", \"dst_port\": \"80-90-100\"}\n"
	  "  ]\n"
	  "}\n",
	  "policy.json:5:55: rules[0].dst_port: \"80-90-100\" is not a port or port range (N or LO-HI, 0-65535)" },
	{ "{\n"
	  "  \"version\": 1,\n"
	  "  \"default\": \"drop\",\n"
	  "  \"rules\": [\n"
	  "    {\"action\": \"pass\", \"protocol\": \"tcp\", \"dst_port\": \"+80\"}\n"
	  "  ]\n"
	  "}\n",
	  "policy.json:5:55: rules[0].dst_port: \"+80\" is not a port or port range (N or LO-HI, 0-65535)" },
	{ "{\n"
	  "  \"version\": 1,\n"
	  "  \"default\": \"drop\",\n"
	  "  \"rules\": [\n"
	  "    {\"action\": \"pass\", \"protocol\": \"tcp\", \"dst_port\": \"0x50\"}\n"
	  "  ]\n"
	  "}\n",
	  "policy.json:5:55: rules[0].dst_port: \"0x50\" is not a port or port range (N or LO-HI, 0-65535)" },
	{ "{\n"
	  "  \"version\": 1,\n"
	  "  \"default\": \"drop\",\n"
	  "  \"rules\": [\n"
	  "    {\"action\": \"pass\", \"protocol\": \"tcp\", \"dst_port\": \"80,443\"}\n"
	  "  ]\n"
	  "}\n",
	  "policy.json:5:55: rules[0].dst_port: \"80,443\" is not a port or port range (N or LO-HI, 0-65535)" },
	{ "{\n"
	  "  \"version\": 1,\n"
	  "  \"default\": \"drop\",\n"
	  "  \"rules\": [\n"
	  "    {\"action\": \"pass\", \"protocol\": \"tcp\", \"dst_port\": []}\n"
	  "  ]\n"
	  "}\n",
	  "policy.json:5:55: rules[0].dst_port: empty list (omit the key to match any port)" },
	{ "{\n"
	  "  \"version\": 1,\n"
	  "  \"default\": \"drop\",\n"
	  "  \"rules\": [\n"
	  "    {\"action\": \"pass\", \"protocol\": \"tcp\", \"dst_port\": null}\n"
	  "  ]\n"
	  "}\n",
	  "policy.json:5:55: rules[0].dst_port: expected a string, an integer or an array, got null" },
	{ "{\n"
	  "  \"version\": 1,\n"
	  "  \"default\": \"drop\",\n"
	  "  \"rules\": [\n"
	  "    {\"action\": \"pass\", \"dst_port\": 80}\n"
	  "  ]\n"
	  "}\n",
	  "policy.json:5:36: rules[0].dst_port: ports need \"protocol\" to be tcp, udp, udplite or sctp" },
	{ "{\n"
	  "  \"version\": 1,\n"
	  "  \"default\": \"drop\",\n"
	  "  \"rules\": [\n"
	  "    {\"action\": \"pass\", \"protocol\": \"icmp\", \"src_port\": 80}\n"
	  "  ]\n"
	  "}\n",
	  "policy.json:5:56: rules[0].src_port: ports need \"protocol\" to be tcp, udp, udplite or sctp" },
	{ "{\n"
	  "  \"version\": 1,\n"
	  "  \"default\": \"drop\",\n"
	  "  \"egress\": {\n"
	  "    \"rules\": [\n"
	  "      {\"action\": \"pass\", \"protocol\": [\"tcp\", 1], \"dst_port\": 80, \"src_port\": [1024]}\n"
	  "    ]\n"
	  "  }\n"
	  "}\n",
	  "policy.json:6:78: egress.rules[0].src_port: ports need \"protocol\" to be tcp, udp, udplite or sctp" },
	{ "{\n"
	  "  \"version\": 1,\n"
	  "  \"default\": \"drop\",\n"
	  "  \"rules\": [\n"
	  "    {\"action\": \"pass\", \"protocol\": [6, 47], \"dst_port\": 80}\n"
	  "  ]\n"
	  "}\n",
	  "policy.json:5:57: rules[0].dst_port: ports need \"protocol\" to be tcp, udp, udplite or sctp" },
};

static const struct err_case iface_cases[] = {
	{ "{\n"
	  "  \"version\": 1,\n"
	  "  \"interfaces\": [\"abcdefghijklmnop\"],\n"
	  "  \"default\": \"pass\"\n"
	  "}\n",
	  "policy.json:3:18: interfaces[0]: \"abcdefghijklmnop\" is too long for an interface name (at most 15 bytes)" },
	{ "{\n"
	  "  \"version\": 1,\n"
	  "  \"interfaces\": [\"eth0\", {\"name\": \"abcdefghijklmnop\"}],\n"
	  "  \"default\": \"pass\"\n"
	  "}\n",
	  "policy.json:3:35: interfaces[1].name: \"abcdefghijklmnop\" is too long for an interface name (at most 15 bytes)" },
	{ "{\n"
	  "  \"version\": 1,\n"
	  "  \"interfaces\": [\"eth0\", {\"name\": \"eth0\", \"mode\": \"skb\"}],\n"
	  "  \"default\": \"pass\"\n"
	  "}\n",
	  "policy.json:3:35: interfaces[1].name: duplicate interface \"eth0\" (first at interfaces[0])" },
	{ "{\n"
	  "  \"version\": 1,\n"
	  "  \"interfaces\": [{\"name\": \"eth0\"}, \"eth1\", \"eth0\"],\n"
	  "  \"default\": \"pass\"\n"
	  "}\n",
	  "policy.json:3:44: interfaces[2]: duplicate interface \"eth0\" (first at interfaces[0].name)" },
	{ "{\n"
	  "  \"version\": 1,\n"
	  "  \"interfaces\": [\"eth0\", \"eth1\", {\"name\": \"eth2\", \"mode\": \"xdp\"}],\n"
	  "  \"default\": \"pass\"\n"
	  "}\n",
	  "policy.json:3:59: interfaces[2].mode: \"xdp\" is not a mode (auto, native, skb, hw)" },
	{ "{\n"
	  "  \"version\": 1,\n"
	  "  \"interfaces\": [{\"name\": \"eth2\", \"mode\": 1}],\n"
	  "  \"default\": \"pass\"\n"
	  "}\n",
	  "policy.json:3:43: interfaces[0].mode: expected a string, got an integer" },
	{ "{\n"
	  "  \"version\": 1,\n"
	  "  \"interfaces\": [{\"name\": \"eth2\", \"mdoe\": \"skb\"}],\n"
	  "  \"default\": \"pass\"\n"
	  "}\n",
	  "policy.json:3:43: interfaces[0]: unknown key \"mdoe\" (did you mean \"mode\"?)" },
	{ "{\n"
	  "  \"version\": 1,\n"
	  "  \"interfaces\": [{\"mode\": \"skb\"}],\n"
	  "  \"default\": \"pass\"\n"
	  "}\n",
	  "policy.json:3:18: interfaces[0]: missing required key \"name\"" },
	{ "{\n"
	  "  \"version\": 1,\n"
	  "  \"interfaces\": [{\"name\": 0}],\n"
	  "  \"default\": \"pass\"\n"
	  "}\n",
	  "policy.json:3:27: interfaces[0].name: expected a string, got an integer" },
	{ "{\n"
	  "  \"version\": 1,\n"
	  "  \"interfaces\": [5],\n"
	  "  \"default\": \"pass\"\n"
	  "}\n",
	  "policy.json:3:18: interfaces[0]: expected a string or an object, got an integer" },
	{ "{\n"
	  "  \"version\": 1,\n"
	  "  \"interfaces\": [\"\"],\n"
	  "  \"default\": \"pass\"\n"
	  "}\n",
	  "policy.json:3:18: interfaces[0]: \"\" is not an interface name (1-15 bytes, no \"/\" or whitespace, not \".\" or \"..\")" },
	{ "{\n"
	  "  \"version\": 1,\n"
	  "  \"interfaces\": [\".\"],\n"
	  "  \"default\": \"pass\"\n"
	  "}\n",
	  "policy.json:3:18: interfaces[0]: \".\" is not an interface name (1-15 bytes, no \"/\" or whitespace, not \".\" or \"..\")" },
	{ "{\n"
	  "  \"version\": 1,\n"
	  "  \"interfaces\": [\"..\"],\n"
	  "  \"default\": \"pass\"\n"
	  "}\n",
	  "policy.json:3:18: interfaces[0]: \"..\" is not an interface name (1-15 bytes, no \"/\" or whitespace, not \".\" or \"..\")" },
	{ "{\n"
	  "  \"version\": 1,\n"
	  "  \"interfaces\": [\"eth/0\"],\n"
	  "  \"default\": \"pass\"\n"
	  "}\n",
	  "policy.json:3:18: interfaces[0]: \"eth/0\" is not an interface name (1-15 bytes, no \"/\" or whitespace, not \".\" or \"..\")" },
	{ "{\n"
	  "  \"version\": 1,\n"
	  "  \"interfaces\": [\"eth 0\"],\n"
	  "  \"default\": \"pass\"\n"
	  "}\n",
	  "policy.json:3:18: interfaces[0]: \"eth 0\" is not an interface name (1-15 bytes, no \"/\" or whitespace, not \".\" or \"..\")" },
	{ "{\n"
	  "  \"version\": 1,\n"
	  "  \"interfaces\": [\"eth\\t0\"],\n"
	  "  \"default\": \"pass\"\n"
	  "}\n",
	  "policy.json:3:18: interfaces[0]: \"eth\\u00090\" is not an interface name (1-15 bytes, no \"/\" or whitespace, not \".\" or \"..\")" },
	{ "{\"version\": 1, \"interfaces\": \"eth0\", \"default\": \"pass\"}",
	  "policy.json:1:30: interfaces: expected an array, got a string" },
};

/*
 * The keys of the IR's second version: sets, fragments, malformed,
 * tcp_flags, icmp_type/icmp_code, vlan, interface, "not". Positions from
 * an independent locator (a recursive-descent JSON reader in Python).
 * Set files are read relative to the current directory (the repository
 * root): tests/unit/no-such-file.txt must not exist, tests/unit is a
 * directory.
 */
static const struct err_case top2_cases[] = {
	{ "{\n"
	  "  \"version\": 1,\n"
	  "  \"default\": \"drop\",\n"
	  "  \"fragments\": \"sometimes\"\n"
	  "}\n",
	  "policy.json:4:16: fragments: \"sometimes\" is not a fragments mode (match, pass, drop)" },
	{ "{\n"
	  "  \"version\": 1,\n"
	  "  \"default\": \"drop\",\n"
	  "  \"fragments\": 1\n"
	  "}\n",
	  "policy.json:4:16: fragments: expected a string, got an integer" },
	{ "{\n"
	  "  \"version\": 1,\n"
	  "  \"default\": \"drop\",\n"
	  "  \"fragments\": \"Drop\"\n"
	  "}\n",
	  "policy.json:4:16: fragments: \"Drop\" is not a fragments mode (match, pass, drop)" },
	{ "{\n"
	  "  \"version\": 1,\n"
	  "  \"default\": \"drop\",\n"
	  "  \"malformed\": \"reject\"\n"
	  "}\n",
	  "policy.json:4:16: malformed: \"reject\" is not an action (pass, drop)" },
	{ "{\n"
	  "  \"version\": 1,\n"
	  "  \"default\": \"drop\",\n"
	  "  \"malformed\": [\"drop\"]\n"
	  "}\n",
	  "policy.json:4:16: malformed: expected a string, got an array" },
	{ "{\n"
	  "  \"version\": 1,\n"
	  "  \"default\": \"drop\",\n"
	  "  \"fragment\": \"drop\"\n"
	  "}\n",
	  "policy.json:4:15: unknown key \"fragment\" (did you mean \"fragments\"?)" },
	{ "{\n"
	  "  \"version\": 1,\n"
	  "  \"default\": \"drop\",\n"
	  "  \"set\": {}\n"
	  "}\n",
	  "policy.json:4:10: unknown key \"set\" (did you mean \"sets\"?)" },
};

static const struct err_case set_cases[] = {
	{ "{\n"
	  "  \"version\": 1,\n"
	  "  \"default\": \"drop\",\n"
	  "  \"sets\": []\n"
	  "}\n",
	  "policy.json:4:11: sets: expected an object, got an array" },
	{ "{\n"
	  "  \"version\": 1,\n"
	  "  \"default\": \"drop\",\n"
	  "  \"sets\": {\"s0\": {\"elements\": []}, \"s1\": {\"elements\": []}, \"s2\": {\"elements\": []}, \"s3\": {\"elements\": []}, \"s4\": {\"elements\": []}, \"s5\": {\"elements\": []}, \"s6\": {\"elements\": []}, \"s7\": {\"elements\": []}, \"s8\": {\"elements\": []}}\n"
	  "}\n",
	  "policy.json:4:11: sets: 9 sets exceed the maximum of 8" },
	{ "{\n"
	  "  \"version\": 1,\n"
	  "  \"default\": \"drop\",\n"
	  "  \"sets\": {\"ok\": {\"elements\": []}, \"bad name\": {\"elements\": []}}\n"
	  "}\n",
	  "policy.json:4:48: sets: \"bad name\" is not a set name (1-63 characters of A-Z a-z 0-9 _ . -)" },
	{ "{\n"
	  "  \"version\": 1,\n"
	  "  \"default\": \"drop\",\n"
	  "  \"sets\": {\"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\": {\"elements\": []}}\n"
	  "}\n",
	  "policy.json:4:80: sets: \"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\" is not a set name (1-63 characters of A-Z a-z 0-9 _ . -)" },
	{ "{\n"
	  "  \"version\": 1,\n"
	  "  \"default\": \"drop\",\n"
	  "  \"sets\": {\"\": {\"elements\": []}}\n"
	  "}\n",
	  "policy.json:4:11: sets: \"\" is not a set name (1-63 characters of A-Z a-z 0-9 _ . -)" },
	{ "{\n"
	  "  \"version\": 1,\n"
	  "  \"default\": \"drop\",\n"
	  "  \"sets\": {\"a[0]\": {\"elements\": []}}\n"
	  "}\n",
	  "policy.json:4:11: sets: \"a[0]\" is not a set name (1-63 characters of A-Z a-z 0-9 _ . -)" },
	{ "{\n"
	  "  \"version\": 1,\n"
	  "  \"default\": \"drop\",\n"
	  "  \"sets\": {\"a\": [\"192.0.2.0/24\"]}\n"
	  "}\n",
	  "policy.json:4:17: sets.a: expected an object, got an array" },
	{ "{\n"
	  "  \"version\": 1,\n"
	  "  \"default\": \"drop\",\n"
	  "  \"sets\": {\"a\": {}}\n"
	  "}\n",
	  "policy.json:4:17: sets.a: a set needs \"elements\", \"file\" or both" },
	{ "{\n"
	  "  \"version\": 1,\n"
	  "  \"default\": \"drop\",\n"
	  "  \"sets\": {\"a\": {\"element\": [\"192.0.2.0/24\"]}}\n"
	  "}\n",
	  "policy.json:4:29: sets.a: unknown key \"element\" (did you mean \"elements\"?)" },
	{ "{\n"
	  "  \"version\": 1,\n"
	  "  \"default\": \"drop\",\n"
	  "  \"sets\": {\"a\": {\"elements\": [], \"url\": \"x\"}}\n"
	  "}\n",
	  "policy.json:4:41: sets.a: unknown key \"url\" (allowed: elements, file)" },
	{ "{\n"
	  "  \"version\": 1,\n"
	  "  \"default\": \"drop\",\n"
	  "  \"sets\": {\"a\": {\"elements\": \"192.0.2.0/24\"}}\n"
	  "}\n",
	  "policy.json:4:30: sets.a.elements: expected an array, got a string" },
	{ "{\n"
	  "  \"version\": 1,\n"
	  "  \"default\": \"drop\",\n"
	  "  \"sets\": {\"a\": {\"elements\": [\"192.0.2.0/24\", \"192.0.2.300\"]}}\n"
	  "}\n",
	  "policy.json:4:47: sets.a.elements[1]: \"192.0.2.300\" is not an IPv4 or IPv6 prefix" },
	{ "{\n"
	  "  \"version\": 1,\n"
	  "  \"default\": \"drop\",\n"
	  "  \"sets\": {\"a\": {\"elements\": [\"192.0.2.1/24\"]}}\n"
	  "}\n",
	  "policy.json:4:31: sets.a.elements[0]: 192.0.2.1/24 has host bits set (did you mean 192.0.2.0/24?)" },
	{ "{\n"
	  "  \"version\": 1,\n"
	  "  \"default\": \"drop\",\n"
	  "  \"sets\": {\"a\": {\"elements\": [7]}}\n"
	  "}\n",
	  "policy.json:4:31: sets.a.elements[0]: expected a string, got an integer" },
	{ "{\n"
	  "  \"version\": 1,\n"
	  "  \"default\": \"drop\",\n"
	  "  \"sets\": {\"a\": {\"elements\": [\"@b\"]}, \"b\": {\"elements\": []}}\n"
	  "}\n",
	  "policy.json:4:31: sets.a.elements[0]: \"@b\" is not an IPv4 or IPv6 prefix" },
	{ "{\n"
	  "  \"version\": 1,\n"
	  "  \"default\": \"drop\",\n"
	  "  \"sets\": {\"a\": {\"file\": 1}}\n"
	  "}\n",
	  "policy.json:4:26: sets.a.file: expected a string, got an integer" },
	{ "{\n"
	  "  \"version\": 1,\n"
	  "  \"default\": \"drop\",\n"
	  "  \"sets\": {\"a\": {\"file\": \"\"}}\n"
	  "}\n",
	  "policy.json:4:26: sets.a.file: \"\" is not a file name" },
	{ "{\n"
	  "  \"version\": 1,\n"
	  "  \"default\": \"drop\",\n"
	  "  \"sets\": {\"a\": {\"elements\": [], \"file\": \"tests/unit/no-such-file.txt\"}}\n"
	  "}\n",
	  "policy.json:4:42: sets.a.file: \"tests/unit/no-such-file.txt\": No such file or directory" },
	{ "{\n"
	  "  \"version\": 1,\n"
	  "  \"default\": \"drop\",\n"
	  "  \"sets\": {\"a\": {\"file\": \"tests/unit\"}}\n"
	  "}\n",
	  "policy.json:4:26: sets.a.file: \"tests/unit\": Is a directory" },
	{ "{\n"
	  "  \"version\": 1,\n"
	  "  \"default\": \"drop\",\n"
	  "  \"sets\": {\n"
	  "    \"tor\": {\"elements\": [\"192.0.2.0/24\"]},\n"
	  "    \"tor.exits\": {\"elements\": [\"198.18.0.0/15\",\n"
	  "                                \"198.18.0.1/15\"]},\n"
	  "    \"tor.x\": {\"elements\": []}\n"
	  "  }\n"
	  "}\n",
	  "policy.json:7:33: sets.tor.exits.elements[1]: 198.18.0.1/15 has host bits set (did you mean 198.18.0.0/15?)" },
	{ "{\n"
	  "  \"version\": 1,\n"
	  "  \"default\": \"drop\",\n"
	  "  \"sets\": {\n"
	  "    \"tor.exits\": {\"elements\": []},\n"
	  "    \"tor\": {\"elements\": [\"192.0.2.0/24\", 5]}\n"
	  "  }\n"
	  "}\n",
	  "policy.json:6:42: sets.tor.elements[1]: expected a string, got an integer" },
};

static const struct err_case ref_cases[] = {
	{ "{\n"
	  "  \"version\": 1,\n"
	  "  \"default\": \"drop\",\n"
	  "  \"sets\": {\"a\": {\"elements\": [\"192.0.2.0/24\"]}, \"b\": {\"elements\": []}},\n"
	  "  \"rules\": [\n"
	  "    {\"action\": \"drop\", \"src\": \"@nope\"}\n"
	  "  ]\n"
	  "}\n",
	  "policy.json:6:31: rules[0].src: unknown set \"nope\"" },
	{ "{\n"
	  "  \"version\": 1,\n"
	  "  \"default\": \"drop\",\n"
	  "  \"sets\": {\"a\": {\"elements\": [\"192.0.2.0/24\"]}, \"b\": {\"elements\": []}},\n"
	  "  \"rules\": [\n"
	  "    {\"action\": \"drop\", \"dst\": [\"@a\", \"@A\"]}\n"
	  "  ]\n"
	  "}\n",
	  "policy.json:6:38: rules[0].dst[1]: unknown set \"A\"" },
	{ "{\n"
	  "  \"version\": 1,\n"
	  "  \"default\": \"drop\",\n"
	  "  \"sets\": {\"a\": {\"elements\": [\"192.0.2.0/24\"]}, \"b\": {\"elements\": []}},\n"
	  "  \"rules\": [\n"
	  "    {\"action\": \"drop\", \"src\": \"@\"}\n"
	  "  ]\n"
	  "}\n",
	  "policy.json:6:31: rules[0].src: unknown set \"\"" },
	{ "{\n"
	  "  \"version\": 1,\n"
	  "  \"default\": \"drop\",\n"
	  "  \"sets\": {\"a\": {\"elements\": [\"192.0.2.0/24\"]}, \"b\": {\"elements\": []}},\n"
	  "  \"rules\": [\n"
	  "    {\"action\": \"drop\", \"src\": [\"@a\", \"192.0.2.0/24\"]}\n"
	  "  ]\n"
	  "}\n",
	  "policy.json:6:31: rules[0].src: a list cannot mix sets and prefixes; put the prefixes in a set" },
	{ "{\n"
	  "  \"version\": 1,\n"
	  "  \"default\": \"drop\",\n"
	  "  \"sets\": {\"a\": {\"elements\": [\"192.0.2.0/24\"]}, \"b\": {\"elements\": []}},\n"
	  "  \"rules\": [\n"
	  "    {\"action\": \"drop\", \"src\": \"@a\", \"dst\": [\"2001:db8::/32\", \"@b\"]}\n"
	  "  ]\n"
	  "}\n",
	  "policy.json:6:44: rules[0].dst: a list cannot mix sets and prefixes; put the prefixes in a set" },
	{ "{\n"
	  "  \"version\": 1,\n"
	  "  \"default\": \"drop\",\n"
	  "  \"sets\": {\"a\": {\"elements\": [\"192.0.2.0/24\"]}, \"b\": {\"elements\": []}},\n"
	  "  \"rules\": [\n"
	  "    {\"action\": \"drop\", \"not\": {\"src\": [\"@a\", \"@zz\", \"192.0.2.0/24\"]}}\n"
	  "  ]\n"
	  "}\n",
	  "policy.json:6:46: rules[0].not.src[1]: unknown set \"zz\"" },
	{ "{\n"
	  "  \"version\": 1,\n"
	  "  \"default\": \"drop\",\n"
	  "  \"sets\": {},\n"
	  "  \"rules\": [\n"
	  "    {\"action\": \"drop\", \"src\": \"@a\"}\n"
	  "  ]\n"
	  "}\n",
	  "policy.json:6:31: rules[0].src: unknown set \"a\"" },
	{ "{\n"
	  "  \"version\": 1,\n"
	  "  \"default\": \"drop\",\n"
	  "  \"rules\": [\n"
	  "    {\"action\": \"drop\", \"src\": \"@a\"}\n"
	  "  ]\n"
	  "}\n",
	  "policy.json:5:31: rules[0].src: unknown set \"a\"" },
};

static const struct err_case flags_cases[] = {
	{ "{\n"
	  "  \"version\": 1,\n"
	  "  \"default\": \"drop\",\n"
	  "  \"rules\": [\n"
	  "    {\"action\": \"drop\", \"tcp_flags\": \"syn\"}\n"
	  "  ]\n"
	  "}\n",
	  "policy.json:5:37: rules[0].tcp_flags: tcp_flags need \"protocol\" to be tcp" },
	{ "{\n"
	  "  \"version\": 1,\n"
	  "  \"default\": \"drop\",\n"
	  "  \"rules\": [\n"
	  "    {\"action\": \"drop\", \"protocol\": [\"tcp\", \"udp\"], \"tcp_flags\": \"syn\"}\n"
	  "  ]\n"
	  "}\n",
	  "policy.json:5:65: rules[0].tcp_flags: tcp_flags need \"protocol\" to be tcp" },
	{ "{\n"
	  "  \"version\": 1,\n"
	  "  \"default\": \"drop\",\n"
	  "  \"rules\": [\n"
	  "    {\"action\": \"drop\", \"protocol\": 17, \"tcp_flags\": \"syn\"}\n"
	  "  ]\n"
	  "}\n",
	  "policy.json:5:53: rules[0].tcp_flags: tcp_flags need \"protocol\" to be tcp" },
	{ "{\n"
	  "  \"version\": 1,\n"
	  "  \"default\": \"drop\",\n"
	  "  \"rules\": [\n"
	  "    {\"action\": \"drop\", \"protocol\": \"tcp\", \"tcp_flags\": \"syn,foo\"}\n"
	  "  ]\n"
	  "}\n",
	  "policy.json:5:56: rules[0].tcp_flags: \"syn,foo\": \"foo\" is not a TCP flag (fin, syn, rst, psh, ack, urg, ece, cwr)" },
	{ "{\n"
	  "  \"version\": 1,\n"
	  "  \"default\": \"drop\",\n"
	  "  \"rules\": [\n"
	  "    {\"action\": \"drop\", \"protocol\": \"tcp\", \"tcp_flags\": \"SYN\"}\n"
	  "  ]\n"
	  "}\n",
	  "policy.json:5:56: rules[0].tcp_flags: \"SYN\": \"SYN\" is not a TCP flag (fin, syn, rst, psh, ack, urg, ece, cwr)" },
	{ "{\n"
	  "  \"version\": 1,\n"
	  "  \"default\": \"drop\",\n"
	  "  \"rules\": [\n"
	  "    {\"action\": \"drop\", \"protocol\": \"tcp\", \"tcp_flags\": \"syn, ack\"}\n"
	  "  ]\n"
	  "}\n",
	  "policy.json:5:56: rules[0].tcp_flags: \"syn, ack\": \" ack\" is not a TCP flag (fin, syn, rst, psh, ack, urg, ece, cwr)" },
	{ "{\n"
	  "  \"version\": 1,\n"
	  "  \"default\": \"drop\",\n"
	  "  \"rules\": [\n"
	  "    {\"action\": \"drop\", \"protocol\": \"tcp\", \"tcp_flags\": \"syn,\"}\n"
	  "  ]\n"
	  "}\n",
	  "policy.json:5:56: rules[0].tcp_flags: \"syn,\": \"\" is not a TCP flag (fin, syn, rst, psh, ack, urg, ece, cwr)" },
	{ "{\n"
	  "  \"version\": 1,\n"
	  "  \"default\": \"drop\",\n"
	  "  \"rules\": [\n"
	  "    {\"action\": \"drop\", \"protocol\": \"tcp\", \"tcp_flags\": \"!\"}\n"
	  "  ]\n"
	  "}\n",
	  "policy.json:5:56: rules[0].tcp_flags: \"!\": \"\" is not a TCP flag (fin, syn, rst, psh, ack, urg, ece, cwr)" },
	{ "{\n"
	  "  \"version\": 1,\n"
	  "  \"default\": \"drop\",\n"
	  "  \"rules\": [\n"
	  "    {\"action\": \"drop\", \"protocol\": \"tcp\", \"tcp_flags\": \"!!syn\"}\n"
	  "  ]\n"
	  "}\n",
	  "policy.json:5:56: rules[0].tcp_flags: \"!!syn\": \"!syn\" is not a TCP flag (fin, syn, rst, psh, ack, urg, ece, cwr)" },
	{ "{\n"
	  "  \"version\": 1,\n"
	  "  \"default\": \"drop\",\n"
	  "  \"rules\": [\n"
	  "    {\"action\": \"drop\", \"protocol\": \"tcp\", \"tcp_flags\": \"\"}\n"
	  "  ]\n"
	  "}\n",
	  "policy.json:5:56: rules[0].tcp_flags: \"\" is not a list of TCP flags (comma-separated fin, syn, rst, psh, ack, urg, ece, cwr, each may be prefixed by \"!\")" },
	{ "{\n"
	  "  \"version\": 1,\n"
	  "  \"default\": \"drop\",\n"
	  "  \"rules\": [\n"
	  "    {\"action\": \"drop\", \"protocol\": \"tcp\", \"tcp_flags\": [\"syn\", \"syn,!syn\"]}\n"
	  "  ]\n"
	  "}\n",
	  "policy.json:5:64: rules[0].tcp_flags[1]: \"syn,!syn\": flag \"syn\" is named twice" },
	{ "{\n"
	  "  \"version\": 1,\n"
	  "  \"default\": \"drop\",\n"
	  "  \"rules\": [\n"
	  "    {\"action\": \"drop\", \"protocol\": \"tcp\", \"tcp_flags\": \"ack,fin,ack\"}\n"
	  "  ]\n"
	  "}\n",
	  "policy.json:5:56: rules[0].tcp_flags: \"ack,fin,ack\": flag \"ack\" is named twice" },
	{ "{\n"
	  "  \"version\": 1,\n"
	  "  \"default\": \"drop\",\n"
	  "  \"rules\": [\n"
	  "    {\"action\": \"drop\", \"protocol\": \"tcp\", \"tcp_flags\": []}\n"
	  "  ]\n"
	  "}\n",
	  "policy.json:5:56: rules[0].tcp_flags: empty list (omit the key to match any flags)" },
	{ "{\n"
	  "  \"version\": 1,\n"
	  "  \"default\": \"drop\",\n"
	  "  \"rules\": [\n"
	  "    {\"action\": \"drop\", \"protocol\": \"tcp\", \"tcp_flags\": 2}\n"
	  "  ]\n"
	  "}\n",
	  "policy.json:5:56: rules[0].tcp_flags: expected a string, an object or an array, got an integer" },
	{ "{\n"
	  "  \"version\": 1,\n"
	  "  \"default\": \"drop\",\n"
	  "  \"rules\": [\n"
	  "    {\"action\": \"drop\", \"protocol\": \"tcp\", \"tcp_flags\": [\"syn\", [\"ack\"]]}\n"
	  "  ]\n"
	  "}\n",
	  "policy.json:5:64: rules[0].tcp_flags[1]: expected a string or an object, got an array" },
	{ "{\n"
	  "  \"version\": 1,\n"
	  "  \"default\": \"drop\",\n"
	  "  \"rules\": [\n"
	  "    {\"action\": \"drop\", \"protocol\": \"tcp\", \"tcp_flags\": {\"value\": \"syn\"}}\n"
	  "  ]\n"
	  "}\n",
	  "policy.json:5:56: rules[0].tcp_flags: missing required key \"mask\"" },
	{ "{\n"
	  "  \"version\": 1,\n"
	  "  \"default\": \"drop\",\n"
	  "  \"rules\": [\n"
	  "    {\"action\": \"drop\", \"protocol\": \"tcp\", \"tcp_flags\": {\"mask\": \"syn\"}}\n"
	  "  ]\n"
	  "}\n",
	  "policy.json:5:56: rules[0].tcp_flags: missing required key \"value\"" },
	{ "{\n"
	  "  \"version\": 1,\n"
	  "  \"default\": \"drop\",\n"
	  "  \"rules\": [\n"
	  "    {\"action\": \"drop\", \"protocol\": \"tcp\", \"tcp_flags\": {\"mask\": \"syn\", \"val\": \"syn\"}}\n"
	  "  ]\n"
	  "}\n",
	  "policy.json:5:79: rules[0].tcp_flags: unknown key \"val\" (did you mean \"value\"?)" },
	{ "{\n"
	  "  \"version\": 1,\n"
	  "  \"default\": \"drop\",\n"
	  "  \"rules\": [\n"
	  "    {\"action\": \"drop\", \"protocol\": \"tcp\", \"tcp_flags\": {\"mask\": \"\", \"value\": \"\"}}\n"
	  "  ]\n"
	  "}\n",
	  "policy.json:5:65: rules[0].tcp_flags.mask: \"\" is not a list of TCP flags (comma-separated fin, syn, rst, psh, ack, urg, ece, cwr)" },
	{ "{\n"
	  "  \"version\": 1,\n"
	  "  \"default\": \"drop\",\n"
	  "  \"rules\": [\n"
	  "    {\"action\": \"drop\", \"protocol\": \"tcp\", \"tcp_flags\": {\"mask\": 18, \"value\": \"\"}}\n"
	  "  ]\n"
	  "}\n",
	  "policy.json:5:65: rules[0].tcp_flags.mask: expected a string, got an integer" },
	{ "{\n"
	  "  \"version\": 1,\n"
	  "  \"default\": \"drop\",\n"
	  "  \"rules\": [\n"
	  "    {\"action\": \"drop\", \"protocol\": \"tcp\", \"tcp_flags\": {\"mask\": \"syn,ack\", \"value\": null}}\n"
	  "  ]\n"
	  "}\n",
	  "policy.json:5:85: rules[0].tcp_flags.value: expected a string, got null" },
	{ "{\n"
	  "  \"version\": 1,\n"
	  "  \"default\": \"drop\",\n"
	  "  \"rules\": [\n"
	  "    {\"action\": \"drop\", \"protocol\": \"tcp\", \"tcp_flags\": {\"mask\": \"syn,!ack\", \"value\": \"syn\"}}\n"
	  "  ]\n"
	  "}\n",
	  "policy.json:5:65: rules[0].tcp_flags.mask: \"syn,!ack\": \"!\" has no place here (a flag of \"mask\" that is not in \"value\" must be clear)" },
	{ "{\n"
	  "  \"version\": 1,\n"
	  "  \"default\": \"drop\",\n"
	  "  \"rules\": [\n"
	  "    {\"action\": \"drop\", \"protocol\": \"tcp\", \"tcp_flags\": {\"mask\": \"syn,ack\", \"value\": \"!ack\"}}\n"
	  "  ]\n"
	  "}\n",
	  "policy.json:5:85: rules[0].tcp_flags.value: \"!ack\": \"!\" has no place here (a flag of \"mask\" that is not in \"value\" must be clear)" },
	{ "{\n"
	  "  \"version\": 1,\n"
	  "  \"default\": \"drop\",\n"
	  "  \"rules\": [\n"
	  "    {\"action\": \"drop\", \"protocol\": \"tcp\", \"tcp_flags\": [{\"mask\": \"syn,ack\", \"value\": \"syn,psh\"}]}\n"
	  "  ]\n"
	  "}\n",
	  "policy.json:5:86: rules[0].tcp_flags[0].value: \"syn,psh\": flag \"psh\" is not in \"mask\"" },
	{ "{\n"
	  "  \"version\": 1,\n"
	  "  \"default\": \"drop\",\n"
	  "  \"rules\": [\n"
	  "    {\"action\": \"drop\", \"protocol\": \"tcp\", \"tcp_flags\": {\"mask\": \"syn,ack,syn\", \"value\": \"syn\"}}\n"
	  "  ]\n"
	  "}\n",
	  "policy.json:5:65: rules[0].tcp_flags.mask: \"syn,ack,syn\": flag \"syn\" is named twice" },
	{ "{\n"
	  "  \"version\": 1,\n"
	  "  \"default\": \"drop\",\n"
	  "  \"rules\": [\n"
	  "    {\"action\": \"drop\", \"protocol\": \"tcp\", \"tcp_flag\": \"syn\"}\n"
	  "  ]\n"
	  "}\n",
	  "policy.json:5:55: rules[0]: unknown key \"tcp_flag\" (did you mean \"tcp_flags\"?)" },
};

static const struct err_case icmp_cases[] = {
	{ "{\n"
	  "  \"version\": 1,\n"
	  "  \"default\": \"drop\",\n"
	  "  \"rules\": [\n"
	  "    {\"action\": \"pass\", \"icmp_type\": 8}\n"
	  "  ]\n"
	  "}\n",
	  "policy.json:5:37: rules[0].icmp_type: icmp_type needs \"protocol\" to be icmp or icmpv6" },
	{ "{\n"
	  "  \"version\": 1,\n"
	  "  \"default\": \"drop\",\n"
	  "  \"rules\": [\n"
	  "    {\"action\": \"pass\", \"protocol\": [\"icmp\", \"tcp\"], \"icmp_type\": 8}\n"
	  "  ]\n"
	  "}\n",
	  "policy.json:5:66: rules[0].icmp_type: icmp_type needs \"protocol\" to be icmp or icmpv6" },
	{ "{\n"
	  "  \"version\": 1,\n"
	  "  \"default\": \"drop\",\n"
	  "  \"rules\": [\n"
	  "    {\"action\": \"pass\", \"protocol\": \"icmp\", \"icmp_type\": 256}\n"
	  "  ]\n"
	  "}\n",
	  "policy.json:5:57: rules[0].icmp_type: 256 is not an ICMP type (0-255)" },
	{ "{\n"
	  "  \"version\": 1,\n"
	  "  \"default\": \"drop\",\n"
	  "  \"rules\": [\n"
	  "    {\"action\": \"pass\", \"protocol\": \"icmpv6\", \"icmp_type\": [1, -1]}\n"
	  "  ]\n"
	  "}\n",
	  "policy.json:5:63: rules[0].icmp_type[1]: -1 is not an ICMP type (0-255)" },
	{ "{\n"
	  "  \"version\": 1,\n"
	  "  \"default\": \"drop\",\n"
	  "  \"rules\": [\n"
	  "    {\"action\": \"pass\", \"protocol\": [\"icmp\", \"icmpv6\"], \"icmp_type\": \"echo-request\"}\n"
	  "  ]\n"
	  "}\n",
	  "policy.json:5:69: rules[0].icmp_type: \"echo-request\" means 8 for icmp and 128 for icmpv6: use numbers when \"protocol\" lists both" },
	{ "{\n"
	  "  \"version\": 1,\n"
	  "  \"default\": \"drop\",\n"
	  "  \"rules\": [\n"
	  "    {\"action\": \"pass\", \"protocol\": [58, 1], \"icmp_type\": [0, \"echo-reply\"]}\n"
	  "  ]\n"
	  "}\n",
	  "policy.json:5:62: rules[0].icmp_type[1]: \"echo-reply\" means 0 for icmp and 129 for icmpv6: use numbers when \"protocol\" lists both" },
	{ "{\n"
	  "  \"version\": 1,\n"
	  "  \"default\": \"drop\",\n"
	  "  \"rules\": [\n"
	  "    {\"action\": \"pass\", \"protocol\": [\"icmp\", \"icmpv6\"], \"icmp_type\": \"packet-too-big\"}\n"
	  "  ]\n"
	  "}\n",
	  "policy.json:5:69: rules[0].icmp_type: \"packet-too-big\" is an icmpv6 type only: use numbers when \"protocol\" lists both" },
	{ "{\n"
	  "  \"version\": 1,\n"
	  "  \"default\": \"drop\",\n"
	  "  \"rules\": [\n"
	  "    {\"action\": \"pass\", \"protocol\": [\"icmp\", \"icmpv6\"], \"icmp_type\": \"redirect\"}\n"
	  "  ]\n"
	  "}\n",
	  "policy.json:5:69: rules[0].icmp_type: \"redirect\" is an icmp type only: use numbers when \"protocol\" lists both" },
	{ "{\n"
	  "  \"version\": 1,\n"
	  "  \"default\": \"drop\",\n"
	  "  \"rules\": [\n"
	  "    {\"action\": \"pass\", \"protocol\": [\"icmp\", \"icmpv6\"], \"icmp_type\": \"ping\"}\n"
	  "  ]\n"
	  "}\n",
	  "policy.json:5:69: rules[0].icmp_type: \"ping\" is not an icmp or icmpv6 type: use numbers when \"protocol\" lists both" },
	{ "{\n"
	  "  \"version\": 1,\n"
	  "  \"default\": \"drop\",\n"
	  "  \"rules\": [\n"
	  "    {\"action\": \"pass\", \"protocol\": \"icmp\", \"icmp_type\": \"echo-requst\"}\n"
	  "  ]\n"
	  "}\n",
	  "policy.json:5:57: rules[0].icmp_type: \"echo-requst\" is not an icmp type (did you mean \"echo-request\"?)" },
	{ "{\n"
	  "  \"version\": 1,\n"
	  "  \"default\": \"drop\",\n"
	  "  \"rules\": [\n"
	  "    {\"action\": \"pass\", \"protocol\": \"icmp\", \"icmp_type\": \"packet-too-big\"}\n"
	  "  ]\n"
	  "}\n",
	  "policy.json:5:57: rules[0].icmp_type: \"packet-too-big\" is not an icmp type (echo-reply, destination-unreachable, redirect, echo-request, router-advertisement, router-solicitation, time-exceeded, parameter-problem, timestamp-request, timestamp-reply, or a number 0-255)" },
	{ "{\n"
	  "  \"version\": 1,\n"
	  "  \"default\": \"drop\",\n"
	  "  \"rules\": [\n"
	  "    {\"action\": \"pass\", \"protocol\": \"icmpv6\", \"icmp_type\": [\"echo-request\", \"redirect\"]}\n"
	  "  ]\n"
	  "}\n",
	  "policy.json:5:76: rules[0].icmp_type[1]: \"redirect\" is not an icmpv6 type (destination-unreachable, packet-too-big, time-exceeded, parameter-problem, echo-request, echo-reply, mld-listener-query, mld-listener-report, mld-listener-done, nd-router-solicit, nd-router-advert, nd-neighbor-solicit, nd-neighbor-advert, nd-redirect, mld2-listener-report, or a number 0-255)" },
	{ "{\n"
	  "  \"version\": 1,\n"
	  "  \"default\": \"drop\",\n"
	  "  \"rules\": [\n"
	  "    {\"action\": \"pass\", \"protocol\": \"icmpv6\", \"icmp_type\": \"nd-neighbour-solicit\"}\n"
	  "  ]\n"
	  "}\n",
	  "policy.json:5:59: rules[0].icmp_type: \"nd-neighbour-solicit\" is not an icmpv6 type (did you mean \"nd-neighbor-solicit\"?)" },
	{ "{\n"
	  "  \"version\": 1,\n"
	  "  \"default\": \"drop\",\n"
	  "  \"rules\": [\n"
	  "    {\"action\": \"pass\", \"protocol\": \"icmpv6\", \"icmp_type\": \"Echo-Request\"}\n"
	  "  ]\n"
	  "}\n",
	  "policy.json:5:59: rules[0].icmp_type: \"Echo-Request\" is not an icmpv6 type (did you mean \"echo-request\"?)" },
	{ "{\n"
	  "  \"version\": 1,\n"
	  "  \"default\": \"drop\",\n"
	  "  \"rules\": [\n"
	  "    {\"action\": \"pass\", \"protocol\": \"icmp\", \"icmp_type\": []}\n"
	  "  ]\n"
	  "}\n",
	  "policy.json:5:57: rules[0].icmp_type: empty list (omit the key to match any type)" },
	{ "{\n"
	  "  \"version\": 1,\n"
	  "  \"default\": \"drop\",\n"
	  "  \"rules\": [\n"
	  "    {\"action\": \"pass\", \"protocol\": \"icmp\", \"icmp_type\": {\"type\": 8}}\n"
	  "  ]\n"
	  "}\n",
	  "policy.json:5:57: rules[0].icmp_type: expected a string, an integer or an array, got an object" },
	{ "{\n"
	  "  \"version\": 1,\n"
	  "  \"default\": \"drop\",\n"
	  "  \"rules\": [\n"
	  "    {\"action\": \"pass\", \"protocol\": \"icmp\", \"icmp_type\": [8, 3.0]}\n"
	  "  ]\n"
	  "}\n",
	  "policy.json:5:61: rules[0].icmp_type[1]: expected a string or an integer, got a real number" },
	{ "{\n"
	  "  \"version\": 1,\n"
	  "  \"default\": \"drop\",\n"
	  "  \"rules\": [\n"
	  "    {\"action\": \"pass\", \"icmp_code\": 0}\n"
	  "  ]\n"
	  "}\n",
	  "policy.json:5:37: rules[0].icmp_code: icmp_code needs \"protocol\" to be icmp or icmpv6" },
	{ "{\n"
	  "  \"version\": 1,\n"
	  "  \"default\": \"drop\",\n"
	  "  \"rules\": [\n"
	  "    {\"action\": \"pass\", \"protocol\": \"udp\", \"icmp_code\": 0}\n"
	  "  ]\n"
	  "}\n",
	  "policy.json:5:56: rules[0].icmp_code: icmp_code needs \"protocol\" to be icmp or icmpv6" },
	{ "{\n"
	  "  \"version\": 1,\n"
	  "  \"default\": \"drop\",\n"
	  "  \"rules\": [\n"
	  "    {\"action\": \"pass\", \"protocol\": \"icmp\", \"icmp_code\": 256}\n"
	  "  ]\n"
	  "}\n",
	  "policy.json:5:57: rules[0].icmp_code: 256 is not an ICMP code (0-255)" },
	{ "{\n"
	  "  \"version\": 1,\n"
	  "  \"default\": \"drop\",\n"
	  "  \"rules\": [\n"
	  "    {\"action\": \"pass\", \"protocol\": \"icmp\", \"icmp_code\": [0, -3]}\n"
	  "  ]\n"
	  "}\n",
	  "policy.json:5:61: rules[0].icmp_code[1]: -3 is not an ICMP code (0-255)" },
	{ "{\n"
	  "  \"version\": 1,\n"
	  "  \"default\": \"drop\",\n"
	  "  \"rules\": [\n"
	  "    {\"action\": \"pass\", \"protocol\": \"icmp\", \"icmp_code\": \"3\"}\n"
	  "  ]\n"
	  "}\n",
	  "policy.json:5:57: rules[0].icmp_code: expected an integer or an array, got a string" },
	{ "{\n"
	  "  \"version\": 1,\n"
	  "  \"default\": \"drop\",\n"
	  "  \"rules\": [\n"
	  "    {\"action\": \"pass\", \"protocol\": \"icmp\", \"icmp_code\": [\"3\"]}\n"
	  "  ]\n"
	  "}\n",
	  "policy.json:5:58: rules[0].icmp_code[0]: expected an integer, got a string" },
	{ "{\n"
	  "  \"version\": 1,\n"
	  "  \"default\": \"drop\",\n"
	  "  \"rules\": [\n"
	  "    {\"action\": \"pass\", \"protocol\": \"icmp\", \"icmp_code\": []}\n"
	  "  ]\n"
	  "}\n",
	  "policy.json:5:57: rules[0].icmp_code: empty list (omit the key to match any code)" },
};

static const struct err_case vlan_cases[] = {
	{ "{\n"
	  "  \"version\": 1,\n"
	  "  \"default\": \"drop\",\n"
	  "  \"rules\": [\n"
	  "    {\"action\": \"pass\", \"vlan\": 4096}\n"
	  "  ]\n"
	  "}\n",
	  "policy.json:5:32: rules[0].vlan: 4096 is not a VLAN id (0-4095)" },
	{ "{\n"
	  "  \"version\": 1,\n"
	  "  \"default\": \"drop\",\n"
	  "  \"rules\": [\n"
	  "    {\"action\": \"pass\", \"vlan\": [1, -1]}\n"
	  "  ]\n"
	  "}\n",
	  "policy.json:5:36: rules[0].vlan[1]: -1 is not a VLAN id (0-4095)" },
	{ "{\n"
	  "  \"version\": 1,\n"
	  "  \"default\": \"drop\",\n"
	  "  \"rules\": [\n"
	  "    {\"action\": \"pass\", \"vlan\": \"5000\"}\n"
	  "  ]\n"
	  "}\n",
	  "policy.json:5:32: rules[0].vlan: \"5000\" is not a VLAN id (0-4095)" },
	{ "{\n"
	  "  \"version\": 1,\n"
	  "  \"default\": \"drop\",\n"
	  "  \"rules\": [\n"
	  "    {\"action\": \"pass\", \"vlan\": [10, \"1-5000\"]}\n"
	  "  ]\n"
	  "}\n",
	  "policy.json:5:37: rules[0].vlan[1]: \"1-5000\" is not a VLAN range (0-4095)" },
	{ "{\n"
	  "  \"version\": 1,\n"
	  "  \"default\": \"drop\",\n"
	  "  \"rules\": [\n"
	  "    {\"action\": \"pass\", \"vlan\": [\"200-100\"]}\n"
	  "  ]\n"
	  "}\n",
	  "policy.json:5:33: rules[0].vlan[0]: \"200-100\" is a reversed range (did you mean \"100-200\"?)" },
	{ "{\n"
	  "  \"version\": 1,\n"
	  "  \"default\": \"drop\",\n"
	  "  \"rules\": [\n"
	  "    {\"action\": \"pass\", \"vlan\": \"vlan10\"}\n"
	  "  ]\n"
	  "}\n",
	  "policy.json:5:32: rules[0].vlan: \"vlan10\" is not a VLAN id or range (N or LO-HI, 0-4095)" },
	{ "{\n"
	  "  \"version\": 1,\n"
	  "  \"default\": \"drop\",\n"
	  "  \"rules\": [\n"
	  "    {\"action\": \"pass\", \"vlan\": [\"1,2\"]}\n"
	  "  ]\n"
	  "}\n",
	  "policy.json:5:33: rules[0].vlan[0]: \"1,2\" is not a VLAN id or range (N or LO-HI, 0-4095)" },
	{ "{\n"
	  "  \"version\": 1,\n"
	  "  \"default\": \"drop\",\n"
	  "  \"rules\": [\n"
	  "    {\"action\": \"pass\", \"vlan\": []}\n"
	  "  ]\n"
	  "}\n",
	  "policy.json:5:32: rules[0].vlan: empty list (omit the key to match any VLAN)" },
	{ "{\n"
	  "  \"version\": 1,\n"
	  "  \"default\": \"drop\",\n"
	  "  \"rules\": [\n"
	  "    {\"action\": \"pass\", \"vlan\": true}\n"
	  "  ]\n"
	  "}\n",
	  "policy.json:5:32: rules[0].vlan: expected a string, an integer or an array, got a boolean" },
	{ "{\n"
	  "  \"version\": 1,\n"
	  "  \"default\": \"drop\",\n"
	  "  \"rules\": [\n"
	  "    {\"action\": \"pass\", \"vlan\": [1.5]}\n"
	  "  ]\n"
	  "}\n",
	  "policy.json:5:33: rules[0].vlan[0]: expected a string or an integer, got a real number" },
	{ "{\n"
	  "  \"version\": 1,\n"
	  "  \"default\": \"drop\",\n"
	  "  \"rules\": [\n"
	  "    {\"action\": \"pass\", \"vlans\": 1}\n"
	  "  ]\n"
	  "}\n",
	  "policy.json:5:33: rules[0]: unknown key \"vlans\" (did you mean \"vlan\"?)" },
	{ "{\n"
	  "  \"version\": 1,\n"
	  "  \"default\": \"drop\",\n"
	  "  \"rules\": [\n"
	  "    {\"action\": \"pass\", \"interface\": \"eth/0\"}\n"
	  "  ]\n"
	  "}\n",
	  "policy.json:5:37: rules[0].interface: \"eth/0\" is not an interface name (1-15 bytes, no \"/\" or whitespace, not \".\" or \"..\")" },
	{ "{\n"
	  "  \"version\": 1,\n"
	  "  \"default\": \"drop\",\n"
	  "  \"rules\": [\n"
	  "    {\"action\": \"pass\", \"interface\": [\"eth0\", \"..\"]}\n"
	  "  ]\n"
	  "}\n",
	  "policy.json:5:46: rules[0].interface[1]: \"..\" is not an interface name (1-15 bytes, no \"/\" or whitespace, not \".\" or \"..\")" },
	{ "{\n"
	  "  \"version\": 1,\n"
	  "  \"default\": \"drop\",\n"
	  "  \"rules\": [\n"
	  "    {\"action\": \"pass\", \"interface\": [\"eth0\", \"abcdefghijklmnop\"]}\n"
	  "  ]\n"
	  "}\n",
	  "policy.json:5:46: rules[0].interface[1]: \"abcdefghijklmnop\" is too long for an interface name (at most 15 bytes)" },
	{ "{\n"
	  "  \"version\": 1,\n"
	  "  \"default\": \"drop\",\n"
	  "  \"rules\": [\n"
	  "    {\"action\": \"pass\", \"interface\": [\"eth0\", \"eth1\", \"eth0\"]}\n"
	  "  ]\n"
	  "}\n",
	  "policy.json:5:54: rules[0].interface[2]: duplicate interface \"eth0\" (first at rules[0].interface[0])" },
	{ "{\n"
	  "  \"version\": 1,\n"
	  "  \"default\": \"drop\",\n"
	  "  \"rules\": [\n"
	  "    {\"action\": \"pass\", \"interface\": []}\n"
	  "  ]\n"
	  "}\n",
	  "policy.json:5:37: rules[0].interface: empty list (omit the key to match any interface)" },
	{ "{\n"
	  "  \"version\": 1,\n"
	  "  \"default\": \"drop\",\n"
	  "  \"rules\": [\n"
	  "    {\"action\": \"pass\", \"interface\": {\"name\": \"eth0\"}}\n"
	  "  ]\n"
	  "}\n",
	  "policy.json:5:37: rules[0].interface: expected a string or an array, got an object" },
	{ "{\n"
	  "  \"version\": 1,\n"
	  "  \"default\": \"drop\",\n"
	  "  \"rules\": [\n"
	  "    {\"action\": \"pass\", \"interface\": [0]}\n"
	  "  ]\n"
	  "}\n",
	  "policy.json:5:38: rules[0].interface[0]: expected a string, got an integer" },
	{ "{\n"
	  "  \"version\": 1,\n"
	  "  \"default\": \"drop\",\n"
	  "  \"rules\": [\n"
	  "    {\"action\": \"pass\", \"interfaces\": \"eth0\"}\n"
	  "  ]\n"
	  "}\n",
	  "policy.json:5:38: rules[0]: unknown key \"interfaces\" (did you mean \"interface\"?)" },
};

static const struct err_case not_cases[] = {
	{ "{\n"
	  "  \"version\": 1,\n"
	  "  \"default\": \"drop\",\n"
	  "  \"rules\": [\n"
	  "    {\"action\": \"pass\", \"not\": []}\n"
	  "  ]\n"
	  "}\n",
	  "policy.json:5:31: rules[0].not: expected an object, got an array" },
	{ "{\n"
	  "  \"version\": 1,\n"
	  "  \"default\": \"drop\",\n"
	  "  \"rules\": [\n"
	  "    {\"action\": \"pass\", \"not\": {}}\n"
	  "  ]\n"
	  "}\n",
	  "policy.json:5:31: rules[0].not: \"not\" needs at least one matcher" },
	{ "{\n"
	  "  \"version\": 1,\n"
	  "  \"default\": \"drop\",\n"
	  "  \"rules\": [\n"
	  "    {\"action\": \"pass\", \"not\": {\"action\": \"drop\"}}\n"
	  "  ]\n"
	  "}\n",
	  "policy.json:5:42: rules[0].not: unknown key \"action\" (allowed: src, dst, protocol, src_port, dst_port, tcp_flags, icmp_type, icmp_code, vlan, interface, ct)" },
	{ "{\n"
	  "  \"version\": 1,\n"
	  "  \"default\": \"drop\",\n"
	  "  \"rules\": [\n"
	  "    {\"action\": \"pass\", \"not\": {\"not\": {\"src\": \"192.0.2.0/24\"}}}\n"
	  "  ]\n"
	  "}\n",
	  "policy.json:5:39: rules[0].not: unknown key \"not\" (allowed: src, dst, protocol, src_port, dst_port, tcp_flags, icmp_type, icmp_code, vlan, interface, ct)" },
	{ "{\n"
	  "  \"version\": 1,\n"
	  "  \"default\": \"drop\",\n"
	  "  \"rules\": [\n"
	  "    {\"action\": \"pass\", \"not\": {\"dst_prot\": 22}}\n"
	  "  ]\n"
	  "}\n",
	  "policy.json:5:44: rules[0].not: unknown key \"dst_prot\" (did you mean \"dst_port\"?)" },
	{ "{\n"
	  "  \"version\": 1,\n"
	  "  \"default\": \"drop\",\n"
	  "  \"rules\": [\n"
	  "    {\"action\": \"pass\", \"not\": {\"dst_port\": 22}}\n"
	  "  ]\n"
	  "}\n",
	  "policy.json:5:44: rules[0].not.dst_port: ports need \"protocol\" to be tcp, udp, udplite or sctp" },
	{ "{\n"
	  "  \"version\": 1,\n"
	  "  \"default\": \"drop\",\n"
	  "  \"rules\": [\n"
	  "    {\"action\": \"pass\", \"not\": {\"protocol\": \"tcp\", \"dst_port\": 22}}\n"
	  "  ]\n"
	  "}\n",
	  "policy.json:5:63: rules[0].not.dst_port: ports need \"protocol\" to be tcp, udp, udplite or sctp" },
	{ "{\n"
	  "  \"version\": 1,\n"
	  "  \"default\": \"drop\",\n"
	  "  \"rules\": [\n"
	  "    {\"action\": \"pass\", \"protocol\": \"icmp\", \"not\": {\"src_port\": [1]}}\n"
	  "  ]\n"
	  "}\n",
	  "policy.json:5:64: rules[0].not.src_port: ports need \"protocol\" to be tcp, udp, udplite or sctp" },
	{ "{\n"
	  "  \"version\": 1,\n"
	  "  \"default\": \"drop\",\n"
	  "  \"rules\": [\n"
	  "    {\"action\": \"pass\", \"protocol\": \"udp\", \"not\": {\"tcp_flags\": \"syn\"}}\n"
	  "  ]\n"
	  "}\n",
	  "policy.json:5:64: rules[0].not.tcp_flags: tcp_flags need \"protocol\" to be tcp" },
	{ "{\n"
	  "  \"version\": 1,\n"
	  "  \"default\": \"drop\",\n"
	  "  \"rules\": [\n"
	  "    {\"action\": \"pass\", \"protocol\": \"tcp\", \"not\": {\"icmp_type\": 8}}\n"
	  "  ]\n"
	  "}\n",
	  "policy.json:5:64: rules[0].not.icmp_type: icmp_type needs \"protocol\" to be icmp or icmpv6" },
	{ "{\n"
	  "  \"version\": 1,\n"
	  "  \"default\": \"drop\",\n"
	  "  \"rules\": [\n"
	  "    {\"action\": \"pass\", \"not\": {\"icmp_code\": 1}}\n"
	  "  ]\n"
	  "}\n",
	  "policy.json:5:45: rules[0].not.icmp_code: icmp_code needs \"protocol\" to be icmp or icmpv6" },
	{ "{\n"
	  "  \"version\": 1,\n"
	  "  \"default\": \"drop\",\n"
	  "  \"rules\": [\n"
	  "    {\"action\": \"pass\", \"protocol\": [\"icmp\", \"icmpv6\"], \"not\": {\"icmp_type\": [\"time-exceeded\"]}}\n"
	  "  ]\n"
	  "}\n",
	  "policy.json:5:78: rules[0].not.icmp_type[0]: \"time-exceeded\" means 11 for icmp and 3 for icmpv6: use numbers when \"protocol\" lists both" },
	{ "{\n"
	  "  \"version\": 1,\n"
	  "  \"default\": \"drop\",\n"
	  "  \"rules\": [\n"
	  "    {\"action\": \"pass\", \"not\": {\"protocol\": \"tpc\"}}\n"
	  "  ]\n"
	  "}\n",
	  "policy.json:5:44: rules[0].not.protocol: \"tpc\" is not a protocol (icmp, igmp, tcp, udp, gre, esp, ah, icmpv6, sctp, udplite or a number 0-255)" },
	{ "{\n"
	  "  \"version\": 1,\n"
	  "  \"default\": \"drop\",\n"
	  "  \"rules\": [\n"
	  "    {\"action\": \"pass\", \"protocol\": \"tcp\", \"not\": {\"dst_port\": \"90-80\"}}\n"
	  "  ]\n"
	  "}\n",
	  "policy.json:5:63: rules[0].not.dst_port: \"90-80\" is a reversed range (did you mean \"80-90\"?)" },
	{ "{\n"
	  "  \"version\": 1,\n"
	  "  \"default\": \"drop\",\n"
	  "  \"rules\": [\n"
	  "    {\"action\": \"pass\", \"not\": {\"vlan\": 5000}}\n"
	  "  ]\n"
	  "}\n",
	  "policy.json:5:40: rules[0].not.vlan: 5000 is not a VLAN id (0-4095)" },
	{ "{\n"
	  "  \"version\": 1,\n"
	  "  \"default\": \"drop\",\n"
	  "  \"rules\": [\n"
	  "    {\"action\": \"pass\", \"not\": {\"interface\": [\"lo\", \"lo\"]}}\n"
	  "  ]\n"
	  "}\n",
	  "policy.json:5:52: rules[0].not.interface[1]: duplicate interface \"lo\" (first at rules[0].not.interface[0])" },
	{ "{\n"
	  "  \"version\": 1,\n"
	  "  \"default\": \"drop\",\n"
	  "  \"rules\": [\n"
	  "    {\"action\": \"pass\", \"not\": {\"src\": []}}\n"
	  "  ]\n"
	  "}\n",
	  "policy.json:5:39: rules[0].not.src: empty list (omit the key to match any address)" },
	{ "{\n"
	  "  \"version\": 1,\n"
	  "  \"default\": \"drop\",\n"
	  "  \"rules\": [\n"
	  "    {\"action\": \"pass\", \"not\": \"192.0.2.0/24\"}\n"
	  "  ]\n"
	  "}\n",
	  "policy.json:5:31: rules[0].not: expected an object, got a string" },
	{ "{\n"
	  "  \"version\": 1,\n"
	  "  \"default\": \"drop\",\n"
	  "  \"rules\": [\n"
	  "    {\"action\": \"pass\", \"src\": \"192.0.2.0/24\", \"dst\": \"2001:db8::1\", \"not\": {\"src\": \"2001:db8::/32\"}}\n"
	  "  ]\n"
	  "}\n",
	  "policy.json:5:5: rules[0]: src has only IPv4 prefixes and dst only IPv6 ones: the rule can never match" },
	{ "{\n"
	  "  \"version\": 1,\n"
	  "  \"default\": \"drop\",\n"
	  "  \"rules\": [\n"
	  "    {\"action\": \"pass\", \"not\": {\"src\": \"192.0.2.1/24\"}, \"vlan\": 5000}\n"
	  "  ]\n"
	  "}\n",
	  "policy.json:5:64: rules[0].vlan: 5000 is not a VLAN id (0-4095)" },
	{ "{\n"
	  "  \"version\": 1,\n"
	  "  \"default\": \"drop\",\n"
	  "  \"egress\": {\"rules\": [{\"action\": \"pass\"}, {\"action\": \"drop\", \"protocol\": \"tcp\",\n"
	  "    \"not\": {\"tcp_flags\": \"syn,urgent\"}}]}\n"
	  "}\n",
	  "policy.json:5:26: egress.rules[1].not.tcp_flags: \"syn,urgent\": \"urgent\" is not a TCP flag (fin, syn, rst, psh, ack, urg, ece, cwr)" },
};

static void test_top_errors(void **state)
{
	run_cases(top_cases, ARRAY_SIZE(top_cases));
}

static void test_rule_errors(void **state)
{
	run_cases(rule_cases, ARRAY_SIZE(rule_cases));
}

static void test_addr_errors(void **state)
{
	run_cases(addr_cases, ARRAY_SIZE(addr_cases));
}

static void test_proto_errors(void **state)
{
	run_cases(proto_cases, ARRAY_SIZE(proto_cases));
}

static void test_port_errors(void **state)
{
	run_cases(port_cases, ARRAY_SIZE(port_cases));
}

static void test_iface_errors(void **state)
{
	run_cases(iface_cases, ARRAY_SIZE(iface_cases));
}

/* Patterns (fnmatch) in "interfaces", never in rules; mode "hw". */
static const struct err_case pattern_cases[] = {
	{ "{\n"
	  "  \"version\": 1,\n"
	  "  \"interfaces\": [\"eth*\", \"veth[0-9\"],\n"
	  "  \"default\": \"pass\"\n"
	  "}\n",
	  "policy.json:3:26: interfaces[1]: \"veth[0-9\" has a \"[\" without its \"]\" (a pattern: * ? [...] as in fnmatch(3))" },
	{ "{\n"
	  "  \"version\": 1,\n"
	  "  \"interfaces\": [{\"name\": \"e[]\"}],\n"
	  "  \"default\": \"pass\"\n"
	  "}\n",
	  "policy.json:3:27: interfaces[0].name: \"e[]\" has a \"[\" without its \"]\" (a pattern: * ? [...] as in fnmatch(3))" },
	{ "{\n"
	  "  \"version\": 1,\n"
	  "  \"interfaces\": [\"eth*\"],\n"
	  "  \"default\": \"pass\",\n"
	  "  \"rules\": [{\"action\": \"pass\", \"interface\": [\"eth0\", \"eth?\"]}]\n"
	  "}\n",
	  "policy.json:5:54: rules[0].interface[1]: \"eth?\": patterns (* ? [...]) are allowed in \"interfaces\", not in rules" },
	{ "{\n"
	  "  \"version\": 1,\n"
	  "  \"interfaces\": [\"eth*\", {\"name\": \"eth*\", \"mode\": \"hw\"}],\n"
	  "  \"default\": \"pass\"\n"
	  "}\n",
	  "policy.json:3:35: interfaces[1].name: duplicate interface \"eth*\" (first at interfaces[0])" },
};

static void test_iface_patterns(void **state)
{
	static const char json[] =
		"{\"version\": 1, \"default\": \"pass\", \"interfaces\": [\"eth0\",\n"
		" \"veth*\", {\"name\": \"en[!o]?\", \"mode\": \"skb\"},\n"
		" {\"name\": \"nic[]x]\", \"mode\": \"hw\"}, \"a]b\"]}";
	struct fw_policy pol;

	parse_ok(json, &pol);
	assert_int_equal(pol.n_ifaces, 5);
	assert_false(pol.ifaces[0].pattern);
	assert_true(pol.ifaces[1].pattern);
	assert_string_equal(pol.ifaces[1].name, "veth*");
	assert_true(pol.ifaces[2].pattern);
	assert_int_equal(pol.ifaces[2].mode, FW_MODE_SKB);
	assert_true(pol.ifaces[3].pattern);
	assert_int_equal(pol.ifaces[3].mode, FW_MODE_HW);
	assert_false(pol.ifaces[4].pattern);	/* a lone ']' is no pattern */
	fw_policy_free(&pol);
	run_cases(pattern_cases, ARRAY_SIZE(pattern_cases));
}

/* --- syntax: jansson's message and position ------------------------------- */

static void test_syntax_errors(void **state)
{
	expect_error("{\n  \"version\": 1,\n  \"default\": \"drop\"\n",
		     "policy.json:4:1: '}' expected near end of file");
	expect_error("{\"version\": 1, \"default\": \"drop\",}",
		     "policy.json:1:34: string or '}' expected near '}'");
	expect_error("{\"version\": 1, \"default\": \"drop\",\n"
		     " \"rules\": [{\"action\": \"pass\"},]}",
		     "policy.json:2:31: unexpected token near ']'");
	expect_error("{\"version\": 1,\n \"version\": 1}",
		     "policy.json:2:10: duplicate object key near '\"version\"'");
	expect_error("{\"version\": 1, \"default\": \"drop\", \"rules\": [\n"
		     "  {\"action\": \"pass\", \"protocol\": \"tcp\",\n"
		     "   \"dst_port\": 99999999999999999999}]}",
		     "policy.json:3:35: too big integer near '99999999999999999999'");
	expect_error("{\"version\": 99999999999999999999, \"default\": \"drop\"}",
		     "policy.json:1:32: too big integer near '99999999999999999999'");
	expect_error("{\"version\": 1, \"default\": \"drop\"} x",
		     "policy.json:1:35: end of file expected near 'x'");
	expect_error("{\"version\": 1, \"default\": \"dr\xff\"}",
		     "policy.json:1:29: unable to decode byte 0xff near '\"dr'");
	expect_error_len("{\"version\": 1, \"default\": \"dr\0op\"}", 35,
			 "policy.json:1:29: control character 0x0 near '\"dr'");
	expect_error("{'version': 1}",
		     "policy.json:1:2: string or '}' expected near '''");
	expect_error(" \r\n\t",
		     "policy.json:2:1: unexpected token near end of file");
}

static void test_empty_and_huge_buffers(void **state)
{
	size_t max = FW_POLICY_MAX_BYTES;
	struct fw_policy pol;
	struct fw_err err;
	char buf[512], *big;

	assert_int_equal(fw_policy_parse_buf("", 0, "policy.json", &pol, &err),
			 -EINVAL);
	assert_string_equal(fw_err_format(&err, buf, sizeof(buf)),
			    "policy.json: file is empty");
	assert_null(pol.text);
	assert_int_equal(fw_policy_parse_buf("", 0, NULL, &pol, &err),
			 -EINVAL);
	assert_string_equal(fw_err_format(&err, buf, sizeof(buf)),
			    "<buffer>: file is empty");

	/* Exactly the maximum parses; one byte more does not. */
	big = malloc(max + 1);
	assert_non_null(big);
	memset(big, ' ', max + 1);
	memcpy(big, "{\"version\": 1, \"default\": \"pass\"}", 33);
	assert_int_equal(fw_policy_parse_buf(big, max, "big.json", &pol, &err),
			 0);
	assert_int_equal(pol.text_len, max);
	fw_policy_free(&pol);
	assert_int_equal(fw_policy_parse_buf(big, max + 1, "big.json", &pol,
					     &err), -EINVAL);
	snprintf(buf, sizeof(buf),
		 "big.json: file is larger than 2 MiB (at most %zu bytes)", max);
	assert_string_equal(fw_err_format(&err, buf + 256, 256), buf);
	assert_int_equal(err.line, 0);
	assert_null(pol.text);
	free(big);
}

/* N rules in the ingress (egress == 0) or egress ruleset. */
static char *many_rules(size_t n, int egress)
{
	static const char rule[] = "{\"action\":\"pass\"},";
	size_t size = 128 + n * (sizeof(rule) - 1), off;
	char *doc = malloc(size);
	size_t i;

	assert_non_null(doc);
	off = snprintf(doc, size, "{\"version\":1,\"default\":\"pass\",%s[",
		       egress ? "\"egress\":{\"rules\":" : "\"rules\":");
	for (i = 0; i < n; i++) {
		memcpy(doc + off, rule, sizeof(rule) - 1);
		off += sizeof(rule) - 1;
	}
	if (n)
		off--;		/* the last comma */
	snprintf(doc + off, size - off, "]%s}", egress ? "}" : "");
	return doc;
}

static void test_rule_limit(void **state)
{
	struct fw_policy pol;
	char *doc;

	doc = many_rules(FW_MAX_RULES + 1, 0);
	expect_error(doc,
		     "policy.json:1:39: rules: 16385 rules exceed the maximum of 16384");
	free(doc);

	doc = many_rules(FW_MAX_RULES + 1, 1);
	expect_error(doc,
		     "policy.json:1:49: egress.rules: 16385 rules exceed the maximum of 16384");
	free(doc);

	doc = many_rules(FW_MAX_RULES, 0);
	parse_ok(doc, &pol);
	assert_int_equal(pol.dir[FW_DIR_INGRESS].n_rules, FW_MAX_RULES);
	assert_string_equal(pol.dir[FW_DIR_INGRESS].rules[FW_MAX_RULES - 1].path,
			    "rules[16383]");
	fw_policy_free(&pol);
	free(doc);

	doc = many_rules(FW_MAX_RULES, 1);
	parse_ok(doc, &pol);
	assert_int_equal(pol.dir[FW_DIR_EGRESS].n_rules, FW_MAX_RULES);
	assert_string_equal(pol.dir[FW_DIR_EGRESS].rules[FW_MAX_RULES - 1].path,
			    "egress.rules[16383]");
	fw_policy_free(&pol);
	free(doc);
}

/* --- files ---------------------------------------------------------------- */

static void test_examples(void **state)
{
	struct fw_policy pol;
	struct fw_err err;
	char buf[1024];
	glob_t g;
	size_t i;
	int ret;

	ret = fw_policy_parse_file("rules/example-webserver.json", &pol, &err);
	if (ret)
		print_error("%s\n", fw_err_format(&err, buf, sizeof(buf)));
	assert_int_equal(ret, 0);
	assert_string_equal(pol.file, "rules/example-webserver.json");
	assert_int_equal(pol.dir[FW_DIR_INGRESS].default_action, FW_ACT_DROP);
	assert_true(pol.dir[FW_DIR_INGRESS].n_rules > 0);
	assert_false(pol.has_egress);
	assert_true(pol.n_ifaces > 0);
	assert_int_equal(pol.text_len, strlen(pol.text));
	fw_policy_free(&pol);

	ret = fw_policy_parse_file("rules/example-egress.json", &pol, &err);
	if (ret)
		print_error("%s\n", fw_err_format(&err, buf, sizeof(buf)));
	assert_int_equal(ret, 0);
	assert_true(pol.has_egress);
	assert_int_equal(pol.dir[FW_DIR_EGRESS].default_action, FW_ACT_DROP);
	assert_true(pol.dir[FW_DIR_EGRESS].n_rules > 0);
	fw_policy_free(&pol);

	/* The one that shows the second version's keys, set file included. */
	ret = fw_policy_parse_file("rules/example-router.json", &pol, &err);
	if (ret)
		print_error("%s\n", fw_err_format(&err, buf, sizeof(buf)));
	assert_int_equal(ret, 0);
	assert_true(pol.n_sets >= 2);
	assert_true(pol.sets[0].n_elems > 0 && pol.sets[1].n_elems > 0);
	fw_policy_free(&pol);

	/* Every example, also those added later. */
	assert_int_equal(glob("rules/example-*.json", 0, NULL, &g), 0);
	assert_true(g.gl_pathc >= 3);
	for (i = 0; i < g.gl_pathc; i++) {
		ret = fw_policy_parse_file(g.gl_pathv[i], &pol, &err);
		if (ret)
			print_error("%s\n", fw_err_format(&err, buf, sizeof(buf)));
		assert_int_equal(ret, 0);
		fw_policy_free(&pol);
	}
	globfree(&g);
}

static void write_file(const char *path, const char *data, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, data, len), (ssize_t)len);
	close(fd);
}

static void test_files(void **state)
{
	char dir[] = "/tmp/fwctl-test-XXXXXX", path[64], want[128], buf[512];
	struct fw_policy pol;
	struct fw_err err;
	char *big;

	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/p.json", dir);

	assert_int_equal(fw_policy_parse_file("/nonexistent/p.json", &pol,
					      &err), -ENOENT);
	assert_string_equal(fw_err_format(&err, buf, sizeof(buf)),
			    "/nonexistent/p.json: No such file or directory");
	assert_null(pol.text);

	assert_int_equal(fw_policy_parse_file(dir, &pol, &err), -EISDIR);
	snprintf(want, sizeof(want), "%s: Is a directory", dir);
	assert_string_equal(fw_err_format(&err, buf, sizeof(buf)), want);

	write_file(path, "", 0);
	assert_int_equal(fw_policy_parse_file(path, &pol, &err), -EINVAL);
	snprintf(want, sizeof(want), "%s: file is empty", path);
	assert_string_equal(fw_err_format(&err, buf, sizeof(buf)), want);

	big = calloc(1, FW_POLICY_MAX_BYTES + 1);
	assert_non_null(big);
	write_file(path, big, FW_POLICY_MAX_BYTES + 1);
	free(big);
	assert_int_equal(fw_policy_parse_file(path, &pol, &err), -EINVAL);
	snprintf(want, sizeof(want),
		 "%s: file is larger than 2 MiB (at most %zu bytes)", path,
		 (size_t)FW_POLICY_MAX_BYTES);
	assert_string_equal(fw_err_format(&err, buf, sizeof(buf)), want);

	write_file(path, "{\"version\": 1,\n \"default\": \"deny\"}\n", 35);
	assert_int_equal(fw_policy_parse_file(path, &pol, &err), -EINVAL);
	snprintf(want, sizeof(want),
		 "%s:2:13: default: \"deny\" is not an action (pass, drop)",
		 path);
	assert_string_equal(fw_err_format(&err, buf, sizeof(buf)), want);
	assert_null(pol.text);

	write_file(path, "{\"version\": 1,\n \"default\": \"drop\"}\n", 35);
	assert_int_equal(fw_policy_parse_file(path, &pol, &err), 0);
	assert_int_equal(pol.text_len, 35);
	assert_string_equal(pol.text, "{\"version\": 1,\n \"default\": \"drop\"}\n");
	assert_string_equal(pol.file, path);
	fw_policy_free(&pol);

	assert_int_equal(unlink(path), 0);
	assert_int_equal(rmdir(dir), 0);
}

static void test_top2_errors(void **state)
{
	run_cases(top2_cases, ARRAY_SIZE(top2_cases));
}

static void test_set_errors(void **state)
{
	run_cases(set_cases, ARRAY_SIZE(set_cases));
}

static void test_ref_errors(void **state)
{
	run_cases(ref_cases, ARRAY_SIZE(ref_cases));
}

static void test_flags_errors(void **state)
{
	run_cases(flags_cases, ARRAY_SIZE(flags_cases));
}

static void test_icmp_errors(void **state)
{
	run_cases(icmp_cases, ARRAY_SIZE(icmp_cases));
}

static void test_vlan_iface_errors(void **state)
{
	run_cases(vlan_cases, ARRAY_SIZE(vlan_cases));
}

static void test_not_errors(void **state)
{
	run_cases(not_cases, ARRAY_SIZE(not_cases));
}

/* --- the new matchers: exact IR ------------------------------------------- */

static bool bit(const uint64_t *bits, unsigned int i)
{
	return bits[i / 64] >> (i % 64) & 1;
}

/* The set bits of a bitmap of nbits, as "1,5,8". */
static const char *bits_list(const uint64_t *bits, unsigned int nbits,
			     char *buf, size_t size)
{
	size_t off = 0;
	unsigned int i;

	buf[0] = '\0';
	for (i = 0; i < nbits; i++)
		if (bit(bits, i))
			off += snprintf(buf + off, size - off, "%s%u",
					off ? "," : "", i);
	return buf;
}

static void assert_flags(const struct fw_tcp_flags *f, int mask, int value)
{
	assert_int_equal(f->mask, mask);
	assert_int_equal(f->value, value);
}

/* Everything of m is absent. */
static void assert_empty_match(const struct fw_match *m)
{
	static const struct fw_match zero;

	assert_memory_equal(m, &zero, sizeof(zero));
}

static const char matchers_policy[] =
	"{\n"
	"  \"version\": 1,\n"
	"  \"default\": \"drop\",\n"
	"  \"fragments\": \"drop\",\n"
	"  \"malformed\": \"pass\",\n"
	"  \"sets\": {\n"
	"    \"admins\": {\"elements\": [\"192.0.2.0/28\", \"2001:db8::/48\"]},\n"
	"    \"bad.v4\": {\"elements\": [\"198.18.0.0/15\", \"192.0.2.7\",\n"
	"                              \"198.18.0.0/15\", \"2001:db8::1\"]},\n"
	"    \"empty\": {\"elements\": []}\n"
	"  },\n"
	"  \"rules\": [\n"
	"    {\"action\": \"drop\", \"src\": \"@bad.v4\"},\n"
	"    {\"action\": \"pass\", \"src\": [\"@admins\", \"@empty\", \"@admins\"],\n"
	"     \"dst\": \"@bad.v4\", \"protocol\": \"tcp\", \"dst_port\": 22,\n"
	"     \"tcp_flags\": \"syn,!ack\",\n"
	"     \"not\": {\"src\": [\"@empty\", \"192.0.2.1\"], \"dst_port\": [\"20-21\", 23],\n"
	"             \"tcp_flags\": [\"fin\", {\"mask\": \"syn,ack,rst,fin\", \"value\": \"syn\"}],\n"
	"             \"protocol\": \"udp\"}},\n"
	"    {\"action\": \"drop\", \"protocol\": \"tcp\",\n"
	"     \"tcp_flags\": [\"cwr,ece,urg,ack,psh,rst,syn,fin\", \"!cwr,!ece\",\n"
	"                   {\"mask\": \"rst,psh\", \"value\": \"\"}, \"syn\"]},\n"
	"    {\"action\": \"pass\", \"protocol\": \"icmp\",\n"
	"     \"icmp_type\": [\"echo-request\", 0, \"time-exceeded\", 255, \"timestamp-reply\"],\n"
	"     \"icmp_code\": [0, 1, 255]},\n"
	"    {\"action\": \"pass\", \"protocol\": \"icmpv6\",\n"
	"     \"icmp_type\": [\"echo-request\", \"nd-neighbor-solicit\", \"mld2-listener-report\"],\n"
	"     \"not\": {\"icmp_type\": \"destination-unreachable\", \"icmp_code\": 4}},\n"
	"    {\"action\": \"pass\", \"protocol\": [\"icmp\", \"icmpv6\"],\n"
	"     \"icmp_type\": [8, 128], \"icmp_code\": 0},\n"
	"    {\"action\": \"drop\", \"vlan\": [0, 100, \"200-203\", 4095, \"64\"],\n"
	"     \"interface\": \"eth0\",\n"
	"     \"not\": {\"vlan\": \"5-6\", \"interface\": [\"veth-a.1\", \"eth0\"]}},\n"
	"    {\"action\": \"pass\", \"src\": \"192.0.2.0/24\",\n"
	"     \"not\": {\"dst\": \"2001:db8::/32\", \"src\": \"@admins\"}}\n"
	"  ],\n"
	"  \"egress\": {\"rules\": [{\"action\": \"drop\", \"interface\": [\"eth1\"],\n"
	"                          \"not\": {\"dst\": [\"@admins\"]}}]}\n"
	"}\n";

static void test_matchers(void **state)
{
	const struct fw_rule_ir *r;
	struct fw_policy pol;
	struct fw_err err;
	char buf[512];

	parse_ok(matchers_policy, &pol);
	assert_int_equal(pol.frag_mode, FW_FRAGS_DROP);
	assert_int_equal(pol.malformed_action, FW_ACT_PASS);

	/* Sets: in document order, sorted, repeats dropped. */
	assert_int_equal(pol.n_sets, 3);
	assert_string_equal(pol.sets[0].name, "admins");
	assert_string_equal(pol.sets[0].path, "sets.admins");
	assert_int_equal(pol.sets[0].n_elems, 2);
	assert_prefix(&pol.sets[0].elems[0], 4, 28, "192.0.2.0/28");
	assert_prefix(&pol.sets[0].elems[1], 6, 48, "2001:db8::/48");
	assert_string_equal(pol.sets[1].name, "bad.v4");
	assert_string_equal(pol.sets[1].path, "sets.bad.v4");
	assert_int_equal(pol.sets[1].n_elems, 3);
	assert_prefix(&pol.sets[1].elems[0], 4, 32, "192.0.2.7/32");
	assert_prefix(&pol.sets[1].elems[1], 4, 15, "198.18.0.0/15");
	assert_prefix(&pol.sets[1].elems[2], 6, 128, "2001:db8::1/128");
	assert_string_equal(pol.sets[2].name, "empty");
	assert_int_equal(pol.sets[2].n_elems, 0);
	assert_null(pol.sets[2].elems);

	assert_int_equal(pol.dir[FW_DIR_INGRESS].n_rules, 8);
	r = &pol.dir[FW_DIR_INGRESS].rules[0];
	assert_true(r->pos.has_src);
	assert_int_equal(r->pos.n_src, 0);
	assert_null(r->pos.src);
	assert_int_equal(r->pos.src_sets, 1u << 1);
	assert_false(r->pos.has_dst);
	assert_int_equal(r->pos.dst_sets, 0);
	assert_empty_match(&r->neg);

	r = &pol.dir[FW_DIR_INGRESS].rules[1];
	assert_int_equal(r->pos.src_sets, 1u << 0 | 1u << 2);
	assert_int_equal(r->pos.n_src, 0);
	assert_true(r->pos.has_dst);
	assert_int_equal(r->pos.dst_sets, 1u << 1);
	assert_true(r->pos.has_tcp_flags);
	assert_int_equal(r->pos.n_tcp_flags, 1);
	assert_flags(&r->pos.tcp_flags[0], 0x12, 0x02);
	assert_false(r->pos.has_icmp_type || r->pos.has_icmp_code ||
		     r->pos.has_vlan || r->pos.has_iface);
	/* not: sets and prefixes may mix; its own protocol is kept. */
	assert_true(r->neg.has_src);
	assert_int_equal(r->neg.src_sets, 1u << 2);
	assert_int_equal(r->neg.n_src, 1);
	assert_prefix(&r->neg.src[0], 4, 32, "192.0.2.1/32");
	assert_false(r->neg.has_dst);
	assert_true(r->neg.has_dport);
	assert_int_equal(r->neg.n_dport, 2);
	assert_range(&r->neg.dport[0], 20, 21);
	assert_range(&r->neg.dport[1], 23, 23);
	assert_false(r->neg.has_sport);
	assert_true(r->neg.has_proto);
	assert_true(r->neg.proto[0] == 1ULL << 17);
	assert_int_equal(r->neg.n_tcp_flags, 2);
	assert_flags(&r->neg.tcp_flags[0], 0x01, 0x01);
	assert_flags(&r->neg.tcp_flags[1], 0x17, 0x02);
	assert_true(r->pos.proto[0] == 1ULL << 6);

	r = &pol.dir[FW_DIR_INGRESS].rules[2];
	assert_int_equal(r->pos.n_tcp_flags, 4);
	assert_flags(&r->pos.tcp_flags[0], 0xff, 0xff);
	assert_flags(&r->pos.tcp_flags[1], 0xc0, 0x00);
	assert_flags(&r->pos.tcp_flags[2], 0x0c, 0x00);
	assert_flags(&r->pos.tcp_flags[3], 0x02, 0x02);
	assert_empty_match(&r->neg);

	r = &pol.dir[FW_DIR_INGRESS].rules[3];
	assert_true(r->pos.has_icmp_type);
	assert_string_equal(bits_list(r->pos.icmp_type, 256, buf, sizeof(buf)),
			    "0,8,11,14,255");
	assert_true(r->pos.has_icmp_code);
	assert_string_equal(bits_list(r->pos.icmp_code, 256, buf, sizeof(buf)),
			    "0,1,255");

	r = &pol.dir[FW_DIR_INGRESS].rules[4];
	assert_string_equal(bits_list(r->pos.icmp_type, 256, buf, sizeof(buf)),
			    "128,135,143");
	assert_false(r->pos.has_icmp_code);
	assert_true(r->neg.has_icmp_type);
	assert_string_equal(bits_list(r->neg.icmp_type, 256, buf, sizeof(buf)),
			    "1");
	assert_string_equal(bits_list(r->neg.icmp_code, 256, buf, sizeof(buf)),
			    "4");
	assert_false(r->neg.has_proto);

	r = &pol.dir[FW_DIR_INGRESS].rules[5];
	assert_string_equal(bits_list(r->pos.icmp_type, 256, buf, sizeof(buf)),
			    "8,128");
	assert_string_equal(bits_list(r->pos.icmp_code, 256, buf, sizeof(buf)),
			    "0");

	r = &pol.dir[FW_DIR_INGRESS].rules[6];
	assert_true(r->pos.has_vlan);
	assert_string_equal(bits_list(r->pos.vlan, 4096, buf, sizeof(buf)),
			    "0,64,100,200,201,202,203,4095");
	assert_true(r->pos.vlan[0] == 1ULL);
	assert_true(r->pos.vlan[1] == (1ULL | 1ULL << 36));
	assert_true(r->pos.vlan[3] == 0xfULL << 8);
	assert_true(r->pos.vlan[63] == 1ULL << 63);
	assert_true(r->pos.has_iface);
	assert_int_equal(r->pos.n_iface, 1);
	assert_string_equal(r->pos.iface[0], "eth0");
	assert_non_null(r->pos.ifindex);
	assert_int_equal(r->pos.ifindex[0], 0);
	assert_string_equal(bits_list(r->neg.vlan, 4096, buf, sizeof(buf)),
			    "5,6");
	assert_int_equal(r->neg.n_iface, 2);
	assert_string_equal(r->neg.iface[0], "veth-a.1");
	assert_string_equal(r->neg.iface[1], "eth0");
	assert_int_equal(r->neg.ifindex[0], 0);
	assert_int_equal(r->neg.ifindex[1], 0);

	r = &pol.dir[FW_DIR_INGRESS].rules[7];
	assert_int_equal(r->pos.n_src, 1);
	assert_int_equal(r->pos.src_sets, 0);
	assert_true(r->neg.has_dst && r->neg.has_src);
	assert_int_equal(r->neg.n_dst, 1);
	assert_prefix(&r->neg.dst[0], 6, 32, "2001:db8::/32");
	assert_int_equal(r->neg.n_src, 0);
	assert_int_equal(r->neg.src_sets, 1u << 0);
	assert_false(r->neg.has_proto || r->neg.has_vlan);

	r = &pol.dir[FW_DIR_EGRESS].rules[0];
	assert_int_equal(r->pos.n_iface, 1);
	assert_string_equal(r->pos.iface[0], "eth1");
	assert_true(r->neg.has_dst);
	assert_int_equal(r->neg.dst_sets, 1u << 0);
	assert_int_equal(r->neg.n_dst, 0);

	/* Errors found later (by the compiler) land on the set. */
	fw_policy_error_at(&pol, pol.sets[1].path, &err, "too big");
	assert_string_equal(fw_err_format(&err, buf, sizeof(buf)),
			    "policy.json:8:15: sets.bad.v4: too big");
	fw_policy_error_at(&pol, "sets.bad.v4.elements[2]", &err, "x");
	assert_string_equal(fw_err_format(&err, buf, sizeof(buf)),
			    "policy.json:9:31: sets.bad.v4.elements[2]: x");
	/* Not a path (".."): its longest ancestor that is one. */
	fw_policy_error_at(&pol, "sets.bad..v4", &err, "y");
	assert_string_equal(fw_err_format(&err, buf, sizeof(buf)),
			    "policy.json:6:11: sets.bad..v4: y");
	fw_policy_free(&pol);
	assert_null(pol.sets);
	assert_int_equal(pol.n_sets, 0);
}

/* Defaults of the new top-level keys; "sets": {} is no set at all. */
static void test_new_defaults(void **state)
{
	static const char *const frags[] = { "match", "pass", "drop" };
	char doc[1024], name[64];
	struct fw_policy pol;
	size_t i;

	parse_ok("{\"version\": 1, \"default\": \"pass\"}", &pol);
	assert_int_equal(pol.frag_mode, FW_FRAGS_MATCH);
	assert_int_equal(pol.malformed_action, FW_ACT_DROP);
	assert_int_equal(pol.n_sets, 0);
	assert_null(pol.sets);
	fw_policy_free(&pol);

	parse_ok("{\"version\": 1, \"default\": \"pass\", \"sets\": {},\n"
		 " \"malformed\": \"drop\"}", &pol);
	assert_int_equal(pol.n_sets, 0);
	assert_null(pol.sets);
	assert_int_equal(pol.malformed_action, FW_ACT_DROP);
	fw_policy_free(&pol);

	for (i = 0; i < ARRAY_SIZE(frags); i++) {
		snprintf(doc, sizeof(doc),
			 "{\"version\": 1, \"default\": \"pass\", \"fragments\": \"%s\"}",
			 frags[i]);
		parse_ok(doc, &pol);
		assert_int_equal(pol.frag_mode, i);
		fw_policy_free(&pol);
	}

	/* The family check ignores "not"; IPv6-only "not" on IPv4 is fine. */
	parse_ok("{\"version\": 1, \"default\": \"pass\", \"rules\": [\n"
		 " {\"action\": \"drop\", \"src\": \"192.0.2.0/24\",\n"
		 "  \"not\": {\"dst\": \"2001:db8::/32\"}},\n"
		 " {\"action\": \"drop\", \"src\": [\"192.0.2.0/24\"],\n"
		 "  \"not\": {\"src\": \"2001:db8::/32\", \"dst\": \"192.0.2.1\"}}]}",
		 &pol);
	fw_policy_free(&pol);

	/* Eight sets, the last at bit 7; a 63-byte name of every class. */
	snprintf(name, sizeof(name), "Zz09_.-%056d", 7);
	assert_int_equal(strlen(name), 63);
	snprintf(doc, sizeof(doc),
		 "{\"version\": 1, \"default\": \"pass\", \"sets\": {\n"
		 " \"s0\": {\"elements\": []}, \"s1\": {\"elements\": []},\n"
		 " \"s2\": {\"elements\": []}, \"s3\": {\"elements\": []},\n"
		 " \"s4\": {\"elements\": []}, \"s5\": {\"elements\": []},\n"
		 " \"s6\": {\"elements\": []}, \"%s\": {\"elements\": [\"::/0\"]}},\n"
		 " \"rules\": [{\"action\": \"drop\", \"src\": \"@%s\"}]}",
		 name, name);
	parse_ok(doc, &pol);
	assert_int_equal(pol.n_sets, 8);
	assert_string_equal(pol.sets[7].name, name);
	assert_int_equal(pol.sets[7].n_elems, 1);
	assert_int_equal(pol.dir[0].rules[0].pos.src_sets, 1u << 7);
	fw_policy_free(&pol);
}

/* --- set files ------------------------------------------------------------ */

static void write_str(const char *path, const char *s)
{
	write_file(path, s, strlen(s));
}

static const char set_file_text[] =
	"# blocklist for the unit test\n"
	"\n"
	"192.0.2.0/24\n"
	"   198.18.0.0/15   # benchmark range\r\n"
	"\t2001:db8::/32\t\n"
	"#192.0.2.300\n"
	"   \n"
	"192.0.2.0/24\n"
	"2001:db8::1";	/* no final newline */

static void test_set_files(void **state)
{
	char dir[] = "/tmp/fwctl-sets-XXXXXX", path[128], sub[128], list[128];
	char want[512], buf[1024], cwd[4096], other[128];
	struct fw_policy pol;
	struct fw_err err;
	const char *doc;
	int ret;

	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/p.json", dir);
	snprintf(sub, sizeof(sub), "%s/lists", dir);
	assert_int_equal(mkdir(sub, 0700), 0);
	snprintf(list, sizeof(list), "%s/lists/bl.txt", dir);
	write_str(list, set_file_text);
	snprintf(other, sizeof(other), "%s/extra.txt", dir);
	write_str(other, "192.0.2.128/25\n");

	/* Relative to the policy's directory; union with "elements". */
	snprintf(buf, sizeof(buf),
		 "{\"version\": 1, \"default\": \"pass\",\n"
		 " \"sets\": {\"bl\": {\"file\": \"lists/bl.txt\",\n"
		 "                   \"elements\": [\"198.18.0.0/15\", \"192.0.2.1\"]},\n"
		 "          \"abs\": {\"file\": \"%s\"}},\n"
		 " \"rules\": [{\"action\": \"drop\", \"src\": \"@bl\"}]}\n", other);
	write_str(path, buf);
	ret = fw_policy_parse_file(path, &pol, &err);
	if (ret)
		print_error("%s\n", fw_err_format(&err, buf, sizeof(buf)));
	assert_int_equal(ret, 0);
	assert_int_equal(pol.n_sets, 2);
	assert_int_equal(pol.sets[0].n_elems, 5);
	assert_prefix(&pol.sets[0].elems[0], 4, 24, "192.0.2.0/24");
	assert_prefix(&pol.sets[0].elems[1], 4, 32, "192.0.2.1/32");
	assert_prefix(&pol.sets[0].elems[2], 4, 15, "198.18.0.0/15");
	assert_prefix(&pol.sets[0].elems[3], 6, 32, "2001:db8::/32");
	assert_prefix(&pol.sets[0].elems[4], 6, 128, "2001:db8::1/128");
	assert_int_equal(pol.sets[1].n_elems, 1);
	assert_prefix(&pol.sets[1].elems[0], 4, 25, "192.0.2.128/25");
	fw_policy_free(&pol);

	/* The same from inside the directory: "p.json" has no directory. */
	assert_non_null(getcwd(cwd, sizeof(cwd)));
	assert_int_equal(chdir(dir), 0);
	assert_int_equal(fw_policy_parse_file("p.json", &pol, &err), 0);
	assert_int_equal(pol.sets[0].n_elems, 5);
	fw_policy_free(&pol);
	/* parse_buf: relative to the current directory. */
	doc = "{\"version\": 1, \"default\": \"pass\",\n"
	      " \"sets\": {\"bl\": {\"file\": \"lists/bl.txt\"}}}";
	assert_int_equal(fw_policy_parse_buf(doc, strlen(doc), "policy.json",
					     &pol, &err), 0);
	assert_int_equal(pol.sets[0].n_elems, 4);
	fw_policy_free(&pol);
	assert_int_equal(chdir(cwd), 0);
	/* ... which is not dir any more. */
	assert_int_equal(fw_policy_parse_buf(doc, strlen(doc), "policy.json",
					     &pol, &err), -EINVAL);
	assert_string_equal(fw_err_format(&err, buf, sizeof(buf)),
			    "policy.json:2:26: sets.bl.file: \"lists/bl.txt\": No such file or directory");

	/* A bad line: file and line in the message, at the "file" value. */
	write_str(list, "# x\n192.0.2.0/24\n\n  192.0.2.300  # typo\n");
	write_str(path, "{\"version\": 1, \"default\": \"pass\",\n"
			" \"sets\": {\"ok\": {\"elements\": []},\n"
			"   \"bl\": {\"elements\": [], \"file\": \"lists/bl.txt\"}}}\n");
	assert_int_equal(fw_policy_parse_file(path, &pol, &err), -EINVAL);
	snprintf(want, sizeof(want),
		 "%s:3:35: sets.bl.file: \"lists/bl.txt\":4: \"192.0.2.300\" is not an IPv4 or IPv6 prefix",
		 path);
	assert_string_equal(fw_err_format(&err, buf, sizeof(buf)), want);
	assert_null(pol.sets);

	write_str(list, "192.0.2.1/24\n");
	assert_int_equal(fw_policy_parse_file(path, &pol, &err), -EINVAL);
	snprintf(want, sizeof(want),
		 "%s:3:35: sets.bl.file: \"lists/bl.txt\":1: 192.0.2.1/24 has host bits set (did you mean 192.0.2.0/24?)",
		 path);
	assert_string_equal(fw_err_format(&err, buf, sizeof(buf)), want);

	write_str(list, "192.0.2.0/24\n\n2001:db8::/129\n");
	assert_int_equal(fw_policy_parse_file(path, &pol, &err), -EINVAL);
	snprintf(want, sizeof(want),
		 "%s:3:35: sets.bl.file: \"lists/bl.txt\":3: \"2001:db8::/129\" has a bad prefix length (0-128 for IPv6)",
		 path);
	assert_string_equal(fw_err_format(&err, buf, sizeof(buf)), want);

	/* Inner whitespace is not trimmed; "@" refers to nothing here. */
	write_str(list, "192.0.2.0 /24\n");
	assert_int_equal(fw_policy_parse_file(path, &pol, &err), -EINVAL);
	snprintf(want, sizeof(want),
		 "%s:3:35: sets.bl.file: \"lists/bl.txt\":1: \"192.0.2.0 /24\" is not an IPv4 or IPv6 prefix",
		 path);
	assert_string_equal(fw_err_format(&err, buf, sizeof(buf)), want);
	write_str(list, "@ok\n");
	assert_int_equal(fw_policy_parse_file(path, &pol, &err), -EINVAL);
	snprintf(want, sizeof(want),
		 "%s:3:35: sets.bl.file: \"lists/bl.txt\":1: \"@ok\" is not an IPv4 or IPv6 prefix",
		 path);
	assert_string_equal(fw_err_format(&err, buf, sizeof(buf)), want);

	write_file(list, "192.0.2.0/24\n192.0.2.1\0junk\n", 28);
	assert_int_equal(fw_policy_parse_file(path, &pol, &err), -EINVAL);
	snprintf(want, sizeof(want),
		 "%s:3:35: sets.bl.file: \"lists/bl.txt\":2: a NUL byte", path);
	assert_string_equal(fw_err_format(&err, buf, sizeof(buf)), want);

	/* A line past 255 bytes (a file with no line ends is refused soon). */
	{
		char longline[400];

		memset(longline, '1', sizeof(longline) - 2);
		longline[sizeof(longline) - 2] = '\n';
		longline[sizeof(longline) - 1] = '\0';
		write_str(list, longline);
	}
	assert_int_equal(fw_policy_parse_file(path, &pol, &err), -EINVAL);
	snprintf(want, sizeof(want),
		 "%s:3:35: sets.bl.file: \"lists/bl.txt\":1: a line longer than 255 bytes", path);
	assert_string_equal(fw_err_format(&err, buf, sizeof(buf)), want);

	/* Only comments and blanks: an empty set. */
	write_str(list, "# nothing yet\n\n   # really\n");
	assert_int_equal(fw_policy_parse_file(path, &pol, &err), 0);
	assert_int_equal(pol.sets[1].n_elems, 0);
	fw_policy_free(&pol);
	write_str(list, "");
	assert_int_equal(fw_policy_parse_file(path, &pol, &err), 0);
	assert_int_equal(pol.sets[1].n_elems, 0);
	fw_policy_free(&pol);

	/* Unreadable: a directory; a missing file. */
	assert_int_equal(unlink(list), 0);
	assert_int_equal(fw_policy_parse_file(path, &pol, &err), -EINVAL);
	snprintf(want, sizeof(want),
		 "%s:3:35: sets.bl.file: \"lists/bl.txt\": No such file or directory",
		 path);
	assert_string_equal(fw_err_format(&err, buf, sizeof(buf)), want);
	assert_int_equal(mkdir(list, 0700), 0);
	assert_int_equal(fw_policy_parse_file(path, &pol, &err), -EINVAL);
	snprintf(want, sizeof(want),
		 "%s:3:35: sets.bl.file: \"lists/bl.txt\": Is a directory", path);
	assert_string_equal(fw_err_format(&err, buf, sizeof(buf)), want);
	assert_int_equal(rmdir(list), 0);

	assert_int_equal(unlink(other), 0);
	assert_int_equal(unlink(path), 0);
	assert_int_equal(rmdir(sub), 0);
	assert_int_equal(rmdir(dir), 0);
}

/* A million-line set file loads in linear time. */
static void test_set_file_big(void **state)
{
	char dir[] = "/tmp/fwctl-big-XXXXXX", path[128], list[128], buf[512];
	const size_t n = 1000000;
	struct timespec t0, t1;
	struct fw_policy pol;
	struct fw_err err;
	double secs;
	FILE *f;
	size_t i;

	assert_non_null(mkdtemp(dir));
	snprintf(list, sizeof(list), "%s/big.txt", dir);
	f = fopen(list, "w");
	assert_non_null(f);
	fputs("# one million prefixes\n", f);
	for (i = 0; i < n; i++) {
		if (i % 10 == 9)	/* a tenth IPv6 */
			fprintf(f, "2001:db8:%zx:%zx::/64\n", i >> 16, i & 0xffff);
		else
			fprintf(f, "10.%zu.%zu.%zu\n", i >> 16, i >> 8 & 255,
				i & 255);
	}
	assert_int_equal(fclose(f), 0);
	snprintf(path, sizeof(path), "%s/p.json", dir);
	write_str(path, "{\"version\": 1, \"default\": \"pass\",\n"
			" \"sets\": {\"big\": {\"file\": \"big.txt\"}},\n"
			" \"rules\": [{\"action\": \"drop\", \"src\": \"@big\"}]}\n");

	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (fw_policy_parse_file(path, &pol, &err))
		print_error("%s\n", fw_err_format(&err, buf, sizeof(buf)));
	clock_gettime(CLOCK_MONOTONIC, &t1);
	secs = (t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
	print_message("    %zu-line set file parsed in %.3f s\n", n, secs);
	assert_int_equal(pol.n_sets, 1);
	assert_int_equal(pol.sets[0].n_elems, n);
	/* Sorted: IPv4 first, 10.0.0.0 first, the last IPv6 last. */
	assert_prefix(&pol.sets[0].elems[0], 4, 32, "10.0.0.0/32");
	assert_prefix(&pol.sets[0].elems[n / 10 * 9 - 1], 4, 32,
		      "10.15.66.62/32");
	assert_prefix(&pol.sets[0].elems[n - 1], 6, 64, "2001:db8:f:423f::/64");
	assert_true(secs < 5.0);
	fw_policy_free(&pol);

	assert_int_equal(unlink(list), 0);
	assert_int_equal(unlink(path), 0);
	assert_int_equal(rmdir(dir), 0);
}

/* --- fw_policy_resolve ---------------------------------------------------- */

static int fake_resolve(const char *name)
{
	if (!strcmp(name, "eth0"))
		return 2;
	if (!strcmp(name, "eth1"))
		return 3;
	if (!strcmp(name, "veth-a.1"))
		return 41;
	if (!strcmp(name, "locked0"))
		return -EPERM;
	return -ENODEV;
}

static const char resolve_policy[] =
	"{\n"
	"  \"version\": 1,\n"
	"  \"default\": \"pass\",\n"
	"  \"rules\": [\n"
	"    {\"action\": \"drop\"},\n"
	"    {\"action\": \"drop\", \"interface\": [\"eth0\", \"veth-a.1\"]},\n"
	"    {\"action\": \"drop\", \"interface\": \"eth1\",\n"
	"     \"not\": {\"interface\": \"eth0\"}}\n"
	"  ],\n"
	"  \"egress\": {\"rules\": [{\"action\": \"pass\", \"not\": {\"interface\": [\"%s\"]}},\n"
	"                         {\"action\": \"pass\", \"interface\": [\"eth0\", \"%s\"]}]}\n"
	"}\n";

static void resolve_doc(const char *a, const char *b, struct fw_policy *pol)
{
	char doc[1024];

	snprintf(doc, sizeof(doc), resolve_policy, a, b);
	parse_ok(doc, pol);
}

static void test_resolve(void **state)
{
	const struct fw_rule_ir *r;
	struct fw_policy pol;
	struct fw_err err;
	char buf[512];

	resolve_doc("eth1", "veth-a.1", &pol);
	assert_int_equal(fw_policy_resolve(&pol, fake_resolve, &err), 0);
	r = pol.dir[FW_DIR_INGRESS].rules;
	assert_null(r[0].pos.ifindex);
	assert_int_equal(r[1].pos.ifindex[0], 2);
	assert_int_equal(r[1].pos.ifindex[1], 41);
	assert_int_equal(r[2].pos.ifindex[0], 3);
	assert_int_equal(r[2].neg.ifindex[0], 2);
	r = pol.dir[FW_DIR_EGRESS].rules;
	assert_int_equal(r[0].neg.ifindex[0], 3);
	assert_int_equal(r[1].pos.ifindex[0], 2);
	assert_int_equal(r[1].pos.ifindex[1], 41);
	fw_policy_free(&pol);

	/* -ENODEV, in an array of two: the element's path. */
	resolve_doc("eth1", "eth9", &pol);
	assert_int_equal(fw_policy_resolve(&pol, fake_resolve, &err), -ENODEV);
	assert_string_equal(fw_err_format(&err, buf, sizeof(buf)),
			    "policy.json:11:67: egress.rules[1].interface[1]: no such device \"eth9\"");
	fw_policy_free(&pol);

	/* In an array of one under "not": still the element's path. */
	resolve_doc("nope", "eth1", &pol);
	assert_int_equal(fw_policy_resolve(&pol, fake_resolve, &err), -ENODEV);
	assert_string_equal(fw_err_format(&err, buf, sizeof(buf)),
			    "policy.json:10:65: egress.rules[0].not.interface[0]: no such device \"nope\"");
	fw_policy_free(&pol);

	/* Another error: strerror. */
	resolve_doc("locked0", "eth1", &pol);
	assert_int_equal(fw_policy_resolve(&pol, fake_resolve, &err), -EPERM);
	assert_string_equal(fw_err_format(&err, buf, sizeof(buf)),
			    "policy.json:10:65: egress.rules[0].not.interface[0]: Operation not permitted");
	fw_policy_free(&pol);

	/* A string value: the key's path; ingress before egress. */
	parse_ok("{\"version\": 1, \"default\": \"pass\", \"rules\": [\n"
		 "  {\"action\": \"pass\", \"protocol\": \"tcp\",\n"
		 "   \"not\": {\"interface\": \"wlan0\"}}],\n"
		 " \"egress\": {\"rules\": [{\"action\": \"pass\", \"interface\": \"x\"}]}}",
		 &pol);
	assert_int_equal(fw_policy_resolve(&pol, fake_resolve, &err), -ENODEV);
	assert_string_equal(fw_err_format(&err, buf, sizeof(buf)),
			    "policy.json:3:25: rules[0].not.interface: no such device \"wlan0\"");
	fw_policy_free(&pol);

	/* No interface matcher: nothing to do, the resolver is not called. */
	parse_ok(full_policy, &pol);
	assert_int_equal(fw_policy_resolve(&pol, NULL, &err), 0);
	fw_policy_free(&pol);
}

/* --- names and formats ---------------------------------------------------- */

static void test_new_names(void **state)
{
	static const struct {
		uint8_t mask, value;
		const char *text;
	} fl[] = {
		{ 0x12, 0x02, "syn,!ack" },
		{ 0x02, 0x02, "syn" },
		{ 0x01, 0x00, "!fin" },
		{ 0xff, 0xff, "fin,syn,rst,psh,ack,urg,ece,cwr" },
		{ 0xff, 0x00, "!fin,!syn,!rst,!psh,!ack,!urg,!ece,!cwr" },
		{ 0x17, 0x02, "!fin,syn,!rst,!ack" },
		{ 0xc0, 0x40, "ece,!cwr" },
	};
	struct fw_tcp_flags f;
	char buf[64];
	size_t i;

	assert_string_equal(fw_frag_mode_name(FW_FRAGS_MATCH), "match");
	assert_string_equal(fw_frag_mode_name(FW_FRAGS_PASS), "pass");
	assert_string_equal(fw_frag_mode_name(FW_FRAGS_DROP), "drop");
	assert_null(fw_frag_mode_name(3));

	for (i = 0; i < ARRAY_SIZE(fl); i++) {
		f.mask = fl[i].mask;
		f.value = fl[i].value;
		assert_int_equal(fw_tcp_flags_format(&f, buf, sizeof(buf)), 0);
		assert_string_equal(buf, fl[i].text);
	}
	f.mask = 0x12;
	f.value = 0x02;
	assert_int_equal(fw_tcp_flags_format(&f, buf, 9), 0);	/* exact */
	assert_string_equal(buf, "syn,!ack");
	assert_int_equal(fw_tcp_flags_format(&f, buf, 8), -ENOSPC);
	assert_string_equal(buf, "");
	f.value = 0x04;		/* not in mask */
	assert_int_equal(fw_tcp_flags_format(&f, buf, sizeof(buf)), -EINVAL);
	f.mask = f.value = 0;
	assert_int_equal(fw_tcp_flags_format(&f, buf, sizeof(buf)), -EINVAL);
	assert_int_equal(fw_tcp_flags_format(NULL, buf, sizeof(buf)), -EINVAL);
	assert_int_equal(fw_tcp_flags_format(&f, NULL, 0), -EINVAL);
}

/* The text of a flags matcher parses back to the same matcher. */
static void test_flags_roundtrip(void **state)
{
	struct fw_policy pol;
	struct fw_tcp_flags f;
	char text[64], doc[256];
	unsigned int mask, value;

	for (mask = 1; mask < 256; mask += 7) {
		for (value = 0; value < 256; value++) {
			if (value & ~mask)
				continue;
			f.mask = mask;
			f.value = value;
			assert_int_equal(fw_tcp_flags_format(&f, text,
							     sizeof(text)), 0);
			snprintf(doc, sizeof(doc),
				 "{\"version\": 1, \"default\": \"pass\", \"rules\": [{\"action\": \"drop\", \"protocol\": \"tcp\", \"tcp_flags\": \"%s\"}]}",
				 text);
			parse_ok(doc, &pol);
			assert_int_equal(pol.dir[0].rules[0].pos.tcp_flags[0].mask,
					 mask);
			assert_int_equal(pol.dir[0].rules[0].pos.tcp_flags[0].value,
					 value);
			fw_policy_free(&pol);
		}
	}
}

/* --- fw_json_locate ------------------------------------------------------- */

static const char loc_doc[] =
	"{\r\n"
	"  \"a\\\"b\": {\"x\": [1, \"]\\\"}\", {\"y\": \"\\u00e9\\\\\"}]},\r\n"
	"  \"\\u00e9t\\u00e9\": \"ü\", \"k\": {\"deep\": [[0, [1, {\"z\": true}]]]},\r\n"
	"  \"\\ud83d\\ude00\": [ {\"n\" : null} ,\t\"s\" ], \"ключ\":\r\n"
	"\r\n"
	"    -5e-3\r\n"
	"}\r\n";

static void expect_loc(const char *path, int ret, int line, int col)
{
	int l = -1, c = -1;

	if (fw_json_locate(loc_doc, strlen(loc_doc), path, &l, &c) != ret ||
	    l != line || c != col)
		print_error("path \"%s\": got %d:%d\n", path, l, c);
	assert_int_equal(fw_json_locate(loc_doc, strlen(loc_doc), path, &l,
					&c), ret);
	assert_int_equal(l, line);
	assert_int_equal(c, col);
}

static void test_locate(void **state)
{
	/* Present: keys with escapes, \u escapes, UTF-8, CRLF, nesting. */
	expect_loc("", 0, 1, 1);
	expect_loc("a\"b", 0, 2, 11);
	expect_loc("a\"b.x[1]", 0, 2, 21);
	expect_loc("a\"b.x[2].y", 0, 2, 35);
	expect_loc("été", 0, 3, 20);
	expect_loc("k", 0, 3, 30);
	expect_loc("k.deep", 0, 3, 39);
	expect_loc("k.deep[0][1]", 0, 3, 44);
	expect_loc("k.deep[0][1][1]", 0, 3, 48);
	expect_loc("k.deep[0][1][1].z", 0, 3, 54);
	expect_loc("😀", 0, 4, 19);
	expect_loc("😀[0].n", 0, 4, 28);
	expect_loc("😀[1]", 0, 4, 36);
	expect_loc("ключ", 0, 6, 5);

	/* Absent: -ENOENT at the innermost ancestor that exists. */
	expect_loc("a", -ENOENT, 1, 1);
	expect_loc("x.y.z", -ENOENT, 1, 1);
	expect_loc("a\"b.x[3]", -ENOENT, 2, 17);
	expect_loc("k.deep[0][1][2]", -ENOENT, 3, 44);
	expect_loc("k.deep[0][1][1].q", -ENOENT, 3, 48);
	expect_loc("k.deep.x", -ENOENT, 3, 39);	/* a key into an array */
	expect_loc("k[0]", -ENOENT, 3, 30);	/* an index into an object */
	expect_loc("été.x", -ENOENT, 3, 20);	/* into a string */
	expect_loc("😀[2]", -ENOENT, 4, 19);
	expect_loc("[0]", -ENOENT, 1, 1);

	/* Bad path syntax. */
	expect_loc("a..b", -EINVAL, 0, 0);
	expect_loc(".a", -EINVAL, 0, 0);
	expect_loc("k[", -EINVAL, 0, 0);
	expect_loc("k[x]", -EINVAL, 0, 0);
	expect_loc("k[1", -EINVAL, 0, 0);
	expect_loc("k]", -EINVAL, 0, 0);
	expect_loc("k[0]x", -EINVAL, 0, 0);
	expect_loc("k[99999999999999999999999]", -EINVAL, 0, 0);
}

/* Keys with dots (set names): the longest key that fits the path. */
static void test_locate_dotted(void **state)
{
	static const char doc[] =
		"{\"sets\": {\"a\": {\"file\": 1, \"x\": {\"b\": 2}}, \"a.b\": {\"file\": 3},\n"
		" \"a.b.c\": [4, {\"d\": 5}], \"q\": {\"a.b\": 6}}, \"r[0]\": 7}";
	static const struct {
		const char *path;
		int ret, line, col;
	} c[] = {
		{ "sets.a.file", 0, 1, 25 },
		{ "sets.a.b.file", 0, 1, 60 },
		{ "sets.a.b", 0, 1, 51 },
		{ "sets.a.b.c", 0, 2, 11 },
		{ "sets.a.b.c[1].d", 0, 2, 21 },
		{ "sets.a.x.b", 0, 1, 39 },
		{ "sets.q.a.b", 0, 2, 39 },
		{ "sets.a.b.c.d", -ENOENT, 2, 11 },	/* into an array */
		{ "sets.a.y", -ENOENT, 1, 16 },
		{ "sets.a.", -EINVAL, 0, 0 },
		{ "r[0]", -ENOENT, 1, 1 },	/* an index, not key "r[0]" */
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(c); i++) {
		int line = -1, col = -1, ret;

		ret = fw_json_locate(doc, strlen(doc), c[i].path, &line, &col);
		if (ret != c[i].ret || line != c[i].line || col != c[i].col)
			print_error("path \"%s\": got %d at %d:%d\n", c[i].path,
				    ret, line, col);
		assert_int_equal(ret, c[i].ret);
		assert_int_equal(line, c[i].line);
		assert_int_equal(col, c[i].col);
	}
}

static void test_locate_edges(void **state)
{
	int line = -1, col = -1;

	assert_int_equal(fw_json_locate(NULL, 0, "", &line, &col), -ENOENT);
	assert_int_equal(line, 0);
	assert_int_equal(fw_json_locate("", 0, "", &line, &col), -ENOENT);
	assert_int_equal(line, 0);
	assert_int_equal(fw_json_locate(" \n\t", 3, "", &line, &col), -ENOENT);
	assert_int_equal(line, 0);
	assert_int_equal(col, 0);

	/* len bounds the scan, not a NUL. */
	assert_int_equal(fw_json_locate("[1, 2]", 4, "[1]", &line, &col),
			 -ENOENT);
	assert_int_equal(line, 1);
	assert_int_equal(col, 1);
	assert_int_equal(fw_json_locate("[1, 2]", 5, "[1]", &line, &col), 0);
	assert_int_equal(col, 5);

	/* A value at the very start and a top-level array. */
	assert_int_equal(fw_json_locate("[[],{},\"\",\n7]", 13, "[3]", &line,
					&col), 0);
	assert_int_equal(line, 2);
	assert_int_equal(col, 1);

	/* Empty containers hold nothing. */
	assert_int_equal(fw_json_locate("{\"a\": []}", 9, "a[0]", &line,
					&col), -ENOENT);
	assert_int_equal(col, 7);
	assert_int_equal(fw_json_locate("{\"a\": {}}", 9, "a.b", &line, &col),
			 -ENOENT);
	assert_int_equal(col, 7);
}

/* Never read past len, never loop, whatever the text: ASan watches. */
static void test_locate_garbage(void **state)
{
	static const char *const paths[] = {
		"", "a\"b", "a\"b.x[2].y", "k.deep[0][1][1].z", "😀[1]",
		"ключ", "x[0]", "[0]", "[1].a",
	};
	static const char alphabet[] = "{}[]\",:\\ \nau1-0e.\xc3\xa9t";
	size_t len, i, p;
	uint32_t seed = 1;
	int line, col, ret;

	/* Every prefix of a real document, in a buffer of exactly len. */
	for (len = 0; len <= strlen(loc_doc); len++) {
		char *buf = malloc(len ? len : 1);

		assert_non_null(buf);
		memcpy(buf, loc_doc, len);
		for (p = 0; p < ARRAY_SIZE(paths); p++) {
			ret = fw_json_locate(buf, len, paths[p], &line, &col);
			assert_true(ret == 0 || ret == -ENOENT);
			assert_true(line >= 0 && col >= 0);
		}
		free(buf);
	}

	/* Random JSON-ish noise. */
	for (i = 0; i < 20000; i++) {
		char *buf;

		seed = seed * 1103515245 + 12345;
		len = seed >> 16 & 63;
		buf = malloc(len ? len : 1);
		assert_non_null(buf);
		for (p = 0; p < len; p++) {
			seed = seed * 1103515245 + 12345;
			buf[p] = alphabet[(seed >> 16) % (sizeof(alphabet) - 1)];
		}
		for (p = 0; p < ARRAY_SIZE(paths); p++) {
			ret = fw_json_locate(buf, len, paths[p], &line, &col);
			assert_true(ret == 0 || ret == -ENOENT);
		}
		free(buf);
	}
}

/* Deep nesting needs no stack in the scanner. */
static void test_locate_deep(void **state)
{
	size_t depth = 100000, i;
	char *doc = malloc(2 * depth + 16);
	int line, col;

	assert_non_null(doc);
	memcpy(doc, "{\"a\": ", 6);
	for (i = 0; i < depth; i++)
		doc[6 + i] = '[';
	for (i = 0; i < depth; i++)
		doc[6 + depth + i] = ']';
	memcpy(doc + 6 + 2 * depth, ", \"b\": 2}", 9);
	assert_int_equal(fw_json_locate(doc, 2 * depth + 15, "b", &line, &col),
			 0);
	assert_int_equal(line, 1);
	assert_int_equal(col, (int)(2 * depth + 14));
	assert_int_equal(fw_json_locate(doc, 2 * depth + 15, "a[0][0][0]",
					&line, &col), 0);
	assert_int_equal(col, 10);
	free(doc);
}

/* --- fw_policy_error_at, fw_err_format, names ----------------------------- */

static void test_error_at(void **state)
{
	struct fw_policy pol;
	struct fw_err err;
	char buf[512];

	parse_ok(full_policy, &pol);
	fw_policy_error_at(&pol, "interfaces[1]", &err,
			   "cannot find device \"%s\"", pol.ifaces[1].name);
	assert_string_equal(fw_err_format(&err, buf, sizeof(buf)),
			    "policy.json:4:26: interfaces[1]: cannot find device \"eth1\"");
	fw_policy_error_at(&pol, "egress.rules[1]", &err, "too many classes");
	assert_string_equal(fw_err_format(&err, buf, sizeof(buf)),
			    "policy.json:29:7: egress.rules[1]: too many classes");
	/* Absent: placed at the innermost ancestor ("rules"). */
	fw_policy_error_at(&pol, "rules[9].src", &err, "x");
	assert_string_equal(fw_err_format(&err, buf, sizeof(buf)),
			    "policy.json:9:12: rules[9].src: x");
	fw_policy_error_at(&pol, "", &err, "document");
	assert_string_equal(fw_err_format(&err, buf, sizeof(buf)),
			    "policy.json:1:1: document");
	fw_policy_free(&pol);

	/* No text: no position, no file. */
	fw_policy_error_at(&pol, "rules[0]", &err, "n=%d", 3);
	assert_string_equal(fw_err_format(&err, buf, sizeof(buf)),
			    "rules[0]: n=3");
}

static void test_err_format(void **state)
{
	struct fw_err err;
	char buf[256], small[10];

	memset(&err, 0, sizeof(err));
	strcpy(err.file, "policy.json");
	strcpy(err.path, "rules[1].dst_port");
	strcpy(err.msg, "70000 is not a port (0-65535)");
	err.line = 7;
	err.col = 20;
	assert_string_equal(fw_err_format(&err, buf, sizeof(buf)),
			    "policy.json:7:20: rules[1].dst_port: 70000 is not a port (0-65535)");
	err.line = 0;
	assert_string_equal(fw_err_format(&err, buf, sizeof(buf)),
			    "policy.json: rules[1].dst_port: 70000 is not a port (0-65535)");
	err.path[0] = '\0';
	assert_string_equal(fw_err_format(&err, buf, sizeof(buf)),
			    "policy.json: 70000 is not a port (0-65535)");
	err.line = 3;
	err.col = 1;
	assert_string_equal(fw_err_format(&err, buf, sizeof(buf)),
			    "policy.json:3:1: 70000 is not a port (0-65535)");
	err.file[0] = '\0';
	assert_string_equal(fw_err_format(&err, buf, sizeof(buf)),
			    "3:1: 70000 is not a port (0-65535)");
	err.line = 0;
	assert_string_equal(fw_err_format(&err, buf, sizeof(buf)),
			    "70000 is not a port (0-65535)");

	/* Cut short, always terminated. */
	strcpy(err.file, "policy.json");
	assert_string_equal(fw_err_format(&err, small, sizeof(small)),
			    "policy.js");
	assert_string_equal(fw_err_format(&err, small, 1), "");
	assert_string_equal(fw_err_format(&err, NULL, 0), "");
}

static void test_names(void **state)
{
	struct fw_prefix p = { .family = 4, .plen = 24, .addr = { 192, 0, 2 } };
	char buf[64];
	static const struct {
		unsigned int num;
		const char *name;
	} protos[] = {
		{ 1, "icmp" }, { 2, "igmp" }, { 6, "tcp" }, { 17, "udp" },
		{ 47, "gre" }, { 50, "esp" }, { 51, "ah" }, { 58, "icmpv6" },
		{ 132, "sctp" }, { 136, "udplite" },
	};
	size_t i;

	assert_string_equal(fw_action_name(FW_ACT_PASS), "pass");
	assert_string_equal(fw_action_name(FW_ACT_DROP), "drop");
	assert_null(fw_action_name(__FW_ACT_MAX));
	assert_string_equal(fw_mode_name(FW_MODE_AUTO), "auto");
	assert_string_equal(fw_mode_name(FW_MODE_NATIVE), "native");
	assert_string_equal(fw_mode_name(FW_MODE_SKB), "skb");
	assert_string_equal(fw_mode_name(FW_MODE_HW), "hw");
	assert_null(fw_mode_name(4));
	for (i = 0; i < ARRAY_SIZE(protos); i++)
		assert_string_equal(fw_proto_name(protos[i].num),
				    protos[i].name);
	assert_null(fw_proto_name(0));
	assert_null(fw_proto_name(3));
	assert_null(fw_proto_name(255));
	assert_null(fw_proto_name(256 + 6));

	assert_int_equal(fw_prefix_format(&p, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "192.0.2.0/24");
	assert_int_equal(fw_prefix_format(&p, buf, 12), -ENOSPC);
	assert_int_equal(fw_prefix_format(&p, buf, 13), 0);
	p.plen = 33;
	assert_int_equal(fw_prefix_format(&p, buf, sizeof(buf)), -EINVAL);
	p.family = 5;
	assert_int_equal(fw_prefix_format(&p, buf, sizeof(buf)), -EINVAL);
	memset(&p, 0, sizeof(p));
	p.family = 6;
	p.plen = 128;
	p.addr[15] = 1;
	assert_int_equal(fw_prefix_format(&p, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "::1/128");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_full_policy),
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_zeroed_free),
		cmocka_unit_test(test_top_errors),
		cmocka_unit_test(test_rule_errors),
		cmocka_unit_test(test_addr_errors),
		cmocka_unit_test(test_proto_errors),
		cmocka_unit_test(test_port_errors),
		cmocka_unit_test(test_iface_errors),
		cmocka_unit_test(test_iface_patterns),
		cmocka_unit_test(test_top2_errors),
		cmocka_unit_test(test_set_errors),
		cmocka_unit_test(test_ref_errors),
		cmocka_unit_test(test_flags_errors),
		cmocka_unit_test(test_icmp_errors),
		cmocka_unit_test(test_vlan_iface_errors),
		cmocka_unit_test(test_not_errors),
		cmocka_unit_test(test_matchers),
		cmocka_unit_test(test_new_defaults),
		cmocka_unit_test(test_syntax_errors),
		cmocka_unit_test(test_empty_and_huge_buffers),
		cmocka_unit_test(test_rule_limit),
		cmocka_unit_test(test_examples),
		cmocka_unit_test(test_files),
		cmocka_unit_test(test_set_files),
		cmocka_unit_test(test_set_file_big),
		cmocka_unit_test(test_resolve),
		cmocka_unit_test(test_locate),
		cmocka_unit_test(test_locate_edges),
		cmocka_unit_test(test_locate_dotted),
		cmocka_unit_test(test_locate_garbage),
		cmocka_unit_test(test_locate_deep),
		cmocka_unit_test(test_error_at),
		cmocka_unit_test(test_err_format),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_new_names),
		cmocka_unit_test(test_flags_roundtrip),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
