/*
 * health: is the DNS server reachable? A pure state machine, fed with
 * what came back (or did not) and the time, that decides whether new
 * lookups may start, when a liveness probe is due, and when back-off
 * starts and ends (ptrtag.1, VERDICTS, skipped). No I/O, no clock: every
 * call takes the current monotonic time, so tests replay any history.
 *
 * The rule: any reply at all, of any rcode, proves the server
 * reachable. A user lookup that gets nothing back never starts back-off
 * by itself, since an attacker chooses which names are looked up; when
 * one gets nothing back and the server has sent nothing for a whole
 * query lifetime, a liveness probe (a name the attacker does not serve)
 * is due, and only a probe that also gets nothing back starts back-off.
 * While backing off, only probes test the server, at doubling intervals.
 */
#ifndef HEALTH_H
#define HEALTH_H

#include <stdint.h>

#define HEALTH_BACKOFF_MIN_MS	1000
#define HEALTH_BACKOFF_MAX_MS	30000

enum health_state {
	HEALTH_UP,		/* replies seen, or no reason to doubt */
	HEALTH_SUSPECT,		/* silent a whole lifetime: probe it */
	HEALTH_DOWN		/* a probe got nothing back: back off */
};

/*
 * Embedded in its owner; the members are private to health.c. A reply
 * time of 0 means "never" (monotonic time starts well above a lifetime).
 */
struct health {
	enum health_state	he_state;
	uint64_t		he_lifetime_ms;	/* one query's timeout x tries */
	uint64_t		he_reply_ms;	/* last reply of any rcode */
	uint64_t		he_probe_at_ms;	/* next probe due (not UP) */
	uint64_t		he_probe_sent_ms; /* when he_probing began */
	uint64_t		he_interval_ms;	/* current back-off step */
	int			he_probing;	/* a probe is in flight */
};

/*
 * Start in HEALTH_UP with no reply seen yet. lifetime_ms is how long a
 * query waits for a reply before it is given up (timeout x tries).
 */
void	health_init(struct health *h, uint64_t lifetime_ms);

/* A reply of any rcode arrived (for a lookup or a probe): state UP. */
void	health_reply(struct health *h, uint64_t now_ms);

/*
 * A user lookup's query got nothing back (timed out, or the port was
 * refused). Makes a probe due when nothing came from the server during
 * the last lifetime; never starts back-off itself.
 */
void	health_lost(struct health *h, uint64_t now_ms);

/*
 * 1 when the caller should send a liveness probe now: the server is in
 * doubt or being backed off from, none is in flight, and its time has
 * come. The caller then sends one and calls health_probe_sent().
 */
int	health_probe_due(const struct health *h, uint64_t now_ms);

/* The probe went out at now_ms; at most one is in flight. */
void	health_probe_sent(struct health *h, uint64_t now_ms);

/* The probe got a reply of any rcode: none in flight, state UP. */
void	health_probe_answered(struct health *h, uint64_t now_ms);

/*
 * The probe got nothing back. Returns 1 when this starts a back-off
 * (the caller counts it), else 0. A reply that arrived after the probe
 * was sent makes the loss meaningless: it is ignored.
 */
int	health_probe_lost(struct health *h, uint64_t now_ms);

/* The probe was cancelled (shutting down): none is in flight now. */
void	health_probe_cancelled(struct health *h);

/* 1 while backing off: new lookups are shed as skipped. */
int	health_down(const struct health *h);

/*
 * Milliseconds until health_probe_due() turns 1 without any other
 * event (0: due now), or -1 when nothing is scheduled.
 */
int64_t	health_wait_ms(const struct health *h, uint64_t now_ms);

/* When the last reply of any rcode came; 0: never. */
uint64_t health_reply_ms(const struct health *h);

/* The current state, for tests and diagnostics. */
enum health_state health_state(const struct health *h);

#endif /* HEALTH_H */
