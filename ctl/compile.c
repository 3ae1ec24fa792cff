// SPDX-License-Identifier: GPL-2.0
/*
 * compile.c - policy IR -> classifier tables (see compile.h, DESIGN.md).
 *
 * Every field gets classes: for each value the field can take (and for
 * "the packet has no such field"), the bitmap of rules whose positive and
 * negated matchers on that field accept it. A rule matches a packet iff its
 * bit survives the AND of the classes of all fields:
 *  - src/dst, two parts ANDed: the LPM part (every distinct prefix of the
 *    rules, and /0, is an LPM entry; its bitmap is computed in one pass over
 *    the prefixes in trie preorder with a stack of ancestors) and the set
 *    part (one class per set-membership mask). A positive list holds
 *    prefixes or sets, so each part carries the other as "accepts all";
 *  - ports: a sweep over range boundaries gives elementary intervals;
 *  - protocol, TCP flags, ICMP type and code, VLAN, conntrack state: one
 *    class per value;
 *  - interface: one class per referenced ifindex, one for all others.
 * Identical bitmaps share one class id across fields and directions.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "compile.h"
#include "limit.h"
#include "timing.h"

#define bits fw_bitmap

static void bits_set(struct bits *b, uint32_t r)
{
	b->w[r / 64] |= 1ULL << (r % 64);
}

static void bits_put(struct bits *b, uint32_t r, bool on)
{
	if (on)
		b->w[r / 64] |= 1ULL << (r % 64);
	else
		b->w[r / 64] &= ~(1ULL << (r % 64));
}

static bool bm_bit(const uint64_t *bm, unsigned int v)
{
	return bm[v / 64] >> (v % 64) & 1;
}

/* --- class interning: identical bitmaps get one id ----------------------- */

/*
 * Classes are kept as the data path keeps them (fw_bits): a bitmap cut in
 * chunks of FW_CHUNK_RULES rules, each chunk stored once. A class is the
 * ids of its chunks: chunk 0 (inline in fw_bits) from one set, the others
 * (fw_chunk, 0 = all zero) from another; two bitmaps are equal iff their
 * ids are. No class is ever held as a whole row: 12800 classes of 10000
 * rules took 16 MB that way, then a pass to cut them up.
 *
 * A chunk's hash is the XOR of its words' hashes, each independent of the
 * others (one multiply, no chain from word to word), so that a sweep that
 * flips one bit updates it in O(1) (bits_put_h).
 */
#define HT_START (1u << 12)	/* class table slots to start with; load <= 1/2 */
#define CHUNK_HT (1u << 12)	/* per chunk set, to start with; grows */

#define CS_BLK	1024			/* chunks per block: never copied as they grow */

struct chunkset {
	struct fw_chunk **c;		/* n chunks in blocks of CS_BLK; 0 all zero */
	uint64_t *sum;			/* n: bit k: word k != 0 (fw_bits.summary) */
	uint64_t *hash;			/* n: chunk_hash() */
	uint32_t n, cap, max;		/* max: more is an overflow */
	uint32_t *ht, ht_size;		/* chunk id + 1, 0 = empty slot */
};

struct interner {
	struct chunkset c0, cs;		/* chunk 0 of each class; the others */
	uint32_t (*ids)[FW_NCHUNKS];	/* class -> its chunks (first nch used) */
	size_t n, cap;
	uint32_t nw;			/* words that can be non-zero */
	uint32_t nch;			/* chunks that can be non-zero */
	uint32_t *ht, ht_size;		/* class id + 1, 0 = empty slot */
	bool overflow, chunk_overflow, nomem;
};

static inline uint64_t word_hash(uint32_t i, uint64_t w)
{
	return (w ^ (0x9e3779b97f4a7c15ULL * (i + 1))) * 0xff51afd7ed558ccdULL;
}

static uint64_t mix(uint64_t h)
{
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ULL;
	return h ^ h >> 33;
}

/* Chunk c of a bitmap of nw words: its words [0, *nk), the rest zero. */
static const uint64_t *chunk_of(const struct bits *b, uint32_t nw, uint32_t c, uint32_t *nk)
{
	uint32_t k = nw - c * FW_WORDS;

	*nk = k > FW_WORDS ? FW_WORDS : k;
	return b->w + c * FW_WORDS;
}

static uint64_t chunk_hash(const uint64_t *w, uint32_t nk)
{
	uint64_t h = 0;

	for (uint32_t k = 0; k < FW_WORDS; k++)
		h ^= word_hash(k, k < nk ? w[k] : 0);
	return h;
}

/* hc[c]: the hash of chunk c of b, for c < nch. */
static void bits_hash(const struct bits *b, uint32_t nw, uint32_t nch, uint64_t *hc)
{
	for (uint32_t c = 0; c < nch; c++) {
		uint32_t nk;
		const uint64_t *w = chunk_of(b, nw, c, &nk);

		hc[c] = chunk_hash(w, nk);
	}
}

/*
 * A bitmap changed bit by bit (the port sweep): its chunks' hashes kept up
 * to date, and the ids of the chunks unchanged since the last intern.
 */
struct sweep {
	uint64_t hc[FW_NCHUNKS];
	uint32_t ids[FW_NCHUNKS];
	bool dirty[FW_NCHUNKS];
};

/* Set bit r of b to on, keeping sw up to date. */
static void bits_put_h(struct bits *b, uint32_t r, bool on, struct sweep *sw)
{
	uint32_t i = r / 64;
	uint64_t old = b->w[i];

	if (on)
		b->w[i] |= 1ULL << (r % 64);
	else
		b->w[i] &= ~(1ULL << (r % 64));
	if (b->w[i] != old) {
		sw->hc[i / FW_WORDS] ^= word_hash(i % FW_WORDS, old) ^
					word_hash(i % FW_WORDS, b->w[i]);
		sw->dirty[i / FW_WORDS] = true;
	}
}

static inline uint64_t *cs_words(const struct chunkset *cs, uint32_t id)
{
	return (uint64_t *)cs->c[id / CS_BLK][id % CS_BLK].w;
}

/* Set word i of b to v, keeping sw up to date. */
static void bits_word_h(struct bits *b, uint32_t i, uint64_t v, struct sweep *sw)
{
	uint64_t old = b->w[i];

	if (v == old)
		return;
	b->w[i] = v;
	sw->hc[i / FW_WORDS] ^= word_hash(i % FW_WORDS, old) ^ word_hash(i % FW_WORDS, v);
	sw->dirty[i / FW_WORDS] = true;
}

static int chunkset_init(struct chunkset *cs, uint32_t max)
{
	cs->max = max;
	cs->ht_size = CHUNK_HT;
	cs->ht = calloc(cs->ht_size, sizeof(*cs->ht));
	return cs->ht ? 0 : -ENOMEM;
}

static void chunkset_free(struct chunkset *cs)
{
	for (uint32_t b = 0; cs->c && b < cs->cap / CS_BLK; b++)
		free(cs->c[b]);
	free(cs->c);
	free(cs->sum);
	free(cs->hash);
	free(cs->ht);
	memset(cs, 0, sizeof(*cs));
}

