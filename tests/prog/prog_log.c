// SPDX-License-Identifier: GPL-2.0
/*
 * prog_log.c - the event log and the per-interface counters of the real XDP
 * and tc programs under BPF_PROG_TEST_RUN (issue 5). The pinned ring buffer
 * is consumed here, so every field of each event is checked against the
 * frame that was run: time, interface, direction, rule, final action and
 * reason, 5-tuple (IPv4, IPv6, ICMP), lengths and the bytes captured (cut
 * at FW_LOG_SNAP). Sampling (1 in N on one CPU: exact), the per-second cap
 * (exact within one second, counted as suppressed), a full ring buffer
 * (counted as lost), and the per-interface counters by action.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <time.h>
#include <cmocka.h>
#include "../harness.h"

static struct fw_harness H;
static struct ring_buffer *RB;

#define MAXEV 8192
static struct fw_event EV[MAXEV];
static int NEV;

static int on_event(void *ctx, void *data, size_t size)
{
	(void)ctx;
	if (size != sizeof(struct fw_event))
		fail_msg("event of %zu bytes, expected %zu", size, sizeof(struct fw_event));
	if (NEV < MAXEV)
		memcpy(&EV[NEV], data, sizeof(EV[0]));
	NEV++;
	return 0;
}

/* Read every event queued; their number (in EV[]). */
static int consume(void)
{
	NEV = 0;
	assert_true(ring_buffer__consume(RB) >= 0);
	return NEV;
}

static int setup(void **state)
{
	if (h_setup(&H))
		return -1;
	RB = ring_buffer__new(H.st.fd[M_EVENTS], on_event, NULL, NULL);
	return RB ? 0 : -1;
}

static int teardown(void **state)
{
	ring_buffer__free(RB);
	h_teardown(&H);
	return 0;
}

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* Run a frame 'repeat' times (one CPU, one call); the program's return value. */
static int run(int fd, const void *pkt, size_t len, int repeat)
{
	uint8_t out[1024];
	LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = pkt,
		    .data_size_in = (uint32_t)len, .data_out = out,
		    .data_size_out = sizeof(out), .repeat = repeat);

	if (bpf_prog_test_run_opts(fd, &opts))
		fail_msg("test run: %s", strerror(errno));
	return (int)opts.retval;
}

static void apply_json(const char *json)
{
	char msg[1024];

	if (h_apply_json(&H, json, msg, sizeof(msg)))
		fail_msg("%s", msg);
	consume();		/* nothing left from an earlier test */
}

static struct fw_logcnt logcnt(unsigned int dir, unsigned int slot)
{
	struct fw_logcnt c;
	uint32_t gen;

	assert_int_equal(fw_read_active_gen(&H.st, &gen), 0);
	assert_int_equal(fw_read_logcnt(&H.st, FW_LOG_SLOT(FW_TBL(gen, dir), slot), &c), 0);
	return c;
}

static size_t frame(uint8_t *b, int family, int proto, int dport, const char *src,
		    const char *dst, size_t pad)
{
	struct fw_pkt_desc d = { .family = (uint8_t)family, .proto = (uint8_t)proto,
				 .sport = 40000, .dport = (uint16_t)dport };
	struct gen_frame f = { 0 };
	size_t n;

	d.has_ports = proto == 6 || proto == 17;
	d.has_tcp = proto == 6;
	d.tcp_flags = 0x02;
	d.has_icmp = proto == 1 || proto == 58;
	d.icmp_type = (uint8_t)dport;
	inet_pton(family == 4 ? AF_INET : AF_INET6, src, d.saddr);
	inet_pton(family == 4 ? AF_INET : AF_INET6, dst, d.daddr);
	n = gen_frame_build(&d, &f, b);
	for (size_t i = 0; i < pad; i++)	/* a trailer: IP lengths stay as built */
		b[n + i] = (uint8_t)(0xa0 + i);
	return n + pad;
}

static void addr_is(const uint8_t *a, int family, const char *s)
{
	uint8_t want[16] = { 0 };

	inet_pton(family == 4 ? AF_INET : AF_INET6, s, want);
	assert_memory_equal(a, want, family == 4 ? 4 : 16);
}

