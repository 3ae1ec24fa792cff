// SPDX-License-Identifier: GPL-2.0
/*
 * compile.c - policy IR -> classifier tables (see compile.h, DESIGN.md).
 *
 * Each field of a direction gets its classes:
 *  - src/dst: every distinct prefix (and /0) becomes an LPM entry whose
 *    bitmap holds the rules with a prefix containing it; computed in one
 *    pass over the prefixes sorted in trie preorder with a stack of
 *    ancestors, so the longest-prefix hit carries every compatible rule;
 *  - protocol: 256 direct entries;
 *  - ports: a sweep over range boundaries gives elementary intervals, each
 *    one class, written into a 65536-entry direct table; packets without
 *    ports get the class of rules that do not match on ports.
 * Identical bitmaps share one class id across fields and directions.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "compile.h"

struct bits {
	uint64_t w[FW_WORDS];
};

static void bits_set(struct bits *b, uint32_t r)
{
	b->w[r / 64] |= 1ULL << (r % 64);
}

/* --- class interning: identical bitmaps get one id ----------------------- */

#define HT_SIZE (FW_MAX_CLASSES * 4)	/* power of two, load <= 1/4 */

struct interner {
	struct fw_bits *cls;
	size_t n, cap;
	uint32_t *ht;			/* class id + 1, 0 = empty slot */
	bool overflow;
};

static uint64_t bits_hash(const struct bits *b)
{
	uint64_t h = 0x9e3779b97f4a7c15ULL;

	for (int i = 0; i < FW_WORDS; i++) {
		h ^= b->w[i];
		h *= 0xff51afd7ed558ccdULL;
		h ^= h >> 32;
	}
	return h;
}

static uint32_t intern(struct interner *in, const struct bits *b)
{
	size_t slot = bits_hash(b) & (HT_SIZE - 1);
	struct fw_bits *c;

	for (;; slot = (slot + 1) & (HT_SIZE - 1)) {
		uint32_t id = in->ht[slot];

		if (!id)
			break;
		if (!memcmp(in->cls[id - 1].w, b->w, sizeof(b->w)))
			return id - 1;
	}
	if (in->n >= FW_MAX_CLASSES) {
		in->overflow = true;
		return 0;
	}
	if (in->n == in->cap) {
		size_t cap = in->cap ? in->cap * 2 : 256;
		struct fw_bits *p = realloc(in->cls, cap * sizeof(*p));

		if (!p) {
			in->overflow = true;	/* reported as -ENOMEM */
			return 0;
		}
		in->cls = p;
		in->cap = cap;
	}
	c = &in->cls[in->n];
	memcpy(c->w, b->w, sizeof(b->w));
	c->summary = 0;
	for (int i = 0; i < FW_WORDS; i++)
		if (c->w[i])
			c->summary |= 1ULL << i;
	in->ht[slot] = (uint32_t)++in->n;
	return (uint32_t)(in->n - 1);
}

/* --- addresses ------------------------------------------------------------- */

struct pfx_item {
	struct fw_prefix p;
	uint32_t rule;			/* UINT32_MAX: the /0 root itself */
};

static int pfx_cmp(const void *a, const void *b)
{
	const struct pfx_item *x = a, *y = b;
	int c = memcmp(x->p.addr, y->p.addr, 16);

	if (c)
		return c;
	if (x->p.plen != y->p.plen)
		return x->p.plen < y->p.plen ? -1 : 1;
	return x->rule < y->rule ? -1 : x->rule > y->rule;
}

static bool pfx_same(const struct fw_prefix *a, const struct fw_prefix *b)
{
	return a->plen == b->plen && !memcmp(a->addr, b->addr, 16);
}

static int compile_lpm(const struct fw_ruleset *rs, uint8_t family,
		       uint8_t field, struct interner *in,
		       struct fw_dir_tables *dt)
{
	struct pfx_item *items = NULL;
	struct bits *stack = NULL;
	struct fw_prefix *spfx = NULL;
	size_t n = 0, cap = 1, depth = 0;
	int ret = -ENOMEM;

