/*
 * inputopt: see inputopt.h.
 */
#include <err.h>
#include <string.h>

#include "inputopt.h"

/*
 * Split the comma-separated list into paths[] (*n of them), in store, a
 * copy kept for the run: defaults may be set again (tests parse many
 * command lines), and each time store is written afresh.
 */
static void
path_defaults(const char *list, char *store, size_t storesz,
    const char **paths, size_t *n)
{
	char	*p = store, *item;

	strlcpy(store, list, storesz);
	*n = 0;
	while ((item = strsep(&p, ",")) != NULL && *n < CFG_PATHS_MAX)
		paths[(*n)++] = item;
}

void
inputopt_defaults(struct config *cfg)
{
	static char	fields[sizeof(CFG_FIELDS)], scans[sizeof(CFG_SCANS)];

	cfg->cf_input = CFG_INPUT_TEXT;
	path_defaults(CFG_FIELDS, fields, sizeof(fields), cfg->cf_fields,
	    &cfg->cf_nfields);
	path_defaults(CFG_SCANS, scans, sizeof(scans), cfg->cf_scans,
	    &cfg->cf_nscans);
}

static void
path_option(const char *opt, const char *arg, const char **paths,
    size_t *n, int *given)
{
	size_t	i, len = strlen(arg);

	if (len == 0 || len >= CFG_PATH_MAX)
		errx(2, "%s %s: a path is 1 to %d bytes", opt, arg,
		    CFG_PATH_MAX - 1);
	for (i = 0; i < len; i++)
		if (arg[i] < 0x20 || arg[i] > 0x7e || (arg[i] == '.' &&
		    (i == 0 || i == len - 1 || arg[i + 1] == '.')))
			errx(2, "%s %s: expected printable parts separated "
			    "by single dots", opt, arg);
	if (!*given) {
		*n = 0;
		*given = 1;
	}
	if (*n == CFG_PATHS_MAX)
		errx(2, "%s: at most %d paths", opt, CFG_PATHS_MAX);
	paths[(*n)++] = arg;
}

void
inputopt_take(struct config *cfg, struct inputopt_state *is,
    const char *opt, const char *arg)
{
	if (strcmp(opt, "--field") == 0)
		path_option(opt, arg, cfg->cf_fields, &cfg->cf_nfields,
		    &is->is_fields);
	else if (strcmp(opt, "--scan") == 0)
		path_option(opt, arg, cfg->cf_scans, &cfg->cf_nscans,
		    &is->is_scans);
	else if (strcmp(arg, "text") == 0)
		cfg->cf_input = CFG_INPUT_TEXT;
	else if (strcmp(arg, "json") == 0)
		cfg->cf_input = CFG_INPUT_JSON;
	else
		errx(2, "%s %s: unknown input (text or json)", opt, arg);
}
