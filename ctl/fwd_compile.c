// SPDX-License-Identifier: GPL-2.0
/*
 * fwd_compile.c - forwarding (issue 6), the pure part: redirect slots,
 * egress rewrite records and the reverse static NAT compiled from the IR
 * (fw_compile_fwd), the words show and explain use (fw_rule_fwd_format) and
 * the reference model's reverse NAT (fw_model_unnat). No kernel call: the
 * fuzzers link it. fwd.c writes the result into the maps.
 *
 * Redirect targets get one slot per distinct name, in the order the rules
 * first name them; fw_fwd_targets() recomputes that order from the pinned
 * policy, so status and the daemon need no other record.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>
#include "compile.h"
#include "model.h"

void fw_fwd_tables_free(struct fw_fwd_tables *f)
{
	free(f->rw);
	free(f->nat);
	memset(f, 0, sizeof(*f));
}


/* --- what the policy says ---------------------------------------------------- */

size_t fw_fwd_targets(const struct fw_policy *pol,
		      char names[FW_MAX_REDIR][IF_NAMESIZE], bool *optional)
{
	const struct fw_ruleset *rs = &pol->dir[FW_DIR_INGRESS];
	size_t n = 0, s;

	for (size_t i = 0; i < rs->n_rules; i++) {
		const struct fw_rule_fwd *f = &rs->rules[i].fwd;

		if (!f->redirect[0])
			continue;
		for (s = 0; s < n; s++)
			if (!strcmp(names[s], f->redirect))
				break;
		if (s == n && n < FW_MAX_REDIR) {
			snprintf(names[n], IF_NAMESIZE, "%s", f->redirect);
			if (optional)
				optional[n] = f->optional;
			n++;
		} else if (s < n && optional && !f->optional) {
			optional[s] = false;
		}
	}
	return n;
}

/* A one-address positive matcher on 'field': its prefix, else NULL. */
static const struct fw_prefix *one_host(const struct fw_match *m, uint8_t field)
{
	const struct fw_prefix *p = field == FW_FIELD_DST ? m->dst : m->src;
	size_t n = field == FW_FIELD_DST ? m->n_dst : m->n_src;
	uint32_t sets = field == FW_FIELD_DST ? m->dst_sets : m->src_sets;

	if (n != 1 || sets || p->plen != (p->family == 4 ? 32 : 128))
		return NULL;
	return p;
}

/* A single port of a positive port matcher, or 0. */
static uint16_t one_port(const struct fw_match *m, uint8_t field)
{
	const struct fw_prange *r = field == FW_FIELD_DST ? m->dport : m->sport;
	size_t n = field == FW_FIELD_DST ? m->n_dport : m->n_sport;

	return n == 1 && r->lo == r->hi ? r->lo : 0;
}

/* The one protocol of a rule, if it is exactly tcp or exactly udp. */
static uint8_t one_l4(const struct fw_match *m)
{
	bool tcp = m->has_proto && (m->proto[0] >> 6 & 1);
	bool udp = m->has_proto && (m->proto[0] >> 17 & 1);
	uint64_t others[4];

	if (!m->has_proto)
		return 0;
	memcpy(others, m->proto, sizeof(others));
	others[0] &= ~((1ULL << 6) | (1ULL << 17));
	if (others[0] | others[1] | others[2] | others[3] || tcp == udp)
		return 0;
	return tcp ? IPPROTO_TCP : IPPROTO_UDP;
}

int fw_nat_reverse(const struct fw_rule_ir *r, uint8_t field,
		   struct fw_nat_key *k, struct fw_nat_val *v)
{
	/* the egress side it reverses: the ingress dst undoes the egress src */
	uint8_t eg = field == FW_FIELD_DST ? FW_FIELD_SRC : FW_FIELD_DST;
	const struct fw_rewrite *rw = &r->fwd.rw;
	uint32_t aflag = eg == FW_FIELD_SRC ? FW_RW_SRC : FW_RW_DST;
	uint32_t pflag = eg == FW_FIELD_SRC ? FW_RW_SPORT : FW_RW_DPORT;
	const struct fw_prefix *orig;
	uint16_t oport;
	uint8_t l4;

