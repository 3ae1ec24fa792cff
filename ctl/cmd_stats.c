// SPDX-License-Identifier: GPL-2.0
/*
 * cmd_stats.c - fwctl stats: the counters per verdict reason, per rule (with
 * the event log's counters of rules marked "log") and per interface, as
 * text, JSON (-j), rates per second (--watch) and the Prometheus text
 * exposition format (--prometheus). Reasons come from fw_reason_names[]
 * and rules from the live policy: nothing here lists them.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <jansson.h>
#include "cli.h"
#include "sha256.h"
#include "limit.h"

/* One reading of every counter. */
struct snap {
	double t;			/* CLOCK_MONOTONIC, seconds */
	bool have_policy;
	uint32_t gen;
	uint64_t loaded_ns;		/* identifies the policy (and its counters) */
	struct fw_meta_info mi;
	struct fw_policy pol;
	struct fw_counter reason[FW_NDIR][__FW_R_MAX];
	struct fw_counter *rule[FW_NDIR];	/* n_rules + 1: the default last */
	struct fw_logcnt *log[FW_NDIR];		/* n_rules; zero for rules without "log" */
	struct fw_counter *over[FW_NDIR];	/* n_rules; over-limit counters ("limit") */
	struct fw_ifstat_entry *ifs;
	int n_ifs;
};

static const char *const dir_names[FW_NDIR] = { "ingress", "egress" };

static double mono_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void snap_free(struct snap *s)
{
	for (int d = 0; d < FW_NDIR; d++) {
		free(s->rule[d]);
		free(s->log[d]);
		free(s->over[d]);
	}
	free(s->ifs);
	fw_policy_free(&s->pol);
	fw_meta_info_free(&s->mi);
	memset(s, 0, sizeof(*s));
}

static int snap_take(const struct fw_state *st, struct snap *s)
{
	int ret;

	memset(s, 0, sizeof(*s));
	s->t = mono_s();
	for (int d = 0; d < FW_NDIR; d++)
		for (int r = 0; r < __FW_R_MAX; r++)
			fw_read_counter(st->fd[M_STATS], (uint32_t)(d * __FW_R_MAX + r),
					&s->reason[d][r]);
	ret = load_active(st, &s->gen, &s->mi, &s->pol);
	if (ret && ret != -ENOENT)
		return ret;
	s->have_policy = !ret;
	if (s->have_policy) {
		s->loaded_ns = s->mi.meta.loaded_ns;
		for (int d = 0; d < FW_NDIR; d++) {
			const struct fw_ruleset *rs = &s->pol.dir[d];
			uint32_t tbl = FW_TBL(s->gen, (uint32_t)d), slot = 0;

			s->rule[d] = calloc(rs->n_rules + 1, sizeof(*s->rule[d]));
			s->log[d] = calloc(rs->n_rules + 1, sizeof(*s->log[d]));
			s->over[d] = calloc(rs->n_rules + 1, sizeof(*s->over[d]));
			if (!s->rule[d] || !s->log[d] || !s->over[d])
				return -ENOMEM;
			for (size_t i = 0; i < rs->n_rules; i++) {
				fw_read_counter(st->fd[M_RCNT], tbl * FW_NCNT + (uint32_t)i,
						&s->rule[d][i]);
				if (rs->rules[i].log && slot < FW_LOG_MAX)
					fw_read_logcnt(st, FW_LOG_SLOT(tbl, slot++), &s->log[d][i]);
				if (rs->rules[i].limit.set)
					fw_limit_over_count(st, tbl, (uint32_t)i, &s->over[d][i]);
			}
			fw_read_counter(st->fd[M_RCNT], tbl * FW_NCNT + FW_MAX_RULES,
					&s->rule[d][rs->n_rules]);
		}
	}
	s->n_ifs = fw_read_ifstats(st, &s->ifs);
	if (s->n_ifs < 0) {
		ret = s->n_ifs;
		s->n_ifs = 0;
		return ret;
	}
	return 0;
}

