// SPDX-License-Identifier: GPL-2.0
/*
 * prog_hw.c - the offload variant (xdp/fw_xdp_hw.bpf.c) loaded into this
 * kernel as an ordinary XDP program (no NIC here can take it offloaded: the
 * program and its tables are the same), run with BPF_PROG_TEST_RUN: fixed
 * verdicts, the generation flip, and a randomized differential test of its
 * verdicts against the reference model on random policies in the hw
 * subset (src/dst prefix lists, protocols, port ranges; expanded by
 * fw_hw_compile) and random packets (VLAN tags, options, fragments).
 * Also: fw_hw_compile's refusals, with positions.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <errno.h>
#include <linux/bpf.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "fwctl.h"
#include "../gen.h"

static struct bpf_object *obj;
static int prog_fd = -1, map_fd[3] = { -1, -1, -1 };

static int setup(void **state)
{
	static const char *const names[3] = { "fw_hw_gen", "fw_hw_cfg", "fw_hw_rules" };
	struct bpf_program *p;

	obj = fw_open_xdp_hw_obj();
	if (!obj || bpf_object__load(obj))
		return -1;
	p = bpf_object__find_program_by_name(obj, "fw_xdp_hw");
	prog_fd = p ? bpf_program__fd(p) : -1;
	for (int i = 0; i < 3; i++)
		map_fd[i] = bpf_object__find_map_fd_by_name(obj, names[i]);
	return prog_fd < 0 || map_fd[0] < 0 || map_fd[1] < 0 || map_fd[2] < 0 ? -1 : 0;
}

static int teardown(void **state)
{
	bpf_object__close(obj);
	return 0;
}

static int hw_apply(const char *json, struct fw_policy *pol, struct fw_err *err)
{
	struct fw_hw_tables t;
	int ret;

	memset(pol, 0, sizeof(*pol));
	ret = fw_policy_parse_buf(json, strlen(json), "t.json", pol, err);
	if (!ret)
		ret = fw_hw_compile(pol, &t, err);
	if (!ret)
		ret = fw_hw_write(map_fd, &t);
	return ret;
}

static int run(const uint8_t *frame, size_t len)
{
	uint8_t out[512];
	LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = frame,
		    .data_size_in = (uint32_t)len, .data_out = out,
		    .data_size_out = sizeof(out), .repeat = 1);

	if (bpf_prog_test_run_opts(prog_fd, &opts))
		fail_msg("test run failed: %s", strerror(errno));
	return (int)opts.retval;
}

static size_t frame_of(const char *src, const char *dst, int proto, int dport, uint8_t *buf)
{
	struct fw_pkt_desc d = { .proto = (uint8_t)proto, .has_ports = dport >= 0,
				 .sport = 40000, .dport = (uint16_t)(dport < 0 ? 0 : dport) };
	struct gen_frame f = { 0 };

	d.family = strchr(src, ':') ? 6 : 4;
	inet_pton(d.family == 4 ? AF_INET : AF_INET6, src, d.saddr);
	inet_pton(d.family == 4 ? AF_INET : AF_INET6, dst, d.daddr);
	d.has_tcp = proto == 6;
	return gen_frame_build(&d, &f, buf);
}

static void test_fixed(void **state)
{
	uint8_t b[256];
	struct fw_policy pol;
	struct fw_err err;
	uint32_t zero = 0, gen0, gen1;

	assert_int_equal(bpf_map_lookup_elem(map_fd[0], &zero, &gen0), 0);
	assert_int_equal(hw_apply("{\"version\":1,\"default\":\"drop\",\"rules\":["
		"{\"action\":\"drop\",\"src\":[\"192.0.2.128/25\",\"2001:db8:1::/48\"]},"
		"{\"action\":\"pass\",\"protocol\":[\"tcp\",\"udp\"],\"dst_port\":[22,\"8000-8099\"]},"
		"{\"action\":\"pass\",\"protocol\":\"icmp\"}]}", &pol, &err), 0);
	fw_policy_free(&pol);
	assert_int_equal(bpf_map_lookup_elem(map_fd[0], &zero, &gen1), 0);
	assert_int_equal(gen1, gen0 ^ 1);	/* one flip */
	assert_int_equal(run(b, frame_of("192.0.2.1", "198.18.0.1", 6, 22, b)), XDP_PASS);
	assert_int_equal(run(b, frame_of("192.0.2.200", "198.18.0.1", 6, 22, b)), XDP_DROP);
	assert_int_equal(run(b, frame_of("192.0.2.1", "198.18.0.1", 17, 8099, b)), XDP_PASS);
	assert_int_equal(run(b, frame_of("192.0.2.1", "198.18.0.1", 17, 8100, b)), XDP_DROP);
	assert_int_equal(run(b, frame_of("2001:db8:1::5", "2001:db8:2::1", 6, 22, b)), XDP_DROP);
	assert_int_equal(run(b, frame_of("2001:db8:2::5", "2001:db8:2::1", 6, 22, b)), XDP_PASS);
	assert_int_equal(run(b, frame_of("192.0.2.1", "198.18.0.1", 1, -1, b)), XDP_PASS);
	assert_int_equal(run(b, frame_of("2001:db8:2::5", "2001:db8:2::1", 58, -1, b)), XDP_DROP);
	memset(b, 0, 60);
	b[12] = 0x08, b[13] = 0x06;		/* ARP: non_ip defaults to pass */
	assert_int_equal(run(b, 60), XDP_PASS);
	b[13] = 0x00;				/* IPv4, truncated: malformed drops */
	assert_int_equal(run(b, 20), XDP_DROP);
}

