/* SPDX-License-Identifier: GPL-2.0 */
/*
 * dp/fwd.h - forwarding (issue 6): XDP redirect, fib forwarding, the ingress
 * reverse of static NAT, and tc egress rewriting. API:
 *
 *   int  fw_xdp_unnat(struct xdp_md *ctx, struct fw_pkt *pkt, __u32 gen,
 *                     const struct fw_tblcfg *cfg);
 *        ingress, before the rules: a packet to (from) a static-NAT address
 *        gets its original destination (source) back, checksums updated
 *        incrementally by hand (XDP has no csum helpers); pkt follows.
 *   int  fw_xdp_forward(struct xdp_md *ctx, struct fw_pkt *pkt, __u64 len);
 *        for FW_ACT_REDIRECT: the XDP verdict, counted under FW_R_REDIRECT,
 *        FW_R_REDIRECT_FALLBACK (target gone: the policy's fallback) or
 *        FW_R_FIB_PASS (fib mode: the stack must handle it).
 *   void fw_tc_rewrite(struct __sk_buff *skb, struct fw_pkt *pkt);
 *        egress: apply the matched rule's rewrite record with
 *        bpf_l3_csum_replace / bpf_l4_csum_replace.
 */
#ifndef FW_DP_FWD_H
#define FW_DP_FWD_H

#include <linux/if_ether.h>
#include <linux/icmpv6.h>
#include "dp/classify.h"

#ifndef AF_INET
#define AF_INET		2
#endif
#ifndef AF_INET6
#define AF_INET6	10
#endif

/* --- checksums by hand (XDP) -------------------------------------------- */

/* Fold a 64-bit one's complement sum to 16 bits. */
static __always_inline __u16 fw_csum_fold(__u64 s)
{
	s = (s & 0xffffffff) + (s >> 32);
	s = (s & 0xffff) + (s >> 16);
	s = (s & 0xffff) + (s >> 16);
	s = (s & 0xffff) + (s >> 16);
	return (__u16)s;
}

/*
 * RFC 1624 eqn. 3: HC' = ~(~HC + ~m + m'); 'diff' is ~m + m' as returned
 * by bpf_csum_diff(). 'udp': a zero checksum means "none" (left alone) and
 * a result of zero is sent as 0xffff.
 */
static __always_inline void fw_csum_update(__u16 *field, __u64 diff, bool udp)
{
	__u16 c;

	if (udp && !*field)
		return;
	c = ~fw_csum_fold((__u64)(__u16)~*field + diff);
	if (udp && !c)
		c = 0xffff;
	*field = c;
}

/* --- ingress reverse static NAT (XDP) ------------------------------------ */

static __always_inline struct fw_nat_val *fw_nat_find(struct fw_pkt *pkt,
						      __u8 gen, __u8 field)
{
	struct fw_nat_key k = {
		.gen = gen, .field = field, .family = pkt->family,
	};
	struct fw_nat_val *v;

	__builtin_memcpy(k.addr, field == FW_FIELD_DST ? pkt->daddr : pkt->saddr, 16);
	v = bpf_map_lookup_elem(&FW_MAP_NAT, &k);	/* by address */
	if (!v)
		return NULL;
	if (v->flags & FW_NAT_PORTS && pkt->has_ports &&
	    (pkt->proto == IPPROTO_TCP || pkt->proto == IPPROTO_UDP)) {
		struct fw_nat_val *pv;

		k.proto = pkt->proto;
		k.port = bpf_htons(field == FW_FIELD_DST ? pkt->dport : pkt->sport);
		pv = bpf_map_lookup_elem(&FW_MAP_NAT, &k);	/* more specific */
		if (pv)
			return pv;
	}
	return v->flags & FW_NAT_ADDR ? v : NULL;
}

/* Rewrite one address (and port) of the packet in place. */
static __always_inline int fw_xdp_nat_apply(struct xdp_md *ctx,
					    struct fw_pkt *pkt, __u8 field,
					    struct fw_nat_val *v)
{
	void *data = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;
	__u32 l3 = pkt->l3_off & 0x1ff, l4 = pkt->l4_off & 0x3ff;
	__u16 *l4csum = NULL;
	bool udp = pkt->proto == IPPROTO_UDP;
	__u32 adiff, pdiff = 0;
	__u8 *a;

