/* SPDX-License-Identifier: GPL-2.0 */
/*
 * policy.h - the policy IR: what a JSON policy file says, validated.
 *
 * Stage 1 of the pipeline (DESIGN.md): parse -> IR. No kernel call is made
 * here. Every later stage (compile, model, apply, show) reads only the IR.
 */
#ifndef FW_POLICY_H
#define FW_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <net/if.h>
#include "fw_shared.h"

#define FW_POLICY_VERSION	1
#define FW_ID_MAX		64	/* bytes of a rule id, NUL included */
#define FW_COMMENT_MAX		256
#define FW_POLICY_MAX_BYTES	(FW_META_SIZE - sizeof(struct fw_meta))

/* Attach modes; "auto" tries native then skb; "hw" offloads to the NIC. */
enum fw_mode {
	FW_MODE_AUTO = 0,
	FW_MODE_NATIVE,
	FW_MODE_SKB,
	FW_MODE_HW,
};

struct fw_prefix {
	uint8_t family;		/* 4 or 6 */
	uint8_t plen;		/* 0..32 or 0..128; host bits are zero */
	uint8_t addr[16];	/* network order; IPv4 uses addr[0..3] */
};

struct fw_prange {
	uint16_t lo, hi;	/* inclusive, lo <= hi */
};

struct fw_tcp_flags {
	uint8_t mask, value;	/* matches when (flags & mask) == value */
};

#define FW_MAX_SETS	8	/* named sets in one policy */
#define FW_SET_NAME_MAX	FW_ID_MAX

/*
 * One matcher of each field; a rule has a positive one (its keys) and a
 * negated one (its "not" object). A field is absent ("any") when its has_*
 * is false. A present field matches when:
 *  - src/dst: the address is inside one of the prefixes, or a member of one
 *    of the sets (bit i of *_sets: pol->sets[i]); prefixes only count for
 *    the packet's family. A positive list holds prefixes or sets, not both;
 *  - proto: the L4 protocol (IPv4 protocol / IPv6 final next header) is
 *    one of the listed numbers;
 *  - sport/dport: the packet carries ports (TCP, UDP, UDP-Lite, SCTP, not a
 *    later fragment) and the port is in one of the ranges;
 *  - tcp_flags: the packet has a TCP header and one of the (mask, value)
 *    pairs matches its flags byte;
 *  - icmp_type/icmp_code: the packet has an ICMP or ICMPv6 header and its
 *    type (code) is one of the listed;
 *  - vlan: the frame has a VLAN tag and the outermost VLAN id is listed;
 *  - iface: the packet is on one of the interfaces (ingress: received on;
 *    egress: sent through).
 * A rule with a matcher on a field the packet does not have (ports,
 * TCP/ICMP header, VLAN tag) does not match it, negated or not (nft's
 * 'vlan id != 10' needs a VLAN header too).
 */
#define FW_VLAN_WORDS	64

struct fw_match {
	bool has_src, has_dst, has_proto, has_sport, has_dport;
	bool has_tcp_flags, has_icmp_type, has_icmp_code, has_vlan, has_iface;
	struct fw_prefix *src;
	size_t n_src;
	uint32_t src_sets;
	struct fw_prefix *dst;
	size_t n_dst;
	uint32_t dst_sets;
	uint64_t proto[4];		/* bitmap over 0..255 */
	struct fw_prange *sport;	/* sorted, merged, disjoint */
	size_t n_sport;
	struct fw_prange *dport;
	size_t n_dport;
	struct fw_tcp_flags *tcp_flags;	/* any of */
	size_t n_tcp_flags;
	uint64_t icmp_type[4];		/* bitmap over 0..255 */
	uint64_t icmp_code[4];
	uint64_t *vlan;			/* has_vlan: FW_VLAN_WORDS, a bitmap over
				 * 0..4095 (a pointer: 512 bytes in every
				 * rule's two matchers made the IR 2 KB a rule) */
	char (*iface)[IF_NAMESIZE];
	size_t n_iface;
	int *ifindex;			/* n_iface; set by fw_policy_resolve() */
	bool has_ct;			/* "ct": the packet's conntrack state */
	uint64_t ct[1];			/* bitmap over enum fw_ct_state */
};

/*
 * Forwarding (issue 6): an ingress rule's "action": {"redirect": IFACE} or
 * {"fib": true}, and an egress rule's "rewrite" (rules/README.md).
 */
