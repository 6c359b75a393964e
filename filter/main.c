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
#include <unistd.h>

#include <ares.h>

#include "cachefile.h"
#include "config.h"
#include "extract.h"
#include "follow.h"
#include "input.h"
#include "ipscan.h"
#include "loop.h"
#include "nbio.h"
#include "options.h"
#include "output.h"
#include "resolver.h"
#include "sandbox.h"
#include "stats.h"
#include "util.h"

/* Open every input now, so an unreadable file is a usage error (2). */
static int *
open_inputs(char **files, size_t *nfds)
{
	size_t	 i, n = 0;
	int	*fds;

	while (files[n] != NULL)
		n++;
	if (n == 0) {
		fds = xcalloc(1, sizeof(*fds));
		*nfds = 1;
		return fds;
	}
	fds = xcalloc(n, sizeof(*fds));
	for (i = 0; i < n; i++) {
		if (strcmp(files[i], "-") == 0)
			fds[i] = STDIN_FILENO;
		else if ((fds[i] = open(files[i], O_RDONLY | O_CLOEXEC)) ==
		    -1) {
			/* Free first: the leak checker runs at exit too. */
			const char *bad = files[i];
			int saved = errno;

			while (i-- > 0)
				if (fds[i] != STDIN_FILENO)
					close(fds[i]);
			free(fds);
			errx(2, "%s: %s", bad, strerror(saved));
		}
	}
	*nfds = n;
	return fds;
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

/* --extract: the inputs in turn, through the filter's framing. */
static int
run_extract(const struct config *cfg, struct ipscan *sc, int *fds,
    size_t nfds)
{
	struct input	in;

	input_init(&in, fds, nfds, cfg->cf_max_line);
	if (extract_run(sc, &in, STDOUT_FILENO, cfg->cf_max_ips) == -1 &&
	    errno != EPIPE)
		err(1, "extract");
	input_free(&in);
	return 0;
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
	int		 rc;

	if (cfg->cf_cache_file != NULL &&
	    cachefile_open(cfg, errbuf, sizeof(errbuf)) == -1)
		errx(2, "%s", errbuf);
	if ((rc = ares_library_init(ARES_LIB_INIT_ALL)) != ARES_SUCCESS)
		errx(1, "c-ares: %s", ares_strerror(rc));
	if ((rsv = rsv_create(cfg, st, errbuf, sizeof(errbuf))) == NULL)
		errx(2, "%s", errbuf);
	if (cfg->cf_cache_file != NULL)
		(void)cachefile_load(rsv);
	return rsv;
}

/* Never O_NONBLOCK on a shared description: see nbio.h. */
static void
setup_fds(const struct config *cfg, const int *fds, size_t nfds, int outfd)
{
	size_t	i;

	for (i = 0; i < nfds; i++)
		(void)nbio_setup(fds[i], fds[i] != STDIN_FILENO);
	(void)nbio_setup(outfd, outfd != STDOUT_FILENO);
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
		signal(SIGPIPE, SIG_IGN);
		confine(&sp);
		rc = run_extract(&cfg, sc, fds, nfds);
		ipscan_free(sc);
		return rc;
	}
	memset(&st, 0, sizeof(st));
	lc.lc_cfg = &cfg;
	lc.lc_outfd = open_output(&cfg);
	rsv = start_resolver(&cfg, &st);
	start_input(&lc, &in, fds, nfds);
	setup_fds(&cfg, fds, nfds, lc.lc_outfd);
	loop_signals();
	lc.lc_stats = &st;
	lc.lc_in = &in;
	lc.lc_scan = sc;
	lc.lc_rsv = rsv;
	/*
	 * --mmexternal: rsyslog reads our stderr as replies too, so nothing
	 * may reach it once start-up is over (ptrtag(1), STOPPING).
	 */
	if (cfg.cf_format == CFG_FORMAT_MMEXTERNAL)
		(void)fd_to_devnull(STDERR_FILENO);
	confine_filter(&cfg, &sp);
	rc = loop_run(&lc);
	progress_end(lc.lc_progress);
	follow_close(lc.lc_follow);
	if (cfg.cf_cache_file != NULL)
		(void)cachefile_save(rsv, cfg.cf_cache_file);
	rsv_destroy(rsv);
	ares_library_cleanup();
	input_free(&in);
	ipscan_free(sc);
	return rc;
}
