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
#include <linux/bpf.h>	/* struct bpf_spin_lock */

#define FW_LAYOUT_VERSION	4
#define FW_PIN_DIR		"/sys/fs/bpf/fwctl"

#define FW_MAX_RULES		16384	/* per direction */
#define FW_CHUNK_RULES		4096	/* rules per bitmap chunk */
#define FW_NCHUNKS		(FW_MAX_RULES / FW_CHUNK_RULES)
#define FW_WORDS		(FW_CHUNK_RULES / 64)	/* words per chunk */
#define FW_MAX_CLASSES		40960	/* per generation, both directions */
#define FW_MAX_CHUNKS		16384	/* distinct chunks 1.. per generation */
#define FW_SLOTS		6	/* active fields the classifier's fast path ANDs */
#define FW_VC_BITS		11
#define FW_VC_ENTRIES		(1 << FW_VC_BITS)	/* verdict cache entries per CPU (issue 8) */
#define FW_VC_MIN_RULES		1	/* tables this big use the verdict cache */
#define FW_VC_MISS_RUN		64	/* after this many misses in a row (per CPU), */
#define FW_VC_SKIP		1024	/* this many packets skip the verdict cache */
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
/* forwarding (issue 6): redirect targets, egress rewrites, static NAT */
#define FW_MAP_DEVMAP	fw_devmap	/* DEVMAP[NGEN*MAX_REDIR]: ifindex */
#define FW_MAP_REDIR	fw_redir	/* ARRAY[NGEN*MAX_REDIR]: fw_redir */
#define FW_MAP_REWRITE	fw_rewrite	/* ARRAY[NGEN*MAX_REWRITE]: fw_rewrite */
#define FW_MAP_NAT	fw_nat		/* HASH: fw_nat_key -> fw_nat_val */
/* observability (issue 5: counters per interface, the event log) */
#define FW_MAP_IFCNT	fw_ifcnt	/* PERCPU_ARRAY[IFCNT_MAX*NDIR]: fw_ifstat */
#define FW_MAP_IFSTAT	fw_ifstat	/* LRU_PERCPU_HASH: fw_ifstat_key -> fw_ifstat */
#define FW_MAP_LOGCFG	fw_logcfg	/* ARRAY[NTBL*LOG_MAX]: struct fw_logcfg */
#define FW_MAP_LOGWIN	fw_logwin	/* ARRAY[NTBL*LOG_MAX]: struct fw_logwin */
#define FW_MAP_LOGCNT	fw_logcnt	/* PERCPU_ARRAY[NTBL*LOG_MAX]: fw_logcnt */
#define FW_MAP_EVENTS	fw_events	/* RINGBUF: struct fw_event records */
/* conntrack (issue 5): */
#define FW_MAP_CT	fw_ct		/* ARRAY_OF_MAPS[1] -> LRU fw_ct_key */
#define FW_MAP_CTCFG	fw_ctcfg	/* ARRAY[NGEN]: struct fw_ct_cfg */
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
#define FW_TF_SRC4	0x08	/* IPv4 src: fw_addr4 (else fw_lpm4); issue 8 */
#define FW_TF_DST4	0x10	/* IPv4 dst: fw_addr4 (else fw_lpm4) */
#define FW_TF_REWRITE	0x20	/* egress: some rule rewrites (dp/fwd.h) */
#define FW_TF_NAT	0x80	/* ingress: fw_nat has dst entries (SNAT reverse) */
#define FW_TF_NAT_SRC	0x40	/* ingress: fw_nat has src entries (DNAT reverse) */

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
	__u8 vcache;		/* 1: first match through the verdict cache (issue 8) */
	__u32 active;		/* bit f: some rule constrains enum fw_class_field f */
	__u32 epoch;		/* verdict-cache key: new on every apply, rollback, set change */
	/*
	 * The active fields in field order, as the classifier ANDs them
	 * (dp/classify.h): slot i holds the i-th, slots past nslots FW_C_PROTO
	 * (then the all-rules class, or a field already ANDed). nslots is the
	 * number of active fields, at least 1; more than FW_SLOTS go through
	 * the general path. Precomputed by fwctl: the program would otherwise
	 * find them bit by bit for every packet it classifies.
	 */
	__u8 slot[FW_SLOTS];
	__u8 nslots;
	__u8 pad;
};
_Static_assert(sizeof(struct fw_tblcfg) == 32, "ABI");

