/*
 * lineq: the ordered window of lines read but not yet written. Each line
 * owns a copy of its bytes and one slot per address it will be annotated
 * with. Deadlines rise in input order, so only the head ever needs a
 * deadline check. The fields of struct lineq are private to lineq.c;
 * a struct line's are the caller's to read.
 */
#ifndef LINEQ_H
#define LINEQ_H

#include <stddef.h>
#include <stdint.h>
#include <sys/queue.h>

#include "ipaddr.h"
#include "ipscan.h"

struct dnsent;

/* One address of a line and the cache entry answering for it. */
struct lslot {
	struct ipaddr		 ls_addr;
	uint8_t			 ls_role;	/* enum ipscan_role */
	uint8_t			 ls_verdict;	/* when ls_ent is NULL */
	struct dnsent		*ls_ent;	/* pinned, or NULL when shed */
	size_t			 ls_so;		/* address span in the line */
	size_t			 ls_eo;
	size_t			 ls_helo_so;	/* claimed HELO name span */
	size_t			 ls_helo_eo;
};

struct line {
	TAILQ_ENTRY(line)	 ln_entry;
	uint64_t		 ln_deadline_ms;
	uint64_t		 ln_read_ms;	/* wall clock (util.h wall_ms) */
	size_t			 ln_len;
	size_t			 ln_nslots;
	int			 ln_raw;	/* pass through unannotated */
	struct lslot		*ln_slots;	/* inside this allocation */
	char			*ln_buf;	/* inside this allocation */
};

struct lineq {
	TAILQ_HEAD(, line)	 lq_lines;
	size_t			 lq_count;
	size_t			 lq_bytes;
	size_t			 lq_max_lines;
	size_t			 lq_max_bytes;
};

void		 lineq_init(struct lineq *q, size_t max_lines, size_t max_bytes);

/*
 * Append a copy of buf[0..len) with slots[0..nslots) (the pins move into
 * the queue). Returns the queued line, whose ln_read_ms the caller sets.
 * Exits through err(1) on ENOMEM.
 */
struct line	*lineq_push(struct lineq *q, const char *buf, size_t len,
		    const struct lslot *slots, size_t nslots, int raw,
		    uint64_t deadline_ms);

/* First line, or NULL; the line after ln, or NULL. */
struct line	*lineq_head(const struct lineq *q);
struct line	*lineq_next(const struct line *ln);

/* Unlink ln and free it; its slots' pins must already be released. */
void		 lineq_remove(struct lineq *q, struct line *ln);

/* 1 when the window is full in lines or bytes: stop reading input. */
int		 lineq_full(const struct lineq *q);
int		 lineq_empty(const struct lineq *q);

#endif /* LINEQ_H */
