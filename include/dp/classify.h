/* SPDX-License-Identifier: GPL-2.0 */
/*
 * dp/classify.h - first-match classification over the compiled tables, and
 * the one place that turns a parse result into a counted verdict. API:
 *
 *   __u8 fw_decide(void *ctx, struct fw_pkt *pkt, int parsed, __u32 dir,
 *                  __u64 bytes);
 *
 * returns FW_ACT_PASS or FW_ACT_DROP, having counted the packet under its
 * rule (or the default) and its reason, and sent a log event when the rule
 * says so (dp/log.h; ctx: the program's context, for the packet's bytes);
 * or FW_ACT_REDIRECT (counted under its rule; dp/fwd.h counts the reason).
 * A matched rule is copied to pkt->act (and its generation to pkt->gen)
 * for dp/fwd.h. fw_decide_in() is the same on a table the caller already
 * read with fw_active_table() (XDP: for the reverse NAT too). Per packet: the active generation
 * and table config (array reads), up to two LPM lookups (src, dst), one per
 * named set the table uses, one hash lookup when rules match interfaces, the
 * conntrack lookup when the policy tracks flows (dp/ct.h), and
 * direct-indexed reads for everything else give one class per field; the
 * classes' rule bitmaps are ANDed word by word, visiting only words whose
 * summary bit survives, and the lowest set bit is the first matching rule.
 */
#ifndef FW_DP_CLASSIFY_H
#define FW_DP_CLASSIFY_H

#include "dp/maps.h"
#include "dp/parse.h"
#include "dp/fields.h"
#include "dp/log.h"
#include "dp/limit.h"
#include "dp/ct.h"

/*
 * Index of the lowest set bit of x != 0. BPF has no ctz instruction and a
 * branchy one multiplies verifier states, so: de Bruijn multiply + table.
 */
static const __u8 fw_debruijn64[64] = {
	0, 1, 48, 2, 57, 49, 28, 3, 61, 58, 50, 42, 38, 29, 17, 4,
	62, 55, 59, 36, 53, 51, 43, 22, 45, 39, 33, 30, 24, 18, 12, 5,
	63, 47, 56, 27, 60, 41, 37, 16, 54, 35, 52, 21, 44, 32, 23, 11,
	46, 26, 40, 15, 34, 20, 31, 10, 25, 14, 19, 9, 13, 8, 7, 6,
};

static __always_inline __u32 fw_ctz64(__u64 x)
{
	return fw_debruijn64[((x & -x) * 0x03f79d71b4cb0a89ULL) >> 58] & 63;
}

static __always_inline void fw_count(void *map, __u32 idx, __u64 bytes)
{
	struct fw_counter *c = bpf_map_lookup_elem(map, &idx);

	if (c) {		/* per-CPU: no atomics needed */
		c->packets++;
		c->bytes += bytes;
	}
}

static __always_inline __u32 fw_lpm_class(struct fw_pkt *pkt, __u32 tbl,
					  __u32 field)
{
	__u8 *addr = field == FW_FIELD_SRC ? pkt->saddr : pkt->daddr;
	__u32 *cls;

	if (pkt->family == 4) {
		struct fw_lpm4_key k = {
			.prefixlen = 32 + 32,
			.tag = FW_LPM_TAG(tbl, field),
		};

		__builtin_memcpy(k.addr, addr, 4);
		cls = bpf_map_lookup_elem(&FW_MAP_LPM4, &k);
	} else {
		struct fw_lpm6_key k = {
			.prefixlen = 32 + 128,
			.tag = FW_LPM_TAG(tbl, field),
		};

		__builtin_memcpy(k.addr, addr, 16);
		cls = bpf_map_lookup_elem(&FW_MAP_LPM6, &k);
	}
	return cls ? *cls : 0;	/* class 0 is the empty bitmap */
}

/*
 * Bit s set for each set slot in 'slots' whose set holds the packet's
 * src (field 0) or dst (field 1) address. A global function: verified once,
 * and its loop's hit/miss paths do not multiply the caller's states.
 */
