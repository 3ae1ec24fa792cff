// SPDX-License-Identifier: GPL-2.0
/*
 * main.c - the fwctl command line: option parsing, one function per verb,
 * and the text / JSON output of the read verbs. Everything that touches
 * the kernel lives in the other ctl/ modules.
 */
#include <errno.h>
#include <malloc.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <jansson.h>
#include <bpf/libbpf.h>
#include "cli.h"
#include "fwd.h"
#include "sha256.h"
#include "limit.h"

bool opt_json, opt_pretty;
const char *opt_pin_dir;

struct cmd {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *args;
	const char *help;
};

static const struct cmd *find_cmd(const char *name);

int usage_error(const char *verb, const char *fmt, ...)
{
	va_list ap;

	fputs("Error: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry 'fwctl %s%s--help'.\n", verb ? verb : "",
		verb ? " " : "");
	return FW_EXIT_USAGE;
}

/* Exit status for a failed fw_state_open (it printed why). */
int state_exit(int ret)
{
	return ret == -EINVAL ? FW_EXIT_USAGE : FW_EXIT_KERNEL;
}

static int kerr(int ret)
{
	return ret ? FW_EXIT_KERNEL : FW_EXIT_OK;
}

void emit_json(json_t *doc)
{
	json_dumpf(doc, stdout, opt_pretty ? JSON_INDENT(2) : JSON_COMPACT);
	fputc('\n', stdout);
	json_decref(doc);
}

/* Parse "--help" / "-h" and verb options shared by every verb. */
static bool wants_help(int argc, char **argv)
{
	for (int i = 1; i < argc; i++)
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h"))
			return true;
	return false;
}

/* Accept -j/--json and -p/--pretty after the verb too; drop them from argv. */
static int take_output_options(int argc, char **argv, int first)
{
	int k = first;

	for (int i = first; i < argc; i++) {
		if (!strcmp(argv[i], "-j") || !strcmp(argv[i], "--json"))
			opt_json = true;
		else if (!strcmp(argv[i], "-p") || !strcmp(argv[i], "--pretty"))
			opt_pretty = true;
		else
			argv[k++] = argv[i];
	}
	argv[k] = NULL;
	return k;
}

static void print_verb_help(const struct cmd *c)
{
	if (!c->help) {
		printf("fwctl %s is internal to fwctl.\n", c->name);
		return;
	}
	printf("Usage: fwctl [OPTIONS] %s%s%s\n\n%s\n", c->name,
	       *c->args ? " " : "", c->args, c->help);
}

int print_policy_error(const struct fw_err *err)
{
	char buf[1024];

	fprintf(stderr, "Error: %s\n", fw_err_format(err, buf, sizeof(buf)));
	return FW_EXIT_USAGE;
}

static double mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static const char *time_str(uint64_t ns, char *buf, size_t size)
{
	time_t t = (time_t)(ns / 1000000000ull);
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(buf, size, "%Y-%m-%dT%H:%M:%SZ", &tm);
	return buf;
}

/* --- rule rendering -------------------------------------------------------- */

json_t *prefixes_json(const struct fw_prefix *p, size_t n)
{
	json_t *a = json_array();
	char buf[64];

	for (size_t i = 0; i < n; i++) {
		fw_prefix_format(&p[i], buf, sizeof(buf));
		json_array_append_new(a, json_string(buf));
	}
	return a;
}

static json_t *ports_json(const struct fw_prange *r, size_t n)
{
	json_t *a = json_array();
	char buf[16];

	for (size_t i = 0; i < n; i++) {
		if (r[i].lo == r[i].hi)
			snprintf(buf, sizeof(buf), "%u", r[i].lo);
		else
			snprintf(buf, sizeof(buf), "%u-%u", r[i].lo, r[i].hi);
		json_array_append_new(a, json_string(buf));
	}
	return a;
}

static json_t *bitmap_json(const uint64_t *bm, unsigned int n, bool proto)
{
	json_t *a = json_array();

	for (unsigned int v = 0; v < n; v++) {
		const char *name;
		unsigned int hi;

		if (!(bm[v / 64] >> (v % 64) & 1))
			continue;
		name = proto ? fw_proto_name(v) : NULL;
		for (hi = v; hi + 1 < n && bm[(hi + 1) / 64] >> ((hi + 1) % 64) & 1; hi++)
			;
		if (name || hi - v < 2 || proto) {
			json_array_append_new(a, name ? json_string(name) : json_integer(v));
		} else {		/* runs as "LO-HI" */
			char buf[24];

			snprintf(buf, sizeof(buf), "%u-%u", v, hi);
			json_array_append_new(a, json_string(buf));
			v = hi;
		}
	}
	return a;
}

/* A src/dst matcher: prefixes and "@set" references. */
static json_t *addrs_json(const struct fw_policy *pol, const struct fw_prefix *p,
			  size_t n, uint32_t sets)
{
	json_t *a = prefixes_json(p, n);
	char buf[FW_SET_NAME_MAX + 2];

	for (size_t i = 0; i < pol->n_sets; i++)
		if (sets >> i & 1) {
			snprintf(buf, sizeof(buf), "@%s", pol->sets[i].name);
			json_array_append_new(a, json_string(buf));
		}
	return a;
}

static json_t *fields_json(const struct fw_policy *pol, const struct fw_match *m)
{
	json_t *o = json_object();

	if (m->has_src)
		json_object_set_new(o, "src", addrs_json(pol, m->src, m->n_src, m->src_sets));
	if (m->has_dst)
		json_object_set_new(o, "dst", addrs_json(pol, m->dst, m->n_dst, m->dst_sets));
	if (m->has_proto)
		json_object_set_new(o, "protocol", bitmap_json(m->proto, 256, true));
	if (m->has_sport)
		json_object_set_new(o, "src_port", ports_json(m->sport, m->n_sport));
	if (m->has_dport)
		json_object_set_new(o, "dst_port", ports_json(m->dport, m->n_dport));
	if (m->has_tcp_flags) {
		json_t *a = json_array();
		char buf[64];

		for (size_t i = 0; i < m->n_tcp_flags; i++) {
			fw_tcp_flags_format(&m->tcp_flags[i], buf, sizeof(buf));
			json_array_append_new(a, json_string(buf));
		}
		json_object_set_new(o, "tcp_flags", a);
	}
	if (m->has_icmp_type)
		json_object_set_new(o, "icmp_type", bitmap_json(m->icmp_type, 256, false));
	if (m->has_icmp_code)
		json_object_set_new(o, "icmp_code", bitmap_json(m->icmp_code, 256, false));
	if (m->has_vlan)
		json_object_set_new(o, "vlan", bitmap_json(m->vlan, 4096, false));
	if (m->has_iface) {
		json_t *a = json_array();

		for (size_t i = 0; i < m->n_iface; i++)
			json_array_append_new(a, json_string(m->iface[i]));
		json_object_set_new(o, "interface", a);
	}
	if (m->has_ct) {
		json_t *a = json_array();

		for (unsigned int i = 0; i < __FW_CT_MAX; i++)
			if (m->ct[0] >> i & 1)
				json_array_append_new(a, json_string(fw_ct_state_name(i)));
		json_object_set_new(o, "ct", a);
	}
	return o;
}

