/* SPDX-License-Identifier: GPL-2.0 */
/*
 * fw_shared.h - the only ABI between the BPF programs (xdp/, tc/) and fwctl.
 *
 * Every map key and value, every action and reason code, every limit and the
 * pin layout is defined here once. Append-only: never renumber an enum,
 * never reorder a struct; bump FW_LAYOUT_VERSION when a layout changes.
 *
 * Classification (see DESIGN.md, "bit-vector classifier"): each packet field
 * maps to a class; each class holds the bitmap of rules compatible with that
 * field value plus a one-word summary (bit i set iff word i is non-zero).
 * The verdict is the lowest set bit of the AND of the field bitmaps.
 */
#ifndef FW_SHARED_H
#define FW_SHARED_H

#include <linux/types.h>

#define FW_LAYOUT_VERSION	1
#define FW_PIN_DIR		"/sys/fs/bpf/fwctl"

#define FW_MAX_RULES		4096	/* per direction */
#define FW_WORDS		(FW_MAX_RULES / 64)
#define FW_MAX_CLASSES		32768	/* per generation, both directions */
#define FW_MAX_PREFIXES		262144	/* LPM entries per family, all tables */
#define FW_NGEN			2	/* active + standby */
#define FW_NDIR			2
#define FW_NTBL			(FW_NGEN * FW_NDIR)
#define FW_TBL(gen, dir)	((gen) * FW_NDIR + (dir))
#define FW_LPM_TAG(tbl, field)	(((tbl) << 1) | (field))
#define FW_NCNT			(FW_MAX_RULES + 1)	/* + the default action */
#define FW_VLAN_MAX		2	/* tags parsed (802.1Q / 802.1ad) */
#define FW_IPV6_EXT_MAX		8	/* IPv6 extension headers walked */

_Static_assert(FW_WORDS <= 64, "summary word covers every bitmap word");
_Static_assert(FW_MAX_CLASSES <= 65536, "class ids are 16-bit in fw_l4tab");

enum fw_dir {
	FW_DIR_INGRESS = 0,	/* XDP */
	FW_DIR_EGRESS = 1,	/* tc clsact egress */
};

enum fw_field {
	FW_FIELD_SRC = 0,
	FW_FIELD_DST = 1,
};

/* Rule and default verdicts. Append-only. */
enum fw_action {
	FW_ACT_PASS = 0,
	FW_ACT_DROP = 1,
	__FW_ACT_MAX,
};

/* Why a packet got its verdict: index of fw_stats. Append-only. */
enum fw_reason {
	FW_R_RULE_PASS = 0,	/* a rule matched and passed it */
	FW_R_RULE_DROP,		/* a rule matched and dropped it */
	FW_R_DEFAULT_PASS,	/* no rule matched, default pass */
	FW_R_DEFAULT_DROP,	/* no rule matched, default drop */
	FW_R_NON_IP_PASS,	/* not IPv4/IPv6 (ARP, LLDP...), policy passes */
	FW_R_NON_IP_DROP,	/* not IPv4/IPv6, policy drops */
	FW_R_MALFORMED,		/* truncated or invalid header: dropped */
	FW_R_NO_POLICY,		/* attached before any policy: passed */
	__FW_R_MAX,
};

/* Maps: names within 15 characters, pinned by name under the pin dir. */
#define FW_MAP_GEN	fw_gen		/* ARRAY[1]: __u32 active generation */
#define FW_MAP_TBLCFG	fw_tblcfg	/* ARRAY[FW_NTBL]: struct fw_tblcfg */
#define FW_MAP_LPM4	fw_lpm4		/* LPM: fw_lpm4_key -> __u32 class */
#define FW_MAP_LPM6	fw_lpm6		/* LPM: fw_lpm6_key -> __u32 class */
#define FW_MAP_L4	fw_l4		/* ARRAY[FW_NTBL]: struct fw_l4tab */
#define FW_MAP_CLS	fw_cls		/* ARRAY[NGEN*MAX_CLASSES]: fw_bits */
#define FW_MAP_RULES	fw_rules	/* ARRAY[NTBL*MAX_RULES]: fw_rule */
#define FW_MAP_RCNT	fw_rcnt		/* PERCPU_ARRAY[NTBL*NCNT]: counter */
#define FW_MAP_STATS	fw_stats	/* PERCPU_ARRAY[NDIR*R_MAX]: counter */

/* Maps fwctl itself creates and pins (not used by programs). */
#define FW_PIN_META	"fw_meta"	/* ARRAY[NGEN]: policy text + meta */
#define FW_PIN_LOCK	".lock"

#define FW_STR(x)	#x
#define FW_XSTR(x)	FW_STR(x)

struct fw_tblcfg {
	__u32 valid;		/* 1 once fwctl wrote this table */
	__u32 n_rules;
	__u8 default_action;	/* enum fw_action */
	__u8 non_ip_action;	/* enum fw_action */
	__u8 pad[6];
};
_Static_assert(sizeof(struct fw_tblcfg) == 16, "ABI");

struct fw_lpm4_key {
	__u32 prefixlen;	/* 32 (tag) + prefix length */
	__u32 tag;		/* FW_LPM_TAG(tbl, field) */
	__u8 addr[4];		/* network order */
};
_Static_assert(sizeof(struct fw_lpm4_key) == 12, "ABI");

struct fw_lpm6_key {
	__u32 prefixlen;	/* 32 (tag) + prefix length */
	__u32 tag;
	__u8 addr[16];
};
_Static_assert(sizeof(struct fw_lpm6_key) == 24, "ABI");

/* Protocol and port classes of one table: direct-indexed, no search. */
struct fw_l4tab {
	__u16 proto[256];
	__u16 sport[65536];	/* host-order port -> class */
	__u16 dport[65536];
	__u16 noport_src;	/* class for packets without ports */
	__u16 noport_dst;
	__u16 pad[2];
};
_Static_assert(sizeof(struct fw_l4tab) == 512 + 262144 + 8, "ABI");

struct fw_bits {
	__u64 summary;		/* bit i: w[i] != 0 */
	__u64 w[FW_WORDS];	/* bit r%64 of w[r/64]: rule r compatible */
};
_Static_assert(sizeof(struct fw_bits) == 8 + 8 * FW_WORDS, "ABI");

struct fw_rule {
	__u8 action;		/* enum fw_action */
	__u8 flags;		/* reserved */
	__u16 pad;
	__u32 reserved[3];
};
_Static_assert(sizeof(struct fw_rule) == 16, "ABI");

struct fw_counter {
	__u64 packets;
	__u64 bytes;
};
_Static_assert(sizeof(struct fw_counter) == 16, "ABI");

/* Header of each fw_meta entry; the canonical policy JSON follows it. */
#define FW_META_MAGIC	0x66776374	/* "fwct" */
#define FW_META_SIZE	(2u << 20)	/* value size: header + policy text */
struct fw_meta {
	__u32 magic;
	__u32 layout;		/* FW_LAYOUT_VERSION that wrote it */
	__u32 valid;
	__u32 text_len;		/* bytes of policy JSON after this header */
	__u64 loaded_ns;	/* CLOCK_REALTIME at apply */
	__u8 sha256[32];	/* of the policy file as read */
	char path[256];		/* absolute path of the policy file */
};
_Static_assert(sizeof(struct fw_meta) == 24 + 32 + 256, "ABI");

#endif /* FW_SHARED_H */
