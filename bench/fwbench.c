// SPDX-License-Identifier: GPL-2.0
/*
 * fwbench.c - the benchmark driver that bench/bench.sh runs. Subcommands:
 *
 *   rules    write an N-rule benchmark policy: fwctl JSON, the same rules as
 *            an nftables linear chain and as a verdict map, and the spread
 *            traffic's per-packet templates, all checked against fwctl's
 *            reference model (probe and templates match the last rule or
 *            none)
 *   e2e      live traffic: the XDP generator (gen.bpf.c, BPF_PROG_RUN with
 *            BPF_F_TEST_XDP_LIVE_FRAMES) sends out of one veth end; the
 *            receiver's own counter, read over a timed window, gives its rate
 *   testrun  BPF_PROG_TEST_RUN ns/packet of fwctl's XDP program under the
 *            benchmark policies, and of the trivial XDP_DROP program
 *   memlock  kernel memory (memlock) of the maps under a fwctl pin directory
 *
 * Addresses: the probe and every rule live in 198.18.0.0/15; nothing here
 * sends a frame anywhere but out of the veth end it is given.
 */
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <net/if.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <linux/if_link.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "fwctl.h"
#include "model.h"
#include "bench.h"
#include "gen.skel.h"
#include "sink.skel.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

static void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
static void die(const char *fmt, ...)
{
	va_list ap;

	fputs("fwbench: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(2);
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void sleep_s(double s)
{
	struct timespec ts = { .tv_sec = (time_t)s,
			       .tv_nsec = (long)((s - (double)(time_t)s) * 1e9) };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

/* --- random numbers (xorshift64*): the same policy for the same seed ------ */

static uint64_t rng_state = 88172645463325252ULL;

static uint32_t rnd(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return (uint32_t)((rng_state * 2685821657736338717ULL) >> 32);
}

static uint32_t rnd_in(uint32_t lo, uint32_t hi)	/* inclusive */
{
	return lo + (uint32_t)(((uint64_t)rnd() * ((uint64_t)hi - lo + 1)) >> 32);
}

/* --- the probe frame --------------------------------------------------------- */

/*
 * The probe and the rules' geometry. Each field has a neighbourhood of the
 * probe (N below). An early rule matches the probe in every field but one,
 * its "miss" field: there its value lies outside N, in a pool that hands
 * every rule a range of its own. So rules are pairwise disjoint (first match
 * = any match, which the verdict map needs), the probe matches only the
 * last rule (the whole N box), and every rule is searched for it.
 */
#define PROBE_SRC	0xc612070au	/* 198.18.7.10 */
#define PROBE_DST	0xc6130714u	/* 198.19.7.20 */
#define PROBE_SPORT	40000
#define PROBE_DPORT	80		/* xdp-filter's deny-port rule: port 80 */
#define N_SRC		0xc6120000u	/* 198.18.0.0/20 */
#define N_DST		0xc6130000u	/* 198.19.0.0/20 */
#define N_PLEN		20
#define N_SPORT_LO	32768
#define N_SPORT_HI	49151
#define N_DPORT_LO	0
#define N_DPORT_HI	1023

static uint16_t csum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

static uint32_t csum_add(uint32_t sum, const uint8_t *p, size_t len)
{
	for (size_t i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)p[i] << 8 | p[i + 1];
	if (len & 1)
		sum += (uint32_t)p[len - 1] << 8;
	return sum;
}

/* A 60-byte TCP SYN (MSS option), valid checksums; addresses host order. */
static void build_frame(uint8_t *f, const uint8_t *smac, const uint8_t *dmac,
			uint32_t saddr, uint32_t daddr, uint16_t sport, uint16_t dport)
{
	uint8_t *ip = f + FB_OFF_IP, *tcp = f + FB_OFF_TCP;
	uint32_t s, d, sum;
	uint16_t c;

	memset(f, 0, FB_FRAME_LEN);
	memcpy(f, dmac, 6);
	memcpy(f + 6, smac, 6);
	f[12] = 0x08;				/* IPv4 */
	ip[0] = 0x45;
	ip[2] = 0;
	ip[3] = 20 + 24;			/* total length */
	ip[6] = 0x40;				/* DF */
	ip[8] = 64;				/* TTL */
	ip[9] = IPPROTO_TCP;
	s = htonl(saddr);
	d = htonl(daddr);
	memcpy(ip + 12, &s, 4);
	memcpy(ip + 16, &d, 4);
	c = htons(csum_fold(csum_add(0, ip, 20)));
	memcpy(ip + 10, &c, 2);

	tcp[0] = sport >> 8;
	tcp[1] = sport & 0xff;
	tcp[2] = dport >> 8;
	tcp[3] = dport & 0xff;
	tcp[4] = 0x12;				/* sequence number */
	tcp[5] = 0x34;
	tcp[12] = 6 << 4;			/* data offset: 24 bytes */
	tcp[13] = 0x02;				/* SYN */
	tcp[14] = 0xff;				/* window */
	tcp[15] = 0xff;
	tcp[20] = 2;				/* MSS 1460 */
	tcp[21] = 4;
	tcp[22] = 1460 >> 8;
	tcp[23] = 1460 & 0xff;
	sum = csum_add(0, ip + 12, 8);		/* pseudo header */
	sum += IPPROTO_TCP + 24;
	sum = csum_add(sum, tcp, 24);
	c = htons(csum_fold(sum));
	memcpy(tcp + 16, &c, 2);
}

static void frame_to_tmpl(const uint8_t *f, struct fb_tmpl *t)
{
	memcpy(&t->saddr, f + FB_OFF_SADDR, 4);
	memcpy(&t->daddr, f + FB_OFF_SADDR + 4, 4);
	memcpy(&t->sport, f + FB_OFF_TCP, 2);
	memcpy(&t->dport, f + FB_OFF_TCP + 2, 2);
	memcpy(&t->ip_csum, f + FB_OFF_IPCSUM, 2);
	memcpy(&t->tcp_csum, f + FB_OFF_TCPCSUM, 2);
}

static void tmpl_to_frame(const struct fb_tmpl *t, uint8_t *f)
{
	memcpy(f + FB_OFF_SADDR, &t->saddr, 4);
	memcpy(f + FB_OFF_SADDR + 4, &t->daddr, 4);
	memcpy(f + FB_OFF_TCP, &t->sport, 2);
	memcpy(f + FB_OFF_TCP + 2, &t->dport, 2);
	memcpy(f + FB_OFF_IPCSUM, &t->ip_csum, 2);
	memcpy(f + FB_OFF_TCPCSUM, &t->tcp_csum, 2);
}

/* MACs of frames that never leave fwbench (templates, test runs) */
static const uint8_t local_mac[6] = { 0x02, 0, 0, 0, 0, 1 };

static void probe_frame(uint8_t *f, const uint8_t *smac, const uint8_t *dmac)
{
	build_frame(f, smac, dmac, PROBE_SRC, PROBE_DST, PROBE_SPORT, PROBE_DPORT);
}

static struct fb_tmpl *read_tmpl(const char *path, uint32_t *n)
{
	struct fb_tmpl *t;
	FILE *f = fopen(path, "rb");
	long size;

	if (!f)
		die("cannot open %s: %s", path, strerror(errno));
	fseek(f, 0, SEEK_END);
	size = ftell(f);
	rewind(f);
	if (size <= 0 || size % (long)sizeof(*t) ||
	    size / (long)sizeof(*t) > FB_MAX_TMPL)
		die("%s: not a template file", path);
	t = malloc((size_t)size);
	if (!t || fread(t, 1, (size_t)size, f) != (size_t)size)
		die("cannot read %s", path);
	fclose(f);
	*n = (uint32_t)(size / (long)sizeof(*t));
	return t;
}

/* --- rules --------------------------------------------------------------------- */

enum { F_SRC, F_DST, F_SPORT, F_DPORT, F_PROTO, NF };

struct brule {
	uint32_t addr[2];	/* src, dst; host order */
	uint8_t plen[2];
	uint8_t proto;		/* 6 or 17 */
	uint8_t action;		/* FW_ACT_* */
	uint8_t miss;		/* F_*: the field that misses the probe */
	uint16_t lo[2], hi[2];	/* sport, dport ranges */
};

struct pool {			/* a bump allocator over up to two segments */
	uint32_t cur, end, next_lo, next_hi;
};

static bool pool_take(struct pool *p, uint32_t size, uint32_t align, uint32_t *out)
{
	for (;;) {
		uint64_t start = ((uint64_t)p->cur + align - 1) / align * align;

		if (start + size - 1 <= p->end) {
			*out = (uint32_t)start;
			p->cur = (uint32_t)(start + size);
			return true;
		}
		if (!p->next_hi)
			return false;
		p->cur = p->next_lo;
		p->end = p->next_hi;
		p->next_lo = p->next_hi = 0;
	}
}

static uint32_t pmask(uint8_t plen)
{
	return plen ? ~0u << (32 - plen) : 0;
}

/* Port range width: half single ports, the rest small and mid ranges. */
static uint32_t rnd_width(void)
{
	uint32_t r = rnd_in(0, 99);

	if (r < 50)
		return 1;
	if (r < 85)
		return rnd_in(2, 16);
	return rnd_in(17, 128);
}

/* A range holding the probe's port p inside [nlo, nhi], not all of it. */
static void near_range(uint16_t p, uint32_t nlo, uint32_t nhi, uint16_t *lo, uint16_t *hi)
{
	static const uint32_t spans[] = { 0, 3, 15, 100, 400, 2000 };
	uint32_t a = rnd_in(0, spans[rnd_in(0, ARRAY_SIZE(spans) - 1)]);
	uint32_t b = rnd_in(0, spans[rnd_in(0, ARRAY_SIZE(spans) - 1)]);
	uint32_t l = p - a < nlo + 1 || a > p ? nlo + 1 : p - a;
	uint32_t h = p + b > nhi - 1 ? nhi - 1 : p + b;

	if (l > p)
		l = p;
	*lo = (uint16_t)l;
	*hi = (uint16_t)h;
}

/*
 * n rules into r; the last one is the neighbourhood box. 'wrap' lets the
 * pools be reused when they run out (rules then may overlap: only for
 * policies that are not checked, like the 10k one fwctl refuses).
 */
static void gen_rules(struct brule *r, int n, bool wrap)
{
	static const uint8_t near_plens[] = { 21, 22, 23, 24, 26, 28, 30, 32 };
	static const uint8_t miss_plens[] = { 24, 26, 26, 26, 28, 28, 28, 28, 28, 28,
					      30, 30, 30, 30, 32, 32, 32, 32, 32, 32 };
	struct pool src = { N_SRC + (1u << (32 - N_PLEN)), N_SRC | 0xffff, 0, 0 };
	struct pool dst = { N_DST + (1u << (32 - N_PLEN)), N_DST | 0xffff, 0, 0 };
	struct pool sport = { 1024, N_SPORT_LO - 1, N_SPORT_HI + 1, 65535 };
	struct pool dport = { N_DPORT_HI + 1, 65535, 0, 0 };
	const struct pool sport0 = sport, dport0 = dport;

	for (int i = 0; i < n - 1; i++) {
		struct brule *b = &r[i];
		uint32_t w = rnd_in(0, 99), v;
		uint8_t pl;

		b->miss = w < 25 ? F_SRC : w < 50 ? F_DST : w < 70 ? F_SPORT :
			  w < 90 ? F_DPORT : F_PROTO;
		b->action = rnd() & 1 ? FW_ACT_DROP : FW_ACT_PASS;
		b->proto = b->miss == F_PROTO ? IPPROTO_UDP : IPPROTO_TCP;
		for (int f = 0; f < 2; f++) {
			uint32_t probe = f ? PROBE_DST : PROBE_SRC;

			if (b->miss == f) {
				struct pool *p = f ? &dst : &src;

				for (pl = miss_plens[rnd_in(0, ARRAY_SIZE(miss_plens) - 1)];; pl++) {
					uint32_t size = 1u << (32 - pl);

					if (pool_take(p, size, size, &v))
						break;
					if (pl == 32 && !wrap)
						die("address pool exhausted at rule %d", i);
					if (pl == 32) {		/* unchecked: reuse */
						p->cur = f ? N_DST + (1u << (32 - N_PLEN)) :
							     N_SRC + (1u << (32 - N_PLEN));
						pl = 31;
					}
				}
				b->addr[f] = v;
				b->plen[f] = pl;
			} else {
				pl = near_plens[rnd_in(0, ARRAY_SIZE(near_plens) - 1)];
				b->addr[f] = probe & pmask(pl);
				b->plen[f] = pl;
			}
		}
		for (int f = 0; f < 2; f++) {
			bool miss = b->miss == F_SPORT + f || (f == 1 && b->miss == F_PROTO);

			if (miss) {
				uint32_t wd = rnd_width();

				while (!pool_take(f ? &dport : &sport, wd, 1, &v)) {
					if (wd == 1 && !wrap)
						die("port pool exhausted at rule %d", i);
					if (wd == 1)		/* unchecked: reuse */
						*(f ? &dport : &sport) = f ? dport0 : sport0;
					wd = 1;
				}
				b->lo[f] = (uint16_t)v;
				b->hi[f] = (uint16_t)(v + wd - 1);
			} else if (f == 0) {
				near_range(PROBE_SPORT, N_SPORT_LO, N_SPORT_HI, &b->lo[0], &b->hi[0]);
			} else {
				near_range(PROBE_DPORT, N_DPORT_LO, N_DPORT_HI, &b->lo[1], &b->hi[1]);
			}
		}
	}
	/* the last rule: the whole neighbourhood box, drop */
	r[n - 1] = (struct brule){
		.addr = { N_SRC, N_DST }, .plen = { N_PLEN, N_PLEN },
		.proto = IPPROTO_TCP, .action = FW_ACT_DROP, .miss = NF,
		.lo = { N_SPORT_LO, N_DPORT_LO }, .hi = { N_SPORT_HI, N_DPORT_HI },
	};
}

/* Does rule b match the packet v (src, dst, sport, dport; TCP)? */
static bool rule_has(const struct brule *b, const uint32_t v[4])
{
	return b->proto == IPPROTO_TCP &&
	       (v[0] & pmask(b->plen[0])) == b->addr[0] &&
	       (v[1] & pmask(b->plen[1])) == b->addr[1] &&
	       v[2] >= b->lo[0] && v[2] <= b->hi[0] && v[3] >= b->lo[1] && v[3] <= b->hi[1];
}

/*
 * The sparse variant: every field of an early rule random over the whole
 * benchmark range (prefixes of mixed lengths in 198.18.0.0/15, any ports),
 * redrawn while it would match the probe. The probe still matches only the
 * last rule, but most rules share few of its field values, as in policies
 * where rules are about different hosts and services. Rules may overlap.
 */
static void gen_rules_sparse(struct brule *r, int n)
{
	static const uint8_t plens[] = { 16, 18, 20, 22, 24, 24, 26, 28, 30, 32, 32 };
	const uint32_t probe[4] = { PROBE_SRC, PROBE_DST, PROBE_SPORT, PROBE_DPORT };

	for (int i = 0; i < n - 1; i++) {
		struct brule *b = &r[i];

		do {
			b->miss = NF;
			b->action = rnd() & 1 ? FW_ACT_DROP : FW_ACT_PASS;
			b->proto = rnd_in(0, 99) < 80 ? IPPROTO_TCP : IPPROTO_UDP;
			for (int f = 0; f < 2; f++) {
				b->plen[f] = plens[rnd_in(0, ARRAY_SIZE(plens) - 1)];
				b->addr[f] = (0xc6120000u | (rnd() & 0x1ffff)) & pmask(b->plen[f]);
			}
			for (int f = 0; f < 2; f++) {
				uint32_t w = rnd_in(0, 99) < 10 ? rnd_in(129, 16384) : rnd_width();
				uint32_t lo = rnd_in(0, 65535 - w + 1);

				b->lo[f] = (uint16_t)lo;
				b->hi[f] = (uint16_t)(lo + w - 1);
			}
		} while (rule_has(b, probe));
	}
	r[n - 1] = (struct brule){
		.addr = { N_SRC, N_DST }, .plen = { N_PLEN, N_PLEN },
		.proto = IPPROTO_TCP, .action = FW_ACT_DROP, .miss = NF,
		.lo = { N_SPORT_LO, N_DPORT_LO }, .hi = { N_SPORT_HI, N_DPORT_HI },
	};
}

static const char *ip4(uint32_t a, char *buf)
{
	uint32_t n = htonl(a);

	return inet_ntop(AF_INET, &n, buf, INET_ADDRSTRLEN);
}

static void fprint_ports(FILE *f, uint16_t lo, uint16_t hi, bool json)
{
	if (lo == hi)
		fprintf(f, "%u", lo);
	else if (json)
		fprintf(f, "\"%u-%u\"", lo, hi);
	else
		fprintf(f, "%u-%u", lo, hi);
}

static void write_json(const char *path, const struct brule *r, int n,
		       const struct brule *eg, int neg, const char *dev)
{
	FILE *f = fopen(path, "w");
	char a[INET_ADDRSTRLEN], b[INET_ADDRSTRLEN];

	if (!f)
		die("cannot write %s: %s", path, strerror(errno));
	fprintf(f, "{\n  \"version\": 1,\n  \"description\": \"fwbench: %d rules\",\n", n);
	if (dev && *dev)
		fprintf(f, "  \"interfaces\": [\"%s\"],\n", dev);
	else
		fprintf(f, "  \"interfaces\": [],\n");
	fprintf(f, "  \"default\": \"drop\",\n");
	for (int d = 0; d < 2; d++) {
		const struct brule *rr = d ? eg : r;
		int nn = d ? neg : n;

		if (d && !neg)
			break;
		fprintf(f, d ? ",\n  \"egress\": { \"default\": \"pass\", \"rules\": [\n" :
			       "  \"rules\": [\n");
		for (int i = 0; i < nn; i++) {
			const struct brule *x = &rr[i];

			fprintf(f, "    { \"action\": \"%s\", \"src\": \"%s/%u\", \"dst\": \"%s/%u\", "
				"\"protocol\": \"%s\", \"src_port\": ",
				fw_action_name(x->action), ip4(x->addr[0], a), x->plen[0],
				ip4(x->addr[1], b), x->plen[1],
				x->proto == IPPROTO_TCP ? "tcp" : "udp");
			fprint_ports(f, x->lo[0], x->hi[0], true);
			fprintf(f, ", \"dst_port\": ");
			fprint_ports(f, x->lo[1], x->hi[1], true);
			fprintf(f, " }%s\n", i + 1 < nn ? "," : "");
		}
		fprintf(f, d ? "  ] }" : "  ]");
	}
	fprintf(f, "\n}\n");
	if (fclose(f))
		die("cannot write %s", path);
}

/*
 * nftables, netdev ingress of the receiving device (the earliest hook, so
 * the fastest place nftables can drop). A named counter "seen" counts every
 * packet the chain sees; "last" and "dflt" count the last rule's and the
 * default's drops (bench.sh checks seen == last + dflt).
 */
static void nft_head(FILE *f)
{
	fprintf(f, "table netdev fwbench {\n"
		   "\tcounter seen { }\n\tcounter last { }\n\tcounter dflt { }\n");
}

static void nft_match(FILE *f, const struct brule *x)
{
	char a[INET_ADDRSTRLEN], b[INET_ADDRSTRLEN];
	const char *p = x->proto == IPPROTO_TCP ? "tcp" : "udp";

	fprintf(f, "ip saddr %s/%u ip daddr %s/%u %s sport ", ip4(x->addr[0], a), x->plen[0],
		ip4(x->addr[1], b), x->plen[1], p);
	fprint_ports(f, x->lo[0], x->hi[0], false);
	fprintf(f, " %s dport ", p);
	fprint_ports(f, x->lo[1], x->hi[1], false);
}

static void nft_chain_head(FILE *f, const char *dev)
{
	fprintf(f, "\tchain in {\n\t\ttype filter hook ingress device \"%s\" priority 0; policy accept;\n"
		   "\t\tcounter name \"seen\"\n", dev);
}

static void write_nft_linear(const char *path, const struct brule *r, int n, const char *dev)
{
	FILE *f = fopen(path, "w");

	if (!f)
		die("cannot write %s: %s", path, strerror(errno));
	nft_head(f);
	nft_chain_head(f, dev);
	for (int i = 0; i < n; i++) {
		fprintf(f, "\t\t");
		nft_match(f, &r[i]);
		if (i == n - 1)
			fprintf(f, " counter name \"last\" drop\n");
		else
			fprintf(f, " %s\n", r[i].action == FW_ACT_DROP ? "drop" : "accept");
	}
	fprintf(f, "\t\tcounter name \"dflt\" drop\n\t}\n}\n");
	if (fclose(f))
		die("cannot write %s", path);
}

/*
 * The same rules as one lookup: a concatenated interval map (nft's pipapo
 * set) from (saddr, daddr, l4proto, sport, dport) to the rule's verdict.
 * Exactly the linear chain's semantics because the rules are disjoint. The
 * last rule stays a rule of its own so that its drops are counted.
 */
static void write_nft_set(const char *path, const struct brule *r, int n, const char *dev)
{
	FILE *f = fopen(path, "w");
	char a[INET_ADDRSTRLEN], b[INET_ADDRSTRLEN];

	if (!f)
		die("cannot write %s: %s", path, strerror(errno));
	nft_head(f);
	if (n > 1) {
		fprintf(f, "\tmap rules {\n\t\ttype ipv4_addr . ipv4_addr . inet_proto . "
			   "inet_service . inet_service : verdict\n\t\tflags interval\n"
			   "\t\telements = {\n");
		for (int i = 0; i < n - 1; i++) {
			const struct brule *x = &r[i];

			fprintf(f, "\t\t\t%s/%u . %s/%u . %s . ", ip4(x->addr[0], a), x->plen[0],
				ip4(x->addr[1], b), x->plen[1],
				x->proto == IPPROTO_TCP ? "tcp" : "udp");
			fprint_ports(f, x->lo[0], x->hi[0], false);
			fprintf(f, " . ");
			fprint_ports(f, x->lo[1], x->hi[1], false);
			fprintf(f, " : %s%s\n", x->action == FW_ACT_DROP ? "drop" : "accept",
				i + 2 < n ? "," : "");
		}
		fprintf(f, "\t\t}\n\t}\n");
	}
	nft_chain_head(f, dev);
	if (n > 1)
		fprintf(f, "\t\tip saddr . ip daddr . meta l4proto . th sport . th dport vmap @rules\n");
	fprintf(f, "\t\t");
	nft_match(f, &r[n - 1]);
	fprintf(f, " counter name \"last\" drop\n\t\tcounter name \"dflt\" drop\n\t}\n}\n");
	if (fclose(f))
		die("cannot write %s", path);
}

/* Random value inside [lo, hi] but outside [xlo, xhi] (which must not cover it). */
static uint32_t rnd_outside(uint32_t lo, uint32_t hi, uint32_t xlo, uint32_t xhi)
{
	for (;;) {
		uint32_t v = rnd_in(lo, hi);

		if (v < xlo || v > xhi)
			return v;
	}
}

static uint32_t rnd_in_prefix(uint32_t net, uint8_t plen)
{
	return net | (plen == 32 ? 0 : rnd() & ~pmask(plen));
}

/*
 * A spread packet for rule i: in its miss field a value inside rule i's
 * own range (outside the neighbourhood, so no other rule and not the last
 * one), in the other fields values inside rule i's ranges, but one of them
 * (src or dst) just outside: the packet hits rule i's entries in every
 * lookup and matches no rule. Every eighth packet is a random point of the
 * neighbourhood box instead: it matches the last rule.
 */
static void spread_packet(const struct brule *r, int n, uint32_t t, uint32_t v[4])
{
	const struct brule *b;
	int g;

	if (n == 1 || t % 8 == 7) {
		v[0] = rnd_in_prefix(N_SRC, N_PLEN);
		v[1] = rnd_in_prefix(N_DST, N_PLEN);
		v[2] = rnd_in(N_SPORT_LO, N_SPORT_HI);
		v[3] = rnd_in(N_DPORT_LO, N_DPORT_HI);
		if (n == 1 && t % 2) {		/* one rule: half of them miss it */
			switch (rnd_in(0, 3)) {
			case 0: v[0] = rnd_in(N_SRC | 0x1000, N_SRC | 0xffff); break;
			case 1: v[1] = rnd_in(N_DST | 0x1000, N_DST | 0xffff); break;
			case 2: v[2] = rnd_in(1024, N_SPORT_LO - 1); break;
			default: v[3] = rnd_in(N_DPORT_HI + 1, 65535); break;
			}
		}
		return;
	}
	b = &r[(t - t / 8) % (uint32_t)(n - 1)];
	v[0] = rnd_in_prefix(b->addr[0], b->plen[0]);
	v[1] = rnd_in_prefix(b->addr[1], b->plen[1]);
	v[2] = rnd_in(b->lo[0], b->hi[0]);
	v[3] = rnd_in(b->lo[1], b->hi[1]);
	if (b->miss == F_PROTO || b->proto != IPPROTO_TCP)
		return;			/* a UDP rule: a TCP packet misses it anyway */
	if (b->miss == NF) {		/* sparse: move one field out of the rule */
		switch (rnd_in(0, 3)) {
		case 0: v[0] ^= b->plen[0] ? 1u << (32 - b->plen[0]) : 0; break;
		case 1: v[1] ^= b->plen[1] ? 1u << (32 - b->plen[1]) : 0; break;
		case 2: v[2] = b->lo[0] ? b->lo[0] - 1u : b->hi[0] + 1u; break;
		default: v[3] = b->lo[1] ? b->lo[1] - 1u : b->hi[1] + 1u; break;
		}
		return;
	}
	g = b->miss == F_SRC ? F_DST : F_SRC;
	v[g] = rnd_outside(g == F_SRC ? N_SRC : N_DST,
			   (g == F_SRC ? N_SRC : N_DST) | ~pmask(N_PLEN),
			   b->addr[g], b->addr[g] | ~pmask(b->plen[g]));
}

static void desc_of(uint32_t s, uint32_t d, uint16_t sp, uint16_t dp, struct fw_pkt_desc *p)
{
	uint32_t ns = htonl(s), nd = htonl(d);

	memset(p, 0, sizeof(*p));
	p->family = 4;
	p->proto = IPPROTO_TCP;
	p->has_ports = true;
	p->sport = sp;
	p->dport = dp;
	p->has_tcp = true;
	p->tcp_flags = 0x02;
	p->ifindex = 1;
	memcpy(p->saddr, &ns, 4);
	memcpy(p->daddr, &nd, 4);
}

/* The model's verdict for a packet: must be a drop by the last rule or the default. */
static int check_pkt(const struct fw_policy *pol, int n, const struct fw_pkt_desc *d)
{
	struct fw_model_verdict v;

	fw_model_decide(pol, FW_DIR_INGRESS, FW_IN_IP, d, &v);
	if (v.action != FW_ACT_DROP || (v.rule != -1 && v.rule != n - 1))
		return -2;
	return v.rule;
}

static int cmd_rules(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "rules", required_argument, NULL, 'n' },
		{ "egress-rules", required_argument, NULL, 'e' },
		{ "dev", required_argument, NULL, 'd' },
		{ "out", required_argument, NULL, 'o' },
		{ "seed", required_argument, NULL, 's' },
		{ "templates", required_argument, NULL, 't' },
		{ "no-check", no_argument, NULL, 'C' },
		{ "sparse", no_argument, NULL, 'S' },
		{ 0 }
	};
	int n = 0, neg = 0, c, hits_last = 0, hits_none = 0, fallbacks = 0;
	uint32_t ntmpl = 16384;
	const char *dev = "", *out = NULL;
	bool check = true, sparse = false;
	char path[4096];
	struct brule *r, *eg = NULL;
	struct fb_tmpl *t;
	struct fw_policy pol = { 0 };
	struct fw_err err = { 0 };
	struct fw_pkt_desc d;
	uint8_t frame[FB_FRAME_LEN];
	FILE *f;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'n': n = atoi(optarg); break;
		case 'e': neg = atoi(optarg); break;
		case 'd': dev = optarg; break;
		case 'o': out = optarg; break;
		case 's': rng_state = strtoull(optarg, NULL, 0) | 1; break;
		case 't': ntmpl = (uint32_t)atoi(optarg); break;
		case 'C': check = false; break;
		case 'S': sparse = true; break;
		default: return 1;
		}
	}
	if (n < 1 || !out || ntmpl < 1 || ntmpl > FB_MAX_TMPL || neg < 0)
		die("usage: fwbench rules --rules N [--egress-rules M] --out PREFIX [--dev DEV] [--seed S] [--templates K] [--no-check] [--sparse]");
	r = calloc((size_t)n, sizeof(*r));
	if (!r)
		die("out of memory");
	if (sparse)
		gen_rules_sparse(r, n);
	else
		gen_rules(r, n, !check);
	if (neg) {
		eg = calloc((size_t)neg, sizeof(*eg));
		if (!eg)
			die("out of memory");
		gen_rules(eg, neg, !check);
	}
	snprintf(path, sizeof(path), "%s.json", out);
	write_json(path, r, n, eg, neg, dev);
	if (!check) {
		printf("%s: %d rules (+%d egress), not checked\n", path, n, neg);
		return 0;
	}
	if (fw_policy_parse_file(path, &pol, &err)) {
		char msg[1024];

		die("%s", fw_err_format(&err, msg, sizeof(msg)));
	}
	snprintf(path, sizeof(path), "%s.linear.nft", out);
	write_nft_linear(path, r, n, dev);
	if (!sparse) {		/* the verdict map needs disjoint rules */
		snprintf(path, sizeof(path), "%s.set.nft", out);
		write_nft_set(path, r, n, dev);
	}

	desc_of(PROBE_SRC, PROBE_DST, PROBE_SPORT, PROBE_DPORT, &d);
	if (check_pkt(&pol, n, &d) != n - 1)
		die("the probe does not match exactly the last rule");
	t = calloc(ntmpl, sizeof(*t));
	if (!t)
		die("out of memory");
	for (uint32_t i = 0; i < ntmpl; i++) {
		uint32_t v[4];
		int m;

		for (int try = 0;; try++) {	/* sparse rules overlap: redraw */
			if (try < 50) {
				spread_packet(r, n, i, v);
			} else {		/* covered by other rules: the probe */
				v[0] = PROBE_SRC, v[1] = PROBE_DST;
				v[2] = PROBE_SPORT, v[3] = PROBE_DPORT;
				fallbacks++;
			}
			desc_of(v[0], v[1], (uint16_t)v[2], (uint16_t)v[3], &d);
			m = check_pkt(&pol, n, &d);
			if (m != -2)
				break;
			if (!sparse || try == 50)
				die("template %u matches a rule other than the last", i);
		}
		m == n - 1 ? hits_last++ : hits_none++;
		build_frame(frame, local_mac, local_mac, v[0], v[1], (uint16_t)v[2], (uint16_t)v[3]);
		frame_to_tmpl(frame, &t[i]);
	}
	snprintf(path, sizeof(path), "%s.tmpl", out);
	f = fopen(path, "wb");
	if (!f || fwrite(t, sizeof(*t), ntmpl, f) != ntmpl || fclose(f))
		die("cannot write %s", path);
	printf("%s: %d rules (+%d egress); probe matches rule %d; %u templates: %d match the last rule, %d none (%d are the probe)\n",
	       out, n, neg, n - 1, ntmpl, hits_last, hits_none, fallbacks);
	fw_policy_free(&pol);
	free(t);
	free(r);
	free(eg);
	return 0;
}