static json_t *match_json(const struct fw_policy *pol, const struct fw_rule_ir *r)
{
	json_t *m = fields_json(pol, &r->pos), *n = fields_json(pol, &r->neg);

	if (json_object_size(n))
		json_object_set_new(m, "not", n);
	else
		json_decref(n);
	return m;
}

static const char *const match_keys[] = {
	"src", "dst", "protocol", "src_port", "dst_port", "tcp_flags",
	"icmp_type", "icmp_code", "vlan", "interface", "ct",
};

static size_t fields_text(json_t *m, char *buf, size_t size, size_t off)
{
	for (size_t k = 0; k < sizeof(match_keys) / sizeof(match_keys[0]); k++) {
		json_t *a = json_object_get(m, match_keys[k]), *v;
		size_t i;

		if (!a)
			continue;
		off += (size_t)snprintf(buf + off, off < size ? size - off : 0,
					"%s%s ", off ? " " : "", match_keys[k]);
		json_array_foreach(a, i, v) {
			if (json_is_string(v))
				off += (size_t)snprintf(buf + off, off < size ? size - off : 0,
							"%s%s", i ? "," : "", json_string_value(v));
			else
				off += (size_t)snprintf(buf + off, off < size ? size - off : 0,
							"%s%lld", i ? "," : "",
							(long long)json_integer_value(v));
		}
	}
	return off;
}

/* "src 192.0.2.0/24 protocol tcp dst_port 22,80 not src @blocklist" */
static void match_text(json_t *m, char *buf, size_t size)
{
	json_t *n = json_object_get(m, "not");
	size_t off;

	buf[0] = '\0';
	off = fields_text(m, buf, size, 0);
	if (n) {
		off += (size_t)snprintf(buf + off, off < size ? size - off : 0,
					"%snot", off ? " " : "");
		off = fields_text(n, buf, size, off);
	}
	if (!off)
		snprintf(buf, size, "any");
}

static json_t *counter_json(const struct fw_counter *c)
{
	return json_pack("{s:I,s:I}", "packets", (json_int_t)c->packets,
			 "bytes", (json_int_t)c->bytes);
}

/* --- validate -------------------------------------------------------------- */

/* validate checks a policy that may be meant for another machine. */
static int resolve_or_invent(const char *name)
{
	int ifindex = fw_nl_ifindex(name);
	unsigned int h = 5381;

	if (ifindex > 0)
		return ifindex;
	for (const char *p = name; *p; p++)
		h = h * 33 + (unsigned char)*p;
	return (int)(0x40000000u | (h & 0x3fffffffu));
}

/*
 * For verbs that end the process after one policy: memory freed (the
 * parser's JSON, compile's scratch) stays in the heap for what comes next,
 * instead of going back to the kernel and being faulted in again page by
 * page (13000 page faults, a fifth of a 10000-rule apply, before this).
 * Not for the daemon, which lives on.
 */
static void heap_for_one_policy(void)
{
	mallopt(M_MMAP_THRESHOLD, 32 << 20);	/* glibc's maximum */
	mallopt(M_TRIM_THRESHOLD, 1 << 30);
}

static int cmd_validate(int argc, char **argv)
{
	struct fw_policy pol = { 0 };
	struct fw_tables t;
	struct fw_err err = { 0 };
	int ret;

	if (argc != 2)
		return usage_error("validate", "validate takes one FILE");
	heap_for_one_policy();
	ret = fw_policy_parse_file(argv[1], &pol, &err);
	if (ret)
		return print_policy_error(&err);
	ret = fw_policy_resolve(&pol, resolve_or_invent, &err);
	fw_phase("resolve");
	if (!ret)
		ret = fw_compile(&pol, &t, &err);
	fw_phase("compile");
	if (ret) {
		fw_policy_free(&pol);
		if (ret == -ENOMEM)
			return fw_err(ret, "cannot compile"), FW_EXIT_KERNEL;
		return print_policy_error(&err);
	}
	if (opt_json) {
		json_t *ifs = json_array();

		for (size_t i = 0; i < pol.n_ifaces; i++)
			json_array_append_new(ifs, json_pack("{s:s,s:s,s:b}",
				"name", pol.ifaces[i].name,
				"mode", fw_mode_name(pol.ifaces[i].mode),
				"pattern", pol.ifaces[i].pattern));
		emit_json(json_pack("{s:i,s:s,s:b,s:i,s:i,s:I,s:I,s:o}", "version", 1,
				    "file", argv[1], "valid", 1,
				    "ingress_rules", (int)pol.dir[0].n_rules,
				    "egress_rules", (int)pol.dir[1].n_rules,
				    "classes", (json_int_t)t.n_cls,
				    "prefixes", (json_int_t)(t.dir[0].n_lpm + t.dir[1].n_lpm),
				    "interfaces", ifs));
	} else {
		printf("%s: valid: %zu ingress rules, %zu egress rules, %zu classes, %zu prefixes\n",
		       argv[1], pol.dir[0].n_rules, pol.dir[1].n_rules, t.n_cls,
		       t.dir[0].n_lpm + t.dir[1].n_lpm);
	}
	/* (the policy and tables are not freed: see the end of cmd_apply) */
	return FW_EXIT_OK;
}

/* --- apply ----------------------------------------------------------------- */

static json_t *attachment_json(const struct fw_attachment *a)
{
	json_t *o = json_pack("{s:s,s:i}", "name", a->name, "ifindex", a->ifindex);

	if (a->xdp)
		json_object_set_new(o, "xdp", json_pack("{s:s,s:s,s:I}",
			"mode", fw_mode_name(a->xdp_mode),
			"attach", a->xdp_multiprog ? "libxdp-dispatcher" : "single-program",
			"prog_id", (json_int_t)a->xdp_prog_id));
	else
		json_object_set_new(o, "xdp", json_null());
	if (a->tc)
		json_object_set_new(o, "tc_egress", json_pack("{s:I}", "prog_id",
							      (json_int_t)a->tc_prog_id));
	else
		json_object_set_new(o, "tc_egress", json_null());
	return o;
}

static void attachment_text(const struct fw_attachment *a)
{
	printf("  %-15s ifindex %-4d", a->name, a->ifindex);
	if (a->xdp)
		printf(" xdp %s (%s) prog %u", fw_mode_name(a->xdp_mode),
		       a->xdp_multiprog ? "libxdp dispatcher" : "single program",
		       a->xdp_prog_id);
	else
		printf(" xdp -");
	if (a->tc)
		printf("  tc egress prog %u", a->tc_prog_id);
	putchar('\n');
}

