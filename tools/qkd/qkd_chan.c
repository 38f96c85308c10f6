// SPDX-License-Identifier: GPL-2.0
/*
 * The classical channel: authenticated frames over a stream socket.
 *
 *   u32 length (big endian, of the payload)
 *   u8 type, u8 sender ('A' or 'B'), u16 0
 *   u64 sequence number (big endian, per direction, from 0)
 *   payload
 *   HMAC-SHA256(pre-shared key, everything above)
 *
 * BBM92 needs the classical channel authenticated, not secret: a frame
 * with a bad tag, the wrong sender (a reflected frame) or an unexpected
 * sequence number (replayed, dropped or reordered) ends the session.
 */
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "qkd.h"

#define HDR_LEN		16
#define TAG_LEN		32

void chan_init(struct qkd_chan *c, int fd, const uint8_t *key, size_t keylen,
	       bool alice)
{
	memset(c, 0, sizeof(*c));
	c->fd = fd;
	c->key = key;
	c->keylen = keylen;
	c->me = alice ? 'A' : 'B';
	c->peer = alice ? 'B' : 'A';
}

int hmac_sha256(const uint8_t *key, size_t keylen, const void *data,
		size_t len, uint8_t out[32])
{
	unsigned int olen = 32;

	if (!HMAC(EVP_sha256(), key, (int)keylen, data, len, out, &olen) ||
	    olen != 32)
		return -EIO;
	return 0;
}

static int write_all(int fd, const uint8_t *p, size_t len)
{
	while (len) {
		ssize_t w = write(fd, p, len);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		p += w;
		len -= w;
	}
	return 0;
}

static int read_all(int fd, uint8_t *p, size_t len)
{
	while (len) {
		ssize_t r = read(fd, p, len);

		if (r < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (!r)
			return -ECONNRESET;
		p += r;
		len -= r;
	}
	return 0;
}

int chan_send(struct qkd_chan *c, uint8_t type, const void *p, size_t len)
{
	uint32_t be32;
	uint64_t be64;
	uint8_t *f;
	int err;

	if (len > QKD_FRAME_MAX)
		return -EMSGSIZE;
	f = malloc(HDR_LEN + len + TAG_LEN);
	if (!f)
		return -ENOMEM;
	be32 = htobe32((uint32_t)len);
	be64 = htobe64(c->tx_seq);
	memcpy(f, &be32, 4);
	f[4] = type;
	f[5] = c->me;
	f[6] = 0;
	f[7] = 0;
	memcpy(f + 8, &be64, 8);
	if (len)
		memcpy(f + HDR_LEN, p, len);
	err = hmac_sha256(c->key, c->keylen, f, HDR_LEN + len,
			  f + HDR_LEN + len);
	if (!err)
		err = write_all(c->fd, f, HDR_LEN + len + TAG_LEN);
	free(f);
	if (!err) {
		c->tx_seq++;
		c->tx_bytes += HDR_LEN + len + TAG_LEN;
	}
	return err;
}

int chan_recv(struct qkd_chan *c, uint8_t *type, uint8_t **p, size_t *len)
{
	uint8_t hdr[HDR_LEN], tag[TAG_LEN], *f;
	uint32_t be32;
	uint64_t be64;
	size_t n;
	int err;

	err = read_all(c->fd, hdr, HDR_LEN);
	if (err)
		return err;
	memcpy(&be32, hdr, 4);
	n = be32toh(be32);
	if (n > QKD_FRAME_MAX)
		return -EMSGSIZE;
	f = malloc(HDR_LEN + n + TAG_LEN);
	if (!f)
		return -ENOMEM;
	memcpy(f, hdr, HDR_LEN);
	err = read_all(c->fd, f + HDR_LEN, n + TAG_LEN);
	if (!err)
		err = hmac_sha256(c->key, c->keylen, f, HDR_LEN + n, tag);
	if (!err && CRYPTO_memcmp(tag, f + HDR_LEN + n, TAG_LEN))
		err = -EBADMSG;
	memcpy(&be64, f + 8, 8);
	if (!err && (f[5] != c->peer || f[6] || f[7] ||
		     be64toh(be64) != c->rx_seq))
		err = -EPROTO;
	if (err) {
		free(f);
		return err;
	}
	c->rx_seq++;
	c->rx_bytes += HDR_LEN + n + TAG_LEN;
	*type = f[4];
	*len = n;
	memmove(f, f + HDR_LEN, n);
	*p = f;
	return 0;
}

int psk_read(const char *path, uint8_t *buf, size_t size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC), err = 0;
	size_t n = 0;

	if (fd < 0)
		return -errno;
	while (n < size) {
		ssize_t r = read(fd, buf + n, size - n);

		if (r < 0) {
			if (errno == EINTR)
				continue;
			err = -errno;
			break;
		}
		if (!r)
			break;
		n += r;
	}
	if (!err && n == size) {
		char extra;

		if (read(fd, &extra, 1) == 1)
			err = -EFBIG;
	}
	close(fd);
	if (err)
		return err;
	return n < 16 ? -EINVAL : (int)n;
}
