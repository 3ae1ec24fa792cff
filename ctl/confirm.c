// SPDX-License-Identifier: GPL-2.0
/*
 * confirm.c - generations as whole policies: whether one is complete, the
 * switch to it (what apply's flip and rollback share), and the pinned
 * commit-confirm record that a detached timer acts on.
 */
#include <errno.h>
#include <string.h>
#include <time.h>
#include <bpf/bpf.h>
#include "fwctl.h"

uint64_t fw_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

bool fw_gen_valid(const struct fw_state *st, uint32_t gen)
{
	struct fw_meta_info mi;

	for (uint32_t d = 0; d < FW_NDIR; d++) {
		struct fw_tblcfg cfg;
		uint32_t tbl = FW_TBL(gen & 1, d);

		if (bpf_map_lookup_elem(st->fd[M_TBLCFG], &tbl, &cfg) || !cfg.valid)
			return false;
	}
	if (fw_read_meta(st, gen & 1, &mi))
		return false;
	fw_meta_info_free(&mi);
	return true;
}

int fw_switch_gen(const struct fw_state *st, uint32_t gen)
{
	uint32_t zero = 0;

	gen &= 1;
	if (!fw_gen_valid(st, gen))
		return -ENOENT;
	if (fw_epoch_bump(st, gen))	/* verdicts cached before: stale */
		return -EIO;
	if (bpf_map_update_elem(st->fd[M_GEN], &zero, &gen, BPF_ANY))
		return -errno;
	return 0;
}

int fw_confirm_read(const struct fw_state *st, struct fw_confirm *c)
{
	uint32_t zero = 0;

	memset(c, 0, sizeof(*c));
	if (st->fd[M_CONFIRM] < 0)
		return 0;		/* no record yet: nothing pending */
	if (bpf_map_lookup_elem(st->fd[M_CONFIRM], &zero, c))
		return -errno;
	return 0;
}

int fw_confirm_write(const struct fw_state *st, const struct fw_confirm *c)
{
	uint32_t zero = 0;

	if (st->fd[M_CONFIRM] < 0)
		return -ENOENT;
	if (bpf_map_update_elem(st->fd[M_CONFIRM], &zero, c, BPF_ANY))
		return -errno;
	return 0;
}
