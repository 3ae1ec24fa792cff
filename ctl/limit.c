// SPDX-License-Identifier: GPL-2.0
/*
 * limit.c - rate limits ("limit" on a rule), the pure part: the "rate" and
 * size strings, the default burst, the bounds the data path's arithmetic
 * needs, the compiled form (struct fw_limit, fw_shared.h) and the JSON and
 * text that show and stats print. The kernel side (writing fw_limcfg,
 * resetting buckets and counters) is limit_map.c; the data path is
 * include/dp/limit.h; the policy keys are parsed in policy.c
 * (parse_limit), with the strings handed to this file.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>

#include "policy.h"
#include "compile.h"
#include "limit.h"

#define NS_PER_S	1000000000ull
#define TICKS_PER_S	(NS_PER_S << FW_LIMIT_TICK_SHIFT)
#define MAX_PPS		1000000000ull		/* packets/s */
#define MAX_BPS		1000000000000ull	/* bytes/s (8 Tbit/s) */
#define MAX_BUCKET_NS	(100000000ull * NS_PER_S)	/* 10^8 s */
#define MULT_LIMIT	(1ull << 48)		/* 65535 * mult fits 64 bits */

struct unit {
	const char *name;
	uint64_t mult;		/* bytes (or bits when bits) per unit */
	bool bits;
};

/* Decimal multiples (SI), binary ones (IEC), and bits as tc writes them. */
static const struct unit byte_units[] = {
	{ "B", 1, false },
	{ "kB", 1000, false }, { "KB", 1000, false },
	{ "MB", 1000000, false }, { "GB", 1000000000, false },
	{ "KiB", 1024, false }, { "MiB", 1048576, false },
	{ "GiB", 1073741824, false },
	{ "bit", 1, true },
	{ "kbit", 1000, true }, { "Kbit", 1000, true },
	{ "mbit", 1000000, true }, { "Mbit", 1000000, true },
	{ "gbit", 1000000000, true }, { "Gbit", 1000000000, true },
};

#define UNIT_LIST "B, kB, MB, GB, KiB, MiB, GiB, bit, kbit, mbit, gbit"

static const struct {
	const char *name;
	uint64_t secs;
} periods[] = {
	{ "s", 1 }, { "m", 60 }, { "h", 3600 },
};

/* Leading decimal digits of s: the value, *end after them; -1 if none/huge. */
static int64_t scan_uint(const char *s, const char **end)
{
	uint64_t v = 0;
	const char *p = s;

	if (*p < '0' || *p > '9')
		return -1;
	if (*p == '0' && p[1] >= '0' && p[1] <= '9')
		return -1;		/* no leading zeros */
	for (; *p >= '0' && *p <= '9'; p++) {
		v = v * 10 + (uint64_t)(*p - '0');
		if (v > (1ull << 50))
			return -1;
	}
	*end = p;
	return (int64_t)v;
}