static bool chunkset_grow(struct chunkset *cs)
{
	uint32_t cap = cs->cap + CS_BLK;
	struct fw_chunk **c = realloc(cs->c, cap / CS_BLK * sizeof(*c));
	uint64_t *sum, *hash;

	if (!c)
		return false;
	cs->c = c;
	c[cap / CS_BLK - 1] = malloc(CS_BLK * sizeof(**c));
	if (!c[cap / CS_BLK - 1])
		return false;
	sum = realloc(cs->sum, cap * sizeof(*sum));
	if (!sum) {
		free(c[cap / CS_BLK - 1]);
		return false;
	}
	cs->sum = sum;
	hash = realloc(cs->hash, cap * sizeof(*hash));
	if (!hash) {
		free(c[cap / CS_BLK - 1]);
		return false;
	}
	cs->hash = hash;
	cs->cap = cap;
	if (cap * 2 > cs->ht_size) {	/* load <= 1/2: a bigger table, rehashed */
		uint32_t size = cs->ht_size * 2, *ht = calloc(size, sizeof(*ht));

		if (!ht)
			return false;
		for (uint32_t id = 1; id < cs->n; id++) {
			uint32_t slot = (uint32_t)mix(cs->hash[id]) & (size - 1);

			while (ht[slot])
				slot = (slot + 1) & (size - 1);
			ht[slot] = id + 1;
		}
		free(cs->ht);
		cs->ht = ht;
		cs->ht_size = size;
	}
	return true;
}

/*
 * The id of the chunk whose words are w[0, nk) and zeros, hash h, added if
 * new: 0 for all zero; 0 with in->nomem or *overflow set on failure.
 */
static uint32_t chunk_id(struct interner *in, struct chunkset *cs, const uint64_t *w,
			 uint32_t nk, uint64_t h, bool *overflow)
{
	uint64_t sum = 0;
	uint32_t slot;

	if (!cs->n) {			/* chunk 0: all zero */
		if (!chunkset_grow(cs)) {
			in->nomem = true;
			return 0;
		}
		memset(cs_words(cs, 0), 0, sizeof(struct fw_chunk));
		cs->sum[0] = 0;
		cs->hash[0] = chunk_hash(cs_words(cs, 0), FW_WORDS);
		cs->n = 1;
	}
	if (h == cs->hash[0]) {		/* all zero? (else a rare collision) */
		uint32_t k = 0;

		while (k < nk && !w[k])
			k++;
		if (k == nk)
			return 0;
	}
	for (slot = (uint32_t)mix(h) & (cs->ht_size - 1);; slot = (slot + 1) & (cs->ht_size - 1)) {
		uint32_t id = cs->ht[slot];
		const uint64_t *x;

		if (!id)
			break;
		x = cs_words(cs, id - 1);
		if (cs->hash[id - 1] == h && !memcmp(x, w, nk * sizeof(*w))) {
			uint32_t k = nk;

			while (k < FW_WORDS && !x[k])
				k++;
			if (k == FW_WORDS)
				return id - 1;
		}
	}
	if (cs->n >= cs->max) {
		*overflow = true;
		return 0;
	}
	if (cs->n == cs->cap) {
		if (!chunkset_grow(cs)) {
			in->nomem = true;
			return 0;
		}
		for (slot = (uint32_t)mix(h) & (cs->ht_size - 1); cs->ht[slot];
		     slot = (slot + 1) & (cs->ht_size - 1))
			;	/* the table may have grown: find the free slot again */
	}
	for (uint32_t k = 0; k < nk; k++)
		if (w[k])
			sum |= 1ULL << k;
	memcpy(cs_words(cs, cs->n), w, nk * sizeof(*w));
	memset(cs_words(cs, cs->n) + nk, 0, (FW_WORDS - nk) * sizeof(*w));
	cs->sum[cs->n] = sum;
	cs->hash[cs->n] = h;
	cs->ht[slot] = ++cs->n;
	return cs->n - 1;
}

static uint64_t ids_hash(const uint32_t *ids)
{
	uint64_t h = 0;

	for (uint32_t c = 0; c < FW_NCHUNKS; c++)
		h = (h ^ ids[c]) * 0x9e3779b97f4a7c15ULL;
	return mix(h);
}

/* The class table twice as large (a small table stays in cache): 0 or -ENOMEM. */
static int class_ht_grow(struct interner *in)
{
	uint32_t size = in->ht_size ? in->ht_size * 2 : HT_START, *ht = calloc(size, sizeof(*ht));

	if (!ht)
		return -ENOMEM;
	for (size_t id = 0; id < in->n; id++) {
		size_t slot = ids_hash(in->ids[id]) & (size - 1);

		while (ht[slot])
			slot = (slot + 1) & (size - 1);
		ht[slot] = (uint32_t)id + 1;
	}
	free(in->ht);
	in->ht = ht;
	in->ht_size = size;
	return 0;
}

/* The class of bitmap b, whose chunk hashes and known ids are in sw. */
static uint16_t intern_h(struct interner *in, const struct bits *b, struct sweep *sw)
{
	uint32_t ids[FW_NCHUNKS] = { 0 };
	uint64_t h;
	size_t slot;

	for (uint32_t c = 0; c < in->nch; c++) {
		uint32_t nk;
		const uint64_t *w = chunk_of(b, in->nw, c, &nk);

		if (sw->dirty[c])
			sw->ids[c] = chunk_id(in, c ? &in->cs : &in->c0, w, nk, sw->hc[c],
					      c ? &in->chunk_overflow : &in->overflow);
		sw->dirty[c] = false;
		ids[c] = sw->ids[c];
	}
	if (in->nomem)
		return 0;
	if (2 * (in->n + 1) > in->ht_size && class_ht_grow(in)) {
		in->nomem = true;
		return 0;
	}
	h = ids_hash(ids);
	for (slot = h & (in->ht_size - 1);; slot = (slot + 1) & (in->ht_size - 1)) {
		uint32_t id = in->ht[slot];

		if (!id)
			break;
		if (!memcmp(in->ids[id - 1], ids, sizeof(ids)))
			return (uint16_t)(id - 1);
	}
	if (in->n >= FW_MAX_CLASSES) {
		in->overflow = true;
		return 0;
	}
	if (in->n == in->cap) {
		size_t cap = in->cap ? in->cap * 2 : 1024;
		uint32_t (*p)[FW_NCHUNKS] = realloc(in->ids, cap * sizeof(*p));

		if (!p) {
			in->nomem = true;
			return 0;
		}
		in->ids = p;
		in->cap = cap;
	}
	memcpy(in->ids[in->n], ids, sizeof(ids));
	in->ht[slot] = (uint32_t)++in->n;
	return (uint16_t)(in->n - 1);
}

/* A sweep starting at bitmap b. */
static void sweep_start(const struct interner *in, const struct bits *b, struct sweep *sw)
{
	for (uint32_t c = 0; c < FW_NCHUNKS; c++)
		sw->dirty[c] = true;
	bits_hash(b, in->nw, in->nch, sw->hc);
}

