/*
 * xquestion: see xquestion.h. Offsets are those of the DNS header
 * (arpa/nameser.h): ID in bytes 0-1, QDCOUNT in bytes 4-5, the question
 * from HFIXEDSZ on.
 */
#include <sys/types.h>
#include <arpa/nameser.h>

#include <ares.h>
#include <stdlib.h>
#include <string.h>

#include "xquestion.h"

/*
 * Case bits come from a pool that arc4random_buf() fills a whole at a
 * time. glibc's arc4random() makes a getrandom(2) call for every word,
 * which was one system call in seven of each query (a socket per query:
 * xport_impl.h). Each word is handed out once and cleared as it goes.
 * Only the main thread sends queries, and ptrtag never forks, so no two
 * processes or threads draw the same words.
 */
#define XQUESTION_POOL	64		/* words per getrandom(2) */

static uint32_t	xq_pool[XQUESTION_POOL];
static size_t	xq_pool_left;

static uint32_t
random_word(void)
{
	uint32_t	w;

	if (xq_pool_left == 0) {
		arc4random_buf(xq_pool, sizeof(xq_pool));
		xq_pool_left = XQUESTION_POOL;
	}
	w = xq_pool[--xq_pool_left];
	xq_pool[xq_pool_left] = 0;
	return w;
}

void
xquestion_case_0x20(char *name)
{
	uint32_t	bits = 0;
	int		left = 0;

	for (; *name != '\0'; name++) {
		if (!((*name >= 'a' && *name <= 'z') ||
		    (*name >= 'A' && *name <= 'Z')))
			continue;
		if (left == 0) {
			bits = random_word();
			left = 32;
		}
		*name = (char)((*name & ~0x20) | (bits & 1 ? 0 : 0x20));
		bits >>= 1;
		left--;
	}
}

int
xquestion_build(const char *name, int type, uint8_t *q, size_t max,
    size_t *qlen)
{
	unsigned char	*buf;
	int		 len, rc;

	/* The same message ares_query() builds (ID 0, RD set, no EDNS). */
	if ((rc = ares_create_query(name, C_IN, type, 0, 1, &buf, &len, 0)) !=
	    ARES_SUCCESS)
		return rc;
	*qlen = xquestion_len(buf, (size_t)len);
	if (*qlen == 0 || *qlen > max) {
		ares_free_string(buf);
		return ARES_EBADNAME;
	}
	memcpy(q, buf + HFIXEDSZ, *qlen);
	ares_free_string(buf);
	return ARES_SUCCESS;
}

size_t
xquestion_len(const uint8_t *m, size_t len)
{
	size_t	off = HFIXEDSZ;

	while (off < len && m[off] != 0) {
		if (m[off] & 0xc0)
			return 0;
		off += 1 + (size_t)m[off];
	}
	off += 1 + QFIXEDSZ;
	return off <= len ? off - HFIXEDSZ : 0;
}

int
xquestion_same(const uint8_t *q, size_t qlen, const uint8_t *m, size_t len)
{
	return len >= HFIXEDSZ + qlen && m[4] == 0 && m[5] == 1 &&
	    memcmp(m + HFIXEDSZ, q, qlen) == 0;
}

uint16_t
xquestion_id(const uint8_t *m)
{
	return (uint16_t)(m[0] << 8 | m[1]);
}