/*
 * The verdict cache's key (fw_vcache, a direct-mapped per-CPU array in each
 * program object, not pinned; dp/classify.h): everything fw_match_fast() reads of a packet,
 * with the fields no rule of the table constrains (cfg->active) zeroed, so
 * that packets differing only there share an entry. epoch is new on every
 * apply, rollback and set change (ctl/apply.c): an entry is never read
 * against tables or sets other than those it was computed from.
 */
struct fw_vkey {
	__u32 epoch;
	__u32 ifindex;		/* FW_C_IFACE */
	__u8 saddr[16];		/* FW_C_SRC or FW_C_SRCSET */
	__u8 daddr[16];		/* FW_C_DST or FW_C_DSTSET */
	__u16 sport, dport;	/* FW_C_SPORT, FW_C_DPORT (0 without ports) */
	__u16 vlan;		/* FW_C_VLAN: id | 0x8000 when tagged */
	__u8 tbl;		/* generation slot and direction */
	__u8 family;
	__u8 proto;		/* FW_C_PROTO */
	__u8 has;		/* 1 ports, 2 tcp, 4 icmp: of the active fields */
	__u8 tcp_flags;		/* FW_C_TCPFLAGS */
	__u8 icmp_type;		/* FW_C_ICMPTYPE */
	__u8 icmp_code;		/* FW_C_ICMPCODE */
	__u8 ct;		/* FW_C_CT */
	__u8 pad[2];
};
_Static_assert(sizeof(struct fw_vkey) == 56, "ABI");

/* fw_vcache: PERCPU_ARRAY[FW_VC_ENTRIES], index = hash of the key. */
struct fw_vcent {
	struct fw_vkey k;
	__u32 val;		/* first matching rule + 2; 1: none; 0: empty */
	__u32 pad;
};
_Static_assert(sizeof(struct fw_vcent) == 64, "ABI");

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
	__u16 ct[4];		/* enum fw_ct_state -> class (conntrack) */
};
_Static_assert(sizeof(struct fw_dtab) ==
	       2 * (256 * 6 + 65536 * 2 + 4096) + 24 + 8, "ABI");

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
	__u32 log;		/* FW_RF_LOG: log slot in the table (FW_LOG_SLOT) */
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

/*
 * Conntrack (issue 5). The state a packet has for the classifier ("ct"
 * matcher), an index of fw_dtab.ct[]:
 *  NEW: no live entry, and the packet may open a flow (TCP: SYN without
 *       ACK/RST; other protocols: any packet);
 *  ESTABLISHED: it belongs to a live entry, consistently with the entry's
 *       TCP state (also while the flow is closing);
 *  INVALID: TCP that may not open a flow and matches no live entry (a
 *       stray ACK, SYN-ACK, FIN or RST), or contradicts its entry;
 *  UNTRACKED: no tuple to track (later fragments, ICMP other than echo),
 *       or conntrack is off.
 */
enum fw_ct_state {
	FW_CT_NEW = 0,
	FW_CT_ESTABLISHED = 1,
	FW_CT_INVALID = 2,
	FW_CT_UNTRACKED = 3,
	__FW_CT_MAX,
};

/* A flow entry's own state (fw_ct_entry.state). */
enum fw_ct_entry_state {
	FW_CTE_SYN_SENT = 0,	/* TCP: SYN from the originator seen */
	FW_CTE_SYN_RECV,	/* TCP: SYN-ACK from the responder seen */
	FW_CTE_ESTABLISHED,	/* TCP: the originator ACKed the SYN-ACK */
	FW_CTE_CLOSING,		/* TCP: FIN or RST seen */
	FW_CTE_UNREPLIED,	/* UDP, ICMP echo, other: one way so far */
	FW_CTE_REPLIED,		/* ... both ways */
	__FW_CTE_MAX,
};

/* Idle timeouts, indexes of fw_ct_cfg.timeout_ns. */
enum fw_ct_timeout {
	FW_CT_TO_TCP_SYN = 0,	/* SYN_SENT, SYN_RECV */
	FW_CT_TO_TCP_EST,
	FW_CT_TO_TCP_CLOSING,
	FW_CT_TO_UDP,
	FW_CT_TO_ICMP,		/* ICMP / ICMPv6 echo */
	FW_CT_TO_OTHER,		/* any other protocol (SCTP, UDP-Lite, GRE...) */
	__FW_CT_TO_MAX,
};

