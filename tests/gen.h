/* SPDX-License-Identifier: GPL-2.0 */
/*
 * gen.h - random policies (as JSON text, so the parser is exercised too)
 * and random packets biased towards rule boundaries: prefix edges, range
 * edges, protocols with and without ports, later fragments, VLAN tags.
 * Shared by the unit tests (compiler vs model) and the program tests
 * (kernel vs model). Header-only: each test binary is one file.
 */
#ifndef FW_TEST_GEN_H
#define FW_TEST_GEN_H

#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "policy.h"
#include "model.h"

struct rng {
	uint64_t s;
};

static inline uint64_t rng_next(struct rng *r)
{
	r->s ^= r->s >> 12;
	r->s ^= r->s << 25;
	r->s ^= r->s >> 27;
	return r->s * 0x2545f4914f6cdd1dULL;
}

static inline uint32_t rng_below(struct rng *r, uint32_t n)
{
	return n ? (uint32_t)(rng_next(r) % n) : 0;
}

static inline int rng_pct(struct rng *r, int pct)
{
	return (int)rng_below(r, 100) < pct;
}

/* A pool of prefixes and port boundaries that rules and packets share. */
#define GEN_POOL 24
struct gen_pool {
	struct fw_prefix pfx[GEN_POOL];
	int n_pfx;
	uint16_t ports[16];
};

static void pfx_mask(struct fw_prefix *p)
{
	int bits = p->family == 4 ? 32 : 128;

	for (int b = p->plen; b < bits; b++)
		p->addr[b / 8] &= (uint8_t)~(0x80 >> (b % 8));
}

static void gen_pool_init(struct rng *r, struct gen_pool *pool)
{
	/* nested prefixes around a few bases so that rules overlap */
	for (int i = 0; i < GEN_POOL; i++) {
		struct fw_prefix *p = &pool->pfx[i];

		memset(p, 0, sizeof(*p));
		if (i > 0 && rng_pct(r, 50)) {
			/* a sub-prefix of an earlier one: same leading bits */
			int bits, len;

			*p = pool->pfx[rng_below(r, (uint32_t)i)];
			bits = p->family == 4 ? 32 : 128;
			len = p->plen + 1 + (int)rng_below(r, 8);
			if (len > bits)
				len = bits;
			for (int k = p->plen; k < len; k++)
				if (rng_pct(r, 50))
					p->addr[k / 8] |= (uint8_t)(0x80 >> (k % 8));
			p->plen = (uint8_t)len;
		} else if (rng_pct(r, 55)) {
			p->family = 4;
			p->addr[0] = 198;
			p->addr[1] = (uint8_t)(18 + rng_below(r, 2));
			p->addr[2] = (uint8_t)rng_below(r, 4);
			p->addr[3] = (uint8_t)rng_next(r);
			p->plen = (uint8_t)(rng_pct(r, 10) ? rng_below(r, 16) : 15 + rng_below(r, 18));
		} else {
			p->family = 6;
			p->addr[0] = 0x20;
			p->addr[1] = 0x01;
			p->addr[2] = 0x0d;
			p->addr[3] = 0xb8;
			for (int b = 4; b < 16; b++)
				p->addr[b] = rng_pct(r, 70) ? 0 : (uint8_t)rng_next(r);
			p->addr[15] = (uint8_t)rng_below(r, 4);
			p->plen = (uint8_t)(rng_pct(r, 10) ? rng_below(r, 32) : 32 + rng_below(r, 97));
		}
		pfx_mask(p);
	}
	pool->n_pfx = GEN_POOL;
	for (int i = 0; i < 16; i++)
		pool->ports[i] = i < 3 ? (uint16_t)(i * 65535 / 2) :
			(uint16_t)(rng_pct(r, 50) ? rng_below(r, 1024) : rng_next(r));
}

struct sbuf {
	char *s;
	size_t n, cap;
};