	for (size_t r = 0; r < rs->n_rules; r++) {
		const struct fw_rule_ir *ru = &rs->rules[r];

		/* a rule without the matcher adds one item at the root */
		cap += field == FW_FIELD_SRC ? (ru->has_src ? ru->n_src : 1)
					     : (ru->has_dst ? ru->n_dst : 1);
	}
	items = calloc(cap, sizeof(*items));
	stack = calloc(family == 4 ? 34 : 130, sizeof(*stack));
	spfx = calloc(family == 4 ? 34 : 130, sizeof(*spfx));
	if (!items || !stack || !spfx)
		goto out;

	items[n].p.family = family;	/* the root, /0 */
	items[n++].rule = UINT32_MAX;
	for (size_t r = 0; r < rs->n_rules; r++) {
		const struct fw_rule_ir *ru = &rs->rules[r];
		bool has = field == FW_FIELD_SRC ? ru->has_src : ru->has_dst;
		const struct fw_prefix *ps = field == FW_FIELD_SRC ? ru->src : ru->dst;
		size_t np = field == FW_FIELD_SRC ? ru->n_src : ru->n_dst;

		if (!has) {		/* any address: lives at the root */
			items[n].p.family = family;
			items[n++].rule = (uint32_t)r;
			continue;
		}
		for (size_t i = 0; i < np; i++) {
			if (ps[i].family != family)
				continue;
			items[n].p = ps[i];
			items[n++].rule = (uint32_t)r;
		}
	}
	qsort(items, n, sizeof(*items), pfx_cmp);

	for (size_t i = 0; i < n;) {
		const struct fw_prefix *p = &items[i].p;
		struct fw_lpm_entry *e;
		struct bits cur;

		/* preorder: what does not contain p is no ancestor of what follows */
		while (depth && !fw_prefix_contains(&spfx[depth - 1], family, p->addr))
			depth--;
		if (depth)
			cur = stack[depth - 1];
		else
			memset(&cur, 0, sizeof(cur));
		for (; i < n && pfx_same(&items[i].p, p); i++)
			if (items[i].rule != UINT32_MAX)
				bits_set(&cur, items[i].rule);

		if (dt->n_lpm % 64 == 0) {
			e = realloc(dt->lpm, (dt->n_lpm + 64) * sizeof(*e));
			if (!e)
				goto out;
			dt->lpm = e;
		}
		e = &dt->lpm[dt->n_lpm++];
		memset(e, 0, sizeof(*e));
		e->family = family;
		e->field = field;
		e->plen = p->plen;
		memcpy(e->addr, p->addr, 16);
		e->cls = intern(in, &cur);

		stack[depth] = cur;
		spfx[depth] = *p;
		spfx[depth].family = family;
		depth++;
	}
	ret = 0;
out:
	free(items);
	free(stack);
	free(spfx);
	return ret;
}

/* --- protocol and ports ---------------------------------------------------- */

struct port_ev {
	uint32_t pos;			/* 0..65536 */
	uint32_t rule;
};

static int ev_cmp(const void *a, const void *b)
{
	const struct port_ev *x = a, *y = b;

	return x->pos < y->pos ? -1 : x->pos > y->pos;
}

static int compile_ports(const struct fw_ruleset *rs, bool dst,
			 struct interner *in, uint16_t *table, uint16_t *noport)
{
	struct port_ev *ev = NULL;
	struct bits base = { 0 }, cur;
	size_t n = 0, cap = 0;
	uint32_t pos = 0;

	for (size_t r = 0; r < rs->n_rules; r++) {
		const struct fw_rule_ir *ru = &rs->rules[r];

		if (!(dst ? ru->has_dport : ru->has_sport))
			bits_set(&base, (uint32_t)r);
		cap += 2 * (dst ? ru->n_dport : ru->n_sport);
	}
	*noport = (uint16_t)intern(in, &base);

