/* SPDX-License-Identifier: GPL-2.0 */
/*
 * model.h - the reference model: the policy semantics as a plain linear
 * first-match over the IR. It is the specification the compiled tables and
 * the kernel's verdicts are tested against; it shares nothing with them but
 * the IR. Rate limits ("limit", fw_limit_ir) are state, not matching: the
 * model gives the verdict of a packet within the limit (tests/prog/prog_limit.c
 * covers what happens over it).
 */
#ifndef FW_MODEL_H
#define FW_MODEL_H

#include "policy.h"

/* What the classifier sees of a packet that parsed as IPv4 or IPv6. */
struct fw_pkt_desc {
	uint8_t family;		/* 4 or 6 */
	uint8_t proto;
	bool later_fragment;	/* offset > 0: no L4 header */
	bool has_ports;		/* TCP/UDP/UDP-Lite/SCTP header read */
	uint16_t sport, dport;	/* host order */
	bool has_tcp;
	uint8_t tcp_flags;
	bool has_icmp;
	uint8_t icmp_type, icmp_code;
	bool has_vlan;
	uint16_t vlan;		/* outermost VLAN id */
	uint32_t ifindex;
	uint8_t saddr[16];	/* network order */
	uint8_t daddr[16];
	uint8_t ct;		/* enum fw_ct_state: an input, like the fields */
};

/* How the packet parsed: what the verdict starts from. */
enum fw_model_input {
	FW_IN_IP = 0,		/* pkt describes it */
	FW_IN_NON_IP,
	FW_IN_MALFORMED,
};

struct fw_model_verdict {
	int rule;		/* index of the first matching rule, or -1 */
	uint8_t action;		/* enum fw_action */
	uint8_t reason;		/* enum fw_reason */
};

bool fw_prefix_contains(const struct fw_prefix *p, uint8_t family,
			const uint8_t *addr);
bool fw_set_contains(const struct fw_set *s, uint8_t family,
		     const uint8_t *addr);
bool fw_model_rule_matches(const struct fw_policy *pol,
			   const struct fw_rule_ir *r,
			   const struct fw_pkt_desc *pkt);
/* Index of the first rule of direction dir matching pkt, or -1. */
int fw_model_match(const struct fw_policy *pol, unsigned int dir,
		   const struct fw_pkt_desc *pkt);
/*
 * The whole verdict: malformed, non-IP, fragments, established flows
 * admitted first ("conntrack": {"established": "pass"}), rules, default.
 */
void fw_model_decide(const struct fw_policy *pol, unsigned int dir,
		     enum fw_model_input in, const struct fw_pkt_desc *pkt,
		     struct fw_model_verdict *v);

/*
 * Forwarding (issue 6, fwd_compile.c): XDP's reverse static NAT, applied to
 * ingress packets before the rules. Rewrites pkt as the data path does
 * (the destination, then the source; a protocol+port mapping before an
 * address-only one); true if it changed.
 */
bool fw_model_unnat(const struct fw_policy *pol, struct fw_pkt_desc *pkt);

#endif /* FW_MODEL_H */
