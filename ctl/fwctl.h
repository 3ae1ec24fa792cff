/* SPDX-License-Identifier: GPL-2.0 */
/*
 * fwctl.h - what the control tool's modules share: messages and exit codes,
 * the pinned state (maps in bpffs under a locked pin directory), netlink,
 * loading, applying and attaching. Functions return 0 or -errno; the layer
 * that knows the context prints "Error: ..." once.
 */
#ifndef FW_FWCTL_H
#define FW_FWCTL_H

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <net/if.h>
#include "fw_shared.h"
#include "policy.h"
#include "timing.h"
#include "compile.h"
#include "fw_hw.h"

#define FWCTL_VERSION	"0.1.0"

/* Exit codes (fwctl.8). */
enum {
	FW_EXIT_OK = 0,
	FW_EXIT_USAGE = 1,	/* usage or policy error */
	FW_EXIT_KERNEL = 2,	/* kernel, BPF or netlink failure */
};

/* tc filter identity on clsact egress: fwctl's own handle and priority. */
#define FW_TC_HANDLE	0xf17c
#define FW_TC_PRIO	1

extern int fw_verbose;
/* Prefix every message with an ISO 8601 UTC time (fwctl daemon's log). */
extern bool fw_log_timestamps;

void fw_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void fw_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Print "Error: <msg>[: strerror(-err)]" and return err. */
int fw_err(int err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* One line on stderr, always, time-stamped when fw_log_timestamps. */
void fw_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Route libbpf/libxdp messages: warnings at -v, debug at -vv. */
void fw_setup_lib_logging(void);

/* --- pinned state (state.c) ------------------------------------------------ */

enum fw_map_idx {
	M_GEN, M_TBLCFG, M_LPM4, M_LPM6, M_DTAB, M_CLS, M_RULES, M_RCNT, M_STATS,
	M_IFACE, M_SETS4, M_SETS6, M_ADDR4, M_CHUNK,
	M_META, M_CONFIRM,
	M_DEVMAP, M_REDIR, M_REWRITE, M_NAT,	/* forwarding (fwd.c) */
	M_IFSTAT, M_LOGCFG, M_LOGWIN, M_LOGCNT, M_EVENTS, M_IFCNT,	/* observability */
	M_LIMCFG, M_LIMST, M_LIMSRC, M_RLIM,	/* rate limits (limit.c) */
	M_CT, M_CTCFG,		/* conntrack (issue 5) */
	FW_NMAPS,
};
extern const char *const fw_map_names[FW_NMAPS];

struct fw_state {
	char pin_dir[PATH_MAX];
	int lock_fd;
	int fd[FW_NMAPS];
	uint32_t gen_map_id;	/* identifies programs using these maps */
};

#define FW_STATE_INIT { .lock_fd = -1, .fd = { [0 ... FW_NMAPS - 1] = -1 } }

/* The pin directory: --pin-dir, else $FWCTL_PIN_DIR, else FW_PIN_DIR. */
const char *fw_pin_dir(const char *opt);
enum {
	FW_ST_WRITE = 1 << 0,		/* exclusive lock (else shared) */
	FW_ST_CREATE = 1 << 1,		/* mount bpffs, create maps if absent */
	FW_ST_ANY_LAYOUT = 1 << 2,	/* skip the layout check (flush) */
};

/*
 * Open the firewall's state under pin_dir, locked. Without FW_ST_CREATE,
 * -ENOENT when no firewall has been set up; -EPROTO when the pinned maps
 * have another layout than this fwctl's (unless FW_ST_ANY_LAYOUT).
 */
int fw_state_open(struct fw_state *st, const char *pin_dir, int flags);
void fw_state_close(struct fw_state *st);
/* Remove every pin (the maps live on only while programs hold them). */
int fw_state_unpin(struct fw_state *st);

int fw_read_active_gen(const struct fw_state *st, uint32_t *gen);
/*
 * Sum entry idx of a per-CPU map whose value is n __u64 (fw_counter,
 * fw_logcnt) over the CPUs into out[n]; 0 or -errno.
 */
int fw_read_percpu_sum(int fd, uint32_t idx, uint64_t *out, size_t n);
/* Sum a per-CPU counter; 0 or -errno. */
int fw_read_counter(int fd, uint32_t idx, struct fw_counter *out);

/* --- loading (loader.c) ---------------------------------------------------- */

/* Create (or reuse) the pinned maps defined by the BPF objects. */
int fw_create_maps(const char *pin_dir);
/* A bpf_object of the XDP program, opened with maps pinned under pin_dir. */
struct bpf_object *fw_open_xdp_obj(const char *pin_dir);
/* 0 if the pinned maps have the layout this fwctl was built with. */
int fw_check_layout(const int fd[], int n);
/* Load the tc egress program: its fd, or -errno. */
int fw_load_tc_prog(const char *pin_dir);
/* A bpf_object of the offload variant (its maps unpinned: they go on a NIC). */
struct bpf_object *fw_open_xdp_hw_obj(void);

/* --- apply (apply.c) ------------------------------------------------------- */

struct fw_meta_info {
	struct fw_meta meta;
	char *text;		/* policy JSON, NUL-terminated (malloc'd) */
};

/*
 * Write tables into the standby generation, then make it active with one
 * atomic store; the previous generation is kept as it was. 0 or -errno;
 * on error nothing visible to packets has changed.
 */
int fw_apply_tables(struct fw_state *st, const struct fw_tables *t,
		    const struct fw_policy *pol, uint32_t *new_gen);
int fw_read_meta(const struct fw_state *st, uint32_t gen,
		 struct fw_meta_info *mi);

/*
 * Set elements of generation gen (the live sets: the active one). add and
 * del return how many elements changed (>= 0) or -errno; del of an absent
 * element is -ENOENT. list fills *out (malloc'd) with the elements of slot.
 */
int fw_epoch_bump(const struct fw_state *st, uint32_t gen);
int fw_set_add(const struct fw_state *st, uint32_t gen, uint32_t slot,
	       const struct fw_prefix *elems, size_t n);
int fw_set_del(const struct fw_state *st, uint32_t gen, uint32_t slot,
	       const struct fw_prefix *elems, size_t n);
int fw_set_list(const struct fw_state *st, uint32_t gen, uint32_t slot,
		struct fw_prefix **out, size_t *n);
void fw_meta_info_free(struct fw_meta_info *mi);

/* --- observability: log slots, counters (obs.c) ---------------------------- */

/* The log limits of table tbl's slots written, its log counters zeroed. */
int fw_log_write(const struct fw_state *st, uint32_t tbl, const struct fw_dir_tables *dt);
/* Update array elements keys[0..n) from vals (vsize bytes each), in one
 * batch where the kernel has them (apply.c): 0 or -errno. */
int fw_array_put(int fd, const uint32_t *keys, const void *vals, size_t vsize, uint32_t n);
/* A log slot's counters, summed over the CPUs. */
int fw_read_logcnt(const struct fw_state *st, uint32_t slot, struct fw_logcnt *out);

struct fw_ifstat_entry {
	struct fw_ifstat_key key;
	struct fw_ifstat st;	/* summed over the CPUs */
};
/* Every (interface, direction) counted, by ifindex: count or -errno; *out malloc'd. */
int fw_read_ifstats(const struct fw_state *st, struct fw_ifstat_entry **out);
/* --- conntrack (ct.c) ------------------------------------------------------ */

/*
 * Make the flow table what t->ct asks for, before the flip: create it at
 * t->ct.size if there is none, or replace it by one of the new size
 * (copying the live entries over, the LRU keeping the most recent when it
 * shrinks). Nothing when conntrack is off. 0 or -errno.
 */
int fw_ct_prepare(const struct fw_state *st, const struct fw_tables *t);
/* An fd of the flow table (close it), -ENOENT when there is none. */
int fw_ct_table_fd(const struct fw_state *st);
/* CLOCK_MONOTONIC in ns: the data path's bpf_ktime_get_ns(). */
uint64_t fw_mono_ns(void);

/* --- commit-confirm and rollback (confirm.c) -------------------------------- */

/* Generation gen holds a complete policy (both tables and its text). */
bool fw_gen_valid(const struct fw_state *st, uint32_t gen);
/* Make generation gen live (it must be valid): one store, like apply. */
int fw_switch_gen(const struct fw_state *st, uint32_t gen);
/* The commit-confirm record; a missing record reads as FW_CONFIRM_NONE. */
int fw_confirm_read(const struct fw_state *st, struct fw_confirm *c);
int fw_confirm_write(const struct fw_state *st, const struct fw_confirm *c);
uint64_t fw_now_ns(void);		/* CLOCK_REALTIME */

/* --- netlink (nl.c) -------------------------------------------------------- */

struct fw_link {
	int ifindex;
	char name[IF_NAMESIZE];
	char kind[32];		/* IFLA_INFO_KIND, "" if none */
	uint8_t xdp_attached;	/* XDP_ATTACHED_* */
	uint32_t xdp_prog_id;	/* the single or main program, 0 if none */
	uint32_t xdp_hw_prog_id;	/* the offloaded program, 0 if none */
	bool up;
};

/* Ifindex of a link by name: > 0, or -ENODEV / -errno. */
int fw_nl_ifindex(const char *name);
int fw_nl_link(int ifindex, struct fw_link *out);
/* Number of tc filters under parent (e.g. clsact egress), or -errno. */
int fw_nl_tc_filter_count(int ifindex, uint32_t parent);
/* All links of this network namespace: count, or -errno; *out malloc'd. */
int fw_nl_links(struct fw_link **out);

/*
 * Link events (RTMGRP_LINK) on a non-blocking socket with a receive buffer
 * of rcvbuf bytes. fw_nl_monitor_read calls cb for every RTM_NEWLINK (new
 * true) and RTM_DELLINK queued, until none is left: 0, or -ENOBUFS when
 * the kernel dropped events (the caller must resync), or -errno.
 */
/*
 * Set (prog_fd >= 0) or clear (-1) the XDP program of a link with
 * IFLA_XDP_FLAGS flags: 0 or -errno, with the kernel's extack message (if
 * any) in msg.
 */
int fw_nl_xdp_set(int ifindex, int prog_fd, uint32_t flags, char *msg, size_t size);

struct fw_nl_mon;
typedef int (*fw_nl_link_cb)(bool new, const struct fw_link *l, void *data);
int fw_nl_monitor_open(struct fw_nl_mon **out, int rcvbuf);
int fw_nl_monitor_fd(const struct fw_nl_mon *m);
int fw_nl_monitor_read(struct fw_nl_mon *m, fw_nl_link_cb cb, void *data);
/*
 * Discard every queued event (after an overrun, before the resync's dump):
 * while events stay queued after an overrun, the kernel drops further ones
 * without reporting ENOBUFS again.
 */
void fw_nl_monitor_drain(struct fw_nl_mon *m);
void fw_nl_monitor_close(struct fw_nl_mon *m);

/* --- attachments (attach.c) ------------------------------------------------ */

struct fw_attachment {
	int ifindex;
	char name[IF_NAMESIZE];
	bool xdp;			/* our XDP program is attached */
	uint8_t xdp_mode;		/* enum fw_mode of the attachment */
	bool xdp_multiprog;		/* through libxdp's dispatcher */
	uint32_t xdp_prog_id;
	bool tc;			/* our tc egress program is attached */
	uint32_t tc_prog_id;
};

/*
 * Attach XDP (mode FW_MODE_AUTO: native, then skb) and, with 'egress', the
 * tc program; without 'egress', detach the tc program if it is there.
 * Nothing is done for what is attached already.
 */
int fw_attach(struct fw_state *st, const char *ifname, int mode, bool egress,
	      struct fw_attachment *out);
int fw_detach(struct fw_state *st, int ifindex, const char *ifname);
/* Our attachment on one link; 0 with a->xdp/a->tc set as found. */
int fw_query(const struct fw_state *st, int ifindex, const char *ifname,
	     struct fw_attachment *a);
/* All our attachments in this netns: count, or -errno; *out malloc'd. */
int fw_query_all(const struct fw_state *st, struct fw_attachment **out);

/* --- hardware offload, "mode": "hw" (hw.c) ----------------------------------- */

struct fw_hw_tables {
	struct fw_hw_cfg cfg;
	struct fw_hw_rule rules[FW_HW_MAX_RULES];
};

/*
 * The ingress policy in the offload subset (fw_hw.h): 0, or -EINVAL with
 * *err at the first rule or matcher it cannot express.
 */
int fw_hw_compile(const struct fw_policy *pol, struct fw_hw_tables *t, struct fw_err *err);
/* Write t into the standby generation of maps fd[] (gen, cfg, rules), flip. */
int fw_hw_write(const int fd[3], const struct fw_hw_tables *t);
/* fw_hw_compile, printing a policy error: 0 or -EINVAL. */
int fw_hw_tables_of(const struct fw_policy *pol, struct fw_hw_tables *t);
/* The same for the active policy; -ENOENT (said) when none is applied. */
int fw_hw_tables_active(const struct fw_state *st, struct fw_hw_tables *t);
/*
 * Offload the active policy to ifindex: maps on the device, the program
 * loaded for it, attached with XDP_FLAGS_HW_MODE, pinned under
 * PIN_DIR/hw/IFINDEX. A refusal is reported with the interface, its driver
 * and the kernel's errno and message; nothing is left behind.
 */
int fw_hw_attach(struct fw_state *st, int ifindex, const char *ifname,
		 struct fw_attachment *a);
/* Our offloaded program on ifindex: fills *a (mode hw) and true. */
bool fw_hw_query(const struct fw_state *st, int ifindex, struct fw_attachment *a);
int fw_hw_detach(const struct fw_state *st, int ifindex, const char *ifname);
/*
 * Before an apply: when hw attachments exist, pol must compile for them
 * (*t filled): their count, 0 when there is none, or -EINVAL (said).
 */
int fw_hw_check(const struct fw_state *st, const struct fw_policy *pol,
		struct fw_hw_tables *t);
/* After the host's flip: write t to every hw attachment. */
int fw_hw_update_all(const struct fw_state *st, const struct fw_hw_tables *t);
void fw_hw_unpin_all(const struct fw_state *st);

/* --- interfaces a policy selects; last known-good (targets.c) -------------- */

struct fw_target {
	int ifindex;
	char name[IF_NAMESIZE];
	int entry;		/* index in pol->ifaces */
};

/*
 * The entry of pol->ifaces that selects ifname, or -1: a plain name wins
 * over the patterns, then the first pattern (fnmatch) that matches.
 */
int fw_iface_entry(const struct fw_policy *pol, const char *ifname);
/* The existing links pol selects: count, or -errno; *out malloc'd. */
int fw_policy_targets(const struct fw_policy *pol, struct fw_target **out);
/*
 * Save pol (as applied) to path, atomically, for the next boot: the file's
 * own bytes, or, when sets are read from files, a copy whose "file" keys
 * point at copies of the sets beside path (PATH-BASE.set.NAME.txt).
 */
int fw_save_last_good(const struct fw_policy *pol, const char *path);

#endif /* FW_FWCTL_H */
