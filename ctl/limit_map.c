// SPDX-License-Identifier: GPL-2.0
/*
 * limit_map.c - rate limits, the kernel side of an apply: generation gen's
 * limit configurations (fw_limcfg) with a fresh epoch, full buckets
 * (fw_limst zeroed; per-source buckets of older epochs are never looked up
 * again and age out of the fw_limsrc LRU), and zeroed over-limit counters
 * (fw_rlim). Called by apply.c before the flip, so a failure leaves the
 * running policy alone.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/random.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "fwctl.h"
#include "limit.h"

static uint32_t new_epoch(void)
{
	uint32_t e = 0;
	struct timespec ts;

	if (getrandom(&e, sizeof(e), GRND_NONBLOCK) != sizeof(e)) {
		clock_gettime(CLOCK_MONOTONIC, &ts);
		e = (uint32_t)(ts.tv_nsec ^ ts.tv_sec * 2654435761u);
	}
	return e ? e : 1;
}

int fw_limits_write(const struct fw_state *st, uint32_t gen, const struct fw_tables *t)
{
	const struct fw_lstate full = { 0 };
	uint32_t epoch = new_epoch();

	for (uint32_t i = 0; i < t->n_limits; i++) {
		uint32_t k = FW_LIMIT_IDX(gen, i);
		struct fw_limit l = t->limits[i];

		l.epoch = epoch;
		if (bpf_map_update_elem(st->fd[M_LIMST], &k, &full, BPF_ANY) ||
		    bpf_map_update_elem(st->fd[M_LIMCFG], &k, &l, BPF_ANY))
			return -errno;
	}
	return 0;
}

int fw_limit_over_count(const struct fw_state *st, uint32_t tbl, uint32_t r,
			struct fw_counter *c)
{
	return fw_read_counter(st->fd[M_RLIM], tbl * FW_NCNT + r, c);
}