int fw_limit_rate_parse(const char *s, struct fw_limit_ir *l, char *msg, size_t size)
{
	const char *p, *slash;
	char unit[16];
	int64_t n;
	size_t ulen, i;
	uint64_t secs = 0, mult = 1;
	bool bytes = false, bits = false;

	n = scan_uint(s, &p);
	if (n < 0) {
		snprintf(msg, size, "expected a rate like \"1000/s\", \"10mbit/s\" or \"2MB/m\"");
		return -EINVAL;
	}
	if (n == 0) {
		snprintf(msg, size, "a rate must be more than 0");
		return -EINVAL;
	}
	slash = strchr(p, '/');
	if (!slash) {
		snprintf(msg, size, "a rate needs a period: \"/s\", \"/m\" or \"/h\"");
		return -EINVAL;
	}
	ulen = (size_t)(slash - p);
	if (ulen >= sizeof(unit)) {
		snprintf(msg, size, "unknown unit (packets: none; bytes: " UNIT_LIST ")");
		return -EINVAL;
	}
	memcpy(unit, p, ulen);
	unit[ulen] = '\0';
	if (ulen) {
		for (i = 0; i < sizeof(byte_units) / sizeof(byte_units[0]); i++)
			if (!strcmp(unit, byte_units[i].name))
				break;
		if (i == sizeof(byte_units) / sizeof(byte_units[0])) {
			snprintf(msg, size, "unknown unit \"%s\" (packets: none; bytes: " UNIT_LIST ")",
				 unit);
			return -EINVAL;
		}
		bytes = true;
		bits = byte_units[i].bits;
		mult = byte_units[i].mult;
	}
	for (i = 0; i < sizeof(periods) / sizeof(periods[0]); i++)
		if (!strcmp(slash + 1, periods[i].name))
			secs = periods[i].secs;
	if (!secs) {
		snprintf(msg, size, "unknown period \"/%s\" (/s, /m or /h)", slash + 1);
		return -EINVAL;
	}
	l->bytes = bytes;
	l->num = (uint64_t)n * mult;
	l->den = secs * (bits ? 8 : 1);
	if ((uint64_t)n > (1ull << 50) / mult) {
		snprintf(msg, size, "rate too large");
		return -EINVAL;
	}
	/* bounds: num / den units per second */
	if (!bytes && l->num > MAX_PPS * l->den) {
		snprintf(msg, size, "rate above %llu packets/s", (unsigned long long)MAX_PPS);
		return -EINVAL;
	}
	if (bytes && l->num > MAX_BPS * l->den) {
		snprintf(msg, size, "rate above %llu bytes/s (8 Tbit/s)",
			 (unsigned long long)MAX_BPS);
		return -EINVAL;
	}
	if (bytes && l->num < l->den) {
		snprintf(msg, size, "a byte rate must be at least 1 byte/s (8bit/s)");
		return -EINVAL;
	}
	return 0;
}

int fw_limit_size_parse(const char *s, uint64_t *bytes, char *msg, size_t size)
{
	const char *p;
	int64_t n = scan_uint(s, &p);
	size_t i;

	if (n < 0) {
		snprintf(msg, size, "expected a size like 65536, \"64KiB\" or \"100kB\"");
		return -EINVAL;
	}
	if (!*p) {
		*bytes = (uint64_t)n;
		return 0;
	}
	for (i = 0; i < sizeof(byte_units) / sizeof(byte_units[0]); i++) {
		if (byte_units[i].bits || strcmp(p, byte_units[i].name))
			continue;
		if ((uint64_t)n > (1ull << 50) / byte_units[i].mult) {
			snprintf(msg, size, "size too large");
			return -EINVAL;
		}
		*bytes = (uint64_t)n * byte_units[i].mult;
		return 0;
	}
	snprintf(msg, size, "unknown size unit \"%s\" (B, kB, MB, GB, KiB, MiB, GiB)", p);
	return -EINVAL;
}

uint64_t fw_limit_default_burst(const struct fw_limit_ir *l)
{
	uint64_t tenth = l->num / (10 * l->den);	/* 100 ms of the rate */
	uint64_t floor = l->bytes ? FW_LIMIT_MIN_BYTE_BURST_DEFAULT : 5;

	return tenth > floor ? tenth : floor;
}

/* Ticks one unit costs, as the fraction tpu / num: tpu = TICKS_PER_S * den. */
static unsigned __int128 ticks_num(const struct fw_limit_ir *l)
{
	return (unsigned __int128)TICKS_PER_S * l->den;
}

