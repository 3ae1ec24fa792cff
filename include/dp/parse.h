/* SPDX-License-Identifier: GPL-2.0 */
/*
 * dp/parse.h - bounded, verifier-friendly header parsing shared by the XDP
 * and tc programs. API:
 *
 *   int fw_parse(void *data, void *data_end, __u64 wire_len, bool strict,
 *                struct fw_pkt *pkt);
 *
 * Returns FW_PARSE_OK (pkt filled), FW_PARSE_NON_IP (not IPv4/IPv6 after up
 * to FW_VLAN_MAX tags) or FW_PARSE_MALFORMED (truncated or invalid: never a
 * read past data_end). 'strict' also checks the IP length fields against
 * wire_len (ingress frames; egress skbs may be GSO super-packets).
 * Plain C: fwctl compiles it too (fwctl explain parses pcap frames with it).
 */
#ifndef FW_DP_PARSE_H
#define FW_DP_PARSE_H

#include <stdbool.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/in.h>
#include <linux/tcp.h>
#include <linux/udp.h>
#include <bpf/bpf_endian.h>
#include "fw_shared.h"

#ifndef __always_inline
#define __always_inline inline __attribute__((always_inline))
#endif

enum {
	FW_PARSE_OK = 0,
	FW_PARSE_NON_IP,
	FW_PARSE_MALFORMED,
};

enum {
	FW_FRAG_NONE = 0,
	FW_FRAG_FIRST,		/* offset 0, more fragments: carries L4 */
	FW_FRAG_LATER,		/* offset > 0: no L4 header */
};

struct fw_pkt {
	__u8 saddr[16];		/* network order; IPv4 in [0..3] */
	__u8 daddr[16];
	__u32 ifindex;		/* received on (XDP) / sent through (tc) */
	__u16 sport, dport;	/* host order, valid iff has_ports */
	__u16 vlan;		/* outermost VLAN id, valid iff nvlan */
	__u8 family;		/* 4 or 6 */
	__u8 proto;		/* L4 protocol / final IPv6 next header */
	__u8 has_ports;		/* TCP/UDP/UDP-Lite/SCTP header read */
	__u8 has_tcp;		/* TCP header read: tcp_flags valid */
	__u8 has_icmp;		/* ICMP/ICMPv6 header read: type/code valid */
	__u8 frag;
	__u8 icmp_type, icmp_code;
	__u8 tcp_flags;
	__u8 nvlan;
	/* forwarding (dp/fwd.h): where the headers are, and what matched */
	__u16 l3_off;		/* bytes from the frame start to L3 */
	__u16 l4_off;		/* to L4; 0 when there is no L4 header */
	__u8 gen;		/* set by fw_decide(): the generation used */
	struct fw_rule act;	/* set by fw_decide(): the matched rule */
	__u8 ct;		/* enum fw_ct_state, set by dp/ct.h */
	__u8 has_icmp_id;	/* ICMP(v6) echo request/reply: icmp_id valid */
	__u16 icmp_id;		/* echo identifier, host order */
};

struct fw_vlan_hdr {
	__be16 tci;
	__be16 proto;
};

struct fw_ip6_opt {		/* hop-by-hop, routing, dest options, AH */
	__u8 nexthdr;
	__u8 hdrlen;
};

struct fw_ip6_frag {
	__u8 nexthdr;
	__u8 reserved;
	__be16 frag_off;	/* offset (13 bits, in 8 bytes) | res | M */
	__be32 id;
};

#define FW_IP_MF	0x2000
#define FW_IP_OFFSET	0x1fff

static __always_inline bool fw_proto_has_ports(__u8 proto)
{
	return proto == IPPROTO_TCP || proto == IPPROTO_UDP ||
	       proto == IPPROTO_UDPLITE || proto == IPPROTO_SCTP;
}

/* L4: ports, flags, ICMP type/code; 'l4' is the first byte after L3. */
static __always_inline int fw_parse_l4(void *l4, void *end, struct fw_pkt *pkt)
{
	if (pkt->frag == FW_FRAG_LATER)
		return FW_PARSE_OK;	/* no L4 header in this fragment */

	if (pkt->proto == IPPROTO_TCP) {
		struct tcphdr *th = l4;

		if ((void *)(th + 1) > end || th->doff < 5)
			return FW_PARSE_MALFORMED;
		pkt->sport = bpf_ntohs(th->source);
		pkt->dport = bpf_ntohs(th->dest);
		pkt->tcp_flags = ((__u8 *)th)[13];
		pkt->has_ports = 1;
		pkt->has_tcp = 1;
	} else if (fw_proto_has_ports(pkt->proto)) {
		/* UDP, UDP-Lite and SCTP all start with the two ports */
		__be16 *ports = l4;

		if ((void *)(ports + 2) > end)
			return FW_PARSE_MALFORMED;
		if (pkt->proto != IPPROTO_SCTP && l4 + 8 > end)
			return FW_PARSE_MALFORMED;
		if (pkt->proto == IPPROTO_SCTP && l4 + 12 > end)
			return FW_PARSE_MALFORMED;
		pkt->sport = bpf_ntohs(ports[0]);
		pkt->dport = bpf_ntohs(ports[1]);
		pkt->has_ports = 1;
	} else if (pkt->proto == IPPROTO_ICMP || pkt->proto == IPPROTO_ICMPV6) {
		__u8 *icmp = l4;

		if (l4 + 4 > end)
			return FW_PARSE_MALFORMED;
		pkt->icmp_type = icmp[0];
		pkt->icmp_code = icmp[1];
		pkt->has_icmp = 1;
		/* echo request/reply (v4 8/0, v6 128/129): the id, for conntrack */
		if ((pkt->proto == IPPROTO_ICMP ? icmp[0] == 8 || icmp[0] == 0
						: icmp[0] == 128 || icmp[0] == 129) &&
		    l4 + 8 <= end) {
			pkt->icmp_id = (__u16)(icmp[4] << 8 | icmp[5]);
			pkt->has_icmp_id = 1;
		}
	}
	return FW_PARSE_OK;
}