#define FW_CT_MIN_SIZE		64
#define FW_CT_MAX_SIZE		(1 << 22)
#define FW_CT_DEFAULT_SIZE	65536

/* fw_ct_cfg.flags */
#define FW_CTF_ON		0x01	/* evaluate ct state; record flows */
#define FW_CTF_PASS_EST		0x02	/* admit ESTABLISHED before the rules */

/* One per generation: written with the tables, flipped with them. */
struct fw_ct_cfg {
	__u32 flags;		/* FW_CTF_* */
	__u32 size;		/* the table's max_entries (for fwctl) */
	__u64 timeout_ns[__FW_CT_TO_MAX];
};
_Static_assert(sizeof(struct fw_ct_cfg) == 8 + 8 * __FW_CT_TO_MAX, "ABI");

/*
 * A flow: the 5-tuple normalized so that side a is the smaller (address,
 * port) pair; ICMP echo uses its id as both ports. Network byte order.
 */
struct fw_ct_key {
	__u8 a[16];		/* IPv4 in [0..3], the rest zero */
	__u8 b[16];
	__be16 pa, pb;		/* ports; ICMP echo id; 0 without ports */
	__u8 family;		/* 4 or 6 */
	__u8 proto;
	__u8 pad[2];
};
_Static_assert(sizeof(struct fw_ct_key) == 40, "ABI");

struct fw_ct_entry {
	__u64 created_ns;	/* bpf_ktime_get_ns (CLOCK_MONOTONIC) */
	__u64 last_ns;		/* last packet passed; idle = now - last_ns */
	__u64 packets;		/* both directions */
	__u64 bytes;
	__u8 state;		/* enum fw_ct_entry_state */
	__u8 orig_a;		/* 1: side a originated the flow */
	__u8 pad[6];
};
_Static_assert(sizeof(struct fw_ct_entry) == 40, "ABI");

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

/*
 * Forwarding (issue 6). Redirect: a rule's fw_rule.redirect is a slot of
 * its generation; fw_devmap[gen * FW_MAX_REDIR + slot] holds the target
 * (the kernel clears an entry whose netdev is deleted) and fw_redir at the
 * same index what fwctl put there and the policy's fallback verdict.
 * Rewrite: egress fw_rule.rewrite = slot + 1, record at
 * fw_rewrite[gen * FW_MAX_REWRITE + slot]. Static NAT: each address (and
 * port) rewrite of a one-host rule has its reverse in fw_nat, applied by
 * XDP to ingress packets before the rules (tables with FW_TF_NAT or
 * FW_TF_NAT_SRC): per field, one lookup by address, and a second by
 * protocol and port only when that address has port mappings.
 */
#define FW_MAX_REDIR		64	/* redirect targets per generation */
#define FW_MAX_REWRITE		1024	/* rewrite records per generation */
#define FW_MAX_NAT		(2 * FW_NGEN * FW_MAX_REWRITE)

struct fw_redir {
	__u32 ifindex;		/* the target fwctl resolved; 0: unused slot */
	__u8 fallback;		/* enum fw_action: target gone (pass or drop) */
	__u8 pad[3];
};
_Static_assert(sizeof(struct fw_redir) == 8, "ABI");

/* fw_rewrite.flags: which fields a record rewrites */
#define FW_RW_SRC	0x0001	/* source address (family: fw_rewrite.family) */
#define FW_RW_DST	0x0002
#define FW_RW_SPORT	0x0004	/* TCP/UDP source port */
#define FW_RW_DPORT	0x0008
#define FW_RW_DSCP	0x0010
#define FW_RW_ECN	0x0020
#define FW_RW_TTL	0x0040	/* TTL / hop limit */
#define FW_RW_SMAC	0x0080
#define FW_RW_DMAC	0x0100
#define FW_RW_VLAN_PUSH	0x0200	/* push an 802.1Q tag (vlan) */
#define FW_RW_VLAN_POP	0x0400	/* pop the outermost tag */

struct fw_rewrite {
	__u32 flags;		/* FW_RW_* */
	__u8 saddr[16];		/* network order; IPv4 in [0..3] */
	__u8 daddr[16];
	__be16 sport, dport;	/* network order */
	__u8 family;		/* 4 or 6 when SRC/DST: other families untouched */
	__u8 dscp;		/* 0..63 */
	__u8 ecn;		/* 0..3 */
	__u8 ttl;		/* 1..255 */
	__u8 smac[6];
	__u8 dmac[6];
	__u16 vlan;		/* VLAN id to push, host order */
	__u8 pad[6];
};
_Static_assert(sizeof(struct fw_rewrite) == 64, "ABI");

