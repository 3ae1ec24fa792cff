// SPDX-License-Identifier: GPL-2.0
/*
 * hw.c - XDP hardware offload ("mode": "hw"): compile a policy into the
 * reduced classifier of fw_hw.h, create the maps on the NIC (map_ifindex),
 * load xdp/fw_xdp_hw.bpf.c for it (prog_ifindex), fill the maps and attach
 * with XDP_FLAGS_HW_MODE over rtnetlink; find, update and detach it.
 *
 * An offloaded program cannot use the host's pinned maps, so each hw
 * attachment has its own program and maps, pinned under PIN_DIR/hw/IFINDEX/
 * (the kernel holds them; the pins are how a later fwctl finds and updates
 * them). apply writes every hw attachment's standby generation and flips it
 * after the host's flip. When a driver refuses, nothing is left behind: no
 * pin, no attachment, and the host maps are not touched.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <linux/ethtool.h>
#include <linux/if_link.h>
#include <linux/sockios.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "fwctl.h"

enum { HW_GEN, HW_CFG, HW_RULES, HW_NMAPS };
static const char *const hw_map_names[HW_NMAPS] = {
	[HW_GEN] = FW_XSTR(FW_HW_MAP_GEN),
	[HW_CFG] = FW_XSTR(FW_HW_MAP_CFG),
	[HW_RULES] = FW_XSTR(FW_HW_MAP_RULES),
};

/* --- compile ---------------------------------------------------------------------- */

static const char *unsupported(const struct fw_match *m)
{
	return m->has_tcp_flags ? "tcp_flags" : m->has_icmp_type ? "icmp_type" :
	       m->has_icmp_code ? "icmp_code" : m->has_vlan ? "vlan" :
	       m->has_iface ? "interface" : m->has_ct ? "ct" : NULL;
}

static bool any_field(const struct fw_match *m)
{
	return m->has_src || m->has_dst || m->has_proto || m->has_sport ||
	       m->has_dport || unsupported(m);
}

static void mask_of(uint8_t plen, uint8_t *mask)
{
	memset(mask, 0, 16);
	for (unsigned int i = 0; i < plen; i++)
		mask[i / 8] |= (uint8_t)(0x80 >> (i % 8));
}

/* Entries a rule expands to (families that cannot meet are skipped). */
static size_t expansion(const struct fw_rule_ir *r, size_t nproto)
{
	size_t pairs = 0, ns = r->pos.has_src ? r->pos.n_src : 1;
	size_t nd = r->pos.has_dst ? r->pos.n_dst : 1;

	for (size_t i = 0; i < ns; i++)
		for (size_t k = 0; k < nd; k++)
			if (!r->pos.has_src || !r->pos.has_dst ||
			    r->pos.src[i].family == r->pos.dst[k].family)
				pairs++;
	return pairs * nproto * (r->pos.has_sport ? r->pos.n_sport : 1) *
	       (r->pos.has_dport ? r->pos.n_dport : 1);
}

