/*
 * ptrtag: append reverse DNS and FCrDNS verdicts to log lines.
 *
 * main() opens everything first (files, output, scanner, resolver),
 * then runs the loop; it knows nothing of DNS wire format or PCRE2.
 */
#include <err.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <ares.h>

#include "cachefile.h"
#include "config.h"
#include "extract.h"
#include "follow.h"
#include "input.h"
#include "ipscan.h"
#include "loop.h"
#include "metricsfile.h"
#include "nbio.h"
#include "options.h"
#include "output.h"
#include "resolver.h"
#include "sandbox.h"
#include "stats.h"
#include "util.h"

/* How messages name FILE argument i ("-" is the standard input). */
static const char *
input_name(char **files, size_t i)
{
	if (files[0] == NULL || strcmp(files[i], "-") == 0)
		return "stdin";
	return files[i];
}

/*
 * Close fds[0..n), then exit 2 naming the input: before exiting, so that
 * the leak checker, which runs at exit too, finds nothing open.
 */
static void __attribute__((noreturn))
refuse_input(int *fds, size_t n, const char *name, const char *why)
{
	while (n-- > 0)
		if (fds[n] != STDIN_FILENO)
			close(fds[n]);
	free(fds);
	errx(2, "%s: %s", name, why);
}

/*
 * Open every input now, so that one that cannot be read is a usage error
 * (2): a file that cannot be opened, or a directory (ptrtag.1, EXIT
 * STATUS). The standard input is checked too when it is an input.
 */
static int *
open_inputs(char **files, size_t *nfds)
{
	struct stat	 sb;
	size_t		 i, n = 0;
	int		*fds;

	while (files[n] != NULL)
		n++;
	*nfds = n > 0 ? n : 1;
	fds = xcalloc(*nfds, sizeof(*fds));
	for (i = 0; i < *nfds; i++) {
		if (n == 0 || strcmp(files[i], "-") == 0)
			fds[i] = STDIN_FILENO;
		else if ((fds[i] = open(files[i], O_RDONLY | O_CLOEXEC)) ==
		    -1)
			refuse_input(fds, i, files[i], strerror(errno));
		if (fstat(fds[i], &sb) == -1)
			refuse_input(fds, i + 1, input_name(files, i),
			    strerror(errno));
		if (S_ISDIR(sb.st_mode))
			refuse_input(fds, i + 1, input_name(files, i),
			    strerror(EISDIR));
	}
	return fds;
}

static int
same_file(const struct stat *a, const struct stat *b)
{
	return a->st_dev == b->st_dev && a->st_ino == b->st_ino;
}

/*
 * The input among fds[0..nfds) that is the file sb describes, as
 * FILE arguments name it, or NULL. Only regular files count: a terminal
 * or /dev/null may well be both read and written.
 */
static const char *
input_among(const struct stat *sb, char **files, const int *fds,
    size_t nfds)
{
	struct stat	in;
	size_t		i;

	if (!S_ISREG(sb->st_mode))
		return NULL;
	for (i = 0; i < nfds; i++)
		if (fstat(fds[i], &in) == 0 && S_ISREG(in.st_mode) &&
		    same_file(&in, sb))
			return input_name(files, i);
	return NULL;
}

/*
 * An output that is one of the inputs would read its own lines back
 * without end, and a cache file that is one of them would be replaced
 * by the cache: refuse both, whatever names or links lead to the file
 * (ptrtag.1, EXIT STATUS).
 */
static void
check_outputs(const struct config *cfg, int outfd, const int *fds,
    size_t nfds)
{
	struct stat	 out, cache;
	const char	*in;

	if (fstat(outfd, &out) == 0 &&
	    (in = input_among(&out, cfg->cf_files, fds, nfds)) != NULL) {
		if (cfg->cf_output != NULL)
			errx(2, "-o %s: the same file as the input %s",
			    cfg->cf_output, in);
		errx(2, "%s: the same file as the standard output", in);
	}
	if (cfg->cf_cache_file == NULL ||
	    lstat(cfg->cf_cache_file, &cache) == -1)
		return;
	if ((in = input_among(&cache, cfg->cf_files, fds, nfds)) != NULL)
		errx(2, "--cache-file %s: the same file as the input %s",
		    cfg->cf_cache_file, in);
	if (S_ISREG(cache.st_mode) && fstat(outfd, &out) == 0 &&
	    same_file(&cache, &out))
		errx(2, "--cache-file %s: the same file as the %s",
		    cfg->cf_cache_file, cfg->cf_output != NULL ? "-o file" :
		    "standard output");
}

/*
 * Named pattern sets are looked up in the installed directory, or in
 * $PTRTAG_PATTERN_DIR when it is set and not empty (ptrtag.1,
 * ENVIRONMENT): how the tests run a build before it is installed.
 */
