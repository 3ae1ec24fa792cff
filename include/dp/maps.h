/* SPDX-License-Identifier: GPL-2.0 */
/*
 * dp/maps.h - the BPF side's definitions of the maps named in fw_shared.h.
 * Included by every program (xdp/, tc/); pinned by name, so the XDP and tc
 * programs and fwctl all see the same kernel maps.
 */
#ifndef FW_DP_MAPS_H
#define FW_DP_MAPS_H

#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include "fw_shared.h"

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} FW_MAP_GEN SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, FW_NTBL);
	__type(key, __u32);
	__type(value, struct fw_tblcfg);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} FW_MAP_TBLCFG SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, FW_MAX_PREFIXES);
	__type(key, struct fw_lpm4_key);
	__type(value, __u32);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} FW_MAP_LPM4 SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, FW_MAX_PREFIXES);
	__type(key, struct fw_lpm6_key);
	__type(value, __u32);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} FW_MAP_LPM6 SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, FW_NTBL);
	__type(key, __u32);
	__type(value, struct fw_dtab);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} FW_MAP_DTAB SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, FW_NGEN * FW_MAX_CLASSES);
	__type(key, __u32);
	__type(value, struct fw_bits);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} FW_MAP_CLS SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, FW_NTBL * FW_MAX_RULES);
	__type(key, __u32);
	__type(value, struct fw_rule);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} FW_MAP_RULES SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, FW_NTBL * FW_NCNT);
	__type(key, __u32);
	__type(value, struct fw_counter);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} FW_MAP_RCNT SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, FW_NDIR * __FW_R_MAX);
	__type(key, __u32);
	__type(value, struct fw_counter);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} FW_MAP_STATS SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, FW_MAX_IFACE_KEYS);
	__type(key, struct fw_iface_key);
	__type(value, __u32);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} FW_MAP_IFACE SEC(".maps");

/* Set elements: generation -> LPM trie of (slot, prefix); fwctl builds a
 * fresh inner trie per apply and swaps it in, so nothing is cleared. */
struct fw_set4_inner {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, FW_SET_MAX_ELEMS);
	__uint(key_size, sizeof(struct fw_set4_key));	/* BTF has only a FWD */
	__uint(value_size, 1);
	__uint(map_flags, BPF_F_NO_PREALLOC);
};

struct fw_set6_inner {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, FW_SET_MAX_ELEMS);
	__uint(key_size, sizeof(struct fw_set6_key));	/* BTF has only a FWD */
	__uint(value_size, 1);
	__uint(map_flags, BPF_F_NO_PREALLOC);
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
	__uint(max_entries, FW_NGEN);
	__type(key, __u32);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
	__array(values, struct fw_set4_inner);	/* must come last */
} FW_MAP_SETS4 SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
	__uint(max_entries, FW_NGEN);
	__type(key, __u32);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
	__array(values, struct fw_set6_inner);	/* must come last */
} FW_MAP_SETS6 SEC(".maps");

/* --- forwarding (issue 6): see fw_shared.h ------------------------------- */

struct {
	__uint(type, BPF_MAP_TYPE_DEVMAP);
	__uint(max_entries, FW_NGEN * FW_MAX_REDIR);
	__type(key, __u32);
	__type(value, __u32);
	/* the kernel adds BPF_F_RDONLY_PROG: see loader.c's open_embedded() */
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} FW_MAP_DEVMAP SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, FW_NGEN * FW_MAX_REDIR);
	__type(key, __u32);
	__type(value, struct fw_redir);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} FW_MAP_REDIR SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, FW_NGEN * FW_MAX_REWRITE);
	__type(key, __u32);
	__type(value, struct fw_rewrite);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} FW_MAP_REWRITE SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, FW_MAX_NAT);
	__type(key, struct fw_nat_key);
	__type(value, struct fw_nat_val);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} FW_MAP_NAT SEC(".maps");
/* --- observability (issue 5): see dp/log.h ------------------------------- */

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, FW_IFCNT_MAX * FW_NDIR);
	__type(key, __u32);
	__type(value, struct fw_ifstat);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} FW_MAP_IFCNT SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_PERCPU_HASH);
	__uint(max_entries, FW_IFSTAT_MAX);
	__type(key, struct fw_ifstat_key);
	__type(value, struct fw_ifstat);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} FW_MAP_IFSTAT SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, FW_LOG_NSLOT);
	__type(key, __u32);
	__type(value, struct fw_logcfg);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} FW_MAP_LOGCFG SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, FW_LOG_NSLOT);
	__type(key, __u32);
	__type(value, struct fw_logwin);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} FW_MAP_LOGWIN SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, FW_LOG_NSLOT);
	__type(key, __u32);
	__type(value, struct fw_logcnt);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} FW_MAP_LOGCNT SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, FW_EVENTS_SIZE);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} FW_MAP_EVENTS SEC(".maps");

/* --- rate limits (issue 5, dp/limit.h) --- */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, FW_NGEN * FW_MAX_LIMITS);
	__type(key, __u32);
	__type(value, struct fw_limit);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} FW_MAP_LIMCFG SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, FW_NGEN * FW_MAX_LIMITS);
	__type(key, __u32);
	__type(value, struct fw_lstate);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} FW_MAP_LIMST SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, FW_LIMSRC_MAX);
	__type(key, struct fw_limsrc_key);
	__type(value, struct fw_lstate);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} FW_MAP_LIMSRC SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, FW_NTBL * FW_NCNT);
	__type(key, __u32);
	__type(value, struct fw_counter);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} FW_MAP_RLIM SEC(".maps");

/*
 * Conntrack (issue 5): slot 0 holds the flow table, an LRU hash fwctl
 * creates at the policy's size ("conntrack": {"size": N}); an inner map of
 * a hash type may have another max_entries than this template.
 */
struct fw_ct_inner {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, FW_CT_MIN_SIZE);
	__uint(key_size, sizeof(struct fw_ct_key));
	__uint(value_size, sizeof(struct fw_ct_entry));
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
	__uint(max_entries, 1);
	__type(key, __u32);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
	__array(values, struct fw_ct_inner);	/* must come last */
} FW_MAP_CT SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, FW_NGEN);
	__type(key, __u32);
	__type(value, struct fw_ct_cfg);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} FW_MAP_CTCFG SEC(".maps");

/* Class bitmap chunks, deduplicated (classifier speed, issue 8) */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, FW_NGEN * FW_MAX_CHUNKS);
	__type(key, __u32);
	__type(value, struct fw_chunk);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} FW_MAP_CHUNK SEC(".maps");

/* IPv4 address classes, direct-indexed (classifier speed, issue 8) */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, FW_A4_BLOCKS);
	__type(key, __u32);
	__type(value, struct fw_a4blk);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} FW_MAP_ADDR4 SEC(".maps");

#endif /* FW_DP_MAPS_H */
