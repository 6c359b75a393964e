/*
 * cachefile: see cachefile.h; the rules are those of ptrtag(1), FILES.
 *
 * The file is as untrusted as DNS: every field is validated and every
 * expiry clamped before it reaches the cache. It is trusted only as far
 * as its owner is, which is why cachefile_open() refuses a file another
 * user could have written.
 *
 * Invariants: after cachefile_open(), cf.dirfd is the cache file's
 * directory for the life of the process and every later access is
 * relative to it (openat, fstatat, renameat, unlinkat), so that only
 * that directory needs to stay writable; nothing is ever opened through
 * a symbolic link in the last path component, and nothing but a new
 * file created exclusively is ever written.
 */
#include <sys/stat.h>

#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cachefile.h"
#include "hostname.h"
#include "util.h"

#define CACHEFILE_MAGIC	"ptrtag-cache 1"

/*
 * Bound on one line: the longest ptrtag writes is an IPv6 address (45),
 * a verdict (9), an expiry (19 digits), a host (253), three spaces and
 * the newline, 330 bytes. A longer line is damage. The file is read no
 * further back than --cache-size + 2 lines of this length from its end.
 */
#define CACHEFILE_LINE_MAX	384

/* Random temporary names tried before giving up (each is 64 bits). */
#define CACHEFILE_TMP_TRIES	16

static struct {
	int			 dirfd;	/* O_PATH directory, or -1 */
	int			 fd;	/* the file until loaded, or -1 */
	char			*name;	/* its last path component */
	const char		*path;	/* as given, for messages */
	const struct config	*cfg;
} cf = { -1, -1, NULL, NULL, NULL };

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

struct save_ctx {
	uint64_t	 sc_now_ms;
	time_t		 sc_wall;
	size_t		 sc_count;
	char		**sc_lines;	/* MRU first, written reversed */
	size_t		 sc_cap;
};

/* Format "cache file PATH: " and fmt into err; returns -1. */
static int __attribute__((format(printf, 3, 4)))
fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list	ap;
	int	n;

	n = snprintf(err, errlen, "cache file %s: ", cf.path);
	if (n >= 0 && (size_t)n < errlen) {
		va_start(ap, fmt);
		vsnprintf(err + n, errlen - (size_t)n, fmt, ap);
		va_end(ap);
	}
	return -1;
}

/*
 * Create a file under a fresh random name in cf.dirfd: exclusively, never
 * through a symbolic link, mode 0600. Returns its descriptor and its name
 * in tmp, or -1 with errno set.
 */
static int
tmp_create(char *tmp, size_t len)
{
	int	i, fd;

	for (i = 0; i < CACHEFILE_TMP_TRIES; i++) {
		if ((size_t)snprintf(tmp, len, "%s.tmp.%08" PRIx32 "%08" PRIx32,
		    cf.name, arc4random(), arc4random()) >= len) {
			errno = ENAMETOOLONG;
			return -1;
		}
		fd = openat(cf.dirfd, tmp, O_WRONLY | O_CREAT | O_EXCL |
		    O_NOFOLLOW | O_CLOEXEC, 0600);
		if (fd != -1 || errno != EEXIST)
			return fd;
	}
	return -1;
}

