/* SPDX-License-Identifier: GPL-2.0 */
/*
 * fwd.h - forwarding (issue 6) in fwctl: redirect targets, rewrite records,
 * the reverse static NAT (fwd.c). The compile part is in compile.h.
 */
#ifndef FW_FWD_H
#define FW_FWD_H

#include <jansson.h>
#include "fwctl.h"
#include "model.h"

/* Write t's forwarding tables into generation gen (standby). 0 or -errno
 * with *what saying what failed. */
int fw_apply_fwd(const struct fw_state *st, const struct fw_tables *t,
		 uint32_t gen, const char **what);
/* What fwctl put in slot (cfg) and what the devmap holds now (live, 0 when
 * the kernel removed it with its netdev). */
int fw_fwd_target_state(const struct fw_state *st, uint32_t gen, uint32_t slot,
			uint32_t *cfg_ifindex, uint32_t *live_ifindex);
/* Put every redirect target of the live policy that exists (resolve) back
 * into the devmap: how many were refilled, or -errno. */
int fw_fwd_refill(const struct fw_state *st, int (*resolve)(const char *name),
		  void (*note)(const char *name, uint32_t ifindex));

/* show and status: the targets of generation gen ([{interface, slot,
 * ifindex, optional, missing}]), and what a rule forwards or rewrites. */
json_t *fw_fwd_targets_json(const struct fw_state *st, uint32_t gen,
			    const struct fw_policy *pol);
void fw_fwd_rule_json(json_t *o, const struct fw_state *st, uint32_t gen,
		      const struct fw_policy *pol, const struct fw_rule_ir *r);

#endif /* FW_FWD_H */
