// SPDX-License-Identifier: GPL-2.0
/*
 * policy.c - parse and validate a JSON policy (format version 1, see
 * rules/README.md) into the IR of policy.h; format errors; name tables.
 *
 * jansson decodes the text (JSON_REJECT_DUPLICATES, so a repeated key is a
 * syntax error with a position); every check after that is ours, strict
 * (unknown keys are errors) and reports the first problem found, with the
 * JSON path of the offending value and its line:column, found again in the
 * raw text by fw_json_locate() (jpath.c). Nothing here touches the kernel.
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "policy.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define PATH_SIZE	sizeof(((struct fw_err *)0)->path)
#define QUOTE_SIZE	80	/* a quoted value in a message, truncated */

/* --- names ---------------------------------------------------------------- */

static const char *const action_names[] = {
	[FW_ACT_PASS] = "pass",
	[FW_ACT_DROP] = "drop",
};
_Static_assert(ARRAY_SIZE(action_names) == __FW_ACT_MAX,
	       "one name per enum fw_action");

static const char *const mode_names[] = {
	[FW_MODE_AUTO] = "auto",
	[FW_MODE_NATIVE] = "native",
	[FW_MODE_SKB] = "skb",
};
_Static_assert(ARRAY_SIZE(mode_names) == FW_MODE_SKB + 1,
	       "one name per enum fw_mode");

static const struct {
	const char *name;
	uint8_t num;
} protos[] = {
	{ "icmp", 1 },
	{ "igmp", 2 },
	{ "tcp", 6 },
	{ "udp", 17 },
	{ "gre", 47 },
	{ "esp", 50 },
	{ "ah", 51 },
	{ "icmpv6", 58 },
	{ "sctp", 132 },
	{ "udplite", 136 },
};

/* Protocols that carry ports (the programs read them). */
static const uint8_t port_protos[] = { 6, 17, 132, 136 };

const char *fw_action_name(unsigned int action)
{
	return action < ARRAY_SIZE(action_names) ? action_names[action] : NULL;
}

const char *fw_mode_name(unsigned int mode)
{
	return mode < ARRAY_SIZE(mode_names) ? mode_names[mode] : NULL;
}

const char *fw_proto_name(unsigned int proto)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(protos); i++)
		if (protos[i].num == proto)
			return protos[i].name;
	return NULL;
}

int fw_prefix_format(const struct fw_prefix *p, char *buf, size_t size)
{
	char addr[INET6_ADDRSTRLEN];
	int af, max, n;

	if (!p || !buf || !size)
		return -EINVAL;
	af = p->family == 4 ? AF_INET : p->family == 6 ? AF_INET6 : -1;
	max = p->family == 4 ? 32 : 128;
	if (af < 0 || p->plen > max)
		return -EINVAL;
	if (!inet_ntop(af, p->addr, addr, sizeof(addr)))
		return -errno;
	n = snprintf(buf, size, "%s/%u", addr, p->plen);
	if (n < 0 || (size_t)n >= size)
		return -ENOSPC;
	return 0;
}

/* --- errors --------------------------------------------------------------- */

