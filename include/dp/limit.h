/* SPDX-License-Identifier: GPL-2.0 */
/*
 * dp/limit.h - rate limits ("limit" on a rule, rules/README.md). API:
 *
 *   int fw_limit_over(struct fw_pkt *pkt, __u32 gen, __u32 slot,
 *                     __u32 cnt, __u64 bytes);
 *
 * called after the first match when the rule has FW_RF_LIMIT: -1 when the
 * packet is within the limit (the rule's action applies), else the limit's
 * "over" action (FW_ACT_PASS or FW_ACT_DROP), the packet having been counted
 * in fw_rlim[cnt] (cnt: the rule's fw_rcnt index).
 *
 * The bucket is GCRA, the "virtual scheduling" form of a token bucket: one
 * 64-bit word, tat, the time (in ticks of 1/16 ns, bpf_ktime_get_ns() << 4)
 * at which the bucket will be full again. A packet costing c ticks
 * (1/rate s per packet, or per byte of the frame) at time now fits when
 * max(tat, now) + c - now <= depth (the burst in ticks), and then moves
 * tat there. That is exactly a bucket of 'burst' tokens refilled at 'rate',
 * held in one word, so several CPUs share it with a compare-and-swap and no
 * lock: a CPU that loses the race re-reads and retries, up to
 * FW_LIMIT_TRIES times; a packet whose every attempt lost (the others got
 * tokens meanwhile) is treated as over the limit. Contention can therefore
 * only make the limit stricter, never let more through than the bucket
 * allows. Over-limit packets write nothing, so a flood far above the rate
 * costs one read per packet.
 *
 * Buckets: one per rule in fw_limst (reset to full by every apply), or per
 * source prefix in the fw_limsrc LRU (keyed by slot, the apply's epoch,
 * family and masked address: an apply starts every source afresh; a source
 * evicted by the LRU comes back with a full bucket).
 */
#ifndef FW_DP_LIMIT_H
#define FW_DP_LIMIT_H

#include "dp/maps.h"
#include "dp/parse.h"

/* 1 and tat moved when a packet of 'cost' ticks fits at 'now', else 0. */
static __always_inline int fw_gcra(__u64 *tat, __u64 now, __u64 cost,
				   __u64 depth)
{
	int i;

#pragma unroll
	for (i = 0; i < FW_LIMIT_TRIES; i++) {
		__u64 old = *(volatile __u64 *)tat;
		__u64 next = (old > now ? old : now) + cost;

		if (next - now > depth)
			return 0;
		if (__sync_val_compare_and_swap(tat, old, next) == old)
			return 1;
	}
	return 0;
}

/*
 * 1 when the packet fits in limit idx (FW_LIMIT_IDX), else 0 with *over
 * set to the limit's over action. A global function: verified once.
 */
__noinline int fw_limit_take(struct fw_pkt *pkt, __u32 idx, __u64 bytes,
			     __u32 *over)
{
	struct fw_limit *cfg;
	struct fw_lstate *st;
	__u64 now, cost, units;
	int i;

	if (!pkt || !over)
		return 1;
	*over = FW_ACT_DROP;
	cfg = bpf_map_lookup_elem(&FW_MAP_LIMCFG, &idx);
	if (!cfg)
		return 0;		/* cannot happen: fail closed */
	*over = cfg->over == FW_ACT_PASS ? FW_ACT_PASS : FW_ACT_DROP;
	units = cfg->flags & FW_LF_BYTES ? (bytes > 65535 ? 65535 : bytes) : 1;
	cost = (units * cfg->mult) >> (cfg->shift & 63);
	now = bpf_ktime_get_ns() << FW_LIMIT_TICK_SHIFT;
	if (cost > cfg->depth)
		return 0;		/* bigger than the whole bucket */

	if (!(cfg->flags & FW_LF_PER_SRC)) {
		st = bpf_map_lookup_elem(&FW_MAP_LIMST, &idx);
		return st ? fw_gcra(&st->tat, now, cost, cfg->depth) : 0;
	}

	{
		struct fw_limsrc_key k = {
			.slot = idx,
			.epoch = cfg->epoch,
			.family = pkt->family,
		};
		int plen = pkt->family == 4 ? cfg->plen4 : cfg->plen6;
		struct fw_lstate init = { .tat = now + cost };

#pragma unroll
		for (i = 0; i < 16; i++) {
			int b = plen - i * 8;
			__u8 m = b >= 8 ? 0xff : b <= 0 ? 0 : (__u8)(0xff << (8 - b));

			k.addr[i] = pkt->saddr[i] & m;
		}
		st = bpf_map_lookup_elem(&FW_MAP_LIMSRC, &k);
		if (!st) {
			/* a new source: a full bucket, this packet taken from it */
			if (!bpf_map_update_elem(&FW_MAP_LIMSRC, &k, &init, BPF_NOEXIST))
				return 1;
			st = bpf_map_lookup_elem(&FW_MAP_LIMSRC, &k);	/* raced */
			if (!st)
				return 0;
		}
		return fw_gcra(&st->tat, now, cost, cfg->depth);
	}
}

static __always_inline int fw_limit_over(struct fw_pkt *pkt, __u32 gen,
					 __u32 slot, __u32 cnt, __u64 bytes)
{
	__u32 over = FW_ACT_DROP;

	if (fw_limit_take(pkt, FW_LIMIT_IDX(gen & 1, slot & (FW_MAX_LIMITS - 1)),
			  bytes, &over))
		return -1;
	{
		struct fw_counter *c = bpf_map_lookup_elem(&FW_MAP_RLIM, &cnt);

		if (c) {		/* per-CPU: no atomics needed */
			c->packets++;
			c->bytes += bytes;
		}
	}
	return (int)over;
}

#endif /* FW_DP_LIMIT_H */