	/* Where the address is, and the L4 checksum covering it. */
	if (pkt->family == 4) {
		struct iphdr *iph = data + l3;

		if ((void *)(iph + 1) > end)
			return -1;
		a = field == FW_FIELD_DST ? (__u8 *)&iph->daddr : (__u8 *)&iph->saddr;
		adiff = bpf_csum_diff((__be32 *)a, 4, (__be32 *)v->addr, 4, 0);
		fw_csum_update(&iph->check, adiff, false);
		__builtin_memcpy(a, v->addr, 4);
	} else {
		struct ipv6hdr *ip6h = data + l3;

		if ((void *)(ip6h + 1) > end)
			return -1;
		a = field == FW_FIELD_DST ? (__u8 *)&ip6h->daddr : (__u8 *)&ip6h->saddr;
		adiff = bpf_csum_diff((__be32 *)a, 16, (__be32 *)v->addr, 16, 0);
		__builtin_memcpy(a, v->addr, 16);
	}
	__builtin_memcpy(field == FW_FIELD_DST ? pkt->daddr : pkt->saddr, v->addr, 16);

	if (!pkt->l4_off)
		return 0;	/* a later fragment: no L4 header here */
	if (pkt->proto == IPPROTO_TCP) {
		struct tcphdr *th = data + l4;

		if ((void *)(th + 1) > end)
			return -1;
		l4csum = &th->check;
		if (v->port) {
			__be16 *p = field == FW_FIELD_DST ? &th->dest : &th->source;

			pdiff = (__u16)~*p + (__u32)v->port;
			*p = v->port;
		}
	} else if (udp) {
		struct udphdr *uh = data + l4;

		if ((void *)(uh + 1) > end)
			return -1;
		l4csum = &uh->check;
		if (v->port) {
			__be16 *p = field == FW_FIELD_DST ? &uh->dest : &uh->source;

			pdiff = (__u16)~*p + (__u32)v->port;
			*p = v->port;
		}
	} else if (pkt->proto == IPPROTO_ICMPV6) {
		struct icmp6hdr *ih = data + l4;

		if ((void *)(ih + 1) > end)
			return -1;
		l4csum = &ih->icmp6_cksum;	/* pseudo-header: address only */
	}
	if (v->port) {
		if (field == FW_FIELD_DST)
			pkt->dport = bpf_ntohs(v->port);
		else
			pkt->sport = bpf_ntohs(v->port);
	}
	if (l4csum)
		fw_csum_update(l4csum, (__u64)adiff + pdiff, udp);
	return 0;
}

/*
 * Ingress, before the rules: the reverse of the active generation's static
 * NAT. 0, or -1 when the packet cannot be rewritten (counted malformed by
 * the caller).
 */
static __always_inline int fw_xdp_unnat(struct xdp_md *ctx, struct fw_pkt *pkt,
					__u32 gen, const struct fw_tblcfg *cfg)
{
	struct fw_nat_val *v;

	if (!cfg || !cfg->valid || !(cfg->flags & (FW_TF_NAT | FW_TF_NAT_SRC)))
		return 0;
	gen &= 1;

	if (cfg->flags & FW_TF_NAT) {	/* reverse of SNAT */
		v = fw_nat_find(pkt, gen, FW_FIELD_DST);
		if (v && fw_xdp_nat_apply(ctx, pkt, FW_FIELD_DST, v))
			return -1;
	}
	if (cfg->flags & FW_TF_NAT_SRC) {	/* reverse of DNAT */
		v = fw_nat_find(pkt, gen, FW_FIELD_SRC);
		if (v && fw_xdp_nat_apply(ctx, pkt, FW_FIELD_SRC, v))
			return -1;
	}
	return 0;
}

/* --- redirect and fib forwarding (XDP) ----------------------------------- */

static __always_inline int fw_xdp_count(__u32 reason, __u64 len, int verdict)
{
	fw_count(&FW_MAP_STATS, FW_DIR_INGRESS * __FW_R_MAX + reason, len);
	return verdict;
}

/*
 * fib mode: route by the kernel's FIB, rewrite the MACs, decrement the TTL
 * (hop limit) and send it out of the route's interface. Anything the
 * lookup cannot finish (no neighbour entry yet, local delivery, TTL about
 * to expire, VLAN-tagged frames, forwarding disabled) goes to the stack.
 */
