// SPDX-License-Identifier: GPL-2.0
/*
 * test_obs.c - observability without a kernel (issue 5): the "log" key as
 * parsed (defaults, sample, rate), its log slots and limits as compiled, the
 * per-direction limit with its error, and the pcap writer read back by the
 * pcap reader (header, lengths, times, bytes).
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include "compile.h"
#include "pcap.h"

static int resolve(const char *name)
{
	(void)name;
	return 1;
}

static int parse(const char *json, struct fw_policy *pol, struct fw_err *err)
{
	memset(pol, 0, sizeof(*pol));
	return fw_policy_parse_buf(json, strlen(json), "t.json", pol, err);
}

static void test_log_parse(void **state)
{
	const char *json =
		"{ \"version\": 1, \"default\": \"pass\", \"rules\": [\n"
		"  { \"action\": \"drop\", \"log\": true },\n"
		"  { \"action\": \"drop\", \"log\": false },\n"
		"  { \"action\": \"pass\", \"log\": { \"sample\": 7 } },\n"
		"  { \"action\": \"pass\", \"log\": { \"rate\": \"250/s\" } },\n"
		"  { \"action\": \"pass\", \"log\": { \"sample\": 1000000, \"rate\": \"1000000/s\" } },\n"
		"  { \"action\": \"pass\", \"log\": {} },\n"
		"  { \"action\": \"pass\" } ] }";
	struct fw_policy pol;
	struct fw_err err;
	const struct fw_rule_ir *r;

	(void)state;
	assert_int_equal(parse(json, &pol, &err), 0);
	r = pol.dir[0].rules;
	assert_true(r[0].log);
	assert_int_equal(r[0].log_sample, 1);
	assert_int_equal(r[0].log_rate, FW_LOG_DEFAULT_RATE);
	assert_false(r[1].log);
	assert_true(r[2].log);
	assert_int_equal(r[2].log_sample, 7);
	assert_int_equal(r[2].log_rate, FW_LOG_DEFAULT_RATE);
	assert_int_equal(r[3].log_sample, 1);
	assert_int_equal(r[3].log_rate, 250);
	assert_int_equal(r[4].log_sample, 1000000);
	assert_int_equal(r[4].log_rate, 1000000);
	assert_true(r[5].log);
	assert_false(r[6].log);
	fw_policy_free(&pol);
}

static void expect_error(const char *log, const char *msg)
{
	char json[512], buf[1024];
	struct fw_policy pol;
	struct fw_err err;

	snprintf(json, sizeof(json),
		 "{ \"version\": 1, \"default\": \"pass\",\n"
		 "  \"rules\": [ { \"action\": \"drop\", \"log\": %s } ] }", log);
	assert_int_equal(parse(json, &pol, &err), -EINVAL);
	fw_err_format(&err, buf, sizeof(buf));
	if (strcmp(buf, msg))
		print_error("%s:\n  got      %s\n  expected %s\n", log, buf, msg);
	assert_string_equal(buf, msg);
	fw_policy_free(&pol);
}

static void test_log_errors(void **state)
{
	(void)state;
	expect_error("\"yes\"", "t.json:2:41: rules[0].log: expected true, false or an object, got a string");
	expect_error("1", "t.json:2:41: rules[0].log: expected true, false or an object, got an integer");
	expect_error("{ \"sample\": 0 }",
		     "t.json:2:53: rules[0].log.sample: 0 is not a sample rate (1 in N packets, N from 1 to 1000000)");
	expect_error("{ \"sample\": 1000001 }",
		     "t.json:2:53: rules[0].log.sample: 1000001 is not a sample rate (1 in N packets, N from 1 to 1000000)");
	expect_error("{ \"sample\": \"10\" }",
		     "t.json:2:53: rules[0].log.sample: expected an integer, got a string");
	expect_error("{ \"rate\": 100 }",
		     "t.json:2:51: rules[0].log.rate: expected a string such as \"100/s\", got an integer");
	expect_error("{ \"rate\": \"100\" }",
		     "t.json:2:51: rules[0].log.rate: \"100\" is not a rate (events per second, such as \"100/s\")");
	expect_error("{ \"rate\": \"100/m\" }",
		     "t.json:2:51: rules[0].log.rate: \"100/m\" is not a rate (events per second, such as \"100/s\")");
	expect_error("{ \"rate\": \"-1/s\" }",
		     "t.json:2:51: rules[0].log.rate: \"-1/s\" is not a rate (events per second, such as \"100/s\")");
	expect_error("{ \"rate\": \"0/s\" }",
		     "t.json:2:51: rules[0].log.rate: \"0/s\" is out of range (1/s to 1000000/s)");
	expect_error("{ \"rate\": \"99999999999999999999/s\" }",
		     "t.json:2:51: rules[0].log.rate: \"99999999999999999999/s\" is not a rate (events per second, such as \"100/s\")");
	expect_error("{ \"smaple\": 2 }",
		     "t.json:2:53: rules[0].log: unknown key \"smaple\" (did you mean \"sample\"?)");
}

static void compile_json(const char *json, struct fw_policy *pol, struct fw_tables *t,
			 int expect, struct fw_err *err)
{
	assert_int_equal(parse(json, pol, err), 0);
	assert_int_equal(fw_policy_resolve(pol, resolve, err), 0);
	assert_int_equal(fw_compile(pol, t, err), expect);
}

static void test_log_compile(void **state)
{
	const char *json =
		"{ \"version\": 1, \"default\": \"pass\",\n"
		"  \"failsafe\": [ { \"action\": \"pass\", \"protocol\": \"tcp\", \"dst_port\": 22, \"log\": true } ],\n"
		"  \"rules\": [ { \"action\": \"drop\", \"protocol\": \"udp\" },\n"
		"    { \"action\": \"drop\", \"log\": { \"sample\": 3, \"rate\": \"9/s\" } },\n"
		"    { \"action\": \"pass\", \"log\": true } ],\n"
		"  \"egress\": { \"default\": \"pass\", \"rules\": [ { \"action\": \"pass\", \"log\": { \"sample\": 2 } } ] } }";
	struct fw_policy pol;
	struct fw_tables t;
	struct fw_err err;

	(void)state;
	compile_json(json, &pol, &t, 0, &err);
	/* ingress: failsafe[0], rules 0..2 -> slots 0, -, 1, 2 */
	assert_int_equal(t.dir[0].n_log, 3);
	assert_int_equal(t.dir[0].rules[0].flags & FW_RF_LOG, FW_RF_LOG);
	assert_int_equal(t.dir[0].rules[0].log, 0);
	assert_int_equal(t.dir[0].rules[1].flags & FW_RF_LOG, 0);
	assert_int_equal(t.dir[0].rules[2].log, 1);
	assert_int_equal(t.dir[0].rules[2].action, FW_ACT_DROP);
	assert_int_equal(t.dir[0].rules[3].log, 2);
	assert_int_equal(t.dir[0].logcfg[0].sample, 1);
	assert_int_equal(t.dir[0].logcfg[0].rate, FW_LOG_DEFAULT_RATE);
	assert_int_equal(t.dir[0].logcfg[1].sample, 3);
	assert_int_equal(t.dir[0].logcfg[1].rate, 9);
	/* egress: the failsafe mirror logs too, then the egress rule */
	assert_int_equal(t.dir[1].n_log, 2);
	assert_int_equal(t.dir[1].rules[1].log, 1);
	assert_int_equal(t.dir[1].logcfg[1].sample, 2);
	fw_tables_free(&t);
	fw_policy_free(&pol);
}