static __always_inline int fw_parse_ipv4(void *l3, void *end, __u64 l3_len,
					 bool strict, struct fw_pkt *pkt)
{
	struct iphdr *iph = l3;
	__u32 hlen;
	__u16 frag, tot;

	if ((void *)(iph + 1) > end)
		return FW_PARSE_MALFORMED;
	if (iph->version != 4 || iph->ihl < 5)
		return FW_PARSE_MALFORMED;
	hlen = iph->ihl * 4;
	if (l3 + hlen > end)
		return FW_PARSE_MALFORMED;
	tot = bpf_ntohs(iph->tot_len);
	if (strict && (tot < hlen || tot > l3_len))
		return FW_PARSE_MALFORMED;

	pkt->family = 4;
	pkt->proto = iph->protocol;
	__builtin_memcpy(pkt->saddr, &iph->saddr, 4);
	__builtin_memcpy(pkt->daddr, &iph->daddr, 4);
	frag = bpf_ntohs(iph->frag_off);
	if (frag & FW_IP_OFFSET)
		pkt->frag = FW_FRAG_LATER;
	else if (frag & FW_IP_MF)
		pkt->frag = FW_FRAG_FIRST;
	if (pkt->frag != FW_FRAG_LATER)
		pkt->l4_off = pkt->l3_off + hlen;
	return fw_parse_l4(l3 + hlen, end, pkt);
}

static __always_inline bool fw_ip6_is_ext(__u8 nh)
{
	return nh == IPPROTO_HOPOPTS || nh == IPPROTO_ROUTING ||
	       nh == IPPROTO_DSTOPTS || nh == IPPROTO_FRAGMENT ||
	       nh == IPPROTO_AH;
}

static __always_inline int fw_parse_ipv6(void *l3, void *end, __u64 l3_len,
					 bool strict, struct fw_pkt *pkt)
{
	struct ipv6hdr *ip6h = l3;
	void *cur = ip6h + 1;
	__u16 plen;
	__u8 nh;
	int i;

	if (cur > end)
		return FW_PARSE_MALFORMED;
	if (ip6h->version != 6)
		return FW_PARSE_MALFORMED;
	plen = bpf_ntohs(ip6h->payload_len);
	if (strict && plen && plen + sizeof(*ip6h) > l3_len)
		return FW_PARSE_MALFORMED;

	pkt->family = 6;
	__builtin_memcpy(pkt->saddr, &ip6h->saddr, 16);
	__builtin_memcpy(pkt->daddr, &ip6h->daddr, 16);
	nh = ip6h->nexthdr;

	for (i = 0; i < FW_IPV6_EXT_MAX; i++) {
		if (!fw_ip6_is_ext(nh))
			break;
		if (nh == IPPROTO_FRAGMENT) {
			struct fw_ip6_frag *fh = cur;
			__u16 off;

			if ((void *)(fh + 1) > end)
				return FW_PARSE_MALFORMED;
			off = bpf_ntohs(fh->frag_off);
			nh = fh->nexthdr;
			cur = fh + 1;
			if (off & 0xfff8) {
				pkt->frag = FW_FRAG_LATER;
				pkt->proto = nh;
				return FW_PARSE_OK;
			}
			if (off & 1)
				pkt->frag = FW_FRAG_FIRST;
		} else {
			struct fw_ip6_opt *oh = cur;
			__u32 len;

			if ((void *)(oh + 1) > end)
				return FW_PARSE_MALFORMED;
			if (nh == IPPROTO_AH)
				len = (oh->hdrlen + 2) * 4;
			else
				len = (oh->hdrlen + 1) * 8;
			nh = oh->nexthdr;
			cur += len;
			if (cur > end)
				return FW_PARSE_MALFORMED;
		}
	}
	if (fw_ip6_is_ext(nh))
		return FW_PARSE_MALFORMED;	/* chain longer than the bound */
	pkt->proto = nh;
	pkt->l4_off = pkt->l3_off + (__u16)(cur - l3);
	return fw_parse_l4(cur, end, pkt);
}

static __always_inline int fw_parse(void *data, void *end, __u64 wire_len,
				    bool strict, struct fw_pkt *pkt)
{
	struct ethhdr *eth = data;
	void *cur = eth + 1;
	__u16 proto;
	int i;

	if (cur > end)
		return FW_PARSE_MALFORMED;
	proto = bpf_ntohs(eth->h_proto);

	for (i = 0; i < FW_VLAN_MAX + 1; i++) {
		struct fw_vlan_hdr *vh = cur;

		if (proto != ETH_P_8021Q && proto != ETH_P_8021AD)
			break;
		if (i == FW_VLAN_MAX)
			return FW_PARSE_MALFORMED;	/* too many tags */
		if ((void *)(vh + 1) > end)
			return FW_PARSE_MALFORMED;
		if (!pkt->nvlan)
			pkt->vlan = bpf_ntohs(vh->tci) & 0x0fff;
		pkt->nvlan++;
		proto = bpf_ntohs(vh->proto);
		cur = vh + 1;
	}

	pkt->l3_off = cur - data;
	if (proto == ETH_P_IP)
		return fw_parse_ipv4(cur, end, wire_len - (cur - data), strict, pkt);
	if (proto == ETH_P_IPV6)
		return fw_parse_ipv6(cur, end, wire_len - (cur - data), strict, pkt);
	return FW_PARSE_NON_IP;
}

#endif /* FW_DP_PARSE_H */
