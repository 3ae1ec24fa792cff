// SPDX-License-Identifier: GPL-2.0
/*
 * cmd_explain.c - fwctl explain: the active policy's verdict for frames
 * from a pcap file (or one frame in hex). Each frame is parsed by the data
 * path's own parser (dp/parse.h, compiled here as plain C) and judged by the
 * reference model on the live policy: the pinned policy text, interfaces
 * resolved now, and set elements read from the kernel.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"
#include "fwd.h"
#include "model.h"
#include "limit.h"
#include "pcap.h"
#include "dp/parse.h"

/* An interface that is gone matches nothing: an ifindex no link has. */
static int resolve_or_nothing(const char *name)
{
	int ifindex = fw_nl_ifindex(name);

	return ifindex > 0 ? ifindex : INT32_MAX;
}

/* The live policy: sets as the kernel has them now. */
static int load_live(struct fw_state *st, uint32_t *gen,
		     struct fw_meta_info *mi, struct fw_policy *pol)
{
	struct fw_err err;
	int ret = load_active(st, gen, mi, pol);

	if (ret)
		return ret;
	fw_policy_resolve(pol, resolve_or_nothing, &err);
	for (size_t s = 0; s < pol->n_sets; s++) {
		struct fw_prefix *e;
		size_t n;

		ret = fw_set_list(st, *gen, (uint32_t)s, &e, &n);
		if (ret)
			return fw_err(ret, "cannot read set \"%s\"", pol->sets[s].name);
		free(pol->sets[s].elems);
		pol->sets[s].elems = e;
		pol->sets[s].n_elems = n;
	}
	return 0;
}

static void to_desc(const struct fw_pkt *p, struct fw_pkt_desc *d)
{
	memset(d, 0, sizeof(*d));
	d->family = p->family;
	d->proto = p->proto;
	d->later_fragment = p->frag == FW_FRAG_LATER;
	d->has_ports = p->has_ports;
	d->sport = p->sport;
	d->dport = p->dport;
	d->has_tcp = p->has_tcp;
	d->tcp_flags = p->tcp_flags;
	d->has_icmp = p->has_icmp;
	d->icmp_type = p->icmp_type;
	d->icmp_code = p->icmp_code;
	d->has_vlan = p->nvlan > 0;
	d->vlan = p->vlan;
	d->ifindex = p->ifindex;
	memcpy(d->saddr, p->saddr, 16);
	memcpy(d->daddr, p->daddr, 16);
	d->ct = FW_CT_UNTRACKED;	/* a capture has no flow table: judged untracked */
}

struct tally {
	unsigned long frames, pass, drop;
};