static void sb_printf(struct sbuf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void sb_printf(struct sbuf *b, const char *fmt, ...)
{
	va_list ap;
	int need;

	for (;;) {
		va_start(ap, fmt);
		need = vsnprintf(b->s + b->n, b->cap - b->n, fmt, ap);
		va_end(ap);
		if (b->s && (size_t)need < b->cap - b->n) {
			b->n += (size_t)need;
			return;
		}
		b->cap = (b->cap + (size_t)need + 1) * 2;
		b->s = realloc(b->s, b->cap);
		if (!b->s)
			abort();
	}
}

static void gen_prefix_list(struct rng *r, const struct gen_pool *pool,
			    struct sbuf *b, int want_family)
{
	int n = 1 + (int)rng_below(r, 3), first = 1;
	char txt[64];

	sb_printf(b, "[");
	for (int i = 0; i < n * 4 && n > 0; i++) {
		const struct fw_prefix *p = &pool->pfx[rng_below(r, (uint32_t)pool->n_pfx)];

		if (want_family && p->family != want_family)
			continue;
		fw_prefix_format(p, txt, sizeof(txt));
		sb_printf(b, "%s\"%s\"", first ? "" : ",", txt);
		first = 0;
		n--;
	}
	if (first)			/* nothing of that family: any of it */
		sb_printf(b, "\"%s\"", want_family == 6 ? "::/0" : "0.0.0.0/0");
	if (!want_family)		/* dual stack: one of each family */
		for (int fam = 4; fam <= 6; fam += 2)
			for (int i = 0; i < 64; i++) {
				const struct fw_prefix *p = &pool->pfx[rng_below(r, (uint32_t)pool->n_pfx)];

				if (p->family != fam)
					continue;
				fw_prefix_format(p, txt, sizeof(txt));
				sb_printf(b, ",\"%s\"", txt);
				break;
			}
	sb_printf(b, "]");
}

static void gen_ports(struct rng *r, const struct gen_pool *pool,
		      struct sbuf *b)
{
	int n = 1 + (int)rng_below(r, 3);

	sb_printf(b, "[");
	for (int i = 0; i < n; i++) {
		uint16_t lo = pool->ports[rng_below(r, 16)];
		uint16_t hi = rng_pct(r, 40) ? lo : pool->ports[rng_below(r, 16)];

		if (hi < lo) {
			uint16_t t = hi;

			hi = lo;
			lo = t;
		}
		if (lo == hi)
			sb_printf(b, "%s%u", i ? "," : "", lo);
		else
			sb_printf(b, "%s\"%u-%u\"", i ? "," : "", lo, hi);
	}
	sb_printf(b, "]");
}

static const char *const gen_l4_names[] = { "tcp", "udp", "sctp", "udplite" };
static const char *const gen_flag_specs[] = {
	"\"syn,!ack\"", "\"ack\"", "\"rst\"", "\"fin,ack\"", "[\"syn\",\"rst\"]",
	"{\"mask\":\"syn,ack,rst,fin\",\"value\":\"syn,ack\"}", "\"!syn\"",
};
static const int gen_icmp_types[] = { 0, 3, 8, 11, 128, 129, 135, 136 };
static const int gen_vlans[] = { 5, 10, 11, 12, 100 };
/* interfaces rules name; tests resolve "lo" to 1, "eth9" to 2, "eth8" to 3 */
static const char *const gen_ifaces[] = { "lo", "eth9", "eth8" };

/* A src/dst list: prefixes (of want_family, or one of each when 0). */
static void gen_addr_list(struct rng *r, const struct gen_pool *pool,
			  struct sbuf *b, int want_family, int n_sets, bool mix)
{
	int first = 1;

	sb_printf(b, "[");
	if (n_sets && rng_pct(r, mix ? 40 : 30)) {
		int k = 1 + (int)rng_below(r, 2);

		for (int i = 0; i < k; i++) {
			sb_printf(b, "%s\"@s%u\"", first ? "" : ",", rng_below(r, (uint32_t)n_sets));
			first = 0;
		}
		if (!mix) {
			sb_printf(b, "]");
			return;
		}
	}
	{
		struct sbuf t = { 0 };

		gen_prefix_list(r, pool, &t, want_family);
		/* gen_prefix_list wrote "[...]": splice its elements in */
		t.s[t.n - 1] = '\0';
		sb_printf(b, "%s%s", first ? "" : ",", t.s + 1);
		free(t.s);
	}
	sb_printf(b, "]");
}

static void gen_vlan_list(struct rng *r, struct sbuf *b)
{
	int n = 1 + (int)rng_below(r, 2);

	sb_printf(b, "[");
	for (int i = 0; i < n; i++) {
		if (rng_pct(r, 25))
			sb_printf(b, "%s\"10-12\"", i ? "," : "");
		else
			sb_printf(b, "%s%d", i ? "," : "", gen_vlans[rng_below(r, 5)]);
	}
	sb_printf(b, "]");
}

static void gen_icmp_list(struct rng *r, struct sbuf *b, bool code)
{
	int n = 1 + (int)rng_below(r, 2);

	sb_printf(b, "[");
	for (int i = 0; i < n; i++)
		sb_printf(b, "%s%d", i ? "," : "",
			  code ? (int)rng_below(r, 4) : gen_icmp_types[rng_below(r, 8)]);
	sb_printf(b, "]");
}

enum { K_ANY, K_PORTED, K_TCP, K_ICMP };

/*
 * Give some rules a rate limit so high it is never reached (limits are
 * state, not matching: the model's verdict is the rule's). Off by default
 * (hw mode refuses limits); h_differential turns it on.
 */
static bool gen_limits;

static void gen_rule(struct rng *r, const struct gen_pool *pool,
		     struct sbuf *b, int idx, bool first, int n_sets)
{
	int fam = rng_pct(r, 50) ? 0 : (rng_pct(r, 50) ? 4 : 6);
	int kind = (int)rng_below(r, 4);

	sb_printf(b, "%s{\"id\":\"r%d\",\"action\":\"%s\"", first ? "" : ",\n", idx,
		  rng_pct(r, 50) ? "pass" : "drop");
	if (rng_pct(r, 55)) {
		sb_printf(b, ",\"src\":");
		gen_addr_list(r, pool, b, fam, n_sets, false);
	}
	if (rng_pct(r, 55)) {
		sb_printf(b, ",\"dst\":");
		gen_addr_list(r, pool, b, fam, n_sets, false);
	}
	if (kind == K_PORTED) {
		int n = 1 + (int)rng_below(r, 2);

		sb_printf(b, ",\"protocol\":[");
		for (int i = 0; i < n; i++)
			sb_printf(b, "%s\"%s\"", i ? "," : "", gen_l4_names[rng_below(r, 4)]);
		sb_printf(b, "]");
	} else if (kind == K_TCP) {
		sb_printf(b, ",\"protocol\":\"tcp\"");
		if (rng_pct(r, 50))
			sb_printf(b, ",\"tcp_flags\":%s", gen_flag_specs[rng_below(r, 7)]);
	} else if (kind == K_ICMP) {
		static const char *const pr[] = { "\"icmp\"", "\"icmpv6\"", "[1,58]" };

		sb_printf(b, ",\"protocol\":%s", pr[rng_below(r, 3)]);
		if (rng_pct(r, 60)) {
			sb_printf(b, ",\"icmp_type\":");
			gen_icmp_list(r, b, false);
		}
		if (rng_pct(r, 30)) {
			sb_printf(b, ",\"icmp_code\":");
			gen_icmp_list(r, b, true);
		}
	} else if (rng_pct(r, 50)) {
		static const int protos[] = { 1, 58, 6, 17, 47, 50, 51, 132 };

		sb_printf(b, ",\"protocol\":%d", protos[rng_below(r, 8)]);
	}
	if ((kind == K_PORTED || kind == K_TCP) && rng_pct(r, 50)) {
		sb_printf(b, ",\"dst_port\":");
		gen_ports(r, pool, b);
	}
	if ((kind == K_PORTED || kind == K_TCP) && rng_pct(r, 25)) {
		sb_printf(b, ",\"src_port\":");
		gen_ports(r, pool, b);
	}
	if (rng_pct(r, 15)) {
		sb_printf(b, ",\"vlan\":");
		gen_vlan_list(r, b);
	}
	if (rng_pct(r, 10))
		sb_printf(b, ",\"interface\":\"%s\"", gen_ifaces[rng_below(r, 3)]);
	if (gen_limits && rng_pct(r, 20)) {
		static const char *const lims[] = {
			"{\"rate\":\"1000000000/s\"}",
			"{\"rate\":\"1000000000/s\",\"per\":\"src\",\"over\":\"pass\"}",
			"{\"rate\":\"1000GB/s\",\"per\":\"src/24/64\"}",
			"{\"rate\":\"60000000000/m\",\"burst\":100000000,\"over\":\"drop\"}",
		};

		sb_printf(b, ",\"limit\":%s", lims[rng_below(r, 4)]);
	}
	if (rng_pct(r, 12)) {		/* conntrack state (turns conntrack on) */
		static const char *const cts[] = {
			"\"established\"", "\"new\"", "\"invalid\"", "\"untracked\"",
			"[\"new\",\"established\"]", "[\"invalid\",\"untracked\"]",
		};

		sb_printf(b, ",\"ct\":%s", cts[rng_below(r, 6)]);
	}

	if (rng_pct(r, 30)) {		/* "not": one to three negated fields */
		int n = 1 + (int)rng_below(r, 3), written = 0;
		unsigned int used = 0;

		sb_printf(b, ",\"not\":{");
		for (int i = 0; i < 8 && written < n; i++) {
			int what = (int)rng_below(r, 6);
			const char *sep = written ? "," : "";

			if (used & (1u << what))
				continue;
			if (what == 2 && kind != K_PORTED && kind != K_TCP)
				continue;
			if (what == 4 && kind != K_ICMP)
				continue;
			used |= 1u << what;
			written++;
			switch (what) {
			case 0:
				sb_printf(b, "%s\"src\":", sep);
				gen_addr_list(r, pool, b, 0, n_sets, true);
				break;
			case 1:
				sb_printf(b, "%s\"dst\":", sep);
				gen_addr_list(r, pool, b, rng_pct(r, 50) ? 4 : 6, n_sets, true);
				break;
			case 2:
				sb_printf(b, "%s\"dst_port\":", sep);
				gen_ports(r, pool, b);
				break;
			case 3:
				sb_printf(b, "%s\"vlan\":", sep);
				gen_vlan_list(r, b);
				break;
			case 4:
				sb_printf(b, "%s\"icmp_type\":", sep);
				gen_icmp_list(r, b, false);
				break;
			default:
				sb_printf(b, "%s\"interface\":\"%s\"", sep,
					  gen_ifaces[rng_below(r, 3)]);
			}
		}
		if (!written)
			sb_printf(b, "\"interface\":\"eth8\"");
		sb_printf(b, "}");
	}
	sb_printf(b, "}");
}

/* Named sets s0..s(n-1) of pool prefixes. */
static void gen_sets_json(struct rng *r, const struct gen_pool *pool,
			  struct sbuf *b, int n_sets)
{
	char txt[64];

	sb_printf(b, "\"sets\":{");
	for (int s = 0; s < n_sets; s++) {
		int n = 1 + (int)rng_below(r, 6);

		sb_printf(b, "%s\"s%d\":{\"elements\":[", s ? "," : "", s);
		for (int i = 0; i < n; i++) {
			fw_prefix_format(&pool->pfx[rng_below(r, (uint32_t)pool->n_pfx)], txt,
					 sizeof(txt));
			sb_printf(b, "%s\"%s\"", i ? "," : "", txt);
		}
		sb_printf(b, "]}");
	}
	sb_printf(b, "},");
}

/* A random policy of n_rules ingress and n_eg egress rules, as JSON. */
static char *gen_policy_json(struct rng *r, const struct gen_pool *pool,
			     int n_rules, int n_eg)
{
	static const char *const frags[] = { "match", "match", "pass", "drop" };
	struct sbuf b = { 0 };
	int n_sets = rng_pct(r, 50) ? 0 : 1 + (int)rng_below(r, 3);

	sb_printf(&b, "{\"version\":1,\"default\":\"%s\",\"fragments\":\"%s\",\"malformed\":\"%s\",",
		  rng_pct(r, 50) ? "pass" : "drop", frags[rng_below(r, 4)],
		  rng_pct(r, 80) ? "drop" : "pass");
	if (n_sets)
		gen_sets_json(r, pool, &b, n_sets);
	if (rng_pct(r, 35))
		sb_printf(&b, "\"conntrack\":{\"established\":\"%s\"},",
			  rng_pct(r, 50) ? "pass" : "match");
	sb_printf(&b, "\"rules\":[\n");
	for (int i = 0; i < n_rules; i++)
		gen_rule(r, pool, &b, i, i == 0, n_sets);
	sb_printf(&b, "],\n\"egress\":{\"default\":\"%s\",\"rules\":[\n",
		  rng_pct(r, 50) ? "pass" : "drop");
	for (int i = 0; i < n_eg; i++)
		gen_rule(r, pool, &b, n_rules + i, i == 0, n_sets);
	sb_printf(&b, "]}}\n");
	return b.s;
}

/* The resolver the generated interface names assume. */
static int gen_resolve(const char *name)
{
	for (int i = 0; i < 3; i++)
		if (!strcmp(name, gen_ifaces[i]))
			return i + 1;
	return -ENODEV;
}

/* An address near a pool prefix: its first, last, just outside, or inside. */
static void gen_addr(struct rng *r, const struct gen_pool *pool, int family,
		     uint8_t *addr)
{
	const struct fw_prefix *p = NULL;
	int bits = family == 4 ? 32 : 128, len = family == 4 ? 4 : 16;

	for (int tries = 0; tries < 16 && !p; tries++) {
		const struct fw_prefix *c = &pool->pfx[rng_below(r, (uint32_t)pool->n_pfx)];

		if (c->family == family)
			p = c;
	}
	memset(addr, 0, 16);
	if (!p) {
		for (int i = 0; i < len; i++)
			addr[i] = (uint8_t)rng_next(r);
		return;
	}
	memcpy(addr, p->addr, 16);
	switch (rng_below(r, 4)) {
	case 0:				/* first address */
		break;
	case 1:				/* last address */
		for (int b = p->plen; b < bits; b++)
			addr[b / 8] |= (uint8_t)(0x80 >> (b % 8));
		break;
	case 2:				/* just outside: flip the last prefix bit */
		if (p->plen)
			addr[(p->plen - 1) / 8] ^= (uint8_t)(0x80 >> ((p->plen - 1) % 8));
		break;
	default:			/* random inside */
		for (int b = p->plen; b < bits; b++)
			if (rng_pct(r, 50))
				addr[b / 8] |= (uint8_t)(0x80 >> (b % 8));
	}
}

static uint16_t gen_port(struct rng *r, const struct gen_pool *pool)
{
	int32_t p = pool->ports[rng_below(r, 16)] + (int32_t)rng_below(r, 3) - 1;

	return (uint16_t)(p < 0 ? 0 : p > 65535 ? 65535 : p);
}

/* Extra framing that does not change the verdict: tags, fragments, options. */
struct gen_frame {
	int vlans;		/* 0..2 */
	int later_fragment;	/* no L4 header */
	int first_fragment;
	int ip_options;		/* IPv4 options bytes (multiple of 4) / IPv6 ext hdrs */
	uint16_t frag_units;	/* later fragment's offset in 8-byte units */
	uint16_t icmp_id;	/* ICMP: bytes 4-5 (the echo identifier) */
};

static void gen_packet(struct rng *r, const struct gen_pool *pool,
		       struct fw_pkt_desc *d, struct gen_frame *f)
{
	static const uint8_t protos[] = { 6, 17, 132, 136, 1, 58, 6, 1, 58, 47, 50, 0, 255 };
	static const uint8_t flags[] = { 0x02, 0x12, 0x10, 0x04, 0x11, 0x01, 0x18, 0x14 };

	memset(d, 0, sizeof(*d));
	memset(f, 0, sizeof(*f));
	d->family = rng_pct(r, 55) ? 4 : 6;
	gen_addr(r, pool, d->family, d->saddr);
	gen_addr(r, pool, d->family, d->daddr);
	d->proto = protos[rng_below(r, sizeof(protos))];
	if (d->proto == 0 && d->family == 6)
		d->proto = 59;		/* hop-by-hop is an extension, not L4 */
	f->vlans = rng_pct(r, 75) ? 0 : 1 + (int)rng_below(r, 2);
	d->has_vlan = f->vlans > 0;
	d->vlan = (uint16_t)(d->has_vlan ? gen_vlans[rng_below(r, 5)] : 0);
	f->ip_options = rng_pct(r, 70) ? 0 : (int)rng_below(r, 3) * 4;
	if (rng_pct(r, 10)) {
		f->later_fragment = 1;
		f->frag_units = (uint16_t)(rng_pct(r, 50) ? 1 + rng_below(r, 2) :
					   1 + rng_below(r, 8191));
	} else if (rng_pct(r, 10)) {
		f->first_fragment = 1;
	}
	d->later_fragment = f->later_fragment;
	d->ifindex = 1 + rng_below(r, 3);
	d->ct = (uint8_t)rng_below(r, __FW_CT_MAX);	/* an input, like the fields */
	if (f->later_fragment)
		return;
	d->has_ports = d->proto == 6 || d->proto == 17 || d->proto == 132 || d->proto == 136;
	if (d->has_ports) {
		d->sport = gen_port(r, pool);
		d->dport = gen_port(r, pool);
	}
	d->has_tcp = d->proto == 6;
	if (d->has_tcp)
		d->tcp_flags = rng_pct(r, 80) ? flags[rng_below(r, 8)] : (uint8_t)rng_next(r);
	d->has_icmp = d->proto == 1 || d->proto == 58;
	if (d->has_icmp) {
		d->icmp_type = rng_pct(r, 85) ? (uint8_t)gen_icmp_types[rng_below(r, 8)]
					      : (uint8_t)rng_next(r);
		d->icmp_code = (uint8_t)rng_below(r, 4);
	}
}

/*
 * Build an Ethernet frame for d (+f) into buf (>= 256 bytes): its length.
 * Checksums are left zero: the firewall does not verify them.
 */
static size_t gen_frame_build(const struct fw_pkt_desc *d,
			      const struct gen_frame *f, uint8_t *buf)
{
	size_t off = 12, l3, l4len = 0;
	uint16_t et = d->family == 4 ? 0x0800 : 0x86dd;

	memset(buf, 0, 256);
	memcpy(buf, "\x02\x00\x00\x00\x00\x02\x02\x00\x00\x00\x00\x01", 12);
	for (int i = 0; i < f->vlans; i++) {
		uint16_t tpid = i == 0 && f->vlans == 2 ? 0x88a8 : 0x8100;

		buf[off] = (uint8_t)(tpid >> 8);
		buf[off + 1] = (uint8_t)tpid;
		uint16_t vid = i == 0 ? d->vlan : 7;

		buf[off + 2] = (uint8_t)(vid >> 8);
		buf[off + 3] = (uint8_t)vid;
		off += 4;
	}
	buf[off] = (uint8_t)(et >> 8);
	buf[off + 1] = (uint8_t)et;
	off += 2;
	l3 = off;

	if (!f->later_fragment) {
		if (d->proto == 6)
			l4len = 20;
		else if (d->proto == 17 || d->proto == 136)
			l4len = 8;
		else if (d->proto == 132)
			l4len = 12;
		else
			l4len = 8;
	} else {
		l4len = 16;		/* payload of a later fragment */
	}

	if (d->family == 4) {
		size_t hl = 20 + (size_t)f->ip_options;

		buf[l3] = (uint8_t)(0x40 | (hl / 4));
		buf[l3 + 9] = d->proto;
		buf[l3 + 8] = 64;
		if (f->later_fragment) {
			uint16_t units = f->frag_units ? f->frag_units : 185;

			buf[l3 + 6] = (uint8_t)(units >> 8);
			buf[l3 + 7] = (uint8_t)units;
		} else if (f->first_fragment) {
			buf[l3 + 6] = 0x20;	/* MF */
		}
		for (int i = 0; i < f->ip_options; i++)
			buf[l3 + 20 + i] = 1;	/* NOP options */
		memcpy(buf + l3 + 12, d->saddr, 4);
		memcpy(buf + l3 + 16, d->daddr, 4);
		buf[l3 + 2] = (uint8_t)((hl + l4len) >> 8);
		buf[l3 + 3] = (uint8_t)(hl + l4len);
		off = l3 + hl;
	} else {
		size_t ext = 0;
		uint8_t *nh = &buf[l3 + 6];

		buf[l3] = 0x60;
		buf[l3 + 7] = 64;
		memcpy(buf + l3 + 8, d->saddr, 16);
		memcpy(buf + l3 + 24, d->daddr, 16);
		off = l3 + 40;
		for (int i = 0; i < f->ip_options / 4; i++) {	/* dest options */
			*nh = 60;
			nh = &buf[off];
			buf[off + 1] = 0;	/* 8 bytes */
			off += 8;
			ext += 8;
		}
		if (f->later_fragment || f->first_fragment) {
			*nh = 44;
			nh = &buf[off];
			uint16_t fo = f->later_fragment ?
				(uint16_t)((f->frag_units ? f->frag_units : 185) << 3) : 1; /* M */

			buf[off + 2] = (uint8_t)(fo >> 8);
			buf[off + 3] = (uint8_t)fo;
			off += 8;
			ext += 8;
		}
		*nh = d->proto;
		buf[l3 + 4] = (uint8_t)((ext + l4len) >> 8);
		buf[l3 + 5] = (uint8_t)(ext + l4len);
	}
	if (!f->later_fragment && d->has_ports) {
		buf[off] = (uint8_t)(d->sport >> 8);
		buf[off + 1] = (uint8_t)d->sport;
		buf[off + 2] = (uint8_t)(d->dport >> 8);
		buf[off + 3] = (uint8_t)d->dport;
		if (d->proto == 6) {
			buf[off + 12] = 0x50;	/* data offset 5 */
			buf[off + 13] = d->tcp_flags;
		}
	}
	if (!f->later_fragment && (d->proto == 1 || d->proto == 58)) {
		buf[off] = d->icmp_type;
		buf[off + 1] = d->icmp_code;
		buf[off + 4] = (uint8_t)(f->icmp_id >> 8);
		buf[off + 5] = (uint8_t)f->icmp_id;
	}
	return off + l4len;
}

static void gen_hex(FILE *out, const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		fprintf(out, "%02x", p[i]);
	fputc('\n', out);
}

#endif /* FW_TEST_GEN_H */
