// SPDX-License-Identifier: GPL-2.0
/*
 * test_policy.c - unit tests (cmocka) of the policy parser (ctl/policy.c)
 * and of the JSON path locator (ctl/jpath.c).
 *
 * Every error case asserts the whole formatted message, line:column
 * included; the positions in the tables were computed independently of
 * fw_json_locate (by counting characters of the documents). Run from the
 * repository root: the example policies are read as rules/example-*.json.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
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
	assert_true(r->has_src);
	assert_int_equal(r->n_src, 2);
	assert_prefix(&r->src[0], 4, 24, "192.0.2.0/24");
	assert_memory_equal(r->src[0].addr, v4, 16);
	assert_prefix(&r->src[1], 6, 48, "2001:db8:1::/48");
	assert_memory_equal(r->src[1].addr, v6, 16);
	assert_false(r->has_dst);
	assert_int_equal(r->n_dst, 0);
	assert_null(r->dst);
	assert_true(r->has_proto);
	assert_true(r->proto[0] == 1ULL << 6);
	assert_true(!r->proto[1] && !r->proto[2] && !r->proto[3]);
	assert_false(r->has_sport);
	assert_int_equal(r->n_sport, 0);
	assert_true(r->has_dport);
	assert_int_equal(r->n_dport, 1);
	assert_range(&r->dport[0], 22, 22);

	r = &in->rules[1];
	assert_string_equal(r->id, "");
	assert_string_equal(r->comment, "");
	assert_string_equal(r->path, "rules[1]");
	assert_int_equal(r->action, FW_ACT_DROP);
	assert_int_equal(r->n_src, 1);
	assert_prefix(&r->src[0], 4, 15, "198.18.0.0/15");
	assert_true(r->src[0].addr[0] == 198 && r->src[0].addr[1] == 18);
	assert_true(r->has_dst);
	assert_int_equal(r->n_dst, 1);
	assert_prefix(&r->dst[0], 4, 32, "192.0.2.7/32");
	assert_false(r->has_proto);
	assert_true(!r->proto[0] && !r->proto[1] && !r->proto[2] &&
		    !r->proto[3]);
	assert_false(r->has_sport || r->has_dport);

	r = &in->rules[2];
	assert_string_equal(r->id, "web:v6_1.a-b");
	assert_false(r->has_src);
	assert_int_equal(r->n_dst, 1);
	assert_prefix(&r->dst[0], 6, 128, "2001:db8::80/128");
	assert_int_equal(r->dst[0].addr[15], 0x80);
	assert_true(r->proto[0] == (1ULL << 6 | 1ULL << 17));
	assert_true(r->proto[1] == 0 && r->proto[3] == 0);
	assert_true(r->proto[2] == (1ULL << (132 - 128) | 1ULL << (136 - 128)));
	assert_int_equal(r->n_dport, 5);
	assert_range(&r->dport[0], 0, 0);
	assert_range(&r->dport[1], 80, 91);
	assert_range(&r->dport[2], 443, 443);
	assert_range(&r->dport[3], 999, 1000);
	assert_range(&r->dport[4], 65535, 65535);
	assert_true(r->has_sport);
	assert_int_equal(r->n_sport, 1);
	assert_range(&r->sport[0], 1024, 65535);

	r = &in->rules[3];
	assert_true(r->proto[0] == (1ULL << 0 | 1ULL << 1 | 1ULL << 58));
	assert_true(r->proto[1] == 0 && r->proto[2] == 0);
	assert_true(r->proto[3] == 1ULL << 63);

	r = &in->rules[4];
	assert_int_equal(r->n_src, 3);
	assert_prefix(&r->src[0], 4, 0, "0.0.0.0/0");
	assert_prefix(&r->src[1], 6, 0, "::/0");
	assert_prefix(&r->src[2], 4, 8, "192.0.0.0/8");

	r = &in->rules[5];	/* mixed src, IPv6 dst: can match IPv6 */
	assert_int_equal(r->n_src, 2);
	assert_prefix(&r->dst[0], 6, 128, "2001:db8::1/128");

	eg = &pol.dir[FW_DIR_EGRESS];
	assert_int_equal(eg->default_action, FW_ACT_DROP);
	assert_int_equal(eg->n_rules, 2);
	r = &eg->rules[0];
	assert_string_equal(r->path, "egress.rules[0]");
	assert_string_equal(r->id, "dns");
	assert_prefix(&r->dst[0], 4, 32, "192.0.2.53/32");
	assert_true(r->proto[0] == 1ULL << 17);
	assert_int_equal(r->n_dport, 1);
	assert_range(&r->dport[0], 53, 53);
	r = &eg->rules[1];
	assert_string_equal(r->path, "egress.rules[1]");
	assert_int_equal(r->action, FW_ACT_DROP);
	assert_false(r->has_src || r->has_dst || r->has_proto ||
		     r->has_sport || r->has_dport);

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
	  " \"sets\": {}}",
	  "policy.json:2:10: unknown key \"sets\" (allowed: version, description, interfaces, non_ip, default, rules, egress)" },
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
	  "policy.json:5:32: rules[0]: unknown key \"port\" (allowed: action, id, comment, src, dst, protocol, src_port, dst_port)" },
	{ "{\n"
	  "  \"version\": 1,\n"
	  "  \"default\": \"drop\",\n"
	  "  \"rules\": [\n"
	  "    {\"action\": \"pass\", \"a.b\\\"c\": 1}\n"
	  "  ]\n"
	  "}\n",
	  "policy.json:5:5: rules[0]: unknown key \"a.b\\\"c\" (allowed: action, id, comment, src, dst, protocol, src_port, dst_port)" },
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
	  "policy.json:3:59: interfaces[2].mode: \"xdp\" is not a mode (auto, native, skb)" },
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
		     "policy.json:1:39: rules: 4097 rules exceed the maximum of 4096");
	free(doc);

	doc = many_rules(FW_MAX_RULES + 1, 1);
	expect_error(doc,
		     "policy.json:1:49: egress.rules: 4097 rules exceed the maximum of 4096");
	free(doc);

	doc = many_rules(FW_MAX_RULES, 0);
	parse_ok(doc, &pol);
	assert_int_equal(pol.dir[FW_DIR_INGRESS].n_rules, FW_MAX_RULES);
	assert_string_equal(pol.dir[FW_DIR_INGRESS].rules[4095].path,
			    "rules[4095]");
	fw_policy_free(&pol);
	free(doc);

	doc = many_rules(FW_MAX_RULES, 1);
	parse_ok(doc, &pol);
	assert_int_equal(pol.dir[FW_DIR_EGRESS].n_rules, FW_MAX_RULES);
	assert_string_equal(pol.dir[FW_DIR_EGRESS].rules[4095].path,
			    "egress.rules[4095]");
	fw_policy_free(&pol);
	free(doc);
}

/* --- files ---------------------------------------------------------------- */

static void test_examples(void **state)
{
	struct fw_policy pol;
	struct fw_err err;
	char buf[1024];
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
	assert_null(fw_mode_name(3));
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
		cmocka_unit_test(test_syntax_errors),
		cmocka_unit_test(test_empty_and_huge_buffers),
		cmocka_unit_test(test_rule_limit),
		cmocka_unit_test(test_examples),
		cmocka_unit_test(test_files),
		cmocka_unit_test(test_locate),
		cmocka_unit_test(test_locate_edges),
		cmocka_unit_test(test_locate_garbage),
		cmocka_unit_test(test_locate_deep),
		cmocka_unit_test(test_error_at),
		cmocka_unit_test(test_err_format),
		cmocka_unit_test(test_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
