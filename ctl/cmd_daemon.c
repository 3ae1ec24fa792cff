// SPDX-License-Identifier: GPL-2.0
/*
 * cmd_daemon.c - fwctl daemon: keeps the active policy attached to the
 * interfaces its "interfaces" select (names and fnmatch patterns) while
 * links come, go, are re-created or renamed; re-applies its policy file on
 * SIGHUP; exits on SIGTERM/SIGINT leaving the firewall in place (the
 * firewall lives in bpffs pins and kernel attachments, never in this
 * process). Also: the daemon's state file, read by 'fwctl status'.
 *
 * Events come from one rtnetlink subscription (RTMGRP_LINK, libmnl). The
 * daemon keeps only ifindex -> name of the links it has seen; a lost event
 * (ENOBUFS), a netlink error, SIGHUP and a periodic timer all lead to a
 * full resync: dump every link and reconcile.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/file.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include "cli.h"
#include "fwd.h"
#include "sha256.h"

#define FW_RUN_DIR		"/run/fwctl"
#define RESYNC_PERIOD_MS	60000	/* safety net besides the events */
#define NL_RCVBUF		(4 << 20)

struct seen {			/* a link the daemon knows of */
	int ifindex;
	char name[IF_NAMESIZE];
	bool selected;		/* by the active policy, when last looked at */
};

struct daemon {
	const char *policy, *log, *last_good, *pin_dir;
	char policy_abs[PATH_MAX];
	struct fw_nl_mon *mon;
	int sfd;		/* signalfd: HUP, TERM, INT */
	int lock_fd;
	char state_path[PATH_MAX], lock_path[PATH_MAX];
	time_t since;
	struct seen *seen;
	size_t n_seen, cap_seen;
	unsigned int reloads;
	json_t *last_reload;	/* { time, ok, generation | error } */
};

static const char *now_iso(char *buf, size_t size)
{
	time_t t = time(NULL);
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(buf, size, "%Y-%m-%dT%H:%M:%SZ", &tm);
	return buf;
}

static const char *iso(time_t t, char *buf, size_t size)
{
	struct tm tm;

	gmtime_r(&t, &tm);
	strftime(buf, size, "%Y-%m-%dT%H:%M:%SZ", &tm);
	return buf;
}

/* --- where the daemon's state lives ---------------------------------------------- */

/*
 * $FWCTL_RUN_DIR or /run/fwctl (mode 0700), one daemon per pin directory:
 * daemon-<first 12 hex digits of sha256(pin dir)>.{json,lock}. The daemon
 * holds an flock on the .lock file for as long as it runs, so a state file
 * without a locked .lock is stale (the daemon died without cleaning up),
 * whatever process now has its pid.
 */
static int state_paths(const char *pin_dir, char *json, char *lock, size_t size,
		       bool create)
{
	const char *env = getenv("FWCTL_RUN_DIR");
	const char *dir = env && *env ? env : FW_RUN_DIR;
	char real[PATH_MAX], hex[65];
	uint8_t sum[32];

	if (!realpath(pin_dir, real))
		snprintf(real, sizeof(real), "%s", pin_dir);
	fw_sha256(real, strlen(real), sum);
	fw_sha256_hex(sum, hex);
	hex[12] = '\0';
	if (create && mkdir(dir, 0700) && errno != EEXIST)
		return fw_err(-errno, "cannot create %s", dir);
	if (snprintf(json, size, "%s/daemon-%s.json", dir, hex) >= (int)size ||
	    snprintf(lock, size, "%s/daemon-%s.lock", dir, hex) >= (int)size)
		return fw_err(-ENAMETOOLONG, "cannot use run directory %s", dir);
	return 0;
}

static json_t *seen_json(const struct daemon *d)
{
	json_t *a = json_array();

	for (size_t i = 0; i < d->n_seen; i++)
		if (d->seen[i].selected)
			json_array_append_new(a, json_pack("{s:s,s:i}", "name", d->seen[i].name,
							   "ifindex", d->seen[i].ifindex));
	return a;
}

