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

struct save_ctx {
	uint64_t	 sc_now_ms;
	time_t		 sc_wall;
	size_t		 sc_count;
	char		**sc_lines;	/* MRU first, written reversed */
	size_t		 sc_cap;
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
	char		 ip[IPADDR_STRMAX], *line;
	long long	 wall;

	if (expires_ms <= sc->sc_now_ms || de->de_verdict >= VERDICT_COUNT ||
	    verdict_table[de->de_verdict].vi_host == VH_NEVER)
		return;
	ipaddr_ntop(&de->de_addr, ip, sizeof(ip));
	wall = (long long)sc->sc_wall +
	    (long long)((expires_ms - sc->sc_now_ms) / 1000);
	if (asprintf(&line, "%s %s %lld %s\n", ip,
	    verdict_name((enum verdict)de->de_verdict), wall,
	    de->de_host ? de->de_host : "-") == -1)
		err(1, NULL);
	if (sc->sc_count == sc->sc_cap) {
		sc->sc_cap = sc->sc_cap ? 2 * sc->sc_cap : 1024;
		sc->sc_lines = xreallocarray(sc->sc_lines, sc->sc_cap,
		    sizeof(*sc->sc_lines));
	}
	sc->sc_lines[sc->sc_count++] = line;
}

/* Write the lines of sc to fd, sync and close it; 0, or -1 with errno. */
static int
save_write(int fd, const struct save_ctx *sc)
{
	FILE	*fp;
	size_t	 i;
	int	 bad, saved;

	if ((fp = fdopen(fd, "w")) == NULL) {
		saved = errno;
		close(fd);
		errno = saved;
		return -1;
	}
	fprintf(fp, "%s\n", CACHEFILE_MAGIC);
	for (i = sc->sc_count; i > 0; i--)
		fputs(sc->sc_lines[i - 1], fp);
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
	size_t		 i;
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
	for (i = 0; i < sc.sc_count; i++)
		free(sc.sc_lines[i]);
	free(sc.sc_lines);
	return bad ? -1 : 0;
}