/*
 * BPF_PROG_RUN of an XDP program with repeat > 1 adds the program to the
 * kernel's XDP dispatcher and removes it again, and each change rewrites
 * the dispatcher and waits for an RCU grace period: milliseconds per call,
 * far more than the run. A program that is attached (native mode) to some
 * device stays in the dispatcher, and the calls only count references. So
 * the benchmark attaches its programs to an idle holder veth (down, never
 * carrying traffic) for as long as it runs them.
 */
static int hold_attach(const char *dev, int prog_fd)
{
	int ifindex = dev ? (int)if_nametoindex(dev) : 0;

	if (!dev)
		return 0;
	if (!ifindex)
		return -ENODEV;
	return bpf_xdp_attach(ifindex, prog_fd, XDP_FLAGS_DRV_MODE, NULL);
}

static void hold_detach(const char *dev)
{
	int ifindex = dev ? (int)if_nametoindex(dev) : 0;

	if (ifindex)
		bpf_xdp_detach(ifindex, XDP_FLAGS_DRV_MODE, NULL);
}

/* --- e2e ------------------------------------------------------------------------- */

struct gen_ctx {
	int ns_fd;
	const char *dev;
	const char *hold;	/* holder device in the generator's netns */
	int cpu;
	const char *tmpl_path;
	const uint8_t *dmac;
	double rate;		/* offered frames/s; 0: flat out */
	volatile uint64_t *sent;	/* the program's counter (mmap'ed .bss) */
	struct fb_gen *skel;	/* destroyed by the main thread, after the join */
	struct fb_tmpl *tmpl;
	_Atomic int stop;
	_Atomic int ready;
	int err;
	char errmsg[256];
	uint32_t ns_per_frame;
};