static __always_inline int fw_xdp_fib(struct xdp_md *ctx, struct fw_pkt *pkt,
				      __u64 len)
{
	void *data = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;
	struct bpf_fib_lookup f = { .ifindex = ctx->ingress_ifindex };
	struct ethhdr *eth = data;
	struct iphdr *iph = data + sizeof(*eth);
	struct ipv6hdr *ip6h = data + sizeof(*eth);
	long rc;

	if (pkt->nvlan || pkt->l3_off != sizeof(*eth))
		return fw_xdp_count(FW_R_FIB_PASS, len, XDP_PASS);
	if (pkt->family == 4) {
		if ((void *)(iph + 1) > end || iph->ttl <= 1)
			return fw_xdp_count(FW_R_FIB_PASS, len, XDP_PASS);
		f.family = AF_INET;
		f.tos = iph->tos;
		f.l4_protocol = iph->protocol;
		f.tot_len = bpf_ntohs(iph->tot_len);
		f.ipv4_src = iph->saddr;
		f.ipv4_dst = iph->daddr;
	} else {
		if ((void *)(ip6h + 1) > end || ip6h->hop_limit <= 1)
			return fw_xdp_count(FW_R_FIB_PASS, len, XDP_PASS);
		f.family = AF_INET6;
		f.flowinfo = *(__be32 *)ip6h & bpf_htonl(0x0fffffff);
		f.l4_protocol = ip6h->nexthdr;
		f.tot_len = bpf_ntohs(ip6h->payload_len);
		__builtin_memcpy(f.ipv6_src, &ip6h->saddr, 16);
		__builtin_memcpy(f.ipv6_dst, &ip6h->daddr, 16);
	}
	if (pkt->has_ports) {
		f.sport = bpf_htons(pkt->sport);
		f.dport = bpf_htons(pkt->dport);
	}
	rc = bpf_fib_lookup(ctx, &f, sizeof(f), 0);
	if (rc != BPF_FIB_LKUP_RET_SUCCESS)
		return fw_xdp_count(FW_R_FIB_PASS, len, XDP_PASS);

	if ((void *)(eth + 1) > end)
		return fw_xdp_count(FW_R_FIB_PASS, len, XDP_PASS);
	if (pkt->family == 4) {
		if ((void *)(iph + 1) > end)
			return fw_xdp_count(FW_R_FIB_PASS, len, XDP_PASS);
		/* ip_decrease_ttl(): the TTL is the high byte of its word */
		__u32 c = iph->check;

		c += bpf_htons(0x0100);
		iph->check = (__u16)(c + (c >= 0xffff));
		iph->ttl--;
	} else {
		if ((void *)(ip6h + 1) > end)
			return fw_xdp_count(FW_R_FIB_PASS, len, XDP_PASS);
		ip6h->hop_limit--;
	}
	__builtin_memcpy(eth->h_dest, f.dmac, ETH_ALEN);
	__builtin_memcpy(eth->h_source, f.smac, ETH_ALEN);
	return fw_xdp_count(FW_R_REDIRECT, len, bpf_redirect(f.ifindex, 0));
}

static __always_inline int fw_xdp_forward(struct xdp_md *ctx,
					  struct fw_pkt *pkt, __u64 len)
{
	struct fw_redir *r;
	__u32 key;
	long ret;

	if (pkt->act.flags & FW_RF_FIB)
		return fw_xdp_fib(ctx, pkt, len);
	key = (pkt->gen & 1) * FW_MAX_REDIR + (pkt->act.redirect % FW_MAX_REDIR);
	/* flags 0: a missing entry (target deleted) returns XDP_ABORTED */
	ret = bpf_redirect_map(&FW_MAP_DEVMAP, key, 0);
	if (ret == XDP_REDIRECT)
		return fw_xdp_count(FW_R_REDIRECT, len, XDP_REDIRECT);
	r = bpf_map_lookup_elem(&FW_MAP_REDIR, &key);
	if (r && r->fallback == FW_ACT_PASS)
		return fw_xdp_count(FW_R_REDIRECT_FALLBACK, len, XDP_PASS);
	return fw_xdp_count(FW_R_REDIRECT_FALLBACK, len, XDP_DROP);
}

/* --- egress rewrite (tc) -------------------------------------------------- */

