/*
 * cachefile: see cachefile.h. The file is as untrusted as DNS: every
 * field is validated before it reaches the cache.
 */
#include <err.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cachefile.h"
#include "dnsmsg.h"
#include "util.h"

#define CACHEFILE_MAGIC	"ptrtag-cache 1"

struct saved {
	struct ipaddr	sv_addr;
	enum verdict	sv_verdict;
	uint64_t	sv_expires_ms;
	char		sv_host[DNSMSG_HOST_MAX + 1];
};

struct save_ctx {
	FILE		*sc_fp;
	uint64_t	 sc_now_ms;
	time_t		 sc_wall;
	size_t		 sc_count;
	char		**sc_lines;	/* MRU first, written reversed */
	size_t		 sc_cap;
};

static void
save_one(const struct dnsent *de, uint64_t expires_ms, void *arg)
{
	struct save_ctx	*sc = arg;
	char		 ip[IPADDR_STRMAX], *line;
	long long	 wall;

	if (expires_ms <= sc->sc_now_ms || de->de_verdict == VERDICT_TIMEOUT ||
	    de->de_verdict == VERDICT_SKIPPED)
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

int
cachefile_save(struct rsv *rsv, const char *path)
{
	struct save_ctx	 sc;
	char		*tmp;
	size_t		 i;
	int		 bad = 0;

	memset(&sc, 0, sizeof(sc));
	sc.sc_now_ms = now_ms();
	sc.sc_wall = time(NULL);
	rsv_foreach(rsv, save_one, &sc);
	if (asprintf(&tmp, "%s.tmp.%ld", path, (long)getpid()) == -1)
		err(1, NULL);
	if ((sc.sc_fp = fopen(tmp, "w")) == NULL) {
		warn("cache file %s", tmp);
		bad = 1;
	} else {
		fprintf(sc.sc_fp, "%s\n", CACHEFILE_MAGIC);
		for (i = sc.sc_count; i > 0; i--)
			fputs(sc.sc_lines[i - 1], sc.sc_fp);
		fprintf(sc.sc_fp, "end %zu\n", sc.sc_count);
		if (fflush(sc.sc_fp) != 0 || fsync(fileno(sc.sc_fp)) != 0)
			bad = 1;
		if (fclose(sc.sc_fp) != 0)
			bad = 1;
		if (bad)
			warn("cache file %s", tmp);
		else if (rename(tmp, path) == -1) {
			warn("cache file %s", path);
			bad = 1;
		}
		if (bad)
			unlink(tmp);
	}
	for (i = 0; i < sc.sc_count; i++)
		free(sc.sc_lines[i]);
	free(sc.sc_lines);
	free(tmp);
	return bad ? -1 : 0;
}

static int
parse_verdict(const char *w, enum verdict *v)
{
	int	i;

	for (i = VERDICT_PASS; i <= VERDICT_PERMERROR; i++)
		if (strcmp(w, verdict_name((enum verdict)i)) == 0) {
			*v = (enum verdict)i;
			return 0;
		}
	return -1;
}

/* Parse one entry line; -1 when any field is invalid. */
static int
parse_entry(char *line, uint64_t now, time_t wall, struct saved *sv)
{
	char		*f[5], *p = line;
	const char	*errstr;
	long long	 exp;
	int		 n = 0;

	while (n < 5 && (f[n] = strsep(&p, " ")) != NULL)
		n++;
	if (n != 4 || p != NULL)
		return -1;
	if (ipaddr_parse(f[0], strlen(f[0]), &sv->sv_addr) == -1 ||
	    parse_verdict(f[1], &sv->sv_verdict) == -1)
		return -1;
	exp = strtonum(f[2], 0, LLONG_MAX / 2000, &errstr);
	if (errstr != NULL)
		return -1;
	if (strcmp(f[3], "-") == 0)
		sv->sv_host[0] = '\0';
	else if (!dnsmsg_valid_host(f[3], strlen(f[3])) ||
	    strlcpy(sv->sv_host, f[3], sizeof(sv->sv_host)) >=
	    sizeof(sv->sv_host))
		return -1;
	sv->sv_expires_ms = exp > (long long)wall ?
	    now + (uint64_t)(exp - (long long)wall) * 1000 : 0;
	return 0;
}

/* Read every entry of fp; -1 on the first sign of damage. */
static int
read_entries(FILE *fp, struct saved **out, size_t *count)
{
	struct saved	*sv = NULL;
	char		*line = NULL, tail[32];
	size_t		 cap = 0, n = 0, lcap = 0;
	ssize_t		 len;
	uint64_t	 now = now_ms();
	time_t		 wall = time(NULL);
	int		 rc = -1, ended = 0;

	if ((len = getline(&line, &lcap, fp)) == -1 ||
	    strcmp(line, CACHEFILE_MAGIC "\n") != 0)
		goto done;
	while ((len = getline(&line, &lcap, fp)) != -1) {
		if (ended || len < 2 || line[len - 1] != '\n')
			goto done;
		line[len - 1] = '\0';
		if (strncmp(line, "end ", 4) == 0) {
			snprintf(tail, sizeof(tail), "end %zu", n);
			if (strcmp(line, tail) != 0)
				goto done;
			ended = 1;
			continue;
		}
		if (n == cap) {
			cap = cap ? 2 * cap : 1024;
			sv = xreallocarray(sv, cap, sizeof(*sv));
		}
		if (parse_entry(line, now, wall, &sv[n]) == -1)
			goto done;
		n++;
	}
	if (ended && !ferror(fp))
		rc = 0;
done:
	free(line);
	if (rc == 0) {
		*out = sv;
		*count = n;
	} else
		free(sv);
	return rc;
}

size_t
cachefile_load(struct rsv *rsv, const char *path)
{
	struct saved	*sv = NULL;
	FILE		*fp;
	size_t		 n = 0, i, loaded = 0;
	uint64_t	 now = now_ms();

	if ((fp = fopen(path, "r")) == NULL) {
		if (errno != ENOENT)
			warn("cache file %s", path);
		return 0;
	}
	if (read_entries(fp, &sv, &n) == -1) {
		warnx("cache file %s: corrupt, truncated or of another "
		    "version; starting with an empty cache", path);
		fclose(fp);
		return 0;
	}
	fclose(fp);
	/* Oldest first, so the most recently used end up in front. */
	for (i = 0; i < n; i++) {
		if (sv[i].sv_expires_ms <= now)
			continue;
		if (rsv_preload(rsv, &sv[i].sv_addr, sv[i].sv_verdict,
		    sv[i].sv_host[0] ? sv[i].sv_host : NULL,
		    sv[i].sv_expires_ms) == 0)
			loaded++;
	}
	free(sv);
	return loaded;
}
