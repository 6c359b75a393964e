/*
 * patset: pattern sets for "-p NAME|FILE" (ptrtag.1, DESCRIPTION).
 *
 * A set file holds one PCRE2 expression a line; patfile.c finds and
 * reads it. Each pattern is compiled once here, JIT compiled when the
 * JIT works, and gets one match data of its own.
 *
 * Matching walks every pattern over the whole line, so that the caller
 * can report the captures in order of position whatever pattern caught
 * them: a pattern's captures need not come in line order (its groups
 * may appear in any order, and lookarounds capture outside the match),
 * so nothing short of collecting them all can order them.
 *
 * Patterns are compiled without PCRE2_UTF and with PCRE2_NEVER_UTF: log
 * lines are bytes, and a "(*UTF)" in a user's file would make every
 * line that is not valid UTF-8 a matcher error. PCRE2_DUPNAMES lets a
 * pattern name two alternatives "ip"; every group of a wanted name is
 * read from the name table, and an unset one is skipped.
 *
 * Every match runs under the limits below (ptrtag.1, -p), set on one
 * match context that the JIT and the interpreter both read. A user's
 * pattern can backtrack without end; a match that reaches a limit ends
 * the scan of the line with PATSET_LIMIT, and the caller scans the line
 * another way.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "patfile.h"
#include "patset.h"

/*
 * The match limit of one match attempt (PCRE2 counts afresh at each start
 * position): PATSET_MATCH_BASE plus PATSET_MATCH_PER_BYTE for each byte of
 * the line, so that a longer line gets a proportional budget. The JIT and
 * the interpreter count differently; on lines of 64 KiB shaped to make
 * every optional part work (tests/patterns/linear_shapes.h), the shipped
 * sets need at most 2.5 per byte under either, and a few hundred on short
 * lines: the limit leaves a margin of 6 and more. At 64 KiB the budget,
 * about 1.15 million steps, is some milliseconds of JIT matching.
 */
#define PATSET_MATCH_BASE	100000
#define PATSET_MATCH_PER_BYTE	16
/*
 * The depth of nested backtracking, and the heap (KiB) that holds it,
 * which only the interpreter uses (the JIT ignores both and stops at its
 * stack of PCRE2's default 32 KiB instead, PCRE2_ERROR_JIT_STACKLIMIT).
 * The shipped sets need a depth of at most 9 and the least heap there
 * is. The heap a match takes stays with its match data until the set is
 * freed, so the heap limit also bounds what a hostile line leaves
 * behind: PATSET_MAX times this at most.
 */
#define PATSET_DEPTH_LIMIT	10000
#define PATSET_HEAP_LIMIT	1024

/* Named groups of one kind (address, or helo) one pattern may have. */
#define PATSET_GRPMAX	16

struct patset_grp {
	uint32_t		pg_num;		/* capture group number */
	enum ipscan_role	pg_role;
};

struct patset_pat {
	pcre2_code		*pp_code;
	pcre2_match_data	*pp_md;
	struct patset_grp	 pp_addr[PATSET_GRPMAX]; /* ip, src, dst */
	uint32_t		 pp_helo[PATSET_GRPMAX]; /* helo */
	size_t			 pp_naddr;
	size_t			 pp_nhelo;
	int			 pp_jit;	/* JIT compile succeeded */
	char			 pp_where[64];	/* "NAME.pat:LINE" for errors */
};

struct patset {
	pcre2_match_context	*ps_mctx;	/* the limits of every match */
	size_t			 ps_n;
	struct patset_pat	 ps_pat[PATSET_MAX];
};

struct patset *
patset_create(char *errbuf, size_t errlen)
{
	struct patset	*ps;

	if ((ps = calloc(1, sizeof(*ps))) == NULL ||
	    (ps->ps_mctx = pcre2_match_context_create(NULL)) == NULL) {
		free(ps);
		snprintf(errbuf, errlen, "out of memory");
		return NULL;
	}
	pcre2_set_depth_limit(ps->ps_mctx, PATSET_DEPTH_LIMIT);
	pcre2_set_heap_limit(ps->ps_mctx, PATSET_HEAP_LIMIT);
	return ps;
}