	if (!r->fwd.has_rewrite || !r->fwd.reverse || !(rw->flags & (aflag | pflag)))
		return 0;
	orig = one_host(&r->pos, eg);
	if (!orig || (rw->flags & aflag && orig->family != rw->family))
		return 0;
	memset(k, 0, sizeof(*k));
	memset(v, 0, sizeof(*v));
	k->field = field;
	k->family = orig->family;
	memcpy(k->addr, rw->flags & aflag ? (eg == FW_FIELD_SRC ? rw->saddr : rw->daddr)
					  : orig->addr, 16);
	if (orig->family == 4)
		memset(k->addr + 4, 0, 12);
	memcpy(v->addr, orig->addr, 16);
	oport = one_port(&r->pos, eg);
	l4 = one_l4(&r->pos);
	if (oport && l4) {	/* as specific as the rule: one protocol and port */
		k->proto = l4;
		k->port = rw->flags & pflag ? (eg == FW_FIELD_SRC ? rw->sport : rw->dport)
					    : htons(oport);
		v->port = rw->flags & pflag ? htons(oport) : 0;
	} else if (!(rw->flags & aflag)) {
		return 0;	/* a port rewrite it cannot reverse alone */
	} else {
		v->flags = FW_NAT_ADDR;
	}
	return 1;
}

/* --- compile -------------------------------------------------------------------- */

static int fwd_fail(struct fw_tables *t, int ret)
{
	fw_tables_free(t);
	return ret;
}

static size_t nat_find(const struct fw_fwd_tables *f, const struct fw_nat_key *k)
{
	size_t j;

	for (j = 0; j < f->n_nat; j++)
		if (!memcmp(&f->nat[j].k, k, sizeof(*k)))
			break;
	return j;
}

/*
 * Add a reverse mapping: 0, or -EEXIST when its key maps elsewhere already.
 * A port-keyed entry gets an address-only marker (FW_NAT_PORTS) so the data
 * path needs the second lookup only for addresses that have port mappings.
 */
static int nat_add(struct fw_fwd_tables *f, const struct fw_nat_entry *e)
{
	size_t j = nat_find(f, &e->k);

	if (e->k.proto) {
		struct fw_nat_entry m = { .k = e->k, .path = e->path };
		size_t i;

		if (j < f->n_nat)
			return memcmp(&f->nat[j].v, &e->v, sizeof(e->v)) ? -EEXIST : 0;
		f->nat[f->n_nat++] = *e;
		m.k.proto = 0;
		m.k.port = 0;
		i = nat_find(f, &m.k);
		if (i < f->n_nat) {
			f->nat[i].v.flags |= FW_NAT_PORTS;
		} else {
			m.v.flags = FW_NAT_PORTS;
			f->nat[f->n_nat++] = m;
		}
		return 0;
	}
	if (j == f->n_nat) {
		f->nat[f->n_nat++] = *e;
		return 0;
	}
	if (!(f->nat[j].v.flags & FW_NAT_ADDR)) {	/* a marker: now a mapping too */
		memcpy(f->nat[j].v.addr, e->v.addr, sizeof(e->v.addr));
		f->nat[j].v.flags |= FW_NAT_ADDR;
		f->nat[j].path = e->path;
		return 0;
	}
	return memcmp(f->nat[j].v.addr, e->v.addr, sizeof(e->v.addr)) ? -EEXIST : 0;
}

int fw_compile_fwd(const struct fw_policy *pol, struct fw_tables *t,
		   struct fw_err *err)
{
	struct fw_fwd_tables *f = &t->fwd;
	char names[FW_MAX_REDIR][IF_NAMESIZE];
	size_t n_names = fw_fwd_targets(pol, names, NULL);
	size_t cap_nat = 0;

