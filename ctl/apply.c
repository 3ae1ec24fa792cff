// SPDX-License-Identifier: GPL-2.0
/*
 * apply.c - stage 3: write compiled tables into the standby generation of
 * the pinned maps, then make it live by storing its number in fw_gen (one
 * 32-bit store: a packet sees either the whole old or the whole new policy).
 *
 * The previous generation is left intact until the next apply starts, so
 * packets in flight during the flip finish on consistent tables, and the
 * previous policy stays available. Any failure before the flip leaves the
 * running policy untouched.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "fwctl.h"
#include "sha256.h"

/* Update n array elements [first, first + n) from vals; batched. */
static int array_fill(int fd, uint32_t first, const void *vals, size_t vsize,
		      uint32_t n)
{
	LIBBPF_OPTS(bpf_map_batch_opts, opts);
	uint32_t *keys;
	uint32_t count = n;
	int ret = 0;

	if (!n)
		return 0;
	keys = malloc(n * sizeof(*keys));
	if (!keys)
		return -ENOMEM;
	for (uint32_t i = 0; i < n; i++)
		keys[i] = first + i;
	if (bpf_map_update_batch(fd, keys, vals, &count, &opts)) {
		ret = -errno;
		if (ret == -EINVAL || ret == -524 /* ENOTSUPP */ || ret == -EOPNOTSUPP) {
			ret = 0;	/* no batch ops: one by one */
			for (uint32_t i = 0; i < n && !ret; i++)
				if (bpf_map_update_elem(fd, &keys[i],
							(const char *)vals + i * vsize, BPF_ANY))
					ret = -errno;
		}
	}
	free(keys);
	return ret;
}

/* Delete the LPM entries of generation gen from one trie. */
static int lpm_clear(int fd, size_t ksize, uint32_t gen)
{
	uint8_t key[sizeof(struct fw_lpm6_key)], next[sizeof(struct fw_lpm6_key)];
	uint8_t *doomed = NULL;
	size_t n = 0, cap = 0;
	void *prev = NULL;
	int ret = 0;

	while (!bpf_map_get_next_key(fd, prev, next)) {
		uint32_t tag;

		memcpy(&tag, next + 4, 4);
		if ((tag >> 1) / FW_NDIR == gen) {
			if (n == cap) {
				uint8_t *p;

				cap = cap ? cap * 2 : 1024;
				p = realloc(doomed, cap * ksize);
				if (!p) {
					ret = -ENOMEM;
					goto out;
				}
				doomed = p;
			}
			memcpy(doomed + n++ * ksize, next, ksize);
		}
		memcpy(key, next, ksize);
		prev = key;
	}
	if (errno != ENOENT) {
		ret = -errno;
		goto out;
	}
	for (size_t i = 0; i < n; i++)
		if (bpf_map_delete_elem(fd, doomed + i * ksize) && errno != ENOENT) {
			ret = -errno;
			goto out;
		}
out:
	free(doomed);
	return ret;
}

static int lpm_write(const struct fw_state *st, uint32_t tbl,
		     const struct fw_dir_tables *dt)
{
	for (size_t i = 0; i < dt->n_lpm; i++) {
		const struct fw_lpm_entry *e = &dt->lpm[i];
		int ret;

		if (e->family == 4) {
			struct fw_lpm4_key k = {
				.prefixlen = 32u + e->plen,
				.tag = FW_LPM_TAG(tbl, e->field),
			};

			memcpy(k.addr, e->addr, 4);
			ret = bpf_map_update_elem(st->fd[M_LPM4], &k, &e->cls, BPF_ANY);
		} else {
			struct fw_lpm6_key k = {
				.prefixlen = 32u + e->plen,
				.tag = FW_LPM_TAG(tbl, e->field),
			};

			memcpy(k.addr, e->addr, 16);
			ret = bpf_map_update_elem(st->fd[M_LPM6], &k, &e->cls, BPF_ANY);
		}
		if (ret)
			return -errno;
	}
	return 0;
}

static int zero_counters(const struct fw_state *st, uint32_t tbl)
{
	int ncpu = libbpf_num_possible_cpus();
	void *zeros;
	int ret;

	if (ncpu < 0)
		return ncpu;
	zeros = calloc((size_t)FW_NCNT * (size_t)ncpu, sizeof(struct fw_counter));
	if (!zeros)
		return -ENOMEM;
	ret = array_fill(st->fd[M_RCNT], tbl * FW_NCNT, zeros,
			 sizeof(struct fw_counter) * (size_t)ncpu, FW_NCNT);
	free(zeros);
	return ret;
}

