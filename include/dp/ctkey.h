/* SPDX-License-Identifier: GPL-2.0 */
/*
 * dp/ctkey.h - conntrack's pure part, plain C shared by the BPF programs
 * (dp/ct.h) and fwctl/tests: the normalized flow key of a parsed packet,
 * which side sent it, and the TCP state machine. API:
 *
 *   int  fw_ct_key_of(const struct fw_pkt *pkt, struct fw_ct_key *k);
 *          -1: untracked (later fragment, ICMP other than echo), else 1
 *          when the packet's source is side a of k, 0 when side b;
 *   __u8 fw_ct_classify(const struct fw_ct_entry *e, bool orig,
 *                       const struct fw_pkt *pkt);
 *          enum fw_ct_state of a packet, given its live entry (or NULL)
 *          and whether it comes from the flow's originator;
 *   bool fw_ct_may_create(const struct fw_pkt *pkt);
 *          may this (passed, recorded) packet open an entry;
 *   __u8 fw_ct_next(__u8 state, bool orig, const struct fw_pkt *pkt);
 *          the entry's state after a passed packet;
 *   __u32 fw_ct_timeout_of(__u8 proto, __u8 state);
 *          which enum fw_ct_timeout applies to an entry.
 */
#ifndef FW_DP_CTKEY_H
#define FW_DP_CTKEY_H

#include "dp/parse.h"

#define FW_TCP_FIN	0x01
#define FW_TCP_SYN	0x02
#define FW_TCP_RST	0x04
#define FW_TCP_ACK	0x10

/* (x, px) < (y, py): bytes of the address, then the port. */
static __always_inline bool fw_ct_less(const __u8 *x, __u16 px,
				       const __u8 *y, __u16 py)
{
	int i;

	for (i = 0; i < 16; i++) {
		if (x[i] != y[i])
			return x[i] < y[i];
	}
	return px < py;
}

static __always_inline int fw_ct_key_of(const struct fw_pkt *pkt,
					struct fw_ct_key *k)
{
	__u16 sp = 0, dp = 0;
	bool src_a;

	if (pkt->frag == FW_FRAG_LATER)
		return -1;
	if (pkt->has_icmp) {
		if (!pkt->has_icmp_id)
			return -1;	/* errors, ND, ...: not tracked */
		sp = dp = pkt->icmp_id;
	} else if (pkt->has_ports) {
		sp = pkt->sport;
		dp = pkt->dport;
	}
	__builtin_memset(k, 0, sizeof(*k));
	k->family = pkt->family;
	k->proto = pkt->proto;
	src_a = !fw_ct_less(pkt->daddr, dp, pkt->saddr, sp);
	if (src_a) {
		__builtin_memcpy(k->a, pkt->saddr, 16);
		__builtin_memcpy(k->b, pkt->daddr, 16);
		k->pa = bpf_htons(sp);
		k->pb = bpf_htons(dp);
	} else {
		__builtin_memcpy(k->a, pkt->daddr, 16);
		__builtin_memcpy(k->b, pkt->saddr, 16);
		k->pa = bpf_htons(dp);
		k->pb = bpf_htons(sp);
	}
	return src_a;
}

static __always_inline bool fw_ct_is_syn(const struct fw_pkt *pkt)
{
	return (pkt->tcp_flags & (FW_TCP_SYN | FW_TCP_ACK | FW_TCP_RST)) == FW_TCP_SYN;
}

static __always_inline bool fw_ct_may_create(const struct fw_pkt *pkt)
{
	if (pkt->has_tcp)
		return fw_ct_is_syn(pkt);	/* never from an ACK, SYN-ACK... */
	if (pkt->has_icmp)		/* echo request, not the reply */
		return pkt->icmp_type == 8 || pkt->icmp_type == 128;
	return true;
}

static __always_inline __u8 fw_ct_classify(const struct fw_ct_entry *e,
					   bool orig, const struct fw_pkt *pkt)
{
	__u8 f = pkt->tcp_flags;

	if (!e) {
		if (pkt->has_tcp && !fw_ct_is_syn(pkt))
			return FW_CT_INVALID;
		return FW_CT_NEW;
	}
	if (!pkt->has_tcp)
		return FW_CT_ESTABLISHED;
	if (fw_ct_is_syn(pkt))		/* a (re)opening SYN: only the originator */
		return orig ? FW_CT_NEW : FW_CT_INVALID;
	if ((f & (FW_TCP_SYN | FW_TCP_ACK | FW_TCP_RST)) == (FW_TCP_SYN | FW_TCP_ACK))
		return orig ? FW_CT_INVALID : FW_CT_ESTABLISHED;	/* SYN-ACK */
	if (f & FW_TCP_SYN)
		return FW_CT_INVALID;	/* SYN with RST, SYN-ACK with RST */
	if (e->state == FW_CTE_SYN_SENT && !orig && !(f & FW_TCP_RST))
		return FW_CT_INVALID;	/* an ACK before any SYN-ACK */
	return FW_CT_ESTABLISHED;
}

static __always_inline __u8 fw_ct_next(__u8 state, bool orig,
				       const struct fw_pkt *pkt)
{
	__u8 f = pkt->tcp_flags;

	if (!pkt->has_tcp)
		return orig ? state : FW_CTE_REPLIED;
	if (f & (FW_TCP_RST | FW_TCP_FIN))
		return FW_CTE_CLOSING;
	if (fw_ct_is_syn(pkt))
		return orig && state == FW_CTE_CLOSING ? FW_CTE_SYN_SENT : state;
	if ((f & (FW_TCP_SYN | FW_TCP_ACK)) == (FW_TCP_SYN | FW_TCP_ACK))
		return !orig && state == FW_CTE_SYN_SENT ? FW_CTE_SYN_RECV : state;
	if (orig && (f & FW_TCP_ACK) && state == FW_CTE_SYN_RECV)
		return FW_CTE_ESTABLISHED;
	return state;
}

static __always_inline __u32 fw_ct_timeout_of(__u8 proto, __u8 state)
{
	if (proto == IPPROTO_TCP) {
		if (state == FW_CTE_ESTABLISHED)
			return FW_CT_TO_TCP_EST;
		if (state == FW_CTE_CLOSING)
			return FW_CT_TO_TCP_CLOSING;
		return FW_CT_TO_TCP_SYN;
	}
	if (proto == IPPROTO_UDP)
		return FW_CT_TO_UDP;
	if (proto == IPPROTO_ICMP || proto == IPPROTO_ICMPV6)
		return FW_CT_TO_ICMP;
	return FW_CT_TO_OTHER;
}

#endif /* FW_DP_CTKEY_H */
