/* SPDX-License-Identifier: GPL-2.0 */
/*
 * harness.h - the real XDP and tc programs loaded into this kernel with
 * their maps on a private bpffs, for BPF_PROG_TEST_RUN: setup/teardown,
 * applying a policy, running frames, reading counters, and the randomized
 * differential test against the reference model. Shared by the program
 * tests (cmocka) and fw-difftest (make difftest). Header-only.
 */
#ifndef FW_TEST_HARNESS_H
#define FW_TEST_HARNESS_H

#include <errno.h>
#include <stdlib.h>
#include <unistd.h>
#include <sys/mount.h>
#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "fwctl.h"
#include "gen.h"
#include "dp/ctkey.h"

/*
 * The verdict cache (fw_tblcfg.vcache) of every table h_apply_json()
 * applies: -1 as compiled (tables of FW_VC_MIN_RULES rules or more), 0 off,
 * 1 on.
 */
static int h_vcache = -1;

struct fw_harness {
	char mnt[64];
	char pin[128];
	struct fw_state st;
	struct bpf_object *xdp_obj;
	int xdp_fd, tc_fd;
};

static int h_setup(struct fw_harness *h)
{
	struct bpf_program *prog;

	memset(h, 0, sizeof(*h));
	h->st = (struct fw_state)FW_STATE_INIT;
	h->xdp_fd = h->tc_fd = -1;
	snprintf(h->mnt, sizeof(h->mnt), "/tmp/fwprog.XXXXXX");
	if (!mkdtemp(h->mnt) || mount("bpf", h->mnt, "bpf", 0, "mode=0700")) {
		fprintf(stderr, "cannot mount bpffs on %s: %s\n", h->mnt, strerror(errno));
		return -1;
	}
	snprintf(h->pin, sizeof(h->pin), "%s/fw", h->mnt);
	if (fw_state_open(&h->st, h->pin, FW_ST_WRITE | FW_ST_CREATE))
		return -1;
	h->xdp_obj = fw_open_xdp_obj(h->pin);
	if (!h->xdp_obj || bpf_object__load(h->xdp_obj))
		return -1;
	prog = bpf_object__find_program_by_name(h->xdp_obj, "fw_xdp_ingress");
	h->xdp_fd = prog ? bpf_program__fd(prog) : -1;
	h->tc_fd = fw_load_tc_prog(h->pin);
	return h->xdp_fd < 0 || h->tc_fd < 0 ? -1 : 0;
}

static void h_teardown(struct fw_harness *h)
{
	if (h->tc_fd >= 0)
		close(h->tc_fd);
	bpf_object__close(h->xdp_obj);
	fw_state_unpin(&h->st);
	fw_state_close(&h->st);
	umount(h->mnt);
	rmdir(h->mnt);
}

/* Run one frame; 0 with *retval, or -errno. */
static int h_run(int fd, const void *pkt, size_t len, int *retval)
{
	uint8_t out[512];
	LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = pkt,
		    .data_size_in = (uint32_t)len, .data_out = out,
		    .data_size_out = sizeof(out), .repeat = 1);
	int ret = bpf_prog_test_run_opts(fd, &opts);

	*retval = (int)opts.retval;
	return ret;
}

/* Parse, resolve (gen_resolve), compile and apply; 0 or -1 with msg. */
static int h_apply_json(struct fw_harness *h, const char *json, char *msg,
			size_t size)
{
	struct fw_policy pol = { 0 };
	struct fw_tables t;
	struct fw_err err = { 0 };
	int ret = -1;

	if (fw_policy_parse_buf(json, strlen(json), "t.json", &pol, &err) ||
	    fw_policy_resolve(&pol, gen_resolve, &err) ||
	    fw_compile(&pol, &t, &err)) {
		fw_err_format(&err, msg, size);
		fw_policy_free(&pol);
		return -1;
	}
	for (int d = 0; d < FW_NDIR && h_vcache >= 0; d++)
		t.dir[d].vcache = (uint8_t)h_vcache;
	if (fw_apply_tables(&h->st, &t, &pol, NULL))
		snprintf(msg, size, "apply failed");
	else
		ret = 0;
	fw_tables_free(&t);
	fw_policy_free(&pol);
	return ret;
}

static uint64_t h_reason_count(struct fw_harness *h, unsigned int dir,
			       unsigned int reason)
{
	struct fw_counter c;

	if (fw_read_counter(h->st.fd[M_STATS], dir * __FW_R_MAX + reason, &c))
		return UINT64_MAX;
	return c.packets;
}