int fw_hw_compile(const struct fw_policy *pol, struct fw_hw_tables *t, struct fw_err *err)
{
	const struct fw_ruleset *rs = &pol->dir[FW_DIR_INGRESS];
	const char *what;
	size_t n = 0;

	memset(t, 0, sizeof(*t));
	/* forwarding (issue 6): a NIC cannot redirect to another netdev's devmap
	 * entry, and the reverse NAT of egress rewrites runs in host XDP */
	for (int d = 0; d < FW_NDIR; d++) {
		for (size_t ri = 0; ri < pol->dir[d].n_rules; ri++) {
			const struct fw_rule_ir *r = &pol->dir[d].rules[ri];
			char path[64];

			if (r->action == FW_ACT_REDIRECT) {
				snprintf(path, sizeof(path), "%s.action", r->path);
				fw_policy_error_at(pol, path, err,
						   "redirect and fib forwarding are not supported in hw mode (hw rules pass or drop)");
				return -EINVAL;
			}
			if (r->fwd.has_rewrite) {
				snprintf(path, sizeof(path), "%s.rewrite", r->path);
				fw_policy_error_at(pol, path, err,
						   "egress rewrite is not supported with hw mode attachments (its static NAT reverse runs in the host's XDP program)");
				return -EINVAL;
			}
		}
	}
	t->cfg.valid = 1;
	t->cfg.default_action = rs->default_action;
	t->cfg.non_ip_action = pol->non_ip_action;
	t->cfg.frag_mode = pol->frag_mode;
	t->cfg.malformed_action = pol->malformed_action;
	if (pol->ct.on) {	/* no flow table on a NIC: say what turned it on */
		const char *path = pol->ct.declared ? "conntrack" : NULL;
		char rp[64] = "rules";

		for (size_t ri = 0; !path && ri < rs->n_rules; ri++) {
			const struct fw_rule_ir *r = &rs->rules[ri];

			if (r->track || r->pos.has_ct || r->neg.has_ct) {
				snprintf(rp, sizeof(rp), "%s%s", r->path, r->track ? ".track" :
					 r->pos.has_ct ? ".ct" : ".not.ct");
				break;
			}
		}
		fw_policy_error_at(pol, path ? path : rp, err,
				   "conntrack is not supported in hw mode (no flow table on the NIC): remove \"conntrack\", \"ct\" matchers and \"track\" rules, or attach in native/skb mode");
		return -EINVAL;
	}
	for (size_t ri = 0; ri < rs->n_rules; ri++) {
		const struct fw_rule_ir *r = &rs->rules[ri];
		const struct fw_match *m = &r->pos;
		int protos[256], nproto = 0;
		char path[64];
		size_t need;

		if (r->log) {
			snprintf(path, sizeof(path), "%s.log", r->path);
			fw_policy_error_at(pol, path, err,
					   "\"log\" is not supported in hw mode (the offloaded program has no event ring buffer)");
			return -EINVAL;
		}
		if (r->limit.set) {		/* rate limits: host only */
			snprintf(path, sizeof(path), "%s.limit", r->path);
			fw_policy_error_at(pol, path, err,
					   "rate limits are not supported in hw mode (the offloaded program keeps no per-rule state; attach in native or skb mode to rate-limit)");
			return -EINVAL;
		}
		if (any_field(&r->neg)) {
			snprintf(path, sizeof(path), "%s.not", r->path);
			fw_policy_error_at(pol, path, err,
					   "\"not\" is not supported in hw mode (hw rules match src, dst, protocol, src_port and dst_port)");
			return -EINVAL;
		}
		what = unsupported(m);
		if (!what && (m->src_sets || m->dst_sets))
			what = m->src_sets ? "src" : "dst";
		if (what) {
			snprintf(path, sizeof(path), "%s.%s", r->path, what);
			fw_policy_error_at(pol, path, err,
					   "%s is not supported in hw mode (hw rules match src and dst prefixes, not sets; protocol, src_port and dst_port)",
					   m->src_sets || m->dst_sets ? "a set" : what);
			return -EINVAL;
		}
		for (int p = 0; p < 256; p++)
			if (!m->has_proto || (m->proto[p / 64] >> (p % 64) & 1))
				protos[nproto++] = m->has_proto ? p : -1;
		if (!m->has_proto)
			nproto = 1;
		need = expansion(r, (size_t)nproto);
		if (n + need > FW_HW_MAX_RULES) {
			fw_policy_error_at(pol, r->path, err,
					   "hw mode holds at most %d classifier entries, and the rules up to this one need %zu (a rule's lists multiply: src x dst x protocol x src_port x dst_port)",
					   FW_HW_MAX_RULES, n + need);
			return -EINVAL;
		}
		for (size_t is = 0; is < (m->has_src ? m->n_src : 1); is++)
		for (size_t id = 0; id < (m->has_dst ? m->n_dst : 1); id++)
		for (int ip = 0; ip < nproto; ip++)
		for (size_t isp = 0; isp < (m->has_sport ? m->n_sport : 1); isp++)
		for (size_t idp = 0; idp < (m->has_dport ? m->n_dport : 1); idp++) {
			const struct fw_prefix *s = m->has_src ? &m->src[is] : NULL;
			const struct fw_prefix *d = m->has_dst ? &m->dst[id] : NULL;
			struct fw_hw_rule *e = &t->rules[n];

			if (s && d && s->family != d->family)
				continue;
			memset(e, 0, sizeof(*e));
			e->action = r->action;
			e->family = s ? s->family : d ? d->family : 0;
			if (s) {
				memcpy(e->src, s->addr, 16);
				mask_of(s->plen, e->src_mask);
			}
			if (d) {
				memcpy(e->dst, d->addr, 16);
				mask_of(d->plen, e->dst_mask);
			}
			if (protos[ip] >= 0) {
				e->flags |= FW_HW_F_PROTO;
				e->proto = (uint8_t)protos[ip];
			}
			if (m->has_sport) {
				e->flags |= FW_HW_F_SPORT;
				e->sport_lo = m->sport[isp].lo;
				e->sport_hi = m->sport[isp].hi;
			}
			if (m->has_dport) {
				e->flags |= FW_HW_F_DPORT;
				e->dport_lo = m->dport[idp].lo;
				e->dport_hi = m->dport[idp].hi;
			}
			n++;
		}
	}
	t->cfg.n_rules = (uint32_t)n;
	return 0;
}

