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
#include "compile.h"

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

void fw_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void fw_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Print "Error: <msg>[: strerror(-err)]" and return err. */
int fw_err(int err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Route libbpf/libxdp messages: warnings at -v, debug at -vv. */
void fw_setup_lib_logging(void);

/* --- pinned state (state.c) ------------------------------------------------ */

enum fw_map_idx {
	M_GEN, M_TBLCFG, M_LPM4, M_LPM6, M_DTAB, M_CLS, M_RULES, M_RCNT, M_STATS,
	M_IFACE, M_SETS4, M_SETS6,
	M_META, M_CONFIRM,
	FW_NMAPS,
};
extern const char *const fw_map_names[FW_NMAPS];

struct fw_state {
	char pin_dir[PATH_MAX];
	int lock_fd;
	int fd[FW_NMAPS];
	uint32_t gen_map_id;	/* identifies programs using these maps */
};

#define FW_STATE_INIT { .lock_fd = -1, .fd = { -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1 } }

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
int fw_set_add(const struct fw_state *st, uint32_t gen, uint32_t slot,
	       const struct fw_prefix *elems, size_t n);
int fw_set_del(const struct fw_state *st, uint32_t gen, uint32_t slot,
	       const struct fw_prefix *elems, size_t n);
int fw_set_list(const struct fw_state *st, uint32_t gen, uint32_t slot,
		struct fw_prefix **out, size_t *n);
void fw_meta_info_free(struct fw_meta_info *mi);

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
	bool up;
};

/* Ifindex of a link by name: > 0, or -ENODEV / -errno. */
int fw_nl_ifindex(const char *name);
int fw_nl_link(int ifindex, struct fw_link *out);
/* Number of tc filters under parent (e.g. clsact egress), or -errno. */
int fw_nl_tc_filter_count(int ifindex, uint32_t parent);
/* All links of this network namespace: count, or -errno; *out malloc'd. */
int fw_nl_links(struct fw_link **out);

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

#endif /* FW_FWCTL_H */
