/*
 * gzread: decompresses gzip data (RFC 1952) as it arrives, one member or
 * several concatenated, the way gzip -d reads a file (ptrtag.1,
 * COMPRESSED INPUT). Bytes in, bytes out: it reads no descriptor, so
 * input.c decides when to read and this module can be fuzzed on its own.
 * zlib lives here only.
 *
 * Memory is bounded: at most GZREAD_INBUF compressed bytes are held, and
 * output goes straight into the caller's buffer.
 */
#ifndef GZREAD_H
#define GZREAD_H

#include <stddef.h>
#include <sys/types.h>

/* The two bytes every gzip member starts with. */
#define GZREAD_MAGIC0	0x1f
#define GZREAD_MAGIC1	0x8b

/* Compressed bytes held at most. */
#define GZREAD_INBUF	(16u * 1024)

struct gzread;

/* A reader at the start of a member. Exits through err(1) on ENOMEM. */
struct gzread	*gzread_create(void);
void		 gzread_free(struct gzread *gz);

/*
 * Room for compressed bytes: up to *room bytes may be written at the
 * returned pointer, then counted with gzread_add(). *room is 0 only
 * while GZREAD_INBUF bytes wait to be decompressed.
 */
unsigned char	*gzread_space(struct gzread *gz, size_t *room);
void		 gzread_add(struct gzread *gz, size_t n);

/*
 * Decompress into out[0..outlen). Returns the bytes written, 0 when
 * nothing more can be written before more compressed bytes are added,
 * or -1 when the data is not gzip or is damaged (bad header, block or
 * checksum, or something other than a member after a member): then
 * gzread_error() says why, and every later call fails too. Bytes
 * written before the damage was found are good output.
 */
ssize_t		 gzread_inflate(struct gzread *gz, void *out, size_t outlen);

/*
 * 1 when gzread_inflate() may still write bytes, or fail, without
 * gzread_add(): compressed bytes wait, the last call filled its buffer,
 * or it found damage after writing bytes and has yet to return -1.
 */
int		 gzread_pending(const struct gzread *gz);

/*
 * The compressed input has ended: 0 when it ended right after a whole
 * member, -1 when inside one (a truncated file), with gzread_error().
 */
int		 gzread_end(struct gzread *gz);

/* Why the last failure happened: one short phrase, no newline. */
const char	*gzread_error(const struct gzread *gz);

/* Members completed so far. */
size_t		 gzread_members(const struct gzread *gz);

#endif /* GZREAD_H */