size_t
patset_count(const struct patset *ps)
{
	return ps->ps_n;
}

int
patset_jit(const struct patset *ps)
{
	size_t	i;

	for (i = 0; i < ps->ps_n; i++)
		if (!ps->ps_pat[i].pp_jit)
			return 0;
	return 1;
}

void
patset_free(struct patset *ps)
{
	size_t	i;

	if (ps == NULL)
		return;
	for (i = 0; i < ps->ps_n; i++) {
		pcre2_match_data_free(ps->ps_pat[i].pp_md);
		pcre2_code_free(ps->ps_pat[i].pp_code);
	}
	pcre2_match_context_free(ps->ps_mctx);
	free(ps);
}

/* Map a group name to an address role; -1 when it names no address. */
static int
patset_role(const char *name)
{
	if (strcmp(name, "ip") == 0)
		return IPSCAN_ROLE_IP;
	if (strcmp(name, "src") == 0)
		return IPSCAN_ROLE_SRC;
	if (strcmp(name, "dst") == 0)
		return IPSCAN_ROLE_DST;
	return -1;
}

/*
 * Read the name table of pp's compiled pattern into pp_addr and
 * pp_helo. Other names are the user's business and are ignored.
 * Returns NULL, or the reason the pattern cannot be used.
 */
static const char *
patset_groups(struct patset_pat *pp)
{
	PCRE2_SPTR	 tab;
	const char	*name;
	uint32_t	 count, size, i, num;
	int		 role;

	if (pcre2_pattern_info(pp->pp_code, PCRE2_INFO_NAMECOUNT, &count) ||
	    pcre2_pattern_info(pp->pp_code, PCRE2_INFO_NAMEENTRYSIZE, &size) ||
	    pcre2_pattern_info(pp->pp_code, PCRE2_INFO_NAMETABLE, &tab))
		return "cannot read the pattern's group names";
	for (i = 0; i < count; i++, tab += size) {
		/* An entry: group number in two bytes, big endian; name. */
		num = (uint32_t)tab[0] << 8 | tab[1];
		name = (const char *)tab + 2;
		role = patset_role(name);
		if (role == -1 && strcmp(name, "helo") != 0)
			continue;
		if ((role == -1 ? pp->pp_nhelo : pp->pp_naddr) ==
		    PATSET_GRPMAX)
			return "pattern has too many groups of one name";
		if (role == -1)
			pp->pp_helo[pp->pp_nhelo++] = num;
		else {
			pp->pp_addr[pp->pp_naddr].pg_num = num;
			pp->pp_addr[pp->pp_naddr++].pg_role =
			    (enum ipscan_role)role;
		}
	}
	if (pp->pp_naddr == 0)
		return "pattern has no ip, src or dst group";
	return NULL;
}

/*
 * Compile pattern text[0..len), line lineno of file path, as the next
 * pattern of the patset arg (a patfile_fn). Returns 0, or -1 with
 * "FILE:LINE: reason" in errbuf; the set is unchanged then.
 */