static uint16_t intern(struct interner *in, const struct bits *b)
{
	struct sweep sw;

	sweep_start(in, b, &sw);
	return intern_h(in, b, &sw);
}

/* --- small fields: one class per value ------------------------------------- */

enum small_field { SF_PROTO, SF_TCPFLAGS, SF_ICMPTYPE, SF_ICMPCODE, SF_VLAN, SF_CT };

static bool sf_has(const struct fw_match *m, enum small_field f)
{
	switch (f) {
	case SF_PROTO: return m->has_proto;
	case SF_TCPFLAGS: return m->has_tcp_flags;
	case SF_ICMPTYPE: return m->has_icmp_type;
	case SF_ICMPCODE: return m->has_icmp_code;
	case SF_VLAN: return m->has_vlan;
	case SF_CT: return m->has_ct;
	}
	return false;
}

static bool sf_in(const struct fw_match *m, enum small_field f, unsigned int v)
{
	switch (f) {
	case SF_PROTO: return bm_bit(m->proto, v);
	case SF_TCPFLAGS:
		for (size_t i = 0; i < m->n_tcp_flags; i++)
			if ((v & m->tcp_flags[i].mask) == m->tcp_flags[i].value)
				return true;
		return false;
	case SF_ICMPTYPE: return bm_bit(m->icmp_type, v);
	case SF_ICMPCODE: return bm_bit(m->icmp_code, v);
	case SF_VLAN: return bm_bit(m->vlan, v);
	case SF_CT: return bm_bit(m->ct, v);
	}
	return false;
}

/* The two matchers constrain field f in the same way. */
static bool sf_same(const struct fw_match *a, const struct fw_match *b,
		    enum small_field f)
{
	if (sf_has(a, f) != sf_has(b, f))
		return false;
	if (!sf_has(a, f))
		return true;
	switch (f) {
	case SF_PROTO: return !memcmp(a->proto, b->proto, sizeof(a->proto));
	case SF_TCPFLAGS:
		return a->n_tcp_flags == b->n_tcp_flags &&
		       !memcmp(a->tcp_flags, b->tcp_flags,
			       a->n_tcp_flags * sizeof(*a->tcp_flags));
	case SF_ICMPTYPE: return !memcmp(a->icmp_type, b->icmp_type, sizeof(a->icmp_type));
	case SF_ICMPCODE: return !memcmp(a->icmp_code, b->icmp_code, sizeof(a->icmp_code));
	case SF_VLAN: return !memcmp(a->vlan, b->vlan, FW_VLAN_WORDS * sizeof(*a->vlan));
	case SF_CT: return !memcmp(a->ct, b->ct, sizeof(a->ct));
	}
	return false;
}

static bool sf_accepts(const struct fw_rule_ir *ru, enum small_field f,
		       unsigned int v)
{
	bool hp = sf_has(&ru->pos, f), hn = sf_has(&ru->neg, f);

	return (!hp || sf_in(&ru->pos, f, v)) && (!hn || !sf_in(&ru->neg, f, v));
}

#define SF_GROUPS 64	/* distinct matchers handled by grouping */

/*
 * table[v] for v < n: rules accepting value v; *missing: rules accepting a
 * packet without the field (those with no matcher on it, either way).
 * Rules with the same matchers on the field form a group, and values
 * accepted by the same groups share one class, computed once: the cost is
 * values x groups + classes x rules, not values x rules.
 */
static int compile_small(const struct fw_ruleset *rs, enum small_field f,
			 unsigned int n, struct interner *in, uint16_t *table,
			 uint16_t *missing)
{
	struct bits base = { 0 }, cur, *gbits = NULL;
	size_t rep[SF_GROUPS], ng = 0;
	uint64_t *keys = NULL;
	uint16_t *kcls = NULL;
	size_t nk = 0;
	bool used = false, many = false;

	for (size_t r = 0; r < rs->n_rules; r++) {
		const struct fw_rule_ir *ru = &rs->rules[r];

		if (!sf_has(&ru->pos, f) && !sf_has(&ru->neg, f))
			bits_set(&base, (uint32_t)r);
		else
			used = true;
	}
	if (missing)
		*missing = intern(in, &base);
	if (!used) {
		uint16_t c = intern(in, &base);

		for (unsigned int v = 0; v < n; v++)
			table[v] = c;
		return 0;
	}
	gbits = calloc(SF_GROUPS, sizeof(*gbits));
	keys = calloc(n, sizeof(*keys));
	kcls = calloc(n, sizeof(*kcls));
	if (!gbits || !keys || !kcls) {
		free(gbits);
		free(keys);
		free(kcls);
		return -ENOMEM;
	}
	for (size_t r = 0; r < rs->n_rules && !many; r++) {
		const struct fw_rule_ir *ru = &rs->rules[r];
		size_t g;

		if (!sf_has(&ru->pos, f) && !sf_has(&ru->neg, f))
			continue;
		for (g = 0; g < ng; g++)
			if (sf_same(&rs->rules[rep[g]].pos, &ru->pos, f) &&
			    sf_same(&rs->rules[rep[g]].neg, &ru->neg, f))
				break;
		if (g == ng) {
			if (ng == SF_GROUPS) {
				many = true;
				break;
			}
			rep[ng++] = r;
		}
		bits_set(&gbits[g], (uint32_t)r);
	}
	for (unsigned int v = 0; v < n; v++) {
		uint64_t key = 0;
		size_t k;

		if (many) {		/* value by value, rule by rule */
			cur = base;
			for (size_t r = 0; r < rs->n_rules; r++) {
				const struct fw_rule_ir *ru = &rs->rules[r];

				if ((sf_has(&ru->pos, f) || sf_has(&ru->neg, f)) &&
				    sf_accepts(ru, f, v))
					bits_set(&cur, (uint32_t)r);
			}
			table[v] = intern(in, &cur);
			continue;
		}
		for (size_t g = 0; g < ng; g++)
			if (sf_accepts(&rs->rules[rep[g]], f, v))
				key |= 1ULL << g;
		for (k = 0; k < nk; k++)
			if (keys[k] == key)
				break;
		if (k == nk) {
			cur = base;
			for (size_t g = 0; g < ng; g++)
				if (key >> g & 1)
					for (uint32_t w = 0; w < in->nw; w++)
						cur.w[w] |= gbits[g].w[w];
			keys[nk] = key;
			kcls[nk++] = intern(in, &cur);
		}
		table[v] = kcls[k];
	}
	free(gbits);
	free(keys);
	free(kcls);
	return 0;
}

/* --- ports: a sweep over range boundaries ---------------------------------- */

struct port_ev {
	uint32_t pos;			/* 0..65536 */
	uint32_t rule;
	uint8_t neg;			/* toggles the negated list's state */
};

static int ev_cmp(const void *a, const void *b)
{
	const struct port_ev *x = a, *y = b;

	return x->pos < y->pos ? -1 : x->pos > y->pos;
}

/*
 * Sort the n events by position. Their order at one position does not
 * matter (the sweep interns only between positions). Many events: by
 * counting (positions are 0..65536), else qsort.
 */
