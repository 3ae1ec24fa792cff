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

#define FW_LAYOUT_VERSION	3
#define FW_PIN_DIR		"/sys/fs/bpf/fwctl"

#define FW_MAX_RULES		16384	/* per direction */
#define FW_CHUNK_RULES		4096	/* rules per bitmap chunk */
#define FW_NCHUNKS		(FW_MAX_RULES / FW_CHUNK_RULES)
#define FW_WORDS		(FW_CHUNK_RULES / 64)	/* words per chunk */
#define FW_MAX_CLASSES		40960	/* per generation, both directions */
#define FW_MAX_CHUNKS		16384	/* distinct chunks 1.. per generation */
#define FW_MAX_PREFIXES		262144	/* LPM entries per family, all tables */
#define FW_NGEN			2	/* active + standby */
#define FW_NDIR			2
#define FW_NTBL			(FW_NGEN * FW_NDIR)
#define FW_TBL(gen, dir)	((gen) * FW_NDIR + (dir))
#define FW_LPM_TAG(tbl, field)	(((tbl) << 1) | (field))
#define FW_NCNT			(FW_MAX_RULES + 1)	/* + the default action */
#define FW_VLAN_MAX		2	/* tags parsed (802.1Q / 802.1ad) */
#define FW_NSETS		8	/* named sets per policy (set slots) */
#define FW_SET_MAX_ELEMS	(1 << 22)	/* per family, per generation */
#define FW_MAX_IFACE_KEYS	1024	/* interface matcher entries, all tables */
#define FW_IPV6_EXT_MAX		8	/* IPv6 extension headers walked */

_Static_assert(FW_WORDS <= 64, "summary word covers every word of a chunk");
_Static_assert(FW_MAX_RULES % FW_CHUNK_RULES == 0, "whole chunks");
_Static_assert(FW_MAX_CHUNKS <= 65536 && FW_MAX_CLASSES <= 65536, "16-bit ids");
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
	FW_ACT_REDIRECT = 2,	/* XDP: out of fw_rule.redirect's devmap slot */
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
	FW_R_FRAGMENT_PASS,	/* later fragment, policy "fragments": "pass" */
	FW_R_FRAGMENT_DROP,	/* later fragment, policy "fragments": "drop" */
	FW_R_MALFORMED_PASS,	/* malformed, policy "malformed": "pass" */
	FW_R_CT_ESTABLISHED,	/* known flow admitted before the rules */
	FW_R_LIMIT_DROP,	/* over a rule's rate limit, "over": "drop" */
	FW_R_LIMIT_PASS,	/* over a rule's rate limit, "over": "pass" */
	FW_R_REDIRECT,		/* a rule redirected it (devmap or fib) */
	FW_R_REDIRECT_FALLBACK,	/* redirect target gone: the fallback verdict */
	FW_R_FIB_PASS,		/* fib mode: lookup needs the stack (neighbour) */
	__FW_R_MAX,
};

/* Maps: names within 15 characters, pinned by name under the pin dir. */
#define FW_MAP_GEN	fw_gen		/* ARRAY[1]: __u32 active generation */
#define FW_MAP_TBLCFG	fw_tblcfg	/* ARRAY[FW_NTBL]: struct fw_tblcfg */
#define FW_MAP_LPM4	fw_lpm4		/* LPM: fw_lpm4_key -> __u32 class */
#define FW_MAP_LPM6	fw_lpm6		/* LPM: fw_lpm6_key -> __u32 class */
#define FW_MAP_DTAB	fw_dtab		/* ARRAY[FW_NTBL]: struct fw_dtab */
#define FW_MAP_CLS	fw_cls		/* ARRAY[NGEN*MAX_CLASSES]: fw_bits */
#define FW_MAP_CHUNK	fw_chunk	/* ARRAY[NGEN*MAX_CHUNKS]: fw_chunk */
#define FW_MAP_RULES	fw_rules	/* ARRAY[NTBL*MAX_RULES]: fw_rule */
#define FW_MAP_RCNT	fw_rcnt		/* PERCPU_ARRAY[NTBL*NCNT]: counter */
#define FW_MAP_STATS	fw_stats	/* PERCPU_ARRAY[NDIR*R_MAX]: counter */
#define FW_MAP_IFACE	fw_iface	/* HASH: fw_iface_key -> __u32 class */
#define FW_MAP_SETS4	fw_sets4	/* ARRAY_OF_MAPS[NGEN] -> LPM set4 key */
#define FW_MAP_SETS6	fw_sets6	/* ARRAY_OF_MAPS[NGEN] -> LPM set6 key */
#define FW_MAP_ADDR4	fw_addr4	/* ARRAY[FW_A4_BLOCKS]: fw_a4blk (issue 8) */

