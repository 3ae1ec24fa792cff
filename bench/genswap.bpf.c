// SPDX-License-Identifier: GPL-2.0
/*
 * genswap.bpf.c - the two ways to swap a policy atomically, as the data
 * path pays for them: (a) the generation in the key: read the active
 * generation from an array, then one LPM lookup with it leading the key;
 * (b) map-in-map: look the generation's inner trie up in an array of maps,
 * then one LPM lookup in it. Same prefixes, same packet.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct key_gen { __u32 prefixlen; __u32 gen; __u32 addr; };
struct key_plain { __u32 prefixlen; __u32 addr; };

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} gen SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, 1 << 20);
	__type(key, struct key_gen);
	__type(value, __u32);
	__uint(map_flags, BPF_F_NO_PREALLOC);
} lpm_gen SEC(".maps");

struct inner {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, 1 << 20);
	__type(key, struct key_plain);
	__type(value, __u32);
	__uint(map_flags, BPF_F_NO_PREALLOC);
} inner0 SEC(".maps"), inner1 SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
	__uint(max_entries, 2);
	__type(key, __u32);
	__array(values, struct inner);
} outer SEC(".maps") = { .values = { &inner0, &inner1 } };

static __always_inline __u32 daddr(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data, *end = (void *)(long)ctx->data_end;
	__u32 *p = data + 14 + 16;

	return (void *)(p + 1) <= end ? *p : 0;
}

SEC("xdp")
int by_gen_key(struct xdp_md *ctx)
{
	__u32 zero = 0, *g = bpf_map_lookup_elem(&gen, &zero);
	struct key_gen k = { .prefixlen = 64, .addr = daddr(ctx) };

	if (!g)
		return XDP_ABORTED;
	k.gen = *g;
	return bpf_map_lookup_elem(&lpm_gen, &k) ? XDP_DROP : XDP_PASS;
}

SEC("xdp")
int by_map_in_map(struct xdp_md *ctx)
{
	__u32 zero = 0, *g = bpf_map_lookup_elem(&gen, &zero);
	struct key_plain k = { .prefixlen = 32, .addr = daddr(ctx) };
	void *in;

	if (!g)
		return XDP_ABORTED;
	in = bpf_map_lookup_elem(&outer, g);
	if (!in)
		return XDP_ABORTED;
	return bpf_map_lookup_elem(in, &k) ? XDP_DROP : XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