/* Counter of rule 'rule' (-1: the default) of the active generation. */
static uint64_t h_rule_count(struct fw_harness *h, unsigned int dir, int rule)
{
	struct fw_counter c;
	uint32_t gen;

	if (fw_read_active_gen(&h->st, &gen) ||
	    fw_read_counter(h->st.fd[M_RCNT], FW_TBL(gen, dir) * FW_NCNT +
			    (uint32_t)(rule < 0 ? FW_MAX_RULES : rule), &c))
		return UINT64_MAX;
	return c.packets;
}

static bool h_counts_rule(const struct fw_model_verdict *v)
{
	return v->rule >= 0 || v->reason == FW_R_DEFAULT_PASS ||
	       v->reason == FW_R_DEFAULT_DROP;
}

/*
 * Give the kernel's flow table the state that makes frame's conntrack
 * state d->ct (when it can be had; d->ct is set to what it will be): no
 * entry, or a live entry (TCP: ESTABLISHED or SYN_SENT) whose originator is
 * the frame's sender or its receiver. The expectation is the conntrack spec
 * (rules/README.md), written here again on its own:
 *  - no entry: TCP other than a pure SYN is invalid, the rest new;
 *  - an entry, TCP: a pure SYN is new from the originator, invalid from the
 *    responder; a SYN-ACK is established from the responder, invalid from
 *    the originator; any other SYN invalid; while SYN_SENT, the responder's
 *    packets without SYN are invalid but for a RST; the rest established;
 *  - an entry, other protocols: established;
 *  - conntrack off, later fragments, ICMP other than echo: untracked.
 */
static int h_ct_prepare(struct fw_harness *h, const struct fw_policy *pol,
			struct rng *r, const uint8_t *frame, size_t len,
			struct fw_pkt_desc *d)
{
	struct fw_pkt p = { 0 };
	struct fw_ct_key k;
	struct fw_ct_entry e = { 0 };
	bool want_entry = d->ct == FW_CT_ESTABLISHED || rng_pct(r, 25);
	bool orig = rng_pct(r, 50), syn_sent = rng_pct(r, 30);
	uint8_t f, syn, ack, rst;
	int side, fd, ret = 0;

	if (!pol->ct.on || fw_parse((void *)frame, (void *)(frame + len), len, true, &p) ||
	    (side = fw_ct_key_of(&p, &k)) < 0) {
		d->ct = FW_CT_UNTRACKED;
		return 0;
	}
	fd = fw_ct_table_fd(&h->st);
	if (fd < 0)
		return fd;
	f = d->has_tcp ? d->tcp_flags : 0;
	syn = f & 0x02;
	ack = f & 0x10;
	rst = f & 0x04;
	if (want_entry) {
		e.created_ns = e.last_ns = fw_mono_ns();
		e.state = !d->has_tcp ? FW_CTE_REPLIED :
			  syn_sent ? FW_CTE_SYN_SENT : FW_CTE_ESTABLISHED;
		e.orig_a = (uint8_t)(orig ? side : !side);
		if (bpf_map_update_elem(fd, &k, &e, BPF_ANY))
			ret = -errno;
		if (!d->has_tcp)
			d->ct = FW_CT_ESTABLISHED;
		else if (syn && !ack && !rst)
			d->ct = orig ? FW_CT_NEW : FW_CT_INVALID;
		else if (syn && ack && !rst)
			d->ct = orig ? FW_CT_INVALID : FW_CT_ESTABLISHED;
		else if (syn)
			d->ct = FW_CT_INVALID;
		else if (syn_sent && !orig && !rst)
			d->ct = FW_CT_INVALID;
		else
			d->ct = FW_CT_ESTABLISHED;
	} else {
		if (bpf_map_delete_elem(fd, &k) && errno != ENOENT)
			ret = -errno;
		d->ct = d->has_tcp && !(syn && !ack && !rst) ? FW_CT_INVALID : FW_CT_NEW;
	}
	close(fd);
	return ret;
}

/*
 * Random policies and packets: the kernel's verdict, reason counter and
 * matched rule (the counter that moved) must be the reference model's.
 * Test runs see every packet on the loopback device (ifindex 1). Returns
 * the cases run (-1 if a policy could not be applied); adds mismatches to
 * *mismatches and prints reproducers of the first few to log.
 */