/* Rewrite the state file (write a temporary, rename it over). */
static void write_state(const struct daemon *d)
{
	char tmp[PATH_MAX + 8], tbuf[32];
	json_t *doc;
	FILE *f;

	doc = json_pack("{s:i,s:i,s:s,s:s,s:s,s:s?,s:s?,s:i,s:O?,s:o}", "version", 1,
			"pid", (int)getpid(), "since", iso(d->since, tbuf, sizeof(tbuf)),
			"policy", d->policy_abs, "pin_dir", d->pin_dir, "log", d->log,
			"last_good", d->last_good, "reloads", (int)d->reloads,
			"last_reload", d->last_reload, "interfaces", seen_json(d));
	snprintf(tmp, sizeof(tmp), "%s.tmp", d->state_path);
	f = fopen(tmp, "we");
	if (!f || json_dumpf(doc, f, JSON_INDENT(2)) || fputc('\n', f) == EOF) {
		fw_err(-errno, "cannot write %s", tmp);
		if (f)
			fclose(f);
		unlink(tmp);
	} else if (fclose(f) || rename(tmp, d->state_path)) {
		fw_err(-errno, "cannot write %s", d->state_path);
		unlink(tmp);
	}
	json_decref(doc);
}

json_t *daemon_status_json(const char *pin_dir)
{
	char json[PATH_MAX], lock[PATH_MAX];
	json_t *doc;
	bool running = false;
	int fd;

	if (state_paths(pin_dir, json, lock, sizeof(json), false))
		return json_null();
	doc = json_load_file(json, 0, NULL);
	if (!json_is_object(doc)) {
		json_decref(doc);
		return json_null();	/* no daemon (or a torn file: none either) */
	}
	fd = open(lock, O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		if (flock(fd, LOCK_SH | LOCK_NB) && errno == EWOULDBLOCK)
			running = true;		/* the daemon holds it */
		close(fd);
	}
	json_object_del(doc, "version");
	json_object_set_new(doc, "running", json_boolean(running));
	json_object_set_new(doc, "state_file", json_string(json));
	return doc;
}

/* --- systemd notification (Type=notify), without libsystemd ------------------- */

static void sd_notify(const char *msg)
{
	const char *path = getenv("NOTIFY_SOCKET");
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	socklen_t len;
	int fd;

	if (!path || (path[0] != '/' && path[0] != '@') || strlen(path) >= sizeof(sa.sun_path))
		return;
	memcpy(sa.sun_path, path, strlen(path));
	if (sa.sun_path[0] == '@')
		sa.sun_path[0] = '\0';	/* abstract namespace */
	len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + strlen(path));
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return;
	sendto(fd, msg, strlen(msg), MSG_NOSIGNAL, (struct sockaddr *)&sa, len);
	close(fd);
}

/* --- links ------------------------------------------------------------------------- */

static struct seen *find_seen(struct daemon *d, int ifindex)
{
	for (size_t i = 0; i < d->n_seen; i++)
		if (d->seen[i].ifindex == ifindex)
			return &d->seen[i];
	return NULL;
}

static struct seen *add_seen(struct daemon *d, int ifindex, const char *name)
{
	struct seen *s = find_seen(d, ifindex);

	if (!s) {
		if (d->n_seen == d->cap_seen) {
			size_t cap = d->cap_seen ? d->cap_seen * 2 : 32;
			struct seen *v = realloc(d->seen, cap * sizeof(*v));

			if (!v)
				return NULL;
			d->seen = v;
			d->cap_seen = cap;
		}
		s = &d->seen[d->n_seen++];
		memset(s, 0, sizeof(*s));
		s->ifindex = ifindex;
	}
	snprintf(s->name, sizeof(s->name), "%s", name);
	return s;
}

static void drop_seen(struct daemon *d, struct seen *s)
{
	*s = d->seen[--d->n_seen];
}

static void describe(const struct fw_attachment *a, char *buf, size_t size)
{
	snprintf(buf, size, "xdp %s%s", a->xdp ? fw_mode_name(a->xdp_mode) : "-",
		 a->tc ? ", tc egress" : "");
}

/*
 * Make sure the policy is attached to one selected link, as its entry
 * says. Logs what it did; 'why' qualifies the log line ("" or " (renamed
 * from X)"). 0 or -errno.
 */
