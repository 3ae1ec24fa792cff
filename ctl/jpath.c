// SPDX-License-Identifier: GPL-2.0
/*
 * jpath.c - find where a JSON path ("rules[3].dst_port") sits in raw text.
 *
 * jansson keeps no positions for the values it decodes, so errors found
 * after parsing are placed by scanning the original text again. This is a
 * small forward-only scanner: no allocation, no recursion, never reads past
 * len, copes with any garbage (it then reports the path as absent).
 * A key may hold dots (set names do): a key step takes the longest key of
 * the object that matches the path up to a '.', a '[' or its end.
 *
 * Positions follow jansson: 1-based lines, 1-based columns counted in
 * characters (UTF-8 continuation bytes do not advance the column; '\r'
 * counts as a character, '\n' starts a new line).
 */
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "policy.h"

struct jscan {
	const unsigned char *s;
	size_t len, pos;
	int line, col;		/* col: characters consumed on this line */
};

static int peek(const struct jscan *sc)
{
	return sc->pos < sc->len ? sc->s[sc->pos] : -1;
}

static void adv(struct jscan *sc)
{
	unsigned char c;

	if (sc->pos >= sc->len)
		return;
	c = sc->s[sc->pos++];
	if (c == '\n') {
		sc->line++;
		sc->col = 0;
	} else if ((c & 0xc0) != 0x80) {
		sc->col++;
	}
}

