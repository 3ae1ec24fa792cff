// SPDX-License-Identifier: GPL-2.0
/*
 * log_compile.c - the event log's part of compile (issue 5): a log slot for
 * each rule marked "log", in rule order, and the limits the data path reads
 * from fw_logcfg (dp/log.h). Pure, like compile.c (the fuzzers link it).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include "compile.h"

int fw_compile_log(const struct fw_policy *pol, int d, struct fw_dir_tables *dt,
		   struct fw_err *err)
{
	const struct fw_ruleset *rs = &pol->dir[d];
	uint32_t n = 0;

	for (size_t r = 0; r < rs->n_rules; r++) {
		char path[64];

		if (!rs->rules[r].log)
			continue;
		if (n == FW_LOG_MAX) {
			snprintf(path, sizeof(path), "%s.log", rs->rules[r].path);
			fw_policy_error_at(pol, path, err,
					   "more than %d rules with \"log\" in %s (at most %d per direction)",
					   FW_LOG_MAX, d ? "egress" : "ingress", FW_LOG_MAX);
			return -EINVAL;
		}
		n++;
	}
	dt->n_log = n;
	if (!n)
		return 0;
	dt->logcfg = calloc(n, sizeof(*dt->logcfg));
	if (!dt->logcfg)
		return -ENOMEM;
	n = 0;
	for (size_t r = 0; r < rs->n_rules; r++) {
		const struct fw_rule_ir *ru = &rs->rules[r];

		if (!ru->log)
			continue;
		dt->rules[r].flags |= FW_RF_LOG;
		dt->rules[r].log = n;
		dt->logcfg[n].sample = ru->log_sample;
		dt->logcfg[n].rate = ru->log_rate;
		n++;
	}
	return 0;
}
