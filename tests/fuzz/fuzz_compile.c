// SPDX-License-Identifier: GPL-2.0
/*
 * fuzz_compile.c - libFuzzer target for the pipeline after the parser:
 * parse (ctl/policy.c), resolve interface names with a fake resolver (every
 * name is ifindex FUZZ_IFINDEX, except names starting with "nosuch", which
 * do not exist), compile (ctl/compile.c), then evaluate the tables with
 * fw_tables_match() on fixed packets and on packets aimed at the policy's
 * own prefixes, ports and VLANs, and hold every answer to the reference
 * model (ctl/model.c): a mismatch aborts, like a crash. fw_tables_free()
 * and fw_policy_free() at the end. Built and run by `make fuzz`.
 */
#include <arpa/inet.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "compile.h"
#include "model.h"
#include "fuzz_sandbox.h"

#define FUZZ_IFINDEX	7
#define FUZZ_NPKT_RULES	16	/* rules that get packets aimed at them */

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	fuzz_sandbox_enter();
	return 0;
}

static int fake_resolve(const char *name)
{
	return strncmp(name, "nosuch", 6) ? FUZZ_IFINDEX : -ENODEV;
}

static struct fw_pkt_desc fixed[12];
static size_t n_fixed;

static void add_fixed(int family, const char *src, const char *dst, int proto,
		      int sport, int dport, int flags, int icmp, int vlan,
		      uint32_t ifindex, bool frag)
{
	struct fw_pkt_desc *p = &fixed[n_fixed++];
	int af = family == 4 ? AF_INET : AF_INET6;

	memset(p, 0, sizeof(*p));
	p->family = (uint8_t)family;
	p->proto = (uint8_t)proto;
	inet_pton(af, src, p->saddr);
	inet_pton(af, dst, p->daddr);
	p->later_fragment = frag;
	p->has_ports = !frag && sport >= 0;
	p->sport = (uint16_t)(sport < 0 ? 0 : sport);
	p->dport = (uint16_t)(dport < 0 ? 0 : dport);
	p->has_tcp = !frag && proto == 6;
	p->tcp_flags = (uint8_t)(flags < 0 ? 0 : flags);
	p->has_icmp = !frag && icmp >= 0;
	p->icmp_type = (uint8_t)(icmp < 0 ? 0 : icmp);
	p->icmp_code = 0;
	p->has_vlan = vlan >= 0;
	p->vlan = (uint16_t)(vlan < 0 ? 0 : vlan);
	p->ifindex = ifindex;
}

static void fixed_packets(void)
{
	if (n_fixed)
		return;
	add_fixed(4, "192.0.2.1", "198.18.2.2", 6, 40000, 22, 0x02, -1, -1, FUZZ_IFINDEX, false);
	add_fixed(4, "198.18.1.2", "192.0.2.80", 6, 1024, 443, 0x12, -1, 10, 8, false);
	add_fixed(4, "203.0.113.9", "198.18.2.2", 17, 5353, 53, -1, -1, -1, FUZZ_IFINDEX, false);
	add_fixed(4, "198.18.1.2", "198.18.2.2", 1, -1, -1, -1, 8, 4095, FUZZ_IFINDEX, false);
	add_fixed(4, "0.0.0.0", "255.255.255.255", 17, -1, -1, -1, -1, -1, 1, true);
	add_fixed(6, "2001:db8:1::2", "2001:db8:2::2", 6, 65535, 0, 0x3f, -1, -1, FUZZ_IFINDEX, false);
	add_fixed(6, "2001:db8::1", "ff02::1", 58, -1, -1, -1, 135, 0, 8, false);
	add_fixed(6, "::", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", 132, 0, 65535, -1, -1, -1, 2, false);
	add_fixed(6, "fe80::1", "2001:db8:2::2", 6, -1, -1, -1, -1, 100, FUZZ_IFINDEX, true);
}

/* Tables and model must agree on p, in both directions. */
static void check_pkt(const struct fw_tables *t, const struct fw_policy *pol,
		      const struct fw_pkt_desc *p)
{
	for (unsigned int d = 0; d < FW_NDIR; d++) {
		int got = fw_tables_match(t, pol, d, p);
		int want = fw_model_match(pol, d, p);

		if (got != want) {
			fprintf(stderr, "fuzz_compile: dir %u family %u proto %u: tables say rule %d, model says %d\n",
				d, p->family, p->proto, got, want);
			abort();
		}
	}
}

/* A packet aimed at rule r: its first prefixes, ports, flags, type, VLAN. */
static void aimed_packet(const struct fw_rule_ir *r, struct fw_pkt_desc *p)
{
	const struct fw_match *m = &r->pos;

	memset(p, 0, sizeof(*p));
	p->family = m->n_src ? m->src[0].family : m->n_dst ? m->dst[0].family : 4;
	if (m->n_src && m->src[0].family == p->family)
		memcpy(p->saddr, m->src[0].addr, 16);
	if (m->n_dst && m->dst[0].family == p->family)
		memcpy(p->daddr, m->dst[0].addr, 16);
	p->proto = 6;
	for (unsigned int v = 0; m->has_proto && v < 256; v++)
		if (m->proto[v / 64] >> (v % 64) & 1) {
			p->proto = (uint8_t)v;
			break;
		}
	p->has_ports = p->proto == 6 || p->proto == 17 || p->proto == 132 || p->proto == 136;
	p->sport = m->n_sport ? m->sport[0].hi : 1234;
	p->dport = m->n_dport ? m->dport[0].lo : 80;
	p->has_tcp = p->proto == 6;
	p->tcp_flags = m->n_tcp_flags ? m->tcp_flags[0].value : 0x10;
	p->has_icmp = p->proto == 1 || p->proto == 58;
	for (unsigned int v = 0; m->has_icmp_type && v < 256; v++)
		if (m->icmp_type[v / 64] >> (v % 64) & 1) {
			p->icmp_type = (uint8_t)v;
			break;
		}
	for (unsigned int v = 0; m->has_vlan && v < 4096; v++)
		if (m->vlan[v / 64] >> (v % 64) & 1) {
			p->has_vlan = true;
			p->vlan = (uint16_t)v;
			break;
		}
	p->ifindex = m->has_iface ? FUZZ_IFINDEX : 3;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fw_policy pol;
	struct fw_tables t;
	struct fw_err err;
	struct fw_pkt_desc p;
	char buf[1024];

	if (fw_policy_parse_buf((const char *)data, size, "fuzz.json", &pol, &err))
		return 0;	/* fuzz_parse covers the errors */
	if (fw_policy_resolve(&pol, fake_resolve, &err)) {
		fw_err_format(&err, buf, sizeof(buf));
		goto out;
	}
	memset(&t, 0, sizeof(t));
	if (fw_compile(&pol, &t, &err)) {
		fw_err_format(&err, buf, sizeof(buf));
		goto out;
	}
	fixed_packets();
	for (size_t i = 0; i < n_fixed; i++)
		check_pkt(&t, &pol, &fixed[i]);
	for (int d = 0; d < FW_NDIR; d++)
		for (size_t i = 0; i < pol.dir[d].n_rules && i < FUZZ_NPKT_RULES; i++) {
			aimed_packet(&pol.dir[d].rules[i], &p);
			check_pkt(&t, &pol, &p);
			p.later_fragment = true;	/* the same, as a later fragment */
			p.has_ports = p.has_tcp = p.has_icmp = false;
			check_pkt(&t, &pol, &p);
		}
	fw_tables_free(&t);
out:
	fw_policy_free(&pol);
	return 0;
}
