// SPDX-License-Identifier: GPL-2.0
/*
 * cmd_ct.c - fwctl ct list|count|flush: the conntrack flow table (issue 5).
 * Entries idle for longer than their timeout (the active policy's) are
 * treated as absent by the data path; these verbs delete them as they go,
 * so list and count show only live flows.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <bpf/bpf.h>
#include "cli.h"
#include "dp/ctkey.h"

struct ct_walk {
	int fd;
	struct fw_ct_cfg cfg;
	uint64_t now;
	size_t live, expired, deleted;
	bool flush;
	json_t *flows;		/* NULL: count only */
};

static const char *proto_text(uint8_t proto, char *buf, size_t size)
{
	const char *n = fw_proto_name(proto);

	if (n)
		return n;
	snprintf(buf, size, "%u", proto);
	return buf;
}

static json_t *flow_json(const struct fw_ct_key *k, const struct fw_ct_entry *e,
			 uint64_t now, uint64_t timeout)
{
	const uint8_t *src = e->orig_a ? k->a : k->b, *dst = e->orig_a ? k->b : k->a;
	uint16_t sp = ntohs(e->orig_a ? k->pa : k->pb), dp = ntohs(e->orig_a ? k->pb : k->pa);
	char s[INET6_ADDRSTRLEN], d[INET6_ADDRSTRLEN], pb[8];
	uint64_t idle = now > e->last_ns ? now - e->last_ns : 0;
	uint64_t age = now > e->created_ns ? now - e->created_ns : 0;
	bool icmp = k->proto == IPPROTO_ICMP || k->proto == IPPROTO_ICMPV6;
	json_t *o;

	inet_ntop(k->family == 4 ? AF_INET : AF_INET6, src, s, sizeof(s));
	inet_ntop(k->family == 4 ? AF_INET : AF_INET6, dst, d, sizeof(d));
	o = json_pack("{s:i,s:s,s:s,s:s,s:s,s:I,s:I,s:I,s:I,s:I}",
		      "family", k->family, "protocol", proto_text(k->proto, pb, sizeof(pb)),
		      "src", s, "dst", d,
		      "state", fw_ct_entry_state_name(e->state) ? fw_ct_entry_state_name(e->state) : "?",
		      "age_ms", (json_int_t)(age / 1000000),
		      "idle_ms", (json_int_t)(idle / 1000000),
		      "expires_in_ms", (json_int_t)((timeout - idle) / 1000000),
		      "packets", (json_int_t)e->packets, "bytes", (json_int_t)e->bytes);
	if (icmp) {
		json_object_set_new(o, "id", json_integer(sp));
	} else if (k->pa || k->pb) {
		json_object_set_new(o, "sport", json_integer(sp));
		json_object_set_new(o, "dport", json_integer(dp));
	}
	return o;
}

/* Is the entry at k still expired (the data path may have just used it)? */
static bool still_expired(const struct ct_walk *w, const struct fw_ct_key *k,
			  uint64_t *timeout)
{
	struct fw_ct_entry e;
	uint32_t to;

	if (bpf_map_lookup_elem(w->fd, k, &e))
		return false;
	to = fw_ct_timeout_of(k->proto, e.state);
	*timeout = to < __FW_CT_TO_MAX ? w->cfg.timeout_ns[to] : 0;
	return !(w->cfg.flags & FW_CTF_ON) || fw_mono_ns() - e.last_ns > *timeout;
}

static int walk(struct ct_walk *w)
{
	struct fw_ct_key k, next;
	struct fw_ct_key *doomed = NULL;
	size_t n_doomed = 0, cap = 0;
	void *prev = NULL;
	int ret = 0;

	while (!bpf_map_get_next_key(w->fd, prev, &next)) {
		struct fw_ct_entry e;
		uint64_t timeout = 0;
		bool dead;

		k = next;
		prev = &k;
		if (bpf_map_lookup_elem(w->fd, &k, &e))
			continue;	/* gone meanwhile */
		{
			uint32_t to = fw_ct_timeout_of(k.proto, e.state);

			timeout = to < __FW_CT_TO_MAX ? w->cfg.timeout_ns[to] : 0;
		}
		dead = !(w->cfg.flags & FW_CTF_ON) ||
		       (w->now > e.last_ns && w->now - e.last_ns > timeout);
		if (!dead)
			w->live++;
		if (!dead && w->flows)
			json_array_append_new(w->flows, flow_json(&k, &e, w->now, timeout));
		if (dead || w->flush) {
			if (n_doomed == cap) {
				struct fw_ct_key *p;

				cap = cap ? cap * 2 : 256;
				p = realloc(doomed, cap * sizeof(*p));
				if (!p) {
					ret = -ENOMEM;
					goto out;
				}
				doomed = p;
			}
			doomed[n_doomed++] = k;
			w->expired += dead;
		}
	}
	/* delete after the walk: deleting under get_next_key restarts it */
	for (size_t i = 0; i < n_doomed; i++) {
		uint64_t timeout;

		if (!w->flush && !still_expired(w, &doomed[i], &timeout))
			continue;
		if (!bpf_map_delete_elem(w->fd, &doomed[i]))
			w->deleted++;
	}
out:
	free(doomed);
	return ret;
}