static void err_append(char *buf, size_t size, size_t *off,
		       const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void err_append(char *buf, size_t size, size_t *off,
		       const char *fmt, ...)
{
	va_list ap;
	int n;

	if (*off >= size - 1)
		return;
	va_start(ap, fmt);
	n = vsnprintf(buf + *off, size - *off, fmt, ap);
	va_end(ap);
	if (n > 0)
		*off += (size_t)n < size - *off ? (size_t)n : size - *off - 1;
}

const char *fw_err_format(const struct fw_err *err, char *buf, size_t size)
{
	size_t off = 0;

	if (!buf || !size)
		return "";
	buf[0] = '\0';
	if (!err)
		return buf;
	if (err->file[0])
		err_append(buf, size, &off, "%s", err->file);
	if (err->line > 0) {
		err_append(buf, size, &off, "%s%d", off ? ":" : "", err->line);
		if (err->col > 0)
			err_append(buf, size, &off, ":%d", err->col);
	}
	if (off)
		err_append(buf, size, &off, ": ");
	if (err->path[0])
		err_append(buf, size, &off, "%s: ", err->path);
	err_append(buf, size, &off, "%s", err->msg);
	return buf;
}

static void err_init(struct fw_err *err, const char *file)
{
	memset(err, 0, sizeof(*err));
	snprintf(err->file, sizeof(err->file), "%s", file);
}

/* An error without a position (I/O, size); returns ret. */
static int err_plain(struct fw_err *err, int ret, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int err_plain(struct fw_err *err, int ret, const char *fmt, ...)
{
	va_list ap;

	err->line = 0;
	err->col = 0;
	err->path[0] = '\0';
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	return ret;
}

/* Fill err for 'path', placed at the value at 'where' (NULL: at path). */
static void verror_at(const struct fw_policy *pol, const char *path,
		      const char *where, struct fw_err *err,
		      const char *fmt, va_list ap)
{
	int line = 0, col = 0;

	if (!path)
		path = "";
	snprintf(err->file, sizeof(err->file), "%s",
		 pol && pol->file ? pol->file : "");
	snprintf(err->path, sizeof(err->path), "%s", path);
	if (pol && pol->text)
		fw_json_locate(pol->text, pol->text_len, where ? where : path,
			       &line, &col);
	err->line = line;
	err->col = col;
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
}

void fw_policy_error_at(const struct fw_policy *pol, const char *path,
			struct fw_err *err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	verror_at(pol, path, NULL, err, fmt, ap);
	va_end(ap);
}

/* --- parser helpers ------------------------------------------------------- */

struct pctx {
	struct fw_policy *pol;
	struct fw_err *err;
	json_t *ids;		/* rule id -> path of the rule that has it */
};

static int perr(struct pctx *c, const char *path, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int perr(struct pctx *c, const char *path, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	verror_at(c->pol, path, NULL, c->err, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

/* Like perr, but placed at the value at 'where' when it is not "". */
static int perr_where(struct pctx *c, const char *path, const char *where,
		      const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int perr_where(struct pctx *c, const char *path, const char *where,
		      const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	verror_at(c->pol, path, where && *where ? where : NULL, c->err, fmt,
		  ap);
	va_end(ap);
	return -EINVAL;
}

/* Copy src into dst of size bytes, cut short if needed (like strscpy). */
static void str_copy(char *dst, size_t size, const char *src)
{
	size_t n = strnlen(src, size - 1);

	memcpy(dst, src, n);
	dst[n] = '\0';
}

/* Append src to the string in dst of size bytes, cut short if needed. */
static void str_cat(char *dst, size_t size, const char *src)
{
	size_t len = strnlen(dst, size - 1);

	str_copy(dst + len, size - len, src);
}

/* Paths are cut at PATH_SIZE; the ones this format produces are short. */
static void path_key(char *out, const char *path, const char *key)
{
	str_copy(out, PATH_SIZE, path);
	if (*path)
		str_cat(out, PATH_SIZE, ".");
	str_cat(out, PATH_SIZE, key);
}

static void path_idx(char *out, const char *path, size_t i)
{
	char idx[24];

	snprintf(idx, sizeof(idx), "[%zu]", i);
	str_copy(out, PATH_SIZE, path);
	str_cat(out, PATH_SIZE, idx);
}

/* s as a JSON string literal for a message, cut short when long. */
static const char *quote(char *buf, size_t size, const char *s)
{
	size_t o = 0, max = size - 5;	/* room for ...", NUL */

	buf[o++] = '"';
	for (; *s; s++) {
		unsigned char ch = *s;
		char esc[8];
		size_t n;

		if (ch == '"' || ch == '\\') {
			esc[0] = '\\';
			esc[1] = ch;
			n = 2;
		} else if (ch < 0x20 || ch == 0x7f) {
			n = snprintf(esc, sizeof(esc), "\\u%04x", ch);
		} else {
			esc[0] = ch;
			n = 1;
		}
		if (o + n > max) {
			/* Do not leave half a UTF-8 sequence behind. */
			if ((ch & 0xc0) == 0x80) {
				while (o > 1 && ((unsigned char)buf[o - 1] &
						 0xc0) == 0x80)
					o--;
				if (o > 1 && (unsigned char)buf[o - 1] >= 0xc0)
					o--;
			}
			memcpy(buf + o, "...", 3);
			o += 3;
			break;
		}
		memcpy(buf + o, esc, n);
		o += n;
	}
	buf[o++] = '"';
	buf[o] = '\0';
	return buf;
}

static const char *type_name(const json_t *j)
{
	switch (json_typeof(j)) {
	case JSON_OBJECT:
		return "an object";
	case JSON_ARRAY:
		return "an array";
	case JSON_STRING:
		return "a string";
	case JSON_INTEGER:
		return "an integer";
	case JSON_REAL:
		return "a real number";
	case JSON_TRUE:
	case JSON_FALSE:
		return "a boolean";
	case JSON_NULL:
		return "null";
	}
	return "an unknown value";
}

static bool in_list(const char *s, const char *const *list)
{
	for (; *list; list++)
		if (!strcmp(s, *list))
			return true;
	return false;
}

/* Optimal string alignment distance, case-insensitive; short strings. */
static size_t edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), i, j;
	size_t d[33][33];

	if (la > 32 || lb > 32)
		return (size_t)-1;
	for (i = 0; i <= la; i++)
		d[i][0] = i;
	for (j = 0; j <= lb; j++)
		d[0][j] = j;
	for (i = 1; i <= la; i++) {
		for (j = 1; j <= lb; j++) {
			size_t cost = tolower((unsigned char)a[i - 1]) !=
				      tolower((unsigned char)b[j - 1]);
			size_t v = d[i - 1][j - 1] + cost;

			if (d[i - 1][j] + 1 < v)
				v = d[i - 1][j] + 1;
			if (d[i][j - 1] + 1 < v)
				v = d[i][j - 1] + 1;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] &&
			    a[i - 2] == b[j - 1] && d[i - 2][j - 2] + 1 < v)
				v = d[i - 2][j - 2] + 1;
			d[i][j] = v;
		}
	}
	return d[la][lb];
}

/* Reject keys of obj not in allowed, suggesting a close one. */
static int check_keys(struct pctx *c, json_t *obj, const char *path,
		      const char *const *allowed)
{
	char q[QUOTE_SIZE], list[160], where[PATH_SIZE];
	const char *key, *best = NULL, *const *a;
	size_t best_d = 3, off = 0;
	json_t *v;

	json_object_foreach(obj, key, v) {
		if (in_list(key, allowed))
			continue;
		for (a = allowed; *a; a++) {
			size_t d = edit_distance(key, *a);

			if (d < best_d && d < strlen(*a)) {
				best_d = d;
				best = *a;
			}
		}
		/* Place the error at the key's value when a path can name it. */
		where[0] = '\0';
		if (key[0] && strlen(key) < 64 && !strpbrk(key, ".[]"))
			path_key(where, path, key);
		quote(q, sizeof(q), key);
		if (best)
			return perr_where(c, path, where,
					  "unknown key %s (did you mean \"%s\"?)",
					  q, best);
		list[0] = '\0';
		for (a = allowed; *a; a++)
			err_append(list, sizeof(list), &off, "%s%s",
				   a == allowed ? "" : ", ", *a);
		return perr_where(c, path, where, "unknown key %s (allowed: %s)",
				  q, list);
	}
	return 0;
}

static int missing(struct pctx *c, const char *path, const char *key)
{
	return perr(c, path, "missing required key \"%s\"", key);
}

static int get_action(struct pctx *c, json_t *v, const char *path,
		      uint8_t *action)
{
	char q[QUOTE_SIZE];
	size_t i;

	if (!json_is_string(v))
		return perr(c, path, "expected a string, got %s", type_name(v));
	for (i = 0; i < ARRAY_SIZE(action_names); i++) {
		if (!strcmp(json_string_value(v), action_names[i])) {
			*action = i;
			return 0;
		}
	}
	return perr(c, path, "%s is not an action (pass, drop)",
		    quote(q, sizeof(q), json_string_value(v)));
}

/* A free text of at most max - 1 bytes, copied to out when out is set. */
static int get_text(struct pctx *c, json_t *v, const char *path,
		    char *out, size_t max)
{
	size_t len;

	if (!json_is_string(v))
		return perr(c, path, "expected a string, got %s", type_name(v));
	len = json_string_length(v);
	if (len >= max)
		return perr(c, path, "too long (%zu bytes, at most %zu)",
			    len, max - 1);
	if (out)
		memcpy(out, json_string_value(v), len + 1);
	return 0;
}

/* --- addresses ------------------------------------------------------------ */

/* The address part of s (up to '/' or the end): 4, 6, or 0 when bad. */
static int parse_addr(const char *s, size_t len, uint8_t *addr)
{
	char buf[INET6_ADDRSTRLEN + 1];

	if (!len || len >= sizeof(buf))
		return 0;
	memcpy(buf, s, len);
	buf[len] = '\0';
	if (inet_pton(AF_INET, buf, addr) == 1)
		return 4;
	if (inet_pton(AF_INET6, buf, addr) == 1)
		return 6;
	return 0;
}

/* Decimal digits only, leading zeros allowed ("08" is 8); -1 when bad. */
static int parse_plen(const char *d, int max)
{
	int plen = 0;

	if (!*d)
		return -1;
	for (; *d; d++) {
		if (*d < '0' || *d > '9')
			return -1;
		plen = plen * 10 + (*d - '0');
		if (plen > max)
			return -1;
	}
	return plen;
}

/* Clear the bits of p->addr past p->plen; true when some were set. */
static bool clear_host_bits(struct fw_prefix *p)
{
	bool set = false;
	int i;

	for (i = 0; i < 16; i++) {
		int bits = p->plen - i * 8;
		uint8_t mask = bits >= 8 ? 0xff : bits <= 0 ? 0 :
			       (uint8_t)(0xff << (8 - bits));

		set |= (p->addr[i] & ~mask) != 0;
		p->addr[i] &= mask;
	}
	return set;
}

static int parse_prefix(struct pctx *c, const char *s, const char *path,
			struct fw_prefix *p)
{
	const char *slash = strchr(s, '/');
	char q[QUOTE_SIZE], canon[64];
	int max, plen;

	memset(p, 0, sizeof(*p));
	p->family = parse_addr(s, slash ? (size_t)(slash - s) : strlen(s),
			       p->addr);
	if (!p->family)
		return perr(c, path, "%s is not an IPv4 or IPv6 prefix",
			    quote(q, sizeof(q), s));
	max = p->family == 4 ? 32 : 128;
	plen = slash ? parse_plen(slash + 1, max) : max;
	if (plen < 0)
		return perr(c, path,
			    "%s has a bad prefix length (0-%d for IPv%d)",
			    quote(q, sizeof(q), s), max, p->family);
	p->plen = plen;
	if (clear_host_bits(p)) {
		fw_prefix_format(p, canon, sizeof(canon));
		return perr(c, path,
			    "%s has host bits set (did you mean %s?)", s,
			    canon);
	}
	return 0;
}

/* "src"/"dst": a string or a non-empty array of strings. */
static int parse_prefixes(struct pctx *c, json_t *v, const char *path,
			  struct fw_prefix **out, size_t *n)
{
	char epath[PATH_SIZE];
	json_t *e;
	size_t i;
	int ret;

	if (json_is_string(v)) {
		*out = calloc(1, sizeof(**out));
		if (!*out)
			return -ENOMEM;
		*n = 1;
		return parse_prefix(c, json_string_value(v), path, *out);
	}
	if (!json_is_array(v))
		return perr(c, path, "expected a string or an array, got %s",
			    type_name(v));
	if (!json_array_size(v))
		return perr(c, path,
			    "empty list (omit the key to match any address)");
	*out = calloc(json_array_size(v), sizeof(**out));
	if (!*out)
		return -ENOMEM;
	*n = json_array_size(v);
	json_array_foreach(v, i, e) {
		path_idx(epath, path, i);
		if (!json_is_string(e))
			return perr(c, epath, "expected a string, got %s",
				    type_name(e));
		ret = parse_prefix(c, json_string_value(e), epath, &(*out)[i]);
		if (ret)
			return ret;
	}
	return 0;
}

/* 4 or 6 when every prefix is of that family, 0 when mixed. */
static int only_family(const struct fw_prefix *p, size_t n)
{
	size_t i;

	for (i = 1; i < n; i++)
		if (p[i].family != p[0].family)
			return 0;
	return n ? p[0].family : 0;
}

/* --- protocols ------------------------------------------------------------ */

static void proto_set(uint64_t *bits, unsigned int p)
{
	bits[p / 64] |= 1ULL << (p % 64);
}

static bool proto_isset(const uint64_t *bits, unsigned int p)
{
	return bits[p / 64] >> (p % 64) & 1;
}

static int parse_proto1(struct pctx *c, json_t *v, const char *path,
			uint64_t *bits)
{
	char q[QUOTE_SIZE];
	size_t i;

	if (json_is_integer(v)) {
		json_int_t p = json_integer_value(v);

		if (p < 0 || p > 255)
			return perr(c, path,
				    "%" JSON_INTEGER_FORMAT
				    " is not a protocol number (0-255)", p);
		proto_set(bits, p);
		return 0;
	}
	if (!json_is_string(v))
		return perr(c, path, "expected a string or an integer, got %s",
			    type_name(v));
	for (i = 0; i < ARRAY_SIZE(protos); i++) {
		if (!strcmp(json_string_value(v), protos[i].name)) {
			proto_set(bits, protos[i].num);
			return 0;
		}
	}
	return perr(c, path,
		    "%s is not a protocol (icmp, igmp, tcp, udp, gre, esp, ah, icmpv6, sctp, udplite or a number 0-255)",
		    quote(q, sizeof(q), json_string_value(v)));
}

static int parse_protos(struct pctx *c, json_t *v, const char *path,
			uint64_t *bits)
{
	char epath[PATH_SIZE];
	json_t *e;
	size_t i;
	int ret;

	if (json_is_string(v) || json_is_integer(v))
		return parse_proto1(c, v, path, bits);
	if (!json_is_array(v))
		return perr(c, path,
			    "expected a string, an integer or an array, got %s",
			    type_name(v));
	if (!json_array_size(v))
		return perr(c, path,
			    "empty list (omit the key to match any protocol)");
	json_array_foreach(v, i, e) {
		path_idx(epath, path, i);
		ret = parse_proto1(c, e, epath, bits);
		if (ret)
			return ret;
	}
	return 0;
}

/* True when bits is non-empty and every protocol in it carries ports. */
static bool protos_have_ports(const uint64_t *bits)
{
	bool any = false;
	unsigned int p;
	size_t i;

	for (p = 0; p < 256; p++) {
		bool ok = false;

		if (!proto_isset(bits, p))
			continue;
		for (i = 0; i < ARRAY_SIZE(port_protos); i++)
			ok |= port_protos[i] == p;
		if (!ok)
			return false;
		any = true;
	}
	return any;
}

/* --- ports ---------------------------------------------------------------- */

/* Decimal digits at *s (at least one); saturates above 65535. */
static bool scan_port(const char **s, long *v)
{
	const char *p = *s;

	if (*p < '0' || *p > '9')
		return false;
	for (*v = 0; *p >= '0' && *p <= '9'; p++)
		if (*v <= 65535)
			*v = *v * 10 + (*p - '0');
	*s = p;
	return true;
}

/* "N" or "LO-HI"; false on a syntax error (numbers are not checked). */
static bool scan_range(const char *s, long *lo, long *hi, bool *range)
{
	if (!scan_port(&s, lo))
		return false;
	*hi = *lo;
	*range = *s == '-';
	if (*range) {
		s++;
		if (!scan_port(&s, hi))
			return false;
	}
	return !*s;
}

static int parse_port1(struct pctx *c, json_t *v, const char *path,
		       struct fw_prange *r)
{
	char q[QUOTE_SIZE];
	const char *s;
	long lo, hi;
	bool range;

	if (json_is_integer(v)) {
		json_int_t n = json_integer_value(v);

		if (n < 0 || n > 65535)
			return perr(c, path,
				    "%" JSON_INTEGER_FORMAT
				    " is not a port (0-65535)", n);
		r->lo = r->hi = n;
		return 0;
	}
	if (!json_is_string(v))
		return perr(c, path, "expected a string or an integer, got %s",
			    type_name(v));
	s = json_string_value(v);
	if (!scan_range(s, &lo, &hi, &range))
		return perr(c, path,
			    "%s is not a port or port range (N or LO-HI, 0-65535)",
			    quote(q, sizeof(q), s));
	if (lo > 65535 || hi > 65535)
		return perr(c, path, "%s is not a port%s (0-65535)",
			    quote(q, sizeof(q), s), range ? " range" : "");
	if (lo > hi)
		return perr(c, path,
			    "%s is a reversed range (did you mean \"%ld-%ld\"?)",
			    quote(q, sizeof(q), s), hi, lo);
	r->lo = lo;
	r->hi = hi;
	return 0;
}

static int cmp_range(const void *a, const void *b)
{
	const struct fw_prange *x = a, *y = b;

	if (x->lo != y->lo)
		return x->lo < y->lo ? -1 : 1;
	return (x->hi > y->hi) - (x->hi < y->hi);
}

/* Sort, then join overlapping or adjacent ranges. */
static size_t merge_ranges(struct fw_prange *r, size_t n)
{
	size_t i, out = 0;

	qsort(r, n, sizeof(*r), cmp_range);
	for (i = 0; i < n; i++) {
		if (out && r[i].lo <= (unsigned int)r[out - 1].hi + 1) {
			if (r[i].hi > r[out - 1].hi)
				r[out - 1].hi = r[i].hi;
		} else {
			r[out++] = r[i];
		}
	}
	return out;
}

/* "src_port"/"dst_port": a port, a "N"/"LO-HI" string, or an array. */
static int parse_ports(struct pctx *c, json_t *v, const char *path,
		       struct fw_prange **out, size_t *n)
{
	char epath[PATH_SIZE];
	struct fw_prange *shrunk;
	json_t *e;
	size_t i;
	int ret;

	if (json_is_string(v) || json_is_integer(v)) {
		*out = calloc(1, sizeof(**out));
		if (!*out)
			return -ENOMEM;
		*n = 1;
		return parse_port1(c, v, path, *out);
	}
	if (!json_is_array(v))
		return perr(c, path,
			    "expected a string, an integer or an array, got %s",
			    type_name(v));
	if (!json_array_size(v))
		return perr(c, path,
			    "empty list (omit the key to match any port)");
	*out = calloc(json_array_size(v), sizeof(**out));
	if (!*out)
		return -ENOMEM;
	*n = json_array_size(v);
	json_array_foreach(v, i, e) {
		path_idx(epath, path, i);
		ret = parse_port1(c, e, epath, &(*out)[i]);
		if (ret)
			return ret;
	}
	*n = merge_ranges(*out, *n);
	shrunk = realloc(*out, *n * sizeof(**out));
	if (shrunk)
		*out = shrunk;
	return 0;
}

/* --- rules ---------------------------------------------------------------- */

static const char *const rule_keys[] = {
	"action", "id", "comment", "src", "dst", "protocol", "src_port",
	"dst_port", NULL
};

static bool valid_id(const char *s)
{
	size_t n = strlen(s);

	if (!n || n >= FW_ID_MAX)
		return false;
	return strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
			 "0123456789_.:-") == n;
}

static int parse_id(struct pctx *c, json_t *v, const char *path,
		    struct fw_rule_ir *r)
{
	char q[QUOTE_SIZE];
	const char *id;
	json_t *first;

	if (!json_is_string(v))
		return perr(c, path, "expected a string, got %s", type_name(v));
	id = json_string_value(v);
	if (!valid_id(id))
		return perr(c, path,
			    "%s is not a rule id (1-63 characters of A-Z a-z 0-9 _ . : -)",
			    quote(q, sizeof(q), id));
	first = json_object_get(c->ids, id);
	if (first)
		return perr(c, path, "duplicate id %s (first used by %s)",
			    quote(q, sizeof(q), id), json_string_value(first));
	if (json_object_set_new(c->ids, id, json_string(r->path)))
		return -ENOMEM;
	memcpy(r->id, id, strlen(id) + 1);
	return 0;
}

static int parse_rule(struct pctx *c, json_t *obj, const char *path,
		      struct fw_rule_ir *r)
{
	char kpath[PATH_SIZE], spath[PATH_SIZE], dpath[PATH_SIZE];
	json_t *v;
	int ret, sf, df;

	if (!json_is_object(obj))
		return perr(c, path, "expected an object, got %s",
			    type_name(obj));
	ret = check_keys(c, obj, path, rule_keys);
	if (ret)
		return ret;
	str_copy(r->path, sizeof(r->path), path);

	v = json_object_get(obj, "action");
	if (!v)
		return missing(c, path, "action");
	path_key(kpath, path, "action");
	ret = get_action(c, v, kpath, &r->action);
	if (ret)
		return ret;

	v = json_object_get(obj, "id");
	if (v) {
		path_key(kpath, path, "id");
		ret = parse_id(c, v, kpath, r);
		if (ret)
			return ret;
	}

	v = json_object_get(obj, "comment");
	if (v) {
		path_key(kpath, path, "comment");
		ret = get_text(c, v, kpath, r->comment, sizeof(r->comment));
		if (ret)
			return ret;
	}

	v = json_object_get(obj, "src");
	if (v) {
		r->has_src = true;
		path_key(kpath, path, "src");
		ret = parse_prefixes(c, v, kpath, &r->src, &r->n_src);
		if (ret)
			return ret;
	}

	v = json_object_get(obj, "dst");
	if (v) {
		r->has_dst = true;
		path_key(kpath, path, "dst");
		ret = parse_prefixes(c, v, kpath, &r->dst, &r->n_dst);
		if (ret)
			return ret;
	}

	v = json_object_get(obj, "protocol");
	if (v) {
		r->has_proto = true;
		path_key(kpath, path, "protocol");
		ret = parse_protos(c, v, kpath, r->proto);
		if (ret)
			return ret;
	}

	path_key(spath, path, "src_port");
	v = json_object_get(obj, "src_port");
	if (v) {
		r->has_sport = true;
		ret = parse_ports(c, v, spath, &r->sport, &r->n_sport);
		if (ret)
			return ret;
	}

	path_key(dpath, path, "dst_port");
	v = json_object_get(obj, "dst_port");
	if (v) {
		r->has_dport = true;
		ret = parse_ports(c, v, dpath, &r->dport, &r->n_dport);
		if (ret)
			return ret;
	}

	if ((r->has_sport || r->has_dport) &&
	    (!r->has_proto || !protos_have_ports(r->proto)))
		return perr(c, r->has_sport ? spath : dpath,
			    "ports need \"protocol\" to be tcp, udp, udplite or sctp");

	sf = only_family(r->src, r->n_src);
	df = only_family(r->dst, r->n_dst);
	if (sf && df && sf != df)
		return perr(c, path,
			    "src has only IPv%d prefixes and dst only IPv%d ones: the rule can never match",
			    sf, df);
	return 0;
}

static int parse_ruleset(struct pctx *c, json_t *arr, const char *path,
			 struct fw_ruleset *rs)
{
	char rpath[PATH_SIZE];
	json_t *v;
	size_t i;
	int ret;

	if (!json_is_array(arr))
		return perr(c, path, "expected an array, got %s",
			    type_name(arr));
	if (json_array_size(arr) > FW_MAX_RULES)
		return perr(c, path, "%zu rules exceed the maximum of %d",
			    json_array_size(arr), FW_MAX_RULES);
	if (!json_array_size(arr))
		return 0;
	rs->rules = calloc(json_array_size(arr), sizeof(*rs->rules));
	if (!rs->rules)
		return -ENOMEM;
	rs->n_rules = json_array_size(arr);
	json_array_foreach(arr, i, v) {
		path_idx(rpath, path, i);
		ret = parse_rule(c, v, rpath, &rs->rules[i]);
		if (ret)
			return ret;
	}
	return 0;
}

static int parse_egress(struct pctx *c, json_t *obj)
{
	static const char *const keys[] = { "default", "rules", NULL };
	struct fw_ruleset *rs = &c->pol->dir[FW_DIR_EGRESS];
	json_t *v;
	int ret;

	if (!json_is_object(obj))
		return perr(c, "egress", "expected an object, got %s",
			    type_name(obj));
	ret = check_keys(c, obj, "egress", keys);
	if (ret)
		return ret;
	v = json_object_get(obj, "default");
	if (v) {
		ret = get_action(c, v, "egress.default", &rs->default_action);
		if (ret)
			return ret;
	}
	v = json_object_get(obj, "rules");
	if (v)
		return parse_ruleset(c, v, "egress.rules", rs);
	return 0;
}

/* --- interfaces ----------------------------------------------------------- */

static int parse_iface_name(struct pctx *c, json_t *v, const char *path,
			    json_t *seen, struct fw_iface *ifc)
{
	char q[QUOTE_SIZE];
	const char *name, *s;
	json_t *first;
	size_t len;

	if (!json_is_string(v))
		return perr(c, path, "expected a string, got %s", type_name(v));
	name = json_string_value(v);
	len = json_string_length(v);
	if (len >= IF_NAMESIZE)
		return perr(c, path,
			    "%s is too long for an interface name (at most %d bytes)",
			    quote(q, sizeof(q), name), IF_NAMESIZE - 1);
	for (s = name; *s; s++)
		if (*s == '/' || isspace((unsigned char)*s))
			break;
	if (!len || *s || !strcmp(name, ".") || !strcmp(name, ".."))
		return perr(c, path,
			    "%s is not an interface name (1-15 bytes, no \"/\" or whitespace, not \".\" or \"..\")",
			    quote(q, sizeof(q), name));
	first = json_object_get(seen, name);
	if (first)
		return perr(c, path, "duplicate interface %s (first at %s)",
			    quote(q, sizeof(q), name),
			    json_string_value(first));
	if (json_object_set_new(seen, name, json_string(path)))
		return -ENOMEM;
	memcpy(ifc->name, name, len + 1);
	return 0;
}

static int parse_iface(struct pctx *c, json_t *v, const char *path,
		       json_t *seen, struct fw_iface *ifc)
{
	static const char *const keys[] = { "name", "mode", NULL };
	char kpath[PATH_SIZE], q[QUOTE_SIZE];
	json_t *name, *mode;
	size_t i;
	int ret;

	str_copy(ifc->path, sizeof(ifc->path), path);
	ifc->mode = FW_MODE_AUTO;
	if (json_is_string(v))
		return parse_iface_name(c, v, path, seen, ifc);
	if (!json_is_object(v))
		return perr(c, path, "expected a string or an object, got %s",
			    type_name(v));
	ret = check_keys(c, v, path, keys);
	if (ret)
		return ret;
	name = json_object_get(v, "name");
	if (!name)
		return missing(c, path, "name");
	path_key(kpath, path, "name");
	ret = parse_iface_name(c, name, kpath, seen, ifc);
	if (ret)
		return ret;
	mode = json_object_get(v, "mode");
	if (!mode)
		return 0;
	path_key(kpath, path, "mode");
	if (!json_is_string(mode))
		return perr(c, kpath, "expected a string, got %s",
			    type_name(mode));
	for (i = 0; i < ARRAY_SIZE(mode_names); i++) {
		if (!strcmp(json_string_value(mode), mode_names[i])) {
			ifc->mode = i;
			return 0;
		}
	}
	return perr(c, kpath, "%s is not a mode (auto, native, skb)",
		    quote(q, sizeof(q), json_string_value(mode)));
}

static int parse_ifaces(struct pctx *c, json_t *arr)
{
	struct fw_policy *pol = c->pol;
	char path[PATH_SIZE];
	json_t *seen, *v;
	size_t i;
	int ret = 0;

	if (!json_is_array(arr))
		return perr(c, "interfaces", "expected an array, got %s",
			    type_name(arr));
	if (!json_array_size(arr))
		return 0;
	pol->ifaces = calloc(json_array_size(arr), sizeof(*pol->ifaces));
	seen = json_object();
	if (!pol->ifaces || !seen) {
		ret = -ENOMEM;
		goto out;
	}
	json_array_foreach(arr, i, v) {
		path_idx(path, "interfaces", i);
		ret = parse_iface(c, v, path, seen, &pol->ifaces[i]);
		if (ret)
			goto out;
		pol->n_ifaces++;
	}
out:
	json_decref(seen);
	return ret;
}

/* --- the document --------------------------------------------------------- */

static const char *const top_keys[] = {
	"version", "description", "interfaces", "non_ip", "default", "rules",
	"egress", NULL
};

static int parse_root(struct pctx *c, json_t *root)
{
	struct fw_policy *pol = c->pol;
	json_t *v;
	int ret;

	if (!json_is_object(root))
		return perr(c, "", "expected an object, got %s",
			    type_name(root));

	/* The version first: another version may have other keys. */
	v = json_object_get(root, "version");
	if (!v)
		return missing(c, "", "version");
	if (!json_is_integer(v))
		return perr(c, "version", "expected an integer, got %s",
			    type_name(v));
	if (json_integer_value(v) != FW_POLICY_VERSION)
		return perr(c, "version",
			    "%" JSON_INTEGER_FORMAT
			    " is not supported (this fwctl reads version %d)",
			    json_integer_value(v), FW_POLICY_VERSION);
	pol->version = FW_POLICY_VERSION;

	ret = check_keys(c, root, "", top_keys);
	if (ret)
		return ret;

	v = json_object_get(root, "description");
	if (v) {
		ret = get_text(c, v, "description", NULL, FW_COMMENT_MAX);
		if (ret)
			return ret;
	}

	v = json_object_get(root, "interfaces");
	if (v) {
		ret = parse_ifaces(c, v);
		if (ret)
			return ret;
	}

	pol->non_ip_action = FW_ACT_PASS;
	v = json_object_get(root, "non_ip");
	if (v) {
		ret = get_action(c, v, "non_ip", &pol->non_ip_action);
		if (ret)
			return ret;
	}

	v = json_object_get(root, "default");
	if (!v)
		return missing(c, "", "default");
	ret = get_action(c, v, "default",
			 &pol->dir[FW_DIR_INGRESS].default_action);
	if (ret)
		return ret;

	v = json_object_get(root, "rules");
	if (v) {
		ret = parse_ruleset(c, v, "rules", &pol->dir[FW_DIR_INGRESS]);
		if (ret)
			return ret;
	}

	pol->dir[FW_DIR_EGRESS].default_action = FW_ACT_PASS;
	v = json_object_get(root, "egress");
	if (v) {
		pol->has_egress = true;
		ret = parse_egress(c, v);
		if (ret)
			return ret;
	}
	return 0;
}

/* Parse text (malloc'ed, NUL-terminated, owned by pol from here on). */
static int parse_owned(char *text, size_t len, const char *name,
		       struct fw_policy *pol, struct fw_err *err)
{
	struct pctx c = { .pol = pol, .err = err };
	json_error_t jerr;
	json_t *root = NULL;
	int ret;

	pol->text = text;
	pol->text_len = len;
	pol->file = strdup(name);
	c.ids = json_object();
	if (!pol->file || !c.ids) {
		ret = -ENOMEM;
		goto out;
	}

	root = json_loadb(text, len, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY,
			  &jerr);
	if (!root) {
		if (json_error_code(&jerr) == json_error_out_of_memory) {
			ret = -ENOMEM;
			goto out;
		}
		/* jansson's column is 0 at the start of a line: make it 1. */
		err->line = jerr.line > 0 ? jerr.line : 0;
		err->col = err->line ? (jerr.column > 0 ? jerr.column : 1) : 0;
		err->path[0] = '\0';
		snprintf(err->msg, sizeof(err->msg), "%s", jerr.text);
		ret = -EINVAL;
		goto out;
	}
	ret = parse_root(&c, root);
out:
	if (ret == -ENOMEM)
		err_plain(err, ret, "%s", strerror(ENOMEM));
	if (ret)
		fw_policy_free(pol);
	json_decref(root);
	json_decref(c.ids);
	return ret;
}

static int too_large(struct fw_err *err)
{
	return err_plain(err, -EINVAL,
			 "file is larger than 2 MiB (at most %zu bytes)",
			 (size_t)FW_POLICY_MAX_BYTES);
}

int fw_policy_parse_buf(const char *buf, size_t len, const char *name,
			struct fw_policy *pol, struct fw_err *err)
{
	struct fw_err dummy;
	char *text;

	if (!err)
		err = &dummy;
	if (!name)
		name = "<buffer>";
	memset(pol, 0, sizeof(*pol));
	err_init(err, name);
	if (!buf && len)
		return err_plain(err, -EINVAL, "%s", strerror(EINVAL));
	if (!len)
		return err_plain(err, -EINVAL, "file is empty");
	if (len > FW_POLICY_MAX_BYTES)
		return too_large(err);
	text = malloc(len + 1);
	if (!text)
		return err_plain(err, -ENOMEM, "%s", strerror(ENOMEM));
	memcpy(text, buf, len);
	text[len] = '\0';
	return parse_owned(text, len, name, pol, err);
}

int fw_policy_parse_file(const char *file, struct fw_policy *pol,
			 struct fw_err *err)
{
	size_t len = 0, cap = 4096;
	struct fw_err dummy;
	char *text = NULL, *grown;
	struct stat st;
	int fd, ret;
	ssize_t n;

	if (!err)
		err = &dummy;
	memset(pol, 0, sizeof(*pol));
	err_init(err, file ? file : "");
	if (!file)
		return err_plain(err, -EINVAL, "%s", strerror(EINVAL));

	fd = open(file, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return err_plain(err, -errno, "%s", strerror(errno));
	if (fstat(fd, &st)) {
		ret = err_plain(err, -errno, "%s", strerror(errno));
		goto out;
	}
	if (S_ISDIR(st.st_mode)) {
		ret = err_plain(err, -EISDIR, "%s", strerror(EISDIR));
		goto out;
	}
	if (S_ISREG(st.st_mode)) {
		if ((unsigned long long)st.st_size > FW_POLICY_MAX_BYTES) {
			ret = too_large(err);
			goto out;
		}
		if (st.st_size > 0)
			cap = st.st_size + 1;	/* + 1: see EOF at once */
	}

	/* Read it whole; a pipe or a growing file may hold more than st_size. */
	text = malloc(cap + 1);
	if (!text) {
		ret = err_plain(err, -ENOMEM, "%s", strerror(ENOMEM));
		goto out;
	}
	for (;;) {
		if (len == cap) {
			if (cap > FW_POLICY_MAX_BYTES)
				break;
			cap = cap * 2 > FW_POLICY_MAX_BYTES + 1 ?
			      FW_POLICY_MAX_BYTES + 1 : cap * 2;
			grown = realloc(text, cap + 1);
			if (!grown) {
				ret = err_plain(err, -ENOMEM, "%s",
						strerror(ENOMEM));
				goto out;
			}
			text = grown;
		}
		n = read(fd, text + len, cap - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			ret = err_plain(err, -errno, "%s", strerror(errno));
			goto out;
		}
		if (!n)
			break;
		len += n;
	}
	if (len > FW_POLICY_MAX_BYTES) {
		ret = too_large(err);
		goto out;
	}
	if (!len) {
		ret = err_plain(err, -EINVAL, "file is empty");
		goto out;
	}
	text[len] = '\0';
	ret = parse_owned(text, len, file, pol, err);
	text = NULL;	/* owned by pol, or freed */
out:
	free(text);
	close(fd);
	return ret;
}

static void free_ruleset(struct fw_ruleset *rs)
{
	size_t i;

	for (i = 0; rs->rules && i < rs->n_rules; i++) {
		free(rs->rules[i].src);
		free(rs->rules[i].dst);
		free(rs->rules[i].sport);
		free(rs->rules[i].dport);
	}
	free(rs->rules);
	rs->rules = NULL;
	rs->n_rules = 0;
}

void fw_policy_free(struct fw_policy *pol)
{
	int d;

	if (!pol)
		return;
	free(pol->file);
	free(pol->text);
	free(pol->ifaces);
	for (d = 0; d < FW_NDIR; d++)
		free_ruleset(&pol->dir[d]);
	memset(pol, 0, sizeof(*pol));
}