static void skip_ws(struct jscan *sc)
{
	for (;;) {
		int c = peek(sc);

		if (c != ' ' && c != '\t' && c != '\n' && c != '\r')
			return;
		adv(sc);
	}
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Read the 4 hex digits of a \u escape; -1 when malformed. */
static long read_u4(struct jscan *sc)
{
	long v = 0;
	int i;

	for (i = 0; i < 4; i++) {
		int h = hexval(peek(sc));

		if (h < 0)
			return -1;
		v = v * 16 + h;
		adv(sc);
	}
	return v;
}

/* Compares a decoded string with key as it is scanned; NULL: only skip. */
struct keycmp {
	const char *key;
	size_t len, i;
	bool mismatch;
};

static void keycmp_byte(struct keycmp *kc, unsigned char b)
{
	if (!kc || !kc->key || kc->mismatch)
		return;
	if (kc->i < kc->len && (unsigned char)kc->key[kc->i] == b)
		kc->i++;
	else
		kc->mismatch = true;
}

static void keycmp_cp(struct keycmp *kc, unsigned long cp)
{
	if (cp < 0x80) {
		keycmp_byte(kc, cp);
	} else if (cp < 0x800) {
		keycmp_byte(kc, 0xc0 | (cp >> 6));
		keycmp_byte(kc, 0x80 | (cp & 0x3f));
	} else if (cp < 0x10000) {
		keycmp_byte(kc, 0xe0 | (cp >> 12));
		keycmp_byte(kc, 0x80 | ((cp >> 6) & 0x3f));
		keycmp_byte(kc, 0x80 | (cp & 0x3f));
	} else {
		keycmp_byte(kc, 0xf0 | (cp >> 18));
		keycmp_byte(kc, 0x80 | ((cp >> 12) & 0x3f));
		keycmp_byte(kc, 0x80 | ((cp >> 6) & 0x3f));
		keycmp_byte(kc, 0x80 | (cp & 0x3f));
	}
}

/*
 * Scan a string starting at its opening quote, decoding escapes and
 * comparing the result with kc->key when set. 0, or -EINVAL on garbage.
 */
static int scan_string(struct jscan *sc, struct keycmp *kc)
{
	if (peek(sc) != '"')
		return -EINVAL;
	adv(sc);
	for (;;) {
		int c = peek(sc);
		long cp, lo;

		if (c < 0)
			return -EINVAL;
		adv(sc);
		if (c == '"')
			return 0;
		if (c != '\\') {
			keycmp_byte(kc, c);
			continue;
		}
		c = peek(sc);
		if (c < 0)
			return -EINVAL;
		adv(sc);
		switch (c) {
		case 'b':
			keycmp_byte(kc, '\b');
			break;
		case 'f':
			keycmp_byte(kc, '\f');
			break;
		case 'n':
			keycmp_byte(kc, '\n');
			break;
		case 'r':
			keycmp_byte(kc, '\r');
			break;
		case 't':
			keycmp_byte(kc, '\t');
			break;
		case 'u':
			cp = read_u4(sc);
			if (cp < 0)
				return -EINVAL;
			if (cp >= 0xd800 && cp < 0xdc00 && peek(sc) == '\\' &&
			    sc->pos + 1 < sc->len && sc->s[sc->pos + 1] == 'u') {
				adv(sc);
				adv(sc);
				lo = read_u4(sc);
				if (lo < 0)
					return -EINVAL;
				if (lo >= 0xdc00 && lo < 0xe000) {
					cp = 0x10000 + ((cp - 0xd800) << 10) +
					     (lo - 0xdc00);
				} else {
					keycmp_cp(kc, cp);
					cp = lo;
				}
			}
			keycmp_cp(kc, cp);
			break;
		default:	/* \" \\ \/ and anything else: itself */
			keycmp_byte(kc, c);
			break;
		}
	}
}

/* Skip one value of any kind. 0, or -EINVAL on garbage or end of text. */
static int skip_value(struct jscan *sc)
{
	int c = peek(sc);
	size_t depth = 0;

	if (c == '"')
		return scan_string(sc, NULL);
	if (c == '{' || c == '[') {
		for (;;) {
			c = peek(sc);
			if (c < 0)
				return -EINVAL;
			if (c == '"') {
				if (scan_string(sc, NULL))
					return -EINVAL;
				continue;
			}
			adv(sc);
			if (c == '{' || c == '[') {
				depth++;
			} else if (c == '}' || c == ']') {
				if (--depth == 0)
					return 0;
			}
		}
	}
	/* A number or literal: up to the next delimiter. */
	if (c < 0 || c == ',' || c == ':' || c == '}' || c == ']')
		return -EINVAL;
	while (c >= 0 && c != ',' && c != '}' && c != ']' && c != ':' &&
	       c != ' ' && c != '\t' && c != '\n' && c != '\r' &&
	       c != '"' && c != '{' && c != '[') {
		adv(sc);
		c = peek(sc);
	}
	return 0;
}

/* One step of a path: a key (key != NULL) or an index. */
struct jstep {
	const char *key;
	size_t keylen;
	size_t idx;
};

/* Parse the next step of path at *p; 1 on a step, 0 at end, -EINVAL. */
static int next_step(const char **p, bool first, struct jstep *st)
{
	const char *s = *p;

	if (!*s)
		return 0;
	if (*s == '[') {
		size_t v = 0;

		s++;
		if (*s < '0' || *s > '9')
			return -EINVAL;
		while (*s >= '0' && *s <= '9') {
			if (v > SIZE_MAX / 10 - 1)
				return -EINVAL;
			v = v * 10 + (size_t)(*s - '0');
			s++;
		}
		if (*s != ']')
			return -EINVAL;
		st->key = NULL;
		st->idx = v;
		*p = s + 1;
		return 1;
	}
	if (*s == '.') {
		if (first)
			return -EINVAL;
		s++;
	} else if (!first) {
		return -EINVAL;
	}
	st->key = s;
	while (*s && *s != '.' && *s != '[' && *s != ']')
		s++;
	st->keylen = (size_t)(s - st->key);
	if (!st->keylen)
		return -EINVAL;
	*p = s;
	return 1;
}

/*
 * Move into the value of a key of the object at sc: the longest key that is
 * a prefix of the rest of the path p ending where a step may end ('.', '['
 * or the end), so that keys may hold dots: "sets.tor.exits.file" finds key
 * "tor.exits" of "sets" (and "tor" when there is no such key). 0 and
 * *used (bytes of p taken), or -ENOENT.
 */
static int enter_key(struct jscan *sc, const char *p, size_t *used)
{
	size_t plen = strlen(p), best_len = 0;
	struct jscan best = *sc;

	if (peek(sc) != '{')
		return -ENOENT;
	adv(sc);
	for (;;) {
		struct keycmp kc = { .key = p, .len = plen };
		int c;

		skip_ws(sc);
		if (peek(sc) != '"')
			break;	/* '}', end of text or garbage */
		if (scan_string(sc, &kc))
			break;
		skip_ws(sc);
		if (peek(sc) != ':')
			break;
		adv(sc);
		skip_ws(sc);
		c = peek(sc);
		if (c < 0 || c == ',' || c == '}' || c == ']')
			break;
		if (!kc.mismatch && kc.i > best_len &&
		    (p[kc.i] == '\0' || p[kc.i] == '.' || p[kc.i] == '[') &&
		    !memchr(p, '[', kc.i)) {
			best = *sc;
			best_len = kc.i;
		}
		if (skip_value(sc))
			break;
		skip_ws(sc);
		if (peek(sc) != ',')
			break;
		adv(sc);
	}
	if (!best_len)
		return -ENOENT;
	*sc = best;
	*used = best_len;
	return 0;
}

/* Move into element st->idx of the array at sc; 0 or -ENOENT. */
static int enter_index(struct jscan *sc, const struct jstep *st)
{
	size_t i;

	if (peek(sc) != '[')
		return -ENOENT;
	adv(sc);
	for (i = 0;; i++) {
		int c;

		skip_ws(sc);
		c = peek(sc);
		if (c < 0 || c == ']' || c == '}' || c == ',' || c == ':')
			return -ENOENT;
		if (i == st->idx)
			return 0;
		if (skip_value(sc))
			return -ENOENT;
		skip_ws(sc);
		if (peek(sc) != ',')
			return -ENOENT;
		adv(sc);
	}
}

int fw_json_locate(const char *text, size_t len, const char *path,
		   int *line, int *col)
{
	struct jscan sc = { .s = (const unsigned char *)text, .len = len,
			    .line = 1 };
	const char *p = path ? path : "";
	struct jstep st;
	bool first = true;
	int ret;

	*line = 0;
	*col = 0;
	if (!text)
		return -ENOENT;

	/* Check the whole path's syntax before moving. */
	for (;;) {
		ret = next_step(&p, first, &st);
		if (ret < 0)
			return -EINVAL;
		if (!ret)
			break;
		first = false;
	}

	skip_ws(&sc);
	if (peek(&sc) < 0)
		return -ENOENT;
	*line = sc.line;
	*col = sc.col + 1;

	p = path ? path : "";
	first = true;
	while ((ret = next_step(&p, first, &st)) > 0) {
		size_t used;

		first = false;
		if (st.key) {
			ret = enter_key(&sc, st.key, &used);
			if (!ret)
				p = st.key + used;	/* past a dotted key */
		} else {
			ret = enter_index(&sc, &st);
		}
		if (ret)
			return ret;	/* *line, *col: innermost ancestor */
		*line = sc.line;
		*col = sc.col + 1;
	}
	return 0;
}
