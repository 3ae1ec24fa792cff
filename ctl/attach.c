// SPDX-License-Identifier: GPL-2.0
/*
 * attach.c - attach, detach and find fwctl's programs on interfaces: XDP
 * through libxdp (its multi-program dispatcher where the kernel allows it,
 * else libxdp's single-program mode), or offloaded to the NIC (hw.c), tc
 * egress through libbpf's clsact API. A program is "ours" when it uses this pin directory's fw_gen map, so
 * the kernel, not a record of ours, is the truth about attachments.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/if_link.h>
#include <linux/pkt_sched.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <xdp/libxdp.h>
#include "fwctl.h"

static bool prog_is_ours(const struct fw_state *st, uint32_t prog_id)
{
	struct bpf_prog_info info = { 0 };
	uint32_t len = sizeof(info), ids[64];
	bool ours = false;
	int fd;

	if (!prog_id)
		return false;
	fd = bpf_prog_get_fd_by_id(prog_id);
	if (fd < 0)
		return false;
	info.nr_map_ids = 64;
	info.map_ids = (uint64_t)(unsigned long)ids;
	if (!bpf_obj_get_info_by_fd(fd, &info, &len))
		for (uint32_t i = 0; i < info.nr_map_ids && i < 64; i++)
			if (ids[i] == st->gen_map_id)
				ours = true;
	close(fd);
	return ours;
}

static uint8_t mode_of(enum xdp_attach_mode m)
{
	return m == XDP_MODE_SKB ? FW_MODE_SKB : FW_MODE_NATIVE;
}

/* Find our XDP program on ifindex; returns the libxdp handle or NULL. */
static struct xdp_program *find_xdp(const struct fw_state *st, int ifindex,
				    struct xdp_multiprog **mpp,
				    struct fw_attachment *a)
{
	struct xdp_multiprog *mp = xdp_multiprog__get_from_ifindex(ifindex);
	struct xdp_program *p = NULL;

	*mpp = NULL;
	if (!mp || libxdp_get_error(mp))
		return NULL;
	if (xdp_multiprog__is_legacy(mp)) {
		p = xdp_multiprog__main_prog(mp);
		if (p && !prog_is_ours(st, xdp_program__id(p)))
			p = NULL;
	} else {
		for (p = xdp_multiprog__next_prog(NULL, mp); p;
		     p = xdp_multiprog__next_prog(p, mp))
			if (prog_is_ours(st, xdp_program__id(p)))
				break;
	}
	if (!p) {
		xdp_multiprog__close(mp);
		return NULL;
	}
	a->xdp = true;
	a->xdp_prog_id = xdp_program__id(p);
	a->xdp_mode = mode_of(xdp_multiprog__attach_mode(mp));
	a->xdp_multiprog = !xdp_multiprog__is_legacy(mp);
	*mpp = mp;
	return p;
}

static void tc_hook_opts(int ifindex, struct bpf_tc_hook *hook,
			 struct bpf_tc_opts *opts)
{
	memset(hook, 0, sizeof(*hook));
	hook->sz = sizeof(*hook);
	hook->ifindex = ifindex;
	hook->attach_point = BPF_TC_EGRESS;
	memset(opts, 0, sizeof(*opts));
	opts->sz = sizeof(*opts);
	opts->handle = FW_TC_HANDLE;
	opts->priority = FW_TC_PRIO;
}

int fw_query(const struct fw_state *st, int ifindex, const char *ifname,
	     struct fw_attachment *a)
{
	struct xdp_multiprog *mp;
	struct bpf_tc_hook hook;
	struct bpf_tc_opts opts;

	memset(a, 0, sizeof(*a));
	a->ifindex = ifindex;
	snprintf(a->name, sizeof(a->name), "%s", ifname);
	if (find_xdp(st, ifindex, &mp, a))
		xdp_multiprog__close(mp);
	else
		fw_hw_query(st, ifindex, a);

	tc_hook_opts(ifindex, &hook, &opts);
	if (!bpf_tc_query(&hook, &opts) && prog_is_ours(st, opts.prog_id)) {
		a->tc = true;
		a->tc_prog_id = opts.prog_id;
	}
	return 0;
}

/*
 * The XDP program, kept loaded in this process once libxdp has attached it
 * as a single program (its dispatcher refused, as on kernels that reject
 * its freplace program): later attaches in this process (the daemon, an
 * apply to many interfaces) attach the same program with the netlink call
 * libxdp makes in that case, never replacing another program, instead of
 * verifying it again (~0.4 s each). Valid while it uses this pin dir's maps.
 */
static int xdp_single = -1;

static int attach_xdp_single(struct fw_state *st, int ifindex, const char *ifname,
			     const enum xdp_attach_mode *try, int ntry,
			     struct fw_attachment *a)
{
	struct bpf_prog_info info = { 0 };
	uint32_t len = sizeof(info);
	struct xdp_multiprog *mp;
	int ret = -ENOENT, refused = 0;