	for (int d = 0; d < FW_NDIR; d++) {
		const struct fw_ruleset *rs = &pol->dir[d];

		for (size_t i = 0; i < rs->n_rules; i++) {
			const struct fw_rule_ir *r = &rs->rules[i];
			struct fw_rule *out = &t->dir[d].rules[i];

			if (r->fwd.fib)
				out->flags |= FW_RF_FIB;
			if (r->fwd.redirect[0]) {
				uint32_t s;

				for (s = 0; s < n_names; s++)
					if (!strcmp(names[s], r->fwd.redirect))
						break;
				if (s >= FW_MAX_REDIR) {
					fw_policy_error_at(pol, r->path, err,
							   "more than %d redirect targets",
							   FW_MAX_REDIR);
					return fwd_fail(t, -EINVAL);
				}
				out->redirect = (uint16_t)s;
				f->redir[s].ifindex = (uint32_t)r->fwd.ifindex;
				f->redir[s].fallback = pol->redirect_fallback;
				snprintf(f->redir_name[s], IF_NAMESIZE, "%s", r->fwd.redirect);
				if (s + 1 > f->n_redir)
					f->n_redir = s + 1;
			}
			if (r->fwd.has_rewrite)
				cap_nat += 4;	/* 2 fields x (mapping + marker) */
		}
	}
	if (cap_nat) {
		f->rw = calloc(cap_nat / 4, sizeof(*f->rw));
		f->nat = calloc(cap_nat, sizeof(*f->nat));
		if (!f->rw || !f->nat)
			return fwd_fail(t, -ENOMEM);
	}

	for (size_t i = 0; i < pol->dir[FW_DIR_EGRESS].n_rules; i++) {
		const struct fw_rule_ir *r = &pol->dir[FW_DIR_EGRESS].rules[i];

		if (!r->fwd.has_rewrite)
			continue;
		if (f->n_rw >= FW_MAX_REWRITE) {
			fw_policy_error_at(pol, r->path, err,
					   "more than %d rules with \"rewrite\"",
					   FW_MAX_REWRITE);
			return fwd_fail(t, -EINVAL);
		}
		f->rw[f->n_rw] = r->fwd.rw;
		t->dir[FW_DIR_EGRESS].rules[i].rewrite = ++f->n_rw;
		t->dir[FW_DIR_EGRESS].flags |= FW_TF_REWRITE;

		for (uint8_t field = 0; field < 2; field++) {
			struct fw_nat_entry e = { .path = r->path };

			if (!fw_nat_reverse(r, field, &e.k, &e.v))
				continue;
			if (nat_add(f, &e)) {
				char rpath[64];

				snprintf(rpath, sizeof(rpath), "%s.rewrite", r->path);
				fw_policy_error_at(pol, rpath, err,
						   "its static NAT reverse (ingress %s) conflicts with that of %s (\"reverse\": false on one of them keeps only the rewrite)",
						   field == FW_FIELD_DST ? "dst" : "src",
						   f->nat[nat_find(f, &e.k)].path);
				return fwd_fail(t, -EINVAL);
			}
		}
	}
	for (size_t j = 0; j < f->n_nat; j++)
		t->dir[FW_DIR_INGRESS].flags |= f->nat[j].k.field == FW_FIELD_DST ?
						FW_TF_NAT : FW_TF_NAT_SRC;
	return 0;
}

/* --- words -------------------------------------------------------------------------- */

static void addr_str(uint8_t family, const uint8_t *a, char *buf, size_t size)
{
	inet_ntop(family == 4 ? AF_INET : AF_INET6, a, buf, (socklen_t)size);
}