static void print_flows(json_t *flows)
{
	size_t i;
	json_t *f;

	json_array_foreach(flows, i, f) {
		const char *proto = json_string_value(json_object_get(f, "protocol"));
		int fam = (int)json_integer_value(json_object_get(f, "family"));
		const char *s = json_string_value(json_object_get(f, "src"));
		const char *d = json_string_value(json_object_get(f, "dst"));
		json_t *sp = json_object_get(f, "sport"), *id = json_object_get(f, "id");
		char src[80], dst[80];

		if (sp) {
			snprintf(src, sizeof(src), fam == 6 ? "[%s]:%lld" : "%s:%lld", s,
				 (long long)json_integer_value(sp));
			snprintf(dst, sizeof(dst), fam == 6 ? "[%s]:%lld" : "%s:%lld", d,
				 (long long)json_integer_value(json_object_get(f, "dport")));
		} else {
			snprintf(src, sizeof(src), "%s", s);
			snprintf(dst, sizeof(dst), "%s", d);
		}
		printf("%-7s %s -> %s", proto, src, dst);
		if (id)
			printf(" id %lld", (long long)json_integer_value(id));
		printf(" %s age %.1fs expires %.1fs packets %lld bytes %lld\n",
		       json_string_value(json_object_get(f, "state")),
		       (double)json_integer_value(json_object_get(f, "age_ms")) / 1e3,
		       (double)json_integer_value(json_object_get(f, "expires_in_ms")) / 1e3,
		       (long long)json_integer_value(json_object_get(f, "packets")),
		       (long long)json_integer_value(json_object_get(f, "bytes")));
	}
}

int cmd_ct(int argc, char **argv)
{
	struct fw_state st = FW_STATE_INIT;
	struct ct_walk w = { .fd = -1 };
	const char *verb = argc > 1 ? argv[1] : "";
	bool list = !strcmp(verb, "list"), count = !strcmp(verb, "count");
	uint32_t gen, size = 0;
	int rc, ret;

	if (!list && !count && strcmp(verb, "flush"))
		return usage_error("ct", "ct takes list, count or flush");
	if (argc > 2)
		return usage_error("ct", "unexpected argument \"%s\"", argv[2]);
	w.flush = !list && !count;

	rc = open_loaded(&st, w.flush ? FW_ST_WRITE : 0);
	if (rc)
		return rc;
	if (fw_read_active_gen(&st, &gen) ||
	    bpf_map_lookup_elem(st.fd[M_CTCFG], &gen, &w.cfg)) {
		rc = (fw_err(-errno, "cannot read the conntrack configuration"), FW_EXIT_KERNEL);
		goto out;
	}
	w.fd = fw_ct_table_fd(&st);
	if (w.fd < 0 && w.fd != -ENOENT) {
		rc = (fw_err(w.fd, "cannot open the conntrack table"), FW_EXIT_KERNEL);
		goto out;
	}
	if (w.fd >= 0) {
		struct bpf_map_info info = { 0 };
		uint32_t len = sizeof(info);

		if (!bpf_obj_get_info_by_fd(w.fd, &info, &len))
			size = info.max_entries;
		w.flows = list ? json_array() : NULL;
		w.now = fw_mono_ns();
		ret = walk(&w);
		if (ret) {
			json_decref(w.flows);
			rc = (fw_err(ret, "cannot read the conntrack table"), FW_EXIT_KERNEL);
			goto out;
		}
	}
	if (opt_json) {
		json_t *doc = json_pack("{s:i,s:b,s:I,s:I}", "version", 1,
					"enabled", !!(w.cfg.flags & FW_CTF_ON),
					"size", (json_int_t)size, "count", (json_int_t)w.live);

		if (w.flush)
			json_object_set_new(doc, "flushed", json_integer((json_int_t)w.deleted));
		if (list)
			json_object_set_new(doc, "flows", w.flows ? w.flows : json_array());
		emit_json(doc);
	} else {
		if (!(w.cfg.flags & FW_CTF_ON) && !w.flush)
			fprintf(stderr, "conntrack is off in the active policy\n");
		if (list && w.flows)
			print_flows(w.flows);
		else if (count)
			printf("%zu\n", w.live);
		else if (w.flush)
			printf("flushed %zu entries\n", w.deleted);
		json_decref(w.flows);
	}
	rc = FW_EXIT_OK;
out:
	if (w.fd >= 0)
		close(w.fd);
	fw_state_close(&st);
	return rc;
}
