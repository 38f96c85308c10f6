// SPDX-License-Identifier: GPL-2.0
/*
 * qkd: BBM92 quantum key distribution between the two ends of a qlink
 * link, an example application of AF_QLINK sockets.
 *
 *   qkd bob dev qb purpose 7 listen 7700 psk FILE out FILE
 *   qkd alice dev qa purpose 7 peer 10.0.0.2:7700 psk FILE out FILE bytes 64k
 *   qkd sim bytes 1M fidelity 0.97 out FILE
 *
 * See README.md in this directory.
 */
#include <errno.h>
#include <netdb.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include "qkd.h"

#define PSK_MAX		1024

enum role { ROLE_ALICE, ROLE_BOB, ROLE_SIM };

struct args {
	enum role role;
	const char *dev, *peer, *listen, *psk, *out;
	bool sim, quiet;
	struct qkd_sim_params sp;
	struct qkd_link_params lp;
	struct qkd_opts o;
	double connect_timeout;
};

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: qkd [ -q ] alice { dev DEV | sim [ SIMOPTS ] } purpose ID\n"
		"                 peer HOST:PORT psk FILE out FILE [ OPTS ]\n"
		"       qkd [ -q ] bob { dev DEV | sim [ SIMOPTS ] } purpose ID\n"
		"                 listen [ ADDR: ]PORT psk FILE out FILE [ OPTS ]\n"
		"       qkd [ -q ] sim [ SIMOPTS ] out FILE [ OPTS ]\n"
		"OPTS := bytes N | pairs N | time SECONDS | block PAIRS | chunk PAIRS |\n"
		"        window N | min-fidelity F | max-qber Q | connect-timeout SECONDS\n"
		"SIMOPTS := fidelity F | seed N | miss P | gap P\n"
		"Sizes take k (1024) and M (1048576). Alice's bytes, pairs and block\n"
		"rule the session; Bob follows. \"sim\" replaces the link by simulated\n"
		"pairs; the sim command runs both ends in one process and writes\n"
		"Bob's key to FILE.bob.\n");
}

static int parse_u64(const char *s, uint64_t *v)
{
	char *end;
	double d;

	errno = 0;
	d = strtod(s, &end);
	if (errno || end == s || d < 0)
		return -EINVAL;
	if (*end == 'k' || *end == 'K')
		d *= 1024, end++;
	else if (*end == 'M')
		d *= 1048576, end++;
	else if (*end == 'G')
		d *= 1073741824.0, end++;
	if (*end || d > 1e18)
		return -EINVAL;
	*v = (uint64_t)d;
	return 0;
}

static int parse_frac(const char *s, double *v)
{
	char *end;

	errno = 0;
	*v = strtod(s, &end);
	if (errno || end == s || *v < 0 || *v > 1)
		return -EINVAL;
	if (*end == '%' && !end[1]) {
		*v /= 100;
		return 0;
	}
	return *end ? -EINVAL : 0;
}

static int bad(const char *what, const char *val)
{
	fprintf(stderr, "qkd: bad %s \"%s\"\n", what, val ? val : "");
	return -EINVAL;
}