struct fw_rule_fwd {
	char redirect[IF_NAMESIZE];	/* the target; "" when none */
	bool fib;		/* forward by the kernel's FIB (no target) */
	bool optional;		/* the target may be absent at apply */
	int ifindex;		/* set by fw_policy_resolve(); 0: absent */
	bool has_rewrite;
	bool reverse;		/* static NAT: install the ingress reverse */
	struct fw_rewrite rw;	/* the data path's record (fw_shared.h) */
};

/*
 * A rule's "limit" (rules/README.md): a token bucket of 'burst' units
 * refilled at num/den units per second; units are packets, or bytes of the
 * frame (Ethernet header included) when 'bytes'. State, not match
 * semantics: the reference model ignores it (a packet within the limit).
 */
struct fw_limit_ir {
	bool set;		/* the rule has "limit" */
	bool bytes;		/* a byte rate (else packets) */
	bool per_src;		/* a bucket per source prefix */
	uint8_t over;		/* enum fw_action: pass or drop */
	uint8_t plen4, plen6;	/* per_src: source prefix lengths */
	uint64_t num, den;	/* rate: num / den units per second */
	uint64_t burst;		/* bucket depth, in units */
	char rate[40];		/* "rate" as written */
};

/* A rule matches when pos matches and no field of neg does. */
struct fw_rule_ir {
	char id[FW_ID_MAX];	/* from "id", or "" when absent */
	char comment[FW_COMMENT_MAX];
	uint8_t action;		/* enum fw_action */
	struct fw_match pos;
	struct fw_match neg;
	char path[32];		/* JSON path, e.g. "rules[3]" */
	bool failsafe;		/* from "failsafe": evaluated before the rules */
	struct fw_rule_fwd fwd;	/* redirect / rewrite (issue 6) */
	bool log;		/* "log": send events (fw_event) for its packets */
	uint32_t log_sample;	/* "log".sample: 1 in N packets (1: all) */
	uint32_t log_rate;	/* "log".rate: events per second, at most */
	struct fw_limit_ir limit;	/* "limit" */
	bool track;		/* "track": record the flows it admits (ingress) */
};

#define FW_LOG_DEFAULT_RATE	1000	/* "log": true: events/s per rule */
#define FW_LOG_MAX_SAMPLE	1000000
#define FW_LOG_MAX_RATE		1000000

/* A named set of prefixes (both families may be mixed). */
struct fw_set {
	char name[FW_SET_NAME_MAX];
	struct fw_prefix *elems;
	size_t n_elems;
	char path[FW_SET_NAME_MAX + 8];	/* "sets.NAME" */
};

/* enum fw_frag_mode (later fragments) is in fw_shared.h: the ABI. */

struct fw_ruleset {
	uint8_t default_action;	/* enum fw_action */
	struct fw_rule_ir *rules;
	size_t n_rules;
};

struct fw_iface {
	char name[IF_NAMESIZE];	/* a name, or an fnmatch(3) pattern */
	bool pattern;		/* name has * ? or [...]: may match 0..n links */
	uint8_t mode;		/* enum fw_mode */
	char path[32];		/* "interfaces[1]" */
};

/* "conntrack" (issue 5). */
struct fw_ct_policy {
	bool on;		/* the object, or any "ct" matcher / "track" rule */
	bool declared;		/* the policy has a "conntrack" object */
	bool pass_est;		/* "established": "pass" (the object's default) */
	uint32_t size;		/* table entries */
	uint64_t timeout_ns[__FW_CT_TO_MAX];
};

struct fw_policy {
	char *file;		/* as given, for messages */
	char *text;		/* the file's bytes, NUL-terminated */
	size_t text_len;

	int version;
	uint8_t non_ip_action;	/* enum fw_action */
	struct fw_iface *ifaces;
	size_t n_ifaces;
	struct fw_ruleset dir[FW_NDIR];	/* [FW_DIR_INGRESS], [FW_DIR_EGRESS] */
	bool has_egress;	/* the policy has an "egress" object */
	uint8_t frag_mode;	/* enum fw_frag_mode, "fragments" */
	uint8_t malformed_action;	/* enum fw_action, "malformed" */
	size_t n_failsafe;	/* rules [0, n) of both directions are failsafe */
	struct fw_set *sets;	/* index = set slot in the data path */
	size_t n_sets;
	uint8_t redirect_fallback;	/* enum fw_action: redirect target gone */
	struct fw_ct_policy ct;
};

/* Tables need the tc egress program: egress rules, or flows to record. */
static inline bool fw_policy_needs_tc(const struct fw_policy *pol)
{
	return pol->has_egress || pol->ct.on;
}

/* A parse or validation error, formatted by fw_err_format(). */
struct fw_err {
	char file[256];
	int line, col;		/* 1-based; 0 when unknown */
	char path[128];		/* JSON path, "" for the document */
	char msg[384];
};