__noinline __u32 fw_set_mask(struct fw_pkt *pkt, __u32 gen, __u32 field,
			     __u32 slots)
{
	__u32 mask = 0;
	void *inner;
	int s;

	if (!pkt || !(slots & 0xff))
		return 0;
	gen &= 1;
	if (pkt->family == 4) {
		struct fw_set4_key k = { .prefixlen = 32 + 32 };

		inner = bpf_map_lookup_elem(&FW_MAP_SETS4, &gen);
		if (!inner)
			return 0;
		__builtin_memcpy(k.addr, field ? pkt->daddr : pkt->saddr, 4);
		for (s = 0; s < FW_NSETS; s++) {
			if (!(slots & (1u << s)))
				continue;
			k.slot = s;
			if (bpf_map_lookup_elem(inner, &k))
				mask |= 1u << s;
		}
	} else {
		struct fw_set6_key k = { .prefixlen = 32 + 128 };

		inner = bpf_map_lookup_elem(&FW_MAP_SETS6, &gen);
		if (!inner)
			return 0;
		__builtin_memcpy(k.addr, field ? pkt->daddr : pkt->saddr, 16);
		for (s = 0; s < FW_NSETS; s++) {
			if (!(slots & (1u << s)))
				continue;
			k.slot = s;
			if (bpf_map_lookup_elem(inner, &k))
				mask |= 1u << s;
		}
	}
	return mask;
}

/*
 * Class of an IPv4 address in the direct-indexed multibit trie of
 * (tbl, field): at most three array reads (the verifier inlines them).
 */
static __always_inline __u32 fw_a4_class(const __u8 *a, __u32 gen, __u32 tbl,
					 __u32 field)
{
	__u32 k = FW_A4_ROOT(tbl, field) + a[0];
	struct fw_a4blk *b = bpf_map_lookup_elem(&FW_MAP_ADDR4, &k);
	__u32 e;

	if (!b)
		return 0;
	e = b->e[a[1]];
	if (e < FW_A4_PTR)
		return e;
	k = FW_A4_CHILD(gen, e - FW_A4_PTR);
	b = bpf_map_lookup_elem(&FW_MAP_ADDR4, &k);
	if (!b)
		return 0;
	e = b->e[a[2]];
	if (e < FW_A4_PTR)
		return e;
	k = FW_A4_CHILD(gen, e - FW_A4_PTR);
	b = bpf_map_lookup_elem(&FW_MAP_ADDR4, &k);
	if (!b)
		return 0;
	return b->e[a[3]];
}

static __always_inline __u32 fw_addr_class(struct fw_pkt *pkt, __u32 gen,
					   __u32 tbl, __u32 field, __u32 flags)
{
	if (pkt->family == 4 && (flags & (field ? FW_TF_DST4 : FW_TF_SRC4)))
		return fw_a4_class(field ? pkt->daddr : pkt->saddr, gen, tbl, field);
	return fw_lpm_class(pkt, tbl, field);
}

/*
 * Word w of the AND of the six chunks; a chunk repeated from the one before
 * (fewer fields than slots) is not loaded again.
 */
static __always_inline __u64 fw_and6(__u64 *b0, __u64 *b1, __u64 *b2, __u64 *b3,
				     __u64 *b4, __u64 *b5, __u32 w)
{
	__u64 m = b0[w];

	if (b1 != b0)
		m &= b1[w];
	if (b2 != b1)
		m &= b2[w];
	if (b3 != b2)
		m &= b3[w];
	if (b4 != b3)
		m &= b4[w];
	if (b5 != b4)
		m &= b5[w];
	return m;
}

/*
 * The first rule set in all six 64-word chunks, visiting the words whose bit
 * is set in sum. Inlined once per number of fields, with the repeated
 * chunks folded away by the compiler, so each word costs one load per field.
 */
static __always_inline int fw_scan(__u64 *b0, __u64 *b1, __u64 *b2, __u64 *b3,
				   __u64 *b4, __u64 *b5, __u64 sum)
{
	int i;

	/* one candidate word (small policies): no popcount, BPF has none */
	if (!(sum & (sum - 1)) || __builtin_popcountll(sum) < 8)
		goto sparse;
	/* dense candidates: word by word, no search for the next one */
	for (i = 0; i < FW_WORDS; i++) {
		__u64 m;

		if (!(sum >> i & 1)) {
			if (!(sum >> i))
				break;
			continue;
		}
		m = fw_and6(b0, b1, b2, b3, b4, b5, i);
		if (m)
			return i * 64 + fw_ctz64(m);
	}
	return -1;
sparse:
	for (i = 0; i < FW_WORDS; i++) {
		__u32 w;
		__u64 m;

		if (!sum)
			break;
		w = fw_ctz64(sum) & 63;
		if (w >= FW_WORDS)
			break;
		m = fw_and6(b0, b1, b2, b3, b4, b5, w);
		if (m)
			return w * 64 + fw_ctz64(m);
		sum &= sum - 1;
	}
	return -1;
}