static int cmd_apply(int argc, char **argv)
{
	struct fw_state st = FW_STATE_INIT;
	struct fw_policy pol = { 0 };
	struct fw_attachment *att = NULL;
	struct fw_target *tg = NULL;
	struct fw_tables t = { 0 };
	struct fw_err err = { 0 };
	const char *file = NULL, *last_good = NULL;
	bool missing_ok = false;
	uint32_t gen = 0;
	double t0, apply_ms = 0;
	uint64_t within = 0;
	struct fw_confirm pend;
	int ret, ntg = 0, rc = FW_EXIT_OK;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--missing-ok")) {
			missing_ok = true;
		} else if (!strcmp(argv[i], "--last-good")) {
			if (++i >= argc)
				return usage_error("apply", "--last-good needs a FILE");
			last_good = argv[i];
		} else if (!strcmp(argv[i], "--confirm-within")) {
			if (++i >= argc || !(within = parse_duration(argv[i])))
				return usage_error("apply", "--confirm-within takes a duration such as 30s or 2m");
		} else if (argv[i][0] == '-' && argv[i][1]) {
			return usage_error("apply", "unknown option \"%s\"", argv[i]);
		} else if (!file) {
			file = argv[i];
		} else {
			return usage_error("apply", "apply takes one FILE");
		}
	}
	if (!file)
		return usage_error("apply", "apply takes one FILE");
	heap_for_one_policy();
	ret = fw_policy_parse_file(file, &pol, &err);
	if (ret)
		return print_policy_error(&err);
	for (int d = 0; missing_ok && d < FW_NDIR; d++)	/* boot: targets may come later */
		for (size_t i = 0; i < pol.dir[d].n_rules; i++)
			pol.dir[d].rules[i].fwd.optional = true;
	ret = fw_policy_resolve(&pol, fw_nl_ifindex, &err);
	if (ret) {
		rc = print_policy_error(&err);
		goto out;
	}
	fw_phase("resolve");
	ret = fw_compile(&pol, &t, &err);
	fw_phase("compile");
	if (ret) {
		rc = ret == -ENOMEM ? (fw_err(ret, "cannot compile"), FW_EXIT_KERNEL)
				    : print_policy_error(&err);
		goto out;
	}
	/* every named interface must exist before anything changes (patterns may match none),
	 * and an offloaded one ("mode": "hw") needs the policy in the hw subset */
	for (size_t i = 0; i < pol.n_ifaces; i++) {
		struct fw_hw_tables hwt;

		if (pol.ifaces[i].mode == FW_MODE_HW && fw_hw_tables_of(&pol, &hwt)) {
			rc = FW_EXIT_USAGE;
			goto out;
		}
		if (pol.ifaces[i].pattern)
			continue;
		ret = fw_nl_ifindex(pol.ifaces[i].name);
		if (ret == -ENODEV && missing_ok) {
			fprintf(stderr, "fwctl: %s does not exist (yet): not attached\n",
				pol.ifaces[i].name);
			continue;
		}
		if (ret == -ENODEV) {
			fw_policy_error_at(&pol, pol.ifaces[i].path, &err,
					   "no such device \"%s\"", pol.ifaces[i].name);
			rc = print_policy_error(&err);
			goto out;
		}
		if (ret < 0) {
			fw_err(ret, "cannot look up device \"%s\"", pol.ifaces[i].name);
			rc = FW_EXIT_KERNEL;
			goto out;
		}
	}

	fw_phase("interfaces");
	ret = fw_state_open(&st, fw_pin_dir(opt_pin_dir), FW_ST_WRITE | FW_ST_CREATE);
	fw_phase("open state");
	if (ret) {
		rc = state_exit(ret);
		goto out;
	}
	if (confirm_pending(&st, &pend)) {
		long left = (long)(((int64_t)pend.deadline_ns - (int64_t)fw_now_ns()) / 1000000000);

		fw_err(0, "generation %u waits for 'fwctl confirm' (rollback %s%ld s): confirm or roll back first",
		       pend.new_gen, left >= 0 ? "in " : "overdue by ", left >= 0 ? left : -left);
		rc = FW_EXIT_USAGE;
		goto out;
	}
	if (within) {
		/* the timer first: killed at any point after the switch, the
		 * rollback still happens; before it, the timer finds nothing */
		uint32_t active;

		ret = fw_read_active_gen(&st, &active);
		if (!ret)
			ret = confirm_start(&st, active ^ 1, within);
		if (ret) {
			fw_err(ret, "cannot start the confirm timer; nothing changed");
			rc = FW_EXIT_KERNEL;
			goto out;
		}
	}
	t0 = mono_ms();
	ret = fw_apply_tables(&st, &t, &pol, &gen);
	if (ret) {
		if (within)
			confirm_cancel(&st);
		rc = FW_EXIT_KERNEL;
		goto out;
	}
	apply_ms = mono_ms() - t0;
	fw_phase("apply: switched");
	ntg = fw_policy_targets(&pol, &tg);
	if (ntg < 0) {
		fw_err(ntg, "cannot list interfaces");
		rc = FW_EXIT_KERNEL;
		ntg = 0;
	}
	att = calloc((size_t)ntg + 1, sizeof(*att));
	if (!att) {
		rc = FW_EXIT_KERNEL;
		goto out;
	}
	for (int i = 0; i < ntg; i++) {
		ret = fw_attach(&st, tg[i].name, pol.ifaces[tg[i].entry].mode,
				fw_policy_needs_tc(&pol), &att[i]);
		if (ret)
			rc = FW_EXIT_KERNEL;
	}
	if (last_good && rc == FW_EXIT_OK) {
		ret = fw_save_last_good(&pol, last_good);
		if (ret)
			rc = (fw_err(ret, "cannot save %s as the last known-good policy", last_good),
			      FW_EXIT_KERNEL);
	}
	if (opt_json) {
		json_t *ifs = json_array();

		for (int i = 0; i < ntg; i++)
			json_array_append_new(ifs, attachment_json(&att[i]));
		json_t *sets = json_array();

		for (size_t i = 0; i < pol.n_sets; i++)
			json_array_append_new(sets, json_pack("{s:s,s:I}", "name", pol.sets[i].name,
					"elements", (json_int_t)pol.sets[i].n_elems));
		emit_json(json_pack("{s:i,s:s,s:b,s:i,s:i,s:i,s:o,s:f,s:o}", "version", 1,
				    "file", file, "applied", rc == FW_EXIT_OK,
				    "generation", (int)gen,
				    "ingress_rules", (int)pol.dir[0].n_rules,
				    "egress_rules", (int)pol.dir[1].n_rules,
				    "sets", sets, "apply_ms", apply_ms, "interfaces", ifs));
		if (within)
			fprintf(stderr, "run 'fwctl confirm' within %llu s, or generation %u comes back\n",
				(unsigned long long)(within / 1000000000ull), gen ^ 1);
	} else {
		printf("applied %s: %zu ingress rules (default %s), %zu egress rules (default %s), generation %u\n",
		       file, pol.dir[0].n_rules,
		       fw_action_name(pol.dir[0].default_action), pol.dir[1].n_rules,
		       fw_action_name(pol.dir[1].default_action), gen);
		if (pol.n_sets) {
			size_t total = 0;

			printf("  sets:");
			for (size_t i = 0; i < pol.n_sets; i++) {
				printf("%s %s (%zu)", i ? "," : "", pol.sets[i].name,
				       pol.sets[i].n_elems);
				total += pol.sets[i].n_elems;
			}
			printf(": %zu elements loaded\n", total);
		}
		printf("  applied in %.0f ms\n", apply_ms);
		if (within)
			printf("  run 'fwctl confirm' within %llu s, or generation %u comes back\n",
			       (unsigned long long)(within / 1000000000ull), gen ^ 1);
		for (int i = 0; i < ntg; i++)
			if (att[i].xdp || att[i].tc)
				attachment_text(&att[i]);
	}
