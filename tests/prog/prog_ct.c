// SPDX-License-Identifier: GPL-2.0
/*
 * prog_ct.c - conntrack in the real XDP and tc programs (BPF_PROG_TEST_RUN,
 * maps on a private bpffs): the tc egress program records flows, XDP
 * ingress admits their return traffic; the TCP state machine (SYN, SYN-ACK,
 * ACK, FIN, RST), stray ACKs and SYN-ACKs that must create nothing, UDP and
 * ICMP echo, IPv6, idle timeouts, "track" rules, the "ct" matcher, the
 * table size taken from the policy, and the per-reason counters.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <time.h>
#include <cmocka.h>
#include "fixture.h"
#include "dp/ctkey.h"

#define CLI4 "198.18.0.2"
#define SRV4 "198.19.0.2"
#define CLI6 "2001:db8:1::2"
#define SRV6 "2001:db8:2::2"

#define SYN 0x02
#define ACK 0x10
#define FIN 0x01
#define RST 0x04
#define PSH 0x08

/* A frame of proto from src:sp to dst:dp (TCP flags, or ICMP type + id). */
static size_t frame(uint8_t *b, const char *src, const char *dst, uint8_t proto,
		    uint16_t sp, uint16_t dp, uint8_t flags)
{
	struct fw_pkt_desc d = { .proto = proto };
	struct gen_frame f = { 0 };

	d.family = strchr(src, ':') ? 6 : 4;
	inet_pton(d.family == 4 ? AF_INET : AF_INET6, src, d.saddr);
	inet_pton(d.family == 4 ? AF_INET : AF_INET6, dst, d.daddr);
	if (proto == 6 || proto == 17) {
		d.has_ports = true;
		d.sport = sp;
		d.dport = dp;
		d.has_tcp = proto == 6;
		d.tcp_flags = flags;
	} else if (proto == 1 || proto == 58) {
		d.has_icmp = true;
		d.icmp_type = flags;
		f.icmp_id = sp;
	}
	return gen_frame_build(&d, &f, b);
}

static int xdp(const char *src, const char *dst, uint8_t proto, uint16_t sp,
	       uint16_t dp, uint8_t flags)
{
	uint8_t b[256];
	size_t n = frame(b, src, dst, proto, sp, dp, flags);
	int v;

	if (h_run(H.xdp_fd, b, n, &v))
		fail_msg("xdp test run failed");
	return v;
}

static int tc(const char *src, const char *dst, uint8_t proto, uint16_t sp,
	      uint16_t dp, uint8_t flags)
{
	uint8_t b[256];
	size_t n = frame(b, src, dst, proto, sp, dp, flags);
	int v;

	if (h_run(H.tc_fd, b, n, &v))
		fail_msg("tc test run failed");
	return v;
}

/* The entries of the flow table (all, expired or not). */
static int ct_count(void)
{
	struct fw_ct_key k, next;
	void *prev = NULL;
	int fd = fw_ct_table_fd(&H.st), n = 0;

	if (fd == -ENOENT)
		return 0;
	assert_true(fd >= 0);
	while (!bpf_map_get_next_key(fd, prev, &next)) {
		k = next;
		prev = &k;
		n++;
	}
	close(fd);
	return n;
}

static void ct_flush(void)
{
	struct fw_ct_key k;
	int fd = fw_ct_table_fd(&H.st);

	if (fd < 0)
		return;
	while (!bpf_map_get_next_key(fd, NULL, &k))
		bpf_map_delete_elem(fd, &k);
	close(fd);
}

