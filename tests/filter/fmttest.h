/*
 * fmttest: what the unit tests of the output formats share: a config
 * and an output buffer set up per test, views built from address text,
 * one call of fmt_line, and an exact-bytes check of what it wrote.
 */
#ifndef FMTTEST_H
#define FMTTEST_H

#include <stddef.h>
#include <stdint.h>

#include "config.h"
#include "format.h"
#include "outbuf.h"

extern struct config		ft_cfg;		/* kv, prefix "rdns_" */
extern struct outbuf		ft_ob;
extern struct fmt_result	ft_res;		/* of the last ft_run */
extern uint64_t			ft_read_ms;	/* ft_run's read time, 0 */

void	ft_setup(void);
void	ft_teardown(void);

/*
 * Fill fa for the address text ip found at line offset so, answered
 * with v and host (NULL: none). The address itself lives in a pool that
 * ft_setup empties.
 */
void	ft_addr(struct fmt_addr *fa, const char *ip, size_t so,
	    enum verdict v, const char *host);

/* Format line[0..len) with fa[0..n) in format f into ft_ob / ft_res. */
void	ft_run(enum cfg_format f, const char *line, size_t len,
	    const struct fmt_addr *fa, size_t n, int raw);

/* ft_ob holds exactly want[0..len) / the string want. */
void	ft_expect_bytes(const char *want, size_t len);
void	ft_expect(const char *want);

#endif /* FMTTEST_H */
