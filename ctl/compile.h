/* SPDX-License-Identifier: GPL-2.0 */
/*
 * compile.h - stage 2: policy IR -> tables, plain data saying exactly what
 * every classifier map must hold for one generation. Pure and
 * deterministic: same policy in, same tables out; no kernel call. Set
 * contents are not part of the tables (they live in their own tries and
 * can change at run time); only which slots each table looks up.
 */
#ifndef FW_COMPILE_H
#define FW_COMPILE_H

#include "policy.h"
#include "model.h"
#include "dp/fields.h"

/* A class's whole rule bitmap (the maps hold it in chunks, fw_bits). */
#define FW_RULE_WORDS	(FW_MAX_RULES / 64)
struct fw_bitmap {
	uint64_t w[FW_RULE_WORDS];
};

struct fw_lpm_entry {
	uint8_t family;		/* 4 or 6 */
	uint8_t field;		/* enum fw_field */
	uint8_t plen;
	uint8_t addr[16];
	uint32_t cls;
};

struct fw_iface_entry {
	uint32_t ifindex;
	uint32_t cls;
};

struct fw_dir_tables {
	uint8_t default_action;
	uint8_t flags;			/* FW_TF_* */
	uint8_t src_sets, dst_sets;	/* set slots looked up */
	uint32_t n_rules;
	struct fw_rule *rules;		/* n_rules */
	struct fw_dtab *dt;		/* the direct-indexed classes, ~400 KiB */
	struct fw_lpm_entry *lpm;
	size_t n_lpm;
	struct fw_iface_entry *iface;
	size_t n_iface;
	struct fw_logcfg *logcfg;	/* n_log: log slot -> its limits */
	uint32_t n_log;			/* rules with "log" (fw_rule.log < n_log) */
	uint32_t active;		/* bit f: field f narrows (fw_tblcfg.active) */
	uint8_t slot[FW_SLOTS];		/* fw_tblcfg.slot, .nslots: from active */
	uint8_t nslots;
	uint8_t vcache;			/* fw_tblcfg.vcache: n_rules >= FW_VC_MIN_RULES */
	/* IPv4 src/dst classes by multibit trie (FW_TF_SRC4/DST4): the 256
	 * root blocks; children are in fw_tables.a4child */
	struct fw_a4blk *a4root[2];
};

/* Forwarding (issue 6, ctl/fwd_compile.c): per generation, written by apply. */
struct fw_nat_entry {
	struct fw_nat_key k;	/* k.gen is set by apply */
	struct fw_nat_val v;
	const char *path;	/* the rule it reverses */
};

struct fw_fwd_tables {
	struct fw_redir redir[FW_MAX_REDIR];	/* slot -> target, fallback */
	char redir_name[FW_MAX_REDIR][IF_NAMESIZE];
	uint32_t n_redir;
	struct fw_rewrite *rw;		/* slot -> record (rule.rewrite - 1) */
	uint32_t n_rw;
	struct fw_nat_entry *nat;
	size_t n_nat;
};

struct fw_tables {
	uint8_t non_ip_action;
	uint8_t frag_mode;
	uint8_t malformed_action;
	struct fw_ct_cfg ct;		/* flags 0: conntrack off */
	struct fw_dir_tables dir[FW_NDIR];
	uint32_t nw;			/* words of a bitmap that can be non-zero */
	struct fw_bits *hdr;		/* class id -> its chunks (fw_cls); class 0
					 * empty, no two alike */
	size_t n_cls;
	struct fw_fwd_tables fwd;
	struct fw_limit *limits;	/* rate limits by slot (limit.c) */
	uint32_t n_limits;
	struct fw_chunk *chunk;		/* distinct chunks (fw_chunk); [0] zero */
	uint32_t n_chunk;
	struct fw_a4blk *a4child;	/* child blocks of the IPv4 tries */
	uint32_t n_a4child;		/* <= FW_A4_POOL */
};

/* fwd_compile.c: the forwarding part of fw_compile(): slots, records, NAT. */
int fw_compile_fwd(const struct fw_policy *pol, struct fw_tables *t,
		   struct fw_err *err);
void fw_fwd_tables_free(struct fw_fwd_tables *f);
/*
 * The reverse static NAT of rule r's rewrite on packet field 'field' (the
 * ingress packet's: FW_FIELD_DST reverses a src rewrite): 1 with *k (gen 0)
 * and *v, or 0 when the rule has none (not a one-address matcher...).
 */
int fw_nat_reverse(const struct fw_rule_ir *r, uint8_t field,
		   struct fw_nat_key *k, struct fw_nat_val *v);
/* The distinct redirect targets in slot order; optional[s]: every rule
 * naming it says "optional" (may be NULL). */
size_t fw_fwd_targets(const struct fw_policy *pol,
		      char names[FW_MAX_REDIR][IF_NAMESIZE], bool *optional);

/*
 * 0, or -EINVAL with *err set (limits exceeded), or -ENOMEM. Interface
 * matchers must be resolved (fw_policy_resolve) first.
 */
int fw_compile(const struct fw_policy *pol, struct fw_tables *t,
	       struct fw_err *err);
void fw_tables_free(struct fw_tables *t);

/*
 * The event log of direction d (log_compile.c): a log slot per rule with
 * "log" (FW_RF_LOG, fw_rule.log = slot within the table), its limits in
 * dt->logcfg. 0, -EINVAL with *err (over FW_LOG_MAX), or -ENOMEM.
 */
int fw_compile_log(const struct fw_policy *pol, int d, struct fw_dir_tables *dt,
		   struct fw_err *err);

/*
 * Evaluate the tables for one packet exactly as the data path does (set
 * membership from pol's sets): the index of the first matching rule of
 * direction dir, or -1.
 */
int fw_tables_match(const struct fw_tables *t, const struct fw_policy *pol,
		    unsigned int dir, const struct fw_pkt_desc *pkt);

#endif /* FW_COMPILE_H */