out:
	fw_phase("attach, output");
	free(att);
	free(tg);
	fw_state_close(&st);
	/*
	 * The policy and its tables are not freed: the process ends with this
	 * verb (main() returns what it returns) and the kernel takes the memory
	 * back at once, where freeing a 10000-rule policy's ~100000 allocations
	 * one by one took 5 ms of the apply.
	 */
	fw_phase("free");
	return rc;
}

/* --- attach / detach ------------------------------------------------------- */

static int parse_mode(const char *s, int *mode)
{
	if (!strcmp(s, "auto"))
		*mode = FW_MODE_AUTO;
	else if (!strcmp(s, "native"))
		*mode = FW_MODE_NATIVE;
	else if (!strcmp(s, "skb"))
		*mode = FW_MODE_SKB;
	else if (!strcmp(s, "hw"))
		*mode = FW_MODE_HW;
	else
		return -EINVAL;
	return 0;
}

/* Does the active policy filter egress? */
static bool active_has_egress(const struct fw_state *st)
{
	struct fw_meta_info mi;
	struct fw_policy pol = { 0 };
	struct fw_err err;
	uint32_t gen;
	bool has = false;

	if (fw_read_active_gen(st, &gen) || fw_read_meta(st, gen, &mi))
		return false;
	if (!fw_policy_parse_pinned(mi.text, strlen(mi.text), mi.meta.path, &pol, &err))
		has = fw_policy_needs_tc(&pol);
	fw_policy_free(&pol);
	fw_meta_info_free(&mi);
	return has;
}

static int cmd_attach(int argc, char **argv)
{
	struct fw_state st = FW_STATE_INIT;
	struct fw_attachment a;
	const char *ifname = NULL;
	int mode = FW_MODE_AUTO, egress = -1, ret;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--mode")) {
			if (++i >= argc || parse_mode(argv[i], &mode))
				return usage_error("attach", "--mode takes auto, native, skb or hw");
		} else if (!strcmp(argv[i], "--egress")) {
			egress = 1;
		} else if (!strcmp(argv[i], "--no-egress")) {
			egress = 0;
		} else if (argv[i][0] == '-') {
			return usage_error("attach", "unknown option \"%s\"", argv[i]);
		} else if (!ifname) {
			ifname = argv[i];
		} else {
			return usage_error("attach", "attach takes one IFACE");
		}
	}
	if (!ifname)
		return usage_error("attach", "attach needs an IFACE");
	if (fw_nl_ifindex(ifname) < 0)
		return fw_err(0, "cannot find device \"%s\"", ifname), FW_EXIT_USAGE;

	ret = fw_state_open(&st, fw_pin_dir(opt_pin_dir), FW_ST_WRITE | FW_ST_CREATE);
	if (ret)
		return state_exit(ret);
	if (egress < 0)
		egress = active_has_egress(&st);
	if (mode == FW_MODE_HW) {	/* the policy must fit the NIC: a policy error */
		struct fw_hw_tables t;

		ret = fw_hw_tables_active(&st, &t);
		if (ret) {
			fw_state_close(&st);
			return ret == -EINVAL || ret == -ENOENT ? FW_EXIT_USAGE : FW_EXIT_KERNEL;
		}
	}
	ret = fw_attach(&st, ifname, mode, egress, &a);
	if (!ret) {
		if (opt_json)
			emit_json(attachment_json(&a));
		else
			attachment_text(&a);
	}
	fw_state_close(&st);
	return kerr(ret);
}

static int cmd_detach(int argc, char **argv)
{
	struct fw_state st = FW_STATE_INIT;
	bool all = false;
	int ret, rc = FW_EXIT_OK, n = 0;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--all"))
			all = true;
		else if (argv[i][0] == '-')
			return usage_error("detach", "unknown option \"%s\"", argv[i]);
		else
			n++;
	}
	if (all == (n > 0))
		return usage_error("detach", "detach takes IFACE... or --all");
	for (int i = 1; i < argc; i++)
		if (argv[i][0] != '-' && fw_nl_ifindex(argv[i]) < 0)
			return fw_err(0, "cannot find device \"%s\"", argv[i]), FW_EXIT_USAGE;

	ret = fw_state_open(&st, fw_pin_dir(opt_pin_dir), FW_ST_WRITE | FW_ST_ANY_LAYOUT);
	if (ret == -ENOENT)
		return FW_EXIT_OK;	/* nothing loaded: nothing attached */
	if (ret)
		return state_exit(ret);
	if (all) {
		struct fw_attachment *v = NULL;
		int k = fw_query_all(&st, &v);

		if (k < 0)
			rc = (fw_err(k, "cannot list interfaces"), FW_EXIT_KERNEL);
		for (int i = 0; i < k; i++)
			if (fw_detach(&st, v[i].ifindex, v[i].name))
				rc = FW_EXIT_KERNEL;
		free(v);
	} else {
		for (int i = 1; i < argc; i++) {
			if (argv[i][0] == '-')
				continue;
			if (fw_detach(&st, fw_nl_ifindex(argv[i]), argv[i]))
				rc = FW_EXIT_KERNEL;
		}
	}
	fw_state_close(&st);
	return rc;
}

/* --- status / show / stats ------------------------------------------------- */

/* Open read-only; print the "not loaded" answer when there is nothing. */
int open_loaded(struct fw_state *st, int flags)
{
	int ret = fw_state_open(st, fw_pin_dir(opt_pin_dir), flags);

	if (ret == -ENOENT) {
		fw_err(0, "no firewall loaded under %s", fw_pin_dir(opt_pin_dir));
		return FW_EXIT_USAGE;
	}
	return ret ? state_exit(ret) : FW_EXIT_OK;
}

int open_for_read(struct fw_state *st, bool *loaded)
{
	int ret = fw_state_open(st, fw_pin_dir(opt_pin_dir), 0);

	*loaded = !ret;
	if (ret == -ENOENT)
		return 0;
	return ret;
}

