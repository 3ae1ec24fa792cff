// SPDX-License-Identifier: GPL-2.0
/*
 * fw_xdp.bpf.c - the ingress firewall: parse, classify against the active
 * policy generation, count, and pass or drop at the earliest point.
 */
#include "dp/classify.h"

SEC("xdp")
int fw_xdp_ingress(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;
	__u64 len = end - data;
	struct fw_pkt pkt = { .ifindex = ctx->ingress_ifindex };
	int parsed;
	__u8 act;

	parsed = fw_parse(data, end, len, true, &pkt);
	act = fw_decide(ctx, &pkt, parsed, FW_DIR_INGRESS, len);
	fw_ifcount(pkt.ifindex, FW_DIR_INGRESS, act, len);
	if (act == FW_ACT_DROP)
		return XDP_DROP;
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
