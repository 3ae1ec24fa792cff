// SPDX-License-Identifier: GPL-2.0
/*
 * fw-udpflood - paced UDP traffic for tests: datagrams to DST on each of
 * PORTS in turn (one flow class per port), at RATE packets/s for SECONDS,
 * with sendmmsg, or until SIGINT/SIGTERM. Prints "sent PORT N" per port at
 * the end. -b SRC sends from source address SRC, -s BYTES makes each UDP
 * payload BYTES long (default 18, at most 1472).
 * Usage: fw-udpflood [-b SRC] [-s BYTES] DST PORT[,PORT...] RATE SECONDS
 */
#include <arpa/inet.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/socket.h>

#define BATCH	32
#define MAXP	16

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	stop = sig;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	struct sockaddr_storage to[MAXP];
	struct mmsghdr msg[BATCH];
	struct iovec iov[BATCH];
	unsigned long long sent[MAXP] = { 0 };
	static char payload[1472] = "fw-udpflood-0000";
	size_t plen = 18;
	const char *src = NULL;
	int opt;
	int ports[MAXP], np = 0, fd, fam;
	double rate, secs, t0, next;
	socklen_t tolen;
	unsigned long long k = 0;
	char *p;

	while ((opt = getopt(argc, argv, "+b:s:")) != -1) {
		if (opt == 'b') {
			src = optarg;
		} else if (opt == 's' && atoi(optarg) > 0 && atoi(optarg) <= (int)sizeof(payload)) {
			plen = (size_t)atoi(optarg);
		} else {
			fprintf(stderr, "usage: fw-udpflood [-b SRC] [-s BYTES] DST PORT[,PORT...] RATE SECONDS\n");
			return 2;
		}
	}
	argc -= optind - 1;
	argv += optind - 1;
	if (argc != 5) {
		fprintf(stderr, "usage: fw-udpflood [-b SRC] [-s BYTES] DST PORT[,PORT...] RATE SECONDS\n");
		return 2;
	}
	for (p = strtok(argv[2], ","); p && np < MAXP; p = strtok(NULL, ","))
		ports[np++] = atoi(p);
	rate = atof(argv[3]);
	secs = atof(argv[4]);
	fam = strchr(argv[1], ':') ? AF_INET6 : AF_INET;
	for (int i = 0; i < np; i++) {
		memset(&to[i], 0, sizeof(to[i]));
		if (fam == AF_INET) {
			struct sockaddr_in *a = (struct sockaddr_in *)&to[i];

			a->sin_family = AF_INET;
			a->sin_port = htons((uint16_t)ports[i]);
			if (inet_pton(AF_INET, argv[1], &a->sin_addr) != 1)
				return 2;
		} else {
			struct sockaddr_in6 *a = (struct sockaddr_in6 *)&to[i];

			a->sin6_family = AF_INET6;
			a->sin6_port = htons((uint16_t)ports[i]);
			if (inet_pton(AF_INET6, argv[1], &a->sin6_addr) != 1)
				return 2;
		}
	}
	tolen = fam == AF_INET ? sizeof(struct sockaddr_in) : sizeof(struct sockaddr_in6);
	fd = socket(fam, SOCK_DGRAM, 0);
	if (fd < 0 || np == 0 || rate <= 0) {
		perror("fw-udpflood");
		return 2;
	}
	if (src) {
		struct sockaddr_storage from = { 0 };

		if (fam == AF_INET) {
			struct sockaddr_in *a = (struct sockaddr_in *)&from;

			a->sin_family = AF_INET;
			if (inet_pton(AF_INET, src, &a->sin_addr) != 1)
				return 2;
		} else {
			struct sockaddr_in6 *a = (struct sockaddr_in6 *)&from;

			a->sin6_family = AF_INET6;
			if (inet_pton(AF_INET6, src, &a->sin6_addr) != 1)
				return 2;
		}
		if (bind(fd, (struct sockaddr *)&from, tolen)) {
			perror("fw-udpflood: bind");
			return 2;
		}
	}
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	t0 = next = now();
	while (!stop && now() - t0 < secs) {
		int n;

		for (int i = 0; i < BATCH; i++) {
			int c = (int)((k + (unsigned long long)i) % (unsigned long long)np);

			iov[i].iov_base = payload;
			iov[i].iov_len = plen;
			memset(&msg[i], 0, sizeof(msg[i]));
			msg[i].msg_hdr.msg_name = &to[c];
			msg[i].msg_hdr.msg_namelen = tolen;
			msg[i].msg_hdr.msg_iov = &iov[i];
			msg[i].msg_hdr.msg_iovlen = 1;
		}
		n = sendmmsg(fd, msg, BATCH, 0);
		if (n < 0) {
			if (errno == EINTR || errno == ENOBUFS || errno == EAGAIN)
				continue;
			perror("sendmmsg");
			return 1;
		}
		for (int i = 0; i < n; i++)
			sent[(k + (unsigned long long)i) % (unsigned long long)np]++;
		k += (unsigned long long)n;
		next += n / rate;
		while (now() < next)		/* pace: sleep off what is ahead */
			usleep(50);
	}
	for (int i = 0; i < np; i++)
		printf("sent %d %llu\n", ports[i], sent[i]);
	return 0;
}