static void policy_meta_extra(json_t *o, const struct fw_policy *pol)
{
	json_t *sets = json_array();

	json_object_set_new(o, "fragments", json_string(fw_frag_mode_name(pol->frag_mode)));
	json_object_set_new(o, "malformed", json_string(fw_action_name(pol->malformed_action)));
	json_object_set_new(o, "redirect_fallback",
			    json_string(fw_action_name(pol->redirect_fallback)));
	for (size_t i = 0; i < pol->n_sets; i++)
		json_array_append_new(sets, json_string(pol->sets[i].name));
	json_object_set_new(o, "sets", sets);
	if (pol->ct.on) {	/* conntrack (issue 5) */
		json_t *ct = json_pack("{s:I,s:s,s:{}}", "size", (json_int_t)pol->ct.size,
				       "established", pol->ct.pass_est ? "pass" : "match",
				       "timeouts_ms");

		for (unsigned int i = 0; i < __FW_CT_TO_MAX; i++)
			json_object_set_new(json_object_get(ct, "timeouts_ms"), fw_ct_timeout_name(i),
					    json_integer((json_int_t)(pol->ct.timeout_ns[i] / 1000000)));
		json_object_set_new(o, "conntrack", ct);
	} else {
		json_object_set_new(o, "conntrack", json_null());
	}
}

static json_t *policy_meta_json(const struct fw_meta_info *mi,
				const struct fw_policy *pol, uint32_t gen)
{
	char sha[65], tbuf[32];

	json_t *o = json_pack("{s:s,s:s,s:s,s:i,s:{s:i,s:s},s:{s:b,s:i,s:s},s:s}",
		"file", mi->meta.path,
		"sha256", fw_sha256_hex(mi->meta.sha256, sha),
		"loaded", time_str(mi->meta.loaded_ns, tbuf, sizeof(tbuf)),
		"generation", (int)gen,
		"ingress", "rules", (int)pol->dir[0].n_rules,
		"default", fw_action_name(pol->dir[0].default_action),
		"egress", "filtered", pol->has_egress, "rules", (int)pol->dir[1].n_rules,
		"default", fw_action_name(pol->dir[1].default_action),
		"non_ip", fw_action_name(pol->non_ip_action));

	policy_meta_extra(o, pol);
	return o;
}


/* The active generation's policy, re-parsed from its pinned text. */
int load_active(const struct fw_state *st, uint32_t *gen,
		struct fw_meta_info *mi, struct fw_policy *pol)
{
	struct fw_err err;
	int ret;

	ret = fw_read_active_gen(st, gen);
	if (!ret)
		ret = fw_read_meta(st, *gen, mi);
	if (ret == -ENOENT)
		return ret;	/* set up, but no policy applied */
	if (ret == -EPROTO)
		return fw_err(ret, "the pinned policy under %s was written by an incompatible fwctl ('fwctl flush' removes it)",
			      st->pin_dir);
	if (ret)
		return fw_err(ret, "cannot read the active policy");
	ret = fw_policy_parse_pinned(mi->text, strlen(mi->text), mi->meta.path, pol, &err);
	if (ret) {
		fw_meta_info_free(mi);
		return fw_err(-EPROTO, "the pinned policy does not parse");
	}
	return 0;
}

/* "daemon    pid 123 since ..., policy FILE" (see daemon_status_json) */
static void daemon_text(json_t *d)
{
	json_t *lr = json_object_get(d, "last_reload");

	if (!json_is_object(d)) {
		printf("daemon    not running\n");
		return;
	}
	if (!json_is_true(json_object_get(d, "running"))) {
		printf("daemon    not running (stale state of pid %lld: %s)\n",
		       (long long)json_integer_value(json_object_get(d, "pid")),
		       json_string_value(json_object_get(d, "state_file")));
		return;
	}
	printf("daemon    pid %lld since %s, policy %s\n",
	       (long long)json_integer_value(json_object_get(d, "pid")),
	       json_string_value(json_object_get(d, "since")),
	       json_string_value(json_object_get(d, "policy")));
	if (json_is_object(lr) && json_is_true(json_object_get(lr, "ok")))
		printf("          last reload %s: applied, generation %lld\n",
		       json_string_value(json_object_get(lr, "time")),
		       (long long)json_integer_value(json_object_get(lr, "generation")));
	else if (json_is_object(lr))
		printf("          last reload %s: failed: %s\n",
		       json_string_value(json_object_get(lr, "time")),
		       json_string_value(json_object_get(lr, "error")));
}

static const char *const confirm_states[] = {
	[FW_CONFIRM_NONE] = "none",
	[FW_CONFIRM_PENDING] = "pending",
	[FW_CONFIRM_CONFIRMED] = "confirmed",
	[FW_CONFIRM_ROLLED_BACK] = "rolled_back",
};

static json_t *confirm_json(const struct fw_state *st)
{
	struct fw_confirm c;
	char t1[32], t2[32];

	if (fw_confirm_read(st, &c) || c.state >= sizeof(confirm_states) / sizeof(*confirm_states))
		return json_null();
	if (c.state == FW_CONFIRM_NONE)
		return json_pack("{s:s}", "state", "none");
	return json_pack("{s:s,s:i,s:i,s:s,s:s,s:I}", "state", confirm_states[c.state],
			 "generation", (int)c.new_gen, "rollback_to", (int)c.prev_gen,
			 "deadline", time_str(c.deadline_ns, t1, sizeof(t1)),
			 "changed", time_str(c.changed_ns, t2, sizeof(t2)),
			 "timer_pid", (json_int_t)c.timer_pid);
}

static void confirm_text(const struct fw_state *st)
{
	struct fw_confirm c;
	char t[32];

	if (fw_confirm_read(st, &c) || c.state == FW_CONFIRM_NONE)
		return;
	if (c.state == FW_CONFIRM_PENDING) {
		long left = (long)(((int64_t)c.deadline_ns - (int64_t)fw_now_ns()) / 1000000000);

		printf("confirm   pending: generation %u rolls back to %u at %s (in %ld s) unless 'fwctl confirm'\n",
		       c.new_gen, c.prev_gen, time_str(c.deadline_ns, t, sizeof(t)), left);
	} else {
		printf("confirm   last: generation %u %s at %s\n", c.new_gen,
		       c.state == FW_CONFIRM_CONFIRMED ? "confirmed" : "rolled back",
		       time_str(c.changed_ns, t, sizeof(t)));
	}
}