	ev = calloc(cap + 1, sizeof(*ev));
	if (!ev)
		return -ENOMEM;
	for (size_t r = 0; r < rs->n_rules; r++) {
		const struct fw_rule_ir *ru = &rs->rules[r];
		const struct fw_prange *pr = dst ? ru->dport : ru->sport;
		size_t np = dst ? ru->n_dport : ru->n_sport;

		if (!(dst ? ru->has_dport : ru->has_sport))
			continue;
		for (size_t i = 0; i < np; i++) {
			ev[n++] = (struct port_ev){ pr[i].lo, (uint32_t)r };
			ev[n++] = (struct port_ev){ (uint32_t)pr[i].hi + 1, (uint32_t)r };
		}
	}
	qsort(ev, n, sizeof(*ev), ev_cmp);

	/* Ranges of one rule are disjoint and not adjacent: each event toggles. */
	cur = base;
	for (size_t i = 0; i <= n; i++) {
		uint32_t next = i < n ? ev[i].pos : 65536;

		if (next > pos) {
			uint16_t c = (uint16_t)intern(in, &cur);

			for (uint32_t p = pos; p < next; p++)
				table[p] = c;
			pos = next;
		}
		if (i < n)
			cur.w[ev[i].rule / 64] ^= 1ULL << (ev[i].rule % 64);
	}
	free(ev);
	return 0;
}

static int compile_proto(const struct fw_ruleset *rs, struct interner *in,
			 uint16_t *table)
{
	struct bits *per = calloc(256, sizeof(*per));
	struct bits base = { 0 };

	if (!per)
		return -ENOMEM;
	for (size_t r = 0; r < rs->n_rules; r++)
		if (!rs->rules[r].has_proto)
			bits_set(&base, (uint32_t)r);
	for (int p = 0; p < 256; p++)
		per[p] = base;
	for (size_t r = 0; r < rs->n_rules; r++) {
		const struct fw_rule_ir *ru = &rs->rules[r];

		if (!ru->has_proto)
			continue;
		for (int p = 0; p < 256; p++)
			if (ru->proto[p / 64] >> (p % 64) & 1)
				bits_set(&per[p], (uint32_t)r);
	}
	for (int p = 0; p < 256; p++)
		table[p] = (uint16_t)intern(in, &per[p]);
	free(per);
	return 0;
}

/* --- the whole policy ------------------------------------------------------ */

static int compile_dir(const struct fw_ruleset *rs, struct interner *in,
		       struct fw_dir_tables *dt)
{
	int ret;

	dt->default_action = rs->default_action;
	dt->n_rules = (uint32_t)rs->n_rules;
	dt->rules = calloc(rs->n_rules + 1, sizeof(*dt->rules));
	dt->l4 = calloc(1, sizeof(*dt->l4));
	if (!dt->rules || !dt->l4)
		return -ENOMEM;
	for (size_t r = 0; r < rs->n_rules; r++)
		dt->rules[r].action = rs->rules[r].action;

	ret = compile_proto(rs, in, dt->l4->proto);
	if (!ret)
		ret = compile_ports(rs, false, in, dt->l4->sport, &dt->l4->noport_src);
	if (!ret)
		ret = compile_ports(rs, true, in, dt->l4->dport, &dt->l4->noport_dst);
	for (int f = 0; !ret && f < 2; f++) {
		ret = compile_lpm(rs, 4, (uint8_t)f, in, dt);
		if (!ret)
			ret = compile_lpm(rs, 6, (uint8_t)f, in, dt);
	}
	return ret;
}

int fw_compile(const struct fw_policy *pol, struct fw_tables *t,
	       struct fw_err *err)
{
	struct interner in = { 0 };
	struct bits empty = { 0 };
	size_t n_lpm[2] = { 0, 0 };
	int ret = -ENOMEM;

	memset(t, 0, sizeof(*t));
	in.ht = calloc(HT_SIZE, sizeof(*in.ht));
	if (!in.ht)
		goto fail;
	intern(&in, &empty);		/* class 0: matches no rule */
	t->non_ip_action = pol->non_ip_action;