int
cachefile_open(const struct config *cfg, char *err, size_t errlen)
{
	struct stat	 st, fst;
	const char	*slash;
	char		*dir, tmp[NAME_MAX + 1];
	int		 fd, saved;

	cf.cfg = cfg;
	cf.path = cfg->cf_cache_file;
	if ((slash = strrchr(cf.path, '/')) == NULL) {
		dir = xstrdup(".");
		cf.name = xstrdup(cf.path);
	} else {
		dir = xstrdup(slash == cf.path ? "/" : cf.path);
		if (slash != cf.path)
			dir[slash - cf.path] = '\0';
		cf.name = xstrdup(slash + 1);
	}
	if (cf.name[0] == '\0' || strcmp(cf.name, ".") == 0 ||
	    strcmp(cf.name, "..") == 0) {
		free(dir);
		return fail(err, errlen, "not a file name");
	}
	cf.dirfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	saved = errno;
	free(dir);
	if (cf.dirfd == -1)
		return fail(err, errlen, "its directory: %s", strerror(saved));
	if (fstatat(cf.dirfd, cf.name, &st, AT_SYMLINK_NOFOLLOW) == -1) {
		if (errno != ENOENT)
			return fail(err, errlen, "%s", strerror(errno));
	} else {
		if (S_ISLNK(st.st_mode))
			return fail(err, errlen, "a symbolic link (not followed; "
			    "name the file itself)");
		if (!S_ISREG(st.st_mode))
			return fail(err, errlen, "not a regular file");
		if (st.st_uid != geteuid() && st.st_uid != 0)
			return fail(err, errlen, "owned by uid %ju, neither the "
			    "user running ptrtag (uid %ju) nor root",
			    (uintmax_t)st.st_uid, (uintmax_t)geteuid());
		if (st.st_mode & (S_IWGRP | S_IWOTH))
			return fail(err, errlen, "writable by group or others "
			    "(mode %04o)", (unsigned int)(st.st_mode & 07777));
		/* Without blocking: it may have been replaced by a FIFO. */
		fd = openat(cf.dirfd, cf.name, O_RDONLY | O_NOFOLLOW |
		    O_NONBLOCK | O_CLOEXEC);
		if (fd == -1)
			return fail(err, errlen, "%s", strerror(errno));
		if (fstat(fd, &fst) == -1 || fst.st_dev != st.st_dev ||
		    fst.st_ino != st.st_ino) {
			close(fd);
			return fail(err, errlen, "replaced while being opened");
		}
		cf.fd = fd;
	}
	/* A save must be able to create its temporary file here. */
	if ((fd = tmp_create(tmp, sizeof(tmp))) == -1)
		return fail(err, errlen, "cannot create a file in its "
		    "directory: %s", strerror(errno));
	close(fd);
	(void)unlinkat(cf.dirfd, tmp, 0);
	return 0;
}

int
cachefile_dirfd(void)
{
	return cf.dirfd;
}

static int
parse_verdict(const char *w, enum verdict *v)
{
	int	i;

	for (i = VERDICT_PASS; i <= VERDICT_SKIPPED; i++)
		if (strcmp(w, verdict_name((enum verdict)i)) == 0) {
			*v = (enum verdict)i;
			return 0;
		}
	return -1;
}

/*
 * Longest time v may stay cached, in seconds: what a lookup settling
 * now with v could be given under the TTL options (ptrtag(1)).
 */
static uint32_t
ttl_limit(enum verdict v)
{
	const struct config	*cfg = cf.cfg;

	switch (v) {
	case VERDICT_NONE:
		return cfg->cf_neg_ttl;
	case VERDICT_TEMPERROR:
		return cfg->cf_err_ttl;
	case VERDICT_PERMERROR:
		return cfg->cf_err_ttl > cfg->cf_max_ttl ? cfg->cf_err_ttl :
		    cfg->cf_max_ttl;
	default:
		return cfg->cf_max_ttl;
	}
}

/*
 * 1 when v and host agree as a lookup would settle them: pass and fail
 * name the host checked, none and permerror have none, temperror may
 * have one (a forward lookup failed) or not; timeout, skipped and
 * pending are never cached.
 */