static int parse(int argc, char **argv, struct args *a)
{
	int i = 1;

	memset(a, 0, sizeof(*a));
	a->o.block = 1 << 20;
	a->o.max_qber = 0.11;
	a->sp.fidelity = 970000;
	a->sp.seed = 1;
	a->connect_timeout = 10;
	a->lp.chunk = 4096;
	a->lp.window = 4;
	if (i < argc && !strcmp(argv[i], "-q")) {
		a->quiet = true;
		i++;
	}
	if (i >= argc)
		return -EINVAL;
	if (!strcmp(argv[i], "help") || !strcmp(argv[i], "-h") ||
	    !strcmp(argv[i], "--help")) {
		usage(stdout);
		exit(0);
	}
	if (!strcmp(argv[i], "alice"))
		a->role = ROLE_ALICE;
	else if (!strcmp(argv[i], "bob"))
		a->role = ROLE_BOB;
	else if (!strcmp(argv[i], "sim"))
		a->role = ROLE_SIM, a->sim = true;
	else
		return bad("role", argv[i]);
	for (i++; i < argc; i++) {
		const char *k = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		uint64_t u;
		double d;

		if (!strcmp(k, "sim")) {
			a->sim = true;
			continue;
		}
		if (!strcmp(k, "help") || !strcmp(k, "-h")) {
			usage(stdout);
			exit(0);
		}
		if (!v)
			return bad(k, "(missing value)");
		i++;
		if (!strcmp(k, "dev")) {
			a->dev = v;
		} else if (!strcmp(k, "purpose")) {
			if (parse_u64(v, &u) || !u || u > UINT32_MAX)
				return bad(k, v);
			a->o.purpose = u;
		} else if (!strcmp(k, "peer")) {
			a->peer = v;
		} else if (!strcmp(k, "listen")) {
			a->listen = v;
		} else if (!strcmp(k, "psk")) {
			a->psk = v;
		} else if (!strcmp(k, "out")) {
			a->out = v;
		} else if (!strcmp(k, "bytes")) {
			if (parse_u64(v, &a->o.key_bytes))
				return bad(k, v);
		} else if (!strcmp(k, "pairs")) {
			if (parse_u64(v, &a->o.max_pairs))
				return bad(k, v);
		} else if (!strcmp(k, "time")) {
			char *end;

			d = strtod(v, &end);
			if (end == v || *end || !(d > 0))
				return bad(k, v);
			a->o.max_seconds = d;
		} else if (!strcmp(k, "block")) {
			if (parse_u64(v, &u) || u < 4096 || u > (64u << 20))
				return bad(k, v);
			a->o.block = u;
		} else if (!strcmp(k, "chunk")) {
			if (parse_u64(v, &u) || !u || u > 1000000)
				return bad(k, v);
			a->lp.chunk = u;
		} else if (!strcmp(k, "window")) {
			if (parse_u64(v, &u) || !u || u > 1024)
				return bad(k, v);
			a->lp.window = u;
		} else if (!strcmp(k, "min-fidelity")) {
			if (parse_frac(v, &d))
				return bad(k, v);
			a->lp.min_fidelity = d * 1e6;
		} else if (!strcmp(k, "max-qber")) {
			if (parse_frac(v, &a->o.max_qber))
				return bad(k, v);
		} else if (!strcmp(k, "connect-timeout")) {
			if (parse_u64(v, &u))
				return bad(k, v);
			a->connect_timeout = u;
		} else if (!strcmp(k, "fidelity")) {
			if (parse_frac(v, &d) || d < 0.25)
				return bad(k, v);
			a->sp.fidelity = d * 1e6 + 0.5;
		} else if (!strcmp(k, "seed")) {
			if (parse_u64(v, &a->sp.seed))
				return bad(k, v);
		} else if (!strcmp(k, "miss")) {
			if (parse_frac(v, &a->sp.miss))
				return bad(k, v);
		} else if (!strcmp(k, "gap")) {
			if (parse_frac(v, &a->sp.gap) || a->sp.gap > 0.9)
				return bad(k, v);
		} else {
			return bad("option", k);
		}
	}
	if (!a->out)
		return bad("arguments: out FILE is", "missing");
	if (a->role == ROLE_SIM) {
		if (!a->o.key_bytes && !a->o.max_pairs && !a->o.max_seconds)
			return bad("arguments: bytes, pairs or time is",
				   "missing");
		if (!a->o.purpose)
			a->o.purpose = 1;
		return 0;
	}
	if (!a->sim && !a->dev)
		return bad("arguments: dev DEV (or sim) is", "missing");
	if (!a->o.purpose || !a->psk)
		return bad("arguments: purpose and psk are", "missing");
	if (a->role == ROLE_ALICE && !a->peer)
		return bad("arguments: peer is", "missing");
	if (a->role == ROLE_ALICE && !a->o.key_bytes && !a->o.max_pairs &&
	    !a->o.max_seconds)
		return bad("arguments: bytes, pairs or time is", "missing");
	if (a->role == ROLE_BOB && !a->listen)
		return bad("arguments: listen is", "missing");
	return 0;
}