/* The entry of the flow of a packet from src:sp to dst:dp: 0, or -ENOENT. */
static int ct_get(const char *src, const char *dst, uint8_t proto, uint16_t sp,
		  uint16_t dp, struct fw_ct_entry *e, struct fw_ct_key *kout)
{
	struct fw_pkt p = { 0 };
	struct fw_ct_key k;
	uint8_t b[256];
	size_t n = frame(b, src, dst, proto, sp, dp, proto == 1 || proto == 58 ? 8 : SYN);
	int fd, ret;

	assert_int_equal(fw_parse(b, b + n, n, true, &p), FW_PARSE_OK);
	assert_true(fw_ct_key_of(&p, &k) >= 0);
	fd = fw_ct_table_fd(&H.st);
	if (fd < 0)
		return fd;
	ret = bpf_map_lookup_elem(fd, &k, e) ? -errno : 0;
	if (kout)
		*kout = k;
	close(fd);
	return ret;
}

static uint8_t ct_state(const char *src, const char *dst, uint8_t proto,
			uint16_t sp, uint16_t dp)
{
	struct fw_ct_entry e;

	if (ct_get(src, dst, proto, sp, dp, &e, NULL))
		return 0xff;
	return e.state;
}

static const char *deny_in =
	"{\"version\":1,\"default\":\"drop\",\"conntrack\":{\"size\":1024}}";

/* The whole TCP life: SYN out, SYN-ACK in, ACK out, data, FIN, RST. */
static void tcp_life(const char *cli, const char *srv)
{
	uint64_t est0;

	apply_json(deny_in);
	ct_flush();
	/* unsolicited: a SYN-ACK and an ACK from outside, no entry made */
	assert_int_equal(xdp(srv, cli, 6, 80, 40000, SYN | ACK), XDP_DROP);
	assert_int_equal(xdp(srv, cli, 6, 80, 40000, ACK), XDP_DROP);
	assert_int_equal(xdp(srv, cli, 6, 80, 40000, RST), XDP_DROP);
	assert_int_equal(ct_count(), 0);

	/* the client's SYN leaves: recorded */
	assert_int_equal(tc(cli, srv, 6, 40000, 80, SYN), TC_ACT_UNSPEC);
	assert_int_equal(ct_count(), 1);
	assert_int_equal(ct_state(cli, srv, 6, 40000, 80), FW_CTE_SYN_SENT);
	/* an ACK before any SYN-ACK, a SYN from the responder: invalid */
	assert_int_equal(xdp(srv, cli, 6, 80, 40000, ACK), XDP_DROP);
	assert_int_equal(xdp(srv, cli, 6, 80, 40000, SYN), XDP_DROP);
	/* another port: no entry */
	assert_int_equal(xdp(srv, cli, 6, 81, 40000, SYN | ACK), XDP_DROP);
	assert_int_equal(ct_count(), 1);

	est0 = reason_count(FW_DIR_INGRESS, FW_R_CT_ESTABLISHED);
	assert_int_equal(xdp(srv, cli, 6, 80, 40000, SYN | ACK), XDP_PASS);
	assert_int_equal(reason_count(FW_DIR_INGRESS, FW_R_CT_ESTABLISHED), est0 + 1);
	assert_int_equal(ct_state(cli, srv, 6, 40000, 80), FW_CTE_SYN_RECV);
	assert_int_equal(tc(cli, srv, 6, 40000, 80, ACK), TC_ACT_UNSPEC);
	assert_int_equal(ct_state(cli, srv, 6, 40000, 80), FW_CTE_ESTABLISHED);
	assert_int_equal(xdp(srv, cli, 6, 80, 40000, ACK | PSH), XDP_PASS);
	/* the responder may not reopen the flow */
	assert_int_equal(xdp(srv, cli, 6, 80, 40000, SYN), XDP_DROP);
	assert_int_equal(xdp(srv, cli, 6, 80, 40000, FIN | ACK), XDP_PASS);
	assert_int_equal(ct_state(cli, srv, 6, 40000, 80), FW_CTE_CLOSING);
	assert_int_equal(xdp(srv, cli, 6, 80, 40000, ACK), XDP_PASS);
	assert_int_equal(reason_count(FW_DIR_INGRESS, FW_R_CT_ESTABLISHED), est0 + 4);
	/* a new SYN of the originator reopens it */
	assert_int_equal(tc(cli, srv, 6, 40000, 80, SYN), TC_ACT_UNSPEC);
	assert_int_equal(ct_state(cli, srv, 6, 40000, 80), FW_CTE_SYN_SENT);
	assert_int_equal(ct_count(), 1);
}