/* Maps fwctl itself creates and pins (not used by programs). */
#define FW_PIN_META	"fw_meta"	/* ARRAY[NGEN]: policy text + meta */
#define FW_PIN_LOCK	".lock"

#define FW_STR(x)	#x
#define FW_XSTR(x)	FW_STR(x)

/* fw_tblcfg.flags: which lookups the table needs */
#define FW_TF_SRC	0x01	/* src LPM (else dtab.src_any) */
#define FW_TF_DST	0x02	/* dst LPM (else dtab.dst_any) */
#define FW_TF_IFACE	0x04	/* fw_iface (else dtab.iface_other) */
#define FW_TF_SRC4	0x40	/* IPv4 src: fw_addr4 (else fw_lpm4); issue 8 */
#define FW_TF_DST4	0x80	/* IPv4 dst: fw_addr4 (else fw_lpm4) */

/* What happens to later (non-first) fragments: policy "fragments". */
enum fw_frag_mode {
	FW_FRAGS_MATCH = 0,	/* classified on their L3 fields only */
	FW_FRAGS_PASS,
	FW_FRAGS_DROP,
};

struct fw_tblcfg {
	__u32 valid;		/* 1 once fwctl wrote this table */
	__u32 n_rules;
	__u8 default_action;	/* enum fw_action */
	__u8 non_ip_action;	/* enum fw_action */
	__u8 frag_mode;		/* enum fw_frag_mode */
	__u8 malformed_action;	/* enum fw_action */
	__u8 flags;		/* FW_TF_* */
	__u8 src_sets;		/* set slots the src field looks up */
	__u8 dst_sets;		/* set slots the dst field looks up */
	__u8 pad;
	__u32 active;		/* bit f: some rule constrains enum fw_class_field f */
};
_Static_assert(sizeof(struct fw_tblcfg) == 20, "ABI");

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

/*
 * The direct-indexed classes of one table: a field value indexes its class
 * with no search. no*: the class of packets without that field.
 */
struct fw_dtab {
	__u16 proto[256];
	__u16 sport[65536];	/* host-order port -> class */
	__u16 dport[65536];
	__u16 tcpflags[256];	/* TCP flags byte */
	__u16 icmptype[256];
	__u16 icmpcode[256];
	__u16 vlan[4096];	/* outermost VLAN id */
	__u16 srcset[256];	/* src set-membership mask (bit = slot) */
	__u16 dstset[256];
	__u16 noport_src, noport_dst;
	__u16 notcp, noicmp_type, noicmp_code, novlan;
	__u16 iface_other;	/* interface without its own entry */
	__u16 src_any, dst_any;	/* when the table needs no LPM lookup */
	__u16 pad[3];
};
_Static_assert(sizeof(struct fw_dtab) ==
	       2 * (256 * 6 + 65536 * 2 + 4096) + 24, "ABI");

/*
 * IPv4 address classes without a trie (issue 8): per table and field a
 * multibit trie of strides 16, 8, 8 in 256-entry blocks. An entry is a class
 * id (< FW_A4_PTR), or FW_A4_PTR + n: child block n of the generation's pool. The root of
 * (tbl, field) is the 256 blocks from FW_A4_ROOT(tbl, field), indexed by the
 * first address byte then the second; children by the third, then the fourth.
 * At most three array reads, which the verifier inlines.
 */
#define FW_A4_PTR		FW_MAX_CLASSES	/* entries from here: children */
#define FW_A4_ROOT(tbl, field)	((((tbl) << 1) | (field)) * 256)
#define FW_A4_ROOTS		(FW_NTBL * 2 * 256)
#define FW_A4_POOL		6144	/* child blocks per generation */
#define FW_A4_CHILD(gen, n)	(FW_A4_ROOTS + (gen) * FW_A4_POOL + (n))
#define FW_A4_BLOCKS		(FW_A4_ROOTS + FW_NGEN * FW_A4_POOL)