	for (int d = 0; d < FW_NDIR; d++) {
		if (pol->dir[d].n_rules > FW_MAX_RULES) {
			ret = -EINVAL;
			fw_policy_error_at(pol, d ? "egress.rules" : "rules", err,
					   "%zu rules exceed the maximum of %d",
					   pol->dir[d].n_rules, FW_MAX_RULES);
			goto fail;
		}
		ret = compile_dir(&pol->dir[d], &in, &t->dir[d]);
		if (ret)
			goto fail;
		for (size_t i = 0; i < t->dir[d].n_lpm; i++)
			n_lpm[t->dir[d].lpm[i].family == 6]++;
	}
	if (in.overflow) {
		ret = in.n >= FW_MAX_CLASSES ? -EINVAL : -ENOMEM;
		if (ret == -EINVAL)
			fw_policy_error_at(pol, "rules", err,
					   "the policy needs more than %d classifier classes; split it or merge rules",
					   FW_MAX_CLASSES);
		goto fail;
	}
	for (int f = 0; f < 2; f++) {
		if (n_lpm[f] > FW_MAX_PREFIXES / FW_NGEN) {
			ret = -EINVAL;
			fw_policy_error_at(pol, "rules", err,
					   "the policy has %zu distinct IPv%d prefixes, more than the maximum of %d",
					   n_lpm[f], f ? 6 : 4, FW_MAX_PREFIXES / FW_NGEN);
			goto fail;
		}
	}
	t->cls = in.cls;
	t->n_cls = in.n;
	free(in.ht);
	return 0;
fail:
	free(in.ht);
	free(in.cls);
	fw_tables_free(t);
	return ret;
}

void fw_tables_free(struct fw_tables *t)
{
	for (int d = 0; d < FW_NDIR; d++) {
		free(t->dir[d].rules);
		free(t->dir[d].l4);
		free(t->dir[d].lpm);
	}
	free(t->cls);
	memset(t, 0, sizeof(*t));
}

/* --- evaluation, mirroring dp/classify.h ----------------------------------- */

static uint32_t lpm_class(const struct fw_dir_tables *dt, uint8_t field,
			  const struct fw_pkt_desc *pkt)
{
	const uint8_t *addr = field == FW_FIELD_SRC ? pkt->saddr : pkt->daddr;
	int best = -1;
	uint32_t cls = 0;

	for (size_t i = 0; i < dt->n_lpm; i++) {
		const struct fw_lpm_entry *e = &dt->lpm[i];
		struct fw_prefix p = { .family = e->family, .plen = e->plen };

		if (e->field != field || e->family != pkt->family)
			continue;
		memcpy(p.addr, e->addr, 16);
		if (e->plen > best && fw_prefix_contains(&p, pkt->family, addr)) {
			best = e->plen;
			cls = e->cls;
		}
	}
	return cls;
}

int fw_tables_match(const struct fw_tables *t, unsigned int dir,
		    const struct fw_pkt_desc *pkt)
{
	const struct fw_dir_tables *dt = &t->dir[dir];
	const struct fw_bits *b[5];
	uint64_t sum = ~0ULL;

	b[0] = &t->cls[dt->l4->proto[pkt->proto]];
	b[1] = &t->cls[pkt->has_ports ? dt->l4->sport[pkt->sport] : dt->l4->noport_src];
	b[2] = &t->cls[pkt->has_ports ? dt->l4->dport[pkt->dport] : dt->l4->noport_dst];
	b[3] = &t->cls[lpm_class(dt, FW_FIELD_SRC, pkt)];
	b[4] = &t->cls[lpm_class(dt, FW_FIELD_DST, pkt)];
	for (int i = 0; i < 5; i++)
		sum &= b[i]->summary;
	while (sum) {
		int w = __builtin_ctzll(sum);
		uint64_t m = b[0]->w[w] & b[1]->w[w] & b[2]->w[w] & b[3]->w[w] &
			     b[4]->w[w];

		if (m)
			return w * 64 + __builtin_ctzll(m);
		sum &= sum - 1;
	}
	return -1;
}