static int
patset_compile(void *arg, const char *path, unsigned long lineno,
    const char *text, size_t len, char *errbuf, size_t errlen)
{
	struct patset		*ps = arg;
	struct patset_pat	*pp = &ps->ps_pat[ps->ps_n];
	PCRE2_UCHAR		 msg[120];
	PCRE2_SIZE		 erroff;
	const char		*why, *base;
	int			 ec;

	if (ps->ps_n == PATSET_MAX) {
		snprintf(errbuf, errlen, "%s:%lu: more than %d patterns",
		    path, lineno, PATSET_MAX);
		return -1;
	}
	memset(pp, 0, sizeof(*pp));
	pp->pp_code = pcre2_compile((PCRE2_SPTR)text, len,
	    PCRE2_DUPNAMES | PCRE2_NEVER_UTF, &ec, &erroff, NULL);
	if (pp->pp_code == NULL) {
		pcre2_get_error_message(ec, msg, sizeof(msg));
		snprintf(errbuf, errlen, "%s:%lu: %s at offset %zu",
		    path, lineno, (char *)msg, (size_t)erroff);
		return -1;
	}
	why = patset_groups(pp);
	if (why == NULL &&
	    (pp->pp_md = pcre2_match_data_create_from_pattern(pp->pp_code,
	    NULL)) == NULL)
		why = "out of memory";
	if (why != NULL) {
		snprintf(errbuf, errlen, "%s:%lu: %s", path, lineno, why);
		pcre2_code_free(pp->pp_code);
		return -1;
	}
	/* A JIT failure (no executable memory, say) is not fatal. */
	pp->pp_jit = pcre2_jit_compile(pp->pp_code, PCRE2_JIT_COMPLETE) == 0;
	/* The label of matcher errors: "NAME.pat:LINE", cut when too long. */
	base = strrchr(path, '/');
	if (snprintf(pp->pp_where, sizeof(pp->pp_where), "%s:%lu",
	    base != NULL ? base + 1 : path, lineno) < 0)
		pp->pp_where[0] = '\0';
	ps->ps_n++;
	return 0;
}

int
patset_load(struct patset *ps, const char *spec, const char *const *dirs,
    size_t ndirs, char *errbuf, size_t errlen)
{
	return patfile_load(spec, dirs, ndirs, patset_compile, ps, errbuf,
	    errlen);
}

/*
 * Append the addresses one match captured: every set address group
 * whose text ipaddr_parse takes, with the first set helo group. A span
 * in brackets is trimmed to the address, as the built-in scanner
 * reports it. Returns 0, or -1 when out of memory.
 */
static int
patset_take(const struct patset_pat *pp, uint32_t src, const char *buf,
    const PCRE2_SIZE *ov, uint32_t nset, struct patset_hits *h)
{
	struct ipmatch	m;
	size_t		i, so, eo;
	uint32_t	g;

	memset(&m, 0, sizeof(m));
	for (i = 0; i < pp->pp_nhelo; i++) {
		g = pp->pp_helo[i];
		if (g < nset && ov[2 * g] != PCRE2_UNSET &&
		    ov[2 * g] < ov[2 * g + 1]) {
			m.im_helo_so = ov[2 * g];
			m.im_helo_eo = ov[2 * g + 1];
			break;
		}
	}
	for (i = 0; i < pp->pp_naddr; i++) {
		g = pp->pp_addr[i].pg_num;
		if (g >= nset || ov[2 * g] == PCRE2_UNSET)
			continue;
		so = ov[2 * g];
		eo = ov[2 * g + 1];
		if (so >= eo ||
		    ipaddr_parse(buf + so, eo - so, &m.im_addr) == -1)
			continue;
		if (buf[so] == '[') {
			so++;
			eo--;
		}
		m.im_so = so;
		m.im_eo = eo;
		m.im_role = pp->pp_addr[i].pg_role;
		if (patset_hits_add(h, &m, src) == -1)
			return -1;
	}
	return 0;
}

/* One match attempt of pp from start, under mctx; PCRE2's return code. */
static int
patset_match(struct patset_pat *pp, pcre2_match_context *mctx,
    const char *buf, size_t len, size_t start, uint32_t opts)
{
	if (pp->pp_jit)
		return pcre2_jit_match(pp->pp_code, (PCRE2_SPTR)buf, len,
		    start, opts, pp->pp_md, mctx);
	return pcre2_match(pp->pp_code, (PCRE2_SPTR)buf, len, start, opts,
	    pp->pp_md, mctx);
}

/* Is rc the error of a match that reached one of its limits? */
static int
patset_is_limit(int rc)
{
	return rc == PCRE2_ERROR_MATCHLIMIT || rc == PCRE2_ERROR_DEPTHLIMIT ||
	    rc == PCRE2_ERROR_HEAPLIMIT || rc == PCRE2_ERROR_JIT_STACKLIMIT;
}

