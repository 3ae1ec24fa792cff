// SPDX-License-Identifier: GPL-2.0
/*
 * targets.c - which links a policy's "interfaces" select (plain names and
 * fnmatch(3) patterns), and the last known-good copy of a policy that
 * apply and the daemon keep for the next boot.
 */
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <jansson.h>
#include "fwctl.h"

int fw_iface_entry(const struct fw_policy *pol, const char *ifname)
{
	/* a plain name wins over patterns; then the first pattern listed */
	for (size_t i = 0; i < pol->n_ifaces; i++)
		if (!pol->ifaces[i].pattern && !strcmp(pol->ifaces[i].name, ifname))
			return (int)i;
	for (size_t i = 0; i < pol->n_ifaces; i++)
		if (pol->ifaces[i].pattern && !fnmatch(pol->ifaces[i].name, ifname, 0))
			return (int)i;
	return -1;
}

int fw_policy_targets(const struct fw_policy *pol, struct fw_target **out)
{
	struct fw_link *links = NULL;
	struct fw_target *v;
	int n, k = 0;

	*out = NULL;
	n = fw_nl_links(&links);
	if (n < 0)
		return n;
	v = calloc((size_t)n + 1, sizeof(*v));
	if (!v) {
		free(links);
		return -ENOMEM;
	}
	for (int i = 0; i < n; i++) {
		int e = fw_iface_entry(pol, links[i].name);

		if (e < 0)
			continue;
		v[k].ifindex = links[i].ifindex;
		v[k].entry = e;
		memcpy(v[k].name, links[i].name, sizeof(v[k].name));
		k++;
	}
	free(links);
	*out = v;
	return k;
}

/* --- last known-good --------------------------------------------------------- */

/* Write len bytes to path through a temporary file and a rename. */
static int write_atomic(const char *path, const void *buf, size_t len)
{
	char tmp[PATH_MAX];
	int fd, ret = 0;

	if (snprintf(tmp, sizeof(tmp), "%s.tmp.%d", path, (int)getpid()) >= (int)sizeof(tmp))
		return -ENAMETOOLONG;
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return -errno;
	for (size_t off = 0; off < len;) {
		ssize_t n = write(fd, (const char *)buf + off, len - off);

		if (n < 0) {
			ret = -errno;
			break;
		}
		off += (size_t)n;
	}
	if (!ret && fsync(fd))
		ret = -errno;
	if (close(fd) && !ret)
		ret = -errno;
	if (!ret && rename(tmp, path))
		ret = -errno;
	if (ret)
		unlink(tmp);
	return ret;
}

/* A set's elements as a set file: one prefix per line. */
static int write_set_file(const char *path, const struct fw_set *set)
{
	size_t cap = set->n_elems * 44 + 64, len = 0;
	char *buf = malloc(cap);
	int ret;

	if (!buf)
		return -ENOMEM;
	len += (size_t)snprintf(buf, cap, "# set \"%s\": %zu elements (fwctl last-good copy)\n",
				set->name, set->n_elems);
	for (size_t i = 0; i < set->n_elems && len < cap; i++) {
		fw_prefix_format(&set->elems[i], buf + len, cap - len);
		len += strlen(buf + len);
		if (len + 1 < cap)
			buf[len++] = '\n';
	}
	ret = write_atomic(path, buf, len);
	free(buf);
	return ret;
}

int fw_save_last_good(const struct fw_policy *pol, const char *path)
{
	char *copy = strdup(path), *dir, *base, *dot, setpath[PATH_MAX], rel[PATH_MAX];
	json_t *root = NULL, *sets, *obj;
	json_error_t jerr;
	const char *name;
	bool has_files = false;
	char *text = NULL;
	int ret = 0;

	if (!copy)
		return -ENOMEM;
	root = json_loadb(pol->text, pol->text_len, JSON_PRESERVE_ORDER, &jerr);
	sets = root ? json_object_get(root, "sets") : NULL;
	json_object_foreach(sets, name, obj)
		if (json_object_get(obj, "file"))
			has_files = true;
	if (!has_files) {		/* self-contained: the very bytes applied */
		ret = write_atomic(path, pol->text, pol->text_len);
		goto out;
	}
	/*
	 * Set files are read relative to the policy's directory: copy each
	 * beside the saved policy ("last-good.set.NAME.txt", all of the set's
	 * elements) and point "file" at the copy, so the saved policy does not
	 * depend on files that may change or go.
	 */
	dir = dirname(copy);
	base = strdup(strrchr(path, '/') ? strrchr(path, '/') + 1 : path);
	if (!base) {
		ret = -ENOMEM;
		goto out;
	}
	dot = strrchr(base, '.');
	if (dot && dot != base)
		*dot = '\0';
	for (size_t i = 0; i < pol->n_sets && !ret; i++) {
		obj = json_object_get(sets, pol->sets[i].name);
		if (!json_object_get(obj, "file"))
			continue;
		if (snprintf(rel, sizeof(rel), "%s.set.%s.txt", base,
			     pol->sets[i].name) >= (int)sizeof(rel) ||
		    snprintf(setpath, sizeof(setpath), "%s/%s", dir, rel) >= (int)sizeof(setpath)) {
			ret = -ENAMETOOLONG;
			break;
		}
		ret = write_set_file(setpath, &pol->sets[i]);
		if (!ret) {
			json_object_set_new(obj, "file", json_string(rel));
			json_object_del(obj, "elements");	/* now in the file */
		}
	}
	free(base);
	if (ret)
		goto out;
	text = json_dumps(root, JSON_PRESERVE_ORDER | JSON_INDENT(2));
	if (!text) {
		ret = -ENOMEM;
		goto out;
	}
	ret = write_atomic(path, text, strlen(text));
out:
	free(text);
	json_decref(root);
	free(copy);
	return ret;
}