static json_t *explain_frame(const struct fw_policy *pol, unsigned int dir,
			     uint32_t ifindex, const uint8_t *data, size_t caplen,
			     size_t len, unsigned long idx, struct tally *t)
{
	struct fw_pkt pkt = { .ifindex = ifindex };
	struct fw_model_verdict v;
	struct fw_pkt_desc d;
	enum fw_model_input in;
	json_t *o;
	int parsed;

	parsed = fw_parse((void *)data, (void *)(data + caplen), len,
			  dir == FW_DIR_INGRESS, &pkt);
	in = parsed == FW_PARSE_MALFORMED ? FW_IN_MALFORMED :
	     parsed == FW_PARSE_NON_IP ? FW_IN_NON_IP : FW_IN_IP;
	to_desc(&pkt, &d);
	fw_model_decide(pol, dir, in, &d, &v);

	o = json_pack("{s:I,s:s,s:s}", "frame", (json_int_t)idx,
		      "verdict", fw_action_name(v.action),
		      "reason", fw_reason_names[v.reason]);
	if (caplen < len)
		json_object_set_new(o, "truncated_capture", json_true());
	if (v.rule >= 0) {
		char fwd[512];

		json_object_set_new(o, "rule", json_integer(v.rule));
		json_object_set_new(o, "id", json_string(pol->dir[dir].rules[v.rule].id));
		fw_rule_fwd_format(&pol->dir[dir].rules[v.rule], fwd, sizeof(fwd));
		if (*fwd)	/* "redirect to eth1", "rewrite src A->B ..." */
			json_object_set_new(o, "forward", json_string(fwd));
		if (pol->dir[dir].rules[v.rule].limit.set)	/* the verdict within it */
			json_object_set_new(o, "limit",
					    fw_limit_json(&pol->dir[dir].rules[v.rule].limit));
	}
	if (in == FW_IN_IP && dir == FW_DIR_INGRESS) {
		struct fw_pkt_desc un = d;

		if (fw_model_unnat(pol, &un)) {	/* what the rules saw */
			char a[INET6_ADDRSTRLEN], b[INET6_ADDRSTRLEN];
			int af = d.family == 4 ? AF_INET : AF_INET6;
			bool dst = memcmp(un.daddr, d.daddr, 16) || un.dport != d.dport;

			inet_ntop(af, dst ? d.daddr : d.saddr, a, sizeof(a));
			inet_ntop(af, dst ? un.daddr : un.saddr, b, sizeof(b));
			json_object_set_new(o, "static_nat", json_pack("{s:s,s:s,s:s}",
				"field", dst ? "dst" : "src", "from", a, "to", b));
		}
	}
	if (in == FW_IN_IP) {
		char s[INET6_ADDRSTRLEN], dst[INET6_ADDRSTRLEN];
		int af = d.family == 4 ? AF_INET : AF_INET6;
		const char *pn = fw_proto_name(d.proto);

		inet_ntop(af, d.saddr, s, sizeof(s));
		inet_ntop(af, d.daddr, dst, sizeof(dst));
		json_object_set_new(o, "src", json_string(s));
		json_object_set_new(o, "dst", json_string(dst));
		json_object_set_new(o, "protocol", pn ? json_string(pn) : json_integer(d.proto));
		if (d.has_ports) {
			json_object_set_new(o, "src_port", json_integer(d.sport));
			json_object_set_new(o, "dst_port", json_integer(d.dport));
		}
		if (d.has_tcp)
			json_object_set_new(o, "tcp_flags", json_integer(d.tcp_flags));
		if (d.has_icmp) {
			json_object_set_new(o, "icmp_type", json_integer(d.icmp_type));
			json_object_set_new(o, "icmp_code", json_integer(d.icmp_code));
		}
		if (d.has_vlan)
			json_object_set_new(o, "vlan", json_integer(d.vlan));
		if (d.later_fragment)
			json_object_set_new(o, "later_fragment", json_true());
	}
	t->frames++;
	if (v.action == FW_ACT_DROP)
		t->drop++;
	else
		t->pass++;
	return o;
}

static void print_frame(json_t *o)
{
	json_t *rule = json_object_get(o, "rule");
	json_t *sp = json_object_get(o, "src_port");
	json_t *proto = json_object_get(o, "protocol");
	char what[160] = "";

	if (json_object_get(o, "src")) {
		char p[16];

		if (json_is_string(proto))
			snprintf(p, sizeof(p), "%s", json_string_value(proto));
		else
			snprintf(p, sizeof(p), "proto %lld", (long long)json_integer_value(proto));
		if (sp)
			snprintf(what, sizeof(what), "%s %s.%lld > %s.%lld", p,
				 json_string_value(json_object_get(o, "src")),
				 (long long)json_integer_value(sp),
				 json_string_value(json_object_get(o, "dst")),
				 (long long)json_integer_value(json_object_get(o, "dst_port")));
		else
			snprintf(what, sizeof(what), "%s %s > %s%s", p,
				 json_string_value(json_object_get(o, "src")),
				 json_string_value(json_object_get(o, "dst")),
				 json_object_get(o, "later_fragment") ? " (later fragment)" : "");
	}
	printf("%6lld  %-4s  %-16s", (long long)json_integer_value(json_object_get(o, "frame")),
	       json_string_value(json_object_get(o, "verdict")),
	       json_string_value(json_object_get(o, "reason")));
	if (rule) {
		const char *id = json_string_value(json_object_get(o, "id"));
		char r[80];

		snprintf(r, sizeof(r), "rule %lld%s%s", (long long)json_integer_value(rule),
			 *id ? " " : "", id);
		printf("  %-24s", r);
	} else {
		printf("  %-24s", "-");
	}
	printf("  %s%s%s", what, json_object_get(o, "truncated_capture") ?
	       "  [capture truncated: verdict may differ]" : "",
	       json_object_get(o, "limit") ? "  [rate-limited rule: verdict within the limit]" : "");
	if (json_object_get(o, "static_nat")) {
		json_t *n = json_object_get(o, "static_nat");

		printf("  (static NAT: %s %s->%s)", json_string_value(json_object_get(n, "field")),
		       json_string_value(json_object_get(n, "from")),
		       json_string_value(json_object_get(n, "to")));
	}
	if (json_object_get(o, "forward"))
		printf("  => %s", json_string_value(json_object_get(o, "forward")));
	printf("\n");
}

static void print_header(void)
{
	printf("%6s  %-4s  %-16s  %-24s  %s\n", "frame", "verd", "reason", "rule", "packet");
}

