// SPDX-License-Identifier: GPL-2.0
/*
 * prog_fwd.c - forwarding (issue 6) in the real programs, BPF_PROG_TEST_RUN:
 * the tc egress rewrites (addresses, ports, DSCP/ECN, TTL/hop limit, MACs)
 * on crafted IPv4/IPv6 TCP, UDP and ICMPv6 packets with valid checksums, the
 * output's checksums recomputed from scratch here and compared (UDP's zero
 * checksum included); XDP's reverse static NAT (checksums by hand); the XDP
 * redirect verdict and its counted fallback for a missing target.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <arpa/inet.h>
#include "fixture.h"

/* Run fd on pkt; the verdict, with the output frame in out (*olen). */
static int run_out(int fd, const uint8_t *pkt, size_t len, uint8_t *out, size_t *olen)
{
	LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = pkt,
		    .data_size_in = (uint32_t)len, .data_out = out,
		    .data_size_out = 512, .repeat = 1);

	if (bpf_prog_test_run_opts(fd, &opts))
		fail_msg("test run: %s", strerror(errno));
	*olen = opts.data_size_out;
	return (int)opts.retval;
}

/* --- packets with real checksums ----------------------------------------------- */

#define L3	14

static uint32_t sum16(const uint8_t *p, size_t n, uint32_t s)
{
	for (size_t i = 0; i + 1 < n; i += 2)
		s += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (n & 1)
		s += (uint32_t)p[n - 1] << 8;
	return s;
}

