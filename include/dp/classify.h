/* SPDX-License-Identifier: GPL-2.0 */
/*
 * dp/classify.h - first-match classification over the compiled tables, and
 * the one place that turns a parse result into a counted verdict. API:
 *
 *   __u8 fw_decide(struct fw_pkt *pkt, int parsed, __u32 dir, __u64 bytes);
 *
 * returns FW_ACT_PASS or FW_ACT_DROP, having counted the packet under its
 * rule (or the default) and its reason. Per packet: one read of the active
 * generation, one table config, two LPM lookups (src, dst) and three
 * direct-indexed reads (protocol, ports) give five classes; their bitmaps are
 * ANDed word by word, visiting only words whose summary bit survives, and
 * the lowest set bit is the first matching rule.
 */
#ifndef FW_DP_CLASSIFY_H
#define FW_DP_CLASSIFY_H

#include "dp/maps.h"
#include "dp/parse.h"

#define FW_NFIELDS 5

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
 * First rule of table tbl (of generation gen) matching pkt: its index, or -1
 * if none. A global function: the verifier checks it once, not once per
 * parse path of the caller.
 */
__noinline int fw_first_match(struct fw_pkt *pkt, __u32 gen, __u32 tbl)
{
	struct fw_bits *b[FW_NFIELDS];
	__u32 cls[FW_NFIELDS];
	struct fw_l4tab *l4;
	__u64 sum;
	int i;

	if (!pkt)
		return -1;
	gen &= 1;
	l4 = bpf_map_lookup_elem(&FW_MAP_L4, &tbl);
	if (!l4)
		return -1;
	cls[0] = l4->proto[pkt->proto];
	if (pkt->has_ports) {
		cls[1] = l4->sport[pkt->sport];
		cls[2] = l4->dport[pkt->dport];
	} else {
		cls[1] = l4->noport_src;
		cls[2] = l4->noport_dst;
	}
	cls[3] = fw_lpm_class(pkt, tbl, FW_FIELD_SRC);
	cls[4] = fw_lpm_class(pkt, tbl, FW_FIELD_DST);

	sum = ~0ULL;
#pragma unroll
	for (i = 0; i < FW_NFIELDS; i++) {
		__u32 k = gen * FW_MAX_CLASSES + (cls[i] & (FW_MAX_CLASSES - 1));

		b[i] = bpf_map_lookup_elem(&FW_MAP_CLS, &k);
		if (!b[i])
			return -1;
		sum &= b[i]->summary;
	}

	for (i = 0; i < FW_WORDS; i++) {
		__u32 w;
		__u64 m;

		if (!sum)
			break;
		w = fw_ctz64(sum) & 63;
		if (w >= FW_WORDS)
			break;
		m = b[0]->w[w] & b[1]->w[w] & b[2]->w[w] & b[3]->w[w] &
		    b[4]->w[w];
		if (m)
			return w * 64 + fw_ctz64(m);
		sum &= sum - 1;
	}
	return -1;
}

static __always_inline __u8 fw_verdict(__u32 dir, __u32 reason, __u64 bytes,
				       __u8 action)
{
	fw_count(&FW_MAP_STATS, dir * __FW_R_MAX + reason, bytes);
	return action;
}

static __always_inline __u8 fw_decide(struct fw_pkt *pkt, int parsed,
				      __u32 dir, __u64 bytes)
{
	struct fw_tblcfg *cfg;
	struct fw_rule *rule;
	__u32 zero = 0, gen, tbl, idx;
	__u32 *genp;
	int r;

	if (parsed == FW_PARSE_MALFORMED)
		return fw_verdict(dir, FW_R_MALFORMED, bytes, FW_ACT_DROP);

	genp = bpf_map_lookup_elem(&FW_MAP_GEN, &zero);
	if (!genp)
		return fw_verdict(dir, FW_R_NO_POLICY, bytes, FW_ACT_PASS);
	gen = *genp & 1;
	tbl = FW_TBL(gen, dir);
	cfg = bpf_map_lookup_elem(&FW_MAP_TBLCFG, &tbl);
	if (!cfg || !cfg->valid)
		return fw_verdict(dir, FW_R_NO_POLICY, bytes, FW_ACT_PASS);

	if (parsed == FW_PARSE_NON_IP) {
		if (cfg->non_ip_action == FW_ACT_DROP)
			return fw_verdict(dir, FW_R_NON_IP_DROP, bytes, FW_ACT_DROP);
		return fw_verdict(dir, FW_R_NON_IP_PASS, bytes, FW_ACT_PASS);
	}

	r = fw_first_match(pkt, gen, tbl);
	if (r < 0 || r >= FW_MAX_RULES) {
		fw_count(&FW_MAP_RCNT, tbl * FW_NCNT + FW_MAX_RULES, bytes);
		if (cfg->default_action == FW_ACT_DROP)
			return fw_verdict(dir, FW_R_DEFAULT_DROP, bytes, FW_ACT_DROP);
		return fw_verdict(dir, FW_R_DEFAULT_PASS, bytes, FW_ACT_PASS);
	}

	fw_count(&FW_MAP_RCNT, tbl * FW_NCNT + r, bytes);
	idx = tbl * FW_MAX_RULES + r;
	rule = bpf_map_lookup_elem(&FW_MAP_RULES, &idx);
	if (rule && rule->action == FW_ACT_DROP)
		return fw_verdict(dir, FW_R_RULE_DROP, bytes, FW_ACT_DROP);
	return fw_verdict(dir, FW_R_RULE_PASS, bytes, FW_ACT_PASS);
}

#endif /* FW_DP_CLASSIFY_H */
