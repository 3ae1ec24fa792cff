// SPDX-License-Identifier: GPL-2.0
/*
 * policy.c - parse and validate a JSON policy (format version 1, see
 * rules/README.md) into the IR of policy.h; read the sets' files; resolve
 * "interface" names (fw_policy_resolve); format errors; name tables.
 *
 * jansson decodes the text (JSON_REJECT_DUPLICATES, so a repeated key is a
 * syntax error with a position); every check after that is ours, strict
 * (unknown keys are errors) and reports the first problem found, with the
 * JSON path of the offending value and its line:column, found again in the
 * raw text by fw_json_locate() (jpath.c). Set files are read line by line
 * (linear; their errors name the file and line, placed at the "file"
 * value). Nothing here touches the kernel; fw_policy_resolve() calls only
 * the resolver it is given (if_nametoindex() when NULL).
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
#include "timing.h"
#include "jsonfast.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define PATH_SIZE	sizeof(((struct fw_err *)0)->path)
#define QUOTE_SIZE	80	/* a quoted value in a message, truncated */

/* --- names ---------------------------------------------------------------- */

static const char *const action_names[] = {
	[FW_ACT_PASS] = "pass",
	[FW_ACT_DROP] = "drop",
	[FW_ACT_REDIRECT] = "redirect",
};
_Static_assert(ARRAY_SIZE(action_names) == __FW_ACT_MAX,
	       "one name per enum fw_action");

