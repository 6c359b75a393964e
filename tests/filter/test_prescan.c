/*
 * The scan-ahead thread (prescan.h): its result for a line is what a
 * scanner of the loop's own finds on the same bytes, with the same
 * filter and limits; a result is handed out only for the same place and
 * length; after a fence, bytes rewritten in place are scanned anew, never
 * answered from before; the loop is told the addresses of the lines
 * ahead.
 */
#include <sys/socket.h>

#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "bounds.h"
#include "ipscan.h"
#include "line.h"
#include "prescan.h"
#include "util.h"

#define MAX_IPS		3
#define MAX_LINE	200

/* The filter under test: every address but those of 10.0.0.0/8. */
static int
not_ten(const struct ipaddr *ia, const void *arg)
{
	(void)arg;
	return !(ia->ia_family == AF_INET && ia->ia_bytes[0] == 10);
}

static struct prescan *
start(prescan_soon_fn soon, void *soon_arg)
{
	struct prescan_conf	 pc;
	char			 err[256];

	memset(&pc, 0, sizeof(pc));
	pc.pc_scan = ipscan_create(err, sizeof(err));
	cr_assert_not_null(pc.pc_scan, "%s", err);
	pc.pc_max_ips = MAX_IPS;
	pc.pc_max_line = MAX_LINE;
	pc.pc_keep = not_ten;
	pc.pc_soon = soon;
	pc.pc_soon_arg = soon_arg;
	return prescan_start(&pc);
}

/* Wait (10 s at most) until the thread has published n results or more. */
static void
wait_for(struct prescan *ps, size_t n)
{
	const struct timespec	ms = { 0, 1000000 };
	int			i;

	for (i = 0; i < 10000 && prescan_waiting(ps) < n; i++)
		nanosleep(&ms, NULL);
	cr_assert_geq(prescan_waiting(ps), n, "%zu results, not %zu",
	    prescan_waiting(ps), n);
}

/* The lines of buf, as input.c frames them: (start, length) pairs. */
static size_t
frame(const char *buf, size_t len, size_t *so, size_t *sl, size_t max)
{
	const char	*nl;
	size_t		 off = 0, n = 0;

	while (off < len && n < max &&
	    (nl = memchr(buf + off, '\n', len - off)) != NULL) {
		so[n] = off;
		sl[n++] = (size_t)(nl - (buf + off)) + 1;
		off = (size_t)(nl - buf) + 1;
	}
	return n;
}

/* The lines of so[], sl[] that are short enough to be scanned. */
static size_t
scannable(const char *buf, const size_t *so, const size_t *sl, size_t n)
{
	size_t	i, k = 0;

	for (i = 0; i < n; i++)
		if (line_text_len(buf + so[i], sl[i]) <= MAX_LINE)
			k++;
	return k;
}

/* What the loop's own scanner finds on p[0..len). */
static int
own_scan(struct ipscan *sc, const char *p, size_t len, struct ipmatch *m,
    int *limited)
{
	int	n;

	n = ipscan_line_keep(sc, p, len, m, MAX_IPS, not_ten, NULL);
	*limited = ipscan_limited(sc);
	return n;
}

/* A result from the thread equals the scanner's on the same bytes. */
static void
expect_same(struct ipscan *sc, const char *p, size_t len,
    const struct ipmatch *got, int n, int limited)
{
	struct ipmatch	want[LINE_ADDRS_MAX];
	int		wn, wlim, i;

	wn = own_scan(sc, p, len, want, &wlim);
	cr_expect_eq(n, wn, "%.*s: %d addresses, not %d", (int)len, p, n, wn);
	cr_expect_eq(limited, wlim);
	for (i = 0; i < n && i < wn; i++) {
		cr_expect_eq(ipaddr_cmp(&got[i].im_addr, &want[i].im_addr), 0,
		    "%.*s: address %d", (int)len, p, i);
		cr_expect_eq(got[i].im_so, want[i].im_so);
		cr_expect_eq(got[i].im_eo, want[i].im_eo);
		cr_expect_eq(got[i].im_role, want[i].im_role);
	}
}

static struct ipscan *
own_scanner(void)
{
	char		 err[256];
	struct ipscan	*sc = ipscan_create(err, sizeof(err));

	cr_assert_not_null(sc, "%s", err);
	return sc;
}

