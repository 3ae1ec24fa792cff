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
 * for dp/fwd.h. Per packet: the active generation
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
 * First rule of table tbl (of generation gen) matching pkt: its index, or -1
 * if none. 'cfgw' is fw_cfgw(): the table's flags | set masks << 8, << 16.
 * A global function: the verifier checks it once, not once per parse path.
 */
__noinline int fw_first_match(struct fw_pkt *pkt, __u32 gen, __u32 tbl,
			      __u32 cfgw)
{
	struct fw_bits *b[FW_NFIELDS];
	__u32 cls[FW_NFIELDS];
	struct fw_dtab *dt;
	__u64 sum;
	int i;

	if (!pkt)
		return -1;
	gen &= 1;
	dt = bpf_map_lookup_elem(&FW_MAP_DTAB, &tbl);
	if (!dt)
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
	cls[FW_C_SRC] = cfgw & FW_TF_SRC ? fw_lpm_class(pkt, tbl, FW_FIELD_SRC)
					 : dt->src_any;
	cls[FW_C_DST] = cfgw & FW_TF_DST ? fw_lpm_class(pkt, tbl, FW_FIELD_DST)
					 : dt->dst_any;
	cls[FW_C_IFACE] = dt->iface_other;
	if (cfgw & FW_TF_IFACE) {
		struct fw_iface_key k = { .tbl = tbl, .ifindex = pkt->ifindex };
		__u32 *c = bpf_map_lookup_elem(&FW_MAP_IFACE, &k);

		if (c)
			cls[FW_C_IFACE] = *c;
	}
	cls[FW_C_SRCSET] = dt->srcset[(cfgw >> 8) & 0xff];
	cls[FW_C_DSTSET] = dt->dstset[(cfgw >> 16) & 0xff];
	cls[FW_C_CT] = dt->ct[pkt->ct & 3];

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
		int f;

		if (!sum)
			break;
		w = fw_ctz64(sum) & 63;
		if (w >= FW_WORDS)
			break;
		m = ~0ULL;
#pragma unroll
		for (f = 0; f < FW_NFIELDS; f++)
			m &= b[f]->w[w];
		if (m)
			return w * 64 + fw_ctz64(m);
		sum &= sum - 1;
	}
	return -1;
}

/*
 * fw_first_match()'s 'cfgw': the table's flags | the packet's src set mask
 * << 8 | its dst set mask << 16. The set lookups are made here, by the
 * program, not by fw_first_match: a global function calling another adds
 * their stack frames to the program's (512 bytes in all).
 */
static __always_inline __u32 fw_cfgw(struct fw_pkt *pkt, __u32 gen,
				     const struct fw_tblcfg *cfg)
{
	__u32 w = cfg->flags;

	if (cfg->src_sets)
		w |= (fw_set_mask(pkt, gen, 0, cfg->src_sets) & 0xff) << 8;
	if (cfg->dst_sets)
		w |= (fw_set_mask(pkt, gen, 1, cfg->dst_sets) & 0xff) << 16;
	return w;
}

static __always_inline __u8 fw_verdict(__u32 dir, __u32 reason, __u64 bytes,
				       __u8 action)
{
	fw_count(&FW_MAP_STATS, dir * __FW_R_MAX + reason, bytes);
	return action;
}

static __always_inline __u8 fw_decide(void *ctx, struct fw_pkt *pkt, int parsed,
				      __u32 dir, __u64 bytes)
{
	struct fw_tblcfg *cfg;
	struct fw_rule *rule;
	struct fw_ct_ctx cx;
	__u32 zero = 0, gen, tbl, idx, reason;
	__u32 *genp;
	__u8 act;
	int r;

	genp = bpf_map_lookup_elem(&FW_MAP_GEN, &zero);
	if (!genp)
		return fw_verdict(dir, FW_R_NO_POLICY, bytes, FW_ACT_PASS);
	gen = *genp & 1;
	tbl = FW_TBL(gen, dir);
	cfg = bpf_map_lookup_elem(&FW_MAP_TBLCFG, &tbl);
	if (!cfg || !cfg->valid)
		return fw_verdict(dir, FW_R_NO_POLICY, bytes, FW_ACT_PASS);

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
			r = fw_first_match(pkt, gen, tbl, fw_cfgw(pkt, gen, cfg));
			idx = tbl * FW_MAX_RULES + (r & (FW_MAX_RULES - 1));
			rule = r >= 0 ? bpf_map_lookup_elem(&FW_MAP_RULES, &idx) : NULL;
			if (rule && rule->action == FW_ACT_PASS && rule->rewrite) {
				pkt->gen = gen;
				pkt->act = *rule;
			}
		}
		return fw_verdict(dir, FW_R_CT_ESTABLISHED, bytes, FW_ACT_PASS);
	}

	r = fw_first_match(pkt, gen, tbl, fw_cfgw(pkt, gen, cfg));
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

#endif /* FW_DP_CLASSIFY_H */