/* fw_nat: ingress reverse of a static NAT rewrite. */
struct fw_nat_key {
	__u8 gen;		/* generation */
	__u8 field;		/* enum fw_field the packet is matched on */
	__u8 family;		/* 4 or 6 */
	__u8 proto;		/* with port: IPPROTO_TCP/UDP; else 0 */
	__be16 port;		/* 0: any port (address only) */
	__u16 pad;
	__u8 addr[16];		/* the rewritten (public) address */
};
_Static_assert(sizeof(struct fw_nat_key) == 24, "ABI");

struct fw_nat_val {
	__u8 addr[16];		/* the original address it maps back to */
	__be16 port;		/* 0: keep the port */
	__u16 flags;		/* FW_NAT_*: of an address-only (port 0) entry */
};

/* fw_nat_val.flags: one lookup by address decides whether a second (by
 * protocol and port) is needed. */
#define FW_NAT_ADDR	0x1	/* addr is a mapping (else only a marker) */
#define FW_NAT_PORTS	0x2	/* port-keyed entries exist for this address */
_Static_assert(sizeof(struct fw_nat_val) == 20, "ABI");
/* --- observability (issue 5): per-interface counters, the event log ------- */

#define FW_IFCNT_MAX	1024	/* ifindex below: fw_ifcnt[ifindex * NDIR + dir] */
#define FW_IFSTAT_MAX	1024	/* (interface, direction) pairs of higher ifindex (LRU) */
#define FW_IFSTAT_NACT	4	/* counters per final action; room to append */
#define FW_LOG_MAX	256	/* rules with "log" per table (log slots) */
#define FW_LOG_NSLOT	(FW_NTBL * FW_LOG_MAX)
#define FW_LOG_SLOT(tbl, i)	((tbl) * FW_LOG_MAX + (i))
#define FW_LOG_SNAP	128	/* packet bytes an event carries, at most */
#define FW_EVENTS_SIZE	(1u << 20)	/* ring buffer bytes (about 5000 events) */

_Static_assert(__FW_ACT_MAX <= FW_IFSTAT_NACT, "a counter for every action");

/*
 * What the firewall did per interface and direction: fw_ifcnt, a per-CPU
 * array indexed by ifindex * FW_NDIR + dir, for ifindex < FW_IFCNT_MAX (an
 * inlined array lookup: a hash lookup per packet cost 30 ns), and the LRU
 * hash fw_ifstat, keyed by (ifindex, dir), for the others.
 */
struct fw_ifstat_key {
	__u32 ifindex;		/* received on (ingress) / sent through (egress) */
	__u32 dir;		/* enum fw_dir */
};
_Static_assert(sizeof(struct fw_ifstat_key) == 8, "ABI");

struct fw_ifstat {
	struct fw_counter act[FW_IFSTAT_NACT];	/* by final enum fw_action */
};
_Static_assert(sizeof(struct fw_ifstat) == 16 * FW_IFSTAT_NACT, "ABI");

/* fw_logcfg: a logging rule's limits (written by fwctl with the rules). */
struct fw_logcfg {
	__u32 sample;		/* 1 in N packets (per CPU); 0 and 1: all */
	__u32 rate;		/* events per second, all CPUs; 0: no cap */
};
_Static_assert(sizeof(struct fw_logcfg) == 8, "ABI");

/* fw_logwin: the per-second window of a logging rule's cap (BPF only). */
struct fw_logwin {
	struct bpf_spin_lock lock;
	__u32 sec;		/* bpf_ktime_get_ns() / 1e9 of the window */
	__u32 count;		/* events let through in it */
	__u32 pad;
};
_Static_assert(sizeof(struct fw_logwin) == 16, "ABI");

/* fw_logcnt: per-CPU counters of a logging rule (BPF writes, fwctl sums). */
struct fw_logcnt {
	__u64 seen;		/* packets of the rule (the sampling counter) */
	__u64 sampled;		/* picked by sampling: emitted+suppressed+lost */
	__u64 emitted;		/* events written to the ring buffer */
	__u64 suppressed;	/* over the per-second cap: not sent */
	__u64 lost;		/* ring buffer full: not sent */
};
_Static_assert(sizeof(struct fw_logcnt) == 40, "ABI");