	if (xdp_single < 0 || bpf_obj_get_info_by_fd(xdp_single, &info, &len) ||
	    !prog_is_ours(st, info.id))
		return -ENOENT;
	for (int i = 0; i < ntry; i++) {
		uint32_t flags = XDP_FLAGS_UPDATE_IF_NOEXIST |
				 (try[i] == XDP_MODE_SKB ? XDP_FLAGS_SKB_MODE : XDP_FLAGS_DRV_MODE);

		ret = bpf_xdp_attach(ifindex, xdp_single, flags, NULL);
		if (!ret) {
			if (i)
				fprintf(stderr, "fwctl: %s: native XDP refused (%s): attached in skb mode\n",
					ifname, strerror(-refused));
			break;
		}
		refused = ret;
		fw_info("%s: %s mode attach failed: %s", ifname,
			try[i] == XDP_MODE_SKB ? "skb" : "native", strerror(-ret));
	}
	if (ret)
		return ret;	/* libxdp's path says why, or copes */
	if (find_xdp(st, ifindex, &mp, a))
		xdp_multiprog__close(mp);
	return a->xdp ? 0 : -ENOENT;
}

static int attach_xdp(struct fw_state *st, int ifindex, const char *ifname,
		      int mode, struct fw_attachment *a)
{
	enum xdp_attach_mode try[2];
	struct xdp_program *prog = NULL;
	struct bpf_object *obj;
	int ntry = 0, ret = -EINVAL;
	char buf[256];

	if (mode == FW_MODE_AUTO || mode == FW_MODE_NATIVE)
		try[ntry++] = XDP_MODE_NATIVE;
	if (mode == FW_MODE_AUTO || mode == FW_MODE_SKB)
		try[ntry++] = XDP_MODE_SKB;
	if (!attach_xdp_single(st, ifindex, ifname, try, ntry, a))
		return 0;

	obj = fw_open_xdp_obj(st->pin_dir);
	if (!obj)
		return -EINVAL;
	prog = xdp_program__from_bpf_obj(obj, "xdp");
	ret = (int)libxdp_get_error(prog);
	if (ret || !prog) {
		fw_err(ret ? ret : -ENOENT, "cannot prepare the XDP program");
		prog = NULL;
		goto out;
	}
	for (int i = 0; i < ntry; i++) {
		ret = xdp_program__attach(prog, ifindex, try[i], 0);
		if (!ret) {
			if (i)		/* auto fell back: say why, not only at -v */
				fprintf(stderr, "fwctl: %s: native XDP refused (%s): attached in skb mode\n",
					ifname, buf);
			break;
		}
		libxdp_strerror(ret, buf, sizeof(buf));
		fw_info("%s: %s mode attach failed: %s", ifname,
			try[i] == XDP_MODE_SKB ? "skb" : "native", buf);
	}
	if (ret) {
		struct fw_link l;

		libxdp_strerror(ret, buf, sizeof(buf));
		if (!fw_nl_link(ifindex, &l) && l.xdp_prog_id)
			fw_err(0, "cannot attach XDP to %s: another XDP program (id %u) is attached; detach it first (%s)",
			       ifname, l.xdp_prog_id, buf);
		else
			fw_err(0, "cannot attach XDP to %s: %s (-v shows each mode tried)",
			       ifname, buf);
		goto out;
	}
	{
		struct xdp_multiprog *mp;

		if (find_xdp(st, ifindex, &mp, a))
			xdp_multiprog__close(mp);
		if (!a->xdp) {
			ret = fw_err(-ENOENT, "attached XDP to %s but cannot find it there", ifname);
			goto out;
		}
		if (!a->xdp_multiprog) {
			if (xdp_single >= 0)
				close(xdp_single);
			xdp_single = fcntl(xdp_program__fd(prog), F_DUPFD_CLOEXEC, 3);
		}
	}
out:
	xdp_program__close(prog);
	bpf_object__close(obj);
	return ret;
}

/*
 * The tc program, loaded once per process and kept while it uses this pin
 * dir's maps: the daemon attaches to link after link, and each load costs
 * a verification.
 */
static int tc_prog_get(const struct fw_state *st)
{
	static int cached = -1;
	struct bpf_prog_info info = { 0 };
	uint32_t len = sizeof(info);
	int fd;

	if (cached >= 0 && !bpf_obj_get_info_by_fd(cached, &info, &len) &&
	    prog_is_ours(st, info.id))
		return dup(cached);
	if (cached >= 0)
		close(cached);
	cached = -1;
	fd = fw_load_tc_prog(st->pin_dir);
	if (fd >= 0)
		cached = fcntl(fd, F_DUPFD_CLOEXEC, 3);
	return fd;
}

static int attach_tc(struct fw_state *st, int ifindex, const char *ifname,
		     struct fw_attachment *a)
{
	struct bpf_tc_hook hook;
	struct bpf_tc_opts opts;
	int fd, ret;