static struct ipscan *
make_scanner(const struct config *cfg, char *errbuf, size_t errlen)
{
	const char	*dirs[1];
	const char	*env;

	if (cfg->cf_npatterns == 0)
		return ipscan_create(errbuf, errlen);
	env = secure_getenv("PTRTAG_PATTERN_DIR");
	dirs[0] = env != NULL && *env != '\0' ? env : PTRTAG_PATTERN_DIR;
	return ipscan_create_patterns(cfg->cf_patterns, cfg->cf_npatterns,
	    dirs, 1, errbuf, errlen);
}

/*
 * The scan-ahead thread's own scanner (ptrtag(1), THREADS), made now,
 * while the pattern sets can still be read; NULL with --no-scan-thread,
 * and with --input json, whose lines are scanned field by field.
 */
static struct ipscan *
scan_ahead_scanner(const struct config *cfg)
{
	struct ipscan	*sc;
	char		 errbuf[256];

	if (cfg->cf_input != CFG_INPUT_TEXT || cfg->cf_no_scan_thread)
		return NULL;
	if ((sc = make_scanner(cfg, errbuf, sizeof(errbuf))) == NULL)
		errx(2, "%s", errbuf);
	return sc;
}

/*
 * --extract: the inputs in turn, through the filter's framing. Exits 1
 * when an input failed on the way (input.h).
 */
static int
run_extract(const struct config *cfg, struct ipscan *sc, int *fds,
    size_t nfds)
{
	struct input	in;
	int		rc;

	input_init(&in, fds, nfds, cfg->cf_max_line);
	input_files(&in, cfg->cf_files, 1);
	if (extract_run(sc, &in, STDOUT_FILENO, cfg->cf_max_ips) == -1 &&
	    errno != EPIPE)
		err(1, "extract");
	rc = input_failed(&in) ? 1 : 0;
	input_free(&in);
	return rc;
}

static int
open_output(const struct config *cfg)
{
	int	fd;

	if (cfg->cf_output == NULL)
		return STDOUT_FILENO;
	if ((fd = output_open(cfg->cf_output)) == -1)
		errx(2, "%s: %s", cfg->cf_output, strerror(errno));
	return fd;
}

/*
 * Everything is open: confine the rest of the run (ptrtag.1, SANDBOX).
 * A sandbox that cannot be entered is an error, not a quiet downgrade.
 */
static void
confine(struct sandbox_plan *sp)
{
	char	errbuf[256];

	if (sandbox_enter(sp, errbuf, sizeof(errbuf)) == -1)
		errx(1, "%s", errbuf);
}

/*
 * The resolver and its cache, filled from the --cache-file when there is
 * one. A cache file that breaks the rules of ptrtag(1), FILES, is a usage
 * error.
 */
static struct rsv *
start_resolver(const struct config *cfg, struct stats *st)
{
	struct rsv	*rsv;
	char		 errbuf[256];
	int		 rc, want, got;

	if (cfg->cf_cache_file != NULL &&
	    cachefile_open(cfg, errbuf, sizeof(errbuf)) == -1)
		errx(2, "%s", errbuf);
	if ((rc = ares_library_init(ARES_LIB_INIT_ALL)) != ARES_SUCCESS)
		errx(1, "c-ares: %s", ares_strerror(rc));
	if ((rsv = rsv_create(cfg, st, errbuf, sizeof(errbuf))) == NULL)
		errx(2, "%s", errbuf);
	/* Not an error: ptrtag works, but bursts of answers may be lost. */
	if (rsv_sockbuf_capped(rsv, &want, &got))
		warnx("-j %u: UDP receive buffers held at %d of %d bytes; "
		    "raise net.core.rmem_max to %d (ptrtag(1), DNS TRANSPORT)",
		    cfg->cf_max_inflight, got, want, want / 2);
	if (cfg->cf_cache_file != NULL)
		(void)cachefile_load(rsv);
	return rsv;
}

/*
 * The --metrics-file, written once now: a directory ptrtag cannot write
 * to is a usage error, found before any input is read.
 */
static struct metricsfile *
open_metrics(const struct config *cfg, const struct stats *st,
    const struct rsv *rsv)
{
	struct metricsfile	*mf;
	struct stats_gauges	 g;
	char			 errbuf[PATH_MAX + 128];

	if (cfg->cf_metrics_file == NULL)
		return NULL;
	rsv_gauges(rsv, &g);
	if ((mf = metricsfile_open(cfg->cf_metrics_file,
	    cfg->cf_metrics_interval, st, &g, now_ms(), errbuf,
	    sizeof(errbuf))) == NULL)
		errx(2, "%s", errbuf);
	return mf;
}

/*
 * Never O_NONBLOCK on a shared description: see nbio.h. An output pipe
 * is grown (ptrtag.1, OUTPUT, Output pipe), except with --state, which
 * counts the bytes a pipe holds as written.
 */
static void
setup_fds(const struct config *cfg, const int *fds, size_t nfds, int outfd)
{
	size_t	i;

	for (i = 0; i < nfds; i++)
		(void)nbio_setup(fds[i], fds[i] != STDIN_FILENO);
	(void)nbio_setup(outfd, outfd != STDOUT_FILENO);
	if (cfg->cf_state == NULL)
		fd_grow_pipe(outfd, CFG_OUT_PIPE);
	if (cfg->cf_omprog)
		(void)nbio_setup(STDOUT_FILENO, 0);
}