static int hex_frame(const char *hex, uint8_t *buf, size_t size, size_t *len)
{
	size_t n = strlen(hex);

	if (n % 2 || n / 2 > size || n < 28)
		return -EINVAL;
	for (size_t i = 0; i < n / 2; i++) {
		unsigned int b;

		if (sscanf(hex + 2 * i, "%2x", &b) != 1)
			return -EINVAL;
		buf[i] = (uint8_t)b;
	}
	*len = n / 2;
	return 0;
}

int cmd_explain(int argc, char **argv)
{
	struct fw_state st = FW_STATE_INIT;
	struct fw_meta_info mi = { 0 };
	struct fw_policy pol = { 0 };
	const char *file = NULL, *hex = NULL, *ifname = NULL;
	unsigned int dir = FW_DIR_INGRESS;
	struct tally t = { 0 };
	json_t *frames = json_array();
	uint32_t gen, ifindex = 0;
	int ret, rc = FW_EXIT_OK;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--egress")) {
			dir = FW_DIR_EGRESS;
		} else if (!strcmp(argv[i], "--ingress")) {
			dir = FW_DIR_INGRESS;
		} else if (!strcmp(argv[i], "--interface")) {
			if (++i >= argc)
				return usage_error("explain", "--interface needs an IFACE");
			ifname = argv[i];
		} else if (!strcmp(argv[i], "--hex")) {
			if (++i >= argc)
				return usage_error("explain", "--hex needs a FRAME");
			hex = argv[i];
		} else if (argv[i][0] == '-') {
			return usage_error("explain", "unknown option \"%s\"", argv[i]);
		} else if (!file) {
			file = argv[i];
		} else {
			return usage_error("explain", "explain takes one FILE");
		}
	}
	if (!file == !hex)
		return usage_error("explain", "explain takes a pcap FILE or --hex FRAME");
	if (ifname) {
		int ifx = fw_nl_ifindex(ifname);

		if (ifx < 0)
			return fw_err(0, "cannot find device \"%s\"", ifname), FW_EXIT_USAGE;
		ifindex = (uint32_t)ifx;
	}

	ret = open_loaded(&st, 0);
	if (ret)
		return ret;
	ret = load_live(&st, &gen, &mi, &pol);
	if (ret) {
		if (ret == -ENOENT)
			fw_err(0, "no policy applied");
		rc = ret == -ENOENT ? FW_EXIT_USAGE : FW_EXIT_KERNEL;
		goto out;
	}

	if (hex) {
		uint8_t buf[4096];
		size_t len;

		if (hex_frame(hex, buf, sizeof(buf), &len)) {
			rc = usage_error("explain", "--hex takes an Ethernet frame as hex digits");
			goto out;
		}
		if (!opt_json)
			print_header();
		json_array_append_new(frames, explain_frame(&pol, dir, ifindex, buf, len,
							    len, 1, &t));
	} else {
		struct fw_pcap pc;
		struct fw_pcap_rec r;
		char msg[256];

		ret = fw_pcap_open(&pc, file, msg, sizeof(msg));
		if (ret) {
			fprintf(stderr, "Error: %s: %s\n", file, msg);
			rc = FW_EXIT_USAGE;
			goto out;
		}
		if (!opt_json)
			print_header();
		while ((ret = fw_pcap_next(&pc, &r)) > 0) {
			json_t *o = explain_frame(&pol, dir, ifindex, r.data, r.caplen,
						  r.len, t.frames + 1, &t);

			if (opt_json)
				json_array_append_new(frames, o);
			else {
				print_frame(o);
				json_decref(o);
			}
		}
		fw_pcap_close(&pc);
		if (ret < 0) {
			fprintf(stderr, "Error: %s: damaged after frame %lu\n", file, t.frames);
			rc = FW_EXIT_USAGE;
		}
	}
	if (opt_json) {
		emit_json(json_pack("{s:i,s:s,s:I,s:I,s:I,s:O}", "version", 1,
				    "direction", dir ? "egress" : "ingress",
				    "frames", (json_int_t)t.frames, "pass", (json_int_t)t.pass,
				    "drop", (json_int_t)t.drop, "packets", frames));
	} else {
		if (hex)
			print_frame(json_array_get(frames, 0));
		printf("%lu frames: %lu pass, %lu drop\n", t.frames, t.pass, t.drop);
	}
out:
	json_decref(frames);
	fw_policy_free(&pol);
	fw_meta_info_free(&mi);
	fw_state_close(&st);
	return rc;
}
