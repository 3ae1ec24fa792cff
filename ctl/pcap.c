// SPDX-License-Identifier: GPL-2.0
/* pcap.c - a reader of classic pcap files (microsecond and nanosecond), and a writer. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "pcap.h"

#define PCAP_MAX_SNAP	(256 * 1024)

static uint32_t u32(const struct fw_pcap *p, const uint8_t *b)
{
	uint32_t v;

	memcpy(&v, b, 4);
	return p->swapped ? __builtin_bswap32(v) : v;
}

int fw_pcap_open(struct fw_pcap *p, const char *path, char *msg, size_t size)
{
	uint8_t h[24];
	uint32_t magic;

	memset(p, 0, sizeof(*p));
	p->f = fopen(path, "rb");
	if (!p->f) {
		snprintf(msg, size, "%s", strerror(errno));
		return -errno;
	}
	if (fread(h, 1, sizeof(h), p->f) != sizeof(h)) {
		snprintf(msg, size, "too short for a pcap file");
		goto bad;
	}
	memcpy(&magic, h, 4);
	switch (magic) {
	case 0xa1b2c3d4: break;
	case 0xd4c3b2a1: p->swapped = 1; break;
	case 0xa1b23c4d: p->nsec = 1; break;
	case 0x4d3cb2a1: p->nsec = 1; p->swapped = 1; break;
	case 0x0a0d0d0a:
		snprintf(msg, size, "pcapng is not supported: write classic pcap (tcpdump -w does)");
		goto bad;
	default:
		snprintf(msg, size, "not a pcap file (magic %08x)", magic);
		goto bad;
	}
	p->linktype = u32(p, h + 20);
	if (p->linktype != 1) {
		snprintf(msg, size, "link type %u is not Ethernet (capture on an interface, not 'any')",
			 p->linktype);
		goto bad;
	}
	return 0;
bad:
	fclose(p->f);
	p->f = NULL;
	return -EPROTO;
}

int fw_pcap_next(struct fw_pcap *p, struct fw_pcap_rec *r)
{
	uint8_t h[16];
	size_t got = fread(h, 1, sizeof(h), p->f);

	if (got == 0 && feof(p->f))
		return 0;
	if (got != sizeof(h))
		return -EPROTO;
	r->ts_ns = (uint64_t)u32(p, h) * 1000000000ull +
		   (uint64_t)u32(p, h + 4) * (p->nsec ? 1 : 1000);
	r->caplen = u32(p, h + 8);
	r->len = u32(p, h + 12);
	if (r->caplen > PCAP_MAX_SNAP)
		return -EPROTO;
	if (r->caplen > p->cap) {
		uint8_t *b = realloc(p->buf, r->caplen);

		if (!b)
			return -ENOMEM;
		p->buf = b;
		p->cap = r->caplen;
	}
	if (fread(p->buf, 1, r->caplen, p->f) != r->caplen)
		return -EPROTO;
	r->data = p->buf;
	return 1;
}

void fw_pcap_close(struct fw_pcap *p)
{
	if (p->f)
		fclose(p->f);
	free(p->buf);
	memset(p, 0, sizeof(*p));
}

/* --- the writer ------------------------------------------------------------- */

int fw_pcap_create(struct fw_pcap_writer *w, const char *path, uint32_t snaplen)
{
	uint32_t h[6] = { 0xa1b2c3d4, 2 | 4u << 16, 0, 0, snaplen, 1 /* Ethernet */ };

	w->snaplen = snaplen;
	w->f = strcmp(path, "-") ? fopen(path, "wb") : stdout;
	if (!w->f)
		return -errno;
	if (fwrite(h, sizeof(h), 1, w->f) != 1 || fflush(w->f)) {
		int ret = -errno;

		fw_pcap_finish(w);
		return ret ? ret : -EIO;
	}
	return 0;
}

int fw_pcap_write(struct fw_pcap_writer *w, uint64_t ts_ns, const void *data,
		  uint32_t caplen, uint32_t len)
{
	uint32_t h[4];

	if (caplen > w->snaplen)
		caplen = w->snaplen;
	if (len < caplen)
		len = caplen;
	h[0] = (uint32_t)(ts_ns / 1000000000ull);
	h[1] = (uint32_t)(ts_ns % 1000000000ull / 1000);
	h[2] = caplen;
	h[3] = len;
	if (fwrite(h, sizeof(h), 1, w->f) != 1 ||
	    (caplen && fwrite(data, caplen, 1, w->f) != 1) || fflush(w->f))
		return errno ? -errno : -EIO;
	return 0;
}

int fw_pcap_finish(struct fw_pcap_writer *w)
{
	int ret = 0;

	if (w->f && w->f != stdout && fclose(w->f))
		ret = -errno;
	else if (w->f == stdout && fflush(stdout))
		ret = -errno;
	w->f = NULL;
	return ret;
}