static void test_tcp4(void **state)
{
	tcp_life(CLI4, SRV4);
}

static void test_tcp6(void **state)
{
	tcp_life(CLI6, SRV6);
}

/* A connection refused: the RST answering a SYN gets in. */
static void test_tcp_refused(void **state)
{
	apply_json(deny_in);
	ct_flush();
	assert_int_equal(tc(CLI4, SRV4, 6, 40001, 81, SYN), TC_ACT_UNSPEC);
	assert_int_equal(xdp(SRV4, CLI4, 6, 81, 40001, RST | ACK), XDP_PASS);
	assert_int_equal(ct_state(CLI4, SRV4, 6, 40001, 81), FW_CTE_CLOSING);
}

/* A spoofed ACK / SYN-ACK flood from outside: dropped, no entry. */
static void test_spoofed_flood(void **state)
{
	struct rng r = { 42 };
	uint64_t d0;

	apply_json(deny_in);
	ct_flush();
	d0 = reason_count(FW_DIR_INGRESS, FW_R_DEFAULT_DROP);
	for (int i = 0; i < 2000; i++) {
		char src[32];

		snprintf(src, sizeof(src), "198.19.%u.%u", rng_below(&r, 256), rng_below(&r, 256));
		assert_int_equal(xdp(src, CLI4, 6, (uint16_t)rng_next(&r), (uint16_t)rng_next(&r),
				     i % 2 ? ACK : SYN | ACK), XDP_DROP);
	}
	assert_int_equal(reason_count(FW_DIR_INGRESS, FW_R_DEFAULT_DROP), d0 + 2000);
	assert_int_equal(ct_count(), 0);
}

static void test_udp_icmp(void **state)
{
	apply_json(deny_in);
	ct_flush();
	assert_int_equal(xdp(SRV4, CLI4, 17, 53, 5353, 0), XDP_DROP);
	assert_int_equal(tc(CLI4, SRV4, 17, 5353, 53, 0), TC_ACT_UNSPEC);
	assert_int_equal(ct_state(CLI4, SRV4, 17, 5353, 53), FW_CTE_UNREPLIED);
	assert_int_equal(xdp(SRV4, CLI4, 17, 53, 5353, 0), XDP_PASS);
	assert_int_equal(ct_state(CLI4, SRV4, 17, 5353, 53), FW_CTE_REPLIED);
	assert_int_equal(xdp(SRV4, CLI4, 17, 54, 5353, 0), XDP_DROP);
	assert_int_equal(xdp(SRV6, CLI6, 17, 53, 5353, 0), XDP_DROP);
	assert_int_equal(tc(CLI6, SRV6, 17, 5353, 53, 0), TC_ACT_UNSPEC);
	assert_int_equal(xdp(SRV6, CLI6, 17, 53, 5353, 0), XDP_PASS);

	/* ICMP echo: the id is the port; replies need a request */
	assert_int_equal(xdp(SRV4, CLI4, 1, 7, 0, 0), XDP_DROP);	/* echo reply */
	assert_int_equal(tc(CLI4, SRV4, 1, 7, 0, 8), TC_ACT_UNSPEC);	/* request */
	assert_int_equal(xdp(SRV4, CLI4, 1, 7, 0, 0), XDP_PASS);
	assert_int_equal(xdp(SRV4, CLI4, 1, 8, 0, 0), XDP_DROP);	/* other id */
	assert_int_equal(tc(CLI6, SRV6, 58, 9, 0, 128), TC_ACT_UNSPEC);
	assert_int_equal(xdp(SRV6, CLI6, 58, 9, 0, 129), XDP_PASS);
	/* an echo reply leaving records nothing; unreachable is untracked */
	assert_int_equal(tc(CLI4, SRV4, 1, 11, 0, 0), TC_ACT_UNSPEC);
	assert_int_equal(xdp(SRV4, CLI4, 1, 11, 0, 8), XDP_DROP);
	assert_int_equal(tc(CLI4, SRV4, 1, 0, 0, 3), TC_ACT_UNSPEC);
	assert_int_equal(ct_count(), 4);
}

