/*
 * sandbox: after start-up, ptrtag confines itself (ptrtag.1, SANDBOX):
 * it drops to --user, sets no_new_privs, lets Landlock leave only a few
 * directories open to it, and loads a seccomp filter that allows only
 * the system calls of its run-time code paths.
 */
#ifndef SANDBOX_H
#define SANDBOX_H

#include <sys/types.h>

#define SANDBOX_DIRS_MAX	8	/* -o, --cache-file, --metrics-file, --state */

/*
 * What sandbox_enter() will do. Callers allocate it (on the stack) and
 * fill it only through the functions below; its fields are private to
 * sandbox.c.
 */
struct sandbox_plan {
	char	*sp_dirs[SANDBOX_DIRS_MAX];	/* stay writable; owned */
	size_t	 sp_ndirs;
	char	**sp_rdirs;			/* stay readable; owned */
	size_t	 sp_nrdirs;
	int	 sp_off;			/* --no-sandbox */
	int	 sp_setuser;			/* --user given */
	uid_t	 sp_uid;
	gid_t	 sp_gid;
	gid_t	*sp_groups;			/* owned */
	int	 sp_ngroups;
};

/*
 * Start a plan: resolve user (NULL: keep the current one) now, while
 * the user and group databases can still be read. off disables the
 * confinement but not the change of user. Returns 0, or -1 with one
 * line naming the problem in errbuf (unknown user, or a user change
 * that needs root); the plan then owns nothing.
 */
int	sandbox_init(struct sandbox_plan *sp, const char *user, int off,
	    char *errbuf, size_t errlen);

/*
 * Keep the directory holding path (and, when path is a symbolic link,
 * the directory of its target) open for creating, writing, renaming
 * and removing files. Returns 0, or -1 when the plan is full.
 */
int	sandbox_allow_file(struct sandbox_plan *sp, const char *path);

/*
 * Keep the directory holding path (and that of its target, when path is
 * a symbolic link) open for reading files: --follow opens a followed
 * file again after a rotation, and FILE.1 beside it.
 */
void	sandbox_allow_read(struct sandbox_plan *sp, const char *path);

/*
 * Apply the plan: change user, set no_new_privs, restrict the file
 * system with Landlock (skipped where the kernel has none), then load
 * the seccomp filter. Consumes the plan whatever the outcome. Returns
 * 0, or -1 with the step that failed in errbuf; the process is then
 * partly confined and should exit.
 */
int	sandbox_enter(struct sandbox_plan *sp, char *errbuf, size_t errlen);

/* Release a plan that will not be entered. */
void	sandbox_free(struct sandbox_plan *sp);

/*
 * The Landlock ABI version of the running kernel: 1 or more, or 0
 * when the kernel has no Landlock (not built, or disabled at boot).
 */
int	sandbox_landlock_abi(void);

#endif /* SANDBOX_H */