static void expect_refusal(const char *json, const char *want)
{
	struct fw_policy pol = { 0 };
	struct fw_hw_tables t;
	struct fw_err err = { 0 };
	char buf[1024];

	if (fw_policy_parse_buf(json, strlen(json), "t.json", &pol, &err))
		fail_msg("parse: %s", fw_err_format(&err, buf, sizeof(buf)));
	assert_int_equal(fw_hw_compile(&pol, &t, &err), -EINVAL);
	assert_string_equal(fw_err_format(&err, buf, sizeof(buf)), want);
	fw_policy_free(&pol);
}

static void test_refusals(void **state)
{
	expect_refusal("{\"version\":1,\"default\":\"drop\",\"rules\":[{\"action\":\"pass\"},\n"
		       "{\"action\":\"pass\",\"protocol\":\"tcp\",\"tcp_flags\":\"syn\"}]}",
		       "t.json:2:47: rules[1].tcp_flags: tcp_flags is not supported in hw mode (hw rules match src and dst prefixes, not sets; protocol, src_port and dst_port)");
	expect_refusal("{\"version\":1,\"default\":\"drop\",\"rules\":[\n"
		       "{\"action\":\"pass\",\"not\":{\"dst_port\":22},\"protocol\":\"tcp\"}]}",
		       "t.json:2:24: rules[0].not: \"not\" is not supported in hw mode (hw rules match src, dst, protocol, src_port and dst_port)");
	expect_refusal("{\"version\":1,\"default\":\"drop\",\"sets\":{\"b\":{\"elements\":[\"192.0.2.0/24\"]}},\n"
		       "\"rules\":[{\"action\":\"drop\",\"src\":\"@b\"}]}",
		       "t.json:2:33: rules[0].src: a set is not supported in hw mode (hw rules match src and dst prefixes, not sets; protocol, src_port and dst_port)");
	expect_refusal("{\"version\":1,\"default\":\"drop\",\"rules\":[\n"
		       "{\"action\":\"pass\",\"protocol\":[\"tcp\",\"udp\"],\"dst_port\":[1,3,5,7,9,11,13,15,17,19,21,23,25,27,29,31]},\n"
		       "{\"action\":\"pass\",\"protocol\":\"tcp\",\"src_port\":[9,10]}]}",
		       "t.json:3:1: rules[1]: hw mode holds at most 32 classifier entries, and the rules up to this one need 33 (a rule's lists multiply: src x dst x protocol x src_port x dst_port)");
	/* forwarding (issue 6) */
	expect_refusal("{\"version\":1,\"default\":\"drop\",\"rules\":[\n"
		       "{\"action\":{\"redirect\":\"eth1\"}}]}",
		       "t.json:2:11: rules[0].action: redirect and fib forwarding are not supported in hw mode (hw rules pass or drop)");
	expect_refusal("{\"version\":1,\"default\":\"drop\",\"rules\":[],\"egress\":{\"rules\":[\n"
		       "{\"action\":\"pass\",\"rewrite\":{\"ttl\":9}}]}}",
		       "t.json:2:28: egress.rules[0].rewrite: egress rewrite is not supported with hw mode attachments (its static NAT reverse runs in the host's XDP program)");
	/* conntrack (issue 5): no flow table on a NIC */
	expect_refusal("{\"version\":1,\"default\":\"drop\",\n\"conntrack\":{}}",
		       "t.json:2:13: conntrack: conntrack is not supported in hw mode (no flow table on the NIC): remove \"conntrack\", \"ct\" matchers and \"track\" rules, or attach in native/skb mode");
	expect_refusal("{\"version\":1,\"default\":\"drop\",\"rules\":[\n"
		       "{\"action\":\"pass\",\"ct\":\"established\"}]}",
		       "t.json:2:23: rules[0].ct: conntrack is not supported in hw mode (no flow table on the NIC): remove \"conntrack\", \"ct\" matchers and \"track\" rules, or attach in native/skb mode");
	expect_refusal("{\"version\":1,\"default\":\"drop\",\"rules\":[\n"
		       "{\"action\":\"pass\",\"protocol\":\"tcp\",\"track\":true}]}",
		       "t.json:2:43: rules[0].track: conntrack is not supported in hw mode (no flow table on the NIC): remove \"conntrack\", \"ct\" matchers and \"track\" rules, or attach in native/skb mode");
}