static json_t *counter_obj(const struct fw_counter *c)
{
	return json_pack("{s:I,s:I}", "packets", (json_int_t)c->packets,
			 "bytes", (json_int_t)c->bytes);
}

static json_t *logcnt_obj(const struct fw_logcnt *l, const struct fw_rule_ir *r)
{
	return json_pack("{s:i,s:i,s:I,s:I,s:I,s:I}", "sample", (int)r->log_sample,
			 "rate", (int)r->log_rate, "sampled", (json_int_t)l->sampled,
			 "emitted", (json_int_t)l->emitted,
			 "suppressed", (json_int_t)l->suppressed, "lost", (json_int_t)l->lost);
}

/* --- the document (-j) and the text -------------------------------------- */

static json_t *snap_json(const struct snap *s)
{
	json_t *doc = json_pack("{s:i}", "version", 1), *rules = json_array(),
	       *defaults = json_object(), *ifs = json_array(), *limits = json_array();
	char name[FW_IFNAME_SIZE];

	for (int d = 0; d < FW_NDIR; d++) {
		json_t *o = json_object();

		for (int r = 0; r < __FW_R_MAX; r++)
			json_object_set_new(o, fw_reason_names[r], counter_obj(&s->reason[d][r]));
		json_object_set_new(doc, dir_names[d], o);
	}
	json_object_set_new(doc, "generation", s->have_policy ? json_integer(s->gen) : json_null());
	for (int d = 0; s->have_policy && d < FW_NDIR; d++) {
		const struct fw_ruleset *rs = &s->pol.dir[d];
		json_t *def;

		for (size_t i = 0; i < rs->n_rules; i++) {
			const struct fw_rule_ir *r = &rs->rules[i];
			json_t *o = json_pack("{s:s,s:i,s:s,s:s,s:I,s:I}", "direction", dir_names[d],
					      "index", (int)i, "id", r->id,
					      "action", fw_action_name(r->action),
					      "packets", (json_int_t)s->rule[d][i].packets,
					      "bytes", (json_int_t)s->rule[d][i].bytes);

			if (r->log)
				json_object_set_new(o, "log", logcnt_obj(&s->log[d][i], r));
			if (r->limit.set) {	/* rate limit: its packets over the limit */
				json_object_set_new(o, "over_limit", counter_obj(&s->over[d][i]));
				json_array_append_new(limits, json_pack("{s:s,s:i,s:s,s:s,s:s,s:o}",
					"direction", dir_names[d], "index", (int)i, "id", r->id,
					"rate", r->limit.rate, "over", fw_action_name(r->limit.over),
					"over_limit", counter_obj(&s->over[d][i])));
			}
			json_array_append_new(rules, o);
		}
		def = counter_obj(&s->rule[d][rs->n_rules]);
		json_object_set_new(def, "action", json_string(fw_action_name(rs->default_action)));
		json_object_set_new(defaults, dir_names[d], def);
	}
	json_object_set_new(doc, "rules", rules);
	json_object_set_new(doc, "defaults", defaults);
	json_object_set_new(doc, "limits", limits);
	for (int i = 0; i < s->n_ifs; i++) {
		const struct fw_ifstat_entry *e = &s->ifs[i];
		json_t *o = json_pack("{s:s,s:i,s:s}", "name", fw_if_name(e->key.ifindex, name),
				      "ifindex", (int)e->key.ifindex,
				      "direction", e->key.dir < FW_NDIR ? dir_names[e->key.dir] : "?");

		for (int a = 0; a < __FW_ACT_MAX; a++)
			json_object_set_new(o, fw_action_name((unsigned int)a),
					    counter_obj(&e->st.act[a]));
		json_array_append_new(ifs, o);
	}
	json_object_set_new(doc, "interfaces", ifs);
	return doc;
}