static int ensure(struct fw_state *st, const struct fw_policy *pol, int entry,
		  int ifindex, const char *name, const char *why, bool quiet_if_there)
{
	struct fw_attachment a;
	int mode = pol->ifaces[entry].mode;
	char desc[64];
	int ret;

	fw_query(st, ifindex, name, &a);
	if (a.xdp && a.tc == fw_policy_needs_tc(pol) &&
	    (mode == FW_MODE_AUTO || a.xdp_mode == mode)) {
		if (!quiet_if_there) {
			describe(&a, desc, sizeof(desc));
			fw_log("%s (ifindex %d) is attached already: %s%s", name, ifindex, desc, why);
		}
		return 0;
	}
	ret = fw_attach(st, name, mode, fw_policy_needs_tc(pol), &a);
	if (ret) {
		fw_log("attach to %s (ifindex %d) failed: %s%s", name, ifindex,
		       strerror(-ret), why);
		return ret;
	}
	describe(&a, desc, sizeof(desc));
	fw_log("attached %s (ifindex %d): %s%s", name, ifindex, desc, why);
	return 0;
}

/* The active policy (pinned), and the state opened for writing. */
static int open_active(struct daemon *d, struct fw_state *st, struct fw_policy *pol,
		       uint32_t *gen)
{
	struct fw_meta_info mi = { 0 };
	int ret;

	ret = fw_state_open(st, d->pin_dir, FW_ST_WRITE);
	if (ret)
		return ret;
	ret = load_active(st, gen, &mi, pol);
	fw_meta_info_free(&mi);
	if (ret)
		fw_state_close(st);
	return ret;
}

/* Redirect targets (fwd.c): the kernel drops a deleted netdev's devmap entry. */
static void refilled(const char *name, uint32_t ifindex)
{
	fw_log("redirect target %s is back (ifindex %u): devmap entry restored", name,
	       ifindex);
}

/* Dump every link and reconcile: attach where selected, forget what went. */
static void resync(struct daemon *d, const char *why, bool verbose)
{
	struct fw_state st = FW_STATE_INIT;
	struct fw_policy pol = { 0 };
	struct fw_link *links = NULL;
	uint32_t gen;
	int n, ret;

	if (verbose)
		fw_log("resync (%s): reading every link", why);
	ret = open_active(d, &st, &pol, &gen);
	if (ret) {
		fw_log("resync (%s): no active policy under %s (%s): nothing to attach",
		       why, d->pin_dir, strerror(-ret));
		return;
	}
	n = fw_nl_links(&links);
	if (n < 0) {
		fw_log("resync (%s): cannot list links: %s", why, strerror(-n));
		goto out;
	}
	/* forget links that are gone */
	for (size_t i = 0; i < d->n_seen;) {
		bool there = false;

		for (int k = 0; k < n && !there; k++)
			there = links[k].ifindex == d->seen[i].ifindex;
		if (there) {
			i++;
			continue;
		}
		if (d->seen[i].selected)
			fw_log("forgot %s (ifindex %d): the link is gone", d->seen[i].name,
			       d->seen[i].ifindex);
		drop_seen(d, &d->seen[i]);
	}
	for (int k = 0; k < n; k++) {
		struct seen *s = find_seen(d, links[k].ifindex);
		int entry = fw_iface_entry(&pol, links[k].name);
		char note[64] = "";

		if (s && strcmp(s->name, links[k].name))
			snprintf(note, sizeof(note), " (renamed from %s)", s->name);
		s = add_seen(d, links[k].ifindex, links[k].name);
		if (!s)
			break;
		if (entry < 0) {
			s->selected = false;
			continue;
		}
		/* quiet about links already known to be attached */
		ensure(&st, &pol, entry, links[k].ifindex, links[k].name, note,
		       s->selected && !verbose);
		s->selected = true;
	}
	fw_fwd_refill(&st, fw_nl_ifindex, refilled);
out:
	free(links);
	fw_policy_free(&pol);
	fw_state_close(&st);
	write_state(d);
}