/*
 * Walk every match of one pattern over the line. After an empty match
 * the next attempt at the same place must not be empty (the pcre2demo
 * rule, without PCRE2_ANCHORED, which the JIT does not take): it then
 * finds a non-empty match there or any match further on, so the loop
 * always advances. Returns 0, PATSET_LIMIT when a match reached a limit,
 * or -1 on another error; err then holds the reason.
 */
static int
patset_walk(struct patset_pat *pp, pcre2_match_context *mctx, uint32_t src,
    const char *buf, size_t len, struct patset_hits *h, char *err,
    size_t errlen)
{
	PCRE2_UCHAR	 msg[100];
	PCRE2_SIZE	*ov;
	size_t		 start = 0;
	uint32_t	 opts = 0, nset;
	int		 rc;

	for (;;) {
		rc = patset_match(pp, mctx, buf, len, start, opts);
		if (rc == PCRE2_ERROR_NOMATCH)
			return 0;
		if (rc < 0) {
			pcre2_get_error_message(rc, msg, sizeof(msg));
			snprintf(err, errlen, "%s: %s", pp->pp_where,
			    (char *)msg);
			return patset_is_limit(rc) ? PATSET_LIMIT : -1;
		}
		ov = pcre2_get_ovector_pointer(pp->pp_md);
		nset = rc > 0 ? (uint32_t)rc :
		    pcre2_get_ovector_count(pp->pp_md);
		/* \K in a lookahead can end a match before its start. */
		if (ov[0] > ov[1])
			return 0;
		if (patset_take(pp, src, buf, ov, nset, h) == -1) {
			snprintf(err, errlen, "out of memory");
			return -1;
		}
		if (ov[1] == ov[0] && ov[1] >= len)
			return 0;
		opts = ov[1] == ov[0] ? PCRE2_NOTEMPTY_ATSTART : 0;
		start = ov[1];
	}
}

int
patset_scan(struct patset *ps, const char *buf, size_t len,
    struct patset_hits *h, char *err, size_t errlen)
{
	uint64_t	limit;
	size_t		i;
	int		rc;

	limit = PATSET_MATCH_BASE + (uint64_t)len * PATSET_MATCH_PER_BYTE;
	pcre2_set_match_limit(ps->ps_mctx,
	    limit < UINT32_MAX ? (uint32_t)limit : UINT32_MAX);
	for (i = 0; i < ps->ps_n; i++)
		if ((rc = patset_walk(&ps->ps_pat[i], ps->ps_mctx, (uint32_t)i,
		    buf, len, h, err, errlen)) != 0)
			return rc;
	return 0;
}

int
patset_hits_add(struct patset_hits *h, const struct ipmatch *m,
    uint32_t src)
{
	struct patset_hit	*v;
	size_t			 cap;

	if (h->ph_n == h->ph_cap) {
		cap = h->ph_cap > 0 ? h->ph_cap * 2 : 16;
		if ((v = reallocarray(h->ph_v, cap, sizeof(*v))) == NULL)
			return -1;
		h->ph_v = v;
		h->ph_cap = cap;
	}
	v = &h->ph_v[h->ph_n];
	v->ph_m = *m;
	v->ph_src = src;
	v->ph_seq = h->ph_n++;
	return 0;
}

static int
patset_hit_cmp(const void *a, const void *b)
{
	const struct patset_hit	*x = a, *y = b;

	if (x->ph_m.im_so != y->ph_m.im_so)
		return x->ph_m.im_so < y->ph_m.im_so ? -1 : 1;
	if (x->ph_src != y->ph_src)
		return x->ph_src < y->ph_src ? -1 : 1;
	if (x->ph_seq != y->ph_seq)
		return x->ph_seq < y->ph_seq ? -1 : 1;
	return 0;
}

void
patset_hits_sort(struct patset_hits *h)
{
	if (h->ph_n > 1)
		qsort(h->ph_v, h->ph_n, sizeof(*h->ph_v), patset_hit_cmp);
}

void
patset_hits_free(struct patset_hits *h)
{
	free(h->ph_v);
	h->ph_v = NULL;
	h->ph_n = h->ph_cap = 0;
}
