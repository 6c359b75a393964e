/*
 * cachefile_load: reading the --cache-file back (cachefile.h); the
 * rules are those of ptrtag(1), FILES. The file is as untrusted as DNS:
 * every field is validated, the verdict word is parsed through the
 * verdict table (verdict.h), and every expiry is clamped before it
 * reaches the cache.
 */
#include <sys/stat.h>

#include <err.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cachefile.h"
#include "cachefile_state.h"
#include "hostname.h"
#include "util.h"

struct saved {
	struct ipaddr	 sv_addr;
	enum verdict	 sv_verdict;
	uint64_t	 sv_expires_ms;
	const char	*sv_host;	/* NULL, or into the line read */
};

/* What parse_entry() made of a line. */
enum entry {
	ENTRY_DAMAGED,		/* the file is ignored whole */
	ENTRY_DROPPED,		/* inconsistent or never cached: counted */
	ENTRY_EXPIRED,
	ENTRY_USABLE,
};

/* One pass over the entries. */
struct scan {
	uint64_t	 sc_now_ms;
	time_t		 sc_wall;
	int		 sc_partial;	/* reading from the middle */
	size_t		 sc_usable;	/* usable entries seen */
	size_t		 sc_dropped;
	size_t		 sc_skip;	/* usable entries not loaded */
	size_t		 sc_loaded;
};

/*
 * Longest time v may stay cached, in seconds: what a lookup settling
 * now with v could be given under the TTL options (verdict.h, ptrtag(1)).
 */
static uint32_t
ttl_limit(enum verdict v)
{
	const struct config	*cfg = cachefile.cfs_cfg;

	switch (verdict_table[v].vi_ttl) {
	case VT_NEG:
		return cfg->cf_neg_ttl;
	case VT_ERR:
		return cfg->cf_err_ttl;
	case VT_ERR_OR_MAX:
		return cfg->cf_err_ttl > cfg->cf_max_ttl ? cfg->cf_err_ttl :
		    cfg->cf_max_ttl;
	case VT_MAX:
		break;
	}
	return cfg->cf_max_ttl;
}

/*
 * 1 when v and host agree as a lookup would settle them (the host rule
 * of verdict.h); verdicts that are never cached agree with nothing.
 */
static int
consistent(enum verdict v, const char *host)
{
	switch (verdict_table[v].vi_host) {
	case VH_HOST:
		return host != NULL;
	case VH_NOHOST:
		return host == NULL;
	case VH_ANY:
		return 1;
	case VH_NEVER:
		break;
	}
	return 0;
}

/* Parse one entry line (without its newline) into sv. */
static enum entry
parse_entry(char *line, const struct scan *sc, struct saved *sv)
{
	char		*f[5], *p = line;
	const char	*errstr;
	long long	 exp, left;
	uint32_t	 limit;
	int		 n = 0;

	while (n < 5 && (f[n] = strsep(&p, " ")) != NULL)
		n++;
	if (n != 4 || p != NULL)
		return ENTRY_DAMAGED;
	if (ipaddr_parse(f[0], strlen(f[0]), &sv->sv_addr) == -1 ||
	    verdict_parse(f[1], &sv->sv_verdict) == -1)
		return ENTRY_DAMAGED;
	exp = strtonum(f[2], 0, LLONG_MAX / 2000, &errstr);
	if (errstr != NULL)
		return ENTRY_DAMAGED;
	if (strcmp(f[3], "-") == 0)
		sv->sv_host = NULL;
	else if (hostname_valid(f[3], strlen(f[3])))
		sv->sv_host = f[3];
	else
		return ENTRY_DROPPED;
	if (!consistent(sv->sv_verdict, sv->sv_host))
		return ENTRY_DROPPED;
	if (exp <= (long long)sc->sc_wall)
		return ENTRY_EXPIRED;
	left = exp - (long long)sc->sc_wall;
	limit = ttl_limit(sv->sv_verdict);
	if (left > (long long)limit)
		left = limit;
	sv->sv_expires_ms = sc->sc_now_ms + (uint64_t)left * 1000;
	return ENTRY_USABLE;
}

/*
 * Read one line of at most CACHEFILE_LINE_MAX bytes into buf and strip
 * its newline. Returns 1, 0 at the end of the file, -1 for a line that
 * is too long, unterminated or holds a NUL byte.
 */
static int
read_line(FILE *fp, char *buf, size_t len)
{
	size_t	n;

	if (fgets(buf, (int)len, fp) == NULL)
		return 0;
	n = strlen(buf);
	if (n < 2 || buf[n - 1] != '\n')
		return -1;
	buf[n - 1] = '\0';
	return 1;
}