/* The first rule (index within the chunk) in chunks p[0..n-1], n <= FW_SLOTS. */
static __always_inline int fw_scan_n(__u64 **p, __u32 n, __u64 sum)
{
	if (n <= 1)
		return fw_scan(p[0], p[0], p[0], p[0], p[0], p[0], sum);
	if (n == 2)
		return fw_scan(p[0], p[1], p[1], p[1], p[1], p[1], sum);
	if (n == 3)
		return fw_scan(p[0], p[1], p[2], p[2], p[2], p[2], sum);
	if (n == 4)
		return fw_scan(p[0], p[1], p[2], p[3], p[3], p[3], sum);
	if (n == 5)
		return fw_scan(p[0], p[1], p[2], p[3], p[4], p[4], sum);
	return fw_scan(p[0], p[1], p[2], p[3], p[4], p[5], sum);
}

/* The same for chunk 0 of the classes h[0..n-1]. */
static __always_inline int fw_scan_h(struct fw_bits **h, __u32 n, __u64 sum)
{
	if (n <= 1)
		return fw_scan(h[0]->w, h[0]->w, h[0]->w, h[0]->w, h[0]->w, h[0]->w, sum);
	if (n == 2)
		return fw_scan(h[0]->w, h[1]->w, h[1]->w, h[1]->w, h[1]->w, h[1]->w, sum);
	if (n == 3)
		return fw_scan(h[0]->w, h[1]->w, h[2]->w, h[2]->w, h[2]->w, h[2]->w, sum);
	if (n == 4)
		return fw_scan(h[0]->w, h[1]->w, h[2]->w, h[3]->w, h[3]->w, h[3]->w, sum);
	if (n == 5)
		return fw_scan(h[0]->w, h[1]->w, h[2]->w, h[3]->w, h[4]->w, h[4]->w, sum);
	return fw_scan(h[0]->w, h[1]->w, h[2]->w, h[3]->w, h[4]->w, h[5]->w, sum);
}

/* One chunk of the fields' bitmaps to AND. */
struct fw_scanreq {
	__u16 id[FW_NFIELDS];	/* chunk 0: class ids; others: fw_chunk ids */
	__u32 gen;
	__u32 chunk;		/* which chunk */
	__u32 n;		/* 1..FW_SLOTS slots, or FW_NFIELDS: every field */
	__u32 pad;
	__u64 sum;		/* candidate words */
};

/*
 * The first rule (index within the chunk) set in all of q's chunks, or -1:
 * for tables of more than FW_CHUNK_RULES rules or FW_SLOTS active fields.
 * A global function: verified once, whatever calls it.
 */
__noinline int fw_scan_chunk(struct fw_scanreq *q)
{
	__u64 *p[FW_NFIELDS];
	__u64 sum;
	__u32 n;
	int i;

	if (!q)
		return -1;
	n = q->n;
	if (q->chunk == 0) {		/* in the class entries */
#pragma unroll
		for (i = 0; i < FW_NFIELDS; i++) {
			__u32 k = (q->gen & 1) * FW_MAX_CLASSES + q->id[i];
			struct fw_bits *c;

			if (i && i >= n)
				break;
			c = bpf_map_lookup_elem(&FW_MAP_CLS, &k);
			if (!c)
				return -1;
			p[i] = c->w;
		}
	} else {
#pragma unroll
		for (i = 0; i < FW_NFIELDS; i++) {
			__u32 k = (q->gen & 1) * FW_MAX_CHUNKS + q->id[i];
			struct fw_chunk *c;

			if (i && i >= n)
				break;
			c = bpf_map_lookup_elem(&FW_MAP_CHUNK, &k);
			if (!c)
				return -1;
			p[i] = c->w;
		}
	}
	sum = q->sum;
	if (n <= FW_SLOTS)
		return fw_scan_n(p, n, sum);
	if (n != FW_NFIELDS)
		return -1;
	/* every field: the general path, for tables with many active fields */
	for (i = 0; i < FW_WORDS; i++) {
		__u32 w;
		__u64 m;
		int f;

		if (!sum)
			break;
		w = fw_ctz64(sum) & 63;
		if (w >= FW_WORDS)
			break;
		m = ~0ULL;
#pragma unroll
		for (f = 0; f < FW_NFIELDS; f++)
			m &= p[f][w];
		if (m)
			return w * 64 + fw_ctz64(m);
		sum &= sum - 1;
	}
	return -1;
}

/* What the chunk loop needs: the classes to AND, in slots or all fields. */
struct fw_matchreq {
	__u16 id[FW_NFIELDS];	/* class ids */
	__u32 gen;
	__u32 n;		/* 1..FW_SLOTS slots, or FW_NFIELDS */
	__u32 nch;		/* chunks of the table */
};

#define FW_MATCH_CHUNKS	(-2)	/* fw_match_fast: ask fw_match_chunks */

