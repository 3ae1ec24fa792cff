// SPDX-License-Identifier: GPL-2.0
/*
 * cmd_log.c - fwctl log: the events of rules marked "log", read from the
 * pinned ring buffer (fw_events, dp/log.h), as text lines, JSON lines (-j)
 * or a pcap file (--pcap FILE). The rule's id comes from the policy of the
 * event's generation (the pinned text, re-read when it changes); times are
 * the kernel's CLOCK_MONOTONIC stamps moved to CLOCK_REALTIME. The pin
 * directory's lock is held only while opening: applies go on meanwhile.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <bpf/libbpf.h>
#include <jansson.h>
#include "cli.h"
#include "pcap.h"

struct gen_policy {
	bool valid;
	uint64_t loaded_ns;	/* of the pinned policy parsed */
	double checked;		/* CLOCK_MONOTONIC s of the last look */
	struct fw_policy pol;
};

struct log_ctx {
	struct fw_state rd;	/* fw_meta only: the policies' texts */
	struct gen_policy gp[FW_NGEN];
	struct fw_pcap_writer pcap;
	bool to_pcap;
	int64_t mono_to_real;	/* add to a CLOCK_MONOTONIC ns stamp */
	uint64_t start_mono;	/* events older than this were queued before us */
	long count, seen, stale;
	int err;
};

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

