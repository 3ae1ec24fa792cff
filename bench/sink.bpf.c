// SPDX-License-Identifier: GPL-2.0
/*
 * sink.bpf.c - the baselines: fb_drop is the trivial XDP_DROP program (the
 * per-packet limit of BPF_PROG_TEST_RUN); fb_count drops and counts, and is
 * what the receiver runs for the end-to-end limit.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} fb_count_map SEC(".maps");

SEC("xdp")
int fb_drop(struct xdp_md *ctx)
{
	return XDP_DROP;
}

SEC("xdp")
int fb_count(struct xdp_md *ctx)
{
	__u32 zero = 0;
	__u64 *c = bpf_map_lookup_elem(&fb_count_map, &zero);

	if (c)
		(*c)++;		/* per-CPU: no atomics */
	return XDP_DROP;
}

/* Drop after reading the headers a filter reads (Ethernet type, IPv4
 * protocol and addresses, TCP ports): the cost of touching the frame. */
SEC("xdp")
int fb_read(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;
	__u32 zero = 0, sum;
	__u64 *c;

	if (data + 38 > end)
		return XDP_DROP;
	sum = *(__u16 *)(data + 12) + *(__u8 *)(data + 23) + *(__u32 *)(data + 26) +
	      *(__u32 *)(data + 30) + *(__u32 *)(data + 34);
	c = bpf_map_lookup_elem(&fb_count_map, &zero);
	if (c)
		*c += 1 + (sum == 0x12345678);	/* keeps the reads */
	return XDP_DROP;
}

char LICENSE[] SEC("license") = "GPL";
