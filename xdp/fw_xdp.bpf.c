// SPDX-License-Identifier: GPL-2.0
/*
 * fw_xdp.bpf.c - the ingress firewall: parse, undo static NAT, classify
 * against the active policy generation, count, and pass, drop or redirect
 * (dp/fwd.h) at the earliest point.
 */
#include "dp/fwd.h"

SEC("xdp")
int fw_xdp_ingress(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;
	__u64 len = end - data;
	struct fw_pkt pkt = { .ifindex = ctx->ingress_ifindex };
	struct fw_tblcfg *cfg;
	__u32 gen = 0;
	int parsed;
	__u8 act;

	parsed = fw_parse(data, end, len, true, &pkt);
	/* one policy generation for the reverse NAT and the rules alike */
	cfg = fw_active_table(FW_DIR_INGRESS, &gen);
	if (parsed == FW_PARSE_OK && fw_xdp_unnat(ctx, &pkt, gen, cfg))
		parsed = FW_PARSE_MALFORMED;
	act = fw_decide_in(ctx, &pkt, parsed, FW_DIR_INGRESS, len, gen, cfg);
	if (act == FW_ACT_REDIRECT) {
		int ret = fw_xdp_forward(ctx, &pkt, len);

		/* per interface: what became of it (redirected, or the fallback) */
		fw_ifcount(pkt.ifindex, FW_DIR_INGRESS,
			   ret == XDP_REDIRECT ? FW_ACT_REDIRECT :
			   (ret == XDP_DROP ? FW_ACT_DROP : FW_ACT_PASS), len);
		return ret;
	}
	fw_ifcount(pkt.ifindex, FW_DIR_INGRESS, act, len);
	if (act == FW_ACT_DROP)
		return XDP_DROP;
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