/* Line kind k (of 7) with the numbers of i. */
static int
line_of(char *out, size_t size, int k, int i)
{
	switch (k) {
	case 0:
		return snprintf(out, size, "sshd[1]: Failed password from "
		    "192.0.2.%d port 22\n", i);
	case 1:
		return snprintf(out, size, "no address at all, just %d words\n",
		    i);
	case 2:
		return snprintf(out, size, "dup 198.51.100.%d and again "
		    "198.51.100.%d twice\n", i, i);
	case 3:
		return snprintf(out, size, "v6 2001:db8::%x and mapped "
		    "::ffff:192.0.2.%d here\n", i, i);
	case 4:
		return snprintf(out, size, "filtered 10.1.2.%d kept "
		    "203.0.113.%d\r\n", i, i);
	case 5:
		return snprintf(out, size, "many 192.0.2.1 192.0.2.2 192.0.2.3 "
		    "192.0.2.4 192.0.2.%d\n", i);
	default:
		return snprintf(out, size, "bracketed [2001:db8::%x]:443 and "
		    "256.1.1.%d bad\n", i, i);
	}
}

/* Varied lines, padded past 32 KiB so that the offer wakes the thread. */
static size_t
fill(char *buf, size_t size, int salt)
{
	size_t	len = 0;
	int	i = 0, n;

	while (len < 40 * 1024) {
		n = line_of(buf + len, size - len, i % 7, (i + salt) % 250);
		cr_assert(n > 0 && (size_t)n < size - len);
		len += (size_t)n;
		i++;
		if (i % 97 == 0) {	/* a line too long to scan */
			memset(buf + len, 'x', MAX_LINE + 10);
			memcpy(buf + len + 5, "192.0.2.7", 9);
			len += MAX_LINE + 10;
			buf[len++] = '\n';
		}
	}
	return len;
}

static char	buf[64 * 1024];
static size_t	so[4096], sl[4096];

/* Offer buf, filled with salt, and wait until all is scanned: its lines. */
static size_t
offer_all(struct prescan *ps, int salt)
{
	size_t	len, n;

	len = fill(buf, sizeof(buf), salt);
	n = frame(buf, len, so, sl, 4096);
	prescan_offer(ps, buf, len);
	wait_for(ps, scannable(buf, so, sl, n));
	cr_expect_eq(prescan_waiting(ps), scannable(buf, so, sl, n));
	return n;
}

/*
 * Take the n lines framed in buf, after the thread has scanned them
 * all: each short enough has its result, the scanner's own; each longer
 * one has none.
 */
static void
take_all(struct prescan *ps, struct ipscan *sc, size_t n)
{
	struct ipmatch	m[LINE_ADDRS_MAX];
	size_t		i;
	int		k, limited, found;

	for (i = 0; i < n; i++) {
		found = prescan_take(ps, buf + so[i], sl[i], m, &k, &limited);
		if (line_text_len(buf + so[i], sl[i]) > MAX_LINE) {
			/* input.c hands these out raw: never scanned. */
			cr_expect_eq(found, 0, "line %zu is too long", i);
			continue;
		}
		cr_assert_eq(found, 1, "line %zu", i);
		expect_same(sc, buf + so[i], sl[i], m, k, limited);
	}
	cr_expect_eq(prescan_waiting(ps), 0);
}

Test(prescan, results_are_the_scanners)
{
	struct prescan	*ps = start(NULL, NULL);
	struct ipscan	*sc = own_scanner();

	cr_assert_not_null(ps);
	take_all(ps, sc, offer_all(ps, 0));
	prescan_stop(ps);
	ipscan_free(sc);
}

/* The same place with another length is another line: no result. */
Test(prescan, only_same_place_and_length)
{
	struct prescan	*ps = start(NULL, NULL);
	struct ipscan	*sc = own_scanner();
	struct ipmatch	 m[LINE_ADDRS_MAX];
	int		 k, limited;

	cr_assert(offer_all(ps, 3) > 3);
	cr_expect_eq(prescan_take(ps, buf + so[0], sl[0] - 1, m, &k,
	    &limited), 0);
	/* That line's result is gone; the next lines' are there. */
	cr_expect_eq(prescan_take(ps, buf + so[0], sl[0], m, &k, &limited),
	    0);
	cr_expect_eq(prescan_take(ps, buf + so[1] + 1, sl[1] - 1, m, &k,
	    &limited), 0);
	cr_assert_eq(prescan_take(ps, buf + so[2], sl[2], m, &k, &limited),
	    1);
	expect_same(sc, buf + so[2], sl[2], m, k, limited);
	prescan_stop(ps);
	ipscan_free(sc);
}

