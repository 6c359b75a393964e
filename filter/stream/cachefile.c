/*
 * cachefile: see cachefile.h; the rules are those of ptrtag(1), FILES.
 *
 * The file is as untrusted as DNS: every field is validated and every
 * expiry clamped before it reaches the cache. It is trusted only as far
 * as its owner is, which is why cachefile_open() refuses a file another
 * user could have written.
 *
 * This file opens the cache file and saves it, through afile.h (the
 * rules on the file and its directory, the atomic replacement);
 * cachefile_load.c parses and loads it.
 */
#include <err.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cachefile.h"
#include "cachefile_state.h"
#include "util.h"

struct cachefile_state cachefile = { { -1, NULL, NULL, NULL }, -1, NULL,
    NULL };

/*
 * One entry to save, as rsv_foreach() gave it: it points into the cache,
 * which nothing changes before the save returns (only the loop's thread
 * touches the cache, and it is here).
 */
struct save_item {
	const struct dnsent	*si_de;
	long long		 si_wall;	/* expiry, wall clock seconds */
};

struct save_ctx {
	uint64_t		 sc_now_ms;
	time_t			 sc_wall;
	size_t			 sc_count;
	struct save_item	*sc_items;	/* MRU first, written reversed */
	size_t			 sc_cap;
};

int
cachefile_open(const struct config *cfg, char *err, size_t errlen)
{
	cachefile.cfs_cfg = cfg;
	cachefile.cfs_path = cfg->cf_cache_file;
	return afile_open(&cachefile.cfs_af, "cache file", cfg->cf_cache_file,
	    &cachefile.cfs_fd, err, errlen);
}

int
cachefile_dirfd(void)
{
	return cachefile.cfs_af.af_dirfd;
}

static void
save_one(const struct dnsent *de, uint64_t expires_ms, void *arg)
{
	struct save_ctx	*sc = arg;

	if (expires_ms <= sc->sc_now_ms || de->de_verdict >= VERDICT_COUNT ||
	    verdict_table[de->de_verdict].vi_host == VH_NEVER)
		return;
	if (sc->sc_count == sc->sc_cap) {
		sc->sc_cap = sc->sc_cap ? 2 * sc->sc_cap : 1024;
		sc->sc_items = xreallocarray(sc->sc_items, sc->sc_cap,
		    sizeof(*sc->sc_items));
	}
	sc->sc_items[sc->sc_count].si_de = de;
	sc->sc_items[sc->sc_count++].si_wall = (long long)sc->sc_wall +
	    (long long)((expires_ms - sc->sc_now_ms) / 1000);
}

/* Copy s to p, never past end; returns the byte after the copy. */
static char *
put(char *p, const char *end, const char *s)
{
	while (*s != '\0' && p < end)
		*p++ = *s++;
	return p;
}

/*
 * The line of si, 'ADDR VERDICT EXPIRES HOST' and a newline, written to
 * buf (CACHEFILE_LINE_MAX bytes hold the longest, see cachefile_state.h)
 * without stdio's format parsing, which cost most of a save. Returns
 * its length.
 */
static size_t
save_line(const struct save_item *si, char *buf, size_t len)
{
	const struct dnsent	*de = si->si_de;
	char			 num[24], *n = num + sizeof(num), *p = buf;
	const char		*end = buf + len - 1;
	unsigned long long	 v = si->si_wall < 0 ? 0 :
				    (unsigned long long)si->si_wall;

	*--n = '\0';
	do
		*--n = (char)('0' + v % 10);
	while ((v /= 10) != 0);
	p += ipaddr_ntop(&de->de_addr, p, (size_t)(end - p));
	p = put(p, end, " ");
	p = put(p, end, verdict_name((enum verdict)de->de_verdict));
	p = put(p, end, " ");
	p = put(p, end, n);
	p = put(p, end, " ");
	p = put(p, end, de->de_host ? de->de_host : "-");
	*p++ = '\n';
	return (size_t)(p - buf);
}

/* Write the lines of sc to fd, sync and close it; 0, or -1 with errno. */
static int
save_write(int fd, const struct save_ctx *sc)
{
	FILE	*fp;
	char	 line[CACHEFILE_LINE_MAX];
	size_t	 i, n;
	int	 bad, saved;

	if ((fp = fdopen(fd, "w")) == NULL) {
		saved = errno;
		close(fd);
		errno = saved;
		return -1;
	}
	(void)setvbuf(fp, NULL, _IOFBF, 64 * 1024);
	fprintf(fp, "%s\n", CACHEFILE_MAGIC);
	for (i = sc->sc_count; i > 0; i--) {
		n = save_line(&sc->sc_items[i - 1], line, sizeof(line));
		(void)fwrite(line, 1, n, fp);
	}
	fprintf(fp, "end %zu\n", sc->sc_count);
	bad = fflush(fp) != 0 || ferror(fp) || fsync(fileno(fp)) != 0;
	saved = errno;
	if (fclose(fp) != 0 && !bad) {
		bad = 1;
		saved = errno;
	}
	errno = saved;
	return bad ? -1 : 0;
}

int
cachefile_save(struct rsv *rsv, const char *path)
{
	struct save_ctx	 sc;
	char		 tmp[AFILE_TMPMAX], errbuf[512];
	int		 fd, bad = 1;

	if (cachefile.cfs_af.af_dirfd == -1) {
		warnx("cache file %s: not opened at start; not saved", path);
		return -1;
	}
	memset(&sc, 0, sizeof(sc));
	sc.sc_now_ms = now_ms();
	sc.sc_wall = time(NULL);
	rsv_foreach(rsv, save_one, &sc);
	if ((fd = afile_begin(&cachefile.cfs_af, tmp, errbuf,
	    sizeof(errbuf))) == -1)
		warnx("%s", errbuf);
	else if (save_write(fd, &sc) == -1) {
		warn("cache file %s: temporary file %s", path, tmp);
		afile_discard(&cachefile.cfs_af, tmp);
	} else if (afile_commit(&cachefile.cfs_af, tmp, errbuf,
	    sizeof(errbuf)) == -1)
		warnx("%s", errbuf);
	else
		bad = 0;
	free(sc.sc_items);
	return bad ? -1 : 0;
}