int fw_hw_write(const int fd[3], const struct fw_hw_tables *t)
{
	struct fw_hw_cfg off = { 0 };
	uint32_t zero = 0, gen = 0;

	if (bpf_map_lookup_elem(fd[HW_GEN], &zero, &gen))
		return -errno;
	gen = (gen & 1) ^ 1;		/* the standby generation */
	if (bpf_map_update_elem(fd[HW_CFG], &gen, &off, BPF_ANY))
		return -errno;
	for (uint32_t i = 0; i < t->cfg.n_rules; i++) {
		uint32_t k = gen * FW_HW_MAX_RULES + i;

		if (bpf_map_update_elem(fd[HW_RULES], &k, &t->rules[i], BPF_ANY))
			return -errno;
	}
	if (bpf_map_update_elem(fd[HW_CFG], &gen, &t->cfg, BPF_ANY) ||
	    bpf_map_update_elem(fd[HW_GEN], &zero, &gen, BPF_ANY))
		return -errno;
	return 0;
}

/* --- pins ------------------------------------------------------------------------- */

static void hw_path(const struct fw_state *st, int ifindex, const char *name,
		    char *buf, size_t size)
{
	int n;

	if (ifindex)
		n = snprintf(buf, size, "%s/hw/%d%s%s", st->pin_dir, ifindex, name ? "/" : "",
			     name ? name : "");
	else
		n = snprintf(buf, size, "%s/hw", st->pin_dir);
	if (n < 0 || (size_t)n >= size)
		buf[0] = '\0';		/* too long: no such path */
}

static void hw_unpin(const struct fw_state *st, int ifindex)
{
	char path[PATH_MAX];

	hw_path(st, ifindex, "prog", path, sizeof(path));
	unlink(path);
	for (int i = 0; i < HW_NMAPS; i++) {
		hw_path(st, ifindex, hw_map_names[i], path, sizeof(path));
		unlink(path);
	}
	hw_path(st, ifindex, NULL, path, sizeof(path));
	rmdir(path);
	hw_path(st, 0, NULL, path, sizeof(path));
	rmdir(path);		/* when it was the last one */
}

