/* SPDX-License-Identifier: GPL-2.0 */
/*
 * model.h - the reference model: the policy semantics as a plain linear
 * first-match over the IR. It is the specification the compiled tables and
 * the kernel's verdicts are tested against; it shares nothing with them but
 * the IR.
 */
#ifndef FW_MODEL_H
#define FW_MODEL_H

#include "policy.h"

/* What the classifier sees of a packet (an IP packet that parsed). */
struct fw_pkt_desc {
	uint8_t family;		/* 4 or 6 */
	uint8_t proto;
	bool has_ports;		/* TCP/UDP/UDP-Lite/SCTP, not a later fragment */
	uint16_t sport, dport;	/* host order */
	uint8_t saddr[16];	/* network order */
	uint8_t daddr[16];
};

bool fw_prefix_contains(const struct fw_prefix *p, uint8_t family,
			const uint8_t *addr);
bool fw_model_rule_matches(const struct fw_rule_ir *r,
			   const struct fw_pkt_desc *pkt);
/* Index of the first rule of direction dir matching pkt, or -1. */
int fw_model_match(const struct fw_policy *pol, unsigned int dir,
		   const struct fw_pkt_desc *pkt);

#endif /* FW_MODEL_H */
