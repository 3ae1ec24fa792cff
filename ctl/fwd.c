// SPDX-License-Identifier: GPL-2.0
/*
 * fwd.c - forwarding (issue 6) in the kernel: the compiled redirect targets,
 * rewrite records and reverse static NAT (fwd_compile.c) written into the
 * standby generation (fw_apply_fwd), the devmap refilled when a target comes
 * back (fw_fwd_refill, for the daemon), and what show and status say.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <net/if.h>
#include <bpf/bpf.h>
#include "fwctl.h"
#include "fwd.h"

/* --- apply ---------------------------------------------------------------------- */

static int nat_clear(int fd, uint8_t gen)
{
	struct fw_nat_key k, next, *prev = NULL;
	struct fw_nat_key del[256];
	size_t n;

	do {		/* deleting while iterating restarts the walk: batch */
		n = 0;
		prev = NULL;
		while (n < 256 && !bpf_map_get_next_key(fd, prev, &next)) {
			if (next.gen == gen)
				del[n++] = next;
			k = next;
			prev = &k;
		}
		for (size_t i = 0; i < n; i++)
			if (bpf_map_delete_elem(fd, &del[i]) && errno != ENOENT)
				return -errno;
	} while (n == 256);
	return 0;
}

int fw_apply_fwd(const struct fw_state *st, const struct fw_tables *t,
		 uint32_t gen, const char **what)
{
	const struct fw_fwd_tables *f = &t->fwd;
	struct fw_rewrite zero_rw = { 0 };

	*what = "write the redirect targets";
	for (uint32_t s = 0; s < FW_MAX_REDIR; s++) {
		uint32_t key = gen * FW_MAX_REDIR + s;
		struct fw_redir r = s < f->n_redir ? f->redir[s] : (struct fw_redir){ 0 };

		if (bpf_map_update_elem(st->fd[M_REDIR], &key, &r, BPF_ANY))
			return -errno;
		if (r.ifindex) {
			if (bpf_map_update_elem(st->fd[M_DEVMAP], &key, &r.ifindex, BPF_ANY)) {
				int ret = -errno;

				fw_err(ret, "cannot use %s (ifindex %u) as a redirect target",
				       f->redir_name[s], r.ifindex);
				return ret;
			}
		} else if (bpf_map_delete_elem(st->fd[M_DEVMAP], &key) &&
			   errno != ENOENT && errno != EINVAL) {
			return -errno;
		}
	}
	*what = "write the rewrite records";
	for (uint32_t s = 0; s < f->n_rw; s++) {
		uint32_t key = gen * FW_MAX_REWRITE + s;

		if (bpf_map_update_elem(st->fd[M_REWRITE], &key, &f->rw[s], BPF_ANY))
			return -errno;
	}
	/* the slot after the last: a stale record would never be read, but clean */
	if (f->n_rw < FW_MAX_REWRITE) {
		uint32_t key = gen * FW_MAX_REWRITE + f->n_rw;

		if (bpf_map_update_elem(st->fd[M_REWRITE], &key, &zero_rw, BPF_ANY))
			return -errno;
	}
	*what = "write the static NAT reverse";
	{
		int ret = nat_clear(st->fd[M_NAT], (uint8_t)gen);

		if (ret)
			return ret;
	}
	for (size_t i = 0; i < f->n_nat; i++) {
		struct fw_nat_key k = f->nat[i].k;

		k.gen = (uint8_t)gen;
		if (bpf_map_update_elem(st->fd[M_NAT], &k, &f->nat[i].v, BPF_ANY))
			return -errno;
	}
	return 0;
}

/* --- targets at run time: status, show, the daemon -------------------------------- */

int fw_fwd_target_state(const struct fw_state *st, uint32_t gen, uint32_t slot,
			uint32_t *cfg_ifindex, uint32_t *live_ifindex)
{
	uint32_t key = (gen & 1) * FW_MAX_REDIR + slot;
	struct fw_redir r;

	*live_ifindex = 0;
	if (bpf_map_lookup_elem(st->fd[M_REDIR], &key, &r))
		return -errno;
	*cfg_ifindex = r.ifindex;
	if (bpf_map_lookup_elem(st->fd[M_DEVMAP], &key, live_ifindex)) {
		if (errno != ENOENT)
			return -errno;
		*live_ifindex = 0;
	}
	return 0;
}