int fw_limit_check(const struct fw_limit_ir *l, char *msg, size_t size)
{
	unsigned __int128 ns;

	if (!l->num || !l->den || !l->burst) {
		snprintf(msg, size, "rate and burst must be more than 0");
		return -ERANGE;
	}
	ns = (unsigned __int128)l->burst * NS_PER_S * l->den / l->num;
	if (ticks_num(l) / l->num >= MULT_LIMIT) {
		snprintf(msg, size, "rate too small");
		return -ERANGE;
	}
	if (ns > MAX_BUCKET_NS) {
		snprintf(msg, size,
			 "a burst of %llu at this rate takes more than 10^8 s to refill",
			 (unsigned long long)l->burst);
		return -ERANGE;
	}
	if (l->bytes && l->burst < FW_LIMIT_MIN_BYTE_BURST) {
		snprintf(msg, size,
			 "a byte limit's burst must hold a full-size frame: at least %u bytes",
			 FW_LIMIT_MIN_BYTE_BURST);
		return -ERANGE;
	}
	return 0;
}

int fw_limit_per_format(const struct fw_limit_ir *l, char *buf, size_t size)
{
	int n;

	if (l->plen6 != 128)
		n = snprintf(buf, size, "src/%u/%u", l->plen4, l->plen6);
	else if (l->plen4 != 32)
		n = snprintf(buf, size, "src/%u", l->plen4);
	else
		n = snprintf(buf, size, "src");
	return n < 0 || (size_t)n >= size ? -ENOSPC : 0;
}

int fw_limit_compile(const struct fw_limit_ir *l, struct fw_limit *out)
{
	unsigned __int128 tn = ticks_num(l), m = 0;
	unsigned int shift = 0;

	memset(out, 0, sizeof(*out));
	if (!l->num || !l->den || tn / l->num >= MULT_LIMIT)
		return -ERANGE;
	/* the most fraction bits that keep 65535 * mult within 64 bits */
	for (unsigned int s = 0; s < 64; s++) {
		unsigned __int128 v = (tn << s) / l->num;

		if (v >= MULT_LIMIT)
			break;
		m = v;
		shift = s;
	}
	out->mult = (uint64_t)m;
	out->shift = (uint8_t)shift;
	out->depth = (uint64_t)((unsigned __int128)l->burst * tn / l->num);
	out->flags = (uint8_t)((l->bytes ? FW_LF_BYTES : 0) |
			       (l->per_src ? FW_LF_PER_SRC : 0));
	out->over = l->over;
	out->plen4 = l->per_src ? l->plen4 : 0;
	out->plen6 = l->per_src ? l->plen6 : 0;
	return 0;
}

int fw_limits_compile(const struct fw_policy *pol, struct fw_tables *t)
{
	uint32_t n = 0;

	free(t->limits);
	t->limits = NULL;
	t->n_limits = 0;
	for (int d = 0; d < FW_NDIR; d++)
		for (size_t r = 0; r < pol->dir[d].n_rules; r++)
			n += pol->dir[d].rules[r].limit.set;
	if (!n)
		return 0;
	if (n > FW_MAX_LIMITS)
		return -E2BIG;
	t->limits = calloc(n, sizeof(*t->limits));
	if (!t->limits)
		return -ENOMEM;
	for (int d = 0; d < FW_NDIR; d++) {
		for (size_t r = 0; r < pol->dir[d].n_rules; r++) {
			const struct fw_limit_ir *l = &pol->dir[d].rules[r].limit;
			int ret;

			if (!l->set)
				continue;
			ret = fw_limit_compile(l, &t->limits[t->n_limits]);
			if (ret)
				return ret;
			t->dir[d].rules[r].flags |= FW_RF_LIMIT;
			t->dir[d].rules[r].limit = t->n_limits++;
		}
	}
	return 0;
}

json_t *fw_limit_json(const struct fw_limit_ir *l)
{
	char per[24];
	json_t *o = json_pack("{s:s,s:I,s:s,s:s}", "rate", l->rate,
			      "burst", (json_int_t)l->burst,
			      "unit", l->bytes ? "bytes" : "packets",
			      "over", l->over == FW_ACT_PASS ? "pass" : "drop");

	if (o && l->per_src && !fw_limit_per_format(l, per, sizeof(per)))
		json_object_set_new(o, "per", json_string(per));
	return o;
}