static int pin_cpu(int cpu, pid_t tid)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	return sched_setaffinity(tid, sizeof(set), &set) ? -errno : 0;
}

static int dev_mac(const char *dev, uint8_t *mac)
{
	struct ifreq ifr = { 0 };
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0), ret = 0;

	if (fd < 0)
		return -errno;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", dev);
	if (ioctl(fd, SIOCGIFHWADDR, &ifr))
		ret = -errno;
	else
		memcpy(mac, ifr.ifr_hwaddr.sa_data, 6);
	close(fd);
	return ret;
}

#define GEN_REPEAT	(1 << 16)	/* frames per BPF_PROG_RUN call */
#define GEN_BATCH	256		/* the kernel's maximum */

static void *gen_main(void *arg)
{
	struct gen_ctx *g = arg;
	struct fb_gen *skel;
	uint32_t ntmpl = 0, ifindex;
	uint8_t frame[FB_FRAME_LEN], smac[6];
	struct xdp_md ctx = { 0 };
	int fd, ret, retries = 0;

	if (setns(g->ns_fd, CLONE_NEWNET)) {
		snprintf(g->errmsg, sizeof(g->errmsg), "setns: %s", strerror(errno));
		goto fail;
	}
	ifindex = if_nametoindex(g->dev);
	if (!ifindex || dev_mac(g->dev, smac)) {
		snprintf(g->errmsg, sizeof(g->errmsg), "no device %s", g->dev);
		goto fail;
	}
	if (g->cpu >= 0 && pin_cpu(g->cpu, 0)) {
		snprintf(g->errmsg, sizeof(g->errmsg), "cannot pin to CPU %d", g->cpu);
		goto fail;
	}
	if (g->tmpl_path)
		g->tmpl = read_tmpl(g->tmpl_path, &ntmpl);
	skel = g->skel = fb_gen__open();
	if (!skel) {
		snprintf(g->errmsg, sizeof(g->errmsg), "cannot open the generator");
		goto fail;
	}
	skel->rodata->n_tmpl = ntmpl;
	skel->rodata->gap_ns = g->rate > 0 ? (uint64_t)(1e9 / g->rate) : 0;
	if (fb_gen__load(skel)) {
		snprintf(g->errmsg, sizeof(g->errmsg), "cannot load the generator");
		goto fail;
	}
	for (uint32_t i = 0; i < ntmpl; i++)
		if (bpf_map_update_elem(bpf_map__fd(skel->maps.fb_tmpl), &i, &g->tmpl[i], BPF_ANY)) {
			snprintf(g->errmsg, sizeof(g->errmsg), "template map: %s", strerror(errno));
			goto fail;
		}
	if (hold_attach(g->hold, bpf_program__fd(skel->progs.fb_gen))) {
		snprintf(g->errmsg, sizeof(g->errmsg), "cannot attach to the holder %s", g->hold);
		goto fail;
	}
	probe_frame(frame, smac, g->dmac);
	ctx.data_end = FB_FRAME_LEN;
	ctx.ingress_ifindex = ifindex;
	fd = bpf_program__fd(skel->progs.fb_gen);
	g->sent = (volatile uint64_t *)&skel->bss->sent;
	g->ready = 1;
	while (!g->stop) {
		LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = frame, .data_size_in = FB_FRAME_LEN,
			    .ctx_in = &ctx, .ctx_size_in = sizeof(ctx), .repeat = GEN_REPEAT,
			    .batch_size = GEN_BATCH, .flags = BPF_F_TEST_XDP_LIVE_FRAMES);

		ret = bpf_prog_test_run_opts(fd, &o);
		if (ret && (ret == -EINTR || ret == -EAGAIN || ret == -ENOMEM || ret == -EBUSY) &&
		    retries++ < 10) {
			sleep_s(0.01);	/* transient: try again */
			continue;
		}
		if (ret) {
			snprintf(g->errmsg, sizeof(g->errmsg), "BPF_PROG_RUN live frames: %s",
				 strerror(-ret));
			goto fail;
		}
		g->ns_per_frame = o.duration;
	}
	hold_detach(g->hold);
	return NULL;