/*
 * First rule of table tbl (of generation gen, configuration cfg) matching
 * pkt: its index, -1 if none, or FW_MATCH_CHUNKS with *mr filled for
 * fw_match_chunks() (tables of more than FW_CHUNK_RULES rules or more than
 * FW_SLOTS active fields). Only the fields some rule constrains
 * (cfg->active, listed in cfg->slot by fwctl) are ANDed. A global function:
 * verified once.
 */
__noinline int fw_match_fast(struct fw_pkt *pkt, __u32 gen, __u32 tbl,
			     struct fw_tblcfg *cfg, struct fw_matchreq *mr)
{
	struct fw_bits *h[FW_SLOTS];
	__u16 cls[16] = {};
	struct fw_dtab *dt;
	__u32 act, flags, n, nch;
	bool all;
	int i;

	if (!pkt || !cfg || !mr)
		return -1;
	gen &= 1;
	act = cfg->active;
	flags = cfg->flags;
	nch = (cfg->n_rules + FW_CHUNK_RULES - 1) / FW_CHUNK_RULES;
	dt = bpf_map_lookup_elem(&FW_MAP_DTAB, &tbl);
	if (!dt || act & ~((1u << FW_NFIELDS) - 1))
		return -1;

	cls[FW_C_PROTO] = dt->proto[pkt->proto];
	if (pkt->has_ports) {
		cls[FW_C_SPORT] = dt->sport[pkt->sport];
		cls[FW_C_DPORT] = dt->dport[pkt->dport];
	} else {
		cls[FW_C_SPORT] = dt->noport_src;
		cls[FW_C_DPORT] = dt->noport_dst;
	}
	cls[FW_C_TCPFLAGS] = pkt->has_tcp ? dt->tcpflags[pkt->tcp_flags] : dt->notcp;
	if (pkt->has_icmp) {
		cls[FW_C_ICMPTYPE] = dt->icmptype[pkt->icmp_type];
		cls[FW_C_ICMPCODE] = dt->icmpcode[pkt->icmp_code];
	} else {
		cls[FW_C_ICMPTYPE] = dt->noicmp_type;
		cls[FW_C_ICMPCODE] = dt->noicmp_code;
	}
	cls[FW_C_VLAN] = pkt->nvlan ? dt->vlan[pkt->vlan & 0xfff] : dt->novlan;
	cls[FW_C_SRC] = flags & FW_TF_SRC ? fw_addr_class(pkt, gen, tbl, FW_FIELD_SRC, flags)
					  : dt->src_any;
	cls[FW_C_DST] = flags & FW_TF_DST ? fw_addr_class(pkt, gen, tbl, FW_FIELD_DST, flags)
					  : dt->dst_any;
	cls[FW_C_IFACE] = dt->iface_other;
	if (flags & FW_TF_IFACE) {
		struct fw_iface_key k = { .tbl = tbl, .ifindex = pkt->ifindex };
		__u32 *ic = bpf_map_lookup_elem(&FW_MAP_IFACE, &k);

		if (ic)
			cls[FW_C_IFACE] = *ic;
	}
	cls[FW_C_SRCSET] = dt->srcset[0];
	if (cfg->src_sets)
		cls[FW_C_SRCSET] = dt->srcset[fw_set_mask(pkt, gen, 0, cfg->src_sets) & 0xff];
	cls[FW_C_DSTSET] = dt->dstset[0];
	if (cfg->dst_sets)
		cls[FW_C_DSTSET] = dt->dstset[fw_set_mask(pkt, gen, 1, cfg->dst_sets) & 0xff];
	cls[FW_C_CT] = dt->ct[pkt->ct & 3];

	/* the class entries of the active fields, in slots */
#pragma unroll
	for (i = 0; i < FW_SLOTS; i++) {
		__u32 f = cfg->slot[i];
		__u32 k;

		mr->id[i] = cls[f & 15];
		k = gen * FW_MAX_CLASSES + cls[f & 15];
		h[i] = bpf_map_lookup_elem(&FW_MAP_CLS, &k);
		if (!h[i])
			return -1;
	}
	n = cfg->nslots;
	all = n > FW_SLOTS;	/* more than FW_SLOTS: every field, in field order */
#ifdef FW_TEST_AND_ALL		/* tests: every table through the general path */
	all = true;
#endif
	if (nch <= 1 && !all) {	/* most tables: inline */
		__u64 sum = ~0ULL;

#pragma unroll
		for (i = 0; i < FW_SLOTS; i++)
			sum &= h[i]->summary[0];
		if (!sum)
			return -1;
		return fw_scan_h(h, n, sum);
	}

