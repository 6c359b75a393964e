/*
 * fmttest: see fmttest.h.
 */
#include <criterion/criterion.h>
#include <string.h>

#include "bounds.h"
#include "fmttest.h"

struct config		ft_cfg;
struct outbuf		ft_ob;
struct fmt_result	ft_res;
uint64_t		ft_read_ms;

static struct ipaddr	ft_pool[LINE_ADDRS_MAX];
static size_t		ft_used;

void
ft_setup(void)
{
	memset(&ft_cfg, 0, sizeof(ft_cfg));
	memset(&ft_res, 0, sizeof(ft_res));
	ft_cfg.cf_prefix = "rdns_";
	ft_cfg.cf_format = CFG_FORMAT_KV;
	ft_read_ms = 0;
	outbuf_init(&ft_ob, 1 << 20);
	ft_used = 0;
}

void
ft_teardown(void)
{
	outbuf_free(&ft_ob);
}

void
ft_addr(struct fmt_addr *fa, const char *ip, size_t so, enum verdict v,
    const char *host)
{
	cr_assert_lt(ft_used, LINE_ADDRS_MAX);
	memset(fa, 0, sizeof(*fa));
	cr_assert_eq(ipaddr_parse(ip, strlen(ip), &ft_pool[ft_used]), 0);
	fa->fa_addr = &ft_pool[ft_used++];
	fa->fa_verdict = v;
	fa->fa_host = host;
	fa->fa_so = so;
	fa->fa_eo = so + strlen(ip);
}

void
ft_run(enum cfg_format f, const char *line, size_t len,
    const struct fmt_addr *fa, size_t n, int raw)
{
	struct fmt_line	fl;

	fl.fl_buf = line;
	fl.fl_len = len;
	fl.fl_raw = raw;
	fl.fl_read_ms = ft_read_ms;
	fl.fl_addrs = fa;
	fl.fl_n = n;
	ft_cfg.cf_format = f;
	fmt_line(&ft_ob, &ft_cfg, &fl, &ft_res);
}

void
ft_expect_bytes(const char *want, size_t len)
{
	size_t		 got = outbuf_pending(&ft_ob);
	const char	*p = ft_ob.ob_buf + ft_ob.ob_off;

	cr_expect_eq(got, len, "got %zu bytes, want %zu: %.*s", got, len,
	    (int)got, p);
	/* len 0: nothing to compare (and ob_buf may be NULL). */
	if (got == len && len > 0)
		cr_expect(memcmp(p, want, len) == 0, "got: %.*s", (int)len, p);
}

void
ft_expect(const char *want)
{
	ft_expect_bytes(want, strlen(want));
}