fail:
	g->err = 1;
	g->ready = 1;
	hold_detach(g->hold);
	return NULL;
}

/*
 * Pin the receiving device's threaded-NAPI kthreads ("napi/DEV-ID") to cpu
 * and note their pids: the receiver's whole work (XDP, or GRO, the stack and
 * nftables) runs in them. Returns how many there are.
 */
#define MAX_NAPI 8
static pid_t napi_pids[MAX_NAPI];
static int n_napi;

static int pin_napi(const char *dev, int cpu)
{
	char want[64], path[64], comm[64];
	struct dirent *de;
	int found = 0;
	DIR *d = opendir("/proc");

	if (!d)
		return -errno;
	snprintf(want, sizeof(want), "napi/%s-", dev);
	while ((de = readdir(d))) {
		FILE *f;
		pid_t pid = (pid_t)atoi(de->d_name);

		if (pid <= 0)
			continue;
		snprintf(path, sizeof(path), "/proc/%d/comm", pid);
		f = fopen(path, "r");
		if (!f)
			continue;
		if (fgets(comm, sizeof(comm), f) && !strncmp(comm, want, strlen(want)) &&
		    !pin_cpu(cpu, pid) && n_napi < MAX_NAPI) {
			napi_pids[n_napi++] = pid;
			found++;
		}
		fclose(f);
	}
	closedir(d);
	return found;
}