static int sort_events(struct port_ev **ev, size_t n)
{
	struct port_ev *out;
	uint32_t *at;

	if (n < 4096) {
		qsort(*ev, n, sizeof(**ev), ev_cmp);
		return 0;
	}
	at = calloc(65538, sizeof(*at));
	out = malloc(n * sizeof(*out) + 1);
	if (!at || !out) {
		free(at);
		free(out);
		return -ENOMEM;
	}
	for (size_t i = 0; i < n; i++)
		at[(*ev)[i].pos + 1]++;
	for (uint32_t p = 1; p < 65538; p++)
		at[p] += at[p - 1];
	for (size_t i = 0; i < n; i++)
		out[at[(*ev)[i].pos]++] = (*ev)[i];
	free(at);
	free(*ev);
	*ev = out;
	return 0;
}

static bool port_has(const struct fw_match *m, bool dst)
{
	return dst ? m->has_dport : m->has_sport;
}

static int compile_ports(const struct fw_ruleset *rs, bool dst,
			 struct interner *in, uint16_t *table, uint16_t *noport)
{
	struct port_ev *ev = NULL;
	struct bits base = { 0 }, cur = { 0 };
	uint8_t *state = NULL;		/* bit 0: in pos list, bit 1: in neg */
	size_t n = 0, cap = 0;
	uint32_t pos = 0;
	struct sweep sw;

	for (size_t r = 0; r < rs->n_rules; r++) {
		const struct fw_rule_ir *ru = &rs->rules[r];

		if (!port_has(&ru->pos, dst) && !port_has(&ru->neg, dst))
			bits_set(&base, (uint32_t)r);
		cap += 2 * (dst ? ru->pos.n_dport + ru->neg.n_dport
				: ru->pos.n_sport + ru->neg.n_sport);
	}
	*noport = intern(in, &base);

	ev = calloc(cap + 1, sizeof(*ev));
	state = calloc(rs->n_rules + 1, 1);
	if (!ev || !state) {
		free(ev);
		free(state);
		return -ENOMEM;
	}
	for (size_t r = 0; r < rs->n_rules; r++) {
		for (int neg = 0; neg < 2; neg++) {
			const struct fw_match *m = neg ? &rs->rules[r].neg : &rs->rules[r].pos;
			const struct fw_prange *pr = dst ? m->dport : m->sport;
			size_t np = dst ? m->n_dport : m->n_sport;

			if (!port_has(m, dst))
				continue;
			for (size_t i = 0; i < np; i++) {
				ev[n++] = (struct port_ev){ pr[i].lo, (uint32_t)r, (uint8_t)neg };
				ev[n++] = (struct port_ev){ (uint32_t)pr[i].hi + 1, (uint32_t)r,
							    (uint8_t)neg };
			}
		}
	}
	if (sort_events(&ev, n)) {
		free(ev);
		free(state);
		return -ENOMEM;
	}

	/* port 0 before any event: in no list */
	for (size_t r = 0; r < rs->n_rules; r++) {
		const struct fw_rule_ir *ru = &rs->rules[r];

		bits_put(&cur, (uint32_t)r, !port_has(&ru->pos, dst));
	}
	sweep_start(in, &cur, &sw);
	/* ranges of one list are disjoint and not adjacent: each event toggles */
	for (size_t i = 0; i <= n; i++) {
		uint32_t next = i < n ? ev[i].pos : 65536;

		if (next > pos) {
			uint16_t c = intern_h(in, &cur, &sw);

			for (uint32_t p = pos; p < next; p++)
				table[p] = c;
			pos = next;
		}
		if (i < n) {
			const struct fw_rule_ir *ru = &rs->rules[ev[i].rule];
			uint8_t s = state[ev[i].rule] ^= (uint8_t)(ev[i].neg ? 2 : 1);

			bits_put_h(&cur, ev[i].rule,
				   (!port_has(&ru->pos, dst) || (s & 1)) &&
				   (!port_has(&ru->neg, dst) || !(s & 2)), &sw);
		}
	}
	free(ev);
	free(state);
	return 0;
}

/* --- addresses: LPM part and set part -------------------------------------- */

struct pfx_item {
	struct fw_prefix p;
	uint32_t rule;			/* UINT32_MAX: the /0 root itself */
	uint8_t neg;
};

static int pfx_cmp(const void *a, const void *b)
{
	const struct pfx_item *x = a, *y = b;
	int c = memcmp(x->p.addr, y->p.addr, 16);

	if (c)
		return c;
	if (x->p.plen != y->p.plen)
		return x->p.plen < y->p.plen ? -1 : 1;
	if (x->rule != y->rule)
		return x->rule < y->rule ? -1 : 1;
	return x->neg - y->neg;
}

static bool pfx_same(const struct fw_prefix *a, const struct fw_prefix *b)
{
	return a->plen == b->plen && !memcmp(a->addr, b->addr, 16);
}

static const struct fw_prefix *addr_list(const struct fw_match *m, uint8_t field,
					 size_t *n)
{
	*n = field == FW_FIELD_SRC ? m->n_src : m->n_dst;
	return field == FW_FIELD_SRC ? m->src : m->dst;
}

static uint32_t addr_sets(const struct fw_match *m, uint8_t field)
{
	return field == FW_FIELD_SRC ? m->src_sets : m->dst_sets;
}

static bool addr_has(const struct fw_match *m, uint8_t field)
{
	return field == FW_FIELD_SRC ? m->has_src : m->has_dst;
}

/* The positive list of this field is a prefix list (not absent, not sets). */
static bool pos_is_prefixes(const struct fw_match *m, uint8_t field)
{
	return addr_has(m, field) && !addr_sets(m, field);
}

/* Rules constrained by prefixes (positive or negated) on this field. */
static bool uses_prefixes(const struct fw_ruleset *rs, uint8_t field)
{
	for (size_t r = 0; r < rs->n_rules; r++) {
		size_t n;

		if (pos_is_prefixes(&rs->rules[r].pos, field))
			return true;
		addr_list(&rs->rules[r].neg, field, &n);
		if (n)
			return true;
	}
	return false;
}

static int compile_lpm(const struct fw_ruleset *rs, uint8_t family,
		       uint8_t field, struct interner *in,
		       struct fw_dir_tables *dt)
{
	struct pfx_item *items = NULL;
	struct bits *spos = NULL, *sneg = NULL, *sout = NULL, all = { 0 };
	struct sweep *ssw = NULL, all_sw;
	struct fw_prefix *spfx = NULL;
	size_t n = 0, cap = 1, depth = 0, maxd = family == 4 ? 34 : 130;
	int ret = -ENOMEM;

