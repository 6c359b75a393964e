/*
 * statefmt: see statefmt.h. The parser walks the text with a cursor
 * (struct cur) that never reads past the end; every number is decimal
 * without a sign or leading zeros, every field is separated by exactly
 * one space, and every line ends with '\n'.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "outbuf.h"
#include "statefmt.h"
#include "util.h"

/* Longest line: an input line with a path of 4096 bytes all escaped. */
#define STATE_LINE_MAX	(3 * 4096 + 128)

struct cur {
	const char	*c_p;
	const char	*c_end;		/* the current line's '\n' */
	const char	*c_bufend;
	size_t		 c_line;	/* 1-based */
	char		*c_err;
	size_t		 c_errlen;
};

static int __attribute__((format(printf, 2, 3)))
bad(struct cur *c, const char *fmt, ...)
{
	va_list	ap;
	int	n;

	n = snprintf(c->c_err, c->c_errlen, "line %zu: ", c->c_line);
	if (n >= 0 && (size_t)n < c->c_errlen) {
		va_start(ap, fmt);
		vsnprintf(c->c_err + n, c->c_errlen - (size_t)n, fmt, ap);
		va_end(ap);
	}
	return -1;
}

/* Step to the next line: c_end at its '\n'. 0, or -1 when none is left. */
static int
next_line(struct cur *c, int first)
{
	const char	*nl;

	if (!first)
		c->c_p = c->c_end + 1;
	c->c_line++;
	if (c->c_p >= c->c_bufend)
		return bad(c, "the file ends early (no \"end\" line)");
	nl = memchr(c->c_p, '\n', (size_t)(c->c_bufend - c->c_p));
	if (nl == NULL)
		return bad(c, "no newline at the end");
	if ((size_t)(nl - c->c_p) > STATE_LINE_MAX)
		return bad(c, "longer than %d bytes", STATE_LINE_MAX);
	c->c_end = nl;
	return 0;
}

/* After a field: the end of the line when last, else one space. */
static int
field_end(struct cur *c, int last)
{
	if (last)
		return c->c_p == c->c_end ? 0 : -1;
	if (c->c_p == c->c_end || *c->c_p != ' ')
		return -1;
	c->c_p++;
	return 0;
}

/*
 * The word w, then a space (or the end of the line when last); the
 * cursor does not move when they are not there.
 */
static int
word(struct cur *c, const char *w, int last)
{
	const char	*start = c->c_p;
	size_t		 n = strlen(w);

	if ((size_t)(c->c_end - c->c_p) < n || memcmp(c->c_p, w, n) != 0)
		return -1;
	c->c_p += n;
	if (field_end(c, last) == -1) {
		c->c_p = start;
		return -1;
	}
	return 0;
}

/* A decimal number, then a space (or the end of the line when last). */
static int
number(struct cur *c, uint64_t *v, int last)
{
	const char	*p = c->c_p;
	uint64_t	 n = 0;

	if (p == c->c_end || *p < '0' || *p > '9' ||
	    (*p == '0' && p + 1 < c->c_end && p[1] >= '0' && p[1] <= '9'))
		return -1;
	for (; p < c->c_end && *p >= '0' && *p <= '9'; p++) {
		if (n > (UINT64_MAX - (uint64_t)(*p - '0')) / 10)
			return -1;
		n = n * 10 + (uint64_t)(*p - '0');
	}
	c->c_p = p;
	*v = n;
	return field_end(c, last);
}