/*
 * Bytes rewritten in place after a fence are scanned anew: every digit
 * moves up by one, so each line keeps its place and length and has other
 * addresses, and a result kept from before the fence would differ.
 */
Test(prescan, fence_forgets)
{
	struct prescan	*ps = start(NULL, NULL);
	struct ipscan	*sc = own_scanner();
	size_t		 len, n, i;

	n = offer_all(ps, 0);
	len = so[n - 1] + sl[n - 1];
	prescan_fence(ps);
	cr_expect_eq(prescan_waiting(ps), 0);
	for (i = 0; i < len; i++)
		if (buf[i] >= '0' && buf[i] <= '8')
			buf[i]++;
	prescan_offer(ps, buf, len);
	wait_for(ps, scannable(buf, so, sl, n));
	take_all(ps, sc, n);
	prescan_stop(ps);
	ipscan_free(sc);
}

/*
 * The bytes not yet handed out moved to the buffer's front (input.c's
 * compaction before a read ahead): every line scanned before the move
 * keeps its result at its new place, before the thread may read again;
 * then the thread goes on with the bytes offered after them, and only
 * those.
 */
Test(prescan, moved_keeps_results)
{
	struct prescan	*ps = start(NULL, NULL);
	struct ipscan	*sc = own_scanner();
	struct ipmatch	 m[LINE_ADDRS_MAX];
	size_t		 len, n, h, by, i, more, k2;
	int		 k, limited;

	n = offer_all(ps, 5);
	len = so[n - 1] + sl[n - 1];
	h = n / 2;
	for (i = 0; i < h; i++)
		(void)prescan_take(ps, buf + so[i], sl[i], m, &k, &limited);
	by = so[h];
	prescan_fence(ps);
	memmove(buf, buf + by, len - by);
	prescan_moved(ps, buf, by);
	cr_expect_eq(prescan_waiting(ps), scannable(buf + by, so + h, sl + h,
	    n - h), "the results of the lines moved are kept");
	for (i = 0; i < n - h; i++) {
		so[i] = so[h + i] - by;
		sl[i] = sl[h + i];
	}
	/* The thread is still fenced: every result is from before. */
	take_all(ps, sc, n - h);
	/* New lines after the moved ones: the thread scans those alone. */
	more = fill(buf + (len - by), sizeof(buf) - (len - by), 9);
	k2 = frame(buf + (len - by), more, so, sl, 4096);
	for (i = 0; i < k2; i++)
		so[i] += len - by;
	prescan_offer(ps, buf, len - by + more);
	wait_for(ps, scannable(buf, so, sl, k2));
	cr_expect_eq(prescan_waiting(ps), scannable(buf, so, sl, k2));
	take_all(ps, sc, k2);
	prescan_stop(ps);
	ipscan_free(sc);
}

/*
 * A move while the thread is behind the loop: it goes on from the front,
 * never from before it, and its results are right.
 */
Test(prescan, moved_past_the_thread)
{
	const struct timespec	 settle = { 0, 50000000 };
	struct prescan		*ps = start(NULL, NULL);
	struct ipscan		*sc = own_scanner();
	struct ipmatch		 m[LINE_ADDRS_MAX];
	size_t			 len, n, h, by, i;
	int			 k, limited;

	nanosleep(&settle, NULL);	/* the thread waits for a kick */
	len = fill(buf, sizeof(buf), 11);
	n = frame(buf, len, so, sl, 4096);
	/* Under 32 KiB: no kick, so the thread is still at the start. */
	prescan_offer(ps, buf, so[200]);
	h = 100;
	for (i = 0; i < h; i++)
		if (prescan_take(ps, buf + so[i], sl[i], m, &k, &limited))
			expect_same(sc, buf + so[i], sl[i], m, k, limited);
	by = so[h];
	prescan_fence(ps);
	memmove(buf, buf + by, len - by);
	prescan_moved(ps, buf, by);
	for (i = 0; i < n - h; i++) {
		so[i] = so[h + i] - by;
		sl[i] = sl[h + i];
	}
	prescan_offer(ps, buf, len - by);
	wait_for(ps, scannable(buf, so, sl, n - h));
	cr_expect_eq(prescan_waiting(ps), scannable(buf, so, sl, n - h),
	    "the thread framed lines that are not there");
	take_all(ps, sc, n - h);
	prescan_stop(ps);
	ipscan_free(sc);
}