/* A random policy in the hw subset. */
static char *hw_policy_json(struct rng *r, const struct gen_pool *pool, int n_rules)
{
	static const char *const frags[] = { "match", "match", "pass", "drop" };
	static const int protos[] = { 1, 58, 6, 17, 47, 132 };
	struct sbuf b = { 0 };

	sb_printf(&b, "{\"version\":1,\"default\":\"%s\",\"non_ip\":\"%s\",\"fragments\":\"%s\",\"malformed\":\"%s\",\"rules\":[\n",
		  rng_pct(r, 50) ? "pass" : "drop", rng_pct(r, 50) ? "pass" : "drop",
		  frags[rng_below(r, 4)], rng_pct(r, 80) ? "drop" : "pass");
	for (int i = 0; i < n_rules; i++) {
		int fam = rng_pct(r, 30) ? 0 : (rng_pct(r, 50) ? 4 : 6);
		int kind = (int)rng_below(r, 3);

		sb_printf(&b, "%s{\"action\":\"%s\"", i ? ",\n" : "", rng_pct(r, 50) ? "pass" : "drop");
		if (rng_pct(r, 55)) {
			sb_printf(&b, ",\"src\":");
			gen_prefix_list(r, pool, &b, fam);
		}
		if (rng_pct(r, 40)) {
			sb_printf(&b, ",\"dst\":");
			gen_prefix_list(r, pool, &b, fam ? fam : (rng_pct(r, 50) ? 4 : 6));
		}
		if (kind == 1) {
			sb_printf(&b, ",\"protocol\":%d", protos[rng_below(r, 6)]);
		} else if (kind == 2) {
			sb_printf(&b, ",\"protocol\":[\"%s\"%s]", gen_l4_names[rng_below(r, 4)],
				  rng_pct(r, 30) ? ",\"udp\"" : "");
			if (rng_pct(r, 60)) {
				sb_printf(&b, ",\"dst_port\":");
				gen_ports(r, pool, &b);
			}
			if (rng_pct(r, 25)) {
				sb_printf(&b, ",\"src_port\":");
				gen_ports(r, pool, &b);
			}
		}
		sb_printf(&b, "}");
	}
	sb_printf(&b, "]}\n");
	return b.s;
}