static int cmd_status(int argc, char **argv)
{
	struct fw_state st = FW_STATE_INIT;
	struct fw_attachment *v = NULL;
	struct fw_meta_info mi = { 0 };
	struct fw_policy pol = { 0 };
	bool loaded;
	uint32_t gen = 0;
	int ret, k = 0, rc = FW_EXIT_OK;
	bool have_policy = false;
	json_t *daemon;

	if (argc != 1)
		return usage_error("status", "status takes no arguments");
	ret = open_for_read(&st, &loaded);
	if (ret)
		return state_exit(ret);
	if (loaded) {
		ret = load_active(&st, &gen, &mi, &pol);
		if (ret && ret != -ENOENT)
			rc = FW_EXIT_KERNEL;
		have_policy = !ret;
		k = fw_query_all(&st, &v);
		if (k < 0) {
			fw_err(k, "cannot list interfaces");
			rc = FW_EXIT_KERNEL;
			k = 0;
		}
	}
	daemon = daemon_status_json(fw_pin_dir(opt_pin_dir));
	if (opt_json) {
		json_t *ifs = json_array();

		for (int i = 0; i < k; i++)
			json_array_append_new(ifs, attachment_json(&v[i]));
		emit_json(json_pack("{s:i,s:s,s:b,s:i,s:o,s:o,s:o,s:O,s:o}", "version", 1,
			"pin_dir", fw_pin_dir(opt_pin_dir), "loaded", loaded,
			"layout", FW_LAYOUT_VERSION,
			"policy", have_policy ? policy_meta_json(&mi, &pol, gen) : json_null(),
			"confirm", loaded ? confirm_json(&st) : json_null(),
			"interfaces", ifs, "daemon", daemon,
			"redirect_targets", have_policy ? fw_fwd_targets_json(&st, gen, &pol)
							: json_array()));
	} else if (!loaded) {
		printf("not loaded (no firewall under %s)\n", fw_pin_dir(opt_pin_dir));
		daemon_text(daemon);
	} else {
		char sha[65], tbuf[32];

		printf("pin dir   %s (layout %d)\n", st.pin_dir, FW_LAYOUT_VERSION);
		if (have_policy) {
			printf("policy    %s\n", mi.meta.path);
			printf("          sha256 %s\n", fw_sha256_hex(mi.meta.sha256, sha));
			printf("          loaded %s, generation %u\n",
			       time_str(mi.meta.loaded_ns, tbuf, sizeof(tbuf)), gen);
			printf("          ingress %zu rules, default %s; egress %s; non-IP %s\n",
			       pol.dir[0].n_rules, fw_action_name(pol.dir[0].default_action),
			       pol.has_egress ? "filtered" : "not filtered",
			       fw_action_name(pol.non_ip_action));
		} else {
			printf("policy    none (traffic passes until 'fwctl apply')\n");
		}
		confirm_text(&st);
		if (have_policy) {	/* forwarding (fwd.c) */
			json_t *tg = fw_fwd_targets_json(&st, gen, &pol), *t;
			size_t i;

			json_array_foreach(tg, i, t)
				printf("%s %s: %s\n", i ? "         " : "redirect ",
				       json_string_value(json_object_get(t, "interface")),
				       json_is_true(json_object_get(t, "missing"))
				       ? "MISSING (its traffic gets the fallback verdict)" : "ok");
			json_decref(tg);
		}
		printf("interfaces%s\n", k ? "" : " none");
		for (int i = 0; i < k; i++)
			attachment_text(&v[i]);
		daemon_text(daemon);
	}
	json_decref(daemon);
	free(v);
	fw_policy_free(&pol);
	fw_meta_info_free(&mi);
	fw_state_close(&st);
	return rc;
}

static json_t *ruleset_json(const struct fw_state *st, const struct fw_policy *pol,
			    const struct fw_ruleset *rs, uint32_t tbl)
{
	json_t *rules = json_array();
	struct fw_counter c;

	for (size_t i = 0; i < rs->n_rules; i++) {
		const struct fw_rule_ir *r = &rs->rules[i];
		json_t *o;

		fw_read_counter(st->fd[M_RCNT], tbl * FW_NCNT + (uint32_t)i, &c);
		o = json_pack("{s:i,s:s,s:s,s:o,s:I,s:I}", "index", (int)i,
			      "id", r->id, "action", fw_action_name(r->action),
			      "match", match_json(pol, r), "packets", (json_int_t)c.packets,
			      "bytes", (json_int_t)c.bytes);
		if (r->comment[0])
			json_object_set_new(o, "comment", json_string(r->comment));
		if (r->failsafe)
			json_object_set_new(o, "failsafe", json_true());
		fw_fwd_rule_json(o, st, tbl / FW_NDIR, pol, r);	/* fwd.c */
		if (r->log)
			json_object_set_new(o, "log", json_pack("{s:i,s:i}", "sample", (int)r->log_sample,
								"rate", (int)r->log_rate));
		if (r->limit.set) {		/* rate limit and its over-limit counter */
			json_object_set_new(o, "limit", fw_limit_json(&r->limit));
			fw_limit_over_count(st, tbl, (uint32_t)i, &c);
			json_object_set_new(o, "over_limit", counter_json(&c));
		}
		if (r->track)
			json_object_set_new(o, "track", json_true());
		json_array_append_new(rules, o);
	}
	fw_read_counter(st->fd[M_RCNT], tbl * FW_NCNT + FW_MAX_RULES, &c);
	return json_pack("{s:s,s:o,s:o}", "default", fw_action_name(rs->default_action),
			 "default_counter", counter_json(&c), "rules", rules);
}

/* Append " limit 1000/s burst 200 over drop (over: N packets)" for a limited rule. */
static void limit_text(json_t *r, char *buf, size_t size)
{
	json_t *l = json_object_get(r, "limit");
	size_t off = strlen(buf);

	if (!l)
		return;
	snprintf(buf + off, off < size ? size - off : 0,
		 " limit %s burst %lld%s%s%s over %s (over the limit: %lld)",
		 json_string_value(json_object_get(l, "rate")),
		 (long long)json_integer_value(json_object_get(l, "burst")),
		 strcmp(json_string_value(json_object_get(l, "unit")), "bytes") ? "" : "B",
		 json_object_get(l, "per") ? " per " : "",
		 json_object_get(l, "per") ? json_string_value(json_object_get(l, "per")) : "",
		 json_string_value(json_object_get(l, "over")),
		 (long long)json_integer_value(json_object_get(json_object_get(r, "over_limit"),
							       "packets")));
}

static void ruleset_text(const char *title, json_t *rs)
{
	json_t *rules = json_object_get(rs, "rules"), *r;
	json_t *dc = json_object_get(rs, "default_counter");
	char match[512];
	size_t i;

	printf("%s (default %s)\n", title,
	       json_string_value(json_object_get(rs, "default")));
	printf("  %4s  %-16s %-6s %12s %14s  %s\n", "#", "id", "action", "packets",
	       "bytes", "match");	/* F: a failsafe rule, evaluated first */
	json_array_foreach(rules, i, r) {
		const char *id = json_string_value(json_object_get(r, "id"));

		match_text(json_object_get(r, "match"), match, sizeof(match));
		limit_text(r, match, sizeof(match));
		if (json_is_true(json_object_get(r, "track")))	/* records its flows */
			strncat(match, " track", sizeof(match) - strlen(match) - 1);
		printf("  %4zu%s %-16s %-6s %12lld %14lld  %s\n", i,
		       json_is_true(json_object_get(r, "failsafe")) ? "F" : " ", *id ? id : "-",
		       json_string_value(json_object_get(r, "action")),
		       (long long)json_integer_value(json_object_get(r, "packets")),
		       (long long)json_integer_value(json_object_get(r, "bytes")), match);
		if (json_object_get(r, "forward"))
			printf("  %4s  %-16s => %s%s\n", "", "",
			       json_string_value(json_object_get(r, "forward")),
			       json_is_true(json_object_get(json_object_get(r, "redirect"), "missing"))
			       ? " [target missing: fallback]" : "");
	}
	printf("  %4s  %-16s %-6s %12lld %14lld\n", "", "(default)",
	       json_string_value(json_object_get(rs, "default")),
	       (long long)json_integer_value(json_object_get(dc, "packets")),
	       (long long)json_integer_value(json_object_get(dc, "bytes")));
}

