/* SPDX-License-Identifier: GPL-2.0 */
/*
 * fw_hw.h - the ABI of the offload variant (xdp/fw_xdp_hw.bpf.c, "mode":
 * "hw"): its maps live on the NIC (created with map_ifindex), so they
 * cannot be the pinned host maps of fw_shared.h. Only what offload drivers
 * accept: ARRAY maps, no LPM trie, no map-in-map, no per-CPU map, no
 * helper but bpf_map_lookup_elem, no bpf_loop, a constant-bounded rule
 * loop. Append-only, like fw_shared.h.
 *
 * The classifier is a first-match list of at most FW_HW_MAX_RULES entries
 * per generation: each entry matches a masked source and destination
 * address (one prefix each, or any), a protocol (or any) and a source and
 * destination port range (or any). fwctl expands a policy rule with lists
 * (several prefixes, protocols or port ranges) into consecutive entries
 * with the same action, which keeps first-match semantics.
 */
#ifndef FW_HW_H
#define FW_HW_H

#include <linux/types.h>
#include "fw_shared.h"

#define FW_HW_MAX_RULES		32	/* entries per generation */

#define FW_HW_MAP_GEN		fw_hw_gen	/* ARRAY[1]: __u32 active generation */
#define FW_HW_MAP_CFG		fw_hw_cfg	/* ARRAY[FW_NGEN]: struct fw_hw_cfg */
#define FW_HW_MAP_RULES		fw_hw_rules	/* ARRAY[FW_NGEN * MAX]: fw_hw_rule */

/* fw_hw_rule.flags */
#define FW_HW_F_PROTO		0x01
#define FW_HW_F_SPORT		0x02
#define FW_HW_F_DPORT		0x04

struct fw_hw_cfg {
	__u32 valid;		/* 1 once fwctl wrote this generation */
	__u32 n_rules;
	__u8 default_action;	/* enum fw_action */
	__u8 non_ip_action;
	__u8 frag_mode;		/* enum fw_frag_mode */
	__u8 malformed_action;
	__u32 pad;
};
_Static_assert(sizeof(struct fw_hw_cfg) == 16, "ABI");

struct fw_hw_rule {
	__u8 src[16], src_mask[16];	/* network order; IPv4 in [0..3] */
	__u8 dst[16], dst_mask[16];
	__u16 sport_lo, sport_hi;	/* host order, inclusive */
	__u16 dport_lo, dport_hi;
	__u8 family;		/* 4 or 6 when an address is matched, else 0 */
	__u8 proto;		/* with FW_HW_F_PROTO */
	__u8 flags;		/* FW_HW_F_* */
	__u8 action;		/* enum fw_action */
	__u32 pad;
};
_Static_assert(sizeof(struct fw_hw_rule) == 80, "ABI");

#endif /* FW_HW_H */