static const char *const policy =
	"{\"version\":1,\"default\":\"pass\",\"rules\":["
	"{\"id\":\"ssh\",\"action\":\"drop\",\"protocol\":\"tcp\",\"dst_port\":22,\"log\":true},"
	"{\"id\":\"web\",\"action\":\"pass\",\"protocol\":\"tcp\",\"dst_port\":80},"
	"{\"id\":\"udp\",\"action\":\"pass\",\"protocol\":\"udp\",\"log\":{\"rate\":\"1000/s\"}},"
	"{\"id\":\"ping6\",\"action\":\"drop\",\"protocol\":\"icmpv6\",\"log\":true}"
	"],\"egress\":{\"default\":\"pass\",\"rules\":["
	"{\"id\":\"out\",\"action\":\"drop\",\"protocol\":\"udp\",\"dst_port\":53,\"log\":true}]}}";

static void test_event_xdp_fields(void **state)
{
	uint8_t b[512];
	size_t n = frame(b, 4, 6, 22, "198.18.0.1", "192.0.2.7", 0);
	uint64_t t0, t1;
	uint32_t gen;
	const struct fw_event *e = &EV[0];

	apply_json(policy);
	assert_int_equal(fw_read_active_gen(&H.st, &gen), 0);
	t0 = mono_ns();
	assert_int_equal(run(H.xdp_fd, b, n, 1), XDP_DROP);
	t1 = mono_ns();
	assert_int_equal(consume(), 1);
	assert_true(e->ts_ns >= t0 && e->ts_ns <= t1);
	assert_int_equal(e->ifindex, 1);		/* test runs: loopback */
	assert_int_equal(e->dir, FW_DIR_INGRESS);
	assert_int_equal(e->gen, gen);
	assert_int_equal(e->rule, 0);
	assert_int_equal(e->action, FW_ACT_DROP);
	assert_int_equal(e->reason, FW_R_RULE_DROP);
	assert_int_equal(e->family, 4);
	assert_int_equal(e->proto, 6);
	assert_int_equal(e->flags, FW_EV_PORTS | FW_EV_TCP);
	assert_int_equal(e->tcp_flags, 0x02);
	assert_int_equal(e->sport, 40000);
	assert_int_equal(e->dport, 22);
	addr_is(e->saddr, 4, "198.18.0.1");
	addr_is(e->daddr, 4, "192.0.2.7");
	assert_int_equal(e->orig_len, n);
	assert_int_equal(e->cap_len, n);
	assert_memory_equal(e->data, b, n);
	assert_int_equal(logcnt(0, 0).emitted, 1);

	/* a rule without "log" sends nothing; the passing udp rule does */
	n = frame(b, 4, 6, 80, "198.18.0.1", "192.0.2.7", 0);
	assert_int_equal(run(H.xdp_fd, b, n, 1), XDP_PASS);
	assert_int_equal(consume(), 0);
	n = frame(b, 4, 17, 5353, "198.18.0.2", "192.0.2.8", 0);
	assert_int_equal(run(H.xdp_fd, b, n, 1), XDP_PASS);
	assert_int_equal(consume(), 1);
	assert_int_equal(e->rule, 2);
	assert_int_equal(e->action, FW_ACT_PASS);
	assert_int_equal(e->reason, FW_R_RULE_PASS);
	assert_int_equal(e->proto, 17);
	assert_int_equal(e->flags, FW_EV_PORTS);
	assert_int_equal(e->dport, 5353);
}

static void test_event_snap(void **state)
{
	uint8_t b[512];
	size_t n = frame(b, 4, 17, 53, "198.18.0.1", "192.0.2.7", 300);
	const struct fw_event *e = &EV[0];

	apply_json(policy);
	assert_true(n > FW_LOG_SNAP);
	assert_int_equal(run(H.xdp_fd, b, n, 1), XDP_PASS);
	assert_int_equal(consume(), 1);
	assert_int_equal(e->orig_len, n);
	assert_int_equal(e->cap_len, FW_LOG_SNAP);
	assert_memory_equal(e->data, b, FW_LOG_SNAP);
}