/*
 * Time (ns) the NAPI threads have run, and have waited runnable for a CPU
 * (other tasks on it): /proc/PID/schedstat, fields 1 and 2.
 */
static uint64_t napi_cpu_ns(uint64_t *waited)
{
	uint64_t sum = 0;

	*waited = 0;
	for (int i = 0; i < n_napi; i++) {
		char path[64];
		unsigned long long v = 0, w = 0;
		FILE *f;

		snprintf(path, sizeof(path), "/proc/%d/schedstat", napi_pids[i]);
		f = fopen(path, "r");
		if (!f || fscanf(f, "%llu %llu", &v, &w) != 2)
			die("cannot read %s", path);
		fclose(f);
		sum += v;
		*waited += w;
	}
	return sum;
}

enum cnt_kind { CNT_SINK, CNT_PERCPU, CNT_CMD };

struct counter {
	enum cnt_kind kind;
	int fd;
	uint32_t idx[8];
	int nidx;
	const char *cmd;
};

static uint64_t percpu_sum(int fd, uint32_t idx)
{
	int ncpu = libbpf_num_possible_cpus();
	struct bpf_map_info info = { 0 };
	uint32_t len = sizeof(info);
	uint64_t sum = 0;
	uint8_t *buf;

	if (ncpu <= 0 || bpf_obj_get_info_by_fd(fd, &info, &len))
		die("cannot read map info");
	buf = calloc((size_t)ncpu, (info.value_size + 7) / 8 * 8);
	if (!buf)
		die("out of memory");
	if (bpf_map_lookup_elem(fd, &idx, buf))
		die("map lookup of %u: %s", idx, strerror(errno));
	for (int i = 0; i < ncpu; i++) {
		uint64_t v;

		memcpy(&v, buf + (size_t)i * ((info.value_size + 7) / 8 * 8), 8);
		sum += v;
	}
	free(buf);
	return sum;
}

static uint64_t counter_read(struct counter *c)
{
	uint64_t sum = 0;

	switch (c->kind) {
	case CNT_SINK:
	case CNT_PERCPU:
		for (int i = 0; i < c->nidx; i++)
			sum += percpu_sum(c->fd, c->idx[i]);
		return sum;
	case CNT_CMD: {
		FILE *p = popen(c->cmd, "r");
		unsigned long long v;

		if (!p || fscanf(p, "%llu", &v) != 1)
			die("counter command printed no number: %s", c->cmd);
		if (pclose(p))
			die("counter command failed: %s", c->cmd);
		return v;
	}
	}
	return 0;
}