/* "host:port", "[v6]:port" or "port" (listen only). */
static int resolve(const char *spec, bool passive, struct addrinfo **res)
{
	struct addrinfo hints = {
		.ai_socktype = SOCK_STREAM,
		.ai_flags = passive ? AI_PASSIVE : 0,
	};
	char host[256] = "", *port;
	int e;

	if (strlen(spec) >= sizeof(host))
		return -EINVAL;
	port = strrchr(spec, ':');
	if (port) {
		size_t hl = port - spec;

		if (spec[0] == '[' && hl >= 2 && spec[hl - 1] == ']') {
			memcpy(host, spec + 1, hl - 2);
			host[hl - 2] = 0;
		} else {
			memcpy(host, spec, hl);
			host[hl] = 0;
		}
		port++;
	} else if (passive) {
		port = (char *)spec;
	} else {
		return -EINVAL;
	}
	e = getaddrinfo(*host ? host : NULL, port, &hints, res);
	if (e) {
		fprintf(stderr, "qkd: %s: %s\n", spec, gai_strerror(e));
		return -EINVAL;
	}
	return 0;
}

static void tcp_tune(int fd)
{
	int one = 1;

	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
}

static int tcp_connect(const char *spec, double timeout)
{
	struct timespec t0, t;
	struct addrinfo *res, *ai;
	int fd = -1, err;

	err = resolve(spec, false, &res);
	if (err)
		return err;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		for (ai = res; ai; ai = ai->ai_next) {
			fd = socket(ai->ai_family, ai->ai_socktype | SOCK_CLOEXEC,
				    ai->ai_protocol);
			if (fd < 0)
				continue;
			if (!connect(fd, ai->ai_addr, ai->ai_addrlen))
				break;
			err = -errno;
			close(fd);
			fd = -1;
		}
		clock_gettime(CLOCK_MONOTONIC, &t);
		if (fd >= 0 || t.tv_sec - t0.tv_sec +
		    (t.tv_nsec - t0.tv_nsec) / 1e9 > timeout)
			break;
		usleep(100000);	/* Bob may not listen yet */
	}
	freeaddrinfo(res);
	if (fd < 0)
		return err ? err : -ECONNREFUSED;
	tcp_tune(fd);
	return fd;
}

static int tcp_accept(const char *spec)
{
	struct addrinfo *res;
	int lfd, fd, one = 1, err;

	err = resolve(spec, true, &res);
	if (err)
		return err;
	lfd = socket(res->ai_family, res->ai_socktype | SOCK_CLOEXEC,
		     res->ai_protocol);
	if (lfd < 0) {
		err = -errno;
		freeaddrinfo(res);
		return err;
	}
	setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(lfd, res->ai_addr, res->ai_addrlen) || listen(lfd, 1)) {
		err = -errno;
		freeaddrinfo(res);
		close(lfd);
		return err;
	}
	freeaddrinfo(res);
	fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
	err = -errno;
	close(lfd);
	if (fd < 0)
		return err;
	tcp_tune(fd);
	return fd;
}

/* ---- sim: both ends in one process ---- */

struct sim_end {
	struct qkd_chan c;
	struct qkd_source *src;
	struct qkd_opts o;
	struct qkd_stats st;
	int err;
	bool alice;
};

static void *sim_thread(void *arg)
{
	struct sim_end *e = arg;

	e->err = e->alice ? qkd_alice(&e->c, e->src, &e->o, &e->st) :
			    qkd_bob(&e->c, e->src, &e->o, &e->st);
	/* unblock the other end if this one failed */
	if (e->err)
		shutdown(e->c.fd, SHUT_RDWR);
	return NULL;
}

static int files_equal(const char *a, const char *b)
{
	FILE *fa = fopen(a, "r"), *fb = fopen(b, "r");
	int ca, cb, eq = 0;

	if (fa && fb) {
		do {
			ca = getc(fa);
			cb = getc(fb);
		} while (ca == cb && ca != EOF);
		eq = ca == cb;
	}
	if (fa)
		fclose(fa);
	if (fb)
		fclose(fb);
	return eq;
}