	if (all) {
		n = FW_NFIELDS;
#pragma unroll
		for (i = 0; i < FW_NFIELDS; i++)
			mr->id[i] = cls[i];
	}
	mr->n = n;
	mr->gen = gen;
	mr->nch = nch;
	return FW_MATCH_CHUNKS;
}

/*
 * Per-CPU scratch for the chunk path's requests: on the stack they would
 * add to the 512 bytes that the program and its nested global functions
 * share. Not pinned: each program object has its own. Every field read is
 * written first (a packet never sees another's values).
 */
/*
 * The verdict cache: direct-mapped, per CPU (no locks, no torn entries),
 * one entry (struct fw_vcent) per key hash holding the whole key and the
 * verdict; a miss overwrites it.
 * LRU hash maps were measured and lost on misses (bench/README.md).
 */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, FW_VC_ENTRIES);
	__type(key, __u32);
	__type(value, struct fw_vcent);
} fw_vcache SEC(".maps");

struct fw_scratch {
	struct fw_matchreq mr;
	struct fw_scanreq q;
	struct fw_vkey vk __attribute__((aligned(8)));	/* read as 7 words */
	__u32 vc_miss;		/* verdict-cache misses in a row */
	__u32 vc_skip;		/* packets left to classify without the cache */
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct fw_scratch);
} fw_scratch SEC(".maps");

/*
 * The first rule in the AND of mr's classes, chunk by chunk, or -1. A
 * global function: verified once.
 */
__noinline int fw_match_chunks(struct fw_matchreq *mr)
{
	struct fw_scratch *sc;
	struct fw_scanreq *qp;
	__u32 n, c, gen, zero = 0;
	int i, r;

	if (!mr)
		return -1;
	sc = bpf_map_lookup_elem(&fw_scratch, &zero);
	if (!sc)
		return -1;
	qp = &sc->q;
	n = mr->n;
	gen = mr->gen & 1;
	qp->n = n;
	qp->gen = gen;
	qp->pad = 0;
	for (c = 0; c < FW_NCHUNKS; c++) {
		__u64 sum = ~0ULL;

		if (c >= mr->nch)
			break;
#pragma unroll
		for (i = 0; i < FW_NFIELDS; i++) {
			__u32 k = gen * FW_MAX_CLASSES + mr->id[i];
			struct fw_bits *e;

			if (i && i >= n)
				break;
			e = bpf_map_lookup_elem(&FW_MAP_CLS, &k);
			if (!e)
				return -1;
			sum &= e->summary[c & (FW_NCHUNKS - 1)];
			qp->id[i] = c ? e->chunk[c & (FW_NCHUNKS - 1)] : mr->id[i];
		}
		if (!sum)
			continue;
		qp->chunk = c;
		qp->sum = sum;
		r = fw_scan_chunk(qp);
		if (r >= 0)
			return c * FW_CHUNK_RULES + (r & (FW_CHUNK_RULES - 1));
	}
	return -1;
}

/*
 * pkt's verdict-cache key for table tbl (see struct fw_vkey), written as its
 * seven 64-bit words. Built in registers and stored word by word: the hash
 * and the comparison read the key back as words, and a word loaded over
 * several narrower stores (memset, then byte and half-word fields) cannot be
 * forwarded from the store buffer; those stalls were the costliest part of a
 * cache hit. Every load from pkt here has the width of the field's store.
 */
#if __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "fw_vkey_fill() builds the key's words little-endian"
#endif
_Static_assert(__builtin_offsetof(struct fw_vkey, ifindex) == 4 &&
	       __builtin_offsetof(struct fw_vkey, saddr) == 8 &&
	       __builtin_offsetof(struct fw_vkey, daddr) == 24 &&
	       __builtin_offsetof(struct fw_vkey, sport) == 40 &&
	       __builtin_offsetof(struct fw_vkey, vlan) == 44 &&
	       __builtin_offsetof(struct fw_vkey, tbl) == 46 &&
	       __builtin_offsetof(struct fw_vkey, family) == 47 &&
	       __builtin_offsetof(struct fw_vkey, proto) == 48 &&
	       __builtin_offsetof(struct fw_vkey, has) == 49 &&
	       __builtin_offsetof(struct fw_vkey, tcp_flags) == 50 &&
	       __builtin_offsetof(struct fw_vkey, icmp_type) == 51 &&
	       __builtin_offsetof(struct fw_vkey, icmp_code) == 52 &&
	       __builtin_offsetof(struct fw_vkey, ct) == 53, "fw_vkey words");

