// SPDX-License-Identifier: GPL-2.0
/*
 * nl.c - rtnetlink through libmnl: resolve interface names, list links and
 * their XDP attachment, and watch link events (fwctl daemon). libmnl here
 * (rather than libnl-route's cache) for one-shot requests and one event
 * subscription: fwctl keeps no cache of the kernel's links to keep
 * coherent (the daemon keeps only ifindex -> name, and resyncs from a dump
 * when events are lost).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <libmnl/libmnl.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>
#include <linux/pkt_sched.h>
#include "fwctl.h"

struct links {
	struct fw_link *v;
	size_t n, cap;
};

static int parse_xdp(const struct nlattr *nest, struct fw_link *l)
{
	const struct nlattr *a;

	mnl_attr_for_each_nested(a, nest) {
		switch (mnl_attr_get_type(a)) {
		case IFLA_XDP_ATTACHED:
			l->xdp_attached = mnl_attr_get_u8(a);
			break;
		case IFLA_XDP_PROG_ID:
			l->xdp_prog_id = mnl_attr_get_u32(a);
			break;
		case IFLA_XDP_HW_PROG_ID:
			l->xdp_hw_prog_id = mnl_attr_get_u32(a);
			break;
		}
	}
	return 0;
}

/* One RTM_NEWLINK / RTM_DELLINK message into *l. */
static void parse_link(const struct nlmsghdr *nlh, struct fw_link *l)
{
	const struct ifinfomsg *ifm = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *a;

	memset(l, 0, sizeof(*l));
	l->ifindex = ifm->ifi_index;
	l->up = ifm->ifi_flags & IFF_UP;
	mnl_attr_for_each(a, nlh, sizeof(*ifm)) {
		switch (mnl_attr_get_type(a)) {
		case IFLA_IFNAME:
			snprintf(l->name, sizeof(l->name), "%s", mnl_attr_get_str(a));
			break;
		case IFLA_XDP:
			parse_xdp(a, l);
			break;
		case IFLA_LINKINFO: {
			const struct nlattr *b;

			mnl_attr_for_each_nested(b, a)
				if (mnl_attr_get_type(b) == IFLA_INFO_KIND)
					snprintf(l->kind, sizeof(l->kind), "%s",
						 mnl_attr_get_str(b));
			break;
		}
		}
	}
}

static int link_cb(const struct nlmsghdr *nlh, void *data)
{
	struct links *ls = data;

	if (nlh->nlmsg_type != RTM_NEWLINK)
		return MNL_CB_OK;
	if (ls->n == ls->cap) {
		size_t cap = ls->cap ? ls->cap * 2 : 16;
		struct fw_link *v = realloc(ls->v, cap * sizeof(*v));

		if (!v)
			return MNL_CB_ERROR;
		ls->v = v;
		ls->cap = cap;
	}
	parse_link(nlh, &ls->v[ls->n++]);
	return MNL_CB_OK;
}

/*
 * Send the request in buf (nlh) on a fresh rtnetlink socket and run cb on
 * every answer, until the end of a dump or the one reply. 0 or -errno.
 */
static int nl_request(char *buf, size_t size, struct nlmsghdr *nlh,
		      mnl_cb_t cb, void *data)
{
	bool dump = nlh->nlmsg_flags & NLM_F_DUMP;
	struct mnl_socket *nl;
	unsigned int seq, portid;
	int ret;

	nl = mnl_socket_open(NETLINK_ROUTE);
	if (!nl)
		return -errno;
	if (mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		ret = -errno;
		goto out;
	}
	portid = mnl_socket_get_portid(nl);
	nlh->nlmsg_seq = seq = (unsigned int)time(NULL);
	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0) {
		ret = -errno;
		goto out;
	}
	for (;;) {
		ssize_t n = mnl_socket_recvfrom(nl, buf, size);

		if (n < 0) {
			ret = -errno;
			goto out;
		}
		ret = mnl_cb_run(buf, (size_t)n, seq, portid, cb, data);
		if (ret < 0) {
			ret = errno == ENODEV ? -ENODEV : errno ? -errno : -EIO;
			goto out;
		}
		if (ret == MNL_CB_STOP || !dump)
			break;
	}
	ret = 0;
