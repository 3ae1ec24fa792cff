// SPDX-License-Identifier: GPL-2.0
/*
 * obs.c - observability's part of apply and state (issue 5):
 *  - apply: the standby table's log limits written, its log counters zeroed;
 *  - reading the per-CPU counters of interfaces and log slots.
 * (Its part of compile is log_compile.c: pure, no kernel.)
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "fwctl.h"

int fw_log_write(const struct fw_state *st, uint32_t tbl, const struct fw_dir_tables *dt)
{
	int ncpu = libbpf_num_possible_cpus();
	struct fw_logcfg cfg[FW_LOG_MAX] = { { 0, 0 } };	/* unused slots: off */
	uint32_t keys[FW_LOG_MAX];
	struct fw_logcnt *zeros;
	int ret;

	if (ncpu < 0)
		return ncpu;
	zeros = calloc((size_t)ncpu * FW_LOG_MAX, sizeof(*zeros));
	if (!zeros)
		return -ENOMEM;
	for (uint32_t i = 0; i < FW_LOG_MAX; i++) {
		keys[i] = FW_LOG_SLOT(tbl, i);
		if (i < dt->n_log)
			cfg[i] = dt->logcfg[i];
	}
	/* two batches, not 512 updates (1 ms of every apply) */
	ret = fw_array_put(st->fd[M_LOGCFG], keys, cfg, sizeof(cfg[0]), FW_LOG_MAX);
	if (!ret)
		ret = fw_array_put(st->fd[M_LOGCNT], keys, zeros, sizeof(*zeros) * (size_t)ncpu,
				   FW_LOG_MAX);
	free(zeros);
	return ret;
}

int fw_read_logcnt(const struct fw_state *st, uint32_t slot, struct fw_logcnt *out)
{
	return fw_read_percpu_sum(st->fd[M_LOGCNT], slot, (uint64_t *)out,
				  sizeof(*out) / sizeof(uint64_t));
}

static int cmp_ifstat(const void *a, const void *b)
{
	const struct fw_ifstat_entry *x = a, *y = b;

	if (x->key.ifindex != y->key.ifindex)
		return x->key.ifindex < y->key.ifindex ? -1 : 1;
	return (int)x->key.dir - (int)y->key.dir;
}

/* Append key's per-CPU values pc (summed) to *v unless all zero. */
static int ifstat_push(struct fw_ifstat_entry **v, size_t *n, size_t *cap,
		       struct fw_ifstat_key key, const struct fw_ifstat *pc, int ncpu)
{
	struct fw_ifstat_entry e = { .key = key };
	bool any = false;

	for (int c = 0; c < ncpu; c++)
		for (int a = 0; a < FW_IFSTAT_NACT; a++) {
			e.st.act[a].packets += pc[c].act[a].packets;
			e.st.act[a].bytes += pc[c].act[a].bytes;
			any |= pc[c].act[a].packets != 0;
		}
	if (!any)
		return 0;
	if (*n == *cap) {
		struct fw_ifstat_entry *nv;

		*cap = *cap ? 2 * *cap : 16;
		nv = realloc(*v, *cap * sizeof(**v));
		if (!nv)
			return -ENOMEM;
		*v = nv;
	}
	(*v)[(*n)++] = e;
	return 0;
}

int fw_read_ifstats(const struct fw_state *st, struct fw_ifstat_entry **out)
{
	int ncpu = libbpf_num_possible_cpus();
	struct fw_ifstat_key key, next;
	struct fw_ifstat_entry *v = NULL;
	struct fw_ifstat *pc;
	size_t n = 0, cap = 0;
	void *prev = NULL;
	int ret = 0;

	*out = NULL;
	if (ncpu < 0)
		return ncpu;
	pc = calloc((size_t)ncpu, sizeof(*pc));
	if (!pc)
		return -ENOMEM;
	/* the array: interfaces below FW_IFCNT_MAX that have seen a packet */
	for (uint32_t i = 0; i < FW_IFCNT_MAX * FW_NDIR && !ret; i++) {
		key.ifindex = i / FW_NDIR;
		key.dir = i % FW_NDIR;
		if (bpf_map_lookup_elem(st->fd[M_IFCNT], &i, pc))
			ret = -errno;
		else
			ret = ifstat_push(&v, &n, &cap, key, pc, ncpu);
	}
	/* the hash: the others */
	while (!ret && !bpf_map_get_next_key(st->fd[M_IFSTAT], prev, &next)) {
		key = next;
		prev = &key;
		if (bpf_map_lookup_elem(st->fd[M_IFSTAT], &key, pc)) {
			if (errno == ENOENT)
				continue;	/* evicted meanwhile */
			ret = -errno;
			break;
		}
		ret = ifstat_push(&v, &n, &cap, key, pc, ncpu);
	}
	free(pc);
	if (ret) {
		free(v);
		return ret;
	}
	if (n)
		qsort(v, n, sizeof(*v), cmp_ifstat);
	*out = v;
	return (int)n;
}
