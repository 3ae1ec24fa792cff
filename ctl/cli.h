/* SPDX-License-Identifier: GPL-2.0 */
/*
 * cli.h - what the command files of fwctl (main.c, cmd_*.c) share: global
 * options, output, and access to the live policy.
 */
#ifndef FW_CLI_H
#define FW_CLI_H

#include <jansson.h>
#include "fwctl.h"

extern bool opt_json, opt_pretty;
extern const char *opt_pin_dir;
extern const char *const fw_reason_names[];	/* enum fw_reason -> name */

/* Print "Error: ..." and a hint for 'fwctl VERB --help'; FW_EXIT_USAGE. */
int usage_error(const char *verb, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
int print_policy_error(const struct fw_err *err);
/* Exit status for a failed fw_state_open, which said why: 1 for a bad --pin-dir. */
int state_exit(int ret);
/* Write doc to stdout (compact, or indented with -p) and release it. */
void emit_json(json_t *doc);
json_t *prefixes_json(const struct fw_prefix *p, size_t n);
/* Open a loaded firewall's state: FW_EXIT_OK, or the exit status after saying why. */
int open_loaded(struct fw_state *st, int flags);
/* Open the state for reading; *loaded false when there is none. */
int open_for_read(struct fw_state *st, bool *loaded);
/* The active generation's policy, re-parsed from its pinned text. */
int load_active(const struct fw_state *st, uint32_t *gen,
		struct fw_meta_info *mi, struct fw_policy *pol);
/* An interface's name, or "ifN" when ifindex has none in this namespace. */
#define FW_IFNAME_SIZE	(IF_NAMESIZE + 8)
const char *fw_if_name(uint32_t ifindex, char buf[FW_IFNAME_SIZE]);
/* Index of the set called name in pol, or -1. */
int find_set(const struct fw_policy *pol, const char *name);

int cmd_set(int argc, char **argv);
int cmd_ct(int argc, char **argv);	/* conntrack (issue 5) */
int cmd_confirm(int argc, char **argv);	/* also confirm-timer */
int cmd_rollback(int argc, char **argv);
uint64_t parse_duration(const char *s);
bool confirm_pending(const struct fw_state *st, struct fw_confirm *c);
int confirm_start(const struct fw_state *st, uint32_t new_gen, uint64_t within_ns);
void confirm_cancel(const struct fw_state *st);
int cmd_explain(int argc, char **argv);
int cmd_stats(int argc, char **argv);
int cmd_log(int argc, char **argv);
int cmd_daemon(int argc, char **argv);
/* The daemon of this pin dir, from its state file: an object with
 * "running" (false: stale state, the daemon died), or JSON null. */
json_t *daemon_status_json(const char *pin_dir);

#endif /* FW_CLI_H */