	tc_hook_opts(ifindex, &hook, &opts);
	ret = bpf_tc_hook_create(&hook);
	if (ret && ret != -EEXIST)
		return fw_err(ret, "cannot create the clsact qdisc on %s", ifname);
	fd = tc_prog_get(st);
	if (fd < 0)
		return fd;
	opts.prog_fd = fd;
	opts.flags = BPF_TC_F_REPLACE;
	ret = bpf_tc_attach(&hook, &opts);
	close(fd);
	if (ret)
		return fw_err(ret, "cannot attach the tc egress program to %s", ifname);
	a->tc = true;
	a->tc_prog_id = opts.prog_id;
	return 0;
}

/* Detach our tc filter; remove the clsact qdisc when nothing else uses it. */
static int detach_tc(int ifindex, const char *ifname)
{
	struct bpf_tc_hook hook;
	struct bpf_tc_opts opts;
	int err, in, eg;

	tc_hook_opts(ifindex, &hook, &opts);
	err = bpf_tc_detach(&hook, &opts);
	if (err)
		return fw_err(err, "cannot detach tc egress from %s", ifname);
	in = fw_nl_tc_filter_count(ifindex, TC_H_MAKE(TC_H_CLSACT, TC_H_MIN_INGRESS));
	eg = fw_nl_tc_filter_count(ifindex, TC_H_MAKE(TC_H_CLSACT, TC_H_MIN_EGRESS));
	if (in == 0 && eg == 0) {
		hook.attach_point = BPF_TC_INGRESS | BPF_TC_EGRESS;
		err = bpf_tc_hook_destroy(&hook);
		if (err && err != -ENOENT)
			fw_info("%s: cannot remove the empty clsact qdisc: %s", ifname,
				strerror(-err));
	}
	return 0;
}

int fw_attach(struct fw_state *st, const char *ifname, int mode, bool egress,
	      struct fw_attachment *a)
{
	int ifindex = fw_nl_ifindex(ifname);
	int ret;

	if (ifindex < 0)
		return fw_err(ifindex, "cannot find device \"%s\"", ifname);
	fw_query(st, ifindex, ifname, a);
	if (a->xdp && mode != FW_MODE_AUTO && a->xdp_mode != mode)
		return fw_err(-EBUSY, "%s has fwctl attached in %s mode; 'fwctl detach %s' first to change it",
			      ifname, fw_mode_name(a->xdp_mode), ifname);
	if (!a->xdp) {
		if (mode == FW_MODE_HW)
			ret = fw_hw_attach(st, ifindex, ifname, a);
		else
			ret = attach_xdp(st, ifindex, ifname, mode, a);
		if (ret)
			return ret;
		fw_info("%s: XDP attached in %s mode (%s)", ifname,
			fw_mode_name(a->xdp_mode),
			a->xdp_multiprog ? "libxdp dispatcher" : "single program");
	}
	if (egress && !a->tc) {
		ret = attach_tc(st, ifindex, ifname, a);
		if (ret)
			return ret;
		fw_info("%s: tc egress attached", ifname);
	} else if (!egress && a->tc) {
		ret = detach_tc(ifindex, ifname);
		if (ret)
			return ret;
		a->tc = false;
		a->tc_prog_id = 0;
		fw_info("%s: tc egress detached (the policy does not filter egress)", ifname);
	}
	return 0;
}

int fw_detach(struct fw_state *st, int ifindex, const char *ifname)
{
	struct fw_attachment a = { 0 };
	struct xdp_multiprog *mp = NULL;
	struct xdp_program *p;
	struct bpf_tc_hook hook;
	struct bpf_tc_opts opts;
	int ret = 0, err;

	p = find_xdp(st, ifindex, &mp, &a);
	if (p) {
		if (xdp_multiprog__is_legacy(mp))
			err = xdp_multiprog__detach(mp);
		else
			err = xdp_program__detach(p, ifindex,
						  xdp_multiprog__attach_mode(mp), 0);
		if (err)
			ret = fw_err(err, "cannot detach XDP from %s", ifname);
		xdp_multiprog__close(mp);
	}
	if (fw_hw_detach(st, ifindex, ifname))
		ret = -EIO;
	tc_hook_opts(ifindex, &hook, &opts);
	if (!bpf_tc_query(&hook, &opts) && prog_is_ours(st, opts.prog_id) &&
	    detach_tc(ifindex, ifname))
		ret = -EIO;
	return ret;
}

int fw_query_all(const struct fw_state *st, struct fw_attachment **out)
{
	struct fw_link *links = NULL;
	struct fw_attachment *v;
	int n, k = 0;

	n = fw_nl_links(&links);
	if (n < 0)
		return n;
	v = calloc((size_t)n + 1, sizeof(*v));
	if (!v) {
		free(links);
		return -ENOMEM;
	}
	for (int i = 0; i < n; i++) {
		fw_query(st, links[i].ifindex, links[i].name, &v[k]);
		if (v[k].xdp || v[k].tc)
			k++;
	}
	free(links);
	*out = v;
	return k;
}
