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