static void snap_text(const struct snap *s)
{
	char name[FW_IFNAME_SIZE];
	bool any_log = false;

	printf("%-18s %14s %16s %14s %16s\n", "reason", "ingress pkts",
	       "ingress bytes", "egress pkts", "egress bytes");
	for (int r = 0; r < __FW_R_MAX; r++)
		printf("%-18s %14llu %16llu %14llu %16llu\n", fw_reason_names[r],
		       (unsigned long long)s->reason[0][r].packets,
		       (unsigned long long)s->reason[0][r].bytes,
		       (unsigned long long)s->reason[1][r].packets,
		       (unsigned long long)s->reason[1][r].bytes);
	printf("\n%-16s %-8s %12s %14s %12s %14s\n", "interface", "dir", "pass pkts",
	       "pass bytes", "drop pkts", "drop bytes");
	for (int i = 0; i < s->n_ifs; i++) {
		const struct fw_ifstat_entry *e = &s->ifs[i];

		printf("%-16s %-8s %12llu %14llu %12llu %14llu\n", fw_if_name(e->key.ifindex, name),
		       e->key.dir < FW_NDIR ? dir_names[e->key.dir] : "?",
		       (unsigned long long)e->st.act[FW_ACT_PASS].packets,
		       (unsigned long long)e->st.act[FW_ACT_PASS].bytes,
		       (unsigned long long)e->st.act[FW_ACT_DROP].packets,
		       (unsigned long long)e->st.act[FW_ACT_DROP].bytes);
	}
	if (!s->n_ifs)
		printf("(no packet seen yet)\n");
	for (int d = 0; s->have_policy && d < FW_NDIR; d++) {
		const struct fw_ruleset *rs = &s->pol.dir[d];

		for (size_t i = 0; i < rs->n_rules; i++) {
			const struct fw_logcnt *l = &s->log[d][i];

			if (!rs->rules[i].log)
				continue;
			if (!any_log)
				printf("\n%-8s %4s %-16s %12s %12s %12s %12s\n", "log", "#", "id",
				       "sampled", "emitted", "suppressed", "lost");
			any_log = true;
			printf("%-8s %4zu %-16s %12llu %12llu %12llu %12llu\n", dir_names[d], i,
			       rs->rules[i].id[0] ? rs->rules[i].id : "-",
			       (unsigned long long)l->sampled, (unsigned long long)l->emitted,
			       (unsigned long long)l->suppressed, (unsigned long long)l->lost);
		}
	}
	for (int d = 0, any = 0; s->have_policy && d < FW_NDIR; d++) {
		const struct fw_ruleset *rs = &s->pol.dir[d];

		for (size_t i = 0; i < rs->n_rules; i++) {
			const struct fw_rule_ir *r = &rs->rules[i];

			if (!r->limit.set)
				continue;
			if (!any++)
				printf("\nrate limits: packets over the limit\n"
				       "%-8s %4s %-16s %-14s %-5s %14s %16s\n", "dir", "#", "id",
				       "rate", "over", "packets", "bytes");
			printf("%-8s %4zu %-16s %-14s %-5s %14llu %16llu\n", dir_names[d], i,
			       r->id[0] ? r->id : "-", r->limit.rate, fw_action_name(r->limit.over),
			       (unsigned long long)s->over[d][i].packets,
			       (unsigned long long)s->over[d][i].bytes);
		}
	}
	printf("\nRule counters: fwctl show.\n");
}

/* --- Prometheus text exposition format ------------------------------------ */

/* A label value: backslash, double quote and line feed escaped. */
static void prom_label(FILE *f, const char *name, const char *v, bool first)
{
	fprintf(f, "%s%s=\"", first ? "" : ",", name);
	for (; *v; v++) {
		if (*v == '\\')
			fputs("\\\\", f);
		else if (*v == '"')
			fputs("\\\"", f);
		else if (*v == '\n')
			fputs("\\n", f);
		else
			fputc(*v, f);
	}
	fputc('"', f);
}