static int cmd_show(int argc, char **argv)
{
	struct fw_state st = FW_STATE_INIT;
	struct fw_meta_info mi = { 0 };
	struct fw_policy pol = { 0 };
	json_t *doc, *in, *eg;
	uint32_t gen;
	int ret;

	if (argc != 1)
		return usage_error("show", "show takes no arguments");
	ret = open_loaded(&st, 0);
	if (ret)
		return ret;
	ret = load_active(&st, &gen, &mi, &pol);
	if (ret == -ENOENT) {
		fw_err(0, "no policy applied");
		fw_state_close(&st);
		return FW_EXIT_USAGE;
	}
	if (ret) {
		fw_state_close(&st);
		return FW_EXIT_KERNEL;
	}
	in = ruleset_json(&st, &pol, &pol.dir[0], FW_TBL(gen, FW_DIR_INGRESS));
	eg = ruleset_json(&st, &pol, &pol.dir[1], FW_TBL(gen, FW_DIR_EGRESS));
	doc = json_pack("{s:i,s:o}", "version", 1, "policy",
			policy_meta_json(&mi, &pol, gen));
	json_object_set(doc, "default", json_object_get(in, "default"));
	json_object_set(doc, "default_counter", json_object_get(in, "default_counter"));
	json_object_set(doc, "rules", json_object_get(in, "rules"));
	json_object_set(doc, "egress", pol.has_egress ? eg : json_null());
	if (opt_json) {
		emit_json(json_incref(doc));
	} else {
		printf("policy %s, generation %u\n", mi.meta.path, gen);
		ruleset_text("ingress", in);
		if (pol.has_egress)
			ruleset_text("egress", eg);
		printf("non-IP frames: %s\n", fw_action_name(pol.non_ip_action));
	}
	json_decref(doc);
	json_decref(in);
	json_decref(eg);
	fw_policy_free(&pol);
	fw_meta_info_free(&mi);
	fw_state_close(&st);
	return FW_EXIT_OK;
}

const char *const fw_reason_names[__FW_R_MAX] = {
	[FW_R_RULE_PASS] = "rule_pass",
	[FW_R_RULE_DROP] = "rule_drop",
	[FW_R_DEFAULT_PASS] = "default_pass",
	[FW_R_DEFAULT_DROP] = "default_drop",
	[FW_R_NON_IP_PASS] = "non_ip_pass",
	[FW_R_NON_IP_DROP] = "non_ip_drop",
	[FW_R_MALFORMED] = "malformed",
	[FW_R_NO_POLICY] = "no_policy",
	[FW_R_FRAGMENT_PASS] = "fragment_pass",
	[FW_R_FRAGMENT_DROP] = "fragment_drop",
	[FW_R_MALFORMED_PASS] = "malformed_pass",
	[FW_R_CT_ESTABLISHED] = "ct_established",
	[FW_R_LIMIT_DROP] = "limit_drop",
	[FW_R_LIMIT_PASS] = "limit_pass",
	[FW_R_REDIRECT] = "redirect",
	[FW_R_REDIRECT_FALLBACK] = "redirect_fallback",
	[FW_R_FIB_PASS] = "fib_pass",
};
_Static_assert(sizeof(fw_reason_names) / sizeof(fw_reason_names[0]) == __FW_R_MAX,
	       "a name for every reason");

/* --- flush ----------------------------------------------------------------- */

static int cmd_flush(int argc, char **argv)
{
	struct fw_state st = FW_STATE_INIT;
	struct fw_attachment *v = NULL;
	int ret, k, rc = FW_EXIT_OK;

	if (argc != 1)
		return usage_error("flush", "flush takes no arguments");
	ret = fw_state_open(&st, fw_pin_dir(opt_pin_dir), FW_ST_WRITE | FW_ST_ANY_LAYOUT);
	if (ret == -ENOENT)
		return FW_EXIT_OK;
	if (ret)
		return state_exit(ret);
	k = fw_query_all(&st, &v);
	if (k < 0) {
		fw_err(k, "cannot list interfaces");
		rc = FW_EXIT_KERNEL;
	}
	for (int i = 0; i < k; i++)
		if (fw_detach(&st, v[i].ifindex, v[i].name))
			rc = FW_EXIT_KERNEL;
	free(v);
	if (rc == FW_EXIT_OK && fw_state_unpin(&st))
		rc = FW_EXIT_KERNEL;
	fw_state_close(&st);
	return rc;
}

const char *fw_if_name(uint32_t ifindex, char buf[FW_IFNAME_SIZE])
{
	if (!if_indextoname(ifindex, buf))
		snprintf(buf, FW_IFNAME_SIZE, "if%u", ifindex);
	return buf;
}

int find_set(const struct fw_policy *pol, const char *name)
{
	for (size_t i = 0; i < pol->n_sets; i++)
		if (!strcmp(pol->sets[i].name, name))
			return (int)i;
	return -1;
}

/* --- dispatch -------------------------------------------------------------- */

static int cmd_help(int argc, char **argv);

