// SPDX-License-Identifier: GPL-2.0
/*
 * model.c - the reference model: linear first-match over the parsed rules.
 * Deliberately naive; see model.h.
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

static bool in_ranges(const struct fw_prange *rs, size_t n, uint16_t port)
{
	for (size_t i = 0; i < n; i++)
		if (port >= rs[i].lo && port <= rs[i].hi)
			return true;
	return false;
}

bool fw_model_rule_matches(const struct fw_rule_ir *r,
			   const struct fw_pkt_desc *pkt)
{
	if (r->has_src && !in_prefixes(r->src, r->n_src, pkt->family, pkt->saddr))
		return false;
	if (r->has_dst && !in_prefixes(r->dst, r->n_dst, pkt->family, pkt->daddr))
		return false;
	if (r->has_proto && !(r->proto[pkt->proto / 64] >> (pkt->proto % 64) & 1))
		return false;
	if (r->has_sport &&
	    (!pkt->has_ports || !in_ranges(r->sport, r->n_sport, pkt->sport)))
		return false;
	if (r->has_dport &&
	    (!pkt->has_ports || !in_ranges(r->dport, r->n_dport, pkt->dport)))
		return false;
	return true;
}

int fw_model_match(const struct fw_policy *pol, unsigned int dir,
		   const struct fw_pkt_desc *pkt)
{
	const struct fw_ruleset *rs = &pol->dir[dir];

	for (size_t i = 0; i < rs->n_rules; i++)
		if (fw_model_rule_matches(&rs->rules[i], pkt))
			return (int)i;
	return -1;
}