static void test_differential(void **state)
{
	struct rng r = { 4242 };
	long cases = 0, mismatches = 0;
	int policies = 0, tried = 0;

	while (policies < 60 && tried < 1000) {
		struct gen_pool pool;
		struct fw_policy pol;
		struct fw_err err;
		char *json;

		tried++;
		gen_pool_init(&r, &pool);
		json = hw_policy_json(&r, &pool, 1 + (int)rng_below(&r, 8));
		if (hw_apply(json, &pol, &err)) {	/* too many entries: another one */
			fw_policy_free(&pol);
			free(json);
			continue;
		}
		policies++;
		for (int k = 0; k < 200; k++) {
			struct fw_model_verdict v;
			struct fw_pkt_desc d;
			struct gen_frame f;
			uint8_t frame[256];
			size_t len;
			int want, got;

			gen_packet(&r, &pool, &d, &f);
			len = gen_frame_build(&d, &f, frame);
			fw_model_decide(&pol, 0, FW_IN_IP, &d, &v);
			want = v.action == FW_ACT_DROP ? XDP_DROP : XDP_PASS;
			got = run(frame, len);
			cases++;
			if (got != want && mismatches++ < 3) {
				fprintf(stderr, "mismatch: model rule %d verdict %d, hw program %d\npolicy: %s\npacket: ",
					v.rule, want, got, json);
				gen_hex(stderr, frame, len);
			}
		}
		fw_policy_free(&pol);
		free(json);
	}
	printf("hw difftest: %d policies, %ld cases, %ld mismatches\n", policies, cases, mismatches);
	assert_true(policies >= 30);
	assert_int_equal(mismatches, 0);
}

/*
 * Random policies of the whole format: fw_hw_compile either refuses one,
 * saying what hw mode cannot do, or the hw program agrees with the model.
 */
static void test_full_format(void **state)
{
	struct rng r = { 777 };
	int accepted = 0, refused = 0;
	long mismatches = 0;

	for (int i = 0; i < 300; i++) {
		struct fw_policy pol = { 0 };
		struct fw_hw_tables t;
		struct fw_err err = { 0 };
		struct gen_pool pool;
		char *json, buf[1024];

		gen_pool_init(&r, &pool);
		json = gen_policy_json(&r, &pool, 1 + (int)rng_below(&r, 3), 0);
		if (fw_policy_parse_buf(json, strlen(json), "t.json", &pol, &err) ||
		    fw_policy_resolve(&pol, gen_resolve, &err))
			fail_msg("%s", fw_err_format(&err, buf, sizeof(buf)));
		if (fw_hw_compile(&pol, &t, &err)) {
			fw_err_format(&err, buf, sizeof(buf));
			if (!strstr(buf, "hw mode"))
				fail_msg("refusal without a reason: %s", buf);
			refused++;
		} else {
			assert_int_equal(fw_hw_write(map_fd, &t), 0);
			accepted++;
			for (int k = 0; k < 50; k++) {
				struct fw_model_verdict v;
				struct fw_pkt_desc d;
				struct gen_frame f;
				uint8_t frame[256];
				size_t len;

				gen_packet(&r, &pool, &d, &f);
				len = gen_frame_build(&d, &f, frame);
				fw_model_decide(&pol, 0, FW_IN_IP, &d, &v);
				if (run(frame, len) != (v.action == FW_ACT_DROP ? XDP_DROP : XDP_PASS))
					mismatches++;
			}
		}
		fw_policy_free(&pol);
		free(json);
	}
	printf("hw subset of random full policies: %d accepted, %d refused, %ld mismatches\n",
	       accepted, refused, mismatches);
	assert_true(accepted > 10 && refused > 10);
	assert_int_equal(mismatches, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_fixed),
		cmocka_unit_test(test_differential),
		cmocka_unit_test(test_full_format),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
