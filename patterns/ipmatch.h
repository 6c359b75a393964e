/*
 * ipmatch: one address found in a line, as the scanner (ipscan.h) and
 * the pattern sets (patset.h) both report it. A value type only.
 */
#ifndef IPMATCH_H
#define IPMATCH_H

#include <stddef.h>

#include "ipaddr.h"

/* Role of an address, from the named group of a pattern that caught it. */
enum ipscan_role {
	IPSCAN_ROLE_IP = 0,	/* group "ip", or the built-in scanner */
	IPSCAN_ROLE_SRC,	/* group "src" */
	IPSCAN_ROLE_DST,	/* group "dst" */
};

struct ipmatch {
	size_t			im_so;		/* span of the address text */
	size_t			im_eo;
	struct ipaddr		im_addr;	/* already unmapped */
	enum ipscan_role	im_role;
	size_t			im_helo_so;	/* span of group "helo"; */
	size_t			im_helo_eo;	/* so == eo when none */
};

#endif /* IPMATCH_H */
