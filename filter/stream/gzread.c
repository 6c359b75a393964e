/*
 * gzread: see gzread.h.
 *
 * zlib's inflate() in gzip mode (window bits 15 + 16) parses one member:
 * header, deflate blocks, then the CRC-32 and length trailer, which it
 * checks. At Z_STREAM_END the member is whole; the bytes after it must be
 * another member, so the stream is reset and inflate() goes on with them.
 * A stream that ends between members ended cleanly.
 *
 * Invariant: gz_zs.next_in points into gz_in and gz_zs.avail_in bytes
 * from there wait; gzread_space() moves them to the front.
 */
#include <err.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#include "gzread.h"

struct gzread {
	z_stream	 gz_zs;
	int		 gz_between;	/* a member just ended */
	int		 gz_full;	/* the last call filled its buffer */
	int		 gz_failed;
	int		 gz_told;	/* a call has returned -1 */
	size_t		 gz_members;
	char		 gz_err[96];
	unsigned char	 gz_in[GZREAD_INBUF];
};

struct gzread *
gzread_create(void)
{
	struct gzread	*gz;
	int		 rc;

	if ((gz = calloc(1, sizeof(*gz))) == NULL)
		err(1, NULL);
	gz->gz_zs.next_in = gz->gz_in;
	/* 15 + 16: a 32 KiB window, gzip header and trailer only. */
	if ((rc = inflateInit2(&gz->gz_zs, 15 + 16)) != Z_OK)
		errx(1, "zlib: %s", rc == Z_MEM_ERROR ? "out of memory" :
		    "cannot start inflate");
	return gz;
}

void
gzread_free(struct gzread *gz)
{
	if (gz == NULL)
		return;
	(void)inflateEnd(&gz->gz_zs);
	free(gz);
}

unsigned char *
gzread_space(struct gzread *gz, size_t *room)
{
	z_stream	*zs = &gz->gz_zs;

	if (zs->next_in != gz->gz_in) {
		memmove(gz->gz_in, zs->next_in, zs->avail_in);
		zs->next_in = gz->gz_in;
	}
	*room = sizeof(gz->gz_in) - zs->avail_in;
	return gz->gz_in + zs->avail_in;
}

void
gzread_add(struct gzread *gz, size_t n)
{
	gz->gz_zs.avail_in += (uInt)n;
}

/* Remember why the data is refused; every later call fails too. */
static ssize_t
fail(struct gzread *gz, const char *why)
{
	snprintf(gz->gz_err, sizeof(gz->gz_err), "%s", why);
	gz->gz_failed = 1;
	gz->gz_full = 0;
	return -1;
}

/* A refusal by inflate(): name the member when there were several. */
static ssize_t
fail_inflate(struct gzread *gz, int rc)
{
	char	why[sizeof(gz->gz_err)];

	if (rc == Z_MEM_ERROR)
		errx(1, "zlib: out of memory");
	if (gz->gz_members > 0 && gz->gz_zs.total_out == 0 &&
	    gz->gz_zs.total_in <= 2)
		return fail(gz, "damaged gzip data: not a gzip member after "
		    "the last one");
	snprintf(why, sizeof(why), "damaged gzip data: %s",
	    gz->gz_zs.msg != NULL ? gz->gz_zs.msg : "inflate failed");
	return fail(gz, why);
}

ssize_t
gzread_inflate(struct gzread *gz, void *out, size_t outlen)
{
	z_stream	*zs = &gz->gz_zs;
	uInt		 in0, out0;
	int		 rc;

	if (gz->gz_failed) {
		gz->gz_told = 1;
		return -1;
	}
	zs->next_out = out;
	zs->avail_out = outlen > UINT_MAX ? UINT_MAX : (uInt)outlen;
	out0 = zs->avail_out;
	gz->gz_full = 0;
	while (zs->avail_out > 0) {
		if (gz->gz_between) {
			if (zs->avail_in == 0)
				break;
			(void)inflateReset(zs);
			gz->gz_between = 0;
		}
		in0 = zs->avail_in;
		rc = inflate(zs, Z_NO_FLUSH);
		if (rc == Z_STREAM_END) {
			gz->gz_between = 1;
			gz->gz_members++;
			continue;
		}
		if (rc == Z_OK && (zs->avail_in != in0 || zs->avail_out == 0))
			continue;
		if (rc == Z_OK || rc == Z_BUF_ERROR)
			break;		/* it needs more input */
		(void)fail_inflate(gz, rc);
		/* What this call wrote is good; the next one fails. */
		if (out0 > zs->avail_out)
			return (ssize_t)(out0 - zs->avail_out);
		gz->gz_told = 1;
		return -1;
	}
	gz->gz_full = zs->avail_out == 0;
	return (ssize_t)(out0 - zs->avail_out);
}

int
gzread_pending(const struct gzread *gz)
{
	if (gz->gz_failed)
		return !gz->gz_told;
	return gz->gz_zs.avail_in > 0 || gz->gz_full;
}

int
gzread_end(struct gzread *gz)
{
	if (gz->gz_failed)
		return -1;
	if (gz->gz_between && gz->gz_zs.avail_in == 0)
		return 0;
	gz->gz_told = 1;
	return (int)fail(gz, "unexpected end of gzip data (truncated)");
}

const char *
gzread_error(const struct gzread *gz)
{
	return gz->gz_err;
}

size_t
gzread_members(const struct gzread *gz)
{
	return gz->gz_members;
}
