// SPDX-License-Identifier: GPL-2.0
/*
 * prog_limit.c - rate limits in the real XDP and tc programs
 * (BPF_PROG_TEST_RUN): the bucket's arithmetic (burst, refill, the cost of
 * a packet or of its bytes), the "over" action, the counters (the rule's,
 * the reason's and the over-limit one), per-source buckets and their
 * prefixes, the reset by apply, and the bucket shared by two CPUs running
 * the program at once.
 *
 * Timing: the rates are chosen so that the clock cannot move a bucket by a
 * whole token during a check (1/m: a token a minute), except where the
 * refill itself is tested; there the bucket's state word is written with a
 * time read from CLOCK_MONOTONIC (the clock of bpf_ktime_get_ns), or the
 * elapsed time is measured and the expectation follows from it.
 */

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <pthread.h>
#include <sched.h>
#include <time.h>
#include <cmocka.h>
#include "fixture.h"
#include "limit.h"

/* Run one frame (up to 2 KiB) through fd, repeat times: the last verdict. */
static int run_n(int fd, const void *pkt, size_t len, int repeat)
{
	static uint8_t out[4096];
	LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = pkt,
		    .data_size_in = (uint32_t)len, .data_out = out,
		    .data_size_out = sizeof(out), .repeat = repeat);

	if (bpf_prog_test_run_opts(fd, &opts))
		fail_msg("test run: %s", strerror(errno));
	return (int)opts.retval;
}

static int xdp(const void *pkt, size_t len)
{
	return run_n(H.xdp_fd, pkt, len, 1);
}

/* Packets of rule r over its limit (fw_rlim), in the active generation. */
static uint64_t over(unsigned int dir, int r)
{
	struct fw_counter c;
	uint32_t gen;

	assert_int_equal(fw_read_active_gen(&H.st, &gen), 0);
	assert_int_equal(fw_limit_over_count(&H.st, FW_TBL(gen, dir), (uint32_t)r, &c), 0);
	return c.packets;
}

/* A UDP frame of exactly len bytes (>= 42) from src to 198.18.2.2:9000. */
static size_t udp4(uint8_t *b, const char *src, size_t len)
{
	size_t ip = len - 14;

	memset(b, 0, len);
	memcpy(b, "\x02\x00\x00\x00\x00\x02\x02\x00\x00\x00\x00\x01\x08\x00", 14);
	b[14] = 0x45;
	b[16] = (uint8_t)(ip >> 8);
	b[17] = (uint8_t)ip;
	b[22] = 64;
	b[23] = 17;
	inet_pton(AF_INET, src, b + 26);
	inet_pton(AF_INET, "198.18.2.2", b + 30);
	b[34] = 0x9c;				/* sport 40000 */
	b[35] = 0x40;
	b[36] = 0x23;				/* dport 9000 */
	b[37] = 0x28;
	b[38] = (uint8_t)((ip - 20) >> 8);
	b[39] = (uint8_t)(ip - 20);
	return len;
}

static size_t udp6(uint8_t *b, const char *src)
{
	struct fw_pkt_desc d = { .family = 6, .proto = 17, .has_ports = 1,
				 .sport = 40000, .dport = 9000 };
	struct gen_frame f = { 0 };

	inet_pton(AF_INET6, src, d.saddr);
	inet_pton(AF_INET6, "2001:db8:2::2", d.daddr);
	return gen_frame_build(&d, &f, b);
}

/* n frames: how many passed (XDP_PASS) */
static int passes(const uint8_t *b, size_t len, int n)
{
	int p = 0;

	for (int i = 0; i < n; i++)
		p += xdp(b, len) == XDP_PASS;
	return p;
}

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* Write the shared bucket of limit slot 'slot' of the active generation. */
static void set_tat(uint32_t slot, uint64_t tat)
{
	struct fw_lstate s = { .tat = tat };
	uint32_t gen, k;

	assert_int_equal(fw_read_active_gen(&H.st, &gen), 0);
	k = FW_LIMIT_IDX(gen, slot);
	assert_int_equal(bpf_map_update_elem(H.st.fd[M_LIMST], &k, &s, BPF_ANY), 0);
}