/* fw_event.flags */
#define FW_EV_PORTS	0x01	/* sport/dport are ports */
#define FW_EV_ICMP	0x02	/* sport/dport are ICMP type/code */
#define FW_EV_TCP	0x04	/* tcp_flags valid */

/* One event of the log ring buffer: a logged rule's packet, final verdict. */
struct fw_event {
	__u64 ts_ns;		/* bpf_ktime_get_ns(): CLOCK_MONOTONIC */
	__u32 ifindex;
	__u32 orig_len;		/* the packet's length */
	__u16 rule;		/* index in its table (fwctl maps it to the id) */
	__u16 cap_len;		/* bytes in data[] (<= FW_LOG_SNAP) */
	__u8 dir;		/* enum fw_dir */
	__u8 gen;		/* policy generation of the rule */
	__u8 action;		/* final enum fw_action */
	__u8 reason;		/* final enum fw_reason */
	__u8 family;		/* 4 or 6 */
	__u8 proto;
	__u8 flags;		/* FW_EV_* */
	__u8 tcp_flags;
	__u16 sport, dport;	/* host order; ICMP: type, code */
	__u8 saddr[16];		/* network order; IPv4 in [0..3] */
	__u8 daddr[16];
	__u8 data[FW_LOG_SNAP];	/* the packet's first cap_len bytes */
};
_Static_assert(sizeof(struct fw_event) == 64 + FW_LOG_SNAP, "ABI");

/*
 * Rate limits (issue 5, "limit" on a rule): a token bucket per rule, or per
 * source address (prefix), run as GCRA (the "theoretical arrival time" form
 * of a token bucket) on one 64-bit word updated by compare-and-swap. Time
 * is counted in ticks of 1/16 ns (bpf_ktime_get_ns() * 16). A rule with
 * FW_RF_LIMIT has fw_rule.limit = its slot within the generation; the
 * programs use FW_LIMIT_IDX(gen, slot) in fw_limcfg and fw_limst.
 */
#define FW_MAX_LIMITS		(FW_MAX_RULES * FW_NDIR)	/* per generation */
#define FW_LIMIT_IDX(gen, slot)	((gen) * FW_MAX_LIMITS + (slot))
#define FW_LIMSRC_MAX		65536	/* per-source buckets, all rules (LRU) */
#define FW_LIMIT_TICK_SHIFT	4	/* 16 ticks per ns */
#define FW_LIMIT_TRIES		4	/* compare-and-swap attempts per packet */

#define FW_MAP_LIMCFG	fw_limcfg	/* ARRAY[NGEN*MAX_LIMITS]: fw_limit */
#define FW_MAP_LIMST	fw_limst	/* ARRAY[NGEN*MAX_LIMITS]: fw_lstate */
#define FW_MAP_LIMSRC	fw_limsrc	/* LRU_HASH: fw_limsrc_key -> fw_lstate */
#define FW_MAP_RLIM	fw_rlim		/* PERCPU_ARRAY[NTBL*NCNT]: counter */

/* fw_limit.flags */
#define FW_LF_BYTES	0x01	/* cost = frame bytes (else 1 per packet) */
#define FW_LF_PER_SRC	0x02	/* one bucket per source prefix (fw_limsrc) */

/* One limit's configuration, written by fwctl only. */
struct fw_limit {
	__u64 mult;		/* cost in ticks = (units * mult) >> shift */
	__u64 depth;		/* the burst, in ticks */
	__u32 epoch;		/* per apply: older per-source buckets are not used */
	__u8 shift;
	__u8 flags;		/* FW_LF_* */
	__u8 over;		/* enum fw_action for packets over the limit */
	__u8 plen4;		/* FW_LF_PER_SRC: IPv4 source prefix length */
	__u8 plen6;		/* and IPv6 */
	__u8 pad[7];
};
_Static_assert(sizeof(struct fw_limit) == 32, "ABI");

/* A bucket: tat = when (ticks) the bucket will be full again; 0: full. */
struct fw_lstate {
	__u64 tat;
};
_Static_assert(sizeof(struct fw_lstate) == 8, "ABI");

struct fw_limsrc_key {
	__u32 slot;		/* FW_LIMIT_IDX(gen, slot) */
	__u32 epoch;		/* fw_limit.epoch */
	__u32 family;		/* 4 or 6 */
	__u8 addr[16];		/* masked source; IPv4 in addr[0..3], rest 0 */
};
_Static_assert(sizeof(struct fw_limsrc_key) == 28, "ABI");

#endif /* FW_SHARED_H */
