/* SPDX-License-Identifier: GPL-2.0 */
/*
 * bench.h - what the benchmark's BPF programs (gen.bpf.c, sink.bpf.c) and
 * its driver (fwbench.c) share: the generator's per-packet templates and
 * the probe frame's layout.
 */
#ifndef FW_BENCH_H
#define FW_BENCH_H

#include <linux/types.h>

/* The probe: Ethernet + IPv4 + TCP SYN with an MSS option, padded to the
 * 60-byte minimum frame (64 bytes on a wire, with the FCS). */
#define FB_FRAME_LEN	60
#define FB_OFF_IP	14
#define FB_OFF_IPCSUM	(FB_OFF_IP + 10)
#define FB_OFF_SADDR	(FB_OFF_IP + 12)
#define FB_OFF_TCP	(FB_OFF_IP + 20)
#define FB_OFF_TCPCSUM	(FB_OFF_TCP + 16)
#define FB_MAX_TMPL	65536

/* One spread-traffic packet: the fields the generator writes, network order,
 * with both checksums computed in user space (so every frame is valid). */
struct fb_tmpl {
	__be32 saddr;
	__be32 daddr;
	__be16 sport;
	__be16 dport;
	__u16 ip_csum;		/* as stored in the header */
	__u16 tcp_csum;
};
_Static_assert(sizeof(struct fb_tmpl) == 16, "template layout");

#endif /* FW_BENCH_H */
