/* SPDX-License-Identifier: GPL-2.0 */
/* pcap.h - read and write classic pcap files (as tcpdump -w writes them). */
#ifndef FW_PCAP_H
#define FW_PCAP_H
#include <stdint.h>
#include <stdio.h>

struct fw_pcap {
	FILE *f;
	int swapped;		/* file written on the other endianness */
	int nsec;		/* timestamps in ns (else us) */
	uint32_t linktype;	/* 1: Ethernet */
	uint8_t *buf;
	size_t cap;
};

struct fw_pcap_rec {
	uint64_t ts_ns;
	uint32_t caplen, len;
	const uint8_t *data;	/* caplen bytes, valid until the next read */
};

/* 0 or -errno (-EPROTO: not a pcap file); msg says why. */
int fw_pcap_open(struct fw_pcap *p, const char *path, char *msg, size_t size);
/* 1 with *r filled, 0 at the end, -errno on a damaged file. */
int fw_pcap_next(struct fw_pcap *p, struct fw_pcap_rec *r);
void fw_pcap_close(struct fw_pcap *p);

/*
 * The writer: microsecond timestamps, LINKTYPE_ETHERNET, snaplen in the
 * header. Each record is flushed, so a reader (or a kill) sees whole ones.
 * path "-" writes to stdout. 0 or -errno.
 */
struct fw_pcap_writer {
	FILE *f;
	uint32_t snaplen;
};
int fw_pcap_create(struct fw_pcap_writer *w, const char *path, uint32_t snaplen);
/* caplen bytes of data (cut at snaplen) of a packet of len bytes at ts_ns (CLOCK_REALTIME). */
int fw_pcap_write(struct fw_pcap_writer *w, uint64_t ts_ns, const void *data,
		  uint32_t caplen, uint32_t len);
int fw_pcap_finish(struct fw_pcap_writer *w);

#endif
