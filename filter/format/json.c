/*
 * json: see json.h. UTF-8 validity follows RFC 3629: no overlong forms,
 * no surrogates, nothing above U+10FFFF. Each byte that cannot start or
 * continue a valid sequence becomes one U+FFFD.
 */
#include <stdint.h>
#include <stdio.h>

#include "json.h"

size_t
json_utf8_len(const unsigned char *s, size_t len)
{
	uint32_t	cp;
	size_t		n, i;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		n = 2, cp = s[0] & 0x1f;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		n = 3, cp = s[0] & 0x0f;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		n = 4, cp = s[0] & 0x07;
	else
		return 0;
	if (len < n)
		return 0;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
	    (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		return 0;
	return n;
}

int
json_string(struct outbuf *ob, const char *s, size_t len)
{
	const unsigned char	*u = (const unsigned char *)s;
	char			 esc[8];
	size_t			 i = 0, run, n;
	int			 lossy = 0;

	outbuf_putc(ob, '"');
	while (i < len) {
		/* Copy the longest run that needs no escaping at once. */
		for (run = i; run < len && u[run] >= 0x20 && u[run] < 0x80 &&
		    u[run] != '"' && u[run] != '\\'; run++)
			;
		outbuf_append(ob, s + i, run - i);
		if ((i = run) >= len)
			break;
		if (u[i] == '"' || u[i] == '\\') {
			outbuf_putc(ob, '\\');
			outbuf_putc(ob, (char)u[i++]);
		} else if (u[i] < 0x20) {
			snprintf(esc, sizeof(esc), "\\u%04x", u[i++]);
			outbuf_append(ob, esc, 6);
		} else if ((n = json_utf8_len(u + i, len - i)) > 0) {
			outbuf_append(ob, s + i, n);
			i += n;
		} else {
			outbuf_append(ob, "\xef\xbf\xbd", 3);
			lossy = 1;
			i++;
		}
	}
	outbuf_putc(ob, '"');
	return lossy;
}