static int open_ns(const char *name)
{
	char path[256];
	int fd;

	snprintf(path, sizeof(path), "/run/netns/%s", name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		die("cannot open namespace %s: %s", name, strerror(errno));
	return fd;
}

static int cmd_e2e(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "gen-ns", required_argument, NULL, 'G' },
		{ "gen-dev", required_argument, NULL, 'g' },
		{ "rx-ns", required_argument, NULL, 'R' },
		{ "rx-dev", required_argument, NULL, 'r' },
		{ "templates", required_argument, NULL, 't' },
		{ "seconds", required_argument, NULL, 's' },
		{ "warmup", required_argument, NULL, 'w' },
		{ "gen-cpu", required_argument, NULL, 'c' },
		{ "napi-cpu", required_argument, NULL, 'n' },
		{ "count", required_argument, NULL, 'C' },
		{ "hold-dev", required_argument, NULL, 'H' },
		{ "rate", required_argument, NULL, 'P' },
		{ 0 }
	};
	const char *gen_ns = NULL, *rx_ns = NULL, *rx_dev = NULL, *spec = NULL;
	double secs = 1, warm = 0.5, t0, t1, ta, tb;
	struct gen_ctx g = { .cpu = 0 };
	struct counter cnt = { 0 };
	struct fb_sink *sink = NULL;
	struct bpf_program *sink_prog = NULL;
	uint8_t dmac[6];
	uint64_t c0, c1, s0, s1, u0, u1, w0, w1;
	int napi_cpu = 1, rx_fd, rx_ifindex = 0, c, pinned;
	pthread_t th;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'G': gen_ns = optarg; break;
		case 'g': g.dev = optarg; break;
		case 'R': rx_ns = optarg; break;
		case 'r': rx_dev = optarg; break;
		case 't': g.tmpl_path = optarg; break;
		case 's': secs = atof(optarg); break;
		case 'w': warm = atof(optarg); break;
		case 'c': g.cpu = atoi(optarg); break;
		case 'n': napi_cpu = atoi(optarg); break;
		case 'C': spec = optarg; break;
		case 'H': g.hold = optarg; break;
		case 'P': g.rate = atof(optarg); break;
		default: return 1;
		}
	}
	if (!gen_ns || !g.dev || !rx_ns || !rx_dev || !spec || secs <= 0)
		die("usage: fwbench e2e --gen-ns NS --gen-dev DEV --rx-ns NS --rx-dev DEV --count SPEC [--templates FILE] [--seconds S] [--warmup S] [--gen-cpu N] [--napi-cpu N] [--hold-dev DEV] [--rate PPS]\n"
		    "  SPEC: sink | sink-read | percpu:PINNED-MAP:IDX[,IDX...] | cmd:SHELL-COMMAND");
	g.ns_fd = open_ns(gen_ns);
	rx_fd = open_ns(rx_ns);
	if (setns(rx_fd, CLONE_NEWNET))
		die("setns %s: %s", rx_ns, strerror(errno));
	rx_ifindex = (int)if_nametoindex(rx_dev);
	if (!rx_ifindex || dev_mac(rx_dev, dmac))
		die("no device %s in %s", rx_dev, rx_ns);
	g.dmac = dmac;

	if (!strcmp(spec, "sink") || !strcmp(spec, "sink-read")) {
		LIBBPF_OPTS(bpf_xdp_attach_opts, ao);

		sink = fb_sink__open_and_load();
		if (!sink)
			die("cannot load the sink program");
		sink_prog = spec[4] ? sink->progs.fb_read : sink->progs.fb_count;
		if (bpf_xdp_attach(rx_ifindex, bpf_program__fd(sink_prog),
				   XDP_FLAGS_DRV_MODE | XDP_FLAGS_UPDATE_IF_NOEXIST, &ao))
			die("cannot attach the sink to %s (is an XDP program there?)", rx_dev);
		cnt.kind = CNT_SINK;
		cnt.fd = bpf_map__fd(sink->maps.fb_count_map);
		cnt.nidx = 1;
	} else if (!strncmp(spec, "percpu:", 7)) {
		char *s = strdup(spec + 7), *colon = s ? strrchr(s, ':') : NULL, *tok;

		if (!colon)
			die("bad counter %s", spec);
		*colon = 0;
		cnt.kind = CNT_PERCPU;
		cnt.fd = bpf_obj_get(s);
		if (cnt.fd < 0)
			die("cannot open %s: %s", s, strerror(errno));
		for (tok = strtok(colon + 1, ","); tok && cnt.nidx < 8; tok = strtok(NULL, ","))
			cnt.idx[cnt.nidx++] = (uint32_t)atoi(tok);
		free(s);
	} else if (!strncmp(spec, "cmd:", 4)) {
		cnt.kind = CNT_CMD;
		cnt.cmd = spec + 4;
	} else {
		die("bad counter %s", spec);
	}
	pinned = pin_napi(rx_dev, napi_cpu);
	if (pinned <= 0)
		die("%s has no threaded NAPI kthread (echo 1 > /sys/class/net/%s/threaded)",
		    rx_dev, rx_dev);

	if (pthread_create(&th, NULL, gen_main, &g))
		die("pthread_create");
	while (!g.ready)
		sleep_s(0.01);
	if (g.err) {
		pthread_join(th, NULL);
		die("generator: %s", g.errmsg);
	}
	sleep_s(warm);
	/*
	 * A window in which nothing was sent or nothing was received is void
	 * (seen once in many runs on a shared VM: the whole window stalled);
	 * it is measured again, up to twice, and said so on stderr.
	 */
	for (int attempt = 0;; attempt++) {
		ta = now_s();
		c0 = counter_read(&cnt);
		tb = now_s();
		u0 = napi_cpu_ns(&w0);
		s0 = *g.sent;
		t0 = (ta + tb) / 2;
		sleep_s(secs);
		ta = now_s();
		c1 = counter_read(&cnt);
		tb = now_s();
		u1 = napi_cpu_ns(&w1);
		s1 = *g.sent;
		t1 = (ta + tb) / 2;
		if ((c1 > c0 && u1 > u0 && s1 > s0) || attempt == 2 || g.err)
			break;
		fprintf(stderr, "fwbench: void window (%llu frames sent, %llu packets counted, receiver ran %llu ns): again\n",
			(unsigned long long)(s1 - s0), (unsigned long long)(c1 - c0),
			(unsigned long long)(u1 - u0));
	}
	g.stop = 1;
	pthread_join(th, NULL);
	fb_gen__destroy(g.skel);
	free(g.tmpl);
	if (sink) {
		LIBBPF_OPTS(bpf_xdp_attach_opts, ao,
			    .old_prog_fd = bpf_program__fd(sink_prog));
		bpf_xdp_detach(rx_ifindex, XDP_FLAGS_DRV_MODE | XDP_FLAGS_REPLACE, &ao);
		fb_sink__destroy(sink);
	}
	if (g.err)
		die("generator: %s", g.errmsg);
	/*
	 * Packets the receiver processed per second of its CPU time (its cost
	 * per packet, whatever share of the CPU it got), packets per second of
	 * wall time, the receiver's CPU share, generator frames per second,
	 * and the share of the window the receiver waited for its CPU.
	 */
	if (u1 <= u0 || c1 <= c0 || s1 <= s0)
		die("nothing measured: %llu frames sent, %llu packets counted, the receiver ran %llu ns",
		    (unsigned long long)(s1 - s0), (unsigned long long)(c1 - c0),
		    (unsigned long long)(u1 - u0));
	printf("%.0f %.0f %.3f %.0f %.3f\n", (double)(c1 - c0) * 1e9 / (double)(u1 - u0),
	       (double)(c1 - c0) / (t1 - t0), (double)(u1 - u0) * 1e-9 / (t1 - t0),
	       (double)(s1 - s0) / (t1 - t0), (double)(w1 - w0) * 1e-9 / (t1 - t0));
	return 0;
}

/* --- testrun ----------------------------------------------------------------------- */

struct tr_cfg {
	char name[64];
	bool drop;		/* the trivial program */
	struct fw_tables tables;
	struct fw_policy pol;
	struct fb_tmpl *tmpl;	/* spread: frames from these */
	uint32_t ntmpl;
	bool flows;		/* every template once per pass, one run each */
};