int fw_rule_fwd_format(const struct fw_rule_ir *r, char *buf, size_t size)
{
	const struct fw_rewrite *rw = &r->fwd.rw;
	char a[INET6_ADDRSTRLEN];
	size_t off = 0;

#define OUT(...) do { \
		int n_ = snprintf(buf + off, off < size ? size - off : 0, __VA_ARGS__); \
		if (n_ > 0) \
			off += (size_t)n_; \
	} while (0)

	if (size)
		buf[0] = '\0';
	if (r->fwd.fib)
		OUT("forward by route (fib)");
	else if (r->fwd.redirect[0])
		OUT("redirect to %s%s", r->fwd.redirect, r->fwd.optional ? " (optional)" : "");
	if (!r->fwd.has_rewrite)
		return 0;
	OUT("%srewrite", off ? ", " : "");
	if (rw->flags & FW_RW_SRC) {
		if (one_host(&r->pos, FW_FIELD_SRC)) {
			addr_str(rw->family, r->pos.src[0].addr, a, sizeof(a));
			OUT(" src %s->", a);
		} else {
			OUT(" src ->");
		}
		addr_str(rw->family, rw->saddr, a, sizeof(a));
		OUT("%s", a);
	}
	if (rw->flags & FW_RW_DST) {
		if (one_host(&r->pos, FW_FIELD_DST)) {
			addr_str(rw->family, r->pos.dst[0].addr, a, sizeof(a));
			OUT(" dst %s->", a);
		} else {
			OUT(" dst ->");
		}
		addr_str(rw->family, rw->daddr, a, sizeof(a));
		OUT("%s", a);
	}
	if (rw->flags & FW_RW_SPORT)
		OUT(" src_port ->%u", ntohs(rw->sport));
	if (rw->flags & FW_RW_DPORT)
		OUT(" dst_port ->%u", ntohs(rw->dport));
	if (rw->flags & FW_RW_DSCP)
		OUT(" dscp %u", rw->dscp);
	if (rw->flags & FW_RW_ECN)
		OUT(" ecn %u", rw->ecn);
	if (rw->flags & FW_RW_TTL)
		OUT(" ttl %u", rw->ttl);
	if (rw->flags & FW_RW_SMAC)
		OUT(" src_mac %02x:%02x:%02x:%02x:%02x:%02x", rw->smac[0], rw->smac[1],
		    rw->smac[2], rw->smac[3], rw->smac[4], rw->smac[5]);
	if (rw->flags & FW_RW_DMAC)
		OUT(" dst_mac %02x:%02x:%02x:%02x:%02x:%02x", rw->dmac[0], rw->dmac[1],
		    rw->dmac[2], rw->dmac[3], rw->dmac[4], rw->dmac[5]);
	if (rw->flags & FW_RW_VLAN_POP)
		OUT(" vlan pop");
	if (rw->flags & FW_RW_VLAN_PUSH)
		OUT(" vlan push %u", rw->vlan);
	{
		struct fw_nat_key k;
		struct fw_nat_val v;
		bool any = false;

		for (uint8_t fld = 0; fld < 2; fld++)
			any |= fw_nat_reverse(r, fld, &k, &v) == 1;
		if (any)
			OUT(" (static NAT: reversed on ingress)");
	}
#undef OUT
	return 0;
}

/* --- the reference model's reverse NAT ---------------------------------------------- */

bool fw_model_unnat(const struct fw_policy *pol, struct fw_pkt_desc *pkt)
{
	const struct fw_ruleset *rs = &pol->dir[FW_DIR_EGRESS];
	bool done[2] = { false, false };

	/* as the data path: dst (reverse of SNAT) first, then src */
	for (uint8_t field = FW_FIELD_DST;; field = FW_FIELD_SRC) {
		uint8_t *a = field == FW_FIELD_DST ? pkt->daddr : pkt->saddr;
		uint16_t *port = field == FW_FIELD_DST ? &pkt->dport : &pkt->sport;
		bool tcpudp = pkt->has_ports && (pkt->proto == IPPROTO_TCP ||
						 pkt->proto == IPPROTO_UDP);

		/* a port mapping is more specific: it wins over an address one */
		for (int pass = tcpudp ? 0 : 1; pass < 2 && !done[field]; pass++) {
			for (size_t i = 0; i < rs->n_rules && !done[field]; i++) {
				struct fw_nat_key k;
				struct fw_nat_val v;

				if (!fw_nat_reverse(&rs->rules[i], field, &k, &v) ||
				    k.family != pkt->family ||
				    memcmp(k.addr, a, pkt->family == 4 ? 4 : 16))
					continue;
				if (pass == 0 && !(k.proto == pkt->proto &&
						   ntohs(k.port) == *port))
					continue;
				if (pass == 1 && k.proto)
					continue;
				memcpy(a, v.addr, pkt->family == 4 ? 4 : 16);
				if (v.port)
					*port = ntohs(v.port);
				done[field] = true;
			}
		}
		if (field == FW_FIELD_SRC)
			break;
	}
	return done[0] || done[1];
}

