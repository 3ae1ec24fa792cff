/* SPDX-License-Identifier: GPL-2.0 */
/* pcap.h - read classic pcap files (as tcpdump -w writes them). */
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

#endif