static int tr_run(int fd, const uint8_t *frame, int repeat, uint32_t *ns, uint32_t *retval)
{
	uint8_t out[128];
	LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = frame, .data_size_in = FB_FRAME_LEN,
		    .data_out = out, .data_size_out = sizeof(out), .repeat = repeat);
	int ret = bpf_prog_test_run_opts(fd, &o);

	*ns = o.duration;
	*retval = o.retval;
	return ret;
}

#define TR_SPREAD_FRAMES 256

/*
 * Where each source line of the loaded BPF program fd went in its JIT image,
 * for bench/profile.sh to attribute perf samples (perf here cannot annotate
 * BPF: no libopcodes). One line per line-info record: its kernel address (16
 * hex digits), the end of its subprogram's image, file:line, and the source
 * line (from the program's BTF).
 */
static void jitlines(int fd, FILE *out)
{
	struct bpf_prog_info info = { 0 };
	uint32_t len = sizeof(info), nl, njl, nk, lrs, jrs;
	struct bpf_line_info *li;
	uint64_t *jl, *ks;
	uint32_t *fl;
	struct btf *btf;

	if (bpf_obj_get_info_by_fd(fd, &info, &len))
		die("program info: %s", strerror(errno));
	nl = info.nr_line_info;
	njl = info.nr_jited_line_info;
	nk = info.nr_jited_ksyms;
	lrs = info.line_info_rec_size;
	jrs = info.jited_line_info_rec_size;
	if (!nl || njl != nl || !nk)
		die("program %u: no line info for its JIT image", info.id);
	li = calloc(nl, lrs);
	jl = calloc(njl, jrs);
	ks = calloc(nk, sizeof(*ks));
	fl = calloc(nk, sizeof(*fl));
	btf = btf__load_from_kernel_by_id(info.btf_id);
	if (!li || !jl || !ks || !fl || !btf)
		die("program %u: cannot read its BTF", info.id);
	memset(&info, 0, sizeof(info));
	info.nr_line_info = nl;
	info.line_info_rec_size = lrs;
	info.line_info = (uint64_t)(uintptr_t)li;
	info.nr_jited_line_info = njl;
	info.jited_line_info_rec_size = jrs;
	info.jited_line_info = (uint64_t)(uintptr_t)jl;
	info.nr_jited_ksyms = nk;
	info.jited_ksyms = (uint64_t)(uintptr_t)ks;
	info.nr_jited_func_lens = nk;
	info.jited_func_lens = (uint64_t)(uintptr_t)fl;
	len = sizeof(info);
	if (bpf_obj_get_info_by_fd(fd, &info, &len))
		die("program info: %s", strerror(errno));
	for (uint32_t i = 0; i < njl; i++) {
		const char *file = btf__name_by_offset(btf, li[i].file_name_off);
		const char *src = btf__name_by_offset(btf, li[i].line_off);
		const char *base = file ? strrchr(file, '/') : NULL;
		uint64_t end = 0;

		for (uint32_t k = 0; k < nk; k++)
			if (jl[i] >= ks[k] && jl[i] < ks[k] + fl[k])
				end = ks[k] + fl[k];
		while (src && (*src == ' ' || *src == '\t'))
			src++;
		fprintf(out, "%016llx %016llx %s:%u %s\n", (unsigned long long)jl[i],
			(unsigned long long)end, base ? base + 1 : (file ? file : "?"),
			BPF_LINE_INFO_LINE_NUM(li[i].line_col), src ? src : "");
	}
	btf__free(btf);
	free(li);
	free(jl);
	free(ks);
	free(fl);
}

/*
 * fwbench testrun --pin-dir DIR [--repeat N] [--rounds R] NAME=SPEC...
 * SPEC: "drop" (the trivial XDP_DROP program; "drop,flows": one packet per
 * test run, the fixed cost in "flows" figures), POLICY.json (the probe),
 * or POLICY.json,TEMPLATES (256 frames spread over the templates), or
 * POLICY.json,TEMPLATES,flows (every template twice in turn, one test run
 * of one packet each: with more templates than fw_vcache holds, every
 * packet misses the verdict cache; the figure includes a test run's fixed
 * cost, so compare it only with other "flows" figures). A NAME containing
 * ".vc" or ".novc" forces the verdict cache (fw_tblcfg.vcache) on or off.
 * Prints "NAME ROUND NS" per measurement.
 */
static int cmd_testrun(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "pin-dir", required_argument, NULL, 'p' },
		{ "repeat", required_argument, NULL, 'r' },
		{ "rounds", required_argument, NULL, 'R' },
		{ "hold-devs", required_argument, NULL, 'H' },
		{ 0 }
	};
	const char *pin = NULL, *hold0 = NULL, *hold1 = NULL;
	int repeat = 1000000, rounds = 3, c, ncfg, fw_fd, drop_fd;
	struct fw_state st = FW_STATE_INIT;
	struct bpf_object *obj;
	struct bpf_program *prog;
	struct fb_sink *sink;
	struct tr_cfg *cfg;
	uint8_t frame[FB_FRAME_LEN];

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'p': pin = optarg; break;
		case 'r': repeat = atoi(optarg); break;
		case 'R': rounds = atoi(optarg); break;
		case 'H': {
			char *comma = strchr(optarg, ',');

			if (!comma)
				die("--hold-devs DEV0,DEV1");
			*comma = 0;
			hold0 = optarg;
			hold1 = comma + 1;
			break;
		}
		default: return 1;
		}
	}
	ncfg = argc - optind;
	if (!pin || ncfg < 1 || repeat < TR_SPREAD_FRAMES || rounds < 1)
		die("usage: fwbench testrun --pin-dir DIR [--repeat N] [--rounds R] [--hold-devs DEV0,DEV1] NAME=drop|POLICY[,TEMPLATES]...");
	cfg = calloc((size_t)ncfg, sizeof(*cfg));
	if (!cfg)
		die("out of memory");
	for (int i = 0; i < ncfg; i++) {
		char *a = strdup(argv[optind + i]), *eq = a ? strchr(a, '=') : NULL, *comma;
		struct fw_err err = { 0 };
		char msg[1024];

		if (!eq)
			die("bad config %s", argv[optind + i]);
		*eq = 0;
		snprintf(cfg[i].name, sizeof(cfg[i].name), "%s", a);
		if (!strcmp(eq + 1, "drop") || !strcmp(eq + 1, "drop,flows")) {
			cfg[i].drop = true;
			cfg[i].flows = eq[5] == ',';
			free(a);
			continue;
		}
		comma = strchr(eq + 1, ',');
		if (comma) {
			char *c2 = strchr(comma + 1, ',');

			*comma = 0;
			if (c2) {
				*c2 = 0;
				if (strcmp(c2 + 1, "flows"))
					die("bad config %s", argv[optind + i]);
				cfg[i].flows = true;
			}
			cfg[i].tmpl = read_tmpl(comma + 1, &cfg[i].ntmpl);
		}
		if (fw_policy_parse_file(eq + 1, &cfg[i].pol, &err) ||
		    fw_compile(&cfg[i].pol, &cfg[i].tables, &err))
			die("%s", fw_err_format(&err, msg, sizeof(msg)));
		/* NAME.vc / NAME.novc: the verdict cache forced on / off */
		for (int d = 0; d < FW_NDIR; d++) {
			if (strstr(cfg[i].name, ".novc"))
				cfg[i].tables.dir[d].vcache = 0;
			else if (strstr(cfg[i].name, ".vc"))
				cfg[i].tables.dir[d].vcache = 1;
		}
		free(a);
	}

	fw_setup_lib_logging();
	if (fw_state_open(&st, pin, FW_ST_WRITE | FW_ST_CREATE))
		die("cannot create the firewall's maps under %s", pin);
	obj = fw_open_xdp_obj(pin);
	if (!obj || bpf_object__load(obj))
		die("cannot load fwctl's XDP program");
	prog = bpf_object__find_program_by_name(obj, "fw_xdp_ingress");
	fw_fd = prog ? bpf_program__fd(prog) : -1;
	sink = fb_sink__open_and_load();
	if (fw_fd < 0 || !sink)
		die("cannot load the programs");
	drop_fd = bpf_program__fd(sink->progs.fb_drop);
	if (hold_attach(hold0, fw_fd) || hold_attach(hold1, drop_fd))
		die("cannot attach to the holders %s, %s", hold0, hold1);
	probe_frame(frame, local_mac, local_mac);
	if (getenv("FWBENCH_JITLINES")) {	/* bench/profile.sh: where the lines are */
		FILE *f = fopen(getenv("FWBENCH_JITLINES"), "w");

		if (!f)
			die("%s: %s", getenv("FWBENCH_JITLINES"), strerror(errno));
		jitlines(fw_fd, f);
		fclose(f);
	}

	for (int r = 0; r < rounds; r++) {
		for (int i = 0; i < ncfg; i++) {
			uint32_t ns, retval;
			double total = 0;

			if (cfg[i].drop && cfg[i].flows) {	/* one packet per test run */
				for (int k = 0; k < 32768; k++) {
					if (tr_run(drop_fd, frame, 1, &ns, &retval))
						die("test run: %s", strerror(errno));
					total += ns;
				}
				printf("%s %d %.1f\n", cfg[i].name, r, total / 32768);
				continue;
			}
			if (cfg[i].drop) {
				if (tr_run(drop_fd, frame, repeat, &ns, &retval))
					die("test run: %s", strerror(errno));
				printf("%s %d %u\n", cfg[i].name, r, ns);
				continue;
			}
			if (fw_apply_tables(&st, &cfg[i].tables, &cfg[i].pol, NULL))
				die("cannot apply %s", cfg[i].name);
			if (!cfg[i].tmpl) {
				if (tr_run(fw_fd, frame, repeat, &ns, &retval))
					die("test run: %s", strerror(errno));
				if (retval != XDP_DROP)
					die("%s: the probe was not dropped (%u)", cfg[i].name, retval);
				printf("%s %d %u\n", cfg[i].name, r, ns);
				continue;
			}
			if (cfg[i].flows) {	/* each frame once: a new flow */
				uint32_t runs = 0;

				for (uint32_t k = 0; k < cfg[i].ntmpl * 2; k++, runs++) {
					uint8_t f[FB_FRAME_LEN];

					memcpy(f, frame, sizeof(f));
					tmpl_to_frame(&cfg[i].tmpl[k % cfg[i].ntmpl], f);
					if (tr_run(fw_fd, f, 1, &ns, &retval))
						die("test run: %s", strerror(errno));
					if (retval != XDP_DROP)
						die("%s: frame %u was not dropped (%u)", cfg[i].name, k, retval);
					total += ns;
				}
				printf("%s %d %.1f\n", cfg[i].name, r, total / runs);
				continue;
			}
			for (uint32_t k = 0; k < TR_SPREAD_FRAMES; k++) {
				uint8_t f[FB_FRAME_LEN];

				memcpy(f, frame, sizeof(f));
				tmpl_to_frame(&cfg[i].tmpl[(uint64_t)k * cfg[i].ntmpl / TR_SPREAD_FRAMES], f);
				if (tr_run(fw_fd, f, repeat / TR_SPREAD_FRAMES, &ns, &retval))
					die("test run: %s", strerror(errno));
				if (retval != XDP_DROP)
					die("%s: spread frame %u was not dropped (%u)", cfg[i].name, k, retval);
				total += ns;
			}
			printf("%s %d %.1f\n", cfg[i].name, r, total / TR_SPREAD_FRAMES);
		}
		fflush(stdout);
	}
	hold_detach(hold0);
	hold_detach(hold1);
	fb_sink__destroy(sink);
	bpf_object__close(obj);
	fw_state_unpin(&st);
	fw_state_close(&st);
	for (int i = 0; i < ncfg; i++) {
		if (!cfg[i].drop) {
			fw_tables_free(&cfg[i].tables);
			fw_policy_free(&cfg[i].pol);
		}
		free(cfg[i].tmpl);
	}
	free(cfg);
	return 0;
}

