// SPDX-License-Identifier: GPL-2.0
/*
 * ct.c - the conntrack flow table's life on the control side (issue 5):
 * created by apply at the policy's size as the inner map of the pinned
 * fw_ct (so a size change needs no program reload: a new table is swapped
 * in with the entries copied over), and found again by 'fwctl ct'.
 */
#include <errno.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include "fwctl.h"

uint64_t fw_mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

int fw_ct_table_fd(const struct fw_state *st)
{
	uint32_t zero = 0, id;
	int fd;

	if (st->fd[M_CT] < 0)
		return -ENOENT;
	if (bpf_map_lookup_elem(st->fd[M_CT], &zero, &id))
		return errno == ENOENT ? -ENOENT : -errno;
	fd = bpf_map_get_fd_by_id(id);
	return fd < 0 ? -errno : fd;
}

static int table_size(int fd, uint32_t *size)
{
	struct bpf_map_info info = { 0 };
	uint32_t len = sizeof(info);

	if (bpf_obj_get_info_by_fd(fd, &info, &len))
		return -errno;
	*size = info.max_entries;
	return 0;
}

/* Copy every entry of from into to (an LRU keeps the last ones written). */
static int copy_entries(int from, int to)
{
	struct fw_ct_key k, next;
	struct fw_ct_entry e;
	void *prev = NULL;

	while (!bpf_map_get_next_key(from, prev, &next)) {
		if (!bpf_map_lookup_elem(from, &next, &e) &&
		    bpf_map_update_elem(to, &next, &e, BPF_ANY))
			return -errno;
		k = next;
		prev = &k;
	}
	return errno == ENOENT ? 0 : -errno;
}

int fw_ct_prepare(const struct fw_state *st, const struct fw_tables *t)
{
	LIBBPF_OPTS(bpf_map_create_opts, opts);
	uint32_t zero = 0, size = 0;
	int old, fd, ret = 0;

	if (!(t->ct.flags & FW_CTF_ON))
		return 0;		/* an existing table stays, unused */
	old = fw_ct_table_fd(st);
	if (old >= 0) {
		ret = table_size(old, &size);
		if (ret || size == t->ct.size) {
			close(old);
			return ret;
		}
	} else if (old != -ENOENT) {
		return old;
	}
	fd = bpf_map_create(BPF_MAP_TYPE_LRU_HASH, "fw_ct_tbl", sizeof(struct fw_ct_key),
			    sizeof(struct fw_ct_entry), t->ct.size, &opts);
	if (fd < 0) {
		ret = -errno;
		goto out;
	}
	if (old >= 0)
		ret = copy_entries(old, fd);
	if (!ret && bpf_map_update_elem(st->fd[M_CT], &zero, &fd, BPF_ANY))
		ret = -errno;
	fw_debug("conntrack table: %u entries%s", t->ct.size,
		 old >= 0 ? " (replaced, entries copied)" : "");
	close(fd);
out:
	if (old >= 0)
		close(old);
	return ret;
}