/*
 * The loop taking lines while the thread scans them: whatever it is
 * handed is right, whichever of the two gets to a line first.
 */
Test(prescan, racing_the_thread)
{
	struct prescan	*ps = start(NULL, NULL);
	struct ipscan	*sc = own_scanner();
	struct ipmatch	 m[LINE_ADDRS_MAX];
	size_t		 len, n, i, round;
	int		 k, limited;

	for (round = 0; round < 20; round++) {
		len = fill(buf, sizeof(buf), (int)round);
		n = frame(buf, len, so, sl, 4096);
		prescan_offer(ps, buf, len);
		for (i = 0; i < n; i++)
			if (prescan_take(ps, buf + so[i], sl[i], m, &k,
			    &limited))
				expect_same(sc, buf + so[i], sl[i], m, k,
				    limited);
		prescan_fence(ps);
	}
	prescan_stop(ps);
	ipscan_free(sc);
}

/* What soon() was told, in which step, and the lines taken when it was. */
struct told {
	struct ipaddr	addr[8192];
	int		step[8192];
	size_t		taken[8192];
	size_t		n;
	size_t		now;		/* lines taken so far */
	size_t		steps[PRESCAN_SOON_STEPS];
};

static void
soon(void *arg, const struct ipaddr *ia, int step)
{
	struct told	*t = arg;

	cr_assert(step >= 0 && step < PRESCAN_SOON_STEPS, "step %d", step);
	t->steps[step]++;
	if (t->n < 8192) {
		t->addr[t->n] = *ia;
		t->step[t->n] = step;
		t->taken[t->n++] = t->now;
	}
}

/* The loop is told the addresses of lines still ahead of it. */
Test(prescan, soon_tells_lines_ahead)
{
	static struct told	 t;
	struct prescan		*ps = start(soon, &t);
	struct ipmatch		 m[LINE_ADDRS_MAX];
	struct ipaddr		 want;
	size_t			 len = 0, i, j;
	int			 k, limited;
	char			 text[32];

	memset(&t, 0, sizeof(t));
	/* Line i holds 192.0.2.(i % 200) and 198.51.(i / 200).1 alone. */
	for (i = 0; len < 40 * 1024; i++) {
		len += (size_t)snprintf(buf + len, sizeof(buf) - len,
		    "host 192.0.2.%zu via 198.51.%zu.1 ok\n", i % 200,
		    i / 200);
		so[i] = len;
	}
	prescan_offer(ps, buf, len);
	wait_for(ps, i);
	for (j = 0; j < i; j++) {
		cr_assert_eq(prescan_take(ps, buf + (j ? so[j - 1] : 0),
		    so[j] - (j ? so[j - 1] : 0), m, &k, &limited), 1);
		t.now = j + 1;
	}
	cr_assert(t.n > i, "told %zu addresses for %zu lines", t.n, i);
	/* Every step told of nearly every line's two addresses. */
	for (k = 0; k < PRESCAN_SOON_STEPS; k++)
		cr_expect_geq(t.steps[k], 2 * (i - PRESCAN_SOON_AHEAD(0)),
		    "step %d told %zu addresses for %zu lines", k, t.steps[k],
		    i);
	for (j = 0; j < t.n; j++) {
		/* Told while line taken[j] - 1 was taken: of a later line. */
		size_t	line = t.taken[j] + PRESCAN_SOON_AHEAD(t.step[j]);

		snprintf(text, sizeof(text), j % 2 == 0 ? "192.0.2.%zu" :
		    "198.51.%zu.1", j % 2 == 0 ? line % 200 : line / 200);
		cr_assert_eq(ipaddr_parse(text, strlen(text), &want), 0);
		cr_expect_eq(ipaddr_cmp(&t.addr[j], &want), 0,
		    "told address %zu is not of line %zu", j, line);
	}
	prescan_stop(ps);
}
