/*
 * optcheck: see optcheck.h. The options that one option leaves without
 * effect are rows of conflicts[]; a row is refused whichever order the
 * two came in, and whatever value was given (an explicit default too),
 * since either way the command line asks for something that would not
 * happen.
 */
#include <err.h>
#include <stdio.h>
#include <string.h>

#include "bounds.h"
#include "optcheck.h"

/* Options that another option leaves without effect (ptrtag.1, OPTIONS). */
static const struct {
	const char	*ct_by;		/* the option that decides */
	const char	*ct_opts;	/* the ones it leaves without effect */
	const char	*ct_why;
} conflicts[] = {
	{ "extract", " server timeout tries max-delay max-inflight max-qps "
	    "max-names exclude only cache-size min-ttl max-ttl neg-ttl "
	    "err-ttl cache-file format prefix output unordered omprog "
	    "mmexternal stats metrics-file metrics-interval progress input "
	    "field scan no-scan-thread ",
	    "--extract prints the addresses of each line, on the standard "
	    "output, without DNS" },
	{ "mmexternal", " format prefix output omprog unordered stats "
	    "progress ",
	    "--mmexternal writes rsyslog's replies, in order, on the standard "
	    "output, and nothing on the standard error (--metrics-file gives "
	    "the counters)" },	{ "follow", " extract mmexternal omprog progress ",
	    "--follow annotates the lines of the FILEs it follows, until a "
	    "stop signal (ptrtag.1, FOLLOWING)" },
	{ "state", " unordered ",
	    "--state records how far lines were written, in order" },
};

#define NITEMS(a)	(sizeof(a) / sizeof((a)[0]))

static int
given_opt(const char *const *given, const char *name)
{
	for (; *given != NULL; given++)
		if (strcmp(*given, name) == 0)
			return 1;
	return 0;
}

/* Is name one of the space-separated words of list? */
static int
listed(const char *list, const char *name)
{
	char	word[32];

	snprintf(word, sizeof(word), " %s ", name);
	return strstr(list, word) != NULL;
}

/*
 * --input json writes each object enriched in place: no format, reply
 * or extraction of its own; --field and --scan read objects only
 * (ptrtag.1, STRUCTURED INPUT).
 */
static void
check_input(const struct config *cfg, const char *const *given)
{
	static const char *const	 without[] = {
		"format", "mmexternal", "prefix",
	};
	size_t				 i;

	for (i = 0; i < NITEMS(without); i++)
		if (cfg->cf_input == CFG_INPUT_JSON &&
		    given_opt(given, without[i]))
			errx(2, "--%s with --input json: --input json writes "
			    "each object enriched in place", without[i]);
	if (cfg->cf_input != CFG_INPUT_JSON) {
		if (given_opt(given, "field"))
			errx(2, "--field needs --input json");
		if (given_opt(given, "scan"))
			errx(2, "--scan needs --input json");
	}
}

/* One line naming the option without effect and the one that decides. */
static void
check_conflicts(const struct config *cfg, const char *const *given)
{
	const char *const	*g;
	size_t			 i;

	for (i = 0; i < NITEMS(conflicts); i++) {
		if (!given_opt(given, conflicts[i].ct_by))
			continue;
		for (g = given; *g != NULL; g++) {
			/* --progress=never asks for nothing. */
			if (strcmp(*g, "progress") == 0 &&
			    cfg->cf_progress == CFG_PROGRESS_NEVER)
				continue;
			if (listed(conflicts[i].ct_opts, *g))
				errx(2, "--%s with --%s: %s", *g,
				    conflicts[i].ct_by, conflicts[i].ct_why);
		}
	}
	if (given_opt(given, "prefix") && cfg->cf_format != CFG_FORMAT_KV)
		errx(2, "--prefix with -f: --prefix names the keys of -f kv, "
		    "and this format has none");
	if (cfg->cf_omprog && cfg->cf_output == NULL)
		errx(2, "--omprog needs -o FILE: standard output carries the "
		    "confirmations");
	if (given_opt(given, "metrics-interval") && cfg->cf_metrics_file == NULL)
		errx(2, "--metrics-interval needs --metrics-file");
	check_input(cfg, given);
}

/*
 * --follow reads named regular files; --state needs it, and names a file
 * of its own (ptrtag.1, FOLLOWING).
 */