static uint16_t fold(uint32_t s)
{
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

/* The L4 checksum of the frame, computed from scratch (pseudo-header incl). */
static uint16_t l4_csum(const uint8_t *f, size_t len, int family, int proto,
			size_t l4)
{
	uint8_t tmp[512];
	size_t l4len = len - l4;
	size_t coff = proto == 6 ? 16 : proto == 17 ? 6 : 2;
	uint32_t s = 0;

	memcpy(tmp, f + l4, l4len);
	tmp[coff] = tmp[coff + 1] = 0;
	if (family == 4)
		s = sum16(f + L3 + 12, 8, 0);
	else
		s = sum16(f + L3 + 8, 32, 0);
	s += (uint32_t)proto + (uint32_t)l4len;
	if (family == 4 && proto == 1)
		s = 0;
	s = sum16(tmp, l4len, s);
	{
		uint16_t c = fold(s);

		return proto == 17 && !c ? 0xffff : c;
	}
}

static uint16_t ip_csum(const uint8_t *f)
{
	uint8_t h[60];
	size_t hl = (size_t)(f[L3] & 15) * 4;

	memcpy(h, f + L3, hl);
	h[10] = h[11] = 0;
	return fold(sum16(h, hl, 0));
}

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

/*
 * An Ethernet frame: family 4/6, proto 6/17/58, 'pay' payload bytes
 * (a pattern); checksums correct (udp_zero: a UDP checksum of 0).
 */
static size_t frame(uint8_t *f, int family, int proto, const char *src,
		    const char *dst, uint16_t sport, uint16_t dport, size_t pay,
		    bool udp_zero)
{
	size_t l4 = family == 4 ? L3 + 20 : L3 + 40;
	size_t l4h = proto == 6 ? 20 : 8, len = l4 + l4h + pay;
	size_t coff = proto == 6 ? 16 : proto == 17 ? 6 : 2;

	memset(f, 0, 512);
	memcpy(f, "\x02\x00\x00\x00\x00\x02\x02\x00\x00\x00\x00\x01", 12);
	if (family == 4) {
		put16(f + 12, 0x0800);
		f[L3] = 0x45;
		f[L3 + 1] = 0x00;
		put16(f + L3 + 2, (uint16_t)(len - L3));
		put16(f + L3 + 4, 0x1234);
		f[L3 + 8] = 64;
		f[L3 + 9] = (uint8_t)proto;
		inet_pton(AF_INET, src, f + L3 + 12);
		inet_pton(AF_INET, dst, f + L3 + 16);
		put16(f + L3 + 10, ip_csum(f));
	} else {
		put16(f + 12, 0x86dd);
		f[L3] = 0x60;
		f[L3 + 1] = 0x01;	/* flow label bits, kept */
		put16(f + L3 + 4, (uint16_t)(len - l4));
		f[L3 + 6] = (uint8_t)proto;
		f[L3 + 7] = 64;
		inet_pton(AF_INET6, src, f + L3 + 8);
		inet_pton(AF_INET6, dst, f + L3 + 24);
	}
	if (proto == 58) {
		f[l4] = 128;	/* echo request */
	} else {
		put16(f + l4, sport);
		put16(f + l4 + 2, dport);
	}
	if (proto == 6)
		f[l4 + 12] = 0x50, f[l4 + 13] = 0x18;
	if (proto == 17)
		put16(f + l4 + 4, (uint16_t)(l4h + pay));
	for (size_t i = 0; i < pay; i++)
		f[l4 + l4h + i] = (uint8_t)(i * 7 + 3);
	if (!(proto == 17 && udp_zero))
		put16(f + l4 + coff, l4_csum(f, len, family, proto, l4));
	return len;
}

/* Checksums of a frame as the receiver checks them: 0 when all are right. */
static void assert_csums(const uint8_t *f, size_t len, int family, int proto)
{
	size_t l4 = family == 4 ? L3 + 20 : L3 + 40;
	size_t coff = proto == 6 ? 16 : proto == 17 ? 6 : 2;

	if (family == 4)
		assert_int_equal(get16(f + L3 + 10), ip_csum(f));
	if (proto == 17 && family == 4 && !get16(f + l4 + coff))
		return;		/* no checksum */
	assert_int_equal(get16(f + l4 + coff), l4_csum(f, len, family, proto, l4));
}

static char *policy(const char *egress_rules, const char *extra)
{
	static char buf[4096];

	snprintf(buf, sizeof(buf),
		 "{\"version\":1,\"default\":\"pass\",%s\"rules\":[],"
		 "\"egress\":{\"default\":\"pass\",\"rules\":[%s]}}",
		 extra ? extra : "", egress_rules);
	return buf;
}

/* --- tests ------------------------------------------------------------------------ */

static void rewrite_case(int family, int proto, size_t pay, bool udp_zero)
{
	const char *s4 = "198.18.1.2", *d4 = "198.18.2.2";
	const char *s6 = "2001:db8:1::2", *d6 = "2001:db8:2::2";
	uint8_t in[512], out[512], a[16];
	size_t len, olen, l4 = family == 4 ? L3 + 20 : L3 + 40;
	char rules[1024];

	snprintf(rules, sizeof(rules),
		 "{\"action\":\"pass\",\"src\":\"%s\",\"rewrite\":{\"src\":\"%s\",\"dst\":\"%s\"%s}}",
		 family == 4 ? s4 : s6, family == 4 ? "198.19.77.1" : "2001:db8:77::1",
		 family == 4 ? "198.19.88.2" : "2001:db8:88::2",
		 proto == 58 ? "" : ",\"src_port\":1234,\"dst_port\":4321");
	if (proto != 58) {	/* port rewrites need the protocol */
		char *p = strstr(rules, "\"rewrite\"");
		char tmp[1024];

		snprintf(tmp, sizeof(tmp), "%.*s\"protocol\":\"%s\",%s", (int)(p - rules),
			 rules, proto == 6 ? "tcp" : "udp", p);
		strcpy(rules, tmp);
	}
	apply_json(policy(rules, NULL));
	len = frame(in, family, proto, family == 4 ? s4 : s6, family == 4 ? d4 : d6,
		    40000, 80, pay, udp_zero);
	assert_int_equal(run_out(H.tc_fd, in, len, out, &olen), TC_ACT_UNSPEC);
	assert_int_equal(olen, len);
	if (family == 4) {
		inet_pton(AF_INET, "198.19.77.1", a);
		assert_memory_equal(out + L3 + 12, a, 4);
		inet_pton(AF_INET, "198.19.88.2", a);
		assert_memory_equal(out + L3 + 16, a, 4);
	} else {
		inet_pton(AF_INET6, "2001:db8:77::1", a);
		assert_memory_equal(out + L3 + 8, a, 16);
		inet_pton(AF_INET6, "2001:db8:88::2", a);
		assert_memory_equal(out + L3 + 24, a, 16);
	}
	if (proto != 58) {
		assert_int_equal(get16(out + l4), 1234);
		assert_int_equal(get16(out + l4 + 2), 4321);
	}
	if (udp_zero)
		assert_int_equal(get16(out + l4 + 6), 0);	/* stays "none" */
	assert_csums(out, olen, family, proto);
	/* the payload is untouched */
	assert_memory_equal(out + olen - pay, in + len - pay, pay);
}

static void test_rewrite_tcp4(void **state)
{
	rewrite_case(4, 6, 37, false);
}

static void test_rewrite_udp4(void **state)
{
	rewrite_case(4, 17, 20, false);
}

static void test_rewrite_udp4_zero_csum(void **state)
{
	rewrite_case(4, 17, 20, true);
}

static void test_rewrite_tcp6(void **state)
{
	rewrite_case(6, 6, 41, false);
}

static void test_rewrite_udp6(void **state)
{
	rewrite_case(6, 17, 13, false);
}

static void test_rewrite_icmp6(void **state)
{
	rewrite_case(6, 58, 24, false);
}

/*
 * A UDP checksum whose rewritten value comes out as 0 must go out as 0xffff
 * (0 means "no checksum"): search the payload word that makes it so.
 */
static void test_rewrite_udp4_mangled_zero(void **state)
{
	uint8_t in[512], out[512];
	size_t len, olen, l4 = L3 + 20;
	bool found = false;

	apply_json(policy("{\"action\":\"pass\",\"protocol\":\"udp\",\"rewrite\":{\"dst_port\":999}}", NULL));
	for (uint32_t w = 0; w < 65536 && !found; w++) {
		len = frame(in, 4, 17, "198.18.1.2", "198.18.2.2", 40000, 80, 2, false);
		put16(in + l4 + 8, (uint16_t)w);
		put16(in + l4 + 6, l4_csum(in, len, 4, 17, l4));
		/* with dst port 999 the true sum must be 0xffff (one's complement 0) */
		{
			uint8_t t[512];

			memcpy(t, in, len);
			put16(t + l4 + 2, 999);
			put16(t + l4 + 6, 0);
			if (l4_csum(t, len, 4, 17, l4) != 0xffff)
				continue;
			/* and the fold gives 0 (not 0xffff computed as -0) */
		}
		found = true;
	}
	assert_true(found);
	assert_int_equal(run_out(H.tc_fd, in, len, out, &olen), TC_ACT_UNSPEC);
	assert_int_equal(get16(out + l4 + 2), 999);
	assert_int_equal(get16(out + l4 + 6), 0xffff);
	assert_csums(out, olen, 4, 17);
}

static void test_rewrite_marks(void **state)
{
	uint8_t in[512], out[512];
	size_t len, olen;

	apply_json(policy(
		"{\"action\":\"pass\",\"protocol\":\"tcp\",\"rewrite\":{\"dscp\":\"ef\",\"ecn\":\"ce\",\"ttl\":9,"
		"\"src_mac\":\"02:aa:bb:cc:dd:ee\",\"dst_mac\":\"02:11:22:33:44:55\"}}", NULL));
	len = frame(in, 4, 6, "198.18.1.2", "198.18.2.2", 40000, 80, 10, false);
	assert_int_equal(run_out(H.tc_fd, in, len, out, &olen), TC_ACT_UNSPEC);
	assert_int_equal(out[L3 + 1], 46 << 2 | 3);
	assert_int_equal(out[L3 + 8], 9);
	assert_memory_equal(out, "\x02\x11\x22\x33\x44\x55\x02\xaa\xbb\xcc\xdd\xee", 12);
	assert_csums(out, olen, 4, 6);

	len = frame(in, 6, 6, "2001:db8:1::2", "2001:db8:2::2", 40000, 80, 10, false);
	assert_int_equal(run_out(H.tc_fd, in, len, out, &olen), TC_ACT_UNSPEC);
	/* version 6, traffic class 0xbb, flow label's high nibble 0 kept, then 0x01 */
	assert_int_equal(out[L3], 0x6b);
	assert_int_equal(out[L3 + 1], 0xb0 | (in[L3 + 1] & 0x0f));
	assert_int_equal(out[L3 + 7], 9);
	assert_memory_equal(out, "\x02\x11\x22\x33\x44\x55\x02\xaa\xbb\xcc\xdd\xee", 12);
	assert_csums(out, olen, 6, 6);
}

/* Only the packets of the rule, only the family of the rewrite. */
static void test_rewrite_scope(void **state)
{
	uint8_t in[512], out[512];
	size_t len, olen;

	apply_json(policy("{\"action\":\"pass\",\"protocol\":\"udp\",\"dst_port\":53,"
			  "\"rewrite\":{\"src\":\"198.19.0.1\"}}", NULL));
	len = frame(in, 4, 17, "198.18.1.2", "198.18.2.2", 40000, 54, 8, false);
	run_out(H.tc_fd, in, len, out, &olen);
	assert_memory_equal(out, in, len);		/* other port: untouched */
	len = frame(in, 6, 17, "2001:db8:1::2", "2001:db8:2::2", 40000, 53, 8, false);
	run_out(H.tc_fd, in, len, out, &olen);
	assert_memory_equal(out, in, len);		/* IPv6: an IPv4 rewrite skips it */
}

/* XDP: the reverse of egress "src A -> B" turns ingress "dst B" back into A. */
static void test_unnat_xdp(void **state)
{
	uint8_t in[512], out[512], a[16];
	size_t len, olen;
	const char *rules =
		"{\"action\":\"pass\",\"src\":\"198.18.1.2\",\"rewrite\":{\"src\":\"198.19.77.1\"}},"
		"{\"action\":\"pass\",\"src\":\"2001:db8:1::2\",\"protocol\":\"udp\",\"src_port\":5000,"
		"\"rewrite\":{\"src\":\"2001:db8:77::1\",\"src_port\":6000}}";

	apply_json(policy(rules, NULL));
	for (int proto = 6; proto <= 17; proto += 11) {
		len = frame(in, 4, proto, "198.18.2.2", "198.19.77.1", 80, 40000, 19, false);
		assert_int_equal(run_out(H.xdp_fd, in, len, out, &olen), XDP_PASS);
		inet_pton(AF_INET, "198.18.1.2", a);
		assert_memory_equal(out + L3 + 16, a, 4);
		assert_csums(out, olen, 4, proto);
	}
	/* UDP without a checksum keeps none */
	len = frame(in, 4, 17, "198.18.2.2", "198.19.77.1", 80, 40000, 19, true);
	run_out(H.xdp_fd, in, len, out, &olen);
	assert_int_equal(get16(out + L3 + 20 + 6), 0);
	assert_int_equal(get16(out + L3 + 10), ip_csum(out));
	/* IPv6 with the port mapping: dst [77::1]:6000 -> [1::2]:5000 */
	len = frame(in, 6, 17, "2001:db8:2::2", "2001:db8:77::1", 53, 6000, 11, false);
	run_out(H.xdp_fd, in, len, out, &olen);
	inet_pton(AF_INET6, "2001:db8:1::2", a);
	assert_memory_equal(out + L3 + 24, a, 16);
	assert_int_equal(get16(out + L3 + 40 + 2), 5000);
	assert_csums(out, olen, 6, 17);
	/* another port of that address is not this mapping's */
	len = frame(in, 6, 17, "2001:db8:2::2", "2001:db8:77::1", 53, 6001, 11, false);
	run_out(H.xdp_fd, in, len, out, &olen);
	assert_memory_equal(out, in, len);
}

/* The ingress rules see the packet after the reverse NAT (the model agrees). */
static void test_unnat_before_rules(void **state)
{
	uint8_t in[512], out[512];
	size_t len, olen;
	char json[2048];

	snprintf(json, sizeof(json),
		 "{\"version\":1,\"default\":\"drop\",\"rules\":["
		 "{\"action\":\"pass\",\"dst\":\"198.18.1.2\"}],"
		 "\"egress\":{\"rules\":[{\"action\":\"pass\",\"src\":\"198.18.1.2\","
		 "\"rewrite\":{\"src\":\"198.19.77.1\"}}]}}");
	apply_json(json);
	len = frame(in, 4, 6, "198.18.2.2", "198.19.77.1", 80, 40000, 0, false);
	assert_int_equal(run_out(H.xdp_fd, in, len, out, &olen), XDP_PASS);
	len = frame(in, 4, 6, "198.18.2.2", "198.19.77.2", 80, 40000, 0, false);
	assert_int_equal(run_out(H.xdp_fd, in, len, out, &olen), XDP_DROP);
}

/* A TCP frame of frame()'s with these flags (checksum redone). */
static size_t tcp_frame(uint8_t *f, const char *src, const char *dst, uint16_t sport,
			uint16_t dport, uint8_t flags)
{
	size_t len = frame(f, 4, 6, src, dst, sport, dport, 0, false);

	f[L3 + 20 + 13] = flags;
	put16(f + L3 + 20 + 16, 0);
	put16(f + L3 + 20 + 16, l4_csum(f, len, 4, 6, L3 + 20));
	return len;
}

/*
 * Conntrack admits a flow's established packets before the rules; on egress
 * the rule such a packet matches must still rewrite it, or a static NAT
 * would hold for the first packets only (SYN) and leak the inside address.
 */
static void test_nat_with_conntrack(void **state)
{
	uint8_t in[512], out[512], a[4];
	size_t len, olen;
	uint64_t est0 = h_reason_count(&H, FW_DIR_EGRESS, FW_R_CT_ESTABLISHED);

	apply_json("{\"version\":1,\"default\":\"drop\",\"conntrack\":{},\"rules\":[],"
		   "\"egress\":{\"default\":\"drop\",\"rules\":[{\"action\":\"pass\","
		   "\"src\":\"198.18.1.2\",\"rewrite\":{\"src\":\"198.19.77.1\"}}]}}");
	inet_pton(AF_INET, "198.19.77.1", a);
	/* the client's SYN leaves rewritten and opens the flow */
	len = tcp_frame(in, "198.18.1.2", "198.18.2.2", 40000, 80, 0x02);
	assert_int_equal(run_out(H.tc_fd, in, len, out, &olen), TC_ACT_UNSPEC);
	assert_memory_equal(out + L3 + 12, a, 4);
	assert_csums(out, olen, 4, 6);
	/* the server's SYN-ACK to the public address: un-NATed, then admitted */
	len = tcp_frame(in, "198.18.2.2", "198.19.77.1", 80, 40000, 0x12);
	assert_int_equal(run_out(H.xdp_fd, in, len, out, &olen), XDP_PASS);
	/* a stray to the public address from elsewhere: default drop */
	len = tcp_frame(in, "198.18.2.3", "198.19.77.1", 80, 40000, 0x12);
	assert_int_equal(run_out(H.xdp_fd, in, len, out, &olen), XDP_DROP);
	/* the client's ACK and data: established, admitted early, still rewritten */
	for (int i = 0; i < 3; i++) {
		len = tcp_frame(in, "198.18.1.2", "198.18.2.2", 40000, 80, i ? 0x18 : 0x10);
		assert_int_equal(run_out(H.tc_fd, in, len, out, &olen), TC_ACT_UNSPEC);
		assert_memory_equal(out + L3 + 12, a, 4);
		assert_csums(out, olen, 4, 6);
	}
	assert_true(h_reason_count(&H, FW_DIR_EGRESS, FW_R_CT_ESTABLISHED) >= est0 + 3);
}

static void test_redirect_verdicts(void **state)
{
	uint8_t in[512], out[512];
	size_t len, olen;
	uint64_t r0 = reason_count(FW_DIR_INGRESS, FW_R_REDIRECT), f0 = reason_count(FW_DIR_INGRESS, FW_R_REDIRECT_FALLBACK);
	const char *rules =
		"\"rules\":[{\"action\":{\"redirect\":\"lo\"},\"protocol\":\"tcp\"},"
		"{\"action\":{\"redirect\":\"fwnonexist0\",\"optional\":true},\"protocol\":\"udp\"}]";
	char json[1024];

	/* h_apply_json resolves "lo" as ifindex 1 */
	snprintf(json, sizeof(json), "{\"version\":1,\"default\":\"pass\",%s}", rules);
	apply_json(json);
	len = frame(in, 4, 6, "198.18.1.2", "198.18.2.2", 1, 2, 0, false);
	assert_int_equal(run_out(H.xdp_fd, in, len, out, &olen), XDP_REDIRECT);
	assert_int_equal(reason_count(FW_DIR_INGRESS, FW_R_REDIRECT), r0 + 1);
	/* the target is absent: the fallback, drop by default, counted */
	len = frame(in, 4, 17, "198.18.1.2", "198.18.2.2", 1, 2, 0, false);
	assert_int_equal(run_out(H.xdp_fd, in, len, out, &olen), XDP_DROP);
	assert_int_equal(reason_count(FW_DIR_INGRESS, FW_R_REDIRECT_FALLBACK), f0 + 1);
	snprintf(json, sizeof(json),
		 "{\"version\":1,\"default\":\"pass\",\"redirect_fallback\":\"pass\",%s}", rules);
	apply_json(json);
	assert_int_equal(run_out(H.xdp_fd, in, len, out, &olen), XDP_PASS);
	assert_int_equal(reason_count(FW_DIR_INGRESS, FW_R_REDIRECT_FALLBACK), f0 + 2);
}


/*
 * Random static-NAT policies (SNAT with and without ports, port forwards)
 * with ingress rules on the original and the public addresses, and random
 * return packets: the kernel's verdict, matched rule, rewritten header and
 * checksums must be the reference model's (fw_model_unnat, then the rules).
 */
static void test_nat_differential(void **state)
{
	struct rng r = { 20261123 };
	long cases = 0, bad = 0, mapped = 0;

	for (int pi = 0; pi < 30; pi++) {
		char json[8192], *o = json;
		size_t left = sizeof(json);
		int n_nat = 1 + (int)rng_below(&r, 4), n_in = 1 + (int)rng_below(&r, 6);
		int kind[4], l4[4];
		struct fw_policy pol = { 0 };
		struct fw_err err;
		char msg[1024];

#define P(...) do { int n_ = snprintf(o, left, __VA_ARGS__); o += n_; left -= (size_t)n_; } while (0)
		P("{\"version\":1,\"default\":\"%s\",\"rules\":[", rng_pct(&r, 50) ? "pass" : "drop");
		for (int j = 0; j < n_in; j++) {
			int t = (int)rng_below(&r, 4), k = (int)rng_below(&r, 4);

			P("%s{\"action\":\"%s\"", j ? "," : "", rng_pct(&r, 50) ? "pass" : "drop");
			if (t == 0)
				P(",\"dst\":\"192.0.2.%d\"", 10 + k);
			else if (t == 1)
				P(",\"dst\":\"198.18.5.%d\"", 10 + k);
			else if (t == 2)
				P(",\"src\":\"192.0.2.%d\"", 50 + k);
			if (rng_pct(&r, 50)) {
				static const int ports[] = { 1000, 2000, 80, 8000, 40000 };

				P(",\"protocol\":\"%s\",\"%s\":%d", rng_pct(&r, 50) ? "tcp" : "udp",
				  rng_pct(&r, 50) ? "dst_port" : "src_port",
				  ports[rng_below(&r, 5)] + (int)rng_below(&r, 2) * k);
			}
			P("}");
		}
		P("],\"egress\":{\"rules\":[");
		for (int i = 0; i < n_nat; i++) {
			kind[i] = (int)rng_below(&r, 4);
			l4[i] = rng_pct(&r, 50) ? 6 : 17;
			if (kind[i] == 0)
				P("%s{\"action\":\"pass\",\"src\":\"192.0.2.%d\",\"rewrite\":{\"src\":\"198.18.5.%d\"}}",
				  i ? "," : "", 10 + i, 10 + i);
			else if (kind[i] == 1)
				P("%s{\"action\":\"pass\",\"src\":\"192.0.2.%d\",\"protocol\":\"%s\",\"src_port\":%d,"
				  "\"rewrite\":{\"src\":\"198.18.5.%d\",\"src_port\":%d}}", i ? "," : "", 10 + i,
				  l4[i] == 6 ? "tcp" : "udp", 1000 + i, 10 + i, 2000 + i);
			else if (kind[i] == 2)
				P("%s{\"action\":\"pass\",\"dst\":\"192.0.2.%d\",\"protocol\":\"%s\",\"dst_port\":80,"
				  "\"rewrite\":{\"dst_port\":%d}}", i ? "," : "", 50 + i,
				  l4[i] == 6 ? "tcp" : "udp", 8000 + i);
			else	/* one public address: a port mapping and an address one */
				P("%s{\"action\":\"pass\",\"src\":\"192.0.2.%d\",\"protocol\":\"%s\",\"src_port\":%d,"
				  "\"rewrite\":{\"src\":\"198.18.5.%d\",\"src_port\":%d}},"
				  "{\"action\":\"pass\",\"src\":\"192.0.2.%d\",\"rewrite\":{\"src\":\"198.18.5.%d\"}}",
				  i ? "," : "", 10 + i, l4[i] == 6 ? "tcp" : "udp", 1000 + i, 10 + i,
				  2000 + i, 10 + i, 10 + i);
		}
		P("]}}");
#undef P
		if (h_apply_json(&H, json, msg, sizeof(msg)))
			fail_msg("%s\npolicy: %s", msg, json);
		if (fw_policy_parse_buf(json, strlen(json), "t", &pol, &err) ||
		    fw_policy_resolve(&pol, gen_resolve, &err))
			fail_msg("parse: %s", json);

		for (int k = 0; k < 150; k++) {
			struct fw_pkt_desc d = { .family = 4, .has_ports = true, .ifindex = 1 };
			struct fw_model_verdict v;
			uint8_t in[512], out[512];
			char src[32], dst[32];
			int j = (int)rng_below(&r, 4), verdict, want;
			static const int sp[] = { 80, 8000, 5, 8001 }, dp[] = { 2000, 40000, 1000, 2001 };
			uint64_t c0 = 0;
			size_t len, olen;

			d.proto = rng_pct(&r, 50) ? 6 : 17;
			snprintf(src, sizeof(src), rng_pct(&r, 70) ? "192.0.2.%d" : "198.18.9.%d", 50 + j);
			snprintf(dst, sizeof(dst), rng_pct(&r, 60) ? "198.18.5.%d" :
				 rng_pct(&r, 50) ? "192.0.2.%d" : "192.0.2.99", 10 + (int)rng_below(&r, 4));
			d.sport = (uint16_t)(sp[rng_below(&r, 4)] + (rng_pct(&r, 50) ? j : 0));
			d.dport = (uint16_t)(dp[rng_below(&r, 4)] + (rng_pct(&r, 50) ? j : 0));
			inet_pton(AF_INET, src, d.saddr);
			inet_pton(AF_INET, dst, d.daddr);
			len = frame(in, 4, d.proto, src, dst, d.sport, d.dport, 9, false);
			d.has_tcp = d.proto == 6;
			d.tcp_flags = d.has_tcp ? 0x18 : 0;

			fw_model_decide(&pol, FW_DIR_INGRESS, FW_IN_IP, &d, &v);
			if (v.rule >= 0 || v.reason == FW_R_DEFAULT_PASS || v.reason == FW_R_DEFAULT_DROP)
				c0 = h_rule_count(&H, 0, v.rule);
			want = v.action == FW_ACT_DROP ? XDP_DROP : XDP_PASS;
			verdict = run_out(H.xdp_fd, in, len, out, &olen);
			cases++;
			{
				struct fw_pkt_desc un = d;
				bool ok = verdict == want && h_rule_count(&H, 0, v.rule) == c0 + 1;

				mapped += fw_model_unnat(&pol, &un);
				if (verdict == XDP_PASS)
					ok = ok && !memcmp(out + L3 + 12, un.saddr, 4) &&
					     !memcmp(out + L3 + 16, un.daddr, 4) &&
					     get16(out + L3 + 20) == un.sport &&
					     get16(out + L3 + 22) == un.dport &&
					     get16(out + L3 + 10) == ip_csum(out) &&
					     get16(out + L3 + 20 + (d.proto == 6 ? 16 : 6)) ==
					     l4_csum(out, olen, 4, d.proto, L3 + 20);
				if (!ok && bad++ < 3)
					print_error("mismatch: policy %s\npacket %s:%u > %s:%u proto %u: kernel %d, model %d rule %d\n",
						    json, src, d.sport, dst, d.dport, d.proto, verdict, want, v.rule);
			}
		}
		fw_policy_free(&pol);
	}
	printf("nat differential: %ld cases (%ld mapped back by the reverse NAT), %ld mismatches\n",
	       cases, mapped, bad);
	assert_int_equal(bad, 0);
	assert_true(mapped > cases / 10);	/* the test exercises the NAT */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rewrite_tcp4),
		cmocka_unit_test(test_rewrite_udp4),
		cmocka_unit_test(test_rewrite_udp4_zero_csum),
		cmocka_unit_test(test_rewrite_udp4_mangled_zero),
		cmocka_unit_test(test_rewrite_tcp6),
		cmocka_unit_test(test_rewrite_udp6),
		cmocka_unit_test(test_rewrite_icmp6),
		cmocka_unit_test(test_rewrite_marks),
		cmocka_unit_test(test_rewrite_scope),
		cmocka_unit_test(test_unnat_xdp),
		cmocka_unit_test(test_unnat_before_rules),
		cmocka_unit_test(test_redirect_verdicts),
		cmocka_unit_test(test_nat_differential),
		cmocka_unit_test(test_nat_with_conntrack),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
