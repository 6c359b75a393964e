/*
 * xquestion: the bytes of a DNS question, as the transport sends and
 * checks them (ptrtag(1), DNS TRANSPORT). Pure functions on buffers, no
 * sockets:
 * - every ASCII letter of a query name gets a random case (0x20 bits),
 *   so an off-path forger must guess them as well as the ID and port;
 * - an answer is the query's only if its question section echoes the
 *   sent question byte for byte, letter case included.
 */
#ifndef XQUESTION_H
#define XQUESTION_H

#include <stddef.h>
#include <stdint.h>

/* Longest question: a name of 255 bytes, type and class. */
#define XQUESTION_MAX	(255 + 4)

/*
 * Give each ASCII letter of the C string name a random case. The bits
 * come from a process-wide pool (xquestion.c): call from one thread only,
 * the one that sends the queries.
 */
void	xquestion_case_0x20(char *name);

/*
 * Build the question section c-ares writes for name (class IN) and type
 * into q[0..max); its length goes to *qlen. Returns ARES_SUCCESS, or the
 * ARES_* code the query fails with (ARES_EBADNAME: no room in q).
 */
int	xquestion_build(const char *name, int type, uint8_t *q, size_t max,
	    size_t *qlen);

/*
 * Bytes of the question after the header of message m[0..len), or 0 when
 * there is none, it is cut short or its name is compressed.
 */
size_t	xquestion_len(const uint8_t *m, size_t len);

/*
 * Does message m[0..len) carry exactly one question, and is it q[0..qlen)
 * byte for byte (0x20 case included)?
 */
int	xquestion_same(const uint8_t *q, size_t qlen, const uint8_t *m,
	    size_t len);

/* The ID of message m (at least a header long). */
uint16_t xquestion_id(const uint8_t *m);

#endif /* XQUESTION_H */