static void test_event_ipv6_icmp(void **state)
{
	uint8_t b[512];
	size_t n = frame(b, 6, 58, 128, "2001:db8::1", "2001:db8:ffff::2", 0);
	const struct fw_event *e = &EV[0];

	apply_json(policy);
	assert_int_equal(run(H.xdp_fd, b, n, 1), XDP_DROP);
	assert_int_equal(consume(), 1);
	assert_int_equal(e->rule, 3);
	assert_int_equal(e->family, 6);
	assert_int_equal(e->proto, 58);
	assert_int_equal(e->flags, FW_EV_ICMP);
	assert_int_equal(e->sport, 128);	/* ICMP type */
	assert_int_equal(e->dport, 0);		/* code */
	addr_is(e->saddr, 6, "2001:db8::1");
	addr_is(e->daddr, 6, "2001:db8:ffff::2");
	assert_int_equal(e->cap_len, n);
	assert_memory_equal(e->data, b, n);
}

static void test_event_tc_egress(void **state)
{
	uint8_t b[512];
	size_t n = frame(b, 4, 17, 53, "192.0.2.7", "198.18.0.1", 150);
	const struct fw_event *e = &EV[0];

	apply_json(policy);
	assert_int_equal(run(H.tc_fd, b, n, 1), TC_ACT_SHOT);
	assert_int_equal(consume(), 1);
	assert_int_equal(e->dir, FW_DIR_EGRESS);
	assert_int_equal(e->rule, 0);
	assert_int_equal(e->action, FW_ACT_DROP);
	assert_int_equal(e->reason, FW_R_RULE_DROP);
	assert_int_equal(e->dport, 53);
	addr_is(e->saddr, 4, "192.0.2.7");
	assert_int_equal(e->orig_len, n);
	assert_int_equal(e->cap_len, FW_LOG_SNAP);
	assert_memory_equal(e->data, b, FW_LOG_SNAP);
	assert_int_equal(logcnt(1, 0).emitted, 1);
}

static void test_sampling(void **state)
{
	uint8_t b[512];
	size_t n = frame(b, 4, 17, 9, "198.18.0.1", "192.0.2.7", 0);
	struct fw_logcnt c;

	apply_json("{\"version\":1,\"default\":\"pass\",\"rules\":["
		   "{\"action\":\"drop\",\"protocol\":\"udp\",\"log\":{\"sample\":4,\"rate\":\"1000000/s\"}}]}");
	/* one call with repeat runs on one CPU: the per-CPU sampling is exact */
	run(H.xdp_fd, b, n, 20);
	assert_int_equal(consume(), 5);
	c = logcnt(0, 0);
	assert_int_equal(c.seen, 20);
	assert_int_equal(c.sampled, 5);
	assert_int_equal(c.emitted, 5);
	assert_int_equal(c.suppressed + c.lost, 0);
	assert_int_equal(h_rule_count(&H, 0, 0), 20);
}

static void test_rate_cap(void **state)
{
	uint8_t b[512];
	size_t n = frame(b, 4, 17, 9, "198.18.0.1", "192.0.2.7", 0);
	struct fw_logcnt c;
	uint64_t t0, t1;
	int got, attempt;

	/* 10 packets at a cap of 3/s: within one second exactly 3 events, 7 suppressed;
	 * a run that straddles a second boundary is tried again (at most 5 times) */
	for (attempt = 0; attempt < 5; attempt++) {
		apply_json("{\"version\":1,\"default\":\"pass\",\"rules\":["
			   "{\"action\":\"drop\",\"protocol\":\"udp\",\"log\":{\"rate\":\"3/s\"}}]}");
		t0 = mono_ns();
		run(H.xdp_fd, b, n, 10);
		t1 = mono_ns();
		got = consume();
		c = logcnt(0, 0);
		assert_int_equal(c.sampled, 10);
		assert_int_equal(c.emitted, (uint64_t)got);
		assert_int_equal(c.emitted + c.suppressed + c.lost, 10);
		assert_true(got <= 6);		/* two windows at most */
		if (t0 / 1000000000ull == t1 / 1000000000ull)
			break;
	}
	assert_true(attempt < 5);
	assert_int_equal(got, 3);
	assert_int_equal(c.suppressed, 7);
	assert_int_equal(c.lost, 0);
}