static const struct cmd cmds[] = {
	{ "validate", cmd_validate, "FILE",
	  "Parse and compile a policy without touching the kernel. Errors name\n"
	  "FILE:LINE:COLUMN and the JSON path; exit status 1." },
	{ "apply", cmd_apply, "[--confirm-within DURATION] [--missing-ok] [--last-good FILE] FILE",
	  "Compile FILE, write it into the standby generation, switch to it\n"
	  "atomically, and attach to the interfaces it lists (XDP ingress, and tc\n"
	  "egress when the policy has an \"egress\" section or tracks connections),\n"
	  "patterns to every\n"
	  "existing match. A bad policy or an unknown interface changes nothing;\n"
	  "--missing-ok skips named interfaces that do not exist (yet) and accepts absent redirect\n"
	  "targets (their traffic gets redirect_fallback until they appear).\n"
	  "--last-good saves the policy to FILE after a successful apply.\n"
	  "With --confirm-within (30s, 2m), the previous policy comes back by\n"
	  "itself unless 'fwctl confirm' runs in time (a detached timer does it,\n"
	  "even if this fwctl is killed)." },
	{ "confirm", cmd_confirm, "",
	  "Keep the policy an 'apply --confirm-within' made live." },
	{ "rollback", cmd_rollback, "",
	  "Make the previous policy (the other generation) live again at once;\n"
	  "cancels a pending confirm. Rolling back twice returns to where you were." },
	{ "confirm-timer", cmd_confirm, NULL, NULL },	/* internal */
	{ "attach", cmd_attach, "IFACE [--mode auto|native|skb|hw] [--egress|--no-egress]",
	  "Attach the firewall to IFACE. --mode auto (default) tries native XDP,\n"
	  "then skb, and says which it got. hw offloads the reduced classifier\n"
	  "to the NIC (see fwctl(8)). The tc egress program is attached when the\n"
	  "active policy filters egress or tracks connections, or with --egress." },
	{ "detach", cmd_detach, "IFACE... | --all",
	  "Detach fwctl's programs from the interfaces (other programs stay)." },
	{ "status", cmd_status, "",
	  "Show the pin directory, the active policy (file, sha256, load time,\n"
	  "generation) and every interface with its modes and program ids." },
	{ "show", cmd_show, "",
	  "Show the active rules with their packet and byte counters." },
	{ "stats", cmd_stats, "[--prometheus | --watch [--interval SECONDS] [--count N]]",
	  "Show the counters: packets and bytes per verdict reason and direction,\n"
	  "per interface and direction (by final action), per rule (-j) and the\n"
	  "event log's (rules marked \"log\"). --watch prints rates per second\n"
	  "(pps, bps) every --interval (1 s) until interrupted or --count reports.\n"
	  "--prometheus prints the Prometheus text exposition format (node_exporter\n"
	  "textfile collector)." },
	{ "log", cmd_log, "[--pcap FILE] [--count N] [--timeout SECONDS]",
	  "Stream the events of rules marked \"log\" as text lines, JSON lines (-j)\n"
	  "or into a pcap file (--pcap FILE, Ethernet, the first bytes of each\n"
	  "packet). Ends when interrupted, after --count events or --timeout." },
	{ "set", cmd_set, "add|del NAME [ELEMENT...] [--file FILE] | list [NAME]",
	  "Change or list the elements of a named set of the active policy, live:\n"
	  "no re-apply. --file reads one prefix per line ('#' comments). add and\n"
	  "del print how many elements changed and how long it took. The next\n"
	  "apply loads the sets the policy file declares." },
	{ "ct", cmd_ct, "list | count | flush",
	  "The conntrack flow table: list the live flows (originator first, state,\n"
	  "age, time to expiry, packets and bytes), count them, or flush them all.\n"
	  "Entries past their idle timeout are deleted as these verbs meet them." },
	{ "explain", cmd_explain, "[--egress] [--interface IFACE] (FILE.pcap | --hex FRAME)",
	  "Give the active policy's verdict for each frame of a pcap file (or one\n"
	  "frame in hex): the rule that matches, or why none does, with the\n"
	  "packet's fields. Frames are read as they would arrive on IFACE\n"
	  "(ingress; --egress: as sent through it). Sets are read live." },
	{ "daemon", cmd_daemon, "--policy FILE [--log FILE] [--last-good FILE]",
	  "Run in the foreground: apply FILE, keep it attached to the interfaces\n"
	  "it selects (names and patterns) as links appear, are re-created or\n"
	  "renamed, re-apply FILE on SIGHUP (a bad file is logged, the running\n"
	  "policy stays), exit on SIGTERM/SIGINT leaving the firewall attached.\n"
	  "One time-stamped line per action on stderr or --log FILE.\n"
	  "--last-good saves each policy applied to FILE. 'fwctl status' shows it." },
	{ "flush", cmd_flush, "",
	  "Detach from every interface and remove all pinned state: traffic is\n"
	  "no longer filtered." },
	{ "help", cmd_help, "[COMMAND]", "Show help for fwctl or one command." },
};

static const struct cmd *find_cmd(const char *name)
{
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		if (!strcmp(cmds[i].name, name))
			return &cmds[i];
	return NULL;
}

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: fwctl [OPTIONS] COMMAND [ARGS]\n"
		"       fwctl COMMAND --help\n\n"
		"XDP/tc packet-filter firewall.\n\nCommands:\n");
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		if (cmds[i].help)	/* internal commands have none */
			fprintf(f, "  %-9s %s\n", cmds[i].name, cmds[i].args);
	fprintf(f,
		"\nOptions:\n"
		"  -j, --json         JSON output (read commands)\n"
		"  -p, --pretty       indent JSON output\n"
		"  -v, --verbose      more messages; -vv adds libbpf/libxdp detail\n"
		"      --pin-dir DIR  state directory in bpffs (default %s,\n"
		"                     or $FWCTL_PIN_DIR)\n"
		"  -V, --version      print the version\n"
		"  -h, --help         this help\n\n"
		"Exit status: 0 success, 1 usage or policy error, 2 kernel/BPF/netlink failure.\n",
		FW_PIN_DIR);
}

static int cmd_help(int argc, char **argv)
{
	const struct cmd *c;

	if (argc < 2) {
		usage(stdout);
		return FW_EXIT_OK;
	}
	c = find_cmd(argv[1]);
	if (!c)
		return usage_error(NULL, "unknown command \"%s\"", argv[1]);
	print_verb_help(c);
	return FW_EXIT_OK;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "pretty", no_argument, NULL, 'p' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "pin-dir", required_argument, NULL, 'P' },
		{ "version", no_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	const struct cmd *c;
	int o;

	int rc;

	fw_phase("start");
	opterr = 0;		/* errors in our words */
	while ((o = getopt_long(argc, argv, "+:jpvVh", opts, NULL)) != -1) {
		switch (o) {
		case 'j': opt_json = true; break;
		case 'p': opt_pretty = true; break;
		case 'v': fw_verbose++; break;
		case 'P': opt_pin_dir = optarg; break;
		case 'V': printf("fwctl %s (libbpf %s, policy version %d, layout %d)\n",
				 FWCTL_VERSION, libbpf_version_string(),
				 FW_POLICY_VERSION, FW_LAYOUT_VERSION);
			  return FW_EXIT_OK;
		case 'h': usage(stdout); return FW_EXIT_OK;
		case ':':
			return usage_error(NULL, "option \"%s\" needs an argument",
					   argv[optind - 1]);
		default:
			return usage_error(NULL, "unknown option \"%s\"", argv[optind - 1]);
		}
	}
	if (optind >= argc) {
		usage(stderr);
		fputs("Error: no command given\n", stderr);
		return FW_EXIT_USAGE;
	}
	c = find_cmd(argv[optind]);
	if (!c)
		return usage_error(NULL, "unknown command \"%s\"", argv[optind]);
	argc = take_output_options(argc, argv, optind + 1);
	if (wants_help(argc - optind, argv + optind)) {
		print_verb_help(c);
		return FW_EXIT_OK;
	}
	if (c->fn != cmd_validate && c->fn != cmd_help && geteuid() != 0) {
		fw_err(0, "fwctl %s needs root (CAP_BPF and CAP_NET_ADMIN)", c->name);
		return FW_EXIT_KERNEL;
	}
	fw_setup_lib_logging();
	rc = c->fn(argc - optind, argv + optind);
	fw_phase("done");
	return rc;
}