#define POLICY(limit, over_action) \
	"{\"version\":1,\"default\":\"drop\",\"rules\":[" \
	"{\"id\":\"lim\",\"action\":\"" over_action "\",\"protocol\":\"udp\",\"dst_port\":9000," \
	"\"limit\":" limit "}," \
	"{\"id\":\"rest\",\"action\":\"pass\"}]}"

/* --- tests ------------------------------------------------------------------------ */

/* A full bucket lets 'burst' packets through; then the over action, counted. */
static void test_burst(void **state)
{
	uint8_t b[256];
	size_t len = udp4(b, "198.18.1.2", 60);
	uint64_t ld = reason_count(0, FW_R_LIMIT_DROP), rp = reason_count(0, FW_R_RULE_PASS);

	apply_json(POLICY("{\"rate\":\"1/m\",\"burst\":5}", "pass"));
	assert_int_equal(passes(b, len, 8), 5);
	assert_int_equal(reason_count(0, FW_R_RULE_PASS), rp + 5);
	assert_int_equal(reason_count(0, FW_R_LIMIT_DROP), ld + 3);
	assert_int_equal(rule_count(0, 0), 8);	/* the rule matched all eight */
	assert_int_equal(over(0, 0), 3);	/* three of them over the limit */
	assert_int_equal(over(0, 1), 0);
	assert_int_equal(rule_count(0, 1), 0);	/* over-limit packets do not fall through */

	/* an apply starts the bucket full again and zeroes the counter */
	apply_json(POLICY("{\"rate\":\"1/m\",\"burst\":5}", "pass"));
	assert_int_equal(over(0, 0), 0);
	assert_int_equal(passes(b, len, 6), 5);
	assert_int_equal(over(0, 0), 1);
}

/*
 * An apply zeroes the counters its tables can count into, also when the
 * generation's previous policy had fewer rules, or a limit on another rule
 * (apply.c zeroes only those, not all FW_NCNT): apply A, count; apply B
 * (the other generation); apply C into A's generation: C's rules, its
 * default and its limited rule's over-limit counter all start at 0.
 */
static void test_reapply_zeroes(void **state)
{
	uint8_t b[256];
	size_t len = udp4(b, "198.18.1.2", 60);
	uint32_t g0, g2;

	apply_json(POLICY("{\"rate\":\"1/m\",\"burst\":1}", "pass"));
	assert_int_equal(fw_read_active_gen(&H.st, &g0), 0);
	assert_int_equal(passes(b, len, 3), 1);
	assert_int_equal(rule_count(0, 0), 3);
	assert_int_equal(over(0, 0), 2);
	b[36] = 0x23;
	b[37] = 0x29;				/* dport 9001: rule 1, "rest" */
	assert_int_equal(passes(b, len, 4), 4);
	assert_int_equal(rule_count(0, 1), 4);
	/* B: one rule, the other generation */
	apply_json("{\"version\":1,\"default\":\"drop\",\"rules\":[{\"action\":\"drop\",\"protocol\":\"tcp\"}]}");
	assert_int_equal(passes(b, len, 2), 0);	/* the default: counted at FW_MAX_RULES */
	assert_int_equal(rule_count(0, -1), 2);
	/* C, into A's generation: the limited rule first again, then two others */
	apply_json("{\"version\":1,\"default\":\"pass\",\"rules\":["
		   "{\"action\":\"pass\",\"protocol\":\"udp\",\"dst_port\":9000,\"limit\":{\"rate\":\"1/m\",\"burst\":1}},"
		   "{\"action\":\"drop\",\"protocol\":\"tcp\"},"
		   "{\"action\":\"drop\",\"protocol\":\"icmp\"}]}");
	assert_int_equal(fw_read_active_gen(&H.st, &g2), 0);
	assert_int_equal(g2, g0);
	assert_int_equal(rule_count(0, 0), 0);	/* A's "lim" had 3 */
	assert_int_equal(over(0, 0), 0);	/* and 2 over the limit */
	assert_int_equal(rule_count(0, 1), 0);	/* A's "rest" had 4 */
	assert_int_equal(rule_count(0, 2), 0);
	assert_int_equal(rule_count(0, -1), 0);
	assert_int_equal(passes(b, len, 1), 1);	/* dport 9001: no rule, the default */
	assert_int_equal(rule_count(0, -1), 1);
	assert_int_equal(rule_count(0, 1), 0);
	b[37] = 0x28;				/* dport 9000 */
	assert_int_equal(passes(b, len, 3), 1);
	assert_int_equal(rule_count(0, 0), 3);
	assert_int_equal(over(0, 0), 2);
}

