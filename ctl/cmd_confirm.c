// SPDX-License-Identifier: GPL-2.0
/*
 * cmd_confirm.c - commit-confirm: apply --confirm-within starts a detached
 * timer process (fwctl confirm-timer, its own session, so killing the
 * applying fwctl or its terminal does not stop it); fwctl confirm keeps the
 * new policy, fwctl rollback or the timer's deadline returns to the previous
 * generation. The record of what is pending is pinned (fw_confirm), so any
 * fwctl, and the timer, act on the same truth.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>
#include <sys/random.h>
#include <sys/wait.h>
#include "cli.h"

/* "30s", "2m", "5" (seconds): nanoseconds, or 0 if malformed. */
uint64_t parse_duration(const char *s)
{
	char *end;
	unsigned long long v = strtoull(s, &end, 10);

	if (end == s || v == 0 || v > 86400)
		return 0;
	if (!*end || !strcmp(end, "s"))
		return v * 1000000000ull;
	if (!strcmp(end, "m") && v <= 1440)
		return v * 60000000000ull;
	return 0;
}

/* Is pid our timer (not a recycled pid)? */
static bool is_timer(uint32_t pid)
{
	char path[64], buf[256] = "";
	ssize_t n;
	int fd;

	if (!pid)
		return false;
	snprintf(path, sizeof(path), "/proc/%u/cmdline", pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	for (ssize_t i = 0; i < n; i++)
		if (!buf[i])
			buf[i] = ' ';
	return n > 0 && strstr(buf, "confirm-timer");
}

bool confirm_pending(const struct fw_state *st, struct fw_confirm *c)
{
	return !fw_confirm_read(st, c) && c->state == FW_CONFIRM_PENDING;
}

/*
 * Record a pending confirmation of new_gen and start the timer. Called
 * with the state locked, before the switch to new_gen: the timer rolls back
 * only if new_gen is live at the deadline. 0 or -errno.
 */
int confirm_start(const struct fw_state *st, uint32_t new_gen, uint64_t within_ns)
{
	struct fw_confirm c = {
		.state = FW_CONFIRM_PENDING,
		.prev_gen = new_gen ^ 1,
		.new_gen = new_gen,
		.deadline_ns = fw_now_ns() + within_ns,
		.changed_ns = fw_now_ns(),
	};
	char token[24];
	int pfd[2], ret;
	pid_t child;

	if (getrandom(&c.token, sizeof(c.token), 0) != sizeof(c.token))
		c.token = c.deadline_ns ^ (uint64_t)getpid();
	ret = fw_confirm_write(st, &c);
	if (ret)
		return ret;
	if (pipe2(pfd, O_CLOEXEC))
		return -errno;
	snprintf(token, sizeof(token), "%llu", (unsigned long long)c.token);

	child = fork();
	if (child < 0) {
		ret = -errno;
		close(pfd[0]);
		close(pfd[1]);
		return ret;
	}
	if (child == 0) {		/* detach: new session, then fork again */
		pid_t timer;
		int null = open("/dev/null", O_RDWR);

		setsid();
		timer = fork();
		if (timer == 0) {
			if (null >= 0) {
				dup2(null, 0);
				dup2(null, 1);
				dup2(null, 2);
			}
			execl("/proc/self/exe", "fwctl", "--pin-dir", st->pin_dir,
			      "confirm-timer", token, (char *)NULL);
			_exit(127);
		}
		if (write(pfd[1], &timer, sizeof(timer)) != sizeof(timer))
			_exit(1);
		_exit(timer > 0 ? 0 : 1);
	}
	close(pfd[1]);
	{
		pid_t timer = -1;

		if (read(pfd[0], &timer, sizeof(timer)) != sizeof(timer))
			timer = -1;
		close(pfd[0]);
		waitpid(child, NULL, 0);
		if (timer <= 0) {
			c.state = FW_CONFIRM_NONE;
			fw_confirm_write(st, &c);
			return -ECHILD;
		}
		c.timer_pid = (uint32_t)timer;
	}
	return fw_confirm_write(st, &c);
}

/* The apply that started a timer failed before its switch: stand down. */
void confirm_cancel(const struct fw_state *st)
{
	struct fw_confirm c;

	if (!confirm_pending(st, &c))
		return;
	c.state = FW_CONFIRM_NONE;
	c.changed_ns = fw_now_ns();
	fw_confirm_write(st, &c);
	if (is_timer(c.timer_pid))
		kill((pid_t)c.timer_pid, SIGTERM);
}

/* fwctl confirm-timer TOKEN: sleep to the deadline, then roll back. */
static int confirm_timer(const char *token)
{
	unsigned long long want = strtoull(token, NULL, 10);
	struct fw_state st = FW_STATE_INIT;
	struct fw_confirm c;
	struct timespec ts;
	uint32_t gen;
	int ret;

	ret = fw_state_open(&st, fw_pin_dir(opt_pin_dir), 0);
	if (ret || !confirm_pending(&st, &c) || c.token != want) {
		fw_state_close(&st);
		return FW_EXIT_OK;	/* confirmed or replaced meanwhile */
	}
	fw_state_close(&st);		/* do not hold the lock while waiting */
	ts.tv_sec = (time_t)(c.deadline_ns / 1000000000ull);
	ts.tv_nsec = (long)(c.deadline_ns % 1000000000ull);
	while (clock_nanosleep(CLOCK_REALTIME, TIMER_ABSTIME, &ts, NULL) == EINTR)
		;

	if (fw_state_open(&st, fw_pin_dir(opt_pin_dir), FW_ST_WRITE))
		return FW_EXIT_KERNEL;
	if (!confirm_pending(&st, &c) || c.token != want) {
		fw_state_close(&st);
		return FW_EXIT_OK;
	}
	ret = fw_read_active_gen(&st, &gen);
	if (!ret && gen == c.new_gen)
		ret = fw_switch_gen(&st, c.prev_gen);
	c.state = FW_CONFIRM_ROLLED_BACK;
	c.changed_ns = fw_now_ns();
	fw_confirm_write(&st, &c);
	openlog("fwctl", LOG_PID, LOG_DAEMON);
	if (ret)
		syslog(LOG_ERR, "no confirm in time, and the rollback to generation %u failed: %s",
		       c.prev_gen, strerror(-ret));
	else
		syslog(LOG_WARNING, "no confirm in time: rolled back to generation %u (%s)",
		       c.prev_gen, st.pin_dir);
	closelog();
	fw_state_close(&st);
	return ret ? FW_EXIT_KERNEL : FW_EXIT_OK;
}

int cmd_confirm(int argc, char **argv)
{
	struct fw_state st = FW_STATE_INIT;
	struct fw_confirm c;
	int ret;

	if (!strcmp(argv[0], "confirm-timer"))
		return argc == 2 ? confirm_timer(argv[1])
				 : usage_error(NULL, "confirm-timer takes a TOKEN");
	if (argc != 1)
		return usage_error("confirm", "confirm takes no arguments");
	ret = open_loaded(&st, FW_ST_WRITE);
	if (ret)
		return ret;
	if (!confirm_pending(&st, &c)) {
		fw_state_close(&st);
		fw_err(0, "nothing to confirm (no apply --confirm-within is pending)");
		return FW_EXIT_USAGE;
	}
	c.state = FW_CONFIRM_CONFIRMED;
	c.changed_ns = fw_now_ns();
	ret = fw_confirm_write(&st, &c);
	if (!ret && is_timer(c.timer_pid))
		kill((pid_t)c.timer_pid, SIGTERM);	/* it has nothing left to do */
	fw_state_close(&st);
	if (ret)
		return fw_err(ret, "cannot record the confirmation"), FW_EXIT_KERNEL;
	if (opt_json)
		emit_json(json_pack("{s:i,s:s,s:i}", "version", 1, "confirmed", "yes",
				    "generation", (int)c.new_gen));
	else
		printf("confirmed: generation %u stays\n", c.new_gen);
	return FW_EXIT_OK;
}

int cmd_rollback(int argc, char **argv)
{
	struct fw_state st = FW_STATE_INIT;
	struct fw_confirm c;
	uint32_t gen, to;
	int ret;

	if (argc != 1)
		return usage_error("rollback", "rollback takes no arguments");
	ret = open_loaded(&st, FW_ST_WRITE);
	if (ret)
		return ret;
	ret = fw_read_active_gen(&st, &gen);
	if (ret) {
		fw_state_close(&st);
		return fw_err(ret, "cannot read the active generation"), FW_EXIT_KERNEL;
	}
	to = gen ^ 1;
	if (!fw_gen_valid(&st, to)) {
		fw_state_close(&st);
		fw_err(0, "there is no previous policy to return to");
		return FW_EXIT_USAGE;
	}
	ret = fw_switch_gen(&st, to);
	if (!ret && confirm_pending(&st, &c)) {
		c.state = FW_CONFIRM_ROLLED_BACK;
		c.changed_ns = fw_now_ns();
		fw_confirm_write(&st, &c);
		if (is_timer(c.timer_pid))
			kill((pid_t)c.timer_pid, SIGTERM);
	}
	if (ret) {
		fw_state_close(&st);
		return fw_err(ret, "cannot switch to generation %u", to), FW_EXIT_KERNEL;
	}
	if (opt_json) {
		emit_json(json_pack("{s:i,s:i,s:i}", "version", 1, "from", (int)gen,
				    "generation", (int)to));
	} else {
		struct fw_meta_info mi;

		if (!fw_read_meta(&st, to, &mi)) {
			printf("rolled back: generation %u (%s) is live again\n", to, mi.meta.path);
			fw_meta_info_free(&mi);
		}
	}
	fw_state_close(&st);
	return FW_EXIT_OK;
}