/*
 * One pass over the entries from the current position to the end line:
 * counts them in sc and, when rsv is not NULL, loads the usable ones
 * after the first sc->sc_skip. Returns -1 on the first sign of damage.
 */
static int
scan_entries(FILE *fp, struct scan *sc, struct rsv *rsv)
{
	struct saved	 sv;
	char		 line[CACHEFILE_LINE_MAX + 2];
	const char	*errstr;
	size_t		 nlines = 0, total;
	int		 r;

	sc->sc_usable = sc->sc_dropped = 0;
	while ((r = read_line(fp, line, sizeof(line))) == 1) {
		if (strncmp(line, "end ", 4) == 0)
			break;
		nlines++;
		switch (parse_entry(line, sc, &sv)) {
		case ENTRY_DAMAGED:
			return -1;
		case ENTRY_DROPPED:
			sc->sc_dropped++;
			break;
		case ENTRY_EXPIRED:
			break;
		case ENTRY_USABLE:
			if (rsv != NULL && sc->sc_usable >= sc->sc_skip &&
			    rsv_preload(rsv, &sv.sv_addr, sv.sv_verdict,
			    sv.sv_host, sv.sv_expires_ms) == 0)
				sc->sc_loaded++;
			sc->sc_usable++;
			break;
		}
	}
	if (r != 1)
		return -1;
	/* The count of entry lines: all of them, or at least those read. */
	total = (size_t)strtonum(line + 4, 0, LLONG_MAX, &errstr);
	if (errstr != NULL || (sc->sc_partial ? total < nlines :
	    total != nlines))
		return -1;
	return read_line(fp, line, sizeof(line)) == 0 && !ferror(fp) ? 0 : -1;
}

/*
 * Position fp at the first line that starts at or after off (which is
 * past the header line).
 */
static int
seek_line(FILE *fp, off_t off)
{
	int	c;

	if (fseeko(fp, off - 1, SEEK_SET) == -1)
		return -1;
	while ((c = getc(fp)) != EOF && c != '\n')
		;
	return c == '\n' ? 0 : -1;
}

size_t
cachefile_load(struct rsv *rsv)
{
	struct scan	 sc;
	struct stat	 st;
	FILE		*fp;
	char		 line[CACHEFILE_LINE_MAX + 2];
	off_t		 cap, start;

	if (cachefile.cfs_fd == -1)
		return 0;
	if ((fp = fdopen(cachefile.cfs_fd, "r")) == NULL)
		err(1, "cache file %s", cachefile.cfs_path);
	cachefile.cfs_fd = -1;
	memset(&sc, 0, sizeof(sc));
	sc.sc_now_ms = now_ms();
	sc.sc_wall = time(NULL);
	cap = ((off_t)cachefile.cfs_cfg->cf_cache_size + 2) * CACHEFILE_LINE_MAX;
	if (fstat(fileno(fp), &st) == -1 ||
	    read_line(fp, line, sizeof(line)) != 1 ||
	    strcmp(line, CACHEFILE_MAGIC) != 0)
		goto damaged;
	start = ftello(fp);
	if (st.st_size - start > cap) {
		warnx("cache file %s: %jd bytes, more than %" PRIu32
		    " entries (--cache-size) take; reading its last %jd",
		    cachefile.cfs_path, (intmax_t)st.st_size,
		    cachefile.cfs_cfg->cf_cache_size, (intmax_t)cap);
		sc.sc_partial = 1;
		if (seek_line(fp, st.st_size - cap) == -1)
			goto damaged;
		start = ftello(fp);
	}
	/* Check the whole before loading anything, then keep the last. */
	if (start == -1 || scan_entries(fp, &sc, NULL) == -1)
		goto damaged;
	if (sc.sc_dropped > 0)
		warnx("cache file %s: %zu entries dropped (inconsistent, or "
		    "a verdict that is never cached)", cachefile.cfs_path, sc.sc_dropped);
	if (sc.sc_usable > cachefile.cfs_cfg->cf_cache_size)
		sc.sc_skip = sc.sc_usable - cachefile.cfs_cfg->cf_cache_size;
	if (fseeko(fp, start, SEEK_SET) == -1)
		goto damaged;
	(void)scan_entries(fp, &sc, rsv);
	fclose(fp);
	return sc.sc_loaded;
damaged:
	warnx("cache file %s: corrupt, truncated or of another version; "
	    "starting with an empty cache", cachefile.cfs_path);
	fclose(fp);
	return 0;
}