static int
hexval(char ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

/* Exactly n bytes as 2n hex digits, then a space or the end of line. */
static int
hexbytes(struct cur *c, uint8_t *out, size_t n, int last)
{
	size_t	i;
	int	hi, lo;

	if ((size_t)(c->c_end - c->c_p) < 2 * n)
		return -1;
	for (i = 0; i < n; i++) {
		if ((hi = hexval(c->c_p[2 * i])) == -1 ||
		    (lo = hexval(c->c_p[2 * i + 1])) == -1)
			return -1;
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	c->c_p += 2 * n;
	return field_end(c, last);
}

/* The rest of the line as an encoded path (statefmt.h); owned copy. */
static char *
path(struct cur *c)
{
	const char	*p;
	char		*out, *o;
	int		 hi, lo;

	if (c->c_p == c->c_end)
		return NULL;
	o = out = xcalloc((size_t)(c->c_end - c->c_p) + 1, 1);
	for (p = c->c_p; p < c->c_end; p++) {
		if (*p == '%') {
			if (c->c_end - p < 3 || (hi = hexval(p[1])) == -1 ||
			    (lo = hexval(p[2])) == -1 || (hi == 0 && lo == 0))
				goto fail;
			*o++ = (char)(hi << 4 | lo);
			p += 2;
		} else if (*p > ' ' && *p <= '~')
			*o++ = *p;
		else
			goto fail;
	}
	c->c_p = c->c_end;
	return out;
fail:
	free(out);
	return NULL;
}

static uint64_t
be64(const uint8_t *b)
{
	uint64_t	v = 0;
	int		i;

	for (i = 0; i < 8; i++)
		v = v << 8 | b[i];
	return v;
}

/* One "input" line, the word already taken. */
static int
input_line(struct cur *c, struct state *st)
{
	struct state_pos	 pos;
	uint64_t		 fplen, hlen;
	uint8_t			 fp[8], hfp[8];
	char			*p;

	if (number(c, &pos.sp_dev, 0) == -1 ||
	    number(c, &pos.sp_ino, 0) == -1 ||
	    number(c, &pos.sp_off, 0) == -1 || number(c, &fplen, 0) == -1 ||
	    hexbytes(c, fp, sizeof(fp), 0) == -1 ||
	    number(c, &hlen, 0) == -1 || hexbytes(c, hfp, sizeof(hfp), 0) == -1)
		return bad(c, "expected \"input DEV INO OFFSET FPLEN FP "
		    "HEADLEN HEAD PATH\"");
	pos.sp_fplen = (uint32_t)fplen;
	pos.sp_fp = be64(fp);
	pos.sp_hlen = (uint32_t)hlen;
	pos.sp_hfp = be64(hfp);
	if (fplen > STATE_FP_MAX || fplen > pos.sp_off ||
	    hlen > STATE_FP_MAX)
		return bad(c, "a fingerprint length out of range");
	if ((fplen == 0 && pos.sp_fp != 0) || (hlen == 0 && pos.sp_hfp != 0))
		return bad(c, "a fingerprint of no bytes");
	if (pos.sp_dev == 0 && pos.sp_ino == 0 && (pos.sp_off != 0 ||
	    hlen != 0))
		return bad(c, "an offset without a file");
	if ((p = path(c)) == NULL)
		return bad(c, "not an encoded path");
	if (st->st_ninputs == STATE_INPUTS_MAX || statefmt_find(st, p)) {
		free(p);
		return bad(c, st->st_ninputs == STATE_INPUTS_MAX ?
		    "more than %d inputs" : "a path named twice",
		    STATE_INPUTS_MAX);
	}
	statefmt_add(st, p, &pos);
	free(p);
	return 0;
}

/* The lines before the inputs: magic, key, output. */
static int
head(struct cur *c, struct state *st)
{
	if (next_line(c, 1) == -1)
		return -1;
	if (word(c, STATE_MAGIC, 1) == -1)
		return bad(c, "not \"%s\"", STATE_MAGIC);
	if (next_line(c, 0) == -1)
		return -1;
	if (word(c, "key", 0) == -1 ||
	    hexbytes(c, st->st_key, STATE_KEYLEN, 1) == -1)
		return bad(c, "expected \"key\" and %d hex digits",
		    2 * STATE_KEYLEN);
	if (next_line(c, 0) == -1)
		return -1;
	if (word(c, "output", 0) == -1)
		return bad(c, "expected \"output\"");
	if (word(c, "-", 1) == 0)
		return 0;
	if (number(c, &st->st_out_dev, 0) == -1 ||
	    number(c, &st->st_out_ino, 0) == -1 ||
	    number(c, &st->st_out_size, 1) == -1)
		return bad(c, "expected \"output DEV INO SIZE\" or "
		    "\"output -\"");
	st->st_has_output = 1;
	return 0;
}

int
statefmt_parse(const char *buf, size_t len, struct state *st, char *err,
    size_t errlen)
{
	struct cur	c;
	uint64_t	count;

	memset(st, 0, sizeof(*st));
	memset(&c, 0, sizeof(c));
	c.c_p = buf;
	c.c_bufend = buf + len;
	c.c_err = err;
	c.c_errlen = errlen;
	if (len > STATE_FILE_MAX) {
		snprintf(err, errlen, "larger than %u bytes", STATE_FILE_MAX);
		return -1;
	}
	if (head(&c, st) == -1)
		goto fail;
	for (;;) {
		if (next_line(&c, 0) == -1)
			goto fail;
		if (word(&c, "input", 0) == 0) {
			if (input_line(&c, st) == -1)
				goto fail;
			continue;
		}
		if (word(&c, "end", 0) == -1 || number(&c, &count, 1) == -1) {
			bad(&c, "expected \"input\" or \"end COUNT\"");
			goto fail;
		}
		break;
	}
	if (count != st->st_ninputs) {
		bad(&c, "end %" PRIu64 " after %zu inputs", count,
		    st->st_ninputs);
		goto fail;
	}
	if (c.c_end + 1 != c.c_bufend) {
		bad(&c, "text after the \"end\" line");
		goto fail;
	}
	return 0;
fail:
	statefmt_free(st);
	return -1;
}

/* The path encoded as statefmt.h says. */
static void
put_path(struct outbuf *ob, const char *p)
{
	char	esc[4];

	for (; *p != '\0'; p++) {
		if (*p > ' ' && *p <= '~' && *p != '%')
			outbuf_putc(ob, *p);
		else {
			snprintf(esc, sizeof(esc), "%%%02X", (unsigned char)*p);
			outbuf_append(ob, esc, 3);
		}
	}
}

char *
statefmt_format(const struct state *st, size_t *lenp)
{
	struct outbuf	 ob;
	char		 line[256];
	size_t		 i;
	const struct state_pos *sp;

	outbuf_init(&ob, 0);
	outbuf_puts(&ob, STATE_MAGIC "\nkey ");
	for (i = 0; i < STATE_KEYLEN; i++) {
		snprintf(line, sizeof(line), "%02x", st->st_key[i]);
		outbuf_puts(&ob, line);
	}
	if (st->st_has_output)
		snprintf(line, sizeof(line), "\noutput %" PRIu64 " %" PRIu64
		    " %" PRIu64 "\n", st->st_out_dev, st->st_out_ino,
		    st->st_out_size);
	else
		snprintf(line, sizeof(line), "\noutput -\n");
	outbuf_puts(&ob, line);
	for (i = 0; i < st->st_ninputs; i++) {
		sp = &st->st_inputs[i].si_pos;
		snprintf(line, sizeof(line), "input %" PRIu64 " %" PRIu64 " %"
		    PRIu64 " %" PRIu32 " %016" PRIx64 " %" PRIu32 " %016"
		    PRIx64 " ", sp->sp_dev, sp->sp_ino, sp->sp_off,
		    sp->sp_fplen, sp->sp_fp, sp->sp_hlen, sp->sp_hfp);
		outbuf_puts(&ob, line);
		put_path(&ob, st->st_inputs[i].si_path);
		outbuf_putc(&ob, '\n');
	}
	snprintf(line, sizeof(line), "end %zu\n", st->st_ninputs);
	outbuf_puts(&ob, line);
	*lenp = ob.ob_len;
	outbuf_putc(&ob, '\0');
	return ob.ob_buf;
}

void
statefmt_add(struct state *st, const char *p, const struct state_pos *pos)
{
	struct state_input	*si;

	st->st_inputs = xreallocarray(st->st_inputs, st->st_ninputs + 1,
	    sizeof(*st->st_inputs));
	si = &st->st_inputs[st->st_ninputs++];
	si->si_path = xstrdup(p);
	si->si_pos = *pos;
}

const struct state_input *
statefmt_find(const struct state *st, const char *p)
{
	size_t	i;

	for (i = 0; i < st->st_ninputs; i++)
		if (strcmp(st->st_inputs[i].si_path, p) == 0)
			return &st->st_inputs[i];
	return NULL;
}

void
statefmt_free(struct state *st)
{
	size_t	i;

	for (i = 0; i < st->st_ninputs; i++)
		free(st->st_inputs[i].si_path);
	free(st->st_inputs);
	memset(st, 0, sizeof(*st));
}