/*
 * Confine the filter, leaving it the files it rewrites and the
 * directories of the files it follows (ptrtag.1, SANDBOX).
 */
static void
confine_filter(const struct config *cfg, struct sandbox_plan *sp)
{
	size_t	i;

	if (cfg->cf_output != NULL)
		(void)sandbox_allow_file(sp, cfg->cf_output);
	if (cfg->cf_cache_file != NULL)
		(void)sandbox_allow_file(sp, cfg->cf_cache_file);
	if (cfg->cf_metrics_file != NULL)
		(void)sandbox_allow_file(sp, cfg->cf_metrics_file);
	if (cfg->cf_state != NULL)
		(void)sandbox_allow_file(sp, cfg->cf_state);
	for (i = 0; cfg->cf_follow && cfg->cf_files[i] != NULL; i++)
		sandbox_allow_read(sp, cfg->cf_files[i]);
	confine(sp);
}

/*
 * The input: the FILEs in turn, or with --follow the follower's files
 * (opened, and placed by the --state file, now: its errors are usage
 * errors, after every other start-up check).
 */
static void
start_input(struct loop_ctx *lc, struct input *in, int *fds, size_t nfds)
{
	const struct config	*cfg = lc->lc_cfg;
	char			 errbuf[512];

	lc->lc_follow = NULL;
	lc->lc_progress = NULL;
	if (!cfg->cf_follow) {
		input_init(in, fds, nfds, cfg->cf_max_line);
		input_files(in, cfg->cf_files, 1);
		lc->lc_progress = progress_create(cfg->cf_progress, fds, nfds,
		    now_ms());
		return;
	}
	if ((lc->lc_follow = follow_open(cfg, cfg->cf_output != NULL ?
	    lc->lc_outfd : -1, errbuf, sizeof(errbuf))) == NULL)
		errx(2, "%s", errbuf);
	input_init_follow(in, cfg->cf_max_line, follow_ledger(lc->lc_follow));
	follow_start(lc->lc_follow, in);
}

int
main(int argc, char **argv)
{
	struct config	 cfg;
	struct stats	 st;
	struct input	 in;
	struct loop_ctx	 lc;
	struct ipscan	*sc;
	struct rsv	*rsv;
	struct sandbox_plan sp;
	char		 errbuf[256];
	size_t		 nfds = 0;
	int		*fds = NULL, rc;

	options_parse(argc, argv, &cfg);
	if (sandbox_init(&sp, cfg.cf_user, cfg.cf_no_sandbox, errbuf,
	    sizeof(errbuf)) == -1)
		errx(2, "%s", errbuf);
	if (!cfg.cf_follow)
		fds = open_inputs(cfg.cf_files, &nfds);
	if ((sc = make_scanner(&cfg, errbuf, sizeof(errbuf))) == NULL)
		errx(2, "%s", errbuf);
	if (cfg.cf_extract) {
		check_outputs(&cfg, STDOUT_FILENO, fds, nfds);
		fd_grow_pipe(STDOUT_FILENO, CFG_OUT_PIPE);
		signal(SIGPIPE, SIG_IGN);
		confine(&sp);
		rc = run_extract(&cfg, sc, fds, nfds);
		ipscan_free(sc);
		return rc;
	}
	memset(&st, 0, sizeof(st));
	lc.lc_cfg = &cfg;
	lc.lc_outfd = open_output(&cfg);
	check_outputs(&cfg, lc.lc_outfd, fds, nfds);
	loop_signals();	/* held from before the metrics file: see loopsig.h */
	rsv = start_resolver(&cfg, &st);
	lc.lc_metrics = open_metrics(&cfg, &st, rsv);
	start_input(&lc, &in, fds, nfds);
	setup_fds(&cfg, fds, nfds, lc.lc_outfd);
	lc.lc_stats = &st;
	lc.lc_in = &in;
	lc.lc_scan = sc;
	lc.lc_scan_ahead = scan_ahead_scanner(&cfg);
	lc.lc_rsv = rsv;
	/* --mmexternal: stderr is rsyslog's after start-up (ptrtag(1)). */
	if (cfg.cf_format == CFG_FORMAT_MMEXTERNAL)
		(void)fd_to_devnull(STDERR_FILENO);
	confine_filter(&cfg, &sp);
	/* An input that failed on the way is a runtime failure (input.h). */
	if ((rc = loop_run(&lc)) == 0 && input_failed(&in))
		rc = 1;
	progress_end(lc.lc_progress);
	follow_close(lc.lc_follow);
	if (cfg.cf_cache_file != NULL)
		(void)cachefile_save(rsv, cfg.cf_cache_file);
	metricsfile_close(lc.lc_metrics);
	rsv_destroy(rsv);
	ares_library_cleanup();
	input_free(&in);
	ipscan_free(sc);
	return rc;
}