/* Past its idle timeout an entry is absent: the late reply is dropped. */
static void test_timeout(void **state)
{
	struct fw_ct_entry e;
	struct fw_ct_key k;
	int fd;

	apply_json("{\"version\":1,\"default\":\"drop\",\"conntrack\":{\"timeouts\":"
		   "{\"udp\":\"1s\",\"tcp_established\":\"1h\"}}}");
	ct_flush();
	assert_int_equal(tc(CLI4, SRV4, 17, 5000, 53, 0), TC_ACT_UNSPEC);
	assert_int_equal(xdp(SRV4, CLI4, 17, 53, 5000, 0), XDP_PASS);
	usleep(1300 * 1000);	/* past the 1 s timeout */
	assert_int_equal(xdp(SRV4, CLI4, 17, 53, 5000, 0), XDP_DROP);
	/* a new request starts it again */
	assert_int_equal(tc(CLI4, SRV4, 17, 5000, 53, 0), TC_ACT_UNSPEC);
	assert_int_equal(xdp(SRV4, CLI4, 17, 53, 5000, 0), XDP_PASS);

	/* TCP: age an established entry by hand past the hour */
	assert_int_equal(tc(CLI4, SRV4, 6, 40002, 80, SYN), TC_ACT_UNSPEC);
	assert_int_equal(xdp(SRV4, CLI4, 6, 80, 40002, SYN | ACK), XDP_PASS);
	assert_int_equal(tc(CLI4, SRV4, 6, 40002, 80, ACK), TC_ACT_UNSPEC);
	assert_int_equal(xdp(SRV4, CLI4, 6, 80, 40002, ACK), XDP_PASS);
	assert_int_equal(ct_get(CLI4, SRV4, 6, 40002, 80, &e, &k), 0);
	assert_int_equal(e.state, FW_CTE_ESTABLISHED);
	e.last_ns = fw_mono_ns() - 3601ULL * 1000000000ULL;
	fd = fw_ct_table_fd(&H.st);
	assert_int_equal(bpf_map_update_elem(fd, &k, &e, BPF_EXIST), 0);
	close(fd);
	assert_int_equal(xdp(SRV4, CLI4, 6, 80, 40002, ACK), XDP_DROP);
	/* and a stray ACK does not revive it */
	assert_int_equal(ct_get(CLI4, SRV4, 6, 40002, 80, &e, NULL), 0);
	assert_true(fw_mono_ns() - e.last_ns > 3600ULL * 1000000000ULL);
}