/* "over": "pass" passes what is over the limit, counted as limit_pass. */
static void test_over_pass(void **state)
{
	uint8_t b[256];
	size_t len = udp4(b, "198.18.1.2", 60);
	uint64_t lp = reason_count(0, FW_R_LIMIT_PASS), rd = reason_count(0, FW_R_RULE_DROP);

	apply_json(POLICY("{\"rate\":\"1/m\",\"burst\":2,\"over\":\"pass\"}", "drop"));
	assert_int_equal(passes(b, len, 5), 3);	/* 2 dropped by the rule, 3 over: pass */
	assert_int_equal(reason_count(0, FW_R_RULE_DROP), rd + 2);
	assert_int_equal(reason_count(0, FW_R_LIMIT_PASS), lp + 3);
	assert_int_equal(over(0, 0), 3);
}

/*
 * Refill, from a bucket state written with the monotonic clock: at 1/s
 * (one token a second) and burst 10, a bucket that will be full again
 * (10 - k - 0.5) s from now holds k.5 tokens: k packets pass, the next
 * does not (the half token is 0.5 s away: more than the check takes).
 */
static void test_refill_arithmetic(void **state)
{
	const uint64_t T = 1000000000ull << FW_LIMIT_TICK_SHIFT;	/* 1 s in ticks */
	uint8_t b[256];
	size_t len = udp4(b, "198.18.1.2", 60);
	static const int ks[] = { 0, 1, 3, 9 };

	apply_json(POLICY("{\"rate\":\"1/s\",\"burst\":10}", "pass"));
	for (size_t i = 0; i < sizeof(ks) / sizeof(ks[0]); i++) {
		int k = ks[i];

		set_tat(0, (mono_ns() << FW_LIMIT_TICK_SHIFT) + (uint64_t)(10 - k) * T - T / 2);
		assert_int_equal(passes(b, len, k + 2), k);
	}
	/* a state far in the past is a full bucket: exactly the burst */
	set_tat(0, 1);
	assert_int_equal(passes(b, len, 12), 10);
	/* an empty bucket refills at the rate: 2.5 s ago empty -> 2 tokens */
	set_tat(0, ((mono_ns() << FW_LIMIT_TICK_SHIFT) + 10 * T) - 5 * T / 2);
	assert_int_equal(passes(b, len, 4), 2);
}

/*
 * Refill in real time: 20/s (a token per 50 ms), burst 1. The second packet,
 * sent right after the first, passes only if 50 ms went by in between (a
 * loaded machine); after a 120 ms pause, one token (at least) is back.
 */
static void test_refill_realtime(void **state)
{
	uint8_t b[256];
	size_t len = udp4(b, "198.18.1.2", 60);
	uint64_t t0, t1;
	int v1, v2;

	apply_json(POLICY("{\"rate\":\"20/s\",\"burst\":1}", "pass"));
	t0 = mono_ns();
	v1 = xdp(b, len);
	v2 = xdp(b, len);
	t1 = mono_ns();
	assert_int_equal(v1, XDP_PASS);
	if (t1 - t0 < 45000000ull)
		assert_int_equal(v2, XDP_DROP);
	usleep(120000);
	assert_int_equal(xdp(b, len), XDP_PASS);
	assert_int_equal(xdp(b, len), XDP_DROP);	/* burst 1: one at a time */
}

/*
 * Byte rates: the cost is the frame's length. 1000B/m (16 B/s) with a
 * 3000-byte bucket: three 1000-byte frames, then not even a 60-byte one.
 */
