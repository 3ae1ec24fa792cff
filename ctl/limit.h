/* SPDX-License-Identifier: GPL-2.0 */
/*
 * limit.h - rate limits ("limit" on a rule): compiling the IR's limits
 * into fw_limcfg entries (limit.c, pure), writing them and resetting the
 * buckets and over-limit counters of a generation (limit_map.c), and the
 * JSON and text that show and stats print. Parsing is in policy.c; the
 * data path is include/dp/limit.h.
 */
#ifndef FW_LIMIT_H
#define FW_LIMIT_H

#include <jansson.h>
#include "policy.h"
#include "compile.h"

#define FW_LIMIT_MIN_BYTE_BURST		1514	/* one full-size Ethernet frame */
#define FW_LIMIT_MIN_BYTE_BURST_DEFAULT	65536	/* a GSO packet at tc egress */

/* One limit: 0, or -ERANGE when it does not fit (fw_limit_check says why). */
int fw_limit_compile(const struct fw_limit_ir *l, struct fw_limit *out);
/*
 * Number the limits of pol (ingress rules, then egress) into t->limits
 * (slot = index) and mark their rules FW_RF_LIMIT with fw_rule.limit = slot.
 * 0, -ENOMEM, -E2BIG or -ERANGE.
 */
int fw_limits_compile(const struct fw_policy *pol, struct fw_tables *t);

json_t *fw_limit_json(const struct fw_limit_ir *l);

struct fw_state;
/*
 * Write t's limits into generation gen's fw_limcfg slots with a fresh epoch
 * and make their buckets full (fw_limst zeroed, per-source buckets of older
 * epochs ignored): 0 or -errno.
 */
int fw_limits_write(const struct fw_state *st, uint32_t gen, const struct fw_tables *t);
/* The over-limit counter of rule r of table tbl: 0 or -errno. */
int fw_limit_over_count(const struct fw_state *st, uint32_t tbl, uint32_t r,
			struct fw_counter *c);

#endif /* FW_LIMIT_H */