/* "track": flows an ingress rule admits are recorded; egress answers. */
static void test_track(void **state)
{
	apply_json("{\"version\":1,\"default\":\"drop\",\"conntrack\":{},"
		   "\"rules\":[{\"action\":\"pass\",\"protocol\":\"tcp\",\"dst_port\":22,\"track\":true},"
		   "{\"action\":\"pass\",\"protocol\":\"tcp\",\"dst_port\":23}],"
		   "\"egress\":{\"default\":\"drop\"}}");
	ct_flush();
	/* a stray ACK to 22 passes by the rule, but records nothing */
	assert_int_equal(xdp(SRV4, CLI4, 6, 50000, 22, ACK), XDP_PASS);
	assert_int_equal(ct_count(), 0);
	assert_int_equal(xdp(SRV4, CLI4, 6, 50000, 22, SYN), XDP_PASS);
	assert_int_equal(ct_count(), 1);
	assert_int_equal(tc(CLI4, SRV4, 6, 22, 50000, SYN | ACK), TC_ACT_UNSPEC);
	assert_int_equal(ct_state(SRV4, CLI4, 6, 50000, 22), FW_CTE_SYN_RECV);
	assert_int_equal(xdp(SRV4, CLI4, 6, 50000, 22, ACK), XDP_PASS);
	assert_int_equal(ct_state(SRV4, CLI4, 6, 50000, 22), FW_CTE_ESTABLISHED);
	assert_int_equal(tc(CLI4, SRV4, 6, 22, 50000, ACK | PSH), TC_ACT_UNSPEC);
	/* port 23 passes untracked: egress replies are dropped */
	assert_int_equal(xdp(SRV4, CLI4, 6, 50001, 23, SYN), XDP_PASS);
	assert_int_equal(tc(CLI4, SRV4, 6, 23, 50001, SYN | ACK), TC_ACT_SHOT);
	assert_int_equal(ct_count(), 1);
}

/* The "ct" matcher, with "established": "match" (no admission first). */
static void test_matcher(void **state)
{
	uint32_t gen;

	apply_json("{\"version\":1,\"default\":\"drop\",\"conntrack\":{\"established\":\"match\"},"
		   "\"rules\":["
		   "{\"action\":\"drop\",\"src\":\"198.19.9.0/24\"},"
		   "{\"action\":\"pass\",\"ct\":\"established\"},"
		   "{\"action\":\"drop\",\"ct\":[\"invalid\"]},"
		   "{\"action\":\"pass\",\"ct\":\"new\",\"protocol\":\"tcp\"},"
		   "{\"action\":\"pass\",\"ct\":\"untracked\"}]}");
	ct_flush();
	assert_int_equal(fw_read_active_gen(&H.st, &gen), 0);
	assert_int_equal(tc(CLI4, SRV4, 6, 40003, 80, SYN), TC_ACT_UNSPEC);
	assert_int_equal(xdp(SRV4, CLI4, 6, 80, 40003, SYN | ACK), XDP_PASS);
	assert_int_equal(h_rule_count(&H, 0, 1), 1);
	/* rule 0 comes first: established is only a matcher here */
	assert_int_equal(tc("198.18.0.3", "198.19.9.1", 6, 40004, 80, SYN), TC_ACT_UNSPEC);
	assert_int_equal(xdp("198.19.9.1", "198.18.0.3", 6, 80, 40004, SYN | ACK), XDP_DROP);
	assert_int_equal(h_rule_count(&H, 0, 0), 1);
	assert_int_equal(xdp(SRV4, CLI4, 6, 80, 40099, ACK), XDP_DROP);	/* invalid */
	assert_int_equal(h_rule_count(&H, 0, 2), 1);
	assert_int_equal(xdp(SRV4, CLI4, 6, 80, 40099, SYN), XDP_PASS);	/* new */
	assert_int_equal(h_rule_count(&H, 0, 3), 1);
	assert_int_equal(xdp(SRV4, CLI4, 1, 0, 0, 3), XDP_PASS);	/* unreachable */
	assert_int_equal(h_rule_count(&H, 0, 4), 1);
	assert_int_equal(xdp(SRV4, CLI4, 17, 1, 2, 0), XDP_DROP);	/* new UDP */
	assert_int_equal(h_rule_count(&H, 0, -1), 1);
}

/* Conntrack off: nothing recorded, "untracked" for every packet. */
static void test_off(void **state)
{
	apply_json("{\"version\":1,\"default\":\"drop\","
		   "\"rules\":[{\"action\":\"pass\",\"protocol\":\"udp\"}]}");
	ct_flush();
	assert_int_equal(tc(CLI4, SRV4, 6, 40005, 80, SYN), TC_ACT_UNSPEC);
	assert_int_equal(xdp(SRV4, CLI4, 6, 80, 40005, SYN | ACK), XDP_DROP);
	assert_int_equal(ct_count(), 0);
}