/* n rules with "log", one a line from line 2 */
static char *log_rules(int n)
{
	size_t size = 64 + (size_t)n * 96, off;
	char *json = malloc(size);

	assert_non_null(json);
	off = (size_t)snprintf(json, size, "{ \"version\": 1, \"default\": \"pass\", \"rules\": [\n");
	for (int i = 0; i < n; i++)
		off += (size_t)snprintf(json + off, size - off,
					"{ \"action\": \"drop\", \"dst_port\": %d, \"protocol\": \"udp\", \"log\": true }%s\n",
					i + 1, i == n - 1 ? "" : ",");
	snprintf(json + off, size - off, "] }");
	return json;
}

static void test_log_limit(void **state)
{
	char *json = log_rules(FW_LOG_MAX + 1), buf[1024];
	struct fw_policy pol;
	struct fw_tables t = { 0 };
	struct fw_err err;

	(void)state;
	compile_json(json, &pol, &t, -EINVAL, &err);
	fw_err_format(&err, buf, sizeof(buf));
	assert_string_equal(buf, "t.json:258:64: rules[256].log: more than 256 rules with \"log\" in ingress (at most 256 per direction)");
	fw_policy_free(&pol);
	free(json);

	json = log_rules(FW_LOG_MAX);	/* 256 is fine */
	compile_json(json, &pol, &t, 0, &err);
	assert_int_equal(t.dir[0].n_log, FW_LOG_MAX);
	assert_int_equal(t.dir[0].rules[FW_LOG_MAX - 1].log, FW_LOG_MAX - 1);
	fw_tables_free(&t);
	fw_policy_free(&pol);
	free(json);
}

static void test_pcap_writer(void **state)
{
	char path[] = "/tmp/fwpcap.XXXXXX", msg[128];
	struct fw_pcap_writer w;
	struct fw_pcap_rec r;
	struct fw_pcap p;
	uint8_t frame[300];
	int fd = mkstemp(path);

	(void)state;
	assert_true(fd >= 0);
	close(fd);
	for (size_t i = 0; i < sizeof(frame); i++)
		frame[i] = (uint8_t)i;
	assert_int_equal(fw_pcap_create(&w, path, 128), 0);
	assert_int_equal(fw_pcap_write(&w, 1700000000123456789ull, frame, 60, 60), 0);
	assert_int_equal(fw_pcap_write(&w, 1700000001000000000ull, frame, 300, 300), 0);
	assert_int_equal(fw_pcap_finish(&w), 0);

	assert_int_equal(fw_pcap_open(&p, path, msg, sizeof(msg)), 0);
	assert_int_equal(p.linktype, 1);
	assert_int_equal(fw_pcap_next(&p, &r), 1);
	assert_int_equal(r.caplen, 60);
	assert_int_equal(r.len, 60);
	assert_true(r.ts_ns == 1700000000123456000ull);	/* microseconds */
	assert_memory_equal(r.data, frame, 60);
	assert_int_equal(fw_pcap_next(&p, &r), 1);
	assert_int_equal(r.caplen, 128);		/* cut at the snaplen */
	assert_int_equal(r.len, 300);
	assert_memory_equal(r.data, frame, 128);
	assert_int_equal(fw_pcap_next(&p, &r), 0);
	fw_pcap_close(&p);
	unlink(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_log_parse),
		cmocka_unit_test(test_log_errors),
		cmocka_unit_test(test_log_compile),
		cmocka_unit_test(test_log_limit),
		cmocka_unit_test(test_pcap_writer),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
