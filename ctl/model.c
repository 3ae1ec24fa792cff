// SPDX-License-Identifier: GPL-2.0
/*
 * model.c - the reference model: linear first-match over the parsed rules,
 * each matcher tested literally. Deliberately naive; see model.h.
 */
#include <string.h>
#include "model.h"

bool fw_prefix_contains(const struct fw_prefix *p, uint8_t family,
			const uint8_t *addr)
{
	unsigned int full = p->plen / 8, rest = p->plen % 8;

	if (p->family != family)
		return false;
	if (memcmp(p->addr, addr, full))
		return false;
	if (rest) {
		uint8_t mask = (uint8_t)(0xff << (8 - rest));

		if ((p->addr[full] & mask) != (addr[full] & mask))
			return false;
	}
	return true;
}

static bool in_prefixes(const struct fw_prefix *ps, size_t n, uint8_t family,
			const uint8_t *addr)
{
	for (size_t i = 0; i < n; i++)
		if (fw_prefix_contains(&ps[i], family, addr))
			return true;
	return false;
}

bool fw_set_contains(const struct fw_set *s, uint8_t family, const uint8_t *addr)
{
	return in_prefixes(s->elems, s->n_elems, family, addr);
}

static bool in_sets(const struct fw_policy *pol, uint32_t sets, uint8_t family,
		    const uint8_t *addr)
{
	for (size_t i = 0; i < pol->n_sets; i++)
		if (sets >> i & 1 && fw_set_contains(&pol->sets[i], family, addr))
			return true;
	return false;
}

static bool in_ranges(const struct fw_prange *rs, size_t n, uint16_t port)
{
	for (size_t i = 0; i < n; i++)
		if (port >= rs[i].lo && port <= rs[i].hi)
			return true;
	return false;
}

static bool bit(const uint64_t *bm, unsigned int v)
{
	return bm[v / 64] >> (v % 64) & 1;
}

enum { ABSENT, YES, NO, MISSING };	/* a matcher's outcome on a packet */

/* Every field of one matcher: ABSENT fields are skipped by the caller. */
static int field(const struct fw_policy *pol, const struct fw_match *m,
		 int f, const struct fw_pkt_desc *p)
{
	switch (f) {
	case 0:
		if (!m->has_src)
			return ABSENT;
		return in_prefixes(m->src, m->n_src, p->family, p->saddr) ||
		       in_sets(pol, m->src_sets, p->family, p->saddr) ? YES : NO;
	case 1:
		if (!m->has_dst)
			return ABSENT;
		return in_prefixes(m->dst, m->n_dst, p->family, p->daddr) ||
		       in_sets(pol, m->dst_sets, p->family, p->daddr) ? YES : NO;
	case 2:
		if (!m->has_proto)
			return ABSENT;
		return bit(m->proto, p->proto) ? YES : NO;
	case 3:
		if (!m->has_sport)
			return ABSENT;
		if (!p->has_ports)
			return MISSING;
		return in_ranges(m->sport, m->n_sport, p->sport) ? YES : NO;
	case 4:
		if (!m->has_dport)
			return ABSENT;
		if (!p->has_ports)
			return MISSING;
		return in_ranges(m->dport, m->n_dport, p->dport) ? YES : NO;
	case 5:
		if (!m->has_tcp_flags)
			return ABSENT;
		if (!p->has_tcp)
			return MISSING;
		for (size_t i = 0; i < m->n_tcp_flags; i++)
			if ((p->tcp_flags & m->tcp_flags[i].mask) == m->tcp_flags[i].value)
				return YES;
		return NO;
	case 6:
		if (!m->has_icmp_type)
			return ABSENT;
		if (!p->has_icmp)
			return MISSING;
		return bit(m->icmp_type, p->icmp_type) ? YES : NO;
	case 7:
		if (!m->has_icmp_code)
			return ABSENT;
		if (!p->has_icmp)
			return MISSING;
		return bit(m->icmp_code, p->icmp_code) ? YES : NO;
	case 8:
		if (!m->has_vlan)
			return ABSENT;
		if (!p->has_vlan)
			return MISSING;
		return bit(m->vlan, p->vlan) ? YES : NO;
	case 9:
		if (!m->has_iface)
			return ABSENT;
		for (size_t i = 0; i < m->n_iface; i++)
			if (m->ifindex && m->ifindex[i] > 0 &&
			    (uint32_t)m->ifindex[i] == p->ifindex)
				return YES;
		return NO;
	case 10:
		if (!m->has_ct)
			return ABSENT;
		return p->ct < 64 && bit(m->ct, p->ct) ? YES : NO;
	}
	return ABSENT;
}