/* One link event. */
static int on_link(bool new, const struct fw_link *l, void *data)
{
	struct daemon *d = data;
	struct seen *s = find_seen(d, l->ifindex);
	struct fw_state st = FW_STATE_INIT;
	struct fw_policy pol = { 0 };
	char note[64] = "";
	uint32_t gen;
	int entry;

	if (!new) {
		if (s && s->selected) {
			fw_log("forgot %s (ifindex %d): link removed", s->name, s->ifindex);
			drop_seen(d, s);
			write_state(d);
		} else if (s) {
			drop_seen(d, s);
		}
		return 0;
	}
	/* flags, carrier, our own XDP changes: nothing to do for a known name */
	if (!l->name[0] || (s && !strcmp(s->name, l->name)))
		return 0;
	if (s)
		snprintf(note, sizeof(note), " (renamed from %s)", s->name);
	if (open_active(d, &st, &pol, &gen)) {
		add_seen(d, l->ifindex, l->name);	/* no policy: nothing to attach */
		return 0;
	}
	entry = fw_iface_entry(&pol, l->name);
	if (entry < 0) {
		if (s && s->selected)
			fw_log("%s (ifindex %d) renamed to %s: not selected by the policy any more; left as it is",
			       s->name, s->ifindex, l->name);
		s = add_seen(d, l->ifindex, l->name);
		if (s)
			s->selected = false;
	} else {
		ensure(&st, &pol, entry, l->ifindex, l->name, note, false);
		s = add_seen(d, l->ifindex, l->name);
		if (s)
			s->selected = true;
	}
	fw_fwd_refill(&st, fw_nl_ifindex, refilled);	/* a redirect target came back? */
	fw_policy_free(&pol);
	fw_state_close(&st);
	write_state(d);
	return 0;
}

/* --- the policy file ------------------------------------------------------------- */

static void record_reload(struct daemon *d, bool ok, uint32_t gen, const char *error)
{
	char tbuf[32];

	json_decref(d->last_reload);
	d->last_reload = ok ? json_pack("{s:s,s:b,s:i}", "time", now_iso(tbuf, sizeof(tbuf)),
					"ok", 1, "generation", (int)gen)
			    : json_pack("{s:s,s:b,s:s}", "time", now_iso(tbuf, sizeof(tbuf)),
					"ok", 0, "error", error);
}

/*
 * Parse, compile and apply the policy file (the atomic apply of 'fwctl
 * apply'). Named interfaces need not exist: they are attached when they
 * appear. On any error the running policy stays. 0 or -errno.
 */
static int reload(struct daemon *d)
{
	struct fw_state st = FW_STATE_INIT;
	struct fw_policy pol = { 0 };
	struct fw_tables t = { 0 };
	struct fw_err err = { 0 };
	char msg[1024];
	uint32_t gen = 0, old = 0;
	bool have_old;
	int ret;

	d->reloads++;
	ret = fw_policy_parse_file(d->policy, &pol, &err);
	if (!ret)
		ret = fw_policy_resolve(&pol, fw_nl_ifindex, &err);
	if (!ret)
		ret = fw_compile(&pol, &t, &err);
	if (ret) {
		if (ret == -ENOMEM)
			snprintf(msg, sizeof(msg), "%s: %s", d->policy, strerror(ENOMEM));
		else
			fw_err_format(&err, msg, sizeof(msg));
		goto fail;
	}
	ret = fw_state_open(&st, d->pin_dir, FW_ST_WRITE | FW_ST_CREATE);
	if (ret) {
		snprintf(msg, sizeof(msg), "cannot open the state under %s: %s", d->pin_dir,
			 strerror(-ret));
		goto fail;
	}
	{
		struct fw_confirm c;

		/* a reload now would overwrite the rollback target */
		if (confirm_pending(&st, &c)) {
			fw_state_close(&st);
			snprintf(msg, sizeof(msg),
				 "generation %u waits for 'fwctl confirm': not reloading %s until it is confirmed or rolled back",
				 c.new_gen, d->policy);
			ret = -EBUSY;
			goto fail;
		}
	}
	ret = fw_apply_tables(&st, &t, &pol, &gen);
	fw_state_close(&st);
	if (ret) {
		snprintf(msg, sizeof(msg), "cannot apply %s: %s", d->policy, strerror(-ret));
		goto fail;
	}
	fw_log("applied %s: generation %u (%zu ingress rules, default %s; %zu egress rules)",
	       d->policy, gen, pol.dir[0].n_rules,
	       fw_action_name(pol.dir[0].default_action), pol.dir[1].n_rules);
	record_reload(d, true, gen, NULL);
	if (d->last_good) {
		ret = fw_save_last_good(&pol, d->last_good);
		if (ret)
			fw_log("cannot save %s as the last known-good policy: %s", d->last_good,
			       strerror(-ret));
		else
			fw_log("saved %s as the last known-good policy", d->last_good);
	}
	fw_tables_free(&t);
	fw_policy_free(&pol);
	return 0;
fail:
	have_old = !fw_state_open(&st, d->pin_dir, 0) && !fw_read_active_gen(&st, &old);
	fw_state_close(&st);
	if (have_old)
		fw_log("reload of %s failed: %s; the running policy (generation %u) stays",
		       d->policy, msg, old);
	else
		fw_log("reload of %s failed: %s; no policy is running", d->policy, msg);
	record_reload(d, false, 0, msg);
	fw_tables_free(&t);
	fw_policy_free(&pol);
	return ret ? ret : -EINVAL;
}