out:
	mnl_socket_close(nl);
	return ret;
}

/* Send one RTM_GETLINK (dump when ifindex == 0 && !name) and collect. */
static int getlink(int ifindex, const char *name, struct links *ls)
{
	static char buf[32768];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct ifinfomsg *ifm;

	nlh->nlmsg_type = RTM_GETLINK;
	nlh->nlmsg_flags = NLM_F_REQUEST;
	if (!ifindex && !name)
		nlh->nlmsg_flags |= NLM_F_DUMP;
	ifm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifm));
	ifm->ifi_family = AF_UNSPEC;
	ifm->ifi_index = ifindex;
	if (name)
		mnl_attr_put_strz(nlh, IFLA_IFNAME, name);
	mnl_attr_put_u32(nlh, IFLA_EXT_MASK, RTEXT_FILTER_SKIP_STATS);
	return nl_request(buf, sizeof(buf), nlh, link_cb, ls);
}

static int count_cb(const struct nlmsghdr *nlh, void *data)
{
	if (nlh->nlmsg_type == RTM_NEWTFILTER)
		(*(int *)data)++;
	return MNL_CB_OK;
}

int fw_nl_tc_filter_count(int ifindex, uint32_t parent)
{
	static char buf[16384];
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct tcmsg *tcm;
	int ret, count = 0;

	nlh->nlmsg_type = RTM_GETTFILTER;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	tcm = mnl_nlmsg_put_extra_header(nlh, sizeof(*tcm));
	tcm->tcm_family = AF_UNSPEC;
	tcm->tcm_ifindex = ifindex;
	tcm->tcm_parent = parent;
	ret = nl_request(buf, sizeof(buf), nlh, count_cb, &count);
	return ret ? ret : count;
}

int fw_nl_ifindex(const char *name)
{
	struct links ls = { 0 };
	int ret;

	if (!name || !*name || strlen(name) >= IF_NAMESIZE)
		return -ENODEV;
	ret = getlink(0, name, &ls);
	if (!ret)
		ret = ls.n ? ls.v[0].ifindex : -ENODEV;
	free(ls.v);
	return ret;
}

int fw_nl_link(int ifindex, struct fw_link *out)
{
	struct links ls = { 0 };
	int ret = getlink(ifindex, NULL, &ls);

	if (!ret && !ls.n)
		ret = -ENODEV;
	if (!ret)
		*out = ls.v[0];
	free(ls.v);
	return ret;
}

int fw_nl_links(struct fw_link **out)
{
	struct links ls = { 0 };
	int ret = getlink(0, NULL, &ls);

	if (ret) {
		free(ls.v);
		return ret;
	}
	*out = ls.v;
	return (int)ls.n;
}

/* --- link events (fwctl daemon) ----------------------------------------------- */

struct fw_nl_mon {
	struct mnl_socket *nl;
	fw_nl_link_cb cb;
	void *data;
};

int fw_nl_monitor_open(struct fw_nl_mon **out, int rcvbuf)
{
	struct fw_nl_mon *m = calloc(1, sizeof(*m));
	int fd, ret;

	if (!m)
		return -ENOMEM;
	m->nl = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC | SOCK_NONBLOCK);
	if (!m->nl) {
		ret = -errno;
		free(m);
		return ret;
	}
	fd = mnl_socket_get_fd(m->nl);
	/* a burst of link events (hundreds of VFs) must not overrun us; as
	 * root SO_RCVBUFFORCE passes net.core.rmem_max */
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &rcvbuf, sizeof(rcvbuf)))
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
	if (mnl_socket_bind(m->nl, RTMGRP_LINK, MNL_SOCKET_AUTOPID) < 0) {
		ret = -errno;
		mnl_socket_close(m->nl);
		free(m);
		return ret;
	}
	*out = m;
	return 0;
}

int fw_nl_monitor_fd(const struct fw_nl_mon *m)
{
	return mnl_socket_get_fd(m->nl);
}