static void prom_family(FILE *f, const char *name, const char *type, const char *help)
{
	fprintf(f, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

static void prom_rules(FILE *f, const struct snap *s, bool bytes)
{
	char idx[24];

	for (int d = 0; s->have_policy && d < FW_NDIR; d++) {
		const struct fw_ruleset *rs = &s->pol.dir[d];

		for (size_t i = 0; i <= rs->n_rules; i++) {
			bool def = i == rs->n_rules;
			const struct fw_counter *c = &s->rule[d][i];

			snprintf(idx, sizeof(idx), "%zu", i);
			fprintf(f, "fwctl_rule_%s_total{", bytes ? "bytes" : "packets");
			prom_label(f, "direction", dir_names[d], true);
			prom_label(f, "index", def ? "default" : idx, false);
			prom_label(f, "id", def ? "" : rs->rules[i].id, false);
			prom_label(f, "action", fw_action_name(def ? rs->default_action
								   : rs->rules[i].action), false);
			fprintf(f, "} %llu\n", (unsigned long long)(bytes ? c->bytes : c->packets));
		}
	}
}

/* The over-limit packets of rate-limited rules. */
static void prom_limits(FILE *f, const struct snap *s)
{
	char idx[24];

	for (int d = 0; s->have_policy && d < FW_NDIR; d++) {
		const struct fw_ruleset *rs = &s->pol.dir[d];

		for (size_t i = 0; i < rs->n_rules; i++) {
			if (!rs->rules[i].limit.set)
				continue;
			snprintf(idx, sizeof(idx), "%zu", i);
			fputs("fwctl_rule_over_limit_packets_total{", f);
			prom_label(f, "direction", dir_names[d], true);
			prom_label(f, "index", idx, false);
			prom_label(f, "id", rs->rules[i].id, false);
			fprintf(f, "} %llu\n", (unsigned long long)s->over[d][i].packets);
		}
	}
}

static void prom_write(FILE *f, const struct snap *s)
{
	static const char *const log_results[] = { "emitted", "suppressed", "lost" };
	char name[FW_IFNAME_SIZE], idx[24], sha[65];

	prom_family(f, "fwctl_reason_packets_total", "counter",
		    "Packets by direction and verdict reason.");
	for (int d = 0; d < FW_NDIR; d++)
		for (int r = 0; r < __FW_R_MAX; r++) {
			fputs("fwctl_reason_packets_total{", f);
			prom_label(f, "direction", dir_names[d], true);
			prom_label(f, "reason", fw_reason_names[r], false);
			fprintf(f, "} %llu\n", (unsigned long long)s->reason[d][r].packets);
		}
	prom_family(f, "fwctl_reason_bytes_total", "counter",
		    "Bytes by direction and verdict reason.");
	for (int d = 0; d < FW_NDIR; d++)
		for (int r = 0; r < __FW_R_MAX; r++) {
			fputs("fwctl_reason_bytes_total{", f);
			prom_label(f, "direction", dir_names[d], true);
			prom_label(f, "reason", fw_reason_names[r], false);
			fprintf(f, "} %llu\n", (unsigned long long)s->reason[d][r].bytes);
		}

	prom_family(f, "fwctl_rule_packets_total", "counter",
		    "Packets matched by each rule of the active policy (index \"default\": no rule matched); reset by each apply.");
	prom_rules(f, s, false);
	prom_family(f, "fwctl_rule_bytes_total", "counter",
		    "Bytes matched by each rule of the active policy; reset by each apply.");
	prom_rules(f, s, true);
	prom_family(f, "fwctl_rule_over_limit_packets_total", "counter",
		    "Packets over a rate-limited rule's limit (they got its \"over\" action); reset by each apply.");
	prom_limits(f, s);

	for (int b = 0; b < 2; b++) {
		const char *fam = b ? "fwctl_interface_bytes_total" : "fwctl_interface_packets_total";

		prom_family(f, fam, "counter", b ? "Bytes by interface, direction and final action."
						 : "Packets by interface, direction and final action.");
		for (int i = 0; i < s->n_ifs; i++) {
			const struct fw_ifstat_entry *e = &s->ifs[i];

			if (e->key.dir >= FW_NDIR)
				continue;
			for (int a = 0; a < __FW_ACT_MAX; a++) {
				fprintf(f, "%s{", fam);
				prom_label(f, "interface", fw_if_name(e->key.ifindex, name), true);
				prom_label(f, "direction", dir_names[e->key.dir], false);
				prom_label(f, "action", fw_action_name((unsigned int)a), false);
				fprintf(f, "} %llu\n", (unsigned long long)(b ? e->st.act[a].bytes
									      : e->st.act[a].packets));
			}
		}
	}

	prom_family(f, "fwctl_log_events_total", "counter",
		    "Events of rules marked \"log\": emitted to the ring buffer, suppressed by the per-second cap, lost (ring buffer full).");
	for (int d = 0; s->have_policy && d < FW_NDIR; d++) {
		const struct fw_ruleset *rs = &s->pol.dir[d];

		for (size_t i = 0; i < rs->n_rules; i++) {
			const struct fw_logcnt *l = &s->log[d][i];
			const uint64_t v[] = { l->emitted, l->suppressed, l->lost };

			if (!rs->rules[i].log)
				continue;
			snprintf(idx, sizeof(idx), "%zu", i);
			for (int k = 0; k < 3; k++) {
				fputs("fwctl_log_events_total{", f);
				prom_label(f, "direction", dir_names[d], true);
				prom_label(f, "index", idx, false);
				prom_label(f, "id", rs->rules[i].id, false);
				prom_label(f, "result", log_results[k], false);
				fprintf(f, "} %llu\n", (unsigned long long)v[k]);
			}
		}
	}

	prom_family(f, "fwctl_policy_generation", "gauge",
		    "Generation (0 or 1) of the active policy; absent when none is applied.");
	if (s->have_policy)
		fprintf(f, "fwctl_policy_generation %u\n", s->gen);
	prom_family(f, "fwctl_policy_loaded_timestamp_seconds", "gauge",
		    "When the active policy was applied, in seconds since the Unix epoch.");
	if (s->have_policy)
		fprintf(f, "fwctl_policy_loaded_timestamp_seconds %.3f\n",
			(double)s->loaded_ns / 1e9);
	prom_family(f, "fwctl_policy_info", "gauge",
		    "The active policy: its file and SHA-256 as labels, value 1.");
	if (s->have_policy) {
		fputs("fwctl_policy_info{", f);
		prom_label(f, "file", s->mi.meta.path, true);
		prom_label(f, "sha256", fw_sha256_hex(s->mi.meta.sha256, sha), false);
		fputs("} 1\n", f);
	}
}

/* --- --watch: rates per second --------------------------------------------- */

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static double rate(uint64_t now, uint64_t before, double dt)
{
	return now >= before ? (double)(now - before) / dt : 0.0;
}

static const struct fw_ifstat_entry *find_if(const struct snap *s, const struct fw_ifstat_key *k)
{
	for (int i = 0; i < s->n_ifs; i++)
		if (s->ifs[i].key.ifindex == k->ifindex && s->ifs[i].key.dir == k->dir)
			return &s->ifs[i];
	return NULL;
}

static json_t *rate_obj(const struct fw_counter *now, const struct fw_counter *before, double dt)
{
	return json_pack("{s:f,s:f}", "pps", rate(now->packets, before->packets, dt),
			 "bps", 8.0 * rate(now->bytes, before->bytes, dt));
}

static void watch_report(const struct snap *a, const struct snap *b)
{
	static const struct fw_counter zero;
	double dt = b->t - a->t;
	char name[FW_IFNAME_SIZE], tbuf[32];
	bool same_policy = a->have_policy && b->have_policy && a->gen == b->gen &&
			   a->loaded_ns == b->loaded_ns;
	time_t now = time(NULL);
	struct tm tm;

	gmtime_r(&now, &tm);
	strftime(tbuf, sizeof(tbuf), "%Y-%m-%dT%H:%M:%SZ", &tm);
	if (dt <= 0)
		dt = 1e-9;
	if (opt_json) {
		json_t *doc = json_pack("{s:i,s:s,s:f}", "version", 1, "time", tbuf, "interval", dt);
		json_t *ifs = json_array(), *reasons = json_array(), *rules = json_array();

		for (int i = 0; i < b->n_ifs; i++) {
			const struct fw_ifstat_entry *e = &b->ifs[i], *p = find_if(a, &e->key);
			json_t *o = json_pack("{s:s,s:s}", "name", fw_if_name(e->key.ifindex, name),
					      "direction", e->key.dir < FW_NDIR ? dir_names[e->key.dir] : "?");

			for (int k = 0; k < __FW_ACT_MAX; k++)
				json_object_set_new(o, fw_action_name((unsigned int)k),
						    rate_obj(&e->st.act[k], p ? &p->st.act[k] : &zero, dt));
			json_array_append_new(ifs, o);
		}
		for (int d = 0; d < FW_NDIR; d++)
			for (int r = 0; r < __FW_R_MAX; r++) {
				json_t *o = rate_obj(&b->reason[d][r], &a->reason[d][r], dt);

				json_object_set_new(o, "direction", json_string(dir_names[d]));
				json_object_set_new(o, "reason", json_string(fw_reason_names[r]));
				json_array_append_new(reasons, o);
			}
		for (int d = 0; same_policy && d < FW_NDIR; d++)
			for (size_t i = 0; i < b->pol.dir[d].n_rules; i++) {
				json_t *o = rate_obj(&b->rule[d][i], &a->rule[d][i], dt);

				json_object_set_new(o, "direction", json_string(dir_names[d]));
				json_object_set_new(o, "index", json_integer((json_int_t)i));
				json_object_set_new(o, "id", json_string(b->pol.dir[d].rules[i].id));
				json_array_append_new(rules, o);
			}
		json_object_set_new(doc, "interfaces", ifs);
		json_object_set_new(doc, "reasons", reasons);
		json_object_set_new(doc, "rules", same_policy ? rules : (json_decref(rules), json_null()));
		emit_json(doc);
		fflush(stdout);
		return;
	}
	printf("%s  rates over %.2f s\n", tbuf, dt);
	printf("  %-16s %-8s %12s %14s %12s %14s\n", "interface", "dir", "pass pps", "pass bps",
	       "drop pps", "drop bps");
	for (int i = 0; i < b->n_ifs; i++) {
		const struct fw_ifstat_entry *e = &b->ifs[i], *p = find_if(a, &e->key);
		const struct fw_ifstat *ps = p ? &p->st : NULL;

		printf("  %-16s %-8s %12.1f %14.0f %12.1f %14.0f\n", fw_if_name(e->key.ifindex, name),
		       e->key.dir < FW_NDIR ? dir_names[e->key.dir] : "?",
		       rate(e->st.act[FW_ACT_PASS].packets, ps ? ps->act[FW_ACT_PASS].packets : 0, dt),
		       8 * rate(e->st.act[FW_ACT_PASS].bytes, ps ? ps->act[FW_ACT_PASS].bytes : 0, dt),
		       rate(e->st.act[FW_ACT_DROP].packets, ps ? ps->act[FW_ACT_DROP].packets : 0, dt),
		       8 * rate(e->st.act[FW_ACT_DROP].bytes, ps ? ps->act[FW_ACT_DROP].bytes : 0, dt));
	}
	printf("  %-18s %-8s %12s %14s\n", "reason", "dir", "pps", "bps");
	for (int d = 0; d < FW_NDIR; d++)
		for (int r = 0; r < __FW_R_MAX; r++) {
			double pps = rate(b->reason[d][r].packets, a->reason[d][r].packets, dt);

			if (pps > 0)
				printf("  %-18s %-8s %12.1f %14.0f\n", fw_reason_names[r], dir_names[d],
				       pps, 8 * rate(b->reason[d][r].bytes, a->reason[d][r].bytes, dt));
		}
	if (!same_policy) {
		printf("  (policy changed: no rule rates this time)\n");
	} else {
		printf("  %-8s %4s %-16s %12s %14s\n", "rules", "#", "id", "pps", "bps");
		for (int d = 0; d < FW_NDIR; d++)
			for (size_t i = 0; i < b->pol.dir[d].n_rules; i++) {
				double pps = rate(b->rule[d][i].packets, a->rule[d][i].packets, dt);

				if (pps > 0)
					printf("  %-8s %4zu %-16s %12.1f %14.0f\n", dir_names[d], i,
					       b->pol.dir[d].rules[i].id[0] ? b->pol.dir[d].rules[i].id : "-",
					       pps, 8 * rate(b->rule[d][i].bytes, a->rule[d][i].bytes, dt));
			}
	}
	fflush(stdout);
}

/* One reading with the state opened (shared lock) only meanwhile. */
static int snap_read(struct snap *s)
{
	struct fw_state st = FW_STATE_INIT;
	int ret = fw_state_open(&st, fw_pin_dir(opt_pin_dir), 0);

	memset(s, 0, sizeof(*s));
	if (!ret)
		ret = snap_take(&st, s);
	fw_state_close(&st);
	return ret;
}

static int watch(double interval, long count)
{
	struct snap a, b;
	struct sigaction sa = { .sa_handler = on_signal };
	int ret;

	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	ret = snap_read(&a);
	if (ret) {
		snap_free(&a);
		return fw_err(ret, "cannot read the counters"), FW_EXIT_KERNEL;
	}
	for (long n = 0; !stop && (count <= 0 || n < count); n++) {
		struct timespec ts = { (time_t)interval,
				       (long)((interval - (double)(time_t)interval) * 1e9) };

		while (nanosleep(&ts, &ts) && errno == EINTR && !stop)
			;
		if (stop)
			break;
		ret = snap_read(&b);
		if (ret) {
			snap_free(&a);
			snap_free(&b);
			return fw_err(ret, "cannot read the counters"), FW_EXIT_KERNEL;
		}
		watch_report(&a, &b);
		snap_free(&a);
		a = b;
	}
	snap_free(&a);
	return FW_EXIT_OK;
}

int cmd_stats(int argc, char **argv)
{
	struct fw_state st = FW_STATE_INIT;
	bool prom = false, watching = false;
	double interval = 1.0;
	long count = 0;
	struct snap s;
	int ret;

	for (int i = 1; i < argc; i++) {
		char *end;

		if (!strcmp(argv[i], "--prometheus")) {
			prom = true;
		} else if (!strcmp(argv[i], "--watch")) {
			watching = true;
		} else if (!strcmp(argv[i], "--interval")) {
			if (++i >= argc)
				return usage_error("stats", "--interval needs SECONDS");
			interval = strtod(argv[i], &end);
			if (*end || !(interval >= 0.1 && interval <= 3600))
				return usage_error("stats", "--interval takes seconds from 0.1 to 3600, not \"%s\"",
						   argv[i]);
		} else if (!strcmp(argv[i], "--count")) {
			if (++i >= argc)
				return usage_error("stats", "--count needs N");
			count = strtol(argv[i], &end, 10);
			if (*end || count < 1)
				return usage_error("stats", "--count takes a number of reports >= 1, not \"%s\"",
						   argv[i]);
		} else if (argv[i][0] == '-') {
			return usage_error("stats", "unknown option \"%s\"", argv[i]);
		} else {
			return usage_error("stats", "stats takes no arguments, only options (\"%s\")",
					   argv[i]);
		}
	}
	if (prom && (watching || opt_json))
		return usage_error("stats", "--prometheus goes with neither --watch nor -j");
	if (!watching && count)
		return usage_error("stats", "--count goes with --watch");
	ret = open_loaded(&st, 0);
	if (ret)
		return ret;
	if (watching) {	/* the lock is not held between readings */
		fw_state_close(&st);
		return watch(interval, count);
	}
	ret = snap_take(&st, &s);
	if (ret) {
		fw_err(ret, "cannot read the counters");
		snap_free(&s);
		fw_state_close(&st);
		return FW_EXIT_KERNEL;
	}
	if (prom)
		prom_write(stdout, &s);
	else if (opt_json)
		emit_json(snap_json(&s));
	else
		snap_text(&s);
	snap_free(&s);
	fw_state_close(&st);
	return FW_EXIT_OK;
}