static long __attribute__((unused)) h_differential(struct fw_harness *h, uint64_t seed, int policies,
			   int max_rules, int packets, long *mismatches, FILE *log)
{
	struct rng r = { seed ? seed : 1 };
	long cases = 0;

	gen_limits = true;	/* rules with limits they never reach */

	for (int i = 0; i < policies; i++) {
		struct gen_pool pool;
		struct fw_policy pol = { 0 };
		struct fw_err err = { 0 };
		char msg[1024], *json;

		gen_pool_init(&r, &pool);
		json = gen_policy_json(&r, &pool, 1 + (int)rng_below(&r, (uint32_t)max_rules),
				       (int)rng_below(&r, 8));
		if (h_apply_json(h, json, msg, sizeof(msg)) ||
		    fw_policy_parse_buf(json, strlen(json), "t", &pol, &err) ||
		    fw_policy_resolve(&pol, gen_resolve, &err)) {
			fprintf(log, "seed %llu policy %d: %s\npolicy: %s\n",
				(unsigned long long)seed, i, msg, json);
			fw_policy_free(&pol);
			free(json);
			return -1;
		}
		struct fw_pkt_desc d;
		struct gen_frame f;
		uint8_t frame[256];
		size_t len = 0;

		for (int k = 0; k < packets; k++) {
			struct fw_model_verdict v;
			unsigned int dir = rng_pct(&r, 75) ? 0 : 1;
			int verdict = -99, want;
			uint64_t c0 = 0, s0;
			bool bad;

			/*
			 * A third of the packets is the previous one again (its
			 * flow state drawn anew), a sixth the previous one with
			 * one field from another packet: verdict-cache hits, and
			 * near misses that a key missing a field would take for
			 * hits.
			 */
			if (!len || rng_pct(&r, 50)) {
				gen_packet(&r, &pool, &d, &f);
				d.ifindex = 1;
				len = gen_frame_build(&d, &f, frame);
			} else if (rng_pct(&r, 33)) {
				struct fw_pkt_desc d2;
				struct gen_frame f2;

				gen_packet(&r, &pool, &d2, &f2);
				switch (rng_below(&r, 6)) {
				case 0:
					if (d2.family == d.family)
						memcpy(d.saddr, d2.saddr, 16);
					break;
				case 1:
					if (d2.family == d.family)
						memcpy(d.daddr, d2.daddr, 16);
					break;
				case 2:
					d.sport = d2.sport;
					break;
				case 3:
					d.dport = d2.dport;
					break;
				case 4:
					d.tcp_flags = d2.tcp_flags;
					break;
				default:
					d.icmp_type = d2.icmp_type;
					d.icmp_code = d2.icmp_code;
					d.vlan = d2.vlan;
					break;
				}
				len = gen_frame_build(&d, &f, frame);
			}
			if (h_ct_prepare(h, &pol, &r, frame, len, &d)) {
				fprintf(log, "cannot set up the flow table\n");
				fw_policy_free(&pol);
				free(json);
				return -1;
			}
			fw_model_decide(&pol, dir, FW_IN_IP, &d, &v);
			if (h_counts_rule(&v))
				c0 = h_rule_count(h, dir, v.rule);
			s0 = h_reason_count(h, dir, v.reason);
			if (dir == 0)
				want = v.action == FW_ACT_DROP ? XDP_DROP : XDP_PASS;
			else
				want = v.action == FW_ACT_DROP ? TC_ACT_SHOT : TC_ACT_UNSPEC;
			bad = h_run(dir ? h->tc_fd : h->xdp_fd, frame, len, &verdict) ||
			      verdict != want || h_reason_count(h, dir, v.reason) != s0 + 1 ||
			      (h_counts_rule(&v) && h_rule_count(h, dir, v.rule) != c0 + 1);
			cases++;
			if (bad && (*mismatches)++ < 3) {
				fprintf(log, "mismatch: seed %llu policy %d %s: model rule %d reason %u verdict %d, kernel verdict %d\npolicy: %s\npacket: ",
					(unsigned long long)seed, i, dir ? "egress" : "ingress",
					v.rule, v.reason, want, verdict, json);
				gen_hex(log, frame, len);
			}
		}
		fw_policy_free(&pol);
		free(json);
	}
	return cases;
}

#endif /* FW_TEST_HARNESS_H */