/* Format "file:line:col: path: msg" (parts omitted when unknown). */
const char *fw_err_format(const struct fw_err *err, char *buf, size_t size);

/*
 * Parse and validate. Return 0 and fill *pol, or -EINVAL (policy error,
 * *err filled), -ENOMEM, or -errno from reading the file (*err filled).
 * On error *pol is left empty (safe to fw_policy_free).
 */
int fw_policy_parse_file(const char *file, struct fw_policy *pol,
			 struct fw_err *err);
int fw_policy_parse_buf(const char *buf, size_t len, const char *name,
			struct fw_policy *pol, struct fw_err *err);
/*
 * The same for policy text pinned by an earlier apply: set files are not
 * read again (the kernel holds the sets; such sets come back empty).
 */
int fw_policy_parse_pinned(const char *buf, size_t len, const char *name,
			   struct fw_policy *pol, struct fw_err *err);
void fw_policy_free(struct fw_policy *pol);

/*
 * Set err to point at JSON path 'path' of pol's text (line and column of
 * the value found there, or of the document when absent), with msg.
 * For errors found after parsing (e.g. unknown interface in apply).
 */
void fw_policy_error_at(const struct fw_policy *pol, const char *path,
			struct fw_err *err, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* Locate a JSON path ("rules[3].dst_port") in text: 0 and *line,*col. */
int fw_json_locate(const char *text, size_t len, const char *path,
		   int *line, int *col);

/*
 * Resolve every "interface" matcher's names to ifindexes with 'resolve'
 * (name -> ifindex > 0, or -ENODEV / -errno). 0, or the first error with
 * *err set at the matcher's path ("rules[3].interface[1]").
 */
int fw_policy_resolve(struct fw_policy *pol, int (*resolve)(const char *name),
		      struct fw_err *err);

/*
 * One prefix, "ADDR" or "ADDR/LEN": 0, or -EINVAL with msg saying why (the
 * same words as the policy's errors).
 */
int fw_prefix_parse(const char *s, struct fw_prefix *p, char *msg, size_t size);
/*
 * A set file: one prefix per line, blank lines and '#' comments ignored.
 * 0 with *out (malloc'd) and *n, or -errno / -EINVAL with msg
 * ("FILE:LINE: ...").
 */
int fw_set_file_read(const char *path, struct fw_prefix **out, size_t *n,
		     char *msg, size_t size);

/* Names for enums; NULL for out-of-range values. */
const char *fw_action_name(unsigned int action);
const char *fw_mode_name(unsigned int mode);
const char *fw_proto_name(unsigned int proto);	/* "tcp" or NULL */
const char *fw_frag_mode_name(unsigned int mode);
/* "redirect to eth1", "rewrite src 192.0.2.1 -> 198.18.0.1, dscp 46": what a
 * rule does beyond pass/drop, in the words of explain and show; "" if
 * nothing. */
int fw_rule_fwd_format(const struct fw_rule_ir *r, char *buf, size_t size);
const char *fw_ct_state_name(unsigned int state);	/* "established" */
const char *fw_ct_entry_state_name(unsigned int state);	/* "syn_sent" */
const char *fw_ct_timeout_name(unsigned int to);	/* "tcp_established" */
/* "syn,!ack"-style text of one flags matcher: the flags of mask, each
 * prefixed by '!' when required clear. */
int fw_tcp_flags_format(const struct fw_tcp_flags *f, char *buf, size_t size);
int fw_prefix_format(const struct fw_prefix *p, char *buf, size_t size);

/*
 * Rate limits (limit.c). A "rate" string ("1000/s", "10mbit/s", "2MB/s",
 * "60/m"): 0 with *l's bytes, num and den set, or -EINVAL with msg. A byte
 * size ("64kB", "1500", "1MiB"): 0 with *bytes, or -EINVAL with msg.
 */
int fw_limit_rate_parse(const char *s, struct fw_limit_ir *l, char *msg, size_t size);
int fw_limit_size_parse(const char *s, uint64_t *bytes, char *msg, size_t size);
/* The default burst of a rate: 100 ms of it, at least 5 packets or 3000 bytes. */
uint64_t fw_limit_default_burst(const struct fw_limit_ir *l);
/* 0 when rate and burst fit the data path's arithmetic, else -ERANGE with msg. */
int fw_limit_check(const struct fw_limit_ir *l, char *msg, size_t size);
/* "src", "src/24" or "src/24/64" of a per-source limit. */
int fw_limit_per_format(const struct fw_limit_ir *l, char *buf, size_t size);

#endif /* FW_POLICY_H */
