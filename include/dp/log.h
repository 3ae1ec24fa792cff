/* SPDX-License-Identifier: GPL-2.0 */
/*
 * dp/log.h - observability in the data path: per-interface counters and the
 * event log of rules marked "log". API:
 *
 *   void fw_ifcount(__u32 ifindex, __u32 dir, __u8 action, __u64 bytes);
 *	counts a packet under (interface, direction) and its final action
 *	(fw_ifcnt, or fw_ifstat for large ifindexes; per-CPU); called by the
 *	program mains with fw_decide()'s
 *	answer, so every packet is counted once, whatever decided it.
 *
 *   void fw_log_event(void *ctx, const struct fw_pkt *pkt, __u32 dir,
 *		       __u32 gen, __u32 tbl, __u32 r, const struct fw_rule *rule,
 *		       __u8 action, __u32 reason, __u64 bytes);
 *	for a rule with FW_RF_LOG (rule r of table tbl, log slot
 *	FW_LOG_SLOT(tbl, rule->log)), after its verdict is final: 1-in-N
 *	sampling (per CPU, fw_logcnt.seen), then the per-second cap (one
 *	window per rule shared by all CPUs, under a spin lock: exact; a full
 *	window is seen without the lock), then
 *	one struct fw_event into the fw_events ring buffer with the first
 *	FW_LOG_SNAP bytes of the packet (XDP: bpf_xdp_load_bytes, which also
 *	reads fragments; tc: bpf_skb_load_bytes, which reads non-linear data).
 *	Every outcome is counted in fw_logcnt: sampled = emitted + suppressed
 *	(over the cap) + lost (ring buffer full).
 *
 * ctx is the program's context: struct xdp_md * for FW_DIR_INGRESS, struct
 * __sk_buff * for FW_DIR_EGRESS (dir is a constant in each program, so only
 * the right helper is compiled in).
 */
#ifndef FW_DP_LOG_H
#define FW_DP_LOG_H

#include "dp/maps.h"
#include "dp/parse.h"

#ifndef READ_ONCE
#define READ_ONCE(x)	(*(const volatile typeof(x) *)&(x))
#endif

static __always_inline void fw_ifcount(__u32 ifindex, __u32 dir, __u8 action,
				       __u64 bytes)
{
	struct fw_ifstat_key k = { .ifindex = ifindex, .dir = dir };
	struct fw_ifstat *s, init = {};
	__u32 a = action & (FW_IFSTAT_NACT - 1);

	if (ifindex < FW_IFCNT_MAX) {	/* the common case: an array slot */
		__u32 idx = ifindex * FW_NDIR + (dir & 1);

		s = bpf_map_lookup_elem(&FW_MAP_IFCNT, &idx);
		if (s) {
			s->act[a].packets++;
			s->act[a].bytes += bytes;
		}
		return;
	}
	s = bpf_map_lookup_elem(&FW_MAP_IFSTAT, &k);
	if (s) {		/* per-CPU: no atomics needed */
		s->act[a].packets++;
		s->act[a].bytes += bytes;
		return;
	}
	/* first packet of this pair on any CPU: insert it counted */
	init.act[a].packets = 1;
	init.act[a].bytes = bytes;
	if (!bpf_map_update_elem(&FW_MAP_IFSTAT, &k, &init, BPF_NOEXIST))
		return;
	s = bpf_map_lookup_elem(&FW_MAP_IFSTAT, &k);	/* another CPU won */
	if (s) {
		s->act[a].packets++;
		s->act[a].bytes += bytes;
	}
}

/* 1 when the rule's per-second cap lets one more event through. */
static __always_inline int fw_log_admit(__u32 slot, __u32 rate)
{
	struct fw_logwin *w;
	__u32 sec = (__u32)(bpf_ktime_get_ns() / 1000000000ull);
	int ok = 0;

	if (!rate)
		return 1;
	w = bpf_map_lookup_elem(&FW_MAP_LOGWIN, &slot);
	if (!w)
		return 0;
	/* a flood's common case, without the lock: this second's window is
	 * full (sec only moves forward and count only grows within it) */
	if (READ_ONCE(w->sec) == sec && READ_ONCE(w->count) >= rate)
		return 0;
	bpf_spin_lock(&w->lock);
	if (w->sec != sec) {
		w->sec = sec;
		w->count = 0;
	}
	if (w->count < rate) {
		w->count++;
		ok = 1;
	}
	bpf_spin_unlock(&w->lock);
	return ok;
}

static __always_inline void fw_log_event(void *ctx, const struct fw_pkt *pkt,
					 __u32 dir, __u32 gen, __u32 tbl, __u32 r,
					 const struct fw_rule *rule, __u8 action,
					 __u32 reason, __u64 bytes)
{
	struct fw_logcfg *cfg;
	struct fw_logcnt *cnt;
	struct fw_event *e;
	__u32 slot, n;
	__u64 seen;

	if (!(rule->flags & FW_RF_LOG))
		return;
	if (rule->log >= FW_LOG_MAX || tbl >= FW_NTBL)
		return;
	slot = FW_LOG_SLOT(tbl, rule->log);
	cfg = bpf_map_lookup_elem(&FW_MAP_LOGCFG, &slot);
	cnt = bpf_map_lookup_elem(&FW_MAP_LOGCNT, &slot);
	if (!cfg || !cnt)
		return;
	seen = cnt->seen++;
	if (cfg->sample > 1 && seen % cfg->sample)
		return;
	cnt->sampled++;
	if (!fw_log_admit(slot, cfg->rate)) {
		cnt->suppressed++;
		return;
	}
	e = bpf_ringbuf_reserve(&FW_MAP_EVENTS, sizeof(*e), 0);
	if (!e) {
		cnt->lost++;
		return;
	}
	e->ts_ns = bpf_ktime_get_ns();
	e->ifindex = pkt->ifindex;
	e->orig_len = (__u32)bytes;
	e->rule = (__u16)r;
	e->dir = (__u8)dir;
	e->gen = (__u8)gen;
	e->action = action;
	e->reason = (__u8)reason;
	e->family = pkt->family;
	e->proto = pkt->proto;
	e->flags = (pkt->has_ports ? FW_EV_PORTS : 0) |
		   (pkt->has_icmp ? FW_EV_ICMP : 0) | (pkt->has_tcp ? FW_EV_TCP : 0);
	e->tcp_flags = pkt->tcp_flags;
	e->sport = pkt->has_icmp ? pkt->icmp_type : pkt->sport;
	e->dport = pkt->has_icmp ? pkt->icmp_code : pkt->dport;
	__builtin_memcpy(e->saddr, pkt->saddr, 16);
	__builtin_memcpy(e->daddr, pkt->daddr, 16);
	e->cap_len = 0;
	if (bytes) {
		long ret;

		n = bytes < FW_LOG_SNAP ? (__u32)bytes : FW_LOG_SNAP;
		/* 1..FW_LOG_SNAP in a form the verifier can bound */
		n = ((n - 1) & (FW_LOG_SNAP - 1)) + 1;

		if (dir == FW_DIR_INGRESS)
			ret = bpf_xdp_load_bytes(ctx, 0, e->data, n);
		else
			ret = bpf_skb_load_bytes(ctx, 0, e->data, n);
		if (!ret)
			e->cap_len = (__u16)n;
	}
	cnt->emitted++;
	bpf_ringbuf_submit(e, 0);
}

#endif /* FW_DP_LOG_H */