static int run_sim(struct args *a)
{
	static const uint8_t key[32] = "qkd sim: a key both ends share";
	struct sim_end e[2] = { 0 };
	pthread_t th[2];
	char bob_out[4096];
	int sv[2], i, err = 0;

	snprintf(bob_out, sizeof(bob_out), "%s.bob", a->out);
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv))
		return -errno;
	for (i = 0; i < 2; i++) {
		e[i].alice = !i;
		e[i].o = a->o;
		e[i].o.log = stderr;
		e[i].o.quiet_blocks = a->quiet || i;
		e[i].o.out = fopen(i ? bob_out : a->out, "w");
		e[i].src = sim_source_new(&a->sp, !i);
		chan_init(&e[i].c, sv[i], key, sizeof(key), !i);
		if (!e[i].o.out || !e[i].src)
			err = -errno ? -errno : -ENOMEM;
	}
	for (i = 0; i < 2 && !err; i++)
		if (pthread_create(&th[i], NULL, sim_thread, &e[i]))
			err = -EAGAIN;
	if (!err) {
		pthread_join(th[0], NULL);
		pthread_join(th[1], NULL);
		err = e[0].err ? e[0].err : e[1].err;
	}
	for (i = 0; i < 2; i++) {
		if (e[i].o.out && fclose(e[i].o.out) && !err)
			err = -EIO;
		if (e[i].src)
			e[i].src->close(e[i].src);
		close(sv[i]);
	}
	if (err)
		return err;
	qkd_print_summary(stdout, "alice", &e[0].st);
	qkd_print_summary(stdout, "bob", &e[1].st);
	if (!files_equal(a->out, bob_out)) {
		fprintf(stderr, "qkd: the keys of Alice and Bob differ\n");
		return -EKEYREJECTED;
	}
	printf("sim: keys identical (%llu bytes)\n",
	       (unsigned long long)e[0].st.key_bits / 8);
	return 0;
}

static int run_end(struct args *a)
{
	bool alice = a->role == ROLE_ALICE;
	struct qkd_source *src;
	uint8_t key[PSK_MAX];
	struct qkd_stats st;
	struct qkd_chan c;
	int fd, klen, err = 0;

	klen = psk_read(a->psk, key, sizeof(key));
	if (klen < 0) {
		fprintf(stderr, "qkd: psk %s: %s\n", a->psk,
			klen == -EINVAL ? "shorter than 16 bytes" :
			strerror(-klen));
		return klen;
	}
	if (a->sim) {
		src = sim_source_new(&a->sp, alice);
		if (!src)
			err = -ENOMEM;
	} else {
		a->lp.dev = a->dev;
		a->lp.purpose = a->o.purpose;
		src = link_source_new(&a->lp, alice, &err);
	}
	if (!src) {
		fprintf(stderr, "qkd: %s: %s\n", a->sim ? "sim" : a->dev,
			strerror(-err));
		return err;
	}
	fd = alice ? tcp_connect(a->peer, a->connect_timeout) :
		     tcp_accept(a->listen);
	if (fd < 0) {
		fprintf(stderr, "qkd: %s: %s\n", alice ? a->peer : a->listen,
			strerror(-fd));
		src->close(src);
		return fd;
	}
	a->o.out = fopen(a->out, "w");
	if (!a->o.out) {
		err = -errno;
		fprintf(stderr, "qkd: %s: %s\n", a->out, strerror(errno));
		close(fd);
		src->close(src);
		return err;
	}
	a->o.log = stderr;
	a->o.quiet_blocks = a->quiet;
	chan_init(&c, fd, key, klen, alice);
	err = alice ? qkd_alice(&c, src, &a->o, &st) :
		      qkd_bob(&c, src, &a->o, &st);
	if (fclose(a->o.out) && !err)
		err = -EIO;
	close(fd);
	if (src->lost)
		fprintf(stderr, "qkd: %llu pairs expired before delivery\n",
			(unsigned long long)src->lost);
	src->close(src);
	if (!err)
		qkd_print_summary(stdout, alice ? "alice" : "bob", &st);
	return err;
}

int main(int argc, char **argv)
{
	struct args a;
	int err;

	err = parse(argc, argv, &a);
	if (err) {
		usage(stderr);
		return 2;
	}
	err = a.role == ROLE_SIM ? run_sim(&a) : run_end(&a);
	if (err) {
		fprintf(stderr, "qkd: %s: %s\n",
			a.role == ROLE_ALICE ? "alice" :
			a.role == ROLE_BOB ? "bob" : "sim", strerror(-err));
		return 1;
	}
	return 0;
}