/* Ifindexes with hw pins: count, or -errno; *out malloc'd. */
static int hw_pinned(const struct fw_state *st, int **out)
{
	char path[PATH_MAX];
	struct dirent *de;
	int n = 0, cap = 0, *v = NULL;
	DIR *d;

	*out = NULL;
	hw_path(st, 0, NULL, path, sizeof(path));
	d = opendir(path);
	if (!d)
		return errno == ENOENT ? 0 : -errno;
	while ((de = readdir(d))) {
		int idx = atoi(de->d_name);

		if (idx <= 0)
			continue;
		if (n == cap) {
			int *p = realloc(v, (size_t)(cap = cap ? cap * 2 : 8) * sizeof(*v));

			if (!p) {
				free(v);
				closedir(d);
				return -ENOMEM;
			}
			v = p;
		}
		v[n++] = idx;
	}
	closedir(d);
	*out = v;
	return n;
}

static uint32_t pinned_prog_id(const struct fw_state *st, int ifindex)
{
	struct bpf_prog_info info = { 0 };
	uint32_t len = sizeof(info), id = 0;
	char path[PATH_MAX];
	int fd;

	hw_path(st, ifindex, "prog", path, sizeof(path));
	fd = bpf_obj_get(path);
	if (fd < 0)
		return 0;
	if (!bpf_obj_get_info_by_fd(fd, &info, &len))
		id = info.id;
	close(fd);
	return id;
}

bool fw_hw_query(const struct fw_state *st, int ifindex, struct fw_attachment *a)
{
	struct fw_link l;
	uint32_t id;

	id = pinned_prog_id(st, ifindex);
	if (!id || fw_nl_link(ifindex, &l) || l.xdp_hw_prog_id != id)
		return false;
	a->xdp = true;
	a->xdp_mode = FW_MODE_HW;
	a->xdp_multiprog = false;
	a->xdp_prog_id = id;
	return true;
}

/* --- the policy ---------------------------------------------------------------------- */

int fw_hw_tables_of(const struct fw_policy *pol, struct fw_hw_tables *t)
{
	struct fw_err err = { 0 };
	char buf[1024];

	if (!fw_hw_compile(pol, t, &err))
		return 0;
	fw_err(0, "%s", fw_err_format(&err, buf, sizeof(buf)));
	return -EINVAL;
}

int fw_hw_tables_active(const struct fw_state *st, struct fw_hw_tables *t)
{
	struct fw_meta_info mi = { 0 };
	struct fw_policy pol = { 0 };
	struct fw_err err = { 0 };
	uint32_t gen;
	int ret;

	ret = fw_read_active_gen(st, &gen);
	if (!ret)
		ret = fw_read_meta(st, gen, &mi);
	if (ret == -ENOENT)
		return fw_err(-ENOENT, "hw mode compiles the active policy, and none is applied ('fwctl apply' one first)");
	if (ret)
		return fw_err(ret, "cannot read the active policy");
	ret = fw_policy_parse_pinned(mi.text, strlen(mi.text), mi.meta.path, &pol, &err);
	if (ret)
		ret = fw_err(-EPROTO, "the pinned policy does not parse");
	else
		ret = fw_hw_tables_of(&pol, t);
	fw_policy_free(&pol);
	fw_meta_info_free(&mi);
	return ret;
}

int fw_hw_check(const struct fw_state *st, const struct fw_policy *pol, struct fw_hw_tables *t)
{
	int *idx = NULL, n = hw_pinned(st, &idx);

	free(idx);
	if (n <= 0)
		return n;		/* no hw attachment: nothing to check */
	return fw_hw_tables_of(pol, t) ? -EINVAL : n;
}

int fw_hw_update_all(const struct fw_state *st, const struct fw_hw_tables *t)
{
	int *idx = NULL, n = hw_pinned(st, &idx), ret = 0;

	for (int i = 0; i < n; i++) {
		int fd[HW_NMAPS] = { -1, -1, -1 }, err = 0;
		char path[PATH_MAX];

		for (int m = 0; m < HW_NMAPS && !err; m++) {
			hw_path(st, idx[i], hw_map_names[m], path, sizeof(path));
			fd[m] = bpf_obj_get(path);
			if (fd[m] < 0)
				err = -errno;
		}
		if (!err)
			err = fw_hw_write(fd, t);
		if (err)
			ret = fw_err(err, "cannot update the offloaded tables of ifindex %d", idx[i]);
		for (int m = 0; m < HW_NMAPS; m++)
			if (fd[m] >= 0)
				close(fd[m]);
	}
	free(idx);
	return n < 0 ? n : ret;
}