/* --- memlock ------------------------------------------------------------------------- */

static uint64_t fd_memlock(int fd)
{
	char path[64], line[256];
	unsigned long long v = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	f = fopen(path, "r");
	if (!f)
		die("cannot read %s", path);
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "memlock: %llu", &v) == 1)
			break;
	fclose(f);
	return v;
}

/*
 * fwbench memlock --pin-dir DIR: "maps BYTES" for the pinned maps, then
 * "set4.gG BYTES" / "set6.gG BYTES" for each generation's set tries and
 * "active G".
 */
static int cmd_memlock(int argc, char **argv)
{
	const char *pin = argc > 2 && !strcmp(argv[1], "--pin-dir") ? argv[2] : NULL;
	struct fw_state st = FW_STATE_INIT;
	uint64_t total = 0;
	uint32_t gen;

	if (!pin)
		die("usage: fwbench memlock --pin-dir DIR");
	if (fw_state_open(&st, pin, 0))
		die("no firewall state under %s", pin);
	for (int m = 0; m < FW_NMAPS; m++)
		if (st.fd[m] >= 0)
			total += fd_memlock(st.fd[m]);
	printf("maps %llu\n", (unsigned long long)total);
	for (int fam = 0; fam < 2; fam++) {
		int outer = st.fd[fam ? M_SETS6 : M_SETS4];

		for (uint32_t g = 0; g < FW_NGEN; g++) {
			uint32_t id = 0;
			int fd;

			if (bpf_map_lookup_elem(outer, &g, &id) || !id)
				continue;
			fd = bpf_map_get_fd_by_id(id);
			if (fd < 0)
				continue;
			printf("set%d.g%u %llu\n", fam ? 6 : 4, g, (unsigned long long)fd_memlock(fd));
			close(fd);
		}
	}
	if (!fw_read_active_gen(&st, &gen))
		printf("active %u\n", gen);
	fw_state_close(&st);
	return 0;
}

/*
 * fwbench vcache --pin-dir DIR on|off: the verdict cache of the active
 * generation's tables (fw_tblcfg.vcache) forced on or off, for measuring
 * a policy applied by fwctl both ways; the next apply sets it as compiled.
 */
static int cmd_vcache(int argc, char **argv)
{
	struct fw_state st = FW_STATE_INIT;
	uint32_t gen;
	int on;

	if (argc != 4 || strcmp(argv[1], "--pin-dir") ||
	    (strcmp(argv[3], "on") && strcmp(argv[3], "off")))
		die("usage: fwbench vcache --pin-dir DIR on|off");
	on = !strcmp(argv[3], "on");
	if (fw_state_open(&st, argv[2], FW_ST_WRITE) || fw_read_active_gen(&st, &gen))
		die("no firewall state under %s", argv[2]);
	for (uint32_t d = 0; d < FW_NDIR; d++) {
		uint32_t tbl = FW_TBL(gen, d);
		struct fw_tblcfg cfg;

		if (bpf_map_lookup_elem(st.fd[M_TBLCFG], &tbl, &cfg))
			die("cannot read fw_tblcfg");
		cfg.vcache = (uint8_t)on;
		if (bpf_map_update_elem(st.fd[M_TBLCFG], &tbl, &cfg, BPF_EXIST))
			die("cannot write fw_tblcfg");
	}
	fw_state_close(&st);
	return 0;
}

/* jitlines PROG-ID...: jitlines() of loaded programs, to stdout. */
static int cmd_jitlines(int argc, char **argv)
{
	for (int a = 1; a < argc; a++) {
		int fd = bpf_prog_get_fd_by_id((uint32_t)strtoul(argv[a], NULL, 10));

		if (fd < 0)
			die("program %s: %s", argv[a], strerror(errno));
		jitlines(fd, stdout);
		close(fd);
	}
	return 0;
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc < 2)
		goto usage;
	if (!strcmp(argv[1], "rules"))
		return cmd_rules(argc - 1, argv + 1);
	if (!strcmp(argv[1], "e2e"))
		return cmd_e2e(argc - 1, argv + 1);
	if (!strcmp(argv[1], "testrun"))
		return cmd_testrun(argc - 1, argv + 1);
	if (!strcmp(argv[1], "memlock"))
		return cmd_memlock(argc - 1, argv + 1);
	if (!strcmp(argv[1], "vcache"))
		return cmd_vcache(argc - 1, argv + 1);
	if (!strcmp(argv[1], "jitlines"))
		return cmd_jitlines(argc - 1, argv + 1);
usage:
	fprintf(stderr, "usage: fwbench rules|e2e|testrun|memlock|vcache|jitlines ... (see bench/README.md)\n");
	return 1;
}