/* An address's two key words: zero unless the table's rules look at it. */
static __always_inline void fw_vkey_addr(__u64 *w, const __u8 *a, __u8 family, bool on)
{
	const __u32 *q = (const __u32 *)a;	/* parse.h stores 32-bit words */

	if (!on) {
		w[0] = w[1] = 0;
	} else if (family == 4) {
		w[0] = q[0];
		w[1] = 0;
	} else {
		w[0] = q[0] | (__u64)q[1] << 32;
		w[1] = q[2] | (__u64)q[3] << 32;
	}
}

static __always_inline __u64 fw_vkey_fill(struct fw_vkey *k, struct fw_pkt *pkt,
					  __u32 tbl, struct fw_tblcfg *cfg)
{
	__u64 *w = (__u64 *)k, w5, w6 = 0, h;
	__u32 act = cfg->active;
	__u8 has = 0;

	/*
	 * Returns the key's hash: each word times its own odd constant,
	 * summed, added as soon as the word is made (no word stays live, so
	 * nothing spills; the products are independent, so the CPU computes
	 * them side by side where a chain of multiplies would wait). The empty
	 * asm keeps clang from sinking the sums to the end, words and all.
	 */
	w[0] = cfg->epoch | (act & (1u << FW_C_IFACE) ? (__u64)pkt->ifindex << 32 : 0);
	h = w[0] * 0x9e3779b97f4a7c15ULL;
	asm volatile("" : "+r"(h));
	fw_vkey_addr(&w[1], pkt->saddr, pkt->family, act & (1u << FW_C_SRC | 1u << FW_C_SRCSET));
	h += w[1] * 0xc2b2ae3d27d4eb4fULL + w[2] * 0x165667b19e3779f9ULL;
	asm volatile("" : "+r"(h));
	fw_vkey_addr(&w[3], pkt->daddr, pkt->family, act & (1u << FW_C_DST | 1u << FW_C_DSTSET));
	h += w[3] * 0xd6e8feb86659fd93ULL + w[4] * 0xff51afd7ed558ccdULL;
	asm volatile("" : "+r"(h));
	w5 = (__u64)(tbl & 0xff) << 48 | (__u64)pkt->family << 56;
	if (act & (1u << FW_C_PROTO))
		w6 = pkt->proto;
	if (act & (1u << FW_C_SPORT | 1u << FW_C_DPORT) && pkt->has_ports) {
		has |= 1;
		if (act & (1u << FW_C_SPORT))
			w5 |= pkt->sport;
		if (act & (1u << FW_C_DPORT))
			w5 |= (__u32)pkt->dport << 16;
	}
	if (act & (1u << FW_C_VLAN) && pkt->nvlan)
		w5 |= (__u64)((pkt->vlan & 0xfff) | 0x8000) << 32;
	w[5] = w5;
	h += w5 * 0xc4ceb9fe1a85ec53ULL;
	asm volatile("" : "+r"(h));
	if (act & (1u << FW_C_TCPFLAGS) && pkt->has_tcp) {
		has |= 2;
		w6 |= (__u32)pkt->tcp_flags << 16;
	}
	if (act & (1u << FW_C_ICMPTYPE | 1u << FW_C_ICMPCODE) && pkt->has_icmp) {
		has |= 4;
		if (act & (1u << FW_C_ICMPTYPE))
			w6 |= (__u32)pkt->icmp_type << 24;
		if (act & (1u << FW_C_ICMPCODE))
			w6 |= (__u64)pkt->icmp_code << 32;
	}
	w6 |= (__u32)has << 8;
	if (act & (1u << FW_C_CT))
		w6 |= (__u64)(pkt->ct & 3) << 40;
	w[6] = w6;
	return h + w6 * 0x94d049bb133111ebULL;
}

/*
 * The first match of pkt (or -1) through the verdict cache, sc->vk being
 * its key (fw_vkey_fill). Per CPU and never preempted by another program
 * of this object on the same CPU, an entry is read and written whole.
 */
static __always_inline int fw_vc_match(struct fw_pkt *pkt, __u32 gen, __u32 tbl,
				       struct fw_tblcfg *cfg, struct fw_scratch *sc,
				       __u64 h)
{
	__u64 *k = (__u64 *)&sc->vk, *ek, diff = 0;
	struct fw_vcent *e;
	__u32 idx;
	int i, r;

	idx = (__u32)(h >> (64 - FW_VC_BITS));
	e = bpf_map_lookup_elem(&fw_vcache, &idx);
	if (!e) {		/* cannot be: classify without it */
		r = fw_match_fast(pkt, gen, tbl, cfg, &sc->mr);
		return r == FW_MATCH_CHUNKS ? fw_match_chunks(&sc->mr) : r;
	}
	ek = (__u64 *)&e->k;
#pragma unroll
	for (i = 0; i < (int)(sizeof(struct fw_vkey) / 8); i++)
		diff |= ek[i] ^ k[i];
	if (!diff && e->val) {
		sc->vc_miss = 0;
		return (int)e->val - 2;
	}
	if (++sc->vc_miss >= FW_VC_MISS_RUN) {
		sc->vc_miss = 0;
		sc->vc_skip = FW_VC_SKIP;
	}
	r = fw_match_fast(pkt, gen, tbl, cfg, &sc->mr);
	if (r == FW_MATCH_CHUNKS)
		r = fw_match_chunks(&sc->mr);
#pragma unroll
	for (i = 0; i < (int)(sizeof(struct fw_vkey) / 8); i++)
		ek[i] = k[i];
	e->val = (__u32)(r + 2);
	return r;
}

