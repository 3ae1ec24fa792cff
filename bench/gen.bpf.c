// SPDX-License-Identifier: GPL-2.0
/*
 * gen.bpf.c - the benchmark's traffic generator. fwbench runs it with
 * BPF_PROG_RUN and BPF_F_TEST_XDP_LIVE_FRAMES: every frame it returns
 * XDP_TX for leaves through the interface named by the run's
 * ingress_ifindex. Single flow (n_tmpl == 0): the frame goes out as given.
 * Spread: frame k gets the addresses, ports and checksums of template
 * k mod n_tmpl, so the traffic walks over every rule of the policy.
 * Paced (gap_ns): one frame per gap_ns leaves, the others are dropped
 * back into the test run's page pool, so the offered load is smooth.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include "bench.h"

const volatile __u32 n_tmpl;	/* 0: single flow */
const volatile __u64 gap_ns;	/* pacing: one frame per gap_ns; 0: flat out */

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, FB_MAX_TMPL);
	__type(key, __u32);
	__type(value, struct fb_tmpl);
} fb_tmpl SEC(".maps");

/* One generator thread: no atomics needed. */
__u32 next;			/* next template */
__u64 next_ns;			/* pacing: time of the next frame */
__u64 sent;			/* frames returned XDP_TX */

SEC("xdp")
int fb_gen(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;
	struct fb_tmpl *t;
	__u32 k;

	if (gap_ns) {		/* a frame not sent yet goes back to the pool */
		__u64 now = bpf_ktime_get_ns();

		if (now < next_ns)
			return XDP_DROP;
		/* after a stall, catch up by at most 16 frames */
		next_ns = (next_ns + 16 * gap_ns < now ? now - 16 * gap_ns : next_ns) + gap_ns;
	}
	sent++;
	if (!n_tmpl)
		return XDP_TX;
	if (data + FB_FRAME_LEN > end)
		return XDP_ABORTED;
	k = next;
	next = k + 1 >= n_tmpl ? 0 : k + 1;
	t = bpf_map_lookup_elem(&fb_tmpl, &k);
	if (!t)
		return XDP_ABORTED;
	*(__be32 *)(data + FB_OFF_SADDR) = t->saddr;
	*(__be32 *)(data + FB_OFF_SADDR + 4) = t->daddr;
	*(__be16 *)(data + FB_OFF_TCP) = t->sport;
	*(__be16 *)(data + FB_OFF_TCP + 2) = t->dport;
	*(__u16 *)(data + FB_OFF_IPCSUM) = t->ip_csum;
	*(__u16 *)(data + FB_OFF_TCPCSUM) = t->tcp_csum;
	return XDP_TX;
}

char LICENSE[] SEC("license") = "GPL";
