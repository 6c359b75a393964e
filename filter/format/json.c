/*
 * json: see json.h. UTF-8 validity is filter/base/utf8.h's rule. Each
 * byte that cannot start or continue a valid sequence becomes one U+FFFD.
 */
#include <stdio.h>

#include "json.h"
#include "utf8.h"

size_t
json_utf8_len(const unsigned char *s, size_t len)
{
	return utf8_seq_len(s, len);
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