	for (size_t r = 0; r < rs->n_rules; r++) {
		size_t np, nn;

		addr_list(&rs->rules[r].pos, field, &np);
		addr_list(&rs->rules[r].neg, field, &nn);
		cap += np + nn;
		/* A: rules whose positive side is no prefix list accept all */
		if (!pos_is_prefixes(&rs->rules[r].pos, field))
			bits_set(&all, (uint32_t)r);
	}
	items = calloc(cap, sizeof(*items));
	spos = calloc(maxd, sizeof(*spos));
	sneg = calloc(maxd, sizeof(*sneg));
	spfx = calloc(maxd, sizeof(*spfx));
	sout = calloc(maxd, sizeof(*sout));
	ssw = calloc(maxd, sizeof(*ssw));
	if (!items || !spos || !sneg || !spfx || !sout || !ssw)
		goto out;
	sweep_start(in, &all, &all_sw);	/* a prefix without ancestors starts here */
	intern_h(in, &all, &all_sw);

	items[n].p.family = family;	/* the root, /0 */
	items[n++].rule = UINT32_MAX;
	for (size_t r = 0; r < rs->n_rules; r++) {
		for (int neg = 0; neg < 2; neg++) {
			const struct fw_match *m = neg ? &rs->rules[r].neg : &rs->rules[r].pos;
			size_t np;
			const struct fw_prefix *ps = addr_list(m, field, &np);

			for (size_t i = 0; i < np; i++) {
				if (ps[i].family != family)
					continue;
				items[n].p = ps[i];
				items[n].rule = (uint32_t)r;
				items[n++].neg = (uint8_t)neg;
			}
		}
	}
	qsort(items, n, sizeof(*items), pfx_cmp);

	for (size_t i = 0; i < n;) {
		const struct fw_prefix *p = &items[i].p;
		size_t row = in->nw * sizeof(uint64_t);
		struct bits *pos, *neg, *out;
		struct sweep *sw;
		struct fw_lpm_entry *e;

		/* preorder: what does not contain p is no ancestor of what follows */
		while (depth && !fw_prefix_contains(&spfx[depth - 1], family, p->addr))
			depth--;
		/* p's rules: its parent's and its own, built in place on the stack
		 * (only the nw words rules can use); its class bitmap is its
		 * parent's with the words of its own rules redone, so that only
		 * the chunks those change are looked up again (sweep) */
		pos = &spos[depth];
		neg = &sneg[depth];
		out = &sout[depth];
		sw = &ssw[depth];
		if (depth) {
			memcpy(pos->w, spos[depth - 1].w, row);
			memcpy(neg->w, sneg[depth - 1].w, row);
			memcpy(out->w, sout[depth - 1].w, row);
			*sw = ssw[depth - 1];
		} else {
			memset(pos->w, 0, row);
			memset(neg->w, 0, row);
			memcpy(out->w, all.w, row);
			*sw = all_sw;
		}
		for (; i < n && pfx_same(&items[i].p, p); i++) {
			uint32_t r = items[i].rule, w;

			if (r == UINT32_MAX)
				continue;
			bits_set(items[i].neg ? neg : pos, r);
			w = r / 64;
			bits_word_h(out, w, (all.w[w] | pos->w[w]) & ~neg->w[w], sw);
		}

		if (dt->n_lpm % 64 == 0) {
			e = realloc(dt->lpm, (dt->n_lpm + 64) * sizeof(*e));
			if (!e)
				goto out;
			dt->lpm = e;
		}
		e = &dt->lpm[dt->n_lpm++];
		memset(e, 0, sizeof(*e));
		e->family = family;
		e->field = field;
		e->plen = p->plen;
		memcpy(e->addr, p->addr, 16);
		e->cls = intern_h(in, out, sw);

		spfx[depth] = *p;
		spfx[depth].family = family;
		depth++;
	}
	ret = 0;
out:
	free(items);
	free(sout);
	free(ssw);
	free(spos);
	free(sneg);
	free(spfx);
	return ret;
}

/* table[mask]: rules whose set part accepts membership mask 'mask'. */
static void compile_sets(const struct fw_ruleset *rs, uint8_t field,
			 struct interner *in, uint16_t *table, uint8_t *slots)
{
	*slots = 0;
	for (size_t r = 0; r < rs->n_rules; r++)
		*slots |= (uint8_t)(addr_sets(&rs->rules[r].pos, field) |
				    addr_sets(&rs->rules[r].neg, field));
	for (unsigned int m = 0; m < 256; m++) {
		struct bits cur = { 0 };

		if (m & ~*slots) {		/* never looked up: no need */
			table[m] = 0;
			continue;
		}
		for (size_t r = 0; r < rs->n_rules; r++) {
			uint32_t ps = addr_sets(&rs->rules[r].pos, field);
			uint32_t ns = addr_sets(&rs->rules[r].neg, field);

			if ((!ps || (m & ps)) && !(m & ns))
				bits_set(&cur, (uint32_t)r);
		}
		table[m] = intern(in, &cur);
	}
}

/* --- interfaces ------------------------------------------------------------ */

static bool iface_in(const struct fw_match *m, uint32_t ifindex)
{
	for (size_t i = 0; i < m->n_iface; i++)
		if (m->ifindex && m->ifindex[i] > 0 && (uint32_t)m->ifindex[i] == ifindex)
			return true;
	return false;
}

static int compile_ifaces(const struct fw_ruleset *rs, struct interner *in,
			  struct fw_dir_tables *dt)
{
	struct bits other = { 0 };

	for (size_t r = 0; r < rs->n_rules; r++)
		if (!rs->rules[r].pos.has_iface)
			bits_set(&other, (uint32_t)r);
	dt->dt->iface_other = intern(in, &other);

	for (size_t r = 0; r < rs->n_rules; r++) {
		for (int neg = 0; neg < 2; neg++) {
			const struct fw_match *m = neg ? &rs->rules[r].neg : &rs->rules[r].pos;

			for (size_t i = 0; i < m->n_iface; i++) {
				uint32_t ifx = m->ifindex ? (uint32_t)m->ifindex[i] : 0;
				struct bits cur = { 0 };
				bool seen = false;

				for (size_t k = 0; k < dt->n_iface; k++)
					seen |= dt->iface[k].ifindex == ifx;
				if (!ifx || seen)
					continue;
				for (size_t q = 0; q < rs->n_rules; q++) {
					const struct fw_rule_ir *ru = &rs->rules[q];

					if ((!ru->pos.has_iface || iface_in(&ru->pos, ifx)) &&
					    (!ru->neg.has_iface || !iface_in(&ru->neg, ifx)))
						bits_set(&cur, (uint32_t)q);
				}
				if (dt->n_iface % 16 == 0) {
					struct fw_iface_entry *p = realloc(dt->iface,
						(dt->n_iface + 16) * sizeof(*p));

					if (!p)
						return -ENOMEM;
					dt->iface = p;
				}
				dt->iface[dt->n_iface].ifindex = ifx;
				dt->iface[dt->n_iface++].cls = intern(in, &cur);
			}
		}
	}
	if (dt->n_iface)
		dt->flags |= FW_TF_IFACE;
	return 0;
}

/* --- IPv4 addresses: a multibit trie of direct-indexed blocks ------------- */

static int a4_plen_cmp(const void *a, const void *b)
{
	const struct fw_lpm_entry *x = *(const struct fw_lpm_entry *const *)a;
	const struct fw_lpm_entry *y = *(const struct fw_lpm_entry *const *)b;

	return x->plen - y->plen;
}

