// SPDX-License-Identifier: GPL-2.0
/*
 * log.c - fwctl's messages: "Error: ..." on stderr, info at -v, debug and
 * libbpf/libxdp chatter at -v / -vv. stdout carries only data. The daemon
 * time-stamps every line (fw_log_timestamps) and logs its actions (fw_log).
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <bpf/libbpf.h>
#include <xdp/libxdp.h>
#include "fwctl.h"

int fw_verbose;
bool fw_log_timestamps;

static void stamp(void)
{
	struct timespec ts;
	struct tm tm;
	char buf[32];

	if (!fw_log_timestamps)
		return;
	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ ", &tm);
	fputs(buf, stderr);
}

static void vmsg(const char *prefix, const char *fmt, va_list ap)
{
	stamp();
	fputs(prefix, stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void fw_info(const char *fmt, ...)
{
	va_list ap;

	if (fw_verbose < 1)
		return;
	va_start(ap, fmt);
	vmsg("", fmt, ap);
	va_end(ap);
}

void fw_debug(const char *fmt, ...)
{
	va_list ap;

	if (fw_verbose < 2)
		return;
	va_start(ap, fmt);
	vmsg("debug: ", fmt, ap);
	va_end(ap);
}

void fw_log(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg("", fmt, ap);
	va_end(ap);
}

int fw_err(int err, const char *fmt, ...)
{
	va_list ap;

	stamp();
	fputs("Error: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	if (err)
		fprintf(stderr, ": %s", strerror(err < 0 ? -err : err));
	fputc('\n', stderr);
	return err;
}

static int lib_print(int level, const char *fmt, va_list ap)
{
	/* libbpf and libxdp share these level values */
	if ((level == LIBBPF_WARN && fw_verbose >= 1) ||
	    (level == LIBBPF_INFO && fw_verbose >= 2) ||
	    (level == LIBBPF_DEBUG && fw_verbose >= 3))
		return vfprintf(stderr, fmt, ap);
	return 0;
}

static int xdp_print(enum libxdp_print_level level, const char *fmt, va_list ap)
{
	return lib_print((int)level, fmt, ap);
}

static int bpf_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	return lib_print((int)level, fmt, ap);
}

void fw_setup_lib_logging(void)
{
	libbpf_set_print(bpf_print);
	libxdp_set_print(xdp_print);
}
