/* SPDX-License-Identifier: GPL-2.0 */
/*
 * dp/fields.h - the classifier's fields, in the order the data path and
 * fwctl's table evaluator (ctl/compile.c) AND their classes. Shared by
 * both sides; a field no rule uses maps every value to the all-rules class.
 */
#ifndef FW_DP_FIELDS_H
#define FW_DP_FIELDS_H

enum fw_class_field {
	FW_C_PROTO,
	FW_C_SPORT,
	FW_C_DPORT,
	FW_C_SRC,	/* LPM part of the source address */
	FW_C_DST,
	FW_C_TCPFLAGS,
	FW_C_ICMPTYPE,
	FW_C_ICMPCODE,
	FW_C_VLAN,
	FW_C_IFACE,
	FW_C_SRCSET,	/* set-membership part of the source address */
	FW_C_DSTSET,
	FW_C_CT,	/* conntrack state (enum fw_ct_state) */
	FW_NFIELDS,
};

#endif /* FW_DP_FIELDS_H */