static int write_meta(const struct fw_state *st, uint32_t gen,
		      const struct fw_policy *pol)
{
	struct fw_meta *m;
	struct timespec ts;
	char *abs = NULL;
	int ret = 0;

	if (pol->text_len > FW_POLICY_MAX_BYTES)
		return -E2BIG;
	m = calloc(1, FW_META_SIZE);
	if (!m)
		return -ENOMEM;
	clock_gettime(CLOCK_REALTIME, &ts);
	m->magic = FW_META_MAGIC;
	m->layout = FW_LAYOUT_VERSION;
	m->valid = 1;
	m->text_len = (uint32_t)pol->text_len;
	m->loaded_ns = (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
	fw_sha256(pol->text, pol->text_len, m->sha256);
	if (pol->file)
		abs = realpath(pol->file, NULL);
	snprintf(m->path, sizeof(m->path), "%s", abs ? abs : pol->file ? pol->file : "");
	free(abs);
	memcpy(m + 1, pol->text, pol->text_len);
	if (bpf_map_update_elem(st->fd[M_META], &gen, m, BPF_ANY))
		ret = -errno;
	free(m);
	return ret;
}

int fw_apply_tables(struct fw_state *st, const struct fw_tables *t,
		    const struct fw_policy *pol, uint32_t *new_gen)
{
	uint32_t active, gen, zero = 0;
	const char *what;
	int ret;

	ret = fw_read_active_gen(st, &active);
	if (ret)
		return fw_err(ret, "cannot read the active generation");
	gen = active ^ 1;

	what = "invalidate the standby generation";
	for (uint32_t d = 0; d < FW_NDIR; d++) {
		struct fw_tblcfg off = { 0 };
		uint32_t tbl = FW_TBL(gen, d);

		if (bpf_map_update_elem(st->fd[M_TBLCFG], &tbl, &off, BPF_ANY)) {
			ret = -errno;
			goto fail;
		}
	}
	what = "clear the standby prefixes";
	ret = lpm_clear(st->fd[M_LPM4], sizeof(struct fw_lpm4_key), gen);
	if (!ret)
		ret = lpm_clear(st->fd[M_LPM6], sizeof(struct fw_lpm6_key), gen);
	if (ret)
		goto fail;

	what = "write the classes";
	ret = array_fill(st->fd[M_CLS], gen * FW_MAX_CLASSES, t->cls,
			 sizeof(*t->cls), (uint32_t)t->n_cls);
	if (ret)
		goto fail;

	for (uint32_t d = 0; d < FW_NDIR; d++) {
		const struct fw_dir_tables *dt = &t->dir[d];
		uint32_t tbl = FW_TBL(gen, d);

		what = "write the protocol and port tables";
		if (bpf_map_update_elem(st->fd[M_L4], &tbl, dt->l4, BPF_ANY)) {
			ret = -errno;
			goto fail;
		}
		what = "write the rules";
		ret = array_fill(st->fd[M_RULES], tbl * FW_MAX_RULES, dt->rules,
				 sizeof(*dt->rules), dt->n_rules);
		if (ret)
			goto fail;
		what = "reset the rule counters";
		ret = zero_counters(st, tbl);
		if (ret)
			goto fail;
		what = "write the prefixes";
		ret = lpm_write(st, tbl, dt);
		if (ret)
			goto fail;
	}

	what = "record the policy";
	ret = write_meta(st, gen, pol);
	if (ret)
		goto fail;

	what = "validate the standby generation";
	for (uint32_t d = 0; d < FW_NDIR; d++) {
		struct fw_tblcfg cfg = {
			.valid = 1,
			.n_rules = t->dir[d].n_rules,
			.default_action = t->dir[d].default_action,
			.non_ip_action = t->non_ip_action,
		};
		uint32_t tbl = FW_TBL(gen, d);

		if (bpf_map_update_elem(st->fd[M_TBLCFG], &tbl, &cfg, BPF_ANY)) {
			ret = -errno;
			goto fail;
		}
	}

	what = "switch to the new generation";
	if (bpf_map_update_elem(st->fd[M_GEN], &zero, &gen, BPF_ANY)) {
		ret = -errno;
		goto fail;
	}
	if (new_gen)
		*new_gen = gen;
	return 0;
fail:
	return fw_err(ret, "cannot %s (the running policy is unchanged)", what);
}

int fw_read_meta(const struct fw_state *st, uint32_t gen,
		 struct fw_meta_info *mi)
{
	struct fw_meta *m = malloc(FW_META_SIZE);
	int ret = 0;

	memset(mi, 0, sizeof(*mi));
	if (!m)
		return -ENOMEM;
	if (bpf_map_lookup_elem(st->fd[M_META], &gen, m)) {
		ret = -errno;
		goto out;
	}
	if (!m->valid) {
		ret = -ENOENT;
		goto out;
	}
	if (m->magic != FW_META_MAGIC || m->layout != FW_LAYOUT_VERSION ||
	    m->text_len > FW_POLICY_MAX_BYTES) {
		ret = -EPROTO;		/* written by an incompatible fwctl */
		goto out;
	}
	mi->meta = *m;
	mi->text = malloc(m->text_len + 1);
	if (!mi->text) {
		ret = -ENOMEM;
		goto out;
	}
	memcpy(mi->text, m + 1, m->text_len);
	mi->text[m->text_len] = '\0';
out:
	free(m);
	return ret;
}

void fw_meta_info_free(struct fw_meta_info *mi)
{
	free(mi->text);
	mi->text = NULL;
}
