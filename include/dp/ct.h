/* SPDX-License-Identifier: GPL-2.0 */
/*
 * dp/ct.h - connection tracking in the data path (issue 5). API:
 *
 *   struct fw_ct_ctx cx;
 *   fw_ct_lookup(pkt, gen, &cx);     sets pkt->ct (enum fw_ct_state) and
 *                                    remembers the key and live entry;
 *   cx.pass_est                      the policy admits ESTABLISHED first;
 *   fw_ct_commit(pkt, &cx, create, bytes);
 *                                    after a pass: update the live entry
 *                                    (TCP state, idle time, counters), or
 *                                    record a new flow when 'create' and
 *                                    the packet may open one.
 *
 * The table is an LRU hash (inner map of fw_ct, so that fwctl can give it
 * the policy's size) keyed by the normalized 5-tuple (dp/ctkey.h). An entry
 * idle for longer than its protocol's timeout (fw_ct_cfg of the active
 * generation) is treated as absent and overwritten by the next new flow.
 * With conntrack off (no fw_ct_cfg flag, or no table yet) every packet is
 * UNTRACKED and nothing is looked up.
 */
#ifndef FW_DP_CT_H
#define FW_DP_CT_H

#include "dp/maps.h"
#include "dp/ctkey.h"

struct fw_ct_ctx {
	struct fw_ct_key key;
	void *tbl;			/* the LRU hash, NULL when off */
	struct fw_ct_entry *e;		/* the live entry, or NULL */
	__u64 now;
	__u8 orig;			/* the packet comes from the originator */
	__u8 src_a;			/* the packet's source is side a */
	__u8 pass_est;
};

static __always_inline void fw_ct_lookup(struct fw_pkt *pkt, __u32 gen,
					 struct fw_ct_ctx *cx)
{
	struct fw_ct_cfg *cfg;
	struct fw_ct_entry *e;
	__u32 zero = 0, to;
	int side;

	cx->tbl = NULL;
	cx->e = NULL;
	cx->pass_est = 0;
	pkt->ct = FW_CT_UNTRACKED;
	cfg = bpf_map_lookup_elem(&FW_MAP_CTCFG, &gen);
	if (!cfg || !(cfg->flags & FW_CTF_ON))
		return;
	side = fw_ct_key_of(pkt, &cx->key);
	if (side < 0)
		return;
	cx->tbl = bpf_map_lookup_elem(&FW_MAP_CT, &zero);
	if (!cx->tbl)
		return;
	cx->pass_est = !!(cfg->flags & FW_CTF_PASS_EST);
	cx->src_a = (__u8)side;
	cx->now = bpf_ktime_get_ns();
	e = bpf_map_lookup_elem(cx->tbl, &cx->key);
	if (e) {
		to = fw_ct_timeout_of(pkt->proto, e->state);
		if (to < __FW_CT_TO_MAX && cx->now - e->last_ns <= cfg->timeout_ns[to])
			cx->e = e;		/* else expired: absent */
	}
	cx->orig = cx->e ? cx->e->orig_a == cx->src_a : 1;
	pkt->ct = fw_ct_classify(cx->e, cx->orig, pkt);
}

static __always_inline void fw_ct_commit(struct fw_pkt *pkt,
					 struct fw_ct_ctx *cx, bool create,
					 __u64 bytes)
{
	struct fw_ct_entry *e = cx->e;

	if (!cx->tbl)
		return;
	if (e) {
		__u8 next = fw_ct_next(e->state, cx->orig, pkt);

		if (next != e->state) {
			if (next == FW_CTE_SYN_SENT) {	/* a new flow on the tuple */
				e->created_ns = cx->now;
				e->packets = 0;
				e->bytes = 0;
			}
			e->state = next;
		}
		e->last_ns = cx->now;
		__sync_fetch_and_add(&e->packets, 1);
		__sync_fetch_and_add(&e->bytes, bytes);
		return;
	}
	if (create && fw_ct_may_create(pkt)) {
		struct fw_ct_entry n = {
			.created_ns = cx->now,
			.last_ns = cx->now,
			.packets = 1,
			.bytes = bytes,
			.state = pkt->has_tcp ? FW_CTE_SYN_SENT : FW_CTE_UNREPLIED,
			.orig_a = cx->src_a,
		};

		bpf_map_update_elem(cx->tbl, &cx->key, &n, BPF_ANY);
	}
}

#endif /* FW_DP_CT_H */
