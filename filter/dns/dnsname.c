/*
 * dnsname: see dnsname.h.
 */
#include <string.h>

#include "dnsname.h"
#include "hostname.h"

/*
 * Expand the possibly compressed name at buf[off] into dn. Each pointer
 * must target an offset strictly before the start of the run of labels
 * it ends, so the runs start ever earlier and no loop can exist; the hop
 * limit also bounds the work. On success *next is the offset just past
 * the name where it started. Returns 0, or -1 when the name is malformed.
 */
int
dnsname_expand(const uint8_t *buf, size_t len, size_t off, size_t *next,
    struct dnsname *dn)
{
	size_t		 pos = off, run = off, ptr;
	unsigned int	 hops = 0;
	uint8_t		 c;

	dn->dn_len = 0;
	for (;;) {
		if (pos >= len)
			return -1;
		c = buf[pos];
		if ((c & 0xc0) == 0xc0) {
			if (pos + 1 >= len || ++hops > DNSNAME_HOPS_MAX)
				return -1;
			ptr = (size_t)(c & 0x3f) << 8 | buf[pos + 1];
			if (ptr >= run)
				return -1;
			if (hops == 1)
				*next = pos + 2;
			pos = run = ptr;
			continue;
		}
		if ((c & 0xc0) != 0)
			return -1;	/* 01 and 10: obsolete or unknown */
		/* A label other than the root must leave room for it. */
		if (pos + 1 + c > len ||
		    dn->dn_len + 1 + c + (c != 0) > DNSNAME_WIRE_MAX)
			return -1;
		memcpy(dn->dn_wire + dn->dn_len, buf + pos, 1 + (size_t)c);
		dn->dn_len += 1 + (size_t)c;
		pos += 1 + (size_t)c;
		if (c == 0)
			break;
	}
	if (hops == 0)
		*next = pos;
	return 0;
}

/*
 * Convert dotted text (one trailing dot tolerated) to wire form. Returns
 * 0, or -1 on an empty label, a label over 63 bytes or a name over 255.
 */
int
dnsname_from_text(const char *text, struct dnsname *dn)
{
	size_t	 len = strlen(text), start, i;

	if (len > 0 && text[len - 1] == '.')
		len--;
	/* One trailing dot ends the name; a second is an empty label. */
	if (len > 0 && text[len - 1] == '.')
		return -1;
	dn->dn_len = 0;
	for (start = 0; start < len; start = i + 1) {
		for (i = start; i < len && text[i] != '.'; i++)
			continue;
		if (i == start || i - start > HOSTNAME_LABEL_MAX ||
		    dn->dn_len + 1 + (i - start) >= DNSNAME_WIRE_MAX)
			return -1;
		dn->dn_wire[dn->dn_len++] = (uint8_t)(i - start);
		memcpy(dn->dn_wire + dn->dn_len, text + start, i - start);
		dn->dn_len += i - start;
	}
	dn->dn_wire[dn->dn_len++] = 0;
	return 0;
}

static uint8_t
dnsname_lower(uint8_t c)
{
	return c >= 'A' && c <= 'Z' ? (uint8_t)(c - 'A' + 'a') : c;
}

/*
 * Case-insensitive (ASCII only, RFC 4343) comparison of two wire names.
 * Length octets are at most 63, below 'A', so folding them is harmless.
 */
int
dnsname_eq(const struct dnsname *a, const struct dnsname *b)
{
	size_t	 i;

	if (a->dn_len != b->dn_len)
		return 0;
	for (i = 0; i < a->dn_len; i++)
		if (dnsname_lower(a->dn_wire[i]) != dnsname_lower(b->dn_wire[i]))
			return 0;
	return 1;
}

/*
 * Write dn as lower-case dotted text without the trailing dot into out
 * (HOSTNAME_MAX + 1 bytes: a 255-byte wire name is at most 253 text
 * bytes). Every raw label byte must pass hostname_byte(), so a '.' inside
 * a label can never pass as a label boundary. Returns the
 * text length, or -1 on any other byte.
 */
int
dnsname_to_host(const struct dnsname *dn, char *out)
{
	size_t	 pos = 0, o = 0, i;
	uint8_t	 c, n;

	while ((n = dn->dn_wire[pos++]) != 0) {
		if (o > 0)
			out[o++] = '.';
		for (i = 0; i < n; i++) {
			c = dnsname_lower(dn->dn_wire[pos++]);
			if (!hostname_byte(c))
				return -1;
			out[o++] = (char)c;
		}
	}
	out[o] = '\0';
	return (int)o;
}
