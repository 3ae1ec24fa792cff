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
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "fwctl.h"
#include "fwd.h"
#include "sha256.h"
#include "limit.h"

/* Update the n array elements keys[i] from vals (vsize bytes each); batched. */
int fw_array_put(int fd, const uint32_t *keys, const void *vals, size_t vsize,
		     uint32_t n)
{
	LIBBPF_OPTS(bpf_map_batch_opts, opts);
	uint32_t count = n;
	int ret;

	if (!n || !bpf_map_update_batch(fd, keys, vals, &count, &opts))
		return 0;
	ret = -errno;
	if (ret == -EINVAL || ret == -524 /* ENOTSUPP */ || ret == -EOPNOTSUPP) {
		ret = 0;	/* no batch ops: one by one */
		for (uint32_t i = 0; i < n && !ret; i++)
			if (bpf_map_update_elem(fd, &keys[i], (const char *)vals + i * vsize,
						BPF_ANY))
				ret = -errno;
	}
	return ret;
}

/* Update n array elements [first, first + n) from vals; batched. */
static int array_fill(int fd, uint32_t first, const void *vals, size_t vsize,
		      uint32_t n)
{
	uint32_t *keys;
	int ret;

	if (!n)
		return 0;
	keys = malloc(n * sizeof(*keys));
	if (!keys)
		return -ENOMEM;
	for (uint32_t i = 0; i < n; i++)
		keys[i] = first + i;
	ret = fw_array_put(fd, keys, vals, vsize, n);
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

		if (e->family == 4 && dt->a4root[e->field])
			continue;	/* looked up in fw_addr4 instead */
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

static int iface_clear(const struct fw_state *st, uint32_t gen)
{
	struct fw_iface_key k, next, doomed[FW_MAX_IFACE_KEYS];
	void *prev = NULL;
	size_t n = 0;

	while (!bpf_map_get_next_key(st->fd[M_IFACE], prev, &next)) {
		if (next.tbl / FW_NDIR == gen && n < FW_MAX_IFACE_KEYS)
			doomed[n++] = next;
		k = next;
		prev = &k;
	}
	for (size_t i = 0; i < n; i++)
		if (bpf_map_delete_elem(st->fd[M_IFACE], &doomed[i]) && errno != ENOENT)
			return -errno;
	return 0;
}

static int iface_write(const struct fw_state *st, uint32_t tbl,
		       const struct fw_dir_tables *dt)
{
	for (size_t i = 0; i < dt->n_iface; i++) {
		struct fw_iface_key k = { .tbl = tbl, .ifindex = dt->iface[i].ifindex };

		if (bpf_map_update_elem(st->fd[M_IFACE], &k, &dt->iface[i].cls, BPF_ANY))
			return -errno;
	}
	return 0;
}

/* --- sets: one LPM trie per family and generation, swapped in whole ------- */

static int set_key(const struct fw_prefix *p, uint32_t slot, uint8_t *key)
{
	struct fw_set4_key k4 = { .prefixlen = 32u + p->plen, .slot = slot };
	struct fw_set6_key k6 = { .prefixlen = 32u + p->plen, .slot = slot };

	if (p->family == 4) {
		memcpy(k4.addr, p->addr, 4);
		memcpy(key, &k4, sizeof(k4));
		return 0;
	}
	memcpy(k6.addr, p->addr, 16);
	memcpy(key, &k6, sizeof(k6));
	return 1;
}

/* Insert elements into the family tries fd[0] (IPv4) and fd[1] (IPv6). */
static int set_insert(const int fd[2], uint32_t slot,
		      const struct fw_prefix *e, size_t n)
{
	LIBBPF_OPTS(bpf_map_batch_opts, opts);
	static const size_t ksz[2] = { sizeof(struct fw_set4_key),
				       sizeof(struct fw_set6_key) };
	uint8_t *keys[2] = { NULL, NULL }, *vals = NULL;
	size_t cnt[2] = { 0, 0 };
	int ret = 0;

	keys[0] = malloc(n * ksz[0] + 1);
	keys[1] = malloc(n * ksz[1] + 1);
	vals = calloc(n + 1, 1);
	if (!keys[0] || !keys[1] || !vals) {
		ret = -ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		uint8_t key[sizeof(struct fw_set6_key)];
		int f = set_key(&e[i], slot, key);

		memcpy(keys[f] + cnt[f]++ * ksz[f], key, ksz[f]);
	}
	for (int f = 0; f < 2 && !ret; f++) {
		uint32_t count = (uint32_t)cnt[f];

		if (!cnt[f])
			continue;
		if (!bpf_map_update_batch(fd[f], keys[f], vals, &count, &opts))
			continue;
		/* LPM tries have no batch update: one by one */
		for (size_t i = 0; i < cnt[f]; i++)
			if (bpf_map_update_elem(fd[f], keys[f] + i * ksz[f], vals, BPF_ANY)) {
				ret = -errno;
				break;
			}
	}
out:
	free(keys[0]);
	free(keys[1]);
	free(vals);
	return ret;
}

static int set_trie_create(int family)
{
	LIBBPF_OPTS(bpf_map_create_opts, opts, .map_flags = BPF_F_NO_PREALLOC);

	return bpf_map_create(BPF_MAP_TYPE_LPM_TRIE, family == 4 ? "fw_set4" : "fw_set6",
			      family == 4 ? sizeof(struct fw_set4_key)
					  : sizeof(struct fw_set6_key),
			      1, FW_SET_MAX_ELEMS, &opts);
}

static int sets_write(const struct fw_state *st, uint32_t gen,
		      const struct fw_policy *pol)
{
	int fd[2] = { -1, -1 }, ret = 0;

	if (!pol->n_sets) {		/* nothing to look up: free the old tries */
		for (int f = 0; f < 2; f++)
			if (bpf_map_delete_elem(st->fd[f ? M_SETS6 : M_SETS4], &gen) &&
			    errno != ENOENT)
				return -errno;
		return 0;
	}
	for (int f = 0; f < 2; f++) {
		fd[f] = set_trie_create(f ? 6 : 4);
		if (fd[f] < 0) {
			ret = -errno;
			goto out;
		}
	}
	for (size_t s = 0; s < pol->n_sets && !ret; s++)
		ret = set_insert(fd, (uint32_t)s, pol->sets[s].elems, pol->sets[s].n_elems);
	for (int f = 0; f < 2 && !ret; f++)
		if (bpf_map_update_elem(st->fd[f ? M_SETS6 : M_SETS4], &gen, &fd[f], BPF_ANY))
			ret = -errno;
out:
	for (int f = 0; f < 2; f++)
		if (fd[f] >= 0)
			close(fd[f]);	/* the outer map holds them now */
	return ret;
}

/* The live trie of one family of generation gen: an fd, or -errno. */
static int set_trie_get(const struct fw_state *st, uint32_t gen, int family)
{
	uint32_t id;
	int fd;

	if (bpf_map_lookup_elem(st->fd[family == 4 ? M_SETS4 : M_SETS6], &gen, &id))
		return errno == ENOENT ? -ENOENT : -errno;
	fd = bpf_map_get_fd_by_id(id);
	return fd < 0 ? -errno : fd;
}

/*
 * The verdict cache (dp/classify.h) keys its entries by fw_tblcfg.epoch:
 * a value no table had before, given to a generation's tables when they are
 * written, switched to (rollback) or their sets change, so that no entry
 * computed from other tables or sets is ever read again.
 */
static uint32_t next_epoch(const struct fw_state *st)
{
	uint32_t e = 0;

	for (uint32_t tbl = 0; tbl < FW_NTBL; tbl++) {
		struct fw_tblcfg cfg;

		if (!bpf_map_lookup_elem(st->fd[M_TBLCFG], &tbl, &cfg) && cfg.epoch > e)
			e = cfg.epoch;
	}
	return e + 1;
}

int fw_epoch_bump(const struct fw_state *st, uint32_t gen)
{
	uint32_t e = next_epoch(st);

	for (uint32_t d = 0; d < FW_NDIR; d++) {
		uint32_t tbl = FW_TBL(gen & 1, d);
		struct fw_tblcfg cfg;

		if (bpf_map_lookup_elem(st->fd[M_TBLCFG], &tbl, &cfg))
			return -errno;
		if (!cfg.valid)
			continue;
		cfg.epoch = e;
		if (bpf_map_update_elem(st->fd[M_TBLCFG], &tbl, &cfg, BPF_EXIST))
			return -errno;
	}
	return 0;
}

int fw_set_add(const struct fw_state *st, uint32_t gen, uint32_t slot,
	       const struct fw_prefix *elems, size_t n)
{
	int fd[2], ret;

	fd[0] = set_trie_get(st, gen, 4);
	if (fd[0] < 0)
		return fd[0];
	fd[1] = set_trie_get(st, gen, 6);
	if (fd[1] < 0) {
		close(fd[0]);
		return fd[1];
	}
	ret = set_insert(fd, slot, elems, n);
	close(fd[0]);
	close(fd[1]);
	if (fw_epoch_bump(st, gen) && !ret)	/* cached verdicts are stale */
		ret = -EIO;
	return ret ? ret : (int)n;
}

int fw_set_del(const struct fw_state *st, uint32_t gen, uint32_t slot,
	       const struct fw_prefix *elems, size_t n)
{
	int fd[2], ret = 0;
	size_t deleted = 0;

	fd[0] = set_trie_get(st, gen, 4);
	if (fd[0] < 0)
		return fd[0];
	fd[1] = set_trie_get(st, gen, 6);
	if (fd[1] < 0) {
		close(fd[0]);
		return fd[1];
	}
	for (size_t i = 0; i < n && !ret; i++) {
		uint8_t key[sizeof(struct fw_set6_key)];
		int f = set_key(&elems[i], slot, key);

		if (bpf_map_delete_elem(fd[f], key))
			ret = -errno;
		else
			deleted++;
	}
	close(fd[0]);
	close(fd[1]);
	/* cached verdicts are stale if the set changed (else nothing changes) */
	if (deleted && fw_epoch_bump(st, gen) && !ret)
		ret = -EIO;
	return ret ? ret : (int)n;
}

int fw_set_list(const struct fw_state *st, uint32_t gen, uint32_t slot,
		struct fw_prefix **out, size_t *n)
{
	size_t cap = 0;
	int ret = 0;

	*out = NULL;
	*n = 0;
	for (int f = 0; f < 2 && !ret; f++) {
		size_t ksz = f ? sizeof(struct fw_set6_key) : sizeof(struct fw_set4_key);
		uint8_t key[sizeof(struct fw_set6_key)], next[sizeof(struct fw_set6_key)];
		void *prev = NULL;
		int fd = set_trie_get(st, gen, f ? 6 : 4);

		if (fd < 0)
			return fd;
		while (!bpf_map_get_next_key(fd, prev, next)) {
			uint32_t plen, s;

			memcpy(&plen, next, 4);
			memcpy(&s, next + 4, 4);
			if (s == slot) {
				struct fw_prefix *p;

				if (*n == cap) {
					cap = cap ? cap * 2 : 1024;
					p = realloc(*out, cap * sizeof(*p));
					if (!p) {
						ret = -ENOMEM;
						break;
					}
					*out = p;
				}
				p = &(*out)[(*n)++];
				memset(p, 0, sizeof(*p));
				p->family = f ? 6 : 4;
				p->plen = (uint8_t)(plen - 32);
				memcpy(p->addr, next + 8, ksz - 8);
			}
			memcpy(key, next, ksz);
			prev = key;
		}
		close(fd);
	}
	return ret;
}

/*
 * Zero the per-CPU counters of table tbl that the new tables can count
 * into and fwctl reads (stats, show): fw_rcnt of rules [0, n_rules) and of
 * the default action, fw_rlim of the rules with a rate limit. The others
 * keep what an older policy left there: the data path never counts into
 * them for these tables (a rule index is below n_rules; fw_rlim only for
 * FW_RF_LIMIT rules) and nothing reads them; a later policy that uses
 * them zeroes them first, here. (Zeroing all FW_NCNT of both maps took
 * 7 ms per table: the kernel's batch update costs per element.)
 */
static int zero_counters(const struct fw_state *st, uint32_t tbl,
			 const struct fw_dir_tables *dt)
{
	int ncpu = libbpf_num_possible_cpus();
	uint32_t *keys, n = 0, nlim = 0;
	void *zeros;
	int ret;

	if (ncpu < 0)
		return ncpu;
	keys = malloc(((size_t)dt->n_rules + 1) * sizeof(*keys));
	zeros = calloc(((size_t)dt->n_rules + 1) * (size_t)ncpu, sizeof(struct fw_counter));
	if (!keys || !zeros) {
		ret = -ENOMEM;
		goto out;
	}
	for (uint32_t r = 0; r < dt->n_rules; r++)
		keys[n++] = tbl * FW_NCNT + r;
	keys[n++] = tbl * FW_NCNT + FW_MAX_RULES;
	ret = fw_array_put(st->fd[M_RCNT], keys, zeros, sizeof(struct fw_counter) * (size_t)ncpu, n);
	if (ret)
		goto out;
	for (uint32_t r = 0; r < dt->n_rules; r++)
		if (dt->rules[r].flags & FW_RF_LIMIT)
			keys[nlim++] = tbl * FW_NCNT + r;
	ret = fw_array_put(st->fd[M_RLIM], keys, zeros, sizeof(struct fw_counter) * (size_t)ncpu,
			nlim);
out:
	free(keys);
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

/*
 * A step of fw_apply_tables(): what it does, for the error message, and a
 * FWCTL_TIMING mark (the time it prints is the previous step's).
 */
#define STEP(s)	(fw_phase("apply: <- " s), what = (s))

int fw_apply_tables(struct fw_state *st, const struct fw_tables *t,
		    const struct fw_policy *pol, uint32_t *new_gen)
{
	uint32_t active, gen, zero = 0, epoch;
	struct fw_hw_tables hwt;
	const char *what;
	int ret, hw;

	ret = fw_read_active_gen(st, &active);
	if (ret)
		return fw_err(ret, "cannot read the active generation");
	gen = active ^ 1;
	hw = fw_hw_check(st, pol, &hwt);	/* offloaded copies must follow */
	if (hw < 0)
		return fw_err(hw, "cannot apply a policy the offloaded (hw mode) attachments cannot run (the running policy is unchanged)");

	fw_phase("apply: hw check");
	what = "invalidate the standby generation";
	for (uint32_t d = 0; d < FW_NDIR; d++) {
		struct fw_tblcfg off = { 0 };
		uint32_t tbl = FW_TBL(gen, d);

		if (bpf_map_update_elem(st->fd[M_TBLCFG], &tbl, &off, BPF_ANY)) {
			ret = -errno;
			goto fail;
		}
	}
	STEP("clear the standby prefixes");
	ret = lpm_clear(st->fd[M_LPM4], sizeof(struct fw_lpm4_key), gen);
	if (!ret)
		ret = lpm_clear(st->fd[M_LPM6], sizeof(struct fw_lpm6_key), gen);
	if (ret)
		goto fail;
	STEP("clear the standby interface classes");
	ret = iface_clear(st, gen);
	if (ret)
		goto fail;
	STEP("load the sets");
	ret = sets_write(st, gen, pol);
	if (ret)
		goto fail;

	STEP("write the rate limits");
	ret = fw_limits_write(st, gen, t);
	if (ret)
		goto fail;

	STEP("write the classes");
	ret = array_fill(st->fd[M_CLS], gen * FW_MAX_CLASSES, t->hdr,
			 sizeof(*t->hdr), (uint32_t)t->n_cls);
	if (ret)
		goto fail;
	STEP("write the class bitmaps");
	ret = array_fill(st->fd[M_CHUNK], gen * FW_MAX_CHUNKS, t->chunk,
			 sizeof(*t->chunk), t->n_chunk);
	if (ret)
		goto fail;

	fw_phase("apply: class bitmaps");
	for (uint32_t d = 0; d < FW_NDIR; d++) {
		const struct fw_dir_tables *dt = &t->dir[d];
		uint32_t tbl = FW_TBL(gen, d);

		what = "write the direct-indexed tables";
		if (bpf_map_update_elem(st->fd[M_DTAB], &tbl, dt->dt, BPF_ANY)) {
			ret = -errno;
			goto fail;
		}
		STEP("write the interface classes");
		ret = iface_write(st, tbl, dt);
		if (ret)
			goto fail;
		STEP("write the rules");
		ret = array_fill(st->fd[M_RULES], tbl * FW_MAX_RULES, dt->rules,
				 sizeof(*dt->rules), dt->n_rules);
		if (ret)
			goto fail;
		STEP("reset the rule counters");
		ret = zero_counters(st, tbl, dt);	/* and the over-limit counters */
		if (ret)
			goto fail;
		STEP("write the log limits");
		ret = fw_log_write(st, tbl, dt);
		if (ret)
			goto fail;
		STEP("write the prefixes");
		ret = lpm_write(st, tbl, dt);
		if (ret)
			goto fail;
		STEP("write the IPv4 address tables");
		for (uint32_t f = 0; f < 2 && !ret; f++)
			if (dt->a4root[f])
				ret = array_fill(st->fd[M_ADDR4], FW_A4_ROOT(tbl, f), dt->a4root[f],
						 sizeof(*dt->a4root[f]), 256);
		if (ret)
			goto fail;
	}
	what = "write the IPv4 address tables";
	ret = array_fill(st->fd[M_ADDR4], FW_A4_CHILD(gen, 0), t->a4child,
			 sizeof(*t->a4child), t->n_a4child);
	if (ret)
		goto fail;

	fw_phase("apply: a4 children");
	ret = fw_apply_fwd(st, t, gen, &what);	/* forwarding (fwd.c) */
	if (ret)
		goto fail;

	STEP("record the policy");
	ret = write_meta(st, gen, pol);
	if (ret)
		goto fail;

	STEP("set up the conntrack table");
	ret = fw_ct_prepare(st, t);
	if (!ret && bpf_map_update_elem(st->fd[M_CTCFG], &gen, &t->ct, BPF_ANY))
		ret = -errno;
	if (ret)
		goto fail;

	STEP("validate the standby generation");
	epoch = next_epoch(st);
	for (uint32_t d = 0; d < FW_NDIR; d++) {
		struct fw_tblcfg cfg = {
			.valid = 1,
			.n_rules = t->dir[d].n_rules,
			.default_action = t->dir[d].default_action,
			.non_ip_action = t->non_ip_action,
			.frag_mode = t->frag_mode,
			.malformed_action = t->malformed_action,
			.flags = t->dir[d].flags,
			.src_sets = t->dir[d].src_sets,
			.dst_sets = t->dir[d].dst_sets,
			.active = t->dir[d].active,
			.nslots = t->dir[d].nslots,
			.vcache = t->dir[d].vcache,
			.epoch = epoch,
		};
		uint32_t tbl = FW_TBL(gen, d);

		memcpy(cfg.slot, t->dir[d].slot, sizeof(cfg.slot));
		if (bpf_map_update_elem(st->fd[M_TBLCFG], &tbl, &cfg, BPF_ANY)) {
			ret = -errno;
			goto fail;
		}
	}

	STEP("switch to the new generation");
	if (bpf_map_update_elem(st->fd[M_GEN], &zero, &gen, BPF_ANY)) {
		ret = -errno;
		goto fail;
	}
	if (new_gen)
		*new_gen = gen;
	if (hw > 0 && fw_hw_update_all(st, &hwt))
		return -EIO;	/* the host runs the new policy, a NIC may not */
	return 0;
fail:
	return fw_err(ret, "cannot %s (the running policy is unchanged)", what);
}
#undef STEP

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