static void
check_follow(const struct config *cfg)
{
	const char	*st = cfg->cf_state;
	size_t		 n;

	if (st != NULL && !cfg->cf_follow)
		errx(2, "--state needs --follow: it records where followed "
		    "files were read");
	if (st != NULL && ((cfg->cf_cache_file != NULL &&
	    strcmp(st, cfg->cf_cache_file) == 0) || (cfg->cf_output != NULL &&
	    strcmp(st, cfg->cf_output) == 0)))
		errx(2, "--state %s: also named by -o or --cache-file", st);
	for (n = 0; cfg->cf_follow && cfg->cf_files[n] != NULL; n++)
		if (strcmp(cfg->cf_files[n], "-") == 0)
			errx(2, "--follow: '-' (the standard input) cannot be "
			    "followed; name a file");
	if (cfg->cf_follow && (n == 0 || n > CFG_FOLLOW_MAX))
		errx(2, "--follow needs 1 to %d FILEs", CFG_FOLLOW_MAX);
}

/*
 * The defaults of --exclude first, unless --exclude none, then every
 * range given, in order (ptrtag.1, --exclude).
 */
static size_t
add_exclude_defaults(struct config *cfg, int exclude_none)
{
	struct ipaddr_set	user = cfg->cf_exclude;
	size_t			ndefaults, i;

	if (exclude_none)
		return 0;
	memset(&cfg->cf_exclude, 0, sizeof(cfg->cf_exclude));
	ipaddr_set_add_defaults(&cfg->cf_exclude);
	ndefaults = cfg->cf_exclude.is_count;
	if (ndefaults + user.is_count > IPADDR_SETMAX)
		errx(2, "--exclude: at most %zu ranges besides the %zu "
		    "defaults (--exclude none drops them)",
		    IPADDR_SETMAX - ndefaults, ndefaults);
	for (i = 0; i < user.is_count; i++)
		(void)ipaddr_set_append(&cfg->cf_exclude, &user.is_prefix[i]);
	return ndefaults;
}

/*
 * An --only range that lies wholly inside an --exclude one would never
 * be looked up: --exclude wins (ptrtag.1, --only).
 */
static void
check_only(const struct config *cfg, size_t ndefaults)
{
	const struct ipaddr_set	*only = &cfg->cf_only, *ex = &cfg->cf_exclude;
	char			 in[IPADDR_STRMAX + 8], by[IPADDR_STRMAX + 8];
	size_t			 i, j;

	for (i = 0; i < only->is_count; i++)
		for (j = 0; j < ex->is_count; j++) {
			if (!ipaddr_prefix_within(&only->is_prefix[i],
			    &ex->is_prefix[j]))
				continue;
			(void)ipaddr_prefix_ntop(&only->is_prefix[i], in,
			    sizeof(in));
			(void)ipaddr_prefix_ntop(&ex->is_prefix[j], by,
			    sizeof(by));
			errx(2, "--only %s: every address of it is excluded by "
			    "%s%s", in, by, j < ndefaults ? ", a default of "
			    "--exclude (--exclude none drops the defaults)" :
			    " (--exclude)");
		}
}

/*
 * Queued lines pin the cache entries they refer to, and so do pending
 * lookups (at most pending_bound(), bounds.h): shrink the window so
 * that, at two distinct addresses per line, pins leave room in the
 * cache. (A window of lines that each carry more only means that new
 * addresses are skipped while the cache is full of pinned entries.)
 */
static void
size_window(struct config *cfg)
{
	uint32_t	pending, room;

	pending = pending_bound(cfg->cf_max_inflight);
	room = cfg->cf_cache_size > pending ? cfg->cf_cache_size - pending : 0;
	if (room / 2 < cfg->cf_window_lines)
		cfg->cf_window_lines = room / 2;
	if (cfg->cf_window_lines < 1)
		cfg->cf_window_lines = 1;
}

void
optcheck(struct config *cfg, const char *const *given, int exclude_none)
{
	check_conflicts(cfg, given);
	check_follow(cfg);
	if (cfg->cf_min_ttl > cfg->cf_max_ttl)
		errx(2, "--min-ttl %u is above --max-ttl %u", cfg->cf_min_ttl,
		    cfg->cf_max_ttl);
	check_only(cfg, add_exclude_defaults(cfg, exclude_none));
	size_window(cfg);
}