static bool policy_active(struct daemon *d)
{
	struct fw_state st = FW_STATE_INIT;
	struct fw_meta_info mi = { 0 };
	uint32_t gen;
	bool ok;

	if (fw_state_open(&st, d->pin_dir, 0))
		return false;
	ok = !fw_read_active_gen(&st, &gen) && !fw_read_meta(&st, gen, &mi);
	fw_meta_info_free(&mi);
	fw_state_close(&st);
	return ok;
}

static int open_log(struct daemon *d)
{
	int fd;

	if (!d->log)
		return 0;
	fd = open(d->log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
	if (fd < 0)
		return fw_err(-errno, "cannot open the log %s", d->log);
	if (dup2(fd, STDERR_FILENO) < 0) {
		close(fd);
		return fw_err(-errno, "cannot log to %s", d->log);
	}
	close(fd);
	return 0;
}

/* --- the verb ----------------------------------------------------------------------- */

static int take_lock(struct daemon *d)
{
	json_t *other;
	int ret;

	ret = state_paths(d->pin_dir, d->state_path, d->lock_path, sizeof(d->state_path), true);
	if (ret)
		return ret;
	d->lock_fd = open(d->lock_path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (d->lock_fd < 0)
		return fw_err(-errno, "cannot open %s", d->lock_path);
	if (!flock(d->lock_fd, LOCK_EX | LOCK_NB))
		return 0;
	ret = -errno;
	other = json_load_file(d->state_path, 0, NULL);
	if (ret == -EWOULDBLOCK)
		fw_err(0, "another fwctl daemon (pid %lld) keeps the firewall under %s",
		       (long long)json_integer_value(json_object_get(other, "pid")), d->pin_dir);
	else
		fw_err(ret, "cannot lock %s", d->lock_path);
	json_decref(other);
	close(d->lock_fd);
	d->lock_fd = -1;
	return -EBUSY;
}

static void release(struct daemon *d)
{
	if (d->lock_fd >= 0) {
		unlink(d->state_path);
		unlink(d->lock_path);
		close(d->lock_fd);
		d->lock_fd = -1;
	}
}

static int monitor_open(struct daemon *d)
{
	const char *env = getenv("FWCTL_NL_RCVBUF");	/* tests: provoke ENOBUFS */
	int ret = fw_nl_monitor_open(&d->mon, env ? atoi(env) : NL_RCVBUF);

	if (ret)
		fw_err(ret, "cannot subscribe to rtnetlink link events");
	return ret;
}

static double mono_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static int loop(struct daemon *d)
{
	double next = mono_now_ms() + RESYNC_PERIOD_MS;

	for (;;) {
		struct pollfd pfd[2] = {
			{ .fd = d->sfd, .events = POLLIN },
			{ .fd = fw_nl_monitor_fd(d->mon), .events = POLLIN },
		};
		double wait = next - mono_now_ms();
		int n = poll(pfd, 2, wait > 0 ? (int)wait : 0);

		if (n < 0 && errno != EINTR)
			return fw_err(-errno, "poll");
		if (n <= 0) {
			resync(d, "periodic", false);
			next = mono_now_ms() + RESYNC_PERIOD_MS;
			continue;
		}
		if (pfd[0].revents & POLLIN) {
			struct signalfd_siginfo si;

			if (read(d->sfd, &si, sizeof(si)) != sizeof(si))
				continue;
			if (si.ssi_signo == SIGHUP) {
				sd_notify("RELOADING=1");
				if (open_log(d))
					fw_log("cannot reopen the log %s", d->log);
				fw_log("SIGHUP: re-reading %s", d->policy);
				reload(d);
				resync(d, "SIGHUP", false);
				sd_notify("READY=1\nSTATUS=policy re-read");
				continue;
			}
			fw_log("%s: exiting; the firewall stays attached", strsignal((int)si.ssi_signo));
			sd_notify("STOPPING=1");
			return 0;
		}
		if (pfd[1].revents & (POLLIN | POLLERR)) {
			int ret = fw_nl_monitor_read(d->mon, on_link, d);

			if (ret == -ENOBUFS) {
				fw_log("netlink: link events were lost (ENOBUFS: receive queue overrun): full resync");
				fw_nl_monitor_drain(d->mon);	/* the dump covers them */
				resync(d, "events lost", true);
			} else if (ret) {
				fw_log("netlink: %s: re-subscribing and resyncing", strerror(-ret));
				fw_nl_monitor_close(d->mon);
				d->mon = NULL;
				if (monitor_open(d))
					return -EIO;
				resync(d, "netlink error", true);
			}
		}
	}
}

int cmd_daemon(int argc, char **argv)
{
	struct daemon d = { .sfd = -1, .lock_fd = -1 };
	sigset_t mask;
	int ret, rc = FW_EXIT_KERNEL;

	for (int i = 1; i < argc; i++) {
		const char **opt = !strcmp(argv[i], "--policy") ? &d.policy :
				   !strcmp(argv[i], "--log") ? &d.log :
				   !strcmp(argv[i], "--last-good") ? &d.last_good : NULL;

		if (!opt)
			return usage_error("daemon", "unknown argument \"%s\"", argv[i]);
		if (++i >= argc)
			return usage_error("daemon", "%s needs a FILE", argv[i - 1]);
		*opt = argv[i];
	}
	if (!d.policy)
		return usage_error("daemon", "daemon needs --policy FILE");
	if (!realpath(d.policy, d.policy_abs))
		snprintf(d.policy_abs, sizeof(d.policy_abs), "%s", d.policy);
	d.pin_dir = fw_pin_dir(opt_pin_dir);
	d.since = time(NULL);

	if (open_log(&d))
		return FW_EXIT_USAGE;
	fw_log_timestamps = true;
	setvbuf(stderr, NULL, _IOLBF, 0);
	if (take_lock(&d))
		return FW_EXIT_USAGE;

	sigemptyset(&mask);
	sigaddset(&mask, SIGHUP);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGINT);
	if (sigprocmask(SIG_BLOCK, &mask, NULL) ||
	    (d.sfd = signalfd(-1, &mask, SFD_CLOEXEC)) < 0) {
		fw_err(-errno, "cannot set up signals");
		goto out;
	}
	signal(SIGPIPE, SIG_IGN);
	/* subscribe before the first dump: no event can fall in between */
	if (monitor_open(&d))
		goto out;
	fw_log("fwctl daemon %s started: pid %d, policy %s, pin dir %s", FWCTL_VERSION,
	       (int)getpid(), d.policy_abs, d.pin_dir);
	write_state(&d);
	ret = reload(&d);
	if (ret && !policy_active(&d)) {
		fw_log("no policy to keep attached: exiting");
		rc = ret == -EINVAL ? FW_EXIT_USAGE : FW_EXIT_KERNEL;
		goto out;
	}
	resync(&d, "startup", true);
	sd_notify("READY=1\nSTATUS=watching link events");
	rc = loop(&d) ? FW_EXIT_KERNEL : FW_EXIT_OK;
out:
	release(&d);
	fw_nl_monitor_close(d.mon);
	if (d.sfd >= 0)
		close(d.sfd);
	json_decref(d.last_reload);
	free(d.seen);
	return rc;
}