/* A child block filled with class c: its pointer entry, or 0 (pool full). */
static uint16_t a4_child(struct fw_tables *t, uint16_t c)
{
	struct fw_a4blk *b;

	if (t->n_a4child >= FW_A4_POOL)
		return 0;
	if (t->n_a4child % 64 == 0) {
		b = realloc(t->a4child, (t->n_a4child + 64) * sizeof(*b));
		if (!b)
			return 0;
		t->a4child = b;
	}
	b = &t->a4child[t->n_a4child];
	for (int i = 0; i < 256; i++)
		b->e[i] = c;
	return (uint16_t)(FW_A4_PTR + t->n_a4child++);
}

/* The block under entry *e, made if *e is a class: NULL if the pool is full. */
static struct fw_a4blk *a4_down(struct fw_tables *t, uint16_t *e)
{
	if (*e < FW_A4_PTR) {
		uint16_t p = a4_child(t, *e);

		if (!p)
			return NULL;
		*e = p;		/* (realloc may have moved e's block: callers re-read) */
	}
	return &t->a4child[*e - FW_A4_PTR];
}

/*
 * The IPv4 prefixes of one field painted into a 16-8-8 multibit trie,
 * shortest first, so each address ends with the class of its longest
 * prefix: what the LPM trie gives. 0; 1 if the pool is too small (the
 * field keeps the LPM trie); -ENOMEM.
 */
static int compile_a4(struct fw_tables *t, struct fw_dir_tables *dt, uint8_t field)
{
	const struct fw_lpm_entry **es;
	uint32_t n = 0, pool0 = t->n_a4child;
	uint16_t *root;
	int ret = 0;

	es = calloc(dt->n_lpm + 1, sizeof(*es));
	root = calloc(65536, sizeof(*root));
	if (!es || !root) {
		free(es);
		free(root);
		return -ENOMEM;
	}
	for (size_t i = 0; i < dt->n_lpm; i++)
		if (dt->lpm[i].family == 4 && dt->lpm[i].field == field)
			es[n++] = &dt->lpm[i];
	qsort(es, n, sizeof(*es), a4_plen_cmp);
	for (uint32_t i = 0; i < n && !ret; i++) {
		const struct fw_lpm_entry *e = es[i];
		uint32_t a = (uint32_t)e->addr[0] << 24 | (uint32_t)e->addr[1] << 16 |
			     (uint32_t)e->addr[2] << 8 | e->addr[3];
		uint16_t c = (uint16_t)e->cls;
		struct fw_a4blk *b;
		uint32_t i1 = a >> 16, i2 = a >> 8 & 0xff, i3 = a & 0xff;

		if (e->plen <= 16) {
			for (uint32_t k = 0; k < 1u << (16 - e->plen); k++)
				root[i1 + k] = c;	/* shortest first: no pointer here yet */
			continue;
		}
		b = a4_down(t, &root[i1]);
		if (!b) {
			ret = 1;
			break;
		}
		if (e->plen <= 24) {
			for (uint32_t k = 0; k < 1u << (24 - e->plen); k++)
				b->e[i2 + k] = c;
			continue;
		}
		{
			uint32_t bi = root[i1] - FW_A4_PTR;
			uint16_t ent = t->a4child[bi].e[i2];
			struct fw_a4blk *b3 = a4_down(t, &ent);

			if (!b3) {
				ret = 1;
				break;
			}
			t->a4child[bi].e[i2] = ent;
			b3 = &t->a4child[ent - FW_A4_PTR];
			for (uint32_t k = 0; k < 1u << (32 - e->plen); k++)
				b3->e[i3 + k] = c;
		}
	}
	if (ret) {
		t->n_a4child = pool0;	/* what this field took goes back */
		free(root);
		free(es);
		return ret;
	}
	dt->a4root[field] = (struct fw_a4blk *)root;
	dt->flags |= field == FW_FIELD_SRC ? FW_TF_SRC4 : FW_TF_DST4;
	free(es);
	return 0;
}

static bool any_not(const uint16_t *a, unsigned int n, uint16_t all)
{
	for (unsigned int v = 0; v < n; v++)
		if (a[v] != all)
			return true;
	return false;
}

/* Fields whose class is the all-rules class for every value: not ANDed. */
static uint32_t active_fields(const struct fw_dir_tables *dt, uint16_t all)
{
	const struct fw_dtab *d = dt->dt;
	uint32_t act = 0;

#define FW_ANY_NOT(arr, n) any_not(arr, n, all)
	if (FW_ANY_NOT(d->proto, 256))
		act |= 1u << FW_C_PROTO;
	if (FW_ANY_NOT(d->sport, 65536) || d->noport_src != all)
		act |= 1u << FW_C_SPORT;
	if (FW_ANY_NOT(d->dport, 65536) || d->noport_dst != all)
		act |= 1u << FW_C_DPORT;
	if (FW_ANY_NOT(d->tcpflags, 256) || d->notcp != all)
		act |= 1u << FW_C_TCPFLAGS;
	if (FW_ANY_NOT(d->icmptype, 256) || d->noicmp_type != all)
		act |= 1u << FW_C_ICMPTYPE;
	if (FW_ANY_NOT(d->icmpcode, 256) || d->noicmp_code != all)
		act |= 1u << FW_C_ICMPCODE;
	if (FW_ANY_NOT(d->vlan, 4096) || d->novlan != all)
		act |= 1u << FW_C_VLAN;
	if (FW_ANY_NOT(d->ct, __FW_CT_MAX))
		act |= 1u << FW_C_CT;
#undef FW_ANY_NOT
	for (unsigned int m = 0; m < 256; m++) {
		if (!(m & ~dt->src_sets) && d->srcset[m] != all)
			act |= 1u << FW_C_SRCSET;
		if (!(m & ~dt->dst_sets) && d->dstset[m] != all)
			act |= 1u << FW_C_DSTSET;
	}
	if (dt->flags & FW_TF_SRC || d->src_any != all)
		act |= 1u << FW_C_SRC;
	if (dt->flags & FW_TF_DST || d->dst_any != all)
		act |= 1u << FW_C_DST;
	if (dt->flags & FW_TF_IFACE || d->iface_other != all)
		act |= 1u << FW_C_IFACE;
	return act;
}

/* dt->slot and dt->nslots from dt->active (see struct fw_tblcfg). */
static void set_slots(struct fw_dir_tables *dt)
{
	uint8_t n = 0;

	memset(dt->slot, FW_C_PROTO, sizeof(dt->slot));
	for (uint8_t f = 0; f < FW_NFIELDS; f++) {
		if (!(dt->active >> f & 1))
			continue;
		if (n < FW_SLOTS)
			dt->slot[n] = f;
		n++;
	}
	dt->nslots = n ? n : 1;	/* no field: the all-rules class */
}

/* --- the whole policy ------------------------------------------------------ */

static int compile_dir(const struct fw_ruleset *rs, struct interner *in,
		       struct fw_tables *t, struct fw_dir_tables *dt)
{
	struct fw_dtab *d;
	struct bits all = { 0 };
	int ret;