/* The table has the policy's size; a new size keeps the live entries. */
static void test_size(void **state)
{
	struct bpf_map_info info = { 0 };
	uint32_t len = sizeof(info);
	int fd;

	apply_json("{\"version\":1,\"default\":\"drop\",\"conntrack\":{\"size\":4096}}");
	ct_flush();
	assert_int_equal(tc(CLI4, SRV4, 17, 6000, 53, 0), TC_ACT_UNSPEC);
	fd = fw_ct_table_fd(&H.st);
	assert_true(fd >= 0);
	assert_int_equal(bpf_obj_get_info_by_fd(fd, &info, &len), 0);
	assert_int_equal(info.max_entries, 4096);
	close(fd);
	apply_json("{\"version\":1,\"default\":\"drop\",\"conntrack\":{\"size\":128}}");
	fd = fw_ct_table_fd(&H.st);
	len = sizeof(info);
	assert_int_equal(bpf_obj_get_info_by_fd(fd, &info, &len), 0);
	assert_int_equal(info.max_entries, 128);
	close(fd);
	assert_int_equal(ct_count(), 1);
	assert_int_equal(xdp(SRV4, CLI4, 17, 53, 6000, 0), XDP_PASS);
	/* an LRU of 128: 1000 flows later, it holds at most 128 */
	for (int i = 0; i < 1000; i++)
		assert_int_equal(tc(CLI4, SRV4, 17, (uint16_t)(10000 + i), 53, 0), TC_ACT_UNSPEC);
	assert_true(ct_count() <= 128);
	assert_true(ct_count() >= 64);
}

/* ns per packet (BPF_PROG_TEST_RUN, repeat) of one frame: printed, not judged. */
static double ns_per_packet(int fd, const uint8_t *b, size_t n)
{
	uint8_t out[256];
	LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = b, .data_size_in = (uint32_t)n,
		    .data_out = out, .data_size_out = sizeof(out), .repeat = 200000);
	double best = 1e9;

	for (int i = 0; i < 5; i++) {
		assert_int_equal(bpf_prog_test_run_opts(fd, &opts), 0);
		if (opts.duration < best)
			best = opts.duration;
	}
	return best;
}

/* What conntrack costs the XDP program: off, a miss, an established hit. */
static void test_cost(void **state)
{
	uint8_t b[256];
	size_t n = frame(b, SRV4, CLI4, 17, 53, 7000, 0);
	double off, miss, hit;

	apply_json("{\"version\":1,\"default\":\"drop\",\"rules\":[{\"action\":\"pass\",\"protocol\":\"tcp\"}]}");
	off = ns_per_packet(H.xdp_fd, b, n);
	apply_json(deny_in);
	ct_flush();
	miss = ns_per_packet(H.xdp_fd, b, n);
	assert_int_equal(tc(CLI4, SRV4, 17, 7000, 53, 0), TC_ACT_UNSPEC);
	hit = ns_per_packet(H.xdp_fd, b, n);
	assert_int_equal(xdp(SRV4, CLI4, 17, 53, 7000, 0), XDP_PASS);
	printf("conntrack cost (XDP, UDP 64 B, best of 5 x 200000): off %.0f ns, miss (drop) %.0f ns, "
	       "established hit (pass) %.0f ns\n", off, miss, hit);
	assert_true(off > 0 && miss > 0 && hit > 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tcp4),
		cmocka_unit_test(test_tcp6),
		cmocka_unit_test(test_tcp_refused),
		cmocka_unit_test(test_spoofed_flood),
		cmocka_unit_test(test_udp_icmp),
		cmocka_unit_test(test_timeout),
		cmocka_unit_test(test_track),
		cmocka_unit_test(test_matcher),
		cmocka_unit_test(test_off),
		cmocka_unit_test(test_size),
		cmocka_unit_test(test_cost),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