static const char *const mode_names[] = {
	[FW_MODE_AUTO] = "auto",
	[FW_MODE_NATIVE] = "native",
	[FW_MODE_SKB] = "skb",
	[FW_MODE_HW] = "hw",
};
_Static_assert(ARRAY_SIZE(mode_names) == FW_MODE_HW + 1,
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

#define PROTO_ICMP	1
#define PROTO_TCP	6
#define PROTO_ICMPV6	58

static const char *const frag_mode_names[] = {
	[FW_FRAGS_MATCH] = "match",
	[FW_FRAGS_PASS] = "pass",
	[FW_FRAGS_DROP] = "drop",
};
_Static_assert(ARRAY_SIZE(frag_mode_names) == FW_FRAGS_DROP + 1,
	       "one name per enum fw_frag_mode");

/* Bit i of the TCP flags byte (RFC 9293, RFC 3168). */
static const char *const tcp_flag_names[] = {
	"fin", "syn", "rst", "psh", "ack", "urg", "ece", "cwr",
};
_Static_assert(ARRAY_SIZE(tcp_flag_names) == 8, "one name per flag bit");

struct icmp_name {
	const char *name;
	uint8_t type;
};

/* ICMP types by name (RFC 792, RFC 1256) and ICMPv6 ones (RFC 4443,
 * RFC 4861, RFC 2710, RFC 3810). */
static const struct icmp_name icmp4_types[] = {
	{ "echo-reply", 0 },
	{ "destination-unreachable", 3 },
	{ "redirect", 5 },
	{ "echo-request", 8 },
	{ "router-advertisement", 9 },
	{ "router-solicitation", 10 },
	{ "time-exceeded", 11 },
	{ "parameter-problem", 12 },
	{ "timestamp-request", 13 },
	{ "timestamp-reply", 14 },
	{ NULL, 0 },
};

static const struct icmp_name icmp6_types[] = {
	{ "destination-unreachable", 1 },
	{ "packet-too-big", 2 },
	{ "time-exceeded", 3 },
	{ "parameter-problem", 4 },
	{ "echo-request", 128 },
	{ "echo-reply", 129 },
	{ "mld-listener-query", 130 },
	{ "mld-listener-report", 131 },
	{ "mld-listener-done", 132 },
	{ "nd-router-solicit", 133 },
	{ "nd-router-advert", 134 },
	{ "nd-neighbor-solicit", 135 },
	{ "nd-neighbor-advert", 136 },
	{ "nd-redirect", 137 },
	{ "mld2-listener-report", 143 },
	{ NULL, 0 },
};

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

static const char *const ct_state_names[] = {
	[FW_CT_NEW] = "new",
	[FW_CT_ESTABLISHED] = "established",
	[FW_CT_INVALID] = "invalid",
	[FW_CT_UNTRACKED] = "untracked",
};
_Static_assert(ARRAY_SIZE(ct_state_names) == __FW_CT_MAX, "one name per enum fw_ct_state");

static const char *const ct_entry_state_names[] = {
	[FW_CTE_SYN_SENT] = "syn_sent",
	[FW_CTE_SYN_RECV] = "syn_recv",
	[FW_CTE_ESTABLISHED] = "established",
	[FW_CTE_CLOSING] = "closing",
	[FW_CTE_UNREPLIED] = "unreplied",
	[FW_CTE_REPLIED] = "replied",
};
_Static_assert(ARRAY_SIZE(ct_entry_state_names) == __FW_CTE_MAX,
	       "one name per enum fw_ct_entry_state");

static const char *const ct_timeout_names[] = {
	[FW_CT_TO_TCP_SYN] = "tcp_syn",
	[FW_CT_TO_TCP_EST] = "tcp_established",
	[FW_CT_TO_TCP_CLOSING] = "tcp_closing",
	[FW_CT_TO_UDP] = "udp",
	[FW_CT_TO_ICMP] = "icmp",
	[FW_CT_TO_OTHER] = "other",
	[__FW_CT_TO_MAX] = NULL,	/* a key list for check_keys() */
};
_Static_assert(ARRAY_SIZE(ct_timeout_names) == __FW_CT_TO_MAX + 1,
	       "one name per enum fw_ct_timeout");

/* Defaults of "conntrack": {"timeouts": ...}, in seconds. */
static const uint32_t ct_timeout_default_s[] = {
	[FW_CT_TO_TCP_SYN] = 30,
	[FW_CT_TO_TCP_EST] = 300,
	[FW_CT_TO_TCP_CLOSING] = 10,
	[FW_CT_TO_UDP] = 30,
	[FW_CT_TO_ICMP] = 10,
	[FW_CT_TO_OTHER] = 30,
};
_Static_assert(ARRAY_SIZE(ct_timeout_default_s) == __FW_CT_TO_MAX, "a default per timeout");

const char *fw_ct_state_name(unsigned int state)
{
	return state < ARRAY_SIZE(ct_state_names) ? ct_state_names[state] : NULL;
}

const char *fw_ct_entry_state_name(unsigned int state)
{
	return state < ARRAY_SIZE(ct_entry_state_names) ? ct_entry_state_names[state] : NULL;
}

const char *fw_ct_timeout_name(unsigned int to)
{
	return to < __FW_CT_TO_MAX ? ct_timeout_names[to] : NULL;
}

const char *fw_frag_mode_name(unsigned int mode)
{
	return mode < ARRAY_SIZE(frag_mode_names) ? frag_mode_names[mode] :
						     NULL;
}

int fw_tcp_flags_format(const struct fw_tcp_flags *f, char *buf, size_t size)
{
	size_t off = 0, n;
	unsigned int i;

	if (!f || !buf || !size || !f->mask || (f->value & ~f->mask))
		return -EINVAL;
	for (i = 0; i < ARRAY_SIZE(tcp_flag_names); i++) {
		if (!(f->mask & 1u << i))
			continue;
		n = (off ? 1 : 0) + !(f->value & 1u << i) +
		    strlen(tcp_flag_names[i]);
		if (off + n >= size) {
			buf[0] = '\0';
			return -ENOSPC;
		}
		off += sprintf(buf + off, "%s%s%s", off ? "," : "",
			       f->value & 1u << i ? "" : "!",
			       tcp_flag_names[i]);
	}
	return 0;
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

/*
 * Locate path in pol's text. A path that is not one (a set named "a..b"
 * makes "sets.a..b") is placed at its longest ancestor that is.
 */
static void locate(const struct fw_policy *pol, const char *path, int *line,
		   int *col)
{
	char buf[sizeof(((struct fw_err *)0)->path)];
	char *cut;

	snprintf(buf, sizeof(buf), "%s", path);
	while (fw_json_locate(pol->text, pol->text_len, buf, line, col) ==
	       -EINVAL) {
		cut = strrchr(buf, '.');
		if (!cut || (strrchr(buf, '[') && strrchr(buf, '[') > cut))
			cut = strrchr(buf, '[');
		if (!cut)
			cut = buf;
		*cut = '\0';
	}
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
		locate(pol, where ? where : path, &line, &col);
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
	const char *dir;	/* of the policy file, for set files; NULL: . */
	bool no_set_files;	/* re-parsing pinned text: the kernel has them */
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
	size_t n = strnlen(path, PATH_SIZE - 1), k;

	memcpy(out, path, n);
	if (n && n < PATH_SIZE - 1)
		out[n++] = '.';
	k = strnlen(key, PATH_SIZE - 1 - n);
	memcpy(out + n, key, k);
	out[n + k] = '\0';
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
	for (; *list; list++)	/* (the first byte first: most differ there) */
		if (s[0] == (*list)[0] && !strcmp(s, *list))
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
	char q[QUOTE_SIZE], list[256], where[PATH_SIZE];
	const char *key, *best = NULL, *const *a;
	size_t best_d = 3, off = 0;
	json_t *v;

	json_object_foreach(obj, key, v) {
		if (in_list(key, allowed))
			continue;
		for (a = allowed; *a; a++) {
			size_t d = edit_distance(key, *a);

			/* Not half of the key rewritten ("port" is not "not"). */
			if (d < best_d && 2 * d <= strlen(*a)) {
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

/*
 * A string naming one of names[0..n): its index in *out. 'what' and 'list'
 * word the error: "\"x\" is not an action (pass, drop)".
 */
static int get_name(struct pctx *c, json_t *v, const char *path,
		    const char *const *names, size_t n, const char *what,
		    const char *list, uint8_t *out)
{
	char q[QUOTE_SIZE];

	if (!json_is_string(v))
		return perr(c, path, "expected a string, got %s", type_name(v));
	for (size_t i = 0; i < n; i++) {
		if (!strcmp(json_string_value(v), names[i])) {
			*out = (uint8_t)i;
			return 0;
		}
	}
	return perr(c, path, "%s is not %s (%s)", quote(q, sizeof(q), json_string_value(v)),
		    what, list);
}

static int get_action(struct pctx *c, json_t *v, const char *path,
		      uint8_t *action)
{
	/* "redirect" is an object ({"redirect": IFACE}), not a name */
	return get_name(c, v, path, action_names, FW_ACT_DROP + 1,
			"an action", "pass, drop", action);
}

static int get_frag_mode(struct pctx *c, json_t *v, const char *path,
			 uint8_t *mode)
{
	return get_name(c, v, path, frag_mode_names, ARRAY_SIZE(frag_mode_names),
			"a fragments mode", "match, pass, drop", mode);
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

/* Parse s into *p: 0, or -EINVAL and the reason in msg (for set files). */
static int prefix_parse(const char *s, struct fw_prefix *p, char *msg,
			size_t size)
{
	const char *slash = strchr(s, '/');
	char q[QUOTE_SIZE], canon[64];
	int max, plen;

	memset(p, 0, sizeof(*p));
	p->family = parse_addr(s, slash ? (size_t)(slash - s) : strlen(s),
			       p->addr);
	if (!p->family) {
		snprintf(msg, size, "%s is not an IPv4 or IPv6 prefix",
			 quote(q, sizeof(q), s));
		return -EINVAL;
	}
	max = p->family == 4 ? 32 : 128;
	plen = slash ? parse_plen(slash + 1, max) : max;
	if (plen < 0) {
		snprintf(msg, size,
			 "%s has a bad prefix length (0-%d for IPv%d)",
			 quote(q, sizeof(q), s), max, p->family);
		return -EINVAL;
	}
	p->plen = plen;
	if (clear_host_bits(p)) {
		fw_prefix_format(p, canon, sizeof(canon));
		snprintf(msg, size, "%s has host bits set (did you mean %s?)",
			 s, canon);
		return -EINVAL;
	}
	return 0;
}

static int parse_prefix(struct pctx *c, const char *s, const char *path,
			struct fw_prefix *p)
{
	char msg[sizeof(c->err->msg)];

	if (prefix_parse(s, p, msg, sizeof(msg)))
		return perr(c, path, "%s", msg);
	return 0;
}

/* The index of set 'name' in pol->sets, or -1. */
static int find_set(const struct fw_policy *pol, const char *name)
{
	size_t i;

	for (i = 0; i < pol->n_sets; i++)
		if (!strcmp(pol->sets[i].name, name))
			return i;
	return -1;
}

/* One element of src/dst: "@NAME" (a set: its bit in *sets) or a prefix. */
static int parse_addr1(struct pctx *c, const char *s, const char *path,
		       struct fw_prefix *p, uint32_t *sets, bool *is_set)
{
	char q[QUOTE_SIZE];
	int i;

	*is_set = s[0] == '@';
	if (!*is_set)
		return parse_prefix(c, s, path, p);
	i = find_set(c->pol, s + 1);
	if (i < 0)
		return perr(c, path, "unknown set %s",
			    quote(q, sizeof(q), s + 1));
	*sets |= 1u << i;
	return 0;
}

/*
 * "src"/"dst": a string or a non-empty array of strings, each a prefix or
 * a set reference "@NAME". A positive list holds prefixes or sets, not
 * both (the data path looks up one or the other).
 */
static int parse_prefixes(struct pctx *c, json_t *v, const char *path,
			  bool positive, struct fw_prefix **out, size_t *n,
			  uint32_t *sets)
{
	char epath[PATH_SIZE];
	size_t i, n_sets = 0;
	bool is_set;
	json_t *e;
	int ret;

	if (json_is_string(v)) {
		*out = calloc(1, sizeof(**out));
		if (!*out)
			return -ENOMEM;
		ret = parse_addr1(c, json_string_value(v), path, *out, sets,
				  &is_set);
		if (ret)
			return ret;
		*n = !is_set;
		goto out;
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
	json_array_foreach(v, i, e) {
		path_idx(epath, path, i);
		if (!json_is_string(e))
			return perr(c, epath, "expected a string, got %s",
				    type_name(e));
		ret = parse_addr1(c, json_string_value(e), epath, &(*out)[*n],
				  sets, &is_set);
		if (ret)
			return ret;
		if (is_set)
			n_sets++;
		else
			(*n)++;
	}
	if (positive && n_sets && *n)
		return perr(c, path,
			    "a list cannot mix sets and prefixes; put the prefixes in a set");
out:
	if (!*n) {
		free(*out);
		*out = NULL;
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

/* One element of a one-or-list matcher, into a bitmap; arg as the caller gives. */
typedef int (*elem_fn)(struct pctx *c, json_t *v, const char *path,
		       const void *arg, uint64_t *bits);

/*
 * A matcher that is one element or a non-empty array of them, each through
 * one(). Strings are elements only when strings_ok; 'any' words the empty
 * list's error ("omit the key to match any protocol").
 */
static int parse_each(struct pctx *c, json_t *v, const char *path,
		      bool strings_ok, const char *any, elem_fn one,
		      const void *arg, uint64_t *bits)
{
	char epath[PATH_SIZE];
	json_t *e;
	size_t i;
	int ret;

	if ((strings_ok && json_is_string(v)) || json_is_integer(v))
		return one(c, v, path, arg, bits);
	if (!json_is_array(v))
		return perr(c, path, strings_ok ?
			    "expected a string, an integer or an array, got %s" :
			    "expected an integer or an array, got %s", type_name(v));
	if (!json_array_size(v))
		return perr(c, path, "empty list (omit the key to match any %s)", any);
	json_array_foreach(v, i, e) {
		path_idx(epath, path, i);
		ret = one(c, e, epath, arg, bits);
		if (ret)
			return ret;
	}
	return 0;
}

static int parse_proto1(struct pctx *c, json_t *v, const char *path,
			const void *arg, uint64_t *bits)
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

/* True when bits is non-empty and holds only protocols of list. */
static bool protos_only(const uint64_t *bits, const uint8_t *list, size_t n)
{
	bool any = false;
	unsigned int p;
	size_t i;

	for (p = 0; p < 256; p++) {
		bool ok = false;

		if (!proto_isset(bits, p))
			continue;
		for (i = 0; i < n; i++)
			ok |= list[i] == p;
		if (!ok)
			return false;
		any = true;
	}
	return any;
}

/* True when bits is non-empty and every protocol in it carries ports. */
static bool protos_have_ports(const uint64_t *bits)
{
	return protos_only(bits, port_protos, ARRAY_SIZE(port_protos));
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

/* --- TCP flags ------------------------------------------------------------ */

#define TCP_FLAGS_LIST	"fin, syn, rst, psh, ack, urg, ece, cwr"

/*
 * A comma-separated list of flag names: *mask gets every flag named,
 * *value those named without a '!' prefix ('!' only when bang is set).
 */
static int parse_flag_list(struct pctx *c, const char *s, const char *path,
			   bool bang, uint8_t *mask, uint8_t *value)
{
	char q[QUOTE_SIZE], qn[QUOTE_SIZE];
	const char *tok = s, *end;
	unsigned int i;
	bool neg;

	*mask = *value = 0;
	if (!*s)
		return perr(c, path,
			    "\"\" is not a list of TCP flags (comma-separated %s%s)",
			    TCP_FLAGS_LIST,
			    bang ? ", each may be prefixed by \"!\"" : "");
	for (;;) {
		size_t len;

		end = strchr(tok, ',');
		len = end ? (size_t)(end - tok) : strlen(tok);
		neg = *tok == '!';
		if (neg && !bang)
			return perr(c, path,
				    "%s: \"!\" has no place here (a flag of \"mask\" that is not in \"value\" must be clear)",
				    quote(q, sizeof(q), s));
		if (neg) {
			tok++;
			len--;
		}
		for (i = 0; i < ARRAY_SIZE(tcp_flag_names); i++)
			if (len == 3 && !memcmp(tok, tcp_flag_names[i], 3))
				break;
		if (i == ARRAY_SIZE(tcp_flag_names)) {
			char *name = strndup(tok, len);

			if (!name)
				return -ENOMEM;
			quote(qn, sizeof(qn), name);
			free(name);
			return perr(c, path,
				    "%s: %s is not a TCP flag (%s)",
				    quote(q, sizeof(q), s), qn,
				    TCP_FLAGS_LIST);
		}
		if (*mask & 1u << i)
			return perr(c, path,
				    "%s: flag \"%s\" is named twice",
				    quote(q, sizeof(q), s), tcp_flag_names[i]);
		*mask |= 1u << i;
		if (!neg)
			*value |= 1u << i;
		if (!end)
			return 0;
		tok = end + 1;
	}
}

/* One flags matcher: "syn,!ack" or {"mask": "syn,ack", "value": "syn"}. */
static int parse_tcp_flags1(struct pctx *c, json_t *v, const char *path,
			    struct fw_tcp_flags *f)
{
	static const char *const keys[] = { "mask", "value", NULL };
	char mpath[PATH_SIZE], vpath[PATH_SIZE], q[QUOTE_SIZE];
	uint8_t mask, value, dummy;
	json_t *m, *val;
	unsigned int i;
	int ret;

	if (json_is_string(v))
		return parse_flag_list(c, json_string_value(v), path, true,
				       &f->mask, &f->value);
	if (!json_is_object(v))
		return perr(c, path, "expected a string or an object, got %s",
			    type_name(v));
	ret = check_keys(c, v, path, keys);
	if (ret)
		return ret;
	m = json_object_get(v, "mask");
	if (!m)
		return missing(c, path, "mask");
	val = json_object_get(v, "value");
	if (!val)
		return missing(c, path, "value");
	path_key(mpath, path, "mask");
	path_key(vpath, path, "value");
	if (!json_is_string(m))
		return perr(c, mpath, "expected a string, got %s",
			    type_name(m));
	ret = parse_flag_list(c, json_string_value(m), mpath, false, &mask,
			      &dummy);
	if (ret)
		return ret;
	if (!json_is_string(val))
		return perr(c, vpath, "expected a string, got %s",
			    type_name(val));
	value = 0;	/* "": every flag of mask clear */
	if (json_string_length(val)) {
		ret = parse_flag_list(c, json_string_value(val), vpath, false,
				      &value, &dummy);
		if (ret)
			return ret;
	}
	for (i = 0; i < ARRAY_SIZE(tcp_flag_names); i++)
		if (value & ~mask & 1u << i)
			return perr(c, vpath,
				    "%s: flag \"%s\" is not in \"mask\"",
				    quote(q, sizeof(q), json_string_value(val)),
				    tcp_flag_names[i]);
	f->mask = mask;
	f->value = value;
	return 0;
}

/* "tcp_flags": one matcher or a non-empty array of them (any of). */
static int parse_tcp_flags(struct pctx *c, json_t *v, const char *path,
			   struct fw_match *m)
{
	char epath[PATH_SIZE];
	json_t *e;
	size_t i;
	int ret;

	if (json_is_string(v) || json_is_object(v)) {
		m->tcp_flags = calloc(1, sizeof(*m->tcp_flags));
		if (!m->tcp_flags)
			return -ENOMEM;
		m->n_tcp_flags = 1;
		return parse_tcp_flags1(c, v, path, m->tcp_flags);
	}
	if (!json_is_array(v))
		return perr(c, path,
			    "expected a string, an object or an array, got %s",
			    type_name(v));
	if (!json_array_size(v))
		return perr(c, path,
			    "empty list (omit the key to match any flags)");
	m->tcp_flags = calloc(json_array_size(v), sizeof(*m->tcp_flags));
	if (!m->tcp_flags)
		return -ENOMEM;
	m->n_tcp_flags = json_array_size(v);
	json_array_foreach(v, i, e) {
		path_idx(epath, path, i);
		ret = parse_tcp_flags1(c, e, epath, &m->tcp_flags[i]);
		if (ret)
			return ret;
	}
	return 0;
}

/* --- ICMP types and codes ------------------------------------------------- */

static const struct icmp_name *icmp_find(const struct icmp_name *t,
					 const char *name)
{
	for (; t->name; t++)
		if (!strcmp(t->name, name))
			return t;
	return NULL;
}

/* An unknown name for one family: suggest a close one or list them all. */
static int icmp_unknown(struct pctx *c, const char *path, const char *s,
			const char *family, const struct icmp_name *t)
{
	const struct icmp_name *best = NULL, *e;
	size_t best_d = 3, off = 0;
	char q[40], list[320];

	quote(q, sizeof(q), s);
	for (e = t; e->name; e++) {
		size_t d = edit_distance(s, e->name);

		if (d < best_d && 2 * d <= strlen(e->name)) {
			best_d = d;
			best = e;
		}
	}
	if (best)
		return perr(c, path, "%s is not an %s type (did you mean \"%s\"?)",
			    q, family, best->name);
	list[0] = '\0';
	for (e = t; e->name; e++)
		err_append(list, sizeof(list), &off, "%s, ", e->name);
	return perr(c, path, "%s is not an %s type (%sor a number 0-255)", q,
		    family, list);
}

/* One type: a number, or a name of the families of the rule's protocol. */
static int parse_icmp_type1(struct pctx *c, json_t *v, const char *path,
			    const void *arg, uint64_t *bits)
{
	const uint64_t *proto = arg;	/* the rule's positive protocols */

	bool v4 = proto_isset(proto, PROTO_ICMP);
	bool v6 = proto_isset(proto, PROTO_ICMPV6);
	const struct icmp_name *t4, *t6;
	char q[QUOTE_SIZE];
	const char *s;

	if (json_is_integer(v)) {
		json_int_t n = json_integer_value(v);

		if (n < 0 || n > 255)
			return perr(c, path,
				    "%" JSON_INTEGER_FORMAT
				    " is not an ICMP type (0-255)", n);
		proto_set(bits, n);
		return 0;
	}
	if (!json_is_string(v))
		return perr(c, path, "expected a string or an integer, got %s",
			    type_name(v));
	s = json_string_value(v);
	t4 = icmp_find(icmp4_types, s);
	t6 = icmp_find(icmp6_types, s);
	if (v4 && v6) {
		quote(q, sizeof(q), s);
		if (t4 && t6 && t4->type != t6->type)
			return perr(c, path,
				    "%s means %u for icmp and %u for icmpv6: use numbers when \"protocol\" lists both",
				    q, t4->type, t6->type);
		if (!t4 && !t6)
			return perr(c, path,
				    "%s is not an icmp or icmpv6 type: use numbers when \"protocol\" lists both",
				    q);
		if (!t4 || !t6)
			return perr(c, path,
				    "%s is an %s type only: use numbers when \"protocol\" lists both",
				    q, t4 ? "icmp" : "icmpv6");
		proto_set(bits, t4->type);
		return 0;
	}
	if (v4 && !t4)
		return icmp_unknown(c, path, s, "icmp", icmp4_types);
	if (v6 && !t6)
		return icmp_unknown(c, path, s, "icmpv6", icmp6_types);
	proto_set(bits, v4 ? t4->type : t6->type);
	return 0;
}

static int parse_icmp_code1(struct pctx *c, json_t *v, const char *path,
			    const void *arg, uint64_t *bits)
{
	json_int_t n;

	if (!json_is_integer(v))
		return perr(c, path, "expected an integer, got %s",
			    type_name(v));
	n = json_integer_value(v);
	if (n < 0 || n > 255)
		return perr(c, path,
			    "%" JSON_INTEGER_FORMAT " is not an ICMP code (0-255)",
			    n);
	proto_set(bits, n);
	return 0;
}

/* --- VLAN ids ------------------------------------------------------------- */

#define VLAN_MAX	4095

/* An id 0-4095, or a string "N" or "LO-HI": their bits in bits. */
static int parse_vlan1(struct pctx *c, json_t *v, const char *path,
		       const void *arg, uint64_t *bits)
{
	char q[QUOTE_SIZE];
	const char *s;
	long lo, hi, i;
	bool range;

	if (json_is_integer(v)) {
		json_int_t n = json_integer_value(v);

		if (n < 0 || n > VLAN_MAX)
			return perr(c, path,
				    "%" JSON_INTEGER_FORMAT
				    " is not a VLAN id (0-%d)", n, VLAN_MAX);
		lo = hi = n;
	} else if (json_is_string(v)) {
		s = json_string_value(v);
		if (!scan_range(s, &lo, &hi, &range))
			return perr(c, path,
				    "%s is not a VLAN id or range (N or LO-HI, 0-%d)",
				    quote(q, sizeof(q), s), VLAN_MAX);
		if (lo > VLAN_MAX || hi > VLAN_MAX)
			return perr(c, path, "%s is not a VLAN %s (0-%d)",
				    quote(q, sizeof(q), s),
				    range ? "range" : "id", VLAN_MAX);
		if (lo > hi)
			return perr(c, path,
				    "%s is a reversed range (did you mean \"%ld-%ld\"?)",
				    quote(q, sizeof(q), s), hi, lo);
	} else {
		return perr(c, path, "expected a string or an integer, got %s",
			    type_name(v));
	}
	for (i = lo; i <= hi; i++)
		bits[i / 64] |= 1ULL << (i % 64);
	return 0;
}

/* --- conntrack (issue 5) --------------------------------------------------- */

/* One state of "ct": a name of enum fw_ct_state. */
static int parse_ct_state1(struct pctx *c, json_t *v, const char *path,
			   const void *arg, uint64_t *bits)
{
	char q[QUOTE_SIZE];

	if (!json_is_string(v))
		return perr(c, path, "expected a string, got %s", type_name(v));
	for (unsigned int i = 0; i < ARRAY_SIZE(ct_state_names); i++) {
		if (!strcmp(json_string_value(v), ct_state_names[i])) {
			*bits |= 1ULL << i;
			return 0;
		}
	}
	return perr(c, path, "%s is not a conntrack state (new, established, invalid, untracked)",
		    quote(q, sizeof(q), json_string_value(v)));
}

/* "ct": a state name or a non-empty list of them. */
static int parse_ct_match(struct pctx *c, json_t *v, const char *path,
			  struct fw_match *m)
{
	if (!json_is_string(v) && !json_is_array(v))
		return perr(c, path, "expected a string or an array, got %s", type_name(v));
	m->has_ct = true;
	return parse_each(c, v, path, true, "state", parse_ct_state1, NULL, m->ct);
}

/* A duration: "300s", "1500ms", "5m", "1h", or an integer of seconds. */
static int parse_ct_duration(struct pctx *c, json_t *v, const char *path,
			     uint64_t *ns)
{
	static const struct { const char *unit; uint64_t ns; } units[] = {
		{ "ms", 1000000ULL }, { "s", 1000000000ULL },
		{ "m", 60000000000ULL }, { "h", 3600000000000ULL },
	};
	const uint64_t max = 7ULL * 86400 * 1000000000ULL;	/* a week */
	const char *s, *end;
	char q[QUOTE_SIZE];
	unsigned long long n;

	if (json_is_integer(v)) {
		json_int_t x = json_integer_value(v);

		if (x < 1 || (uint64_t)x > max / 1000000000ULL)
			return perr(c, path, "%" JSON_INTEGER_FORMAT
				    " is not a timeout (1 second to 7 days)", x);
		*ns = (uint64_t)x * 1000000000ULL;
		return 0;
	}
	if (!json_is_string(v))
		return perr(c, path, "expected a string (\"30s\") or an integer of seconds, got %s",
			    type_name(v));
	s = json_string_value(v);
	quote(q, sizeof(q), s);
	if (!isdigit((unsigned char)s[0]))
		return perr(c, path, "%s is not a duration (a number and ms, s, m or h: \"30s\")", q);
	errno = 0;
	n = strtoull(s, (char **)&end, 10);
	for (size_t i = 0; i < ARRAY_SIZE(units); i++) {
		if (strcmp(end, units[i].unit))
			continue;
		if (errno || !n || n > max / units[i].ns || n * units[i].ns < 1000000ULL)
			return perr(c, path, "%s is not a timeout (1 ms to 7 days)", q);
		*ns = n * units[i].ns;
		return 0;
	}
	return perr(c, path, "%s is not a duration (a number and ms, s, m or h: \"30s\")", q);
}

static int parse_conntrack(struct pctx *c, json_t *obj)
{
	static const char *const keys[] = { "size", "timeouts", "established", NULL };
	static const char *const est_names[] = { "match", "pass" };
	struct fw_ct_policy *ct = &c->pol->ct;
	char kpath[PATH_SIZE];
	json_t *v;
	int ret;

	if (!json_is_object(obj))
		return perr(c, "conntrack", "expected an object, got %s", type_name(obj));
	ret = check_keys(c, obj, "conntrack", keys);
	if (ret)
		return ret;
	ct->declared = ct->on = ct->pass_est = true;

	v = json_object_get(obj, "size");
	if (v) {
		json_int_t n;

		if (!json_is_integer(v))
			return perr(c, "conntrack.size", "expected an integer, got %s",
				    type_name(v));
		n = json_integer_value(v);
		if (n < FW_CT_MIN_SIZE || n > FW_CT_MAX_SIZE)
			return perr(c, "conntrack.size", "%" JSON_INTEGER_FORMAT
				    " is not a table size (%d to %d entries)", n,
				    FW_CT_MIN_SIZE, FW_CT_MAX_SIZE);
		ct->size = (uint32_t)n;
	}

	v = json_object_get(obj, "established");
	if (v) {
		uint8_t i;

		ret = get_name(c, v, "conntrack.established", est_names, 2,
			       "a way to treat established flows", "pass, match", &i);
		if (ret)
			return ret;
		ct->pass_est = i == 1;
	}

	v = json_object_get(obj, "timeouts");
	if (v) {
		const char *key;
		json_t *t;

		if (!json_is_object(v))
			return perr(c, "conntrack.timeouts", "expected an object, got %s",
				    type_name(v));
		ret = check_keys(c, v, "conntrack.timeouts", ct_timeout_names);
		if (ret)
			return ret;
		json_object_foreach(v, key, t) {
			for (unsigned int i = 0; i < __FW_CT_TO_MAX; i++) {
				if (strcmp(key, ct_timeout_names[i]))
					continue;
				path_key(kpath, "conntrack.timeouts", key);
				ret = parse_ct_duration(c, t, kpath, &ct->timeout_ns[i]);
				if (ret)
					return ret;
			}
		}
	}
	return 0;
}

/*
 * After the rules: "ct" matchers and "track" rules turn conntrack on
 * (without admitting anything first) when there is no "conntrack" object;
 * "track" is for ingress rules; defaults fill what the object leaves out.
 */
static int finish_conntrack(struct pctx *c)
{
	struct fw_policy *pol = c->pol;
	struct fw_ct_policy *ct = &pol->ct;
	char p[PATH_SIZE];

	for (int d = 0; d < FW_NDIR; d++) {
		for (size_t i = 0; i < pol->dir[d].n_rules; i++) {
			const struct fw_rule_ir *r = &pol->dir[d].rules[i];

			if (r->track && (d == FW_DIR_EGRESS || r->failsafe)) {
				path_key(p, r->path, "track");
				return perr(c, p, d == FW_DIR_EGRESS ?
					    "\"track\" is for ingress rules: egress records every flow it passes" :
					    "\"track\" is for ingress rules, not failsafe ones");
			}
			if (r->track || r->pos.has_ct || r->neg.has_ct)
				ct->on = true;
		}
	}
	if (!ct->on)
		return 0;
	if (!ct->size)
		ct->size = FW_CT_DEFAULT_SIZE;
	for (int i = 0; i < __FW_CT_TO_MAX; i++)
		if (!ct->timeout_ns[i])
			ct->timeout_ns[i] = ct_timeout_default_s[i] * 1000000000ULL;
	return 0;
}

/* --- rules ---------------------------------------------------------------- */

/* The keys of a matcher: a rule's own, and those of its "not". */
#define MATCH_KEYS \
	"src", "dst", "protocol", "src_port", "dst_port", "tcp_flags", \
	"icmp_type", "icmp_code", "vlan", "interface", "ct"

static const char *const rule_keys[] = {
	"action", "id", "comment", MATCH_KEYS, "not", "rewrite", "log", "limit", "track", NULL
};

static const char *const not_keys[] = { MATCH_KEYS, NULL };

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

_Static_assert(IF_NAMESIZE == 16, "the messages say 15 bytes");

/* An interface name (as in "interfaces"): NULL, or why it is not one. */
static const char *bad_iface_name(const char *name, size_t len)
{
	const char *s;

	if (len >= IF_NAMESIZE)
		return "is too long for an interface name (at most 15 bytes)";
	for (s = name; *s; s++)
		if (*s == '/' || isspace((unsigned char)*s))
			break;
	if (!len || *s || s != name + len || !strcmp(name, ".") ||
	    !strcmp(name, ".."))
		return "is not an interface name (1-15 bytes, no \"/\" or whitespace, not \".\" or \"..\")";
	return NULL;
}

/* The fnmatch(3) characters that make an "interfaces" entry a pattern. */
#define FW_GLOB_CHARS	"*?["

/* A pattern of "interfaces": NULL, or why it is not a usable one. */
static const char *bad_iface_pattern(const char *name)
{
	for (const char *s = strchr(name, '['); s; s = strchr(s + 1, '[')) {
		const char *e = s + 1;

		if (*e == '!' || *e == '^')
			e++;
		if (*e == ']')
			e++;		/* "[]...]" holds a literal ']' */
		e = strchr(e, ']');
		if (!e)
			return "has a \"[\" without its \"]\" (a pattern: * ? [...] as in fnmatch(3))";
		s = e;
	}
	return NULL;
}

/* One name of "interface"; seen: name -> path, for duplicates. */
static int parse_match_iface1(struct pctx *c, json_t *v, const char *path,
			      json_t *seen, char *out)
{
	char q[QUOTE_SIZE];
	const char *name, *why;
	json_t *first;

	if (!json_is_string(v))
		return perr(c, path, "expected a string, got %s", type_name(v));
	name = json_string_value(v);
	why = bad_iface_name(name, json_string_length(v));
	if (why)
		return perr(c, path, "%s %s", quote(q, sizeof(q), name), why);
	if (strpbrk(name, FW_GLOB_CHARS))
		return perr(c, path, "%s: patterns (* ? [...]) are allowed in \"interfaces\", not in rules",
			    quote(q, sizeof(q), name));
	first = json_object_get(seen, name);
	if (first)
		return perr(c, path, "duplicate interface %s (first at %s)",
			    quote(q, sizeof(q), name),
			    json_string_value(first));
	if (json_object_set_new(seen, name, json_string(path)))
		return -ENOMEM;
	memcpy(out, name, strlen(name) + 1);
	return 0;
}

/* "interface": a name or a non-empty array of names. */
static int parse_match_ifaces(struct pctx *c, json_t *v, const char *path,
			      struct fw_match *m)
{
	char epath[PATH_SIZE];
	size_t i, n;
	json_t *seen, *e;
	int ret = 0;

	if (!json_is_string(v) && !json_is_array(v))
		return perr(c, path, "expected a string or an array, got %s",
			    type_name(v));
	if (json_is_array(v) && !json_array_size(v))
		return perr(c, path,
			    "empty list (omit the key to match any interface)");
	n = json_is_array(v) ? json_array_size(v) : 1;
	m->iface = calloc(n, sizeof(*m->iface));
	m->ifindex = calloc(n, sizeof(*m->ifindex));
	if (!m->iface || !m->ifindex)
		return -ENOMEM;
	m->n_iface = n;
	seen = json_object();
	if (!seen)
		return -ENOMEM;
	if (json_is_string(v)) {
		ret = parse_match_iface1(c, v, path, seen, m->iface[0]);
	} else {
		json_array_foreach(v, i, e) {
			path_idx(epath, path, i);
			ret = parse_match_iface1(c, e, epath, seen,
						 m->iface[i]);
			if (ret)
				break;
		}
	}
	json_decref(seen);
	return ret;
}

/*
 * The matcher keys of obj into m: a rule's own (pos NULL) or those of its
 * "not" (pos: the rule's positive matcher, whose protocol decides what
 * ports, flags and ICMP types may be named).
 */
static int parse_match(struct pctx *c, json_t *obj, const char *path,
		       struct fw_match *m, const struct fw_match *pos)
{
	static const uint8_t tcp[] = { PROTO_TCP };
	static const uint8_t icmp[] = { PROTO_ICMP, PROTO_ICMPV6 };
	char kpath[PATH_SIZE], spath[PATH_SIZE], dpath[PATH_SIZE];
	const struct fw_match *pm = pos ? pos : m;
	json_t *v;
	int ret;

	v = json_object_get(obj, "src");
	if (v) {
		m->has_src = true;
		path_key(kpath, path, "src");
		ret = parse_prefixes(c, v, kpath, !pos, &m->src, &m->n_src,
				     &m->src_sets);
		if (ret)
			return ret;
	}

	v = json_object_get(obj, "dst");
	if (v) {
		m->has_dst = true;
		path_key(kpath, path, "dst");
		ret = parse_prefixes(c, v, kpath, !pos, &m->dst, &m->n_dst,
				     &m->dst_sets);
		if (ret)
			return ret;
	}

	v = json_object_get(obj, "protocol");
	if (v) {
		m->has_proto = true;
		path_key(kpath, path, "protocol");
		ret = parse_each(c, v, kpath, true, "protocol", parse_proto1, NULL, m->proto);
		if (ret)
			return ret;
	}

	v = json_object_get(obj, "src_port");
	if (v) {
		m->has_sport = true;
		path_key(spath, path, "src_port");
		ret = parse_ports(c, v, spath, &m->sport, &m->n_sport);
		if (ret)
			return ret;
	}

	v = json_object_get(obj, "dst_port");
	if (v) {
		m->has_dport = true;
		path_key(dpath, path, "dst_port");
		ret = parse_ports(c, v, dpath, &m->dport, &m->n_dport);
		if (ret)
			return ret;
	}

	if ((m->has_sport || m->has_dport) &&
	    (!pm->has_proto || !protos_have_ports(pm->proto)))
		return perr(c, m->has_sport ? spath : dpath,
			    "ports need \"protocol\" to be tcp, udp, udplite or sctp");

	v = json_object_get(obj, "tcp_flags");
	if (v) {
		m->has_tcp_flags = true;
		path_key(kpath, path, "tcp_flags");
		if (!pm->has_proto || !protos_only(pm->proto, tcp, 1))
			return perr(c, kpath,
				    "tcp_flags need \"protocol\" to be tcp");
		ret = parse_tcp_flags(c, v, kpath, m);
		if (ret)
			return ret;
	}

	v = json_object_get(obj, "icmp_type");
	if (v) {
		m->has_icmp_type = true;
		path_key(kpath, path, "icmp_type");
		if (!pm->has_proto || !protos_only(pm->proto, icmp, 2))
			return perr(c, kpath,
				    "icmp_type needs \"protocol\" to be icmp or icmpv6");
		ret = parse_each(c, v, kpath, true, "type", parse_icmp_type1, pm->proto,
				 m->icmp_type);
		if (ret)
			return ret;
	}

	v = json_object_get(obj, "icmp_code");
	if (v) {
		m->has_icmp_code = true;
		path_key(kpath, path, "icmp_code");
		if (!pm->has_proto || !protos_only(pm->proto, icmp, 2))
			return perr(c, kpath,
				    "icmp_code needs \"protocol\" to be icmp or icmpv6");
		ret = parse_each(c, v, kpath, false, "code", parse_icmp_code1, NULL,
				 m->icmp_code);
		if (ret)
			return ret;
	}

	v = json_object_get(obj, "vlan");
	if (v) {
		m->has_vlan = true;
		m->vlan = calloc(FW_VLAN_WORDS, sizeof(*m->vlan));
		if (!m->vlan)
			return -ENOMEM;
		path_key(kpath, path, "vlan");
		ret = parse_each(c, v, kpath, true, "VLAN", parse_vlan1, NULL, m->vlan);
		if (ret)
			return ret;
	}

	v = json_object_get(obj, "interface");
	if (v) {
		m->has_iface = true;
		path_key(kpath, path, "interface");
		ret = parse_match_ifaces(c, v, kpath, m);
		if (ret)
			return ret;
	}

	v = json_object_get(obj, "ct");
	if (v) {
		path_key(kpath, path, "ct");
		ret = parse_ct_match(c, v, kpath, m);
		if (ret)
			return ret;
	}
	return 0;
}

/* --- rate limits (issue 5; limit.c has the strings and the arithmetic) ---- */

/* "src", "src/N" (IPv4 prefix length) or "src/N/M" (and IPv6). */
static int parse_limit_per(struct pctx *c, json_t *v, const char *path,
			   struct fw_limit_ir *l)
{
	char q[QUOTE_SIZE];
	const char *s;
	long n4 = 32, n6 = 128;
	char *end;

	if (!json_is_string(v))
		return perr(c, path, "expected a string, got %s", type_name(v));
	s = json_string_value(v);
	if (strncmp(s, "src", 3) || (s[3] && s[3] != '/'))
		return perr(c, path, "%s is not a bucket key (\"src\", \"src/24\" or \"src/24/64\")",
			    quote(q, sizeof(q), s));
	if (s[3] == '/') {
		if (s[4] < '0' || s[4] > '9')
			goto bad_len;
		n4 = strtol(s + 4, &end, 10);
		if (*end == '/') {
			if (end[1] < '0' || end[1] > '9')
				goto bad_len;
			n6 = strtol(end + 1, &end, 10);
		}
		if (*end)
			goto bad_len;
		if (n4 < 1 || n4 > 32)
			return perr(c, path, "IPv4 prefix length %ld is not 1..32", n4);
		if (n6 < 1 || n6 > 128)
			return perr(c, path, "IPv6 prefix length %ld is not 1..128", n6);
	}
	l->per_src = true;
	l->plen4 = (uint8_t)n4;
	l->plen6 = (uint8_t)n6;
	return 0;
bad_len:
	return perr(c, path, "%s: expected \"src/N\" (IPv4 prefix length) or \"src/N/M\" (and IPv6)",
		    quote(q, sizeof(q), s));
}

static int parse_limit(struct pctx *c, json_t *obj, const char *path,
		       struct fw_limit_ir *l)
{
	static const char *const keys[] = { "rate", "burst", "per", "over", NULL };
	char kpath[PATH_SIZE], msg[160], q[QUOTE_SIZE];
	json_t *v;
	int ret;

	if (!json_is_object(obj))
		return perr(c, path, "expected an object, got %s", type_name(obj));
	ret = check_keys(c, obj, path, keys);
	if (ret)
		return ret;
	memset(l, 0, sizeof(*l));
	l->over = FW_ACT_DROP;

	v = json_object_get(obj, "rate");
	if (!v)
		return missing(c, path, "rate");
	path_key(kpath, path, "rate");
	if (!json_is_string(v))
		return perr(c, kpath, "expected a string like \"1000/s\" or \"10mbit/s\", got %s",
			    type_name(v));
	if (fw_limit_rate_parse(json_string_value(v), l, msg, sizeof(msg)))
		return perr(c, kpath, "%s: %s", quote(q, sizeof(q), json_string_value(v)), msg);
	str_copy(l->rate, sizeof(l->rate), json_string_value(v));

	l->burst = fw_limit_default_burst(l);
	v = json_object_get(obj, "burst");
	path_key(kpath, path, "burst");
	if (v) {
		if (json_is_integer(v)) {
			if (json_integer_value(v) < 1)
				return perr(c, kpath, "burst must be at least 1");
			l->burst = (uint64_t)json_integer_value(v);
		} else if (json_is_string(v) && l->bytes) {
			if (fw_limit_size_parse(json_string_value(v), &l->burst, msg, sizeof(msg)))
				return perr(c, kpath, "%s: %s", quote(q, sizeof(q), json_string_value(v)),
					    msg);
		} else {
			return perr(c, kpath, "expected %s, got %s",
				    l->bytes ? "a number of bytes or a size like \"64KiB\"" :
					       "a number of packets",
				    type_name(v));
		}
	}
	if (fw_limit_check(l, msg, sizeof(msg)))
		return perr(c, v ? kpath : path, "%s", msg);

	v = json_object_get(obj, "per");
	if (v) {
		path_key(kpath, path, "per");
		ret = parse_limit_per(c, v, kpath, l);
		if (ret)
			return ret;
	}

	v = json_object_get(obj, "over");
	if (v) {
		path_key(kpath, path, "over");
		ret = get_action(c, v, kpath, &l->over);
		if (ret)
			return ret;
	}
	l->set = true;
	return 0;
}

/* --- forwarding (issue 6): redirect actions and egress rewrites ------------ */

static bool path_is_egress(const char *path)
{
	return !strncmp(path, "egress.", 7);
}

/* An integer in [lo, hi] into *out; 'what' words the range error. */
static int get_int_range(struct pctx *c, json_t *v, const char *path,
			 long lo, long hi, const char *what, long *out)
{
	if (!json_is_integer(v))
		return perr(c, path, "expected an integer, got %s", type_name(v));
	if (json_integer_value(v) < lo || json_integer_value(v) > hi)
		return perr(c, path, "%" JSON_INTEGER_FORMAT " is not %s (%ld-%ld)",
			    json_integer_value(v), what, lo, hi);
	*out = (long)json_integer_value(v);
	return 0;
}

/* "action": {"redirect": IFACE [, "optional": true]} or {"fib": true} */
static int parse_fwd_action(struct pctx *c, json_t *obj, const char *path,
			    struct fw_rule_ir *r)
{
	static const char *const keys[] = { "redirect", "fib", "optional", NULL };
	char kpath[PATH_SIZE], q[QUOTE_SIZE];
	const char *why;
	json_t *v;
	int ret;

	ret = check_keys(c, obj, path, keys);
	if (ret)
		return ret;
	if (path_is_egress(path) || !strncmp(path, "failsafe", 8))
		return perr(c, path, "redirect and fib forwarding are actions of ingress rules (XDP): egress and failsafe rules pass or drop");
	r->action = FW_ACT_REDIRECT;
	v = json_object_get(obj, "fib");
	if (v) {
		path_key(kpath, path, "fib");
		if (!json_is_true(v))
			return perr(c, kpath, "expected true (fib forwarding), got %s",
				    json_is_false(v) ? "false (for pass or drop, \"action\" is a string)"
						     : type_name(v));
		if (json_object_get(obj, "redirect") || json_object_get(obj, "optional"))
			return perr(c, path, "\"fib\" chooses the interface by route: it takes no \"redirect\" or \"optional\"");
		r->fwd.fib = true;
		return 0;
	}
	v = json_object_get(obj, "redirect");
	if (!v)
		return perr(c, path, "an action object needs \"redirect\": IFACE or \"fib\": true");
	path_key(kpath, path, "redirect");
	if (!json_is_string(v))
		return perr(c, kpath, "expected an interface name, got %s", type_name(v));
	why = bad_iface_name(json_string_value(v), json_string_length(v));
	if (!why && strpbrk(json_string_value(v), FW_GLOB_CHARS))
		why = "is a pattern: a redirect needs one interface";
	if (why)
		return perr(c, kpath, "%s %s", quote(q, sizeof(q), json_string_value(v)), why);
	str_copy(r->fwd.redirect, sizeof(r->fwd.redirect), json_string_value(v));
	v = json_object_get(obj, "optional");
	if (v) {
		path_key(kpath, path, "optional");
		if (!json_is_boolean(v))
			return perr(c, kpath, "expected true or false, got %s", type_name(v));
		r->fwd.optional = json_is_true(v);
	}
	return 0;
}

static const struct { const char *name; uint8_t v; } dscp_names[] = {
	{ "cs0", 0 }, { "cs1", 8 }, { "cs2", 16 }, { "cs3", 24 }, { "cs4", 32 },
	{ "cs5", 40 }, { "cs6", 48 }, { "cs7", 56 }, { "af11", 10 }, { "af12", 12 },
	{ "af13", 14 }, { "af21", 18 }, { "af22", 20 }, { "af23", 22 },
	{ "af31", 26 }, { "af32", 28 }, { "af33", 30 }, { "af41", 34 },
	{ "af42", 36 }, { "af43", 38 }, { "ef", 46 }, { "va", 44 }, { "le", 1 },
};

static const char *const ecn_names[] = { "not-ect", "ect1", "ect0", "ce" };

static int parse_rw_dscp(struct pctx *c, json_t *v, const char *path, uint8_t *out)
{
	char q[QUOTE_SIZE];
	long n;
	int ret;

	if (json_is_string(v)) {
		for (size_t i = 0; i < ARRAY_SIZE(dscp_names); i++) {
			if (!strcmp(json_string_value(v), dscp_names[i].name)) {
				*out = dscp_names[i].v;
				return 0;
			}
		}
		return perr(c, path, "%s is not a DSCP name (cs0-cs7, af11-af43, ef, va, le) or 0-63",
			    quote(q, sizeof(q), json_string_value(v)));
	}
	ret = get_int_range(c, v, path, 0, 63, "a DSCP value", &n);
	*out = (uint8_t)n;
	return ret;
}

static int parse_rw_ecn(struct pctx *c, json_t *v, const char *path, uint8_t *out)
{
	char q[QUOTE_SIZE];
	long n;
	int ret;

	if (json_is_string(v)) {
		for (size_t i = 0; i < ARRAY_SIZE(ecn_names); i++) {
			if (!strcmp(json_string_value(v), ecn_names[i])) {
				*out = (uint8_t)i;
				return 0;
			}
		}
		return perr(c, path, "%s is not an ECN codepoint (not-ect, ect1, ect0, ce) or 0-3",
			    quote(q, sizeof(q), json_string_value(v)));
	}
	ret = get_int_range(c, v, path, 0, 3, "an ECN codepoint", &n);
	*out = (uint8_t)n;
	return ret;
}

static int parse_rw_mac(struct pctx *c, json_t *v, const char *path, uint8_t *mac)
{
	char q[QUOTE_SIZE], end;
	unsigned int b[6];

	if (!json_is_string(v))
		return perr(c, path, "expected a MAC address, got %s", type_name(v));
	if (json_string_length(v) != 17 ||
	    sscanf(json_string_value(v), "%2x:%2x:%2x:%2x:%2x:%2x%c", &b[0], &b[1],
		   &b[2], &b[3], &b[4], &b[5], &end) != 6)
		return perr(c, path, "%s is not a MAC address (aa:bb:cc:dd:ee:ff)",
			    quote(q, sizeof(q), json_string_value(v)));
	for (int i = 0; i < 6; i++)
		mac[i] = (uint8_t)b[i];
	return 0;
}

static int parse_rw_addr(struct pctx *c, json_t *v, const char *path,
			 struct fw_rewrite *rw, uint8_t *addr)
{
	char q[QUOTE_SIZE];
	struct fw_prefix p;
	int ret;

	if (!json_is_string(v))
		return perr(c, path, "expected an address, got %s", type_name(v));
	ret = parse_prefix(c, json_string_value(v), path, &p);
	if (ret)
		return ret;
	if (p.plen != (p.family == 4 ? 32 : 128) || strchr(json_string_value(v), '/'))
		return perr(c, path, "%s: a rewrite sets one address, not a prefix",
			    quote(q, sizeof(q), json_string_value(v)));
	if (rw->family && rw->family != p.family)
		return perr(c, path, "%s is IPv%d, the other address of this rewrite IPv%d",
			    quote(q, sizeof(q), json_string_value(v)), p.family, rw->family);
	rw->family = p.family;
	memcpy(addr, p.addr, 16);
	return 0;
}

/* The rule's positive src (dst) prefixes are all of the other family. */
static bool rw_family_conflict(const struct fw_match *m, bool dst, int family)
{
	int f = dst ? only_family(m->dst, m->n_dst) : only_family(m->src, m->n_src);

	return f && f != family;
}

/* "rewrite": {...} of an egress rule (rules/README.md, "Egress rewrite"). */
static int parse_rewrite(struct pctx *c, json_t *obj, const char *path,
			 struct fw_rule_ir *r)
{
	static const char *const keys[] = {
		"src", "dst", "src_port", "dst_port", "dscp", "ecn", "ttl",
		"src_mac", "dst_mac", "vlan", "reverse", NULL
	};
	struct fw_rewrite *rw = &r->fwd.rw;
	char kpath[PATH_SIZE];
	json_t *v;
	long n;
	int ret;

	if (!path_is_egress(r->path))
		return perr(c, path, "\"rewrite\" is for egress rules (egress.rules): ingress packets are not rewritten");
	if (!json_is_object(obj))
		return perr(c, path, "expected an object, got %s", type_name(obj));
	ret = check_keys(c, obj, path, keys);
	if (ret)
		return ret;
	if (!json_object_size(obj) ||
	    (json_object_size(obj) == 1 && json_object_get(obj, "reverse")))
		return perr(c, path, "\"rewrite\" needs at least one field to rewrite");
	if (r->action == FW_ACT_DROP)
		return perr(c, path, "a rule that drops rewrites nothing: use \"action\": \"pass\"");
	r->fwd.has_rewrite = true;
	r->fwd.reverse = true;

#define RW_KEY(k) (path_key(kpath, path, k), v = json_object_get(obj, k))
	if (RW_KEY("src")) {
		if ((ret = parse_rw_addr(c, v, kpath, rw, rw->saddr)))
			return ret;
		rw->flags |= FW_RW_SRC;
	}
	if (RW_KEY("dst")) {
		if ((ret = parse_rw_addr(c, v, kpath, rw, rw->daddr)))
			return ret;
		rw->flags |= FW_RW_DST;
	}
	if (rw->family && (rw_family_conflict(&r->pos, false, rw->family) ||
			   rw_family_conflict(&r->pos, true, rw->family)))
		return perr(c, path, "rewrites IPv%d addresses, but the rule matches only IPv%d packets",
			    rw->family, rw->family == 4 ? 6 : 4);
	for (int d = 0; d < 2; d++) {
		if (!RW_KEY(d ? "dst_port" : "src_port"))
			continue;
		if ((ret = get_int_range(c, v, kpath, 1, 65535, "a port", &n)))
			return ret;
		if (!r->pos.has_proto ||
		    !protos_only(r->pos.proto, (const uint8_t[]){ 6, 17 }, 2))
			return perr(c, kpath, "a port rewrite needs the rule's \"protocol\" to be tcp or udp (SCTP's CRC cannot be updated incrementally)");
		if (d) {
			rw->dport = htons((uint16_t)n);
			rw->flags |= FW_RW_DPORT;
		} else {
			rw->sport = htons((uint16_t)n);
			rw->flags |= FW_RW_SPORT;
		}
	}
	if (RW_KEY("dscp")) {
		if ((ret = parse_rw_dscp(c, v, kpath, &rw->dscp)))
			return ret;
		rw->flags |= FW_RW_DSCP;
	}
	if (RW_KEY("ecn")) {
		if ((ret = parse_rw_ecn(c, v, kpath, &rw->ecn)))
			return ret;
		rw->flags |= FW_RW_ECN;
	}
	if (RW_KEY("ttl")) {
		if ((ret = get_int_range(c, v, kpath, 1, 255, "a TTL / hop limit", &n)))
			return ret;
		rw->ttl = (uint8_t)n;
		rw->flags |= FW_RW_TTL;
	}
	if (RW_KEY("src_mac")) {
		if ((ret = parse_rw_mac(c, v, kpath, rw->smac)))
			return ret;
		rw->flags |= FW_RW_SMAC;
	}
	if (RW_KEY("dst_mac")) {
		if ((ret = parse_rw_mac(c, v, kpath, rw->dmac)))
			return ret;
		rw->flags |= FW_RW_DMAC;
	}
	if (RW_KEY("vlan")) {
		json_t *push;

		if (json_is_string(v) && !strcmp(json_string_value(v), "pop")) {
			rw->flags |= FW_RW_VLAN_POP;
		} else if (json_is_object(v)) {
			static const char *const vkeys[] = { "push", NULL };

			if ((ret = check_keys(c, v, kpath, vkeys)))
				return ret;
			push = json_object_get(v, "push");
			if (!push)
				return missing(c, kpath, "push");
			path_key(kpath, kpath, "push");
			if ((ret = get_int_range(c, push, kpath, 1, 4094, "a VLAN id", &n)))
				return ret;
			rw->vlan = (uint16_t)n;
			rw->flags |= FW_RW_VLAN_PUSH;
		} else {
			return perr(c, kpath, "expected {\"push\": ID} or \"pop\", got %s",
				    json_is_string(v) ? "another string" : type_name(v));
		}
	}
	if (RW_KEY("reverse")) {
		if (!json_is_boolean(v))
			return perr(c, kpath, "expected true or false, got %s", type_name(v));
		r->fwd.reverse = json_is_true(v);
	}
#undef RW_KEY
	return 0;
}

/*
 * "log": true | false | {"sample": N, "rate": "N/s"} (issue 5, the event
 * log): true is every packet, at most FW_LOG_DEFAULT_RATE events a second.
 */
static int parse_log(struct pctx *c, json_t *v, const char *path,
		     struct fw_rule_ir *r)
{
	static const char *const keys[] = { "sample", "rate", NULL };
	char kpath[PATH_SIZE], q[QUOTE_SIZE];
	json_t *x;
	int ret;

	r->log_sample = 1;
	r->log_rate = FW_LOG_DEFAULT_RATE;
	if (json_is_boolean(v)) {
		r->log = json_is_true(v);
		return 0;
	}
	if (!json_is_object(v))
		return perr(c, path, "expected true, false or an object, got %s",
			    type_name(v));
	ret = check_keys(c, v, path, keys);
	if (ret)
		return ret;
	r->log = true;
	x = json_object_get(v, "sample");
	if (x) {
		path_key(kpath, path, "sample");
		if (!json_is_integer(x))
			return perr(c, kpath, "expected an integer, got %s", type_name(x));
		if (json_integer_value(x) < 1 || json_integer_value(x) > FW_LOG_MAX_SAMPLE)
			return perr(c, kpath,
				    "%" JSON_INTEGER_FORMAT " is not a sample rate (1 in N packets, N from 1 to %d)",
				    json_integer_value(x), FW_LOG_MAX_SAMPLE);
		r->log_sample = (uint32_t)json_integer_value(x);
	}
	x = json_object_get(v, "rate");
	if (x) {
		const char *s;
		char *end;
		unsigned long n;

		path_key(kpath, path, "rate");
		if (!json_is_string(x))
			return perr(c, kpath, "expected a string such as \"100/s\", got %s",
				    type_name(x));
		s = json_string_value(x);
		errno = 0;
		n = isdigit((unsigned char)*s) ? strtoul(s, &end, 10) : 0;
		if (!isdigit((unsigned char)*s) || errno || strcmp(end, "/s"))
			return perr(c, kpath, "%s is not a rate (events per second, such as \"100/s\")",
				    quote(q, sizeof(q), s));
		if (n < 1 || n > FW_LOG_MAX_RATE)
			return perr(c, kpath, "%s is out of range (1/s to %d/s)",
				    quote(q, sizeof(q), s), FW_LOG_MAX_RATE);
		r->log_rate = (uint32_t)n;
	}
	return 0;
}

static int parse_rule(struct pctx *c, json_t *obj, const char *path,
		      struct fw_rule_ir *r)
{
	char kpath[PATH_SIZE];
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
	if (json_is_object(v))
		ret = parse_fwd_action(c, v, kpath, r);
	else
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

	v = json_object_get(obj, "log");
	if (v) {
		path_key(kpath, path, "log");
		ret = parse_log(c, v, kpath, r);
		if (ret)
			return ret;
	}

	v = json_object_get(obj, "limit");
	if (v) {
		path_key(kpath, path, "limit");
		ret = parse_limit(c, v, kpath, &r->limit);
		if (ret)
			return ret;
	}

	v = json_object_get(obj, "track");
	if (v) {
		path_key(kpath, path, "track");
		if (!json_is_boolean(v))
			return perr(c, kpath, "expected a boolean, got %s", type_name(v));
		r->track = json_is_true(v);
		if (r->track && r->action != FW_ACT_PASS)
			return perr(c, kpath, "only rules that pass can track the flows they admit");
	}

	ret = parse_match(c, obj, path, &r->pos, NULL);
	if (ret)
		return ret;

	/* Positive prefixes only: a negated list excludes, never conflicts. */
	sf = only_family(r->pos.src, r->pos.n_src);
	df = only_family(r->pos.dst, r->pos.n_dst);
	if (sf && df && sf != df)
		return perr(c, path,
			    "src has only IPv%d prefixes and dst only IPv%d ones: the rule can never match",
			    sf, df);

	v = json_object_get(obj, "rewrite");
	if (v) {
		path_key(kpath, path, "rewrite");
		ret = parse_rewrite(c, v, kpath, r);
		if (ret)
			return ret;
	}

	v = json_object_get(obj, "not");
	if (!v)
		return 0;
	path_key(kpath, path, "not");
	if (!json_is_object(v))
		return perr(c, kpath, "expected an object, got %s",
			    type_name(v));
	ret = check_keys(c, v, kpath, not_keys);
	if (ret)
		return ret;
	if (!json_object_size(v))
		return perr(c, kpath, "\"not\" needs at least one matcher");
	return parse_match(c, v, kpath, &r->neg, &r->pos);
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
	const char *name, *why;
	json_t *first;
	size_t len;

	if (!json_is_string(v))
		return perr(c, path, "expected a string, got %s", type_name(v));
	name = json_string_value(v);
	len = json_string_length(v);
	why = bad_iface_name(name, len);
	if (!why && strpbrk(name, FW_GLOB_CHARS))
		why = bad_iface_pattern(name);
	if (why)
		return perr(c, path, "%s %s", quote(q, sizeof(q), name), why);
	ifc->pattern = strpbrk(name, FW_GLOB_CHARS) != NULL;
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
	return perr(c, kpath, "%s is not a mode (auto, native, skb, hw)",
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

/* --- sets ----------------------------------------------------------------- */

static bool valid_set_name(const char *s, size_t len)
{
	if (!len || len >= FW_SET_NAME_MAX || strlen(s) != len)
		return false;
	return strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
			 "0123456789_.-") == len;
}

/* Append *p to set->elems, growing it geometrically. */
static int set_push(struct fw_set *set, size_t *cap, const struct fw_prefix *p)
{
	struct fw_prefix *grown;

	if (set->n_elems == *cap) {
		size_t n = *cap ? *cap * 2 : 64;

		grown = realloc(set->elems, n * sizeof(*grown));
		if (!grown)
			return -ENOMEM;
		set->elems = grown;
		*cap = n;
	}
	set->elems[set->n_elems++] = *p;
	return 0;
}

/*
 * Read a set file: one prefix per line; '#' starts a comment; blank lines
 * and surrounding whitespace are ignored. Errors name the file as written
 * in the policy (name) and the line, at the "file" value (path).
 */
#define SET_LINE_MAX	255		/* bytes of one set file line */
#define SET_FILE_MAX	(256u << 20)	/* bytes of one set file */

/*
 * One line of f into buf (NUL-terminated, newline dropped): its length,
 * -1 at the end, -2 for a line over SET_LINE_MAX, -3 for a NUL byte. Reads
 * a bounded amount whatever the file is (a device with no newline too).
 */
static int read_line(FILE *f, char *buf, size_t *total)
{
	int ch, n = 0;

	while ((ch = getc_unlocked(f)) != EOF) {
		if (++*total > SET_FILE_MAX)
			return -4;
		if (ch == '\n')
			break;
		if (ch == '\0')
			return -3;
		if (n == SET_LINE_MAX)
			return -2;
		buf[n++] = (char)ch;
	}
	buf[n] = '\0';
	return ch == EOF && n == 0 ? -1 : n;
}

static int load_set_file(struct pctx *c, const char *name, const char *path,
			 struct fw_set *set, size_t *cap)
{
	char msg[sizeof(c->err->msg)], q[QUOTE_SIZE], line[SET_LINE_MAX + 1];
	char *file = NULL, *b, *e;
	size_t lineno = 0, total = 0;
	struct fw_prefix p;
	FILE *f = NULL;
	int n, ret = 0;

	if (name[0] == '/' || !c->dir) {
		file = strdup(name);
	} else {
		size_t len = strlen(c->dir) + strlen(name) + 2;

		file = malloc(len);
		if (file)
			snprintf(file, len, "%s/%s", c->dir, name);
	}
	if (!file)
		return -ENOMEM;
	quote(q, sizeof(q), name);	/* a file name is a value: quoted */
	f = fopen(file, "re");
	if (!f) {
		ret = perr(c, path, "%s: %s", q, strerror(errno));
		goto out;
	}
	while ((errno = 0, n = read_line(f, line, &total)) != -1) {
		lineno++;
		if (n == -2 || n == -3 || n == -4) {
			ret = n == -4 ? perr(c, path, "%s is larger than %u MiB", q, SET_FILE_MAX >> 20) :
			      n == -3 ? perr(c, path, "%s:%zu: a NUL byte", q, lineno) :
			      perr(c, path, "%s:%zu: a line longer than %d bytes", q, lineno,
				   SET_LINE_MAX);
			goto out;
		}
		e = strchr(line, '#');
		if (!e)
			e = line + n;
		*e = '\0';
		for (b = line; isspace((unsigned char)*b); b++)
			;
		while (e > b && isspace((unsigned char)e[-1]))
			*--e = '\0';
		if (b == e)
			continue;
		if (prefix_parse(b, &p, msg, sizeof(msg))) {
			ret = perr(c, path, "%s:%zu: %s", q, lineno, msg);
			goto out;
		}
		if (set->n_elems >= FW_SET_MAX_ELEMS) {
			ret = perr(c, path, "%s: more than %d elements", q, FW_SET_MAX_ELEMS);
			goto out;
		}
		ret = set_push(set, cap, &p);
		if (ret)
			goto out;
	}
	if (ferror(f)) {
		int err = errno ? errno : EIO;

		ret = err == ENOMEM ? -ENOMEM : perr(c, path, "%s: %s", q, strerror(err));
	}
out:
	if (f)
		fclose(f);
	free(file);
	return ret;
}

int fw_prefix_parse(const char *s, struct fw_prefix *p, char *msg, size_t size)
{
	return prefix_parse(s, p, msg, size);
}

int fw_set_file_read(const char *path, struct fw_prefix **out, size_t *n,
		     char *msg, size_t size)
{
	struct fw_policy pol = { 0 };
	struct fw_err err = { 0 };
	struct pctx c = { .pol = &pol, .err = &err };
	struct fw_set set = { 0 };
	size_t cap = 0;
	int ret;

	err_init(&err, path);
	ret = load_set_file(&c, path, "", &set, &cap);
	if (ret) {
		snprintf(msg, size, "%s", err.msg);
		free(set.elems);
		return ret;
	}
	*out = set.elems;
	*n = set.n_elems;
	return 0;
}

static int cmp_prefix(const void *a, const void *b)
{
	const struct fw_prefix *x = a, *y = b;
	int d;

	if (x->family != y->family)
		return x->family < y->family ? -1 : 1;
	d = memcmp(x->addr, y->addr, sizeof(x->addr));
	if (d)
		return d;
	return (x->plen > y->plen) - (x->plen < y->plen);
}

/* Sort by family, address, length; drop repeated prefixes. */
static void set_dedup(struct fw_set *set)
{
	struct fw_prefix *shrunk;
	size_t i, out = 0;

	if (!set->n_elems)
		return;
	qsort(set->elems, set->n_elems, sizeof(*set->elems), cmp_prefix);
	for (i = 0; i < set->n_elems; i++)
		if (!out || cmp_prefix(&set->elems[out - 1], &set->elems[i]))
			set->elems[out++] = set->elems[i];
	set->n_elems = out;
	shrunk = realloc(set->elems, out * sizeof(*shrunk));
	if (shrunk)
		set->elems = shrunk;
}

static int parse_set(struct pctx *c, json_t *obj, struct fw_set *set)
{
	static const char *const keys[] = { "elements", "file", NULL };
	char kpath[PATH_SIZE], epath[PATH_SIZE], q[QUOTE_SIZE];
	json_t *elems, *file, *e;
	size_t i, cap = 0;
	int ret;

	if (!json_is_object(obj))
		return perr(c, set->path, "expected an object, got %s",
			    type_name(obj));
	ret = check_keys(c, obj, set->path, keys);
	if (ret)
		return ret;
	elems = json_object_get(obj, "elements");
	file = json_object_get(obj, "file");
	if (!elems && !file)
		return perr(c, set->path,
			    "a set needs \"elements\", \"file\" or both");

	if (elems) {
		path_key(kpath, set->path, "elements");
		if (!json_is_array(elems))
			return perr(c, kpath, "expected an array, got %s",
				    type_name(elems));
		json_array_foreach(elems, i, e) {
			struct fw_prefix p;

			path_idx(epath, kpath, i);
			if (!json_is_string(e))
				return perr(c, epath,
					    "expected a string, got %s",
					    type_name(e));
			ret = parse_prefix(c, json_string_value(e), epath, &p);
			if (!ret)
				ret = set_push(set, &cap, &p);
			if (ret)
				return ret;
		}
	}

	if (file) {
		path_key(kpath, set->path, "file");
		if (!json_is_string(file))
			return perr(c, kpath, "expected a string, got %s",
				    type_name(file));
		if (!json_string_length(file) ||
		    strlen(json_string_value(file)) != json_string_length(file))
			return perr(c, kpath, "%s is not a file name",
				    quote(q, sizeof(q),
					  json_string_value(file)));
		ret = c->no_set_files ? 0 :
		      load_set_file(c, json_string_value(file), kpath, set, &cap);
		if (ret)
			return ret;
	}
	set_dedup(set);
	return 0;
}

/* "sets": name -> set, indexed in the order of the document. */
static int parse_sets(struct pctx *c, json_t *obj)
{
	struct fw_policy *pol = c->pol;
	char q[QUOTE_SIZE], where[PATH_SIZE];
	const char *name;
	json_t *v;
	int ret;

	if (!json_is_object(obj))
		return perr(c, "sets", "expected an object, got %s",
			    type_name(obj));
	if (json_object_size(obj) > FW_MAX_SETS)
		return perr(c, "sets", "%zu sets exceed the maximum of %d",
			    json_object_size(obj), FW_MAX_SETS);
	if (!json_object_size(obj))
		return 0;
	pol->sets = calloc(json_object_size(obj), sizeof(*pol->sets));
	if (!pol->sets)
		return -ENOMEM;
	json_object_foreach(obj, name, v) {
		struct fw_set *set = &pol->sets[pol->n_sets];
		size_t len = strlen(name);

		if (!valid_set_name(name, len)) {
			where[0] = '\0';
			if (len && len < PATH_SIZE - 8 && !strpbrk(name, "[]"))
				path_key(where, "sets", name);
			return perr_where(c, "sets", where,
					  "%s is not a set name (1-63 characters of A-Z a-z 0-9 _ . -)",
					  quote(q, sizeof(q), name));
		}
		memcpy(set->name, name, len + 1);
		snprintf(set->path, sizeof(set->path), "sets.%s", name);
		pol->n_sets++;
		ret = parse_set(c, v, set);
		if (ret)
			return ret;
	}
	return 0;
}

/* --- the document --------------------------------------------------------- */

static const char *const top_keys[] = {
	"version", "description", "interfaces", "non_ip", "default", "rules",
	"egress", "sets", "fragments", "malformed", "failsafe",
	"redirect_fallback", "conntrack", NULL
};

static void free_match(struct fw_match *m);

static void *dup_array(const void *p, size_t n, size_t size, int *ret)
{
	void *q;

	if (!p || !n)
		return NULL;
	q = malloc(n * size);
	if (!q)
		*ret = -ENOMEM;
	else
		memcpy(q, p, n * size);
	return q;
}

/*
 * The reply direction of a failsafe matcher: addresses and ports swapped;
 * TCP flags and ICMP type/code dropped (replies carry others); the rest kept.
 */
static int mirror_match(const struct fw_match *in, struct fw_match *out)
{
	int ret = 0;

	*out = *in;
	out->has_src = in->has_dst;
	out->src_sets = in->dst_sets;
	out->n_src = in->n_dst;
	out->src = dup_array(in->dst, in->n_dst, sizeof(*in->dst), &ret);
	out->has_dst = in->has_src;
	out->dst_sets = in->src_sets;
	out->n_dst = in->n_src;
	out->dst = dup_array(in->src, in->n_src, sizeof(*in->src), &ret);
	out->has_sport = in->has_dport;
	out->n_sport = in->n_dport;
	out->sport = dup_array(in->dport, in->n_dport, sizeof(*in->dport), &ret);
	out->has_dport = in->has_sport;
	out->n_dport = in->n_sport;
	out->dport = dup_array(in->sport, in->n_sport, sizeof(*in->sport), &ret);
	out->has_tcp_flags = out->has_icmp_type = out->has_icmp_code = false;
	out->tcp_flags = NULL;
	out->n_tcp_flags = 0;
	out->iface = dup_array(in->iface, in->n_iface, sizeof(*in->iface), &ret);
	out->ifindex = dup_array(in->ifindex, in->n_iface, sizeof(*in->ifindex), &ret);
	out->vlan = dup_array(in->vlan, in->vlan ? FW_VLAN_WORDS : 0, sizeof(*in->vlan), &ret);
	if (ret)
		free_match(out);
	return ret;
}

/*
 * Put the failsafe rules first in ingress, and their mirrors first in egress.
 * The mirrors are copies; the ingress rules take over fs's matchers, which
 * happens last, so on any failure fs still owns them all.
 */
static int merge_failsafe(struct fw_policy *pol, struct fw_ruleset *fs)
{
	struct fw_rule_ir *v[FW_NDIR] = { NULL, NULL };
	int ret = 0;

	for (int d = 0; d < FW_NDIR; d++)
		if (pol->dir[d].n_rules + fs->n_rules > FW_MAX_RULES)
			return -E2BIG;
	for (int d = 0; d < FW_NDIR; d++) {
		v[d] = calloc(pol->dir[d].n_rules + fs->n_rules + 1, sizeof(*v[d]));
		if (!v[d])
			ret = -ENOMEM;
	}
	for (size_t i = 0; i < fs->n_rules && !ret; i++) {
		struct fw_rule_ir *m = &v[FW_DIR_EGRESS][i];

		*m = fs->rules[i];
		m->failsafe = true;
		memset(&m->pos, 0, sizeof(m->pos));
		memset(&m->neg, 0, sizeof(m->neg));
		if (m->id[0])
			snprintf(m->id, sizeof(m->id), "%.*s.reply",
				 (int)sizeof(m->id) - 7, fs->rules[i].id);
		ret = mirror_match(&fs->rules[i].pos, &m->pos);
		if (!ret)
			ret = mirror_match(&fs->rules[i].neg, &m->neg);
	}
	if (ret) {
		for (size_t i = 0; v[FW_DIR_EGRESS] && i < fs->n_rules; i++) {
			free_match(&v[FW_DIR_EGRESS][i].pos);
			free_match(&v[FW_DIR_EGRESS][i].neg);
		}
		free(v[0]);
		free(v[1]);
		return ret;
	}
	for (size_t i = 0; i < fs->n_rules; i++) {
		v[FW_DIR_INGRESS][i] = fs->rules[i];
		v[FW_DIR_INGRESS][i].failsafe = true;
	}
	for (int d = 0; d < FW_NDIR; d++) {
		struct fw_ruleset *rs = &pol->dir[d];

		if (rs->n_rules)
			memcpy(v[d] + fs->n_rules, rs->rules, rs->n_rules * sizeof(*v[d]));
		free(rs->rules);
		rs->rules = v[d];
		rs->n_rules += fs->n_rules;
	}
	pol->n_failsafe = fs->n_rules;
	free(fs->rules);	/* the ingress rules own the matchers now */
	fs->rules = NULL;
	fs->n_rules = 0;
	return 0;
}

static int parse_failsafe(struct pctx *c, json_t *arr)
{
	struct fw_ruleset fs = { 0 };
	int ret = parse_ruleset(c, arr, "failsafe", &fs);

	for (size_t i = 0; !ret && i < fs.n_rules; i++) {
		char p[PATH_SIZE];

		if (fs.rules[i].action != FW_ACT_PASS) {
			path_key(p, fs.rules[i].path, "action");
			ret = perr(c, p, "failsafe rules can only pass");
		} else if (fs.rules[i].limit.set) {
			path_key(p, fs.rules[i].path, "limit");
			ret = perr(c, p, "failsafe rules cannot be rate-limited (they must always pass)");
		}
	}
	if (!ret) {
		ret = merge_failsafe(c->pol, &fs);
		if (ret == -E2BIG)
			ret = perr(c, "failsafe",
				   "failsafe and other rules together exceed the maximum of %d",
				   FW_MAX_RULES);
	}
	if (fs.rules) {
		for (size_t i = 0; i < fs.n_rules; i++) {
			free_match(&fs.rules[i].pos);
			free_match(&fs.rules[i].neg);
		}
		free(fs.rules);
	}
	return ret;
}

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

	pol->redirect_fallback = FW_ACT_DROP;	/* fail closed */
	v = json_object_get(root, "redirect_fallback");
	if (v) {
		ret = get_action(c, v, "redirect_fallback", &pol->redirect_fallback);
		if (ret)
			return ret;
	}

	pol->frag_mode = FW_FRAGS_MATCH;
	v = json_object_get(root, "fragments");
	if (v) {
		ret = get_frag_mode(c, v, "fragments", &pol->frag_mode);
		if (ret)
			return ret;
	}

	pol->malformed_action = FW_ACT_DROP;
	v = json_object_get(root, "malformed");
	if (v) {
		ret = get_action(c, v, "malformed", &pol->malformed_action);
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

	/* Before the rules, which refer to them. */
	v = json_object_get(root, "sets");
	if (v) {
		ret = parse_sets(c, v);
		if (ret)
			return ret;
	}

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

	v = json_object_get(root, "conntrack");
	if (v) {
		ret = parse_conntrack(c, v);
		if (ret)
			return ret;
	}

	/* Last: failsafe rules go before everything the policy says. */
	v = json_object_get(root, "failsafe");
	if (v) {
		ret = parse_failsafe(c, v);
		if (ret)
			return ret;
	}
	return finish_conntrack(c);
}

/*
 * jansson's memory while one policy is parsed and walked: bump-allocated
 * from a few large blocks, released at once when parse_owned() is done
 * (json_set_alloc_funcs). A 10000-rule policy makes ~200000 small values,
 * keys and hash tables; freed one by one they filled malloc's fast bins,
 * which the next large allocation (compile's) then consolidated: ~10 ms.
 * Nothing jansson allocates in that window outlives it (the IR holds only
 * plain C data); what it frees that came from elsewhere goes to free().
 */
#define ARENA_BLOCKS	40
#define ARENA_MIN	(256u << 10)

static struct arena {
	char *blk[ARENA_BLOCKS];
	size_t size[ARENA_BLOCKS];
	size_t n, used;			/* blocks; bytes used of the last */
} arena;

static void *arena_malloc(size_t n)
{
	char *b;
	size_t sz;

	n = (n + 15) & ~(size_t)15;
	if (arena.n && arena.used + n <= arena.size[arena.n - 1]) {
		b = arena.blk[arena.n - 1] + arena.used;
		arena.used += n;
		return b;
	}
	if (arena.n == ARENA_BLOCKS)
		return NULL;		/* jansson reports out of memory */
	sz = arena.n ? arena.size[arena.n - 1] * 2 : ARENA_MIN;
	if (sz < n)
		sz = n;
	b = malloc(sz);
	if (!b)
		return NULL;
	arena.blk[arena.n] = b;
	arena.size[arena.n++] = sz;
	arena.used = n;
	return b;
}

static void arena_free(void *p)
{
	for (size_t i = 0; p && i < arena.n; i++)
		if ((char *)p >= arena.blk[i] && (char *)p < arena.blk[i] + arena.size[i])
			return;		/* goes with its block */
	free(p);
}

static void arena_release(void)
{
	for (size_t i = 0; i < arena.n; i++)
		free(arena.blk[i]);
	memset(&arena, 0, sizeof(arena));
}

/*
 * Parse text (malloc'ed, NUL-terminated, owned by pol from here on); set
 * files are relative to dir (NULL: the current directory).
 */
static int parse_owned(char *text, size_t len, const char *name,
		       const char *dir, bool no_set_files, struct fw_policy *pol,
		       struct fw_err *err)
{
	struct pctx c = { .pol = pol, .err = err, .dir = dir,
			  .no_set_files = no_set_files };
	json_malloc_t jmalloc;
	json_free_t jfree;
	json_error_t jerr;
	json_t *root = NULL;
	int ret;

	json_get_alloc_funcs(&jmalloc, &jfree);
	json_set_alloc_funcs(arena_malloc, arena_free);
	pol->text = text;
	pol->text_len = len;
	pol->file = strdup(name);
	c.ids = json_object();
	if (!pol->file || !c.ids) {
		ret = -ENOMEM;
		goto out;
	}

	fw_phase("parse: read");
	root = fw_json_fast(text, len);	/* the common case; else jansson says */
	if (!root)
		root = json_loadb(text, len, JSON_REJECT_DUPLICATES | JSON_DECODE_ANY,
				  &jerr);
	fw_phase("parse: JSON");
	if (!root) {
		if (json_error_code(&jerr) == json_error_out_of_memory) {
			ret = -ENOMEM;
			goto out;
		}
		/* jansson's column is 0 at the start of a line: make it 1. */
		err->line = jerr.line > 0 ? jerr.line : 0;
		err->col = err->line ? (jerr.column > 0 ? jerr.column : 1) : 0;
		err->path[0] = '\0';
		/* jansson quotes the bad token raw: escape control bytes */
		{
			size_t o = 0;

			for (const char *t = jerr.text; *t && o + 5 < sizeof(err->msg); t++) {
				unsigned char ch = (unsigned char)*t;

				if (ch < 0x20 || ch == 0x7f)
					o += (size_t)snprintf(err->msg + o, sizeof(err->msg) - o,
							      "\\x%02x", ch);
				else
					err->msg[o++] = (char)ch;
			}
			err->msg[o] = '\0';
		}
		ret = -EINVAL;
		goto out;
	}
	ret = parse_root(&c, root);
	fw_phase("parse: policy walk");
out:
	if (ret == -ENOMEM)
		err_plain(err, ret, "%s", strerror(ENOMEM));
	if (ret)
		fw_policy_free(pol);
	/* root and c.ids: every value is in the arena, released whole, not
	 * walked (json_decref: the 200000 of a 10000-rule policy) */
	json_set_alloc_funcs(jmalloc, jfree);
	arena_release();
	fw_phase("parse: free the JSON");
	return ret;
}

static int too_large(struct fw_err *err)
{
	return err_plain(err, -EINVAL,
			 "file is larger than 2 MiB (at most %zu bytes)",
			 (size_t)FW_POLICY_MAX_BYTES);
}

static int parse_buf(const char *buf, size_t len, const char *name,
		     bool no_set_files, struct fw_policy *pol, struct fw_err *err)
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
	return parse_owned(text, len, name, NULL, no_set_files, pol, err);
}

int fw_policy_parse_buf(const char *buf, size_t len, const char *name,
			struct fw_policy *pol, struct fw_err *err)
{
	return parse_buf(buf, len, name, false, pol, err);
}

int fw_policy_parse_pinned(const char *buf, size_t len, const char *name,
			   struct fw_policy *pol, struct fw_err *err)
{
	return parse_buf(buf, len, name, true, pol, err);
}

int fw_policy_parse_file(const char *file, struct fw_policy *pol,
			 struct fw_err *err)
{
	char *text = NULL, *grown, *dir = NULL;
	size_t len = 0, cap = 4096;
	struct fw_err dummy;
	const char *slash;
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
	slash = strrchr(file, '/');
	if (slash) {
		dir = slash == file ? strdup("/") :
		      strndup(file, (size_t)(slash - file));
		if (!dir) {
			ret = err_plain(err, -ENOMEM, "%s", strerror(ENOMEM));
			goto out;
		}
	}
	ret = parse_owned(text, len, file, dir, false, pol, err);
	text = NULL;	/* owned by pol, or freed */
out:
	free(dir);
	free(text);
	close(fd);
	return ret;
}

static void free_match(struct fw_match *m)
{
	free(m->src);
	free(m->dst);
	free(m->sport);
	free(m->dport);
	free(m->tcp_flags);
	free(m->iface);
	free(m->ifindex);
	free(m->vlan);
}

static void free_ruleset(struct fw_ruleset *rs)
{
	size_t i;

	for (i = 0; rs->rules && i < rs->n_rules; i++) {
		free_match(&rs->rules[i].pos);
		free_match(&rs->rules[i].neg);
	}
	free(rs->rules);
	rs->rules = NULL;
	rs->n_rules = 0;
}

void fw_policy_free(struct fw_policy *pol)
{
	size_t i;
	int d;

	if (!pol)
		return;
	free(pol->file);
	free(pol->text);
	free(pol->ifaces);
	for (d = 0; d < FW_NDIR; d++)
		free_ruleset(&pol->dir[d]);
	for (i = 0; pol->sets && i < pol->n_sets; i++)
		free(pol->sets[i].elems);
	free(pol->sets);
	memset(pol, 0, sizeof(*pol));
}

/* --- interface names to indexes ------------------------------------------- */

static int resolve_default(const char *name)
{
	unsigned int i = if_nametoindex(name);

	return i ? (int)i : errno ? -errno : -ENODEV;
}

static int resolve_match(struct fw_policy *pol, struct fw_match *m,
			 const char *path, int (*resolve)(const char *name),
			 struct fw_err *err)
{
	char kpath[PATH_SIZE], ipath[PATH_SIZE], q[QUOTE_SIZE];
	int line, col, ret;
	bool array;
	size_t i;

	if (!m->has_iface)
		return 0;
	path_key(kpath, path, "interface");
	/* One name may have been written as a string or as a 1-array. */
	path_idx(ipath, kpath, 0);
	array = m->n_iface > 1 ||
		(pol->text && !fw_json_locate(pol->text, pol->text_len, ipath,
					      &line, &col));
	for (i = 0; i < m->n_iface; i++) {
		ret = resolve(m->iface[i]);
		if (ret > 0) {
			m->ifindex[i] = ret;
			continue;
		}
		if (!ret)
			ret = -ENODEV;
		path_idx(ipath, kpath, i);
		if (ret == -ENODEV)
			fw_policy_error_at(pol, array ? ipath : kpath, err,
					   "no such device %s",
					   quote(q, sizeof(q), m->iface[i]));
		else
			fw_policy_error_at(pol, array ? ipath : kpath, err,
					   "%s", strerror(-ret));
		return ret;
	}
	return 0;
}

/* A redirect target: absent is an error unless the rule says "optional". */
static int resolve_redirect(struct fw_policy *pol, struct fw_rule_ir *r,
			    int (*resolve)(const char *name), struct fw_err *err)
{
	char kpath[PATH_SIZE], q[QUOTE_SIZE];
	int ret;

	if (!r->fwd.redirect[0])
		return 0;
	ret = resolve(r->fwd.redirect);
	if (ret > 0) {
		r->fwd.ifindex = ret;
		return 0;
	}
	if (!ret)
		ret = -ENODEV;
	r->fwd.ifindex = 0;
	if (ret == -ENODEV && r->fwd.optional)
		return 0;	/* counted as fallback until it appears */
	path_key(kpath, r->path, "action");
	path_key(kpath, kpath, "redirect");
	if (ret == -ENODEV)
		fw_policy_error_at(pol, kpath, err,
				   "no such device %s (a redirect target must exist at apply unless the action says \"optional\": true)",
				   quote(q, sizeof(q), r->fwd.redirect));
	else
		fw_policy_error_at(pol, kpath, err, "%s", strerror(-ret));
	return ret;
}

int fw_policy_resolve(struct fw_policy *pol, int (*resolve)(const char *name),
		      struct fw_err *err)
{
	char npath[PATH_SIZE];
	struct fw_err dummy;
	size_t i;
	int d, ret;

	if (!err)
		err = &dummy;
	if (!pol)
		return -EINVAL;
	if (!resolve)
		resolve = resolve_default;
	for (d = 0; d < FW_NDIR; d++) {
		for (i = 0; i < pol->dir[d].n_rules; i++) {
			struct fw_rule_ir *r = &pol->dir[d].rules[i];

			ret = resolve_match(pol, &r->pos, r->path, resolve,
					    err);
			if (ret)
				return ret;
			if (r->neg.has_iface) {		/* (the path only then) */
				path_key(npath, r->path, "not");
				ret = resolve_match(pol, &r->neg, npath, resolve, err);
				if (ret)
					return ret;
			}
			ret = resolve_redirect(pol, r, resolve, err);
			if (ret)
				return ret;
		}
	}
	return 0;
}