	dt->default_action = rs->default_action;
	dt->n_rules = (uint32_t)rs->n_rules;
	dt->rules = calloc(rs->n_rules + 1, sizeof(*dt->rules));
	dt->dt = d = calloc(1, sizeof(*dt->dt));
	if (!dt->rules || !d)
		return -ENOMEM;
	for (size_t r = 0; r < rs->n_rules; r++) {
		dt->rules[r].action = rs->rules[r].action;
		if (rs->rules[r].track)
			dt->rules[r].flags |= FW_RF_TRACK;
		bits_set(&all, (uint32_t)r);
	}

	fw_phase("compile: rules");
	ret = compile_small(rs, SF_PROTO, 256, in, d->proto, NULL);
	if (!ret)
		ret = compile_small(rs, SF_TCPFLAGS, 256, in, d->tcpflags, &d->notcp);
	if (!ret)
		ret = compile_small(rs, SF_ICMPTYPE, 256, in, d->icmptype, &d->noicmp_type);
	if (!ret)
		ret = compile_small(rs, SF_ICMPCODE, 256, in, d->icmpcode, &d->noicmp_code);
	if (!ret)
		ret = compile_small(rs, SF_VLAN, 4096, in, d->vlan, &d->novlan);
	if (!ret)
		ret = compile_small(rs, SF_CT, __FW_CT_MAX, in, d->ct, NULL);
	fw_phase("compile: small");
	if (!ret)
		ret = compile_ports(rs, false, in, d->sport, &d->noport_src);
	if (!ret)
		ret = compile_ports(rs, true, in, d->dport, &d->noport_dst);
	if (ret)
		return ret;
	fw_phase("compile: ports");
	compile_sets(rs, FW_FIELD_SRC, in, d->srcset, &dt->src_sets);
	compile_sets(rs, FW_FIELD_DST, in, d->dstset, &dt->dst_sets);
	ret = compile_ifaces(rs, in, dt);
	if (ret)
		return ret;

	fw_phase("compile: sets, ifaces");
	d->src_any = d->dst_any = intern(in, &all);
	for (uint8_t f = 0; f < 2; f++) {
		if (!uses_prefixes(rs, f))
			continue;	/* the LPM part accepts all: no lookup */
		dt->flags |= f == FW_FIELD_SRC ? FW_TF_SRC : FW_TF_DST;
		ret = compile_lpm(rs, 4, f, in, dt);
		if (!ret)
			ret = compile_lpm(rs, 6, f, in, dt);
		if (!ret)
			ret = compile_a4(t, dt, f);
		if (ret < 0)
			return ret;
	}
	fw_phase("compile: addresses");
	dt->active = active_fields(dt, d->src_any);
	set_slots(dt);
	dt->vcache = dt->n_rules >= FW_VC_MIN_RULES;
	return 0;
}

/* --- the class entries (fw_cls): chunk 0 inline, the others by id ------- */

/* t->hdr and t->chunk from the interner's chunks (taken over): 0 or -ENOMEM. */
static int make_hdr(struct interner *in, struct fw_tables *t)
{
	t->hdr = calloc(in->n ? in->n : 1, sizeof(*t->hdr));
	if (!t->hdr)
		return -ENOMEM;
	for (size_t i = 0; i < in->n; i++) {
		const uint32_t *ids = in->ids[i];

		/* (hdr is zeroed: chunks past the policy's words stay empty) */
		if (ids[0]) {
			memcpy(t->hdr[i].w, cs_words(&in->c0, ids[0]), sizeof(t->hdr[i].w));
			t->hdr[i].summary[0] = in->c0.sum[ids[0]];
		}
		for (uint32_t c = 1; c < in->nch; c++) {
			t->hdr[i].chunk[c] = ids[c];
			t->hdr[i].summary[c] = ids[c] ? in->cs.sum[ids[c]] : 0;
		}
	}
	t->n_chunk = in->cs.n ? in->cs.n : 1;	/* chunk 0 (zero) at least */
	t->chunk = calloc(t->n_chunk, sizeof(*t->chunk));
	if (!t->chunk)
		return -ENOMEM;
	for (uint32_t b = 0; b * CS_BLK < in->cs.n; b++) {
		uint32_t k = in->cs.n - b * CS_BLK;

		memcpy(&t->chunk[b * CS_BLK], in->cs.c[b],
		       (k > CS_BLK ? CS_BLK : k) * sizeof(*t->chunk));
	}
	return 0;
}

int fw_compile(const struct fw_policy *pol, struct fw_tables *t,
	       struct fw_err *err)
{
	struct interner in = { 0 };
	struct bits empty = { 0 };
	size_t n_lpm[2] = { 0, 0 };
	int ret = -ENOMEM;

	memset(t, 0, sizeof(*t));
	in.nw = 1;
	for (int d = 0; d < FW_NDIR; d++)
		if ((pol->dir[d].n_rules + 63) / 64 > in.nw)
			in.nw = (uint32_t)((pol->dir[d].n_rules + 63) / 64);
	if (in.nw > FW_RULE_WORDS)
		in.nw = FW_RULE_WORDS;	/* (refused below) */
	in.nch = (in.nw + FW_WORDS - 1) / FW_WORDS;
	if (class_ht_grow(&in) || chunkset_init(&in.c0, FW_MAX_CLASSES + 1) ||
	    chunkset_init(&in.cs, FW_MAX_CHUNKS))
		goto fail;
	intern(&in, &empty);		/* class 0: matches no rule */
	t->non_ip_action = pol->non_ip_action;
	t->frag_mode = pol->frag_mode;
	t->malformed_action = pol->malformed_action;
	if (pol->ct.on) {
		t->ct.flags = FW_CTF_ON | (pol->ct.pass_est ? FW_CTF_PASS_EST : 0);
		t->ct.size = pol->ct.size;
		memcpy(t->ct.timeout_ns, pol->ct.timeout_ns, sizeof(t->ct.timeout_ns));
	}

