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

/* Attach modes; "auto" tries native then skb. */
enum fw_mode {
	FW_MODE_AUTO = 0,
	FW_MODE_NATIVE,
	FW_MODE_SKB,
};

struct fw_prefix {
	uint8_t family;		/* 4 or 6 */
	uint8_t plen;		/* 0..32 or 0..128; host bits are zero */
	uint8_t addr[16];	/* network order; IPv4 uses addr[0..3] */
};

struct fw_prange {
	uint16_t lo, hi;	/* inclusive, lo <= hi */
};

/*
 * One rule. A matcher that is absent ("any") has n_* == 0 and its has_*
 * false. A rule matches a packet iff every present matcher matches:
 *  - src/dst: the packet's address is inside one of the prefixes (of the
 *    packet's family; a rule whose src or dst lists only IPv4 prefixes never
 *    matches IPv6 packets and vice versa);
 *  - proto: the packet's L4 protocol (IPv4 protocol / IPv6 final next
 *    header) is one of the listed numbers;
 *  - sport/dport: the packet carries ports (TCP, UDP, UDP-Lite, SCTP, not a
 *    non-first fragment) and the port is in one of the ranges.
 */
struct fw_rule_ir {
	char id[FW_ID_MAX];	/* from "id", or "" when absent */
	char comment[FW_COMMENT_MAX];
	uint8_t action;		/* enum fw_action */

	bool has_src, has_dst, has_proto, has_sport, has_dport;
	struct fw_prefix *src;
	size_t n_src;
	struct fw_prefix *dst;
	size_t n_dst;
	uint64_t proto[4];	/* bitmap over 0..255 */
	struct fw_prange *sport;	/* sorted, merged, disjoint */
	size_t n_sport;
	struct fw_prange *dport;
	size_t n_dport;

	char path[32];		/* JSON path, e.g. "rules[3]" */
};

struct fw_ruleset {
	uint8_t default_action;	/* enum fw_action */
	struct fw_rule_ir *rules;
	size_t n_rules;
};

struct fw_iface {
	char name[IF_NAMESIZE];
	uint8_t mode;		/* enum fw_mode */
	char path[32];		/* "interfaces[1]" */
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
};

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

/* Names for enums; NULL for out-of-range values. */
const char *fw_action_name(unsigned int action);
const char *fw_mode_name(unsigned int mode);
const char *fw_proto_name(unsigned int proto);	/* "tcp" or NULL */
int fw_prefix_format(const struct fw_prefix *p, char *buf, size_t size);

#endif /* FW_POLICY_H */