struct fw_a4blk {
	__u16 e[256];
};
_Static_assert(sizeof(struct fw_a4blk) == 512, "ABI");
_Static_assert(FW_A4_PTR + FW_A4_POOL <= 65536, "class ids and children fit 16 bits");

struct fw_iface_key {
	__u32 tbl;
	__u32 ifindex;
};
_Static_assert(sizeof(struct fw_iface_key) == 8, "ABI");

/* Set elements: one LPM trie per family and generation, all slots. */
struct fw_set4_key {
	__u32 prefixlen;	/* 32 (slot) + prefix length */
	__u32 slot;
	__u8 addr[4];
};
_Static_assert(sizeof(struct fw_set4_key) == 12, "ABI");

struct fw_set6_key {
	__u32 prefixlen;
	__u32 slot;
	__u8 addr[16];
};
_Static_assert(sizeof(struct fw_set6_key) == 24, "ABI");

/*
 * A class: the bitmap of its rules in chunks of FW_CHUNK_RULES rules. Rule r
 * is bit r % 64 of word (r % FW_CHUNK_RULES) / 64 of chunk r / FW_CHUNK_RULES.
 * Chunk 0 (all of a table of up to FW_CHUNK_RULES rules) is in the class
 * entry itself; the others are in fw_chunk, identical chunks stored once,
 * fw_chunk id 0 all zero.
 */
struct fw_bits {
	__u64 summary[FW_NCHUNKS];	/* bit i of [c]: word i of chunk c != 0 */
	__u32 chunk[FW_NCHUNKS];	/* c > 0: fw_chunk key - gen * FW_MAX_CHUNKS */
	__u64 w[FW_WORDS];		/* chunk 0 */
};
_Static_assert(sizeof(struct fw_bits) == 12 * FW_NCHUNKS + 8 * FW_WORDS, "ABI");

struct fw_chunk {
	__u64 w[FW_WORDS];
};
_Static_assert(sizeof(struct fw_chunk) == 8 * FW_WORDS, "ABI");

/* fw_rule.flags */
#define FW_RF_LOG	0x01	/* send an event to the log ring buffer */
#define FW_RF_TRACK	0x02	/* record the flow it admits in conntrack */
#define FW_RF_LIMIT	0x04	/* rate-limited: fw_rule.limit is its slot */
#define FW_RF_FIB	0x08	/* forward by bpf_fib_lookup */

struct fw_rule {
	__u8 action;		/* enum fw_action */
	__u8 flags;		/* FW_RF_* */
	__u16 redirect;		/* FW_ACT_REDIRECT: devmap slot */
	__u32 limit;		/* FW_RF_LIMIT: rate-limit slot */
	__u32 rewrite;		/* egress: rewrite slot + 1 (0: none) */
	__u32 log;		/* FW_RF_LOG: log config slot */
};
_Static_assert(sizeof(struct fw_rule) == 16, "ABI");

struct fw_counter {
	__u64 packets;
	__u64 bytes;
};
_Static_assert(sizeof(struct fw_counter) == 16, "ABI");

/* fw_confirm: the commit-confirm record (ARRAY[1], written by fwctl only). */
#define FW_PIN_CONFIRM	"fw_confirm"
enum fw_confirm_state {
	FW_CONFIRM_NONE = 0,
	FW_CONFIRM_PENDING,	/* apply --confirm-within: waiting */
	FW_CONFIRM_CONFIRMED,	/* fwctl confirm came in time */
	FW_CONFIRM_ROLLED_BACK,	/* the timer or fwctl rollback went back */
};

struct fw_confirm {
	__u32 state;		/* enum fw_confirm_state */
	__u32 prev_gen;		/* where a rollback goes */
	__u32 new_gen;		/* the generation waiting for confirmation */
	__u32 timer_pid;	/* the detached fwctl confirm-timer */
	__u64 deadline_ns;	/* CLOCK_REALTIME */
	__u64 token;		/* ties the timer to this apply */
	__u64 changed_ns;	/* CLOCK_REALTIME of the last state change */
};
_Static_assert(sizeof(struct fw_confirm) == 40, "ABI");

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