static uint64_t clock_ns(clockid_t c)
{
	struct timespec ts;

	clock_gettime(c, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* The policy of generation gen, re-read when an apply replaced it. */
static const struct fw_policy *policy_of(struct log_ctx *c, uint32_t gen)
{
	struct gen_policy *g = &c->gp[gen & 1];
	double now = (double)clock_ns(CLOCK_MONOTONIC) / 1e9;
	struct fw_meta_info mi;
	struct fw_err err;

	if (g->valid && now - g->checked < 1.0)
		return &g->pol;
	g->checked = now;
	if (fw_read_meta(&c->rd, gen & 1, &mi))
		return g->valid ? &g->pol : NULL;
	if (!g->valid || mi.meta.loaded_ns != g->loaded_ns) {
		struct fw_policy pol = { 0 };

		if (!fw_policy_parse_pinned(mi.text, strlen(mi.text), mi.meta.path, &pol, &err)) {
			fw_policy_free(&g->pol);
			g->pol = pol;
			g->loaded_ns = mi.meta.loaded_ns;
			g->valid = true;
		} else {
			fw_policy_free(&pol);
		}
	}
	fw_meta_info_free(&mi);
	return g->valid ? &g->pol : NULL;
}

static const char *rule_id(struct log_ctx *c, const struct fw_event *e)
{
	const struct fw_policy *pol = policy_of(c, e->gen);

	if (!pol || e->dir >= FW_NDIR || e->rule >= pol->dir[e->dir].n_rules)
		return "";
	return pol->dir[e->dir].rules[e->rule].id;
}

static void addr_str(const struct fw_event *e, const uint8_t *a, char *buf, size_t size)
{
	if (!inet_ntop(e->family == 6 ? AF_INET6 : AF_INET, a, buf, (socklen_t)size))
		snprintf(buf, size, "?");
}

static void proto_str(uint8_t p, char *buf, size_t size)
{
	const char *n = fw_proto_name(p);

	if (n)
		snprintf(buf, size, "%s", n);
	else
		snprintf(buf, size, "%u", p);
}

static void flags_str(uint8_t f, char *buf)
{
	static const char names[] = "FSRPAUEC";	/* bit 0 (FIN) .. bit 7 (CWR) */
	int n = 0;

	for (int i = 0; i < 8; i++)
		if (f >> i & 1)
			buf[n++] = names[i];
	if (!n)
		buf[n++] = '.';
	buf[n] = '\0';
}

static void time_str(uint64_t ns, char *buf, size_t size)
{
	time_t t = (time_t)(ns / 1000000000ull);
	struct tm tm;
	char s[32];

	gmtime_r(&t, &tm);
	strftime(s, sizeof(s), "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(buf, size, "%s.%06uZ", s, (unsigned int)(ns % 1000000000ull / 1000));
}

static const char *dir_name(uint8_t d)
{
	return d == FW_DIR_INGRESS ? "ingress" : d == FW_DIR_EGRESS ? "egress" : "?";
}

static const char *reason_name(uint8_t r)
{
	return r < __FW_R_MAX ? fw_reason_names[r] : "?";
}

/* What the text and JSON lines both say of an event, in words. */
struct ev_words {
	char time[48], src[INET6_ADDRSTRLEN], dst[INET6_ADDRSTRLEN];
	char ifname[FW_IFNAME_SIZE], proto[8];
};

static void ev_words(const struct fw_event *e, uint64_t real, struct ev_words *w)
{
	time_str(real, w->time, sizeof(w->time));
	addr_str(e, e->saddr, w->src, sizeof(w->src));
	addr_str(e, e->daddr, w->dst, sizeof(w->dst));
	proto_str(e->proto, w->proto, sizeof(w->proto));
	fw_if_name(e->ifindex, w->ifname);
}

static void print_json(struct log_ctx *c, const struct fw_event *e, uint64_t real)
{
	char hex[2 * FW_LOG_SNAP + 1];
	const char *act = fw_action_name(e->action);
	struct ev_words w;
	json_t *o;

	ev_words(e, real, &w);
	for (unsigned int i = 0; i < e->cap_len && i < FW_LOG_SNAP; i++)
		snprintf(hex + 2 * i, 3, "%02x", e->data[i]);
	hex[2 * (e->cap_len < FW_LOG_SNAP ? e->cap_len : FW_LOG_SNAP)] = '\0';
	o = json_pack("{s:s,s:I,s:s,s:i,s:s,s:i,s:s,s:i,s:s,s:s,s:i,s:s,s:s,s:s,s:i,s:i,s:s}",
		      "time", w.time, "ts_ns", (json_int_t)e->ts_ns, "interface", w.ifname,
		      "ifindex", (int)e->ifindex, "direction", dir_name(e->dir),
		      "rule", (int)e->rule, "id", rule_id(c, e), "generation", (int)e->gen,
		      "action", act ? act : "?", "reason", reason_name(e->reason),
		      "family", (int)e->family, "protocol", w.proto, "src", w.src, "dst", w.dst,
		      "len", (int)e->orig_len, "captured", (int)e->cap_len, "data", hex);
	if (e->flags & FW_EV_PORTS) {
		json_object_set_new(o, "src_port", json_integer(e->sport));
		json_object_set_new(o, "dst_port", json_integer(e->dport));
	}
	if (e->flags & FW_EV_ICMP) {
		json_object_set_new(o, "icmp_type", json_integer(e->sport));
		json_object_set_new(o, "icmp_code", json_integer(e->dport));
	}
	if (e->flags & FW_EV_TCP) {
		char f[9];

		flags_str(e->tcp_flags, f);
		json_object_set_new(o, "tcp_flags", json_string(f));
	}
	json_dumpf(o, stdout, JSON_COMPACT);
	fputc('\n', stdout);
	json_decref(o);
}

static void print_text(struct log_ctx *c, const struct fw_event *e, uint64_t real)
{
	const char *id = rule_id(c, e), *act = fw_action_name(e->action);
	bool v6 = e->family == 6;
	struct ev_words w;

	ev_words(e, real, &w);
	printf("%s %s %s rule %u%s%s%s %s (%s) %s ", w.time, dir_name(e->dir), w.ifname, e->rule,
	       *id ? " (" : "", id, *id ? ")" : "", act ? act : "?", reason_name(e->reason), w.proto);
	if (e->flags & FW_EV_PORTS)
		printf("%s%s%s:%u > %s%s%s:%u", v6 ? "[" : "", w.src, v6 ? "]" : "", e->sport,
		       v6 ? "[" : "", w.dst, v6 ? "]" : "", e->dport);
	else
		printf("%s > %s", w.src, w.dst);
	if (e->flags & FW_EV_ICMP)
		printf(" type %u code %u", e->sport, e->dport);
	if (e->flags & FW_EV_TCP) {
		char f[9];

		flags_str(e->tcp_flags, f);
		printf(" flags %s", f);
	}
	printf(" len %u\n", e->orig_len);
}

static int on_event(void *data, void *raw, size_t size)
{
	struct log_ctx *c = data;
	const struct fw_event *e = raw;
	uint64_t real;
	int ret;

	if (size < sizeof(*e))
		return 0;
	if (e->ts_ns < c->start_mono) {		/* queued before fwctl log started */
		c->stale++;
		return 0;
	}
	if (c->count && c->seen >= c->count)
		return -ECANCELED;
	real = (uint64_t)((int64_t)e->ts_ns + c->mono_to_real);
	if (c->to_pcap) {
		ret = fw_pcap_write(&c->pcap, real, e->data, e->cap_len, e->orig_len);
		if (ret) {
			c->err = ret;
			return ret;
		}
	} else if (opt_json) {
		print_json(c, e, real);
	} else {
		print_text(c, e, real);
	}
	if (!c->to_pcap || c->pcap.f != stdout)
		fflush(stdout);
	c->seen++;
	return c->count && c->seen >= c->count ? -ECANCELED : 0;
}

int cmd_log(int argc, char **argv)
{
	struct fw_state st = FW_STATE_INIT;
	struct log_ctx c = { .rd = FW_STATE_INIT };
	struct ring_buffer *rb = NULL;
	struct sigaction sa = { .sa_handler = on_signal };
	const char *pcap = NULL;
	double timeout = 0, t0;
	int ret, rc = FW_EXIT_OK, fd = -1;

	for (int i = 1; i < argc; i++) {
		char *end;

		if (!strcmp(argv[i], "--pcap")) {
			if (++i >= argc)
				return usage_error("log", "--pcap needs a FILE");
			pcap = argv[i];
		} else if (!strcmp(argv[i], "--count")) {
			if (++i >= argc)
				return usage_error("log", "--count needs N");
			c.count = strtol(argv[i], &end, 10);
			if (*end || c.count < 1)
				return usage_error("log", "--count takes a number of events >= 1, not \"%s\"",
						   argv[i]);
		} else if (!strcmp(argv[i], "--timeout")) {
			if (++i >= argc)
				return usage_error("log", "--timeout needs SECONDS");
			timeout = strtod(argv[i], &end);
			if (*end || !(timeout > 0 && timeout <= 86400 * 365))
				return usage_error("log", "--timeout takes seconds > 0, not \"%s\"", argv[i]);
		} else if (argv[i][0] == '-') {
			return usage_error("log", "unknown option \"%s\"", argv[i]);
		} else {
			return usage_error("log", "log takes no arguments, only options (\"%s\")", argv[i]);
		}
	}
	if (pcap && opt_json)
		return usage_error("log", "--pcap writes a pcap file, not JSON: drop -j");

	c.start_mono = clock_ns(CLOCK_MONOTONIC);
	t0 = (double)c.start_mono / 1e9;
	ret = open_loaded(&st, 0);
	if (ret)
		return ret;
	fd = dup(st.fd[M_EVENTS]);
	c.rd.fd[M_META] = dup(st.fd[M_META]);
	fw_state_close(&st);	/* the lock: applies may go on while we stream */
	if (fd < 0 || c.rd.fd[M_META] < 0) {
		fw_err(-errno, "cannot open the event ring buffer");
		rc = FW_EXIT_KERNEL;
		goto out;
	}
	rb = ring_buffer__new(fd, on_event, &c, NULL);
	if (!rb) {
		fw_err(-errno, "cannot read the event ring buffer");
		rc = FW_EXIT_KERNEL;
		goto out;
	}
	if (pcap) {
		ret = fw_pcap_create(&c.pcap, pcap, FW_LOG_SNAP);
		if (ret) {
			fw_err(ret, "cannot write %s", pcap);
			rc = FW_EXIT_USAGE;
			goto out;
		}
		c.to_pcap = true;
	}
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGPIPE, &sa, NULL);
	c.mono_to_real = (int64_t)clock_ns(CLOCK_REALTIME) - (int64_t)clock_ns(CLOCK_MONOTONIC);
	fw_info("reading events from %s/%s", fw_pin_dir(opt_pin_dir), fw_map_names[M_EVENTS]);
	while (!stop) {
		double left = timeout ? timeout - ((double)clock_ns(CLOCK_MONOTONIC) / 1e9 - t0) : 1;
		int ms = left > 0.1 ? 100 : (int)(left * 1000);

		if (left <= 0)
			break;
		ret = ring_buffer__poll(rb, ms > 0 ? ms : 1);
		if (ret == -ECANCELED)
			break;		/* --count reached */
		if (ret == -EINTR)
			continue;
		if (ret < 0) {
			fw_err(c.err ? c.err : ret, c.err ? "cannot write %s" : "cannot read the events%s",
			       c.err ? pcap : "");
			rc = FW_EXIT_KERNEL;
			break;
		}
	}
	if (c.stale)
		fw_info("skipped %ld events queued before fwctl log started", c.stale);
	if (c.to_pcap && fw_pcap_finish(&c.pcap)) {
		fw_err(-errno, "cannot write %s", pcap);
		rc = FW_EXIT_KERNEL;
	}
out:
	ring_buffer__free(rb);
	if (fd >= 0)
		close(fd);
	for (int g = 0; g < FW_NGEN; g++)
		fw_policy_free(&c.gp[g].pol);
	fw_state_close(&c.rd);
	return rc;
}
