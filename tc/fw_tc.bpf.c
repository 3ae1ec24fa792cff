// SPDX-License-Identifier: GPL-2.0
/*
 * fw_tc.bpf.c - the egress firewall (tc clsact egress, direct action):
 * classify and count what leaves through the same tables as ingress, and
 * apply the matched rule's rewrite (dp/fwd.h).
 */
#include <linux/pkt_cls.h>
#include "dp/fwd.h"

#define FW_TC_PULL	128	/* bytes made linear before parsing */

SEC("tc")
int fw_tc_egress(struct __sk_buff *skb)
{
	struct fw_pkt pkt = { .ifindex = skb->ifindex };
	__u32 want = skb->len < FW_TC_PULL ? skb->len : FW_TC_PULL;
	void *data, *end;
	int parsed;
	__u8 act;

	if (skb->data_end - skb->data < want)
		bpf_skb_pull_data(skb, want);
	data = (void *)(long)skb->data;
	end = (void *)(long)skb->data_end;

	parsed = fw_parse(data, end, skb->len, false, &pkt);
	act = fw_decide(skb, &pkt, parsed, FW_DIR_EGRESS, skb->len);
	fw_ifcount(pkt.ifindex, FW_DIR_EGRESS, act, skb->len);
	if (act == FW_ACT_DROP)
		return TC_ACT_SHOT;
	if (pkt.act.rewrite)
		fw_tc_rewrite(skb, &pkt);
	return TC_ACT_UNSPEC;	/* let later filters and the stack decide */
}

char LICENSE[] SEC("license") = "GPL";