#define FW_IP4_CSUM_OFF		offsetof(struct iphdr, check)
#define FW_TCP_CSUM_OFF		offsetof(struct tcphdr, check)
#define FW_UDP_CSUM_OFF		offsetof(struct udphdr, check)
#define FW_ICMP6_CSUM_OFF	offsetof(struct icmp6hdr, icmp6_cksum)

/* Offset of the L4 checksum covering the pseudo-header, or 0 if none. */
static __always_inline __u32 fw_l4_csum_off(struct fw_pkt *pkt, __u64 *flags)
{
	*flags = 0;
	if (!pkt->l4_off)
		return 0;
	if (pkt->proto == IPPROTO_TCP)
		return pkt->l4_off + FW_TCP_CSUM_OFF;
	if (pkt->proto == IPPROTO_UDP) {
		*flags = BPF_F_MARK_MANGLED_0;	/* 0: no checksum, kept */
		return pkt->l4_off + FW_UDP_CSUM_OFF;
	}
	if (pkt->proto == IPPROTO_ICMPV6)
		return pkt->l4_off + FW_ICMP6_CSUM_OFF;
	return 0;
}

static __always_inline void fw_tc_addr(struct __sk_buff *skb, struct fw_pkt *pkt,
				       __u8 field, const __u8 *to)
{
	__u32 l3 = pkt->l3_off, csum_off;
	__u8 *from = field == FW_FIELD_DST ? pkt->daddr : pkt->saddr;
	__u64 l4flags;
	__s64 diff;

	csum_off = fw_l4_csum_off(pkt, &l4flags);
	if (pkt->family == 4) {
		__u32 off = l3 + (field == FW_FIELD_DST ? offsetof(struct iphdr, daddr)
							: offsetof(struct iphdr, saddr));
		__be32 o, n;

		__builtin_memcpy(&o, from, 4);
		__builtin_memcpy(&n, to, 4);
		if (csum_off)	/* ICMPv4 has no pseudo-header */
			bpf_l4_csum_replace(skb, csum_off, o, n,
					    l4flags | BPF_F_PSEUDO_HDR | 4);
		bpf_l3_csum_replace(skb, l3 + FW_IP4_CSUM_OFF, o, n, 4);
		bpf_skb_store_bytes(skb, off, &n, 4, 0);
	} else {
		__u32 off = l3 + (field == FW_FIELD_DST ? offsetof(struct ipv6hdr, daddr)
							: offsetof(struct ipv6hdr, saddr));
		__u32 o[4], n[4];

		__builtin_memcpy(o, from, 16);
		__builtin_memcpy(n, to, 16);
		diff = bpf_csum_diff(o, 16, n, 16, 0);
		if (csum_off)	/* size 0: 'to' is a precomputed diff */
			bpf_l4_csum_replace(skb, csum_off, 0, diff,
					    l4flags | BPF_F_PSEUDO_HDR);
		bpf_skb_store_bytes(skb, off, n, 16, 0);
	}
	__builtin_memcpy(from, to, 16);
}

static __always_inline void fw_tc_port(struct __sk_buff *skb, struct fw_pkt *pkt,
				       __u8 field, __be16 to)
{
	__u32 off, csum_off;
	__be16 from;
	__u64 l4flags;

	if (!pkt->l4_off || !pkt->has_ports ||
	    (pkt->proto != IPPROTO_TCP && pkt->proto != IPPROTO_UDP))
		return;
	from = bpf_htons(field == FW_FIELD_DST ? pkt->dport : pkt->sport);
	off = pkt->l4_off + (field == FW_FIELD_DST ? 2 : 0);
	csum_off = fw_l4_csum_off(pkt, &l4flags);
	bpf_l4_csum_replace(skb, csum_off, from, to, l4flags | 2);
	bpf_skb_store_bytes(skb, off, &to, 2, 0);
	if (field == FW_FIELD_DST)
		pkt->dport = bpf_ntohs(to);
	else
		pkt->sport = bpf_ntohs(to);
}