bool fw_model_rule_matches(const struct fw_policy *pol,
			   const struct fw_rule_ir *r,
			   const struct fw_pkt_desc *pkt)
{
	for (int f = 0; f < 11; f++) {
		int pos = field(pol, &r->pos, f, pkt);
		int neg = field(pol, &r->neg, f, pkt);

		if (pos != ABSENT && pos != YES)
			return false;
		if (neg != ABSENT && neg != NO)
			return false;	/* in the negated list, or no such field */
	}
	return true;
}

int fw_model_match(const struct fw_policy *pol, unsigned int dir,
		   const struct fw_pkt_desc *pkt)
{
	const struct fw_ruleset *rs = &pol->dir[dir];

	for (size_t i = 0; i < rs->n_rules; i++)
		if (fw_model_rule_matches(pol, &rs->rules[i], pkt))
			return (int)i;
	return -1;
}

void fw_model_decide(const struct fw_policy *pol, unsigned int dir,
		     enum fw_model_input in, const struct fw_pkt_desc *pkt,
		     struct fw_model_verdict *v)
{
	const struct fw_ruleset *rs = &pol->dir[dir];
	bool drop;

	v->rule = -1;
	if (in == FW_IN_MALFORMED) {
		drop = pol->malformed_action == FW_ACT_DROP;
		v->action = drop ? FW_ACT_DROP : FW_ACT_PASS;
		v->reason = drop ? FW_R_MALFORMED : FW_R_MALFORMED_PASS;
		return;
	}
	if (in == FW_IN_NON_IP) {
		drop = pol->non_ip_action == FW_ACT_DROP;
		v->action = drop ? FW_ACT_DROP : FW_ACT_PASS;
		v->reason = drop ? FW_R_NON_IP_DROP : FW_R_NON_IP_PASS;
		return;
	}
	if (pkt->later_fragment && pol->frag_mode != FW_FRAGS_MATCH) {
		drop = pol->frag_mode == FW_FRAGS_DROP;
		v->action = drop ? FW_ACT_DROP : FW_ACT_PASS;
		v->reason = drop ? FW_R_FRAGMENT_DROP : FW_R_FRAGMENT_PASS;
		return;
	}
	if (pol->ct.on && pol->ct.pass_est && pkt->ct == FW_CT_ESTABLISHED) {
		v->action = FW_ACT_PASS;
		v->reason = FW_R_CT_ESTABLISHED;
		return;
	}
	if (dir == FW_DIR_INGRESS) {	/* static NAT is undone first */
		struct fw_pkt_desc un = *pkt;

		fw_model_unnat(pol, &un);
		v->rule = fw_model_match(pol, dir, &un);
	} else {
		v->rule = fw_model_match(pol, dir, pkt);
	}
	if (v->rule < 0) {
		drop = rs->default_action == FW_ACT_DROP;
		v->action = drop ? FW_ACT_DROP : FW_ACT_PASS;
		v->reason = drop ? FW_R_DEFAULT_DROP : FW_R_DEFAULT_PASS;
	} else if (rs->rules[v->rule].action == FW_ACT_REDIRECT) {
		/* the data path may fall back (target gone, fib to the stack) */
		v->action = FW_ACT_REDIRECT;
		v->reason = FW_R_REDIRECT;
	} else {
		drop = rs->rules[v->rule].action == FW_ACT_DROP;
		v->action = drop ? FW_ACT_DROP : FW_ACT_PASS;
		v->reason = drop ? FW_R_RULE_DROP : FW_R_RULE_PASS;
	}
}
