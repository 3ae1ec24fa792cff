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
	uint32_t active;		/* bit f: field f narrows (fw_tblcfg.active) */
	/* IPv4 src/dst classes by multibit trie (FW_TF_SRC4/DST4): the 256
	 * root blocks; children are in fw_tables.a4child */
	struct fw_a4blk *a4root[2];
};

struct fw_tables {
	uint8_t non_ip_action;
	uint8_t frag_mode;
	uint8_t malformed_action;
	struct fw_dir_tables dir[FW_NDIR];
	uint64_t *cls;			/* class id i: words [i * nw, (i + 1) * nw) of
					 * its bitmap (the rest zero); class 0 empty */
	uint32_t nw;
	struct fw_bits *hdr;		/* class id -> its chunks (fw_cls) */
	size_t n_cls;
	struct fw_chunk *chunk;		/* distinct chunks (fw_chunk); [0] zero */
	uint32_t n_chunk;
	struct fw_a4blk *a4child;	/* child blocks of the IPv4 tries */
	uint32_t n_a4child;		/* <= FW_A4_POOL */
};

/*
 * 0, or -EINVAL with *err set (limits exceeded), or -ENOMEM. Interface
 * matchers must be resolved (fw_policy_resolve) first.
 */
int fw_compile(const struct fw_policy *pol, struct fw_tables *t,
	       struct fw_err *err);
void fw_tables_free(struct fw_tables *t);

/*
 * Evaluate the tables for one packet exactly as the data path does (set
 * membership from pol's sets): the index of the first matching rule of
 * direction dir, or -1.
 */
int fw_tables_match(const struct fw_tables *t, const struct fw_policy *pol,
		    unsigned int dir, const struct fw_pkt_desc *pkt);

#endif /* FW_COMPILE_H */