int fw_fwd_refill(const struct fw_state *st, int (*resolve)(const char *name),
		  void (*note)(const char *name, uint32_t ifindex))
{
	char names[FW_MAX_REDIR][IF_NAMESIZE];
	struct fw_meta_info mi = { 0 };
	struct fw_policy pol = { 0 };
	struct fw_err err;
	uint32_t gen;
	size_t n;
	int ret, done = 0;

	ret = fw_read_active_gen(st, &gen);
	if (ret)
		return ret;
	ret = fw_read_meta(st, gen, &mi);
	if (ret || !mi.meta.valid || !mi.text)
		goto out;
	ret = fw_policy_parse_pinned(mi.text, mi.meta.text_len, "live policy", &pol, &err);
	if (ret)
		goto out;
	n = fw_fwd_targets(&pol, names, NULL);
	for (size_t s = 0; s < n; s++) {
		uint32_t key = gen * FW_MAX_REDIR + (uint32_t)s, cfg, live;
		struct fw_redir r;
		int ifindex = resolve(names[s]);

		if (ifindex <= 0)
			continue;
		if (fw_fwd_target_state(st, gen, (uint32_t)s, &cfg, &live))
			continue;
		if (live == (uint32_t)ifindex)
			continue;
		if (bpf_map_update_elem(st->fd[M_DEVMAP], &key, &ifindex, BPF_ANY)) {
			ret = -errno;
			continue;
		}
		if (!bpf_map_lookup_elem(st->fd[M_REDIR], &key, &r)) {
			r.ifindex = (uint32_t)ifindex;
			bpf_map_update_elem(st->fd[M_REDIR], &key, &r, BPF_ANY);
		}
		if (note)
			note(names[s], (uint32_t)ifindex);
		done++;
	}
out:
	fw_policy_free(&pol);
	fw_meta_info_free(&mi);
	return ret < 0 ? ret : done;
}

/* --- show and status ------------------------------------------------------------------ */

json_t *fw_fwd_targets_json(const struct fw_state *st, uint32_t gen,
			    const struct fw_policy *pol)
{
	char names[FW_MAX_REDIR][IF_NAMESIZE];
	bool optional[FW_MAX_REDIR];
	size_t n = fw_fwd_targets(pol, names, optional);
	json_t *a = json_array();

	for (size_t s = 0; s < n; s++) {
		uint32_t cfg = 0, live = 0;
		int ret = fw_fwd_target_state(st, gen, (uint32_t)s, &cfg, &live);

		json_array_append_new(a, json_pack("{s:s,s:i,s:i,s:b,s:b}",
			"interface", names[s], "slot", (int)s, "ifindex", (int)live,
			"optional", optional[s], "missing", ret || !live));
	}
	return a;
}

/* Add what rule r does beyond pass/drop to its show object o. */
void fw_fwd_rule_json(json_t *o, const struct fw_state *st, uint32_t gen,
		      const struct fw_policy *pol, const struct fw_rule_ir *r)
{
	char text[512];

	if (!r->fwd.redirect[0] && !r->fwd.fib && !r->fwd.has_rewrite)
		return;
	fw_rule_fwd_format(r, text, sizeof(text));
	json_object_set_new(o, "forward", json_string(text));
	if (r->fwd.fib)
		json_object_set_new(o, "fib", json_true());
	if (r->fwd.redirect[0]) {
		char names[FW_MAX_REDIR][IF_NAMESIZE];
		size_t n = fw_fwd_targets(pol, names, NULL);
		uint32_t cfg = 0, live = 0;

		for (size_t s = 0; s < n; s++) {
			if (strcmp(names[s], r->fwd.redirect))
				continue;
			if (fw_fwd_target_state(st, gen, (uint32_t)s, &cfg, &live))
				live = 0;
		}
		json_object_set_new(o, "redirect", json_pack("{s:s,s:i,s:b}",
			"interface", r->fwd.redirect, "ifindex", (int)live,
			"missing", !live));
	}
}