/*
 * First rule of table tbl (of generation gen, configuration cfg) matching
 * pkt: its index, or -1 if none.
 */
static __always_inline int fw_first_match(struct fw_pkt *pkt, __u32 gen,
					  __u32 tbl, struct fw_tblcfg *cfg)
{
	struct fw_scratch *sc;
	__u32 zero = 0;
	int r;

	sc = bpf_map_lookup_elem(&fw_scratch, &zero);	/* inlined: per-CPU array */
	if (!sc)
		return -1;
#ifndef FW_NO_VCACHE
	/*
	 * After FW_VC_MISS_RUN misses in a row (traffic of more keys than
	 * the cache holds: a flood of new flows), the next FW_VC_SKIP
	 * packets skip the cache: what it would cost them, it could not
	 * give back.
	 */
	if (cfg->vcache) {
		if (!sc->vc_skip) {
			return fw_vc_match(pkt, gen, tbl, cfg, sc,
					   fw_vkey_fill(&sc->vk, pkt, tbl, cfg));
		}
		sc->vc_skip--;
	}
#endif
	r = fw_match_fast(pkt, gen, tbl, cfg, &sc->mr);
	return r == FW_MATCH_CHUNKS ? fw_match_chunks(&sc->mr) : r;
}

static __always_inline __u8 fw_verdict(__u32 dir, __u32 reason, __u64 bytes,
				       __u8 action)
{
	fw_count(&FW_MAP_STATS, dir * __FW_R_MAX + reason, bytes);
	return action;
}

/*
 * The active generation (*gen) and its table for dir: read once per packet,
 * so that everything the packet goes through (the ingress reverse NAT, the
 * rules) is of one policy even while an apply flips the generation. NULL
 * before any policy.
 */
static __always_inline struct fw_tblcfg *fw_active_table(__u32 dir, __u32 *gen)
{
	__u32 zero = 0, tbl, *genp;

	genp = bpf_map_lookup_elem(&FW_MAP_GEN, &zero);
	if (!genp)
		return NULL;
	*gen = *genp & 1;
	tbl = FW_TBL(*gen, dir);
	return bpf_map_lookup_elem(&FW_MAP_TBLCFG, &tbl);
}

/* fw_decide() on the table fw_active_table() gave (gen, cfg). */
static __always_inline __u8 fw_decide_in(void *ctx, struct fw_pkt *pkt, int parsed,
					 __u32 dir, __u64 bytes, __u32 gen,
					 struct fw_tblcfg *cfg)
{
	struct fw_rule *rule;
	struct fw_ct_ctx cx;
	__u32 tbl, idx, reason;
	__u8 act;
	int r;

	if (!cfg || !cfg->valid)
		return fw_verdict(dir, FW_R_NO_POLICY, bytes, FW_ACT_PASS);
	gen &= 1;
	tbl = FW_TBL(gen, dir);

	if (parsed == FW_PARSE_MALFORMED) {
		if (cfg->malformed_action == FW_ACT_PASS)
			return fw_verdict(dir, FW_R_MALFORMED_PASS, bytes, FW_ACT_PASS);
		return fw_verdict(dir, FW_R_MALFORMED, bytes, FW_ACT_DROP);
	}
	if (parsed == FW_PARSE_NON_IP) {
		if (cfg->non_ip_action == FW_ACT_DROP)
			return fw_verdict(dir, FW_R_NON_IP_DROP, bytes, FW_ACT_DROP);
		return fw_verdict(dir, FW_R_NON_IP_PASS, bytes, FW_ACT_PASS);
	}
	if (pkt->frag == FW_FRAG_LATER && cfg->frag_mode != FW_FRAGS_MATCH) {
		if (cfg->frag_mode == FW_FRAGS_DROP)
			return fw_verdict(dir, FW_R_FRAGMENT_DROP, bytes, FW_ACT_DROP);
		return fw_verdict(dir, FW_R_FRAGMENT_PASS, bytes, FW_ACT_PASS);
	}