static void test_bytes(void **state)
{
	uint8_t b[2048];
	size_t big, small;

	apply_json(POLICY("{\"rate\":\"1000B/m\",\"burst\":3000}", "pass"));
	big = udp4(b, "198.18.1.2", 1000);
	assert_int_equal(passes(b, big, 4), 3);
	small = udp4(b, "198.18.1.2", 60);
	assert_int_equal(passes(b, small, 1), 0);	/* the bucket is empty */

	/* 2900 bytes: two 1000-byte frames, then 900 bytes left: 15 small ones */
	apply_json(POLICY("{\"rate\":\"1000B/m\",\"burst\":2900}", "pass"));
	big = udp4(b, "198.18.1.2", 1000);
	assert_int_equal(passes(b, big, 3), 2);
	small = udp4(b, "198.18.1.2", 60);
	assert_int_equal(passes(b, small, 16), 15);

	/* a frame longer than the whole bucket never fits */
	apply_json(POLICY("{\"rate\":\"10MB/s\",\"burst\":1514}", "pass"));
	big = udp4(b, "198.18.1.2", 1515);
	assert_int_equal(passes(b, big, 1), 0);
	big = udp4(b, "198.18.1.2", 1514);
	assert_int_equal(passes(b, big, 1), 1);

	/* bits: 8000bit/m is 1000B/m */
	apply_json(POLICY("{\"rate\":\"8000bit/m\",\"burst\":\"3kB\"}", "pass"));
	big = udp4(b, "198.18.1.2", 1000);
	assert_int_equal(passes(b, big, 4), 3);
}

/* Per source: each address (or prefix) has its own bucket. */
static void test_per_source(void **state)
{
	uint8_t b[256];
	size_t len;

	apply_json(POLICY("{\"rate\":\"1/m\",\"burst\":2,\"per\":\"src\"}", "pass"));
	len = udp4(b, "198.18.1.2", 60);
	assert_int_equal(passes(b, len, 4), 2);
	len = udp4(b, "198.18.1.3", 60);
	assert_int_equal(passes(b, len, 4), 2);	/* another source: its own 2 */
	len = udp4(b, "198.18.1.2", 60);
	assert_int_equal(passes(b, len, 1), 0);	/* the first is still empty */
	assert_int_equal(over(0, 0), 5);

	/* src/24/64: a /24 (IPv4) or a /64 (IPv6) shares one bucket */
	apply_json(POLICY("{\"rate\":\"1/m\",\"burst\":3,\"per\":\"src/24/64\"}", "pass"));
	len = udp4(b, "198.18.5.1", 60);
	assert_int_equal(passes(b, len, 2), 2);
	len = udp4(b, "198.18.5.200", 60);
	assert_int_equal(passes(b, len, 3), 1);	/* same /24: one left */
	len = udp4(b, "198.18.6.1", 60);
	assert_int_equal(passes(b, len, 4), 3);	/* another /24 */
	len = udp6(b, "2001:db8:1::1");
	assert_int_equal(passes(b, len, 2), 2);
	len = udp6(b, "2001:db8:1::ffff:1");
	assert_int_equal(passes(b, len, 2), 1);	/* same /64 */
	len = udp6(b, "2001:db8:1:1::1");
	assert_int_equal(passes(b, len, 4), 3);	/* another /64 */

	/* IPv4 32.1.13.184 and IPv6 2001:db8::/32 mask to the same bytes: two buckets */
	apply_json(POLICY("{\"rate\":\"1/m\",\"burst\":1,\"per\":\"src/32/32\"}", "pass"));
	len = udp4(b, "32.1.13.184", 60);
	assert_int_equal(passes(b, len, 2), 1);
	len = udp6(b, "2001:db8::1");
	assert_int_equal(passes(b, len, 2), 1);

	/* an apply gives every source a new, full bucket (a new epoch) */
	apply_json(POLICY("{\"rate\":\"1/m\",\"burst\":2,\"per\":\"src\"}", "pass"));
	len = udp4(b, "198.18.1.2", 60);
	assert_int_equal(passes(b, len, 3), 2);
}

/* The tc egress program applies egress rules' limits, counted per direction. */
static void test_egress(void **state)
{
	uint8_t b[256];
	size_t len = udp4(b, "198.18.1.2", 60);
	uint64_t ld = reason_count(1, FW_R_LIMIT_DROP);
	int p = 0;

	apply_json("{\"version\":1,\"default\":\"pass\",\"egress\":{\"default\":\"pass\","
		   "\"rules\":[{\"action\":\"pass\",\"limit\":{\"rate\":\"1/m\",\"burst\":3}}]}}");
	for (int i = 0; i < 5; i++)
		p += run_n(H.tc_fd, b, len, 1) == TC_ACT_UNSPEC;
	assert_int_equal(p, 3);
	assert_int_equal(reason_count(1, FW_R_LIMIT_DROP), ld + 2);
	assert_int_equal(over(1, 0), 2);
	assert_int_equal(passes(b, len, 5), 5);	/* ingress: not limited */
}