/* DSCP, ECN and TTL: IPv4 fixes its header checksum; IPv6 has none. */
static __always_inline void fw_tc_ip_fields(struct __sk_buff *skb,
					    struct fw_pkt *pkt,
					    const struct fw_rewrite *rw)
{
	__u32 l3 = pkt->l3_off;

	if (pkt->family == 4) {
		__be16 o, n;	/* version/IHL + TOS; TTL + protocol */
		__u8 *b = (__u8 *)&n;

		if (rw->flags & (FW_RW_DSCP | FW_RW_ECN) &&
		    !bpf_skb_load_bytes(skb, l3, &o, 2)) {
			n = o;
			if (rw->flags & FW_RW_DSCP)
				b[1] = (b[1] & 0x03) | (rw->dscp << 2);
			if (rw->flags & FW_RW_ECN)
				b[1] = (b[1] & 0xfc) | (rw->ecn & 3);
			bpf_l3_csum_replace(skb, l3 + FW_IP4_CSUM_OFF, o, n, 2);
			bpf_skb_store_bytes(skb, l3, &n, 2, 0);
		}
		if (rw->flags & FW_RW_TTL &&
		    !bpf_skb_load_bytes(skb, l3 + offsetof(struct iphdr, ttl), &o, 2)) {
			n = o;
			b[0] = rw->ttl;
			bpf_l3_csum_replace(skb, l3 + FW_IP4_CSUM_OFF, o, n, 2);
			bpf_skb_store_bytes(skb, l3 + offsetof(struct iphdr, ttl), &n, 2, 0);
		}
	} else {
		__u8 w[2];	/* version | TC high nibble, TC low | flow */

		if (rw->flags & (FW_RW_DSCP | FW_RW_ECN) &&
		    !bpf_skb_load_bytes(skb, l3, w, 2)) {
			__u8 tc = (w[0] << 4) | (w[1] >> 4);

			if (rw->flags & FW_RW_DSCP)
				tc = (tc & 0x03) | (rw->dscp << 2);
			if (rw->flags & FW_RW_ECN)
				tc = (tc & 0xfc) | (rw->ecn & 3);
			w[0] = (w[0] & 0xf0) | (tc >> 4);
			w[1] = (w[1] & 0x0f) | (tc << 4);
			bpf_skb_store_bytes(skb, l3, w, 2, 0);
		}
		if (rw->flags & FW_RW_TTL)
			bpf_skb_store_bytes(skb, l3 + offsetof(struct ipv6hdr, hop_limit),
					    &rw->ttl, 1, 0);
	}
}

/*
 * Apply the matched egress rule's rewrite record. L3/L4 first (the offsets
 * parse found stay valid), MACs, then the VLAN tag (which may move data).
 */
static __always_inline void fw_tc_rewrite(struct __sk_buff *skb,
					  struct fw_pkt *pkt)
{
	struct fw_rewrite *rw;
	__u32 key;

	if (!pkt->act.rewrite || pkt->act.rewrite > FW_MAX_REWRITE)
		return;
	key = (pkt->gen & 1) * FW_MAX_REWRITE + pkt->act.rewrite - 1;
	rw = bpf_map_lookup_elem(&FW_MAP_REWRITE, &key);
	if (!rw)
		return;
	if (pkt->family && rw->family == pkt->family) {
		if (rw->flags & FW_RW_SRC)
			fw_tc_addr(skb, pkt, FW_FIELD_SRC, rw->saddr);
		if (rw->flags & FW_RW_DST)
			fw_tc_addr(skb, pkt, FW_FIELD_DST, rw->daddr);
	}
	if (pkt->family) {
		if (rw->flags & FW_RW_SPORT)
			fw_tc_port(skb, pkt, FW_FIELD_SRC, rw->sport);
		if (rw->flags & FW_RW_DPORT)
			fw_tc_port(skb, pkt, FW_FIELD_DST, rw->dport);
		if (rw->flags & (FW_RW_DSCP | FW_RW_ECN | FW_RW_TTL))
			fw_tc_ip_fields(skb, pkt, rw);
	}
	if (rw->flags & FW_RW_DMAC)
		bpf_skb_store_bytes(skb, 0, rw->dmac, ETH_ALEN, 0);
	if (rw->flags & FW_RW_SMAC)
		bpf_skb_store_bytes(skb, ETH_ALEN, rw->smac, ETH_ALEN, 0);
	if (rw->flags & FW_RW_VLAN_POP)
		bpf_skb_vlan_pop(skb);
	if (rw->flags & FW_RW_VLAN_PUSH)
		bpf_skb_vlan_push(skb, bpf_htons(ETH_P_8021Q), rw->vlan);
}

#endif /* FW_DP_FWD_H */