	fw_ct_lookup(pkt, gen, &cx);
	if (pkt->ct == FW_CT_ESTABLISHED && cx.pass_est) {
		fw_ct_commit(pkt, &cx, false, bytes);
		/*
		 * Admitted before the rules; but an egress rewrite (static NAT
		 * above all) must go on for the whole flow: the rule the packet
		 * matches still rewrites it when it passes.
		 */
		if (dir == FW_DIR_EGRESS && (cfg->flags & FW_TF_REWRITE)) {
			r = fw_first_match(pkt, gen, tbl, cfg);
			idx = tbl * FW_MAX_RULES + (r & (FW_MAX_RULES - 1));
			rule = r >= 0 ? bpf_map_lookup_elem(&FW_MAP_RULES, &idx) : NULL;
			if (rule && rule->action == FW_ACT_PASS && rule->rewrite) {
				pkt->gen = gen;
				pkt->act = *rule;
			}
		}
		return fw_verdict(dir, FW_R_CT_ESTABLISHED, bytes, FW_ACT_PASS);
	}

	r = fw_first_match(pkt, gen, tbl, cfg);
	if (r < 0 || r >= FW_MAX_RULES) {
		fw_count(&FW_MAP_RCNT, tbl * FW_NCNT + FW_MAX_RULES, bytes);
		if (cfg->default_action == FW_ACT_DROP)
			return fw_verdict(dir, FW_R_DEFAULT_DROP, bytes, FW_ACT_DROP);
		fw_ct_commit(pkt, &cx, dir == FW_DIR_EGRESS, bytes);
		return fw_verdict(dir, FW_R_DEFAULT_PASS, bytes, FW_ACT_PASS);
	}

	fw_count(&FW_MAP_RCNT, tbl * FW_NCNT + r, bytes);
	idx = tbl * FW_MAX_RULES + r;
	rule = bpf_map_lookup_elem(&FW_MAP_RULES, &idx);
	if (!rule) {
		fw_ct_commit(pkt, &cx, dir == FW_DIR_EGRESS, bytes);
		return fw_verdict(dir, FW_R_RULE_PASS, bytes, FW_ACT_PASS);
	}
	pkt->gen = gen;		/* forwarding (dp/fwd.h) acts on it */
	pkt->act = *rule;
	if (rule->flags & FW_RF_LIMIT) {	/* rate limit: dp/limit.h */
		int over = fw_limit_over(pkt, gen, rule->limit, tbl * FW_NCNT + r, bytes);

		if (over == FW_ACT_DROP || over == FW_ACT_PASS) {
			/* the "over" action replaces the rule's: no redirect, no rewrite */
			pkt->act.action = over;
			pkt->act.rewrite = 0;
			act = over;
			reason = over == FW_ACT_DROP ? FW_R_LIMIT_DROP : FW_R_LIMIT_PASS;
			if (act == FW_ACT_PASS)
				fw_ct_commit(pkt, &cx, dir == FW_DIR_EGRESS ||
					     (rule->flags & FW_RF_TRACK), bytes);
			fw_log_event(ctx, pkt, dir, gen, tbl, r, rule, act, reason, bytes);
			return fw_verdict(dir, reason, bytes, act);
		}
	}
	act = rule->action == FW_ACT_DROP ? FW_ACT_DROP : FW_ACT_PASS;
	/* egress records what it passes; ingress what "track" rules admit */
	if (act == FW_ACT_PASS)
		fw_ct_commit(pkt, &cx, dir == FW_DIR_EGRESS || (rule->flags & FW_RF_TRACK),
			     bytes);
	if (rule->action == FW_ACT_REDIRECT) {
		/* dp/fwd.h counts the reason: the redirect or its fallback */
		fw_log_event(ctx, pkt, dir, gen, tbl, r, rule, FW_ACT_REDIRECT,
			     FW_R_REDIRECT, bytes);
		return FW_ACT_REDIRECT;
	}
	reason = act == FW_ACT_DROP ? FW_R_RULE_DROP : FW_R_RULE_PASS;
	/* the verdict is final here: log it as it is */
	fw_log_event(ctx, pkt, dir, gen, tbl, r, rule, act, reason, bytes);
	return fw_verdict(dir, reason, bytes, act);
}

static __always_inline __u8 fw_decide(void *ctx, struct fw_pkt *pkt, int parsed,
				      __u32 dir, __u64 bytes)
{
	__u32 gen = 0;
	struct fw_tblcfg *cfg = fw_active_table(dir, &gen);

	return fw_decide_in(ctx, pkt, parsed, dir, bytes, gen, cfg);
}

#endif /* FW_DP_CLASSIFY_H */