struct flood {
	int cpu, fd, repeat;
	const uint8_t *pkt;
	size_t len;
	int err;
};

static void *flood_thread(void *arg)
{
	struct flood *f = arg;
	cpu_set_t set;
	uint8_t out[256];
	LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = f->pkt,
		    .data_size_in = (uint32_t)f->len, .data_out = out,
		    .data_size_out = sizeof(out), .repeat = f->repeat);

	CPU_ZERO(&set);
	CPU_SET(f->cpu, &set);
	sched_setaffinity(0, sizeof(set), &set);	/* best effort */
	f->err = bpf_prog_test_run_opts(f->fd, &opts) ? errno : 0;
	return NULL;
}

/*
 * Two CPUs run the program on the same bucket at once, 40000 times each,
 * three rounds: exactly the burst (20000) passes (1/m: no refill to speak
 * of), never more, and every other packet is counted over the limit.
 * Shared and per-source buckets. (A plain read-then-write of the bucket
 * lets a few hundred too many through here.)
 */
static void test_concurrency(void **state)
{
	static const char *const pols[] = {
		POLICY("{\"rate\":\"1/m\",\"burst\":20000}", "pass"),
		POLICY("{\"rate\":\"1/m\",\"burst\":20000,\"per\":\"src\"}", "pass"),
	};
	const int repeat = 40000, burst = 20000;
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	uint8_t b[256];
	size_t len = udp4(b, "198.18.1.2", 60);

	for (int round = 0; round < 6; round++) {
		struct flood f[2];
		pthread_t th[2];
		uint64_t rp, ld;

		apply_json(pols[round % 2]);
		rp = reason_count(0, FW_R_RULE_PASS);
		ld = reason_count(0, FW_R_LIMIT_DROP);
		for (int i = 0; i < 2; i++) {
			f[i] = (struct flood){ .cpu = (int)(i % (ncpu > 0 ? ncpu : 1)),
					       .fd = H.xdp_fd, .repeat = repeat, .pkt = b,
					       .len = len };
			assert_int_equal(pthread_create(&th[i], NULL, flood_thread, &f[i]), 0);
		}
		for (int i = 0; i < 2; i++) {
			pthread_join(th[i], NULL);
			assert_int_equal(f[i].err, 0);
		}
		assert_int_equal(reason_count(0, FW_R_RULE_PASS) - rp, burst);
		assert_int_equal(reason_count(0, FW_R_LIMIT_DROP) - ld, 2 * repeat - burst);
		assert_int_equal(over(0, 0), 2 * repeat - burst);
		assert_int_equal(rule_count(0, 0), 2 * repeat);
	}
}

/* A rule without a limit is never limited; a limited one does not slow the others. */
static void test_unlimited_rules(void **state)
{
	uint8_t b[256];
	size_t len = udp4(b, "198.18.1.2", 60);

	apply_json("{\"version\":1,\"default\":\"drop\",\"rules\":["
		   "{\"action\":\"pass\",\"protocol\":\"udp\",\"dst_port\":9001,"
		   "\"limit\":{\"rate\":\"1/m\",\"burst\":1}},"
		   "{\"action\":\"pass\",\"protocol\":\"udp\"}]}");
	assert_int_equal(passes(b, len, 100), 100);
	assert_int_equal(over(0, 1), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_burst),
		cmocka_unit_test(test_over_pass),
		cmocka_unit_test(test_reapply_zeroes),
		cmocka_unit_test(test_refill_arithmetic),
		cmocka_unit_test(test_refill_realtime),
		cmocka_unit_test(test_bytes),
		cmocka_unit_test(test_per_source),
		cmocka_unit_test(test_egress),
		cmocka_unit_test(test_concurrency),
		cmocka_unit_test(test_unlimited_rules),
	};

	(void)h_differential;	/* the harness's, used by prog_verdicts */
	return cmocka_run_group_tests(tests, setup, teardown);
}