/* --- attach / detach ------------------------------------------------------------------ */

/* The driver of a link (ETHTOOL_GDRVINFO), or "unknown". */
static void driver_of(const char *ifname, char *buf, size_t size)
{
	struct ethtool_drvinfo info = { .cmd = ETHTOOL_GDRVINFO };
	struct ifreq ifr = { 0 };
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	snprintf(buf, size, "unknown");
	if (fd < 0)
		return;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	ifr.ifr_data = (void *)&info;
	if (!ioctl(fd, SIOCETHTOOL, &ifr) && info.driver[0])
		snprintf(buf, size, "%s", info.driver);
	close(fd);
}

/* The last non-empty lines of a verifier log, on one line. */
static void log_tail(const char *log, char *out, size_t size)
{
	const char *end = log + strlen(log), *p = end;
	int lines = 0;

	while (p > log && lines < 4)
		if (*--p == '\n' && p + 1 < end)
			lines++;
	if (*p == '\n')
		p++;
	snprintf(out, size, "%s", p);
	for (char *c = out; *c; c++)
		if (*c == '\n')
			*c = *(c + 1) ? ' ' : '\0';
}

static const char *errname(int err)
{
	const char *n = strerrorname_np(err < 0 ? -err : err);

	return n ? n : "?";
}

/*
 * Why an offload step failed: the kernel's own words when it gave any,
 * else what the errno means for a device-bound object (see
 * bpf_prog_dev_bound_init / bpf_map_offload_map_alloc in kernel/bpf/offload.c).
 */
static int refused(const char *ifname, const char *drv, const char *step, int err,
		   const char *kernel_says)
{
	const char *meaning = "";

	if (err == -EOPNOTSUPP)
		meaning = "; the kernel gave no message: the driver has no BPF support (ndo_bpf)";
	else if (err == -EINVAL && !(kernel_says && *kernel_says))
		meaning = "; the kernel gave no message: EINVAL for a device-bound object means the driver offers no BPF offload (hw mode needs one that does, such as nfp)";
	fw_err(0, "cannot attach XDP in hw (offload) mode to %s (driver %s): the kernel refused to %s: %s (%s)%s%s%s",
	       ifname, drv, step, strerror(-err), errname(err), meaning,
	       kernel_says && *kernel_says ? "; kernel: " : "", kernel_says ? kernel_says : "");
	return err;
}

int fw_hw_attach(struct fw_state *st, int ifindex, const char *ifname,
		 struct fw_attachment *a)
{
	static char vlog[1 << 20];
	struct fw_hw_tables t;
	struct bpf_object *obj = NULL;
	struct bpf_program *prog;
	int fd[HW_NMAPS] = { -1, -1, -1 }, pfd, ret;
	char drv[64], path[PATH_MAX], why[512];
	bool attached = false, pinned = false;