static int
consistent(enum verdict v, const char *host)
{
	switch (v) {
	case VERDICT_PASS:
	case VERDICT_FAIL:
		return host != NULL;
	case VERDICT_NONE:
	case VERDICT_PERMERROR:
		return host == NULL;
	case VERDICT_TEMPERROR:
		return 1;
	default:
		return 0;
	}
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
	    parse_verdict(f[1], &sv->sv_verdict) == -1)
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

	if (cf.fd == -1)
		return 0;
	if ((fp = fdopen(cf.fd, "r")) == NULL)
		err(1, "cache file %s", cf.path);
	cf.fd = -1;
	memset(&sc, 0, sizeof(sc));
	sc.sc_now_ms = now_ms();
	sc.sc_wall = time(NULL);
	cap = ((off_t)cf.cfg->cf_cache_size + 2) * CACHEFILE_LINE_MAX;
	if (fstat(fileno(fp), &st) == -1 ||
	    read_line(fp, line, sizeof(line)) != 1 ||
	    strcmp(line, CACHEFILE_MAGIC) != 0)
		goto damaged;
	start = ftello(fp);
	if (st.st_size - start > cap) {
		warnx("cache file %s: %jd bytes, more than %" PRIu32
		    " entries (--cache-size) take; reading its last %jd",
		    cf.path, (intmax_t)st.st_size, cf.cfg->cf_cache_size,
		    (intmax_t)cap);
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
		    "a verdict that is never cached)", cf.path, sc.sc_dropped);
	if (sc.sc_usable > cf.cfg->cf_cache_size)
		sc.sc_skip = sc.sc_usable - cf.cfg->cf_cache_size;
	if (fseeko(fp, start, SEEK_SET) == -1)
		goto damaged;
	(void)scan_entries(fp, &sc, rsv);
	fclose(fp);
	return sc.sc_loaded;
damaged:
	warnx("cache file %s: corrupt, truncated or of another version; "
	    "starting with an empty cache", cf.path);
	fclose(fp);
	return 0;
}

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

/*
 * The mode for the new file: that of the file it replaces without group
 * or others write (a file with those is refused at start), else 0600.
 * -1 when the name is taken by something else than a regular file.
 */
static int
save_mode(mode_t *mode)
{
	struct stat	st;

	*mode = S_IRUSR | S_IWUSR;
	if (fstatat(cf.dirfd, cf.name, &st, AT_SYMLINK_NOFOLLOW) == -1) {
		if (errno == ENOENT)
			return 0;
		warn("cache file %s", cf.path);
		return -1;
	}
	if (!S_ISREG(st.st_mode)) {
		warnx("cache file %s: no longer a regular file; not saved",
		    cf.path);
		return -1;
	}
	*mode = st.st_mode & 0755;
	return 0;
}

/* Write the lines of sc to fd (closed); 0, or -1 with errno. */
static int
save_write(int fd, mode_t mode, const struct save_ctx *sc)
{
	FILE	*fp;
	size_t	 i;
	int	 bad, saved;

	if (fchmod(fd, mode) == -1 || (fp = fdopen(fd, "w")) == NULL) {
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
	char		 tmp[NAME_MAX + 1];
	mode_t		 mode;
	size_t		 i;
	int		 fd, bad = 1;

	if (cf.dirfd == -1) {
		warnx("cache file %s: not opened at start; not saved", path);
		return -1;
	}
	memset(&sc, 0, sizeof(sc));
	sc.sc_now_ms = now_ms();
	sc.sc_wall = time(NULL);
	rsv_foreach(rsv, save_one, &sc);
	if (save_mode(&mode) == -1)
		goto done;
	if ((fd = tmp_create(tmp, sizeof(tmp))) == -1) {
		warn("cache file %s: temporary file", path);
		goto done;
	}
	if (save_write(fd, mode, &sc) == -1)
		warn("cache file %s: temporary file %s", path, tmp);
	else if (renameat(cf.dirfd, tmp, cf.dirfd, cf.name) == -1)
		warn("cache file %s", path);
	else
		bad = 0;
	if (bad)
		(void)unlinkat(cf.dirfd, tmp, 0);
done:
	for (i = 0; i < sc.sc_count; i++)
		free(sc.sc_lines[i]);
	free(sc.sc_lines);
	return bad ? -1 : 0;
}