static int event_cb(const struct nlmsghdr *nlh, void *data)
{
	struct fw_nl_mon *m = data;
	struct fw_link l;

	if (nlh->nlmsg_type != RTM_NEWLINK && nlh->nlmsg_type != RTM_DELLINK)
		return MNL_CB_OK;
	parse_link(nlh, &l);
	return m->cb(nlh->nlmsg_type == RTM_NEWLINK, &l, m->data) ? MNL_CB_ERROR : MNL_CB_OK;
}

int fw_nl_monitor_read(struct fw_nl_mon *m, fw_nl_link_cb cb, void *data)
{
	static char buf[65536];

	m->cb = cb;
	m->data = data;
	for (;;) {
		ssize_t n = mnl_socket_recvfrom(m->nl, buf, sizeof(buf));

		if (n < 0)
			return errno == EAGAIN || errno == EWOULDBLOCK ? 0 : -errno;
		/* notifications: sequence 0, from the kernel (port 0) */
		if (mnl_cb_run(buf, (size_t)n, 0, 0, event_cb, m) < 0)
			return errno ? -errno : -EIO;
	}
}

void fw_nl_monitor_drain(struct fw_nl_mon *m)
{
	static char buf[65536];

	/* an empty queue clears the socket's congestion state: the kernel
	 * reports the next overrun again (netlink_rcv_wake) */
	while (mnl_socket_recvfrom(m->nl, buf, sizeof(buf)) >= 0 || errno == ENOBUFS)
		;
}

void fw_nl_monitor_close(struct fw_nl_mon *m)
{
	if (!m)
		return;
	mnl_socket_close(m->nl);
	free(m);
}

/* --- XDP attach with the kernel's extended ack (hw mode) ------------------------ */

int fw_nl_xdp_set(int ifindex, int prog_fd, uint32_t flags, char *msg, size_t size)
{
	static char buf[8192];
	struct mnl_socket *nl;
	struct nlmsghdr *nlh;
	struct ifinfomsg *ifm;
	struct nlattr *xdp;
	unsigned int seq;
	int one = 1, ret;
	ssize_t n;

	if (size)
		msg[0] = '\0';
	nl = mnl_socket_open(NETLINK_ROUTE);
	if (!nl)
		return -errno;
	setsockopt(mnl_socket_get_fd(nl), SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	if (mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		ret = -errno;
		goto out;
	}
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = RTM_SETLINK;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	nlh->nlmsg_seq = seq = (unsigned int)time(NULL);
	ifm = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifm));
	ifm->ifi_family = AF_UNSPEC;
	ifm->ifi_index = ifindex;
	xdp = mnl_attr_nest_start(nlh, IFLA_XDP);
	mnl_attr_put_u32(nlh, IFLA_XDP_FD, (uint32_t)prog_fd);
	mnl_attr_put_u32(nlh, IFLA_XDP_FLAGS, flags);
	mnl_attr_nest_end(nlh, xdp);
	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0) {
		ret = -errno;
		goto out;
	}
	n = mnl_socket_recvfrom(nl, buf, sizeof(buf));
	if (n < 0) {
		ret = -errno;
		goto out;
	}
	ret = -EIO;
	for (nlh = (struct nlmsghdr *)buf; mnl_nlmsg_ok(nlh, (int)n);
	     nlh = mnl_nlmsg_next(nlh, (int *)&n)) {
		const struct nlmsgerr *e = mnl_nlmsg_get_payload(nlh);
		const struct nlattr *a;
		unsigned int off;

		if (nlh->nlmsg_type != NLMSG_ERROR || nlh->nlmsg_seq != seq)
			continue;
		ret = e->error;
		if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
			break;
		/* the request is echoed after the error unless capped */
		off = sizeof(*e);
		if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
			off += e->msg.nlmsg_len - sizeof(struct nlmsghdr);
		mnl_attr_for_each(a, nlh, off)
			if (mnl_attr_get_type(a) == NLMSGERR_ATTR_MSG && size)
				snprintf(msg, size, "%s", mnl_attr_get_str(a));
		break;
	}
out:
	mnl_socket_close(nl);
	return ret;
}
