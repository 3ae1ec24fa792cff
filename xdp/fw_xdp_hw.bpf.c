// SPDX-License-Identifier: GPL-2.0
/*
 * fw_xdp_hw.bpf.c - the ingress firewall for NIC offload (XDP_FLAGS_HW_MODE,
 * loaded with prog_ifindex and its maps with map_ifindex = the device).
 * The same parser as fw_xdp.bpf.c (dp/parse.h: the same malformed, non-IP
 * and fragment verdicts); the classifier is the reduced one of fw_hw.h, a
 * first-match walk of at most FW_HW_MAX_RULES entries, unrolled. Array maps
 * and bpf_map_lookup_elem only; no counters (no per-CPU maps on the NIC).
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include "fw_hw.h"
#include "dp/parse.h"

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} FW_HW_MAP_GEN SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, FW_NGEN);
	__type(key, __u32);
	__type(value, struct fw_hw_cfg);
} FW_HW_MAP_CFG SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, FW_NGEN * FW_HW_MAX_RULES);
	__type(key, __u32);
	__type(value, struct fw_hw_rule);
} FW_HW_MAP_RULES SEC(".maps");

static __always_inline int fw_hw_verdict(__u8 action)
{
	return action == FW_ACT_DROP ? XDP_DROP : XDP_PASS;
}

static __always_inline bool fw_hw_addr(const __u8 *a, const __u8 *net, const __u8 *mask)
{
	const __u32 *x = (const __u32 *)a, *n = (const __u32 *)net, *m = (const __u32 *)mask;

	return (x[0] & m[0]) == n[0] && (x[1] & m[1]) == n[1] &&
	       (x[2] & m[2]) == n[2] && (x[3] & m[3]) == n[3];
}

static __always_inline bool fw_hw_match(const struct fw_hw_rule *r, const struct fw_pkt *pkt)
{
	if (r->family && r->family != pkt->family)
		return false;
	if ((r->flags & FW_HW_F_PROTO) && r->proto != pkt->proto)
		return false;
	if (r->flags & (FW_HW_F_SPORT | FW_HW_F_DPORT)) {
		if (!pkt->has_ports)
			return false;
		if ((r->flags & FW_HW_F_SPORT) &&
		    (pkt->sport < r->sport_lo || pkt->sport > r->sport_hi))
			return false;
		if ((r->flags & FW_HW_F_DPORT) &&
		    (pkt->dport < r->dport_lo || pkt->dport > r->dport_hi))
			return false;
	}
	return fw_hw_addr(pkt->saddr, r->src, r->src_mask) &&
	       fw_hw_addr(pkt->daddr, r->dst, r->dst_mask);
}

SEC("xdp")
int fw_xdp_hw(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;
	struct fw_pkt pkt = { 0 };
	struct fw_hw_cfg *cfg;
	__u32 zero = 0, gen, *genp;
	int parsed, i;

	parsed = fw_parse(data, end, end - data, true, &pkt);
	genp = bpf_map_lookup_elem(&FW_HW_MAP_GEN, &zero);
	if (!genp)
		return XDP_PASS;
	gen = *genp & 1;
	cfg = bpf_map_lookup_elem(&FW_HW_MAP_CFG, &gen);
	if (!cfg || !cfg->valid)
		return XDP_PASS;		/* no policy yet */
	if (parsed == FW_PARSE_MALFORMED)
		return fw_hw_verdict(cfg->malformed_action);
	if (parsed == FW_PARSE_NON_IP)
		return fw_hw_verdict(cfg->non_ip_action);
	if (pkt.frag == FW_FRAG_LATER && cfg->frag_mode != FW_FRAGS_MATCH)
		return cfg->frag_mode == FW_FRAGS_DROP ? XDP_DROP : XDP_PASS;

#pragma unroll
	for (i = 0; i < FW_HW_MAX_RULES; i++) {
		__u32 idx = gen * FW_HW_MAX_RULES + i;
		struct fw_hw_rule *r;

		if (i >= cfg->n_rules)
			break;
		r = bpf_map_lookup_elem(&FW_HW_MAP_RULES, &idx);
		if (!r)
			break;
		if (fw_hw_match(r, &pkt))
			return fw_hw_verdict(r->action);
	}
	return fw_hw_verdict(cfg->default_action);
}

char LICENSE[] SEC("license") = "GPL";