static void test_ring_full(void **state)
{
	uint8_t b[512];
	size_t n = frame(b, 4, 17, 9, "198.18.0.1", "192.0.2.7", 0);
	struct fw_logcnt c;
	int got;

	apply_json("{\"version\":1,\"default\":\"pass\",\"rules\":["
		   "{\"action\":\"drop\",\"protocol\":\"udp\",\"log\":{\"rate\":\"1000000/s\"}}]}");
	run(H.xdp_fd, b, n, 7000);	/* more than the ring buffer holds */
	got = consume();
	c = logcnt(0, 0);
	assert_int_equal(c.sampled, 7000);
	assert_true(c.lost > 0);
	assert_int_equal(c.emitted + c.lost + c.suppressed, 7000);
	assert_int_equal(c.emitted, (uint64_t)got);
	/* each record: the event and the ring buffer's 8-byte header */
	assert_true((uint64_t)got * (sizeof(struct fw_event) + 8) <= FW_EVENTS_SIZE);
	assert_true((uint64_t)(got + 1) * (sizeof(struct fw_event) + 8) > FW_EVENTS_SIZE);
	/* room again once consumed */
	run(H.xdp_fd, b, n, 1);
	assert_int_equal(consume(), 1);
}

static const struct fw_ifstat *ifstat(uint32_t ifindex, uint32_t dir, struct fw_ifstat *out)
{
	struct fw_ifstat_entry *v;
	int k = fw_read_ifstats(&H.st, &v);

	assert_true(k >= 0);
	memset(out, 0, sizeof(*out));
	for (int i = 0; i < k; i++)
		if (v[i].key.ifindex == ifindex && v[i].key.dir == dir)
			*out = v[i].st;
	free(v);
	return out;
}

static void test_ifstat(void **state)
{
	struct fw_ifstat a, b2;
	uint8_t b[512];
	size_t n1 = frame(b, 4, 6, 22, "198.18.0.1", "192.0.2.7", 0), n2;

	apply_json(policy);
	ifstat(1, FW_DIR_INGRESS, &a);
	run(H.xdp_fd, b, n1, 3);		/* dropped by ssh */
	n2 = frame(b, 4, 6, 80, "198.18.0.1", "192.0.2.7", 10);
	run(H.xdp_fd, b, n2, 5);		/* passed by web */
	ifstat(1, FW_DIR_INGRESS, &b2);
	assert_int_equal(b2.act[FW_ACT_DROP].packets - a.act[FW_ACT_DROP].packets, 3);
	assert_int_equal(b2.act[FW_ACT_DROP].bytes - a.act[FW_ACT_DROP].bytes, 3 * n1);
	assert_int_equal(b2.act[FW_ACT_PASS].packets - a.act[FW_ACT_PASS].packets, 5);
	assert_int_equal(b2.act[FW_ACT_PASS].bytes - a.act[FW_ACT_PASS].bytes, 5 * n2);

	ifstat(1, FW_DIR_EGRESS, &a);
	n1 = frame(b, 4, 17, 53, "192.0.2.7", "198.18.0.1", 0);
	run(H.tc_fd, b, n1, 2);			/* dropped by out */
	ifstat(1, FW_DIR_EGRESS, &b2);
	assert_int_equal(b2.act[FW_ACT_DROP].packets - a.act[FW_ACT_DROP].packets, 2);
	assert_int_equal(b2.act[FW_ACT_PASS].packets - a.act[FW_ACT_PASS].packets, 0);
	consume();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_event_xdp_fields),
		cmocka_unit_test(test_event_snap),
		cmocka_unit_test(test_event_ipv6_icmp),
		cmocka_unit_test(test_event_tc_egress),
		cmocka_unit_test(test_sampling),
		cmocka_unit_test(test_rate_cap),
		cmocka_unit_test(test_ring_full),
		cmocka_unit_test(test_ifstat),
	};

	(void)h_differential;
	return cmocka_run_group_tests(tests, setup, teardown);
}