	ret = fw_hw_tables_active(st, &t);
	if (ret)
		return ret;
	driver_of(ifname, drv, sizeof(drv));
	obj = fw_open_xdp_hw_obj();
	if (!obj)
		return -EINVAL;
	for (int i = 0; i < HW_NMAPS; i++) {
		struct bpf_map *m = bpf_object__find_map_by_name(obj, hw_map_names[i]);
		LIBBPF_OPTS(bpf_map_create_opts, opts, .map_ifindex = (uint32_t)ifindex);
		char step[64];

		if (!m) {
			ret = fw_err(-ENOENT, "the hw program has no map %s", hw_map_names[i]);
			goto fail;
		}
		fd[i] = bpf_map_create(bpf_map__type(m), hw_map_names[i], bpf_map__key_size(m),
				       bpf_map__value_size(m), bpf_map__max_entries(m), &opts);
		if (fd[i] < 0) {
			snprintf(step, sizeof(step), "create map %s on the device", hw_map_names[i]);
			ret = refused(ifname, drv, step, -errno, NULL);
			goto fail;
		}
		ret = bpf_map__reuse_fd(m, fd[i]);
		if (ret) {
			fw_err(ret, "cannot use the offloaded map %s", hw_map_names[i]);
			goto fail;
		}
	}
	prog = bpf_object__find_program_by_name(obj, "fw_xdp_hw");
	if (!prog) {
		ret = fw_err(-ENOENT, "the hw program is missing");
		goto fail;
	}
	bpf_program__set_ifindex(prog, (uint32_t)ifindex);
	vlog[0] = '\0';
	bpf_program__set_log_buf(prog, vlog, sizeof(vlog));
	bpf_program__set_log_level(prog, 1);
	ret = bpf_object__load(obj);
	if (ret) {
		log_tail(vlog, why, sizeof(why));
		ret = refused(ifname, drv, "load the program for the device", ret, why);
		goto fail;
	}
	pfd = bpf_program__fd(prog);
	ret = fw_hw_write(fd, &t);
	if (ret) {
		ret = refused(ifname, drv, "fill the offloaded maps", ret, NULL);
		goto fail;
	}
	ret = fw_nl_xdp_set(ifindex, pfd, XDP_FLAGS_HW_MODE | XDP_FLAGS_UPDATE_IF_NOEXIST,
			    why, sizeof(why));
	if (ret) {
		ret = refused(ifname, drv, "attach the program in hw mode", ret, why);
		goto fail;
	}
	attached = true;
	hw_path(st, 0, NULL, path, sizeof(path));
	mkdir(path, 0700);
	hw_path(st, ifindex, NULL, path, sizeof(path));
	mkdir(path, 0700);
	pinned = true;
	hw_path(st, ifindex, "prog", path, sizeof(path));
	ret = bpf_obj_pin(pfd, path) ? -errno : 0;
	for (int i = 0; i < HW_NMAPS && !ret; i++) {
		hw_path(st, ifindex, hw_map_names[i], path, sizeof(path));
		ret = bpf_obj_pin(fd[i], path) ? -errno : 0;
	}
	if (ret) {
		fw_err(ret, "cannot pin the offloaded program of %s under %s", ifname, st->pin_dir);
		goto fail;
	}
	a->xdp = true;
	a->xdp_mode = FW_MODE_HW;
	a->xdp_multiprog = false;
	{
		struct bpf_prog_info info = { 0 };
		uint32_t len = sizeof(info);

		if (!bpf_obj_get_info_by_fd(pfd, &info, &len))
			a->xdp_prog_id = info.id;
	}
	ret = 0;
	goto out;
fail:
	if (attached)
		fw_nl_xdp_set(ifindex, -1, XDP_FLAGS_HW_MODE, why, sizeof(why));
	if (pinned)
		hw_unpin(st, ifindex);
out:
	for (int i = 0; i < HW_NMAPS; i++)
		if (fd[i] >= 0)
			close(fd[i]);
	bpf_object__close(obj);
	return ret;
}

int fw_hw_detach(const struct fw_state *st, int ifindex, const char *ifname)
{
	struct fw_attachment a = { 0 };
	char msg[256];
	int ret = 0;

	if (fw_hw_query(st, ifindex, &a)) {
		ret = fw_nl_xdp_set(ifindex, -1, XDP_FLAGS_HW_MODE, msg, sizeof(msg));
		if (ret)
			fw_err(ret, "cannot detach the offloaded program from %s%s%s", ifname,
			       *msg ? ": " : "", msg);
	}
	if (!ret)
		hw_unpin(st, ifindex);
	return ret;
}

void fw_hw_unpin_all(const struct fw_state *st)
{
	int *idx = NULL, n = hw_pinned(st, &idx);

	for (int i = 0; i < n; i++)
		hw_unpin(st, idx[i]);
	free(idx);
}