	for (int d = 0; d < FW_NDIR; d++) {
		if (pol->dir[d].n_rules > FW_MAX_RULES) {
			ret = -EINVAL;
			fw_policy_error_at(pol, d ? "egress.rules" : "rules", err,
					   "%zu rules exceed the maximum of %d",
					   pol->dir[d].n_rules, FW_MAX_RULES);
			goto fail;
		}
		ret = compile_dir(&pol->dir[d], &in, t, &t->dir[d]);
		if (!ret)
			ret = fw_compile_log(pol, d, &t->dir[d], err);
		if (ret)
			goto fail;
		for (size_t i = 0; i < t->dir[d].n_lpm; i++)
			n_lpm[t->dir[d].lpm[i].family == 6]++;
	}
	ret = fw_limits_compile(pol, t);	/* rate limits: limit.c */
	if (ret == -ERANGE || ret == -E2BIG) {
		ret = -EINVAL;
		fw_policy_error_at(pol, "rules", err, "a rate limit does not fit the data path");
	}
	if (ret)
		goto fail;
	if (in.nomem) {
		ret = -ENOMEM;
		goto fail;
	}
	if (in.overflow) {
		ret = -EINVAL;
		fw_policy_error_at(pol, "rules", err,
				   "the policy needs more than %d classifier classes; split it or merge rules",
				   FW_MAX_CLASSES);
		goto fail;
	}
	for (int f = 0; f < 2; f++) {
		if (n_lpm[f] > FW_MAX_PREFIXES / FW_NGEN) {
			ret = -EINVAL;
			fw_policy_error_at(pol, "rules", err,
					   "the policy has %zu distinct IPv%d prefixes, more than the maximum of %d",
					   n_lpm[f], f ? 6 : 4, FW_MAX_PREFIXES / FW_NGEN);
			goto fail;
		}
	}
	fw_phase("compile: log, limits");
	if (in.chunk_overflow) {
		ret = -EINVAL;
		fw_policy_error_at(pol, "rules", err,
				   "the policy needs more than %d distinct classifier bitmap chunks; split it or merge rules",
				   FW_MAX_CHUNKS);
		goto fail;
	}
	t->n_cls = in.n;
	t->nw = in.nw;
	ret = make_hdr(&in, t);
	if (ret)
		goto fail;
	free(in.ht);
	free(in.ids);
	chunkset_free(&in.c0);
	chunkset_free(&in.cs);
	fw_phase("compile: chunks");
	return fw_compile_fwd(pol, t, err);	/* frees t on error */
fail:
	free(in.ht);
	free(in.ids);
	chunkset_free(&in.c0);
	chunkset_free(&in.cs);
	fw_tables_free(t);
	return ret;
}

void fw_tables_free(struct fw_tables *t)
{
	for (int d = 0; d < FW_NDIR; d++) {
		free(t->dir[d].rules);
		free(t->dir[d].dt);
		free(t->dir[d].lpm);
		free(t->dir[d].iface);
		free(t->dir[d].logcfg);
		free(t->dir[d].a4root[0]);
		free(t->dir[d].a4root[1]);
	}
	free(t->a4child);
	fw_fwd_tables_free(&t->fwd);
	free(t->limits);
	free(t->hdr);
	free(t->chunk);
	memset(t, 0, sizeof(*t));
}

/* --- evaluation, mirroring dp/classify.h ----------------------------------- */

static uint32_t lpm_class(const struct fw_dir_tables *dt, uint8_t field,
			  const struct fw_pkt_desc *pkt)
{
	const uint8_t *addr = field == FW_FIELD_SRC ? pkt->saddr : pkt->daddr;
	int best = -1;
	uint32_t cls = 0;

	for (size_t i = 0; i < dt->n_lpm; i++) {
		const struct fw_lpm_entry *e = &dt->lpm[i];
		struct fw_prefix p = { .family = e->family, .plen = e->plen };

		if (e->field != field || e->family != pkt->family)
			continue;
		memcpy(p.addr, e->addr, 16);
		if (e->plen > best && fw_prefix_contains(&p, pkt->family, addr)) {
			best = e->plen;
			cls = e->cls;
		}
	}
	return cls;
}

static uint32_t a4_class(const struct fw_tables *t, const struct fw_dir_tables *dt,
			 uint8_t field, const uint8_t *a)
{
	uint16_t e = dt->a4root[field][a[0]].e[a[1]];

	if (e < FW_A4_PTR)
		return e;
	e = t->a4child[e - FW_A4_PTR].e[a[2]];
	if (e < FW_A4_PTR)
		return e;
	return t->a4child[e - FW_A4_PTR].e[a[3]];
}

static uint32_t addr_class(const struct fw_tables *t, const struct fw_dir_tables *dt,
			   uint8_t field, const struct fw_pkt_desc *p)
{
	if (p->family == 4 && dt->flags & (field ? FW_TF_DST4 : FW_TF_SRC4))
		return a4_class(t, dt, field, field ? p->daddr : p->saddr);
	return lpm_class(dt, field, p);
}

static unsigned int set_mask(const struct fw_policy *pol, uint8_t slots,
			     uint8_t family, const uint8_t *addr)
{
	unsigned int m = 0;

	for (size_t s = 0; s < pol->n_sets && s < FW_NSETS; s++)
		if (slots >> s & 1 && fw_set_contains(&pol->sets[s], family, addr))
			m |= 1u << s;
	return m;
}

int fw_tables_match(const struct fw_tables *t, const struct fw_policy *pol,
		    unsigned int dir, const struct fw_pkt_desc *p)
{
	const struct fw_dir_tables *dt = &t->dir[dir];
	const struct fw_dtab *d = dt->dt;
	uint32_t c[FW_NFIELDS];

	c[FW_C_PROTO] = d->proto[p->proto];
	c[FW_C_SPORT] = p->has_ports ? d->sport[p->sport] : d->noport_src;
	c[FW_C_DPORT] = p->has_ports ? d->dport[p->dport] : d->noport_dst;
	c[FW_C_SRC] = dt->flags & FW_TF_SRC ? addr_class(t, dt, FW_FIELD_SRC, p) : d->src_any;
	c[FW_C_DST] = dt->flags & FW_TF_DST ? addr_class(t, dt, FW_FIELD_DST, p) : d->dst_any;
	c[FW_C_TCPFLAGS] = p->has_tcp ? d->tcpflags[p->tcp_flags] : d->notcp;
	c[FW_C_ICMPTYPE] = p->has_icmp ? d->icmptype[p->icmp_type] : d->noicmp_type;
	c[FW_C_ICMPCODE] = p->has_icmp ? d->icmpcode[p->icmp_code] : d->noicmp_code;
	c[FW_C_VLAN] = p->has_vlan ? d->vlan[p->vlan & 0xfff] : d->novlan;
	c[FW_C_IFACE] = d->iface_other;
	for (size_t i = 0; i < dt->n_iface; i++)
		if (dt->iface[i].ifindex == p->ifindex)
			c[FW_C_IFACE] = dt->iface[i].cls;
	c[FW_C_SRCSET] = d->srcset[set_mask(pol, dt->src_sets, p->family, p->saddr)];
	c[FW_C_DSTSET] = d->dstset[set_mask(pol, dt->dst_sets, p->family, p->daddr)];
	c[FW_C_CT] = d->ct[p->ct & 3];

	for (uint32_t ch = 0; ch < (dt->n_rules + FW_CHUNK_RULES - 1) / FW_CHUNK_RULES; ch++) {
		uint64_t sum = ~0ULL;

		for (int i = 0; i < FW_NFIELDS; i++)
			if (dt->active >> i & 1)
				sum &= t->hdr[c[i]].summary[ch];
		while (sum) {
			int w = __builtin_ctzll(sum);
			uint64_t m = ~0ULL;

			for (int i = 0; i < FW_NFIELDS; i++)
				if (dt->active >> i & 1)
					m &= ch ? t->chunk[t->hdr[c[i]].chunk[ch]].w[w]
						: t->hdr[c[i]].w[w];
			if (m)
				return (int)(ch * FW_CHUNK_RULES) + w * 64 + __builtin_ctzll(m);
			sum &= sum - 1;
		}
	}
	return -1;
}
