/*
 * sandbox: see sandbox.h and ptrtag.1, SANDBOX. The steps run in the
 * order the kernel needs: the user change while ptrtag still holds the
 * privilege to make it, no_new_privs before Landlock and seccomp (both
 * demand it of an unprivileged process), Landlock before seccomp (its
 * own system calls are not on the allow-list).
 */
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <libgen.h>
#include <limits.h>
#include <pwd.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <linux/landlock.h>

#include "sandbox.h"
#include "sandbox_filter.h"
#include "util.h"

/*
 * Debian 12's kernel headers describe Landlock ABI 2; the rights, rule
 * types and scopes of later ABIs are the kernel's fixed values.
 */
#ifndef LANDLOCK_CREATE_RULESET_VERSION
#define LANDLOCK_CREATE_RULESET_VERSION	(1U << 0)
#endif
#ifndef LANDLOCK_ACCESS_FS_REFER
#define LANDLOCK_ACCESS_FS_REFER	(1ULL << 13)
#endif
#ifndef LANDLOCK_ACCESS_FS_TRUNCATE
#define LANDLOCK_ACCESS_FS_TRUNCATE	(1ULL << 14)
#endif
#ifndef LANDLOCK_ACCESS_FS_IOCTL_DEV
#define LANDLOCK_ACCESS_FS_IOCTL_DEV	(1ULL << 15)
#endif
#ifndef LANDLOCK_ACCESS_NET_BIND_TCP
#define LANDLOCK_ACCESS_NET_BIND_TCP	(1ULL << 0)
#endif
#ifndef LANDLOCK_SCOPE_ABSTRACT_UNIX_SOCKET
#define LANDLOCK_SCOPE_ABSTRACT_UNIX_SOCKET	(1ULL << 0)
#endif
#ifndef LANDLOCK_SCOPE_SIGNAL
#define LANDLOCK_SCOPE_SIGNAL		(1ULL << 1)
#endif

/* Every file-system right of ABI 1 (bits 0 to 12). */
#define SANDBOX_FS_ABI1		((1ULL << 13) - 1)

/*
 * The kernel's struct landlock_ruleset_attr as of ABI 6; older kernels
 * are given only the prefix they know (sandbox_ruleset_size()).
 */
struct sandbox_ruleset {
	uint64_t	sr_handled_fs;
	uint64_t	sr_handled_net;
	uint64_t	sr_scoped;
};

int
sandbox_init(struct sandbox_plan *sp, const char *user, int off,
    char *errbuf, size_t errlen)
{
	struct passwd	*pw;
	int		 n = 0;

	memset(sp, 0, sizeof(*sp));
	sp->sp_off = off;
	if (user == NULL)
		return 0;
	errno = 0;
	if ((pw = getpwnam(user)) == NULL) {
		snprintf(errbuf, errlen, "--user %s: %s", user, errno ?
		    strerror(errno) : "no such user");
		return -1;
	}
	if (geteuid() != 0) {
		if (pw->pw_uid == getuid() && pw->pw_uid == geteuid() &&
		    pw->pw_gid == getgid() && pw->pw_gid == getegid())
			return 0;	/* already that user: nothing to do */
		snprintf(errbuf, errlen, "--user %s: only root can change "
		    "to another user", user);
		return -1;
	}
	sp->sp_setuser = 1;
	sp->sp_uid = pw->pw_uid;
	sp->sp_gid = pw->pw_gid;
	/* The user's groups, as login(1) would give them. */
	(void)getgrouplist(pw->pw_name, pw->pw_gid, NULL, &n);
	if (n < 1)
		n = 1;
	sp->sp_groups = xreallocarray(NULL, (size_t)n, sizeof(gid_t));
	if (getgrouplist(pw->pw_name, pw->pw_gid, sp->sp_groups, &n) == -1) {
		sp->sp_groups[0] = pw->pw_gid;
		n = 1;
	}
	sp->sp_ngroups = n;
	return 0;
}

/* The directory of file, in a new string. */
static char *
dir_of(const char *file)
{
	char	*copy, *dir;

	copy = xstrdup(file);
	dir = xstrdup(dirname(copy));
	free(copy);
	return dir;
}

static int
add_dir(struct sandbox_plan *sp, const char *file)
{
	if (sp->sp_ndirs == SANDBOX_DIRS_MAX)
		return -1;
	sp->sp_dirs[sp->sp_ndirs++] = dir_of(file);
	return 0;
}

int
sandbox_allow_file(struct sandbox_plan *sp, const char *path)
{
	struct stat	 sb;
	char		*real;
	int		 rc;

	if (add_dir(sp, path) == -1)
		return -1;
	/* A reopen follows a symbolic link: its target's directory too. */
	if (lstat(path, &sb) == -1 || !S_ISLNK(sb.st_mode))
		return 0;
	if ((real = realpath(path, NULL)) == NULL)
		return 0;
	rc = add_dir(sp, real);
	free(real);
	return rc;
}

void
sandbox_allow_read(struct sandbox_plan *sp, const char *path)
{
	struct stat	 sb;
	char		*real = NULL;

	sp->sp_rdirs = xreallocarray(sp->sp_rdirs, sp->sp_nrdirs + 2,
	    sizeof(*sp->sp_rdirs));
	sp->sp_rdirs[sp->sp_nrdirs++] = dir_of(path);
	if (lstat(path, &sb) == 0 && S_ISLNK(sb.st_mode) &&
	    (real = realpath(path, NULL)) != NULL)
		sp->sp_rdirs[sp->sp_nrdirs++] = dir_of(real);
	free(real);
}

void
sandbox_free(struct sandbox_plan *sp)
{
	size_t	i;

	for (i = 0; i < sp->sp_nrdirs; i++)
		free(sp->sp_rdirs[i]);
	free(sp->sp_rdirs);
	for (i = 0; i < sp->sp_ndirs; i++)
		free(sp->sp_dirs[i]);
	free(sp->sp_groups);
	memset(sp, 0, sizeof(*sp));
}

int
sandbox_landlock_abi(void)
{
#ifdef SYS_landlock_create_ruleset
	long	abi;

	abi = syscall(SYS_landlock_create_ruleset, NULL, 0,
	    LANDLOCK_CREATE_RULESET_VERSION);
	return abi < 1 ? 0 : (int)abi;
#else
	return 0;
#endif
}

/* Groups, then group, then user; then prove that root is gone. */
static int
change_user(const struct sandbox_plan *sp, char *errbuf, size_t errlen)
{
	if (setgroups((size_t)sp->sp_ngroups, sp->sp_groups) == -1 ||
	    setresgid(sp->sp_gid, sp->sp_gid, sp->sp_gid) == -1 ||
	    setresuid(sp->sp_uid, sp->sp_uid, sp->sp_uid) == -1) {
		snprintf(errbuf, errlen, "--user: %s", strerror(errno));
		return -1;
	}
	if (sp->sp_uid != 0 && (setuid(0) != -1 || seteuid(0) != -1)) {
		snprintf(errbuf, errlen, "--user: root could be regained");
		return -1;
	}
	return 0;
}

#ifdef SYS_landlock_create_ruleset
static size_t
sandbox_ruleset_size(int abi)
{
	if (abi >= 6)
		return sizeof(struct sandbox_ruleset);
	if (abi >= 4)
		return offsetof(struct sandbox_ruleset, sr_scoped);
	return offsetof(struct sandbox_ruleset, sr_handled_net);
}

/* Rights handled (denied unless a rule grants them) at this ABI. */
static void
handled_rights(int abi, struct sandbox_ruleset *rs)
{
	memset(rs, 0, sizeof(*rs));
	rs->sr_handled_fs = SANDBOX_FS_ABI1;
	if (abi >= 2)
		rs->sr_handled_fs |= LANDLOCK_ACCESS_FS_REFER;
	if (abi >= 3)
		rs->sr_handled_fs |= LANDLOCK_ACCESS_FS_TRUNCATE;
	if (abi >= 5)
		rs->sr_handled_fs |= LANDLOCK_ACCESS_FS_IOCTL_DEV;
	if (abi >= 4)
		rs->sr_handled_net = LANDLOCK_ACCESS_NET_BIND_TCP;
	if (abi >= 6)
		rs->sr_scoped = LANDLOCK_SCOPE_ABSTRACT_UNIX_SOCKET |
		    LANDLOCK_SCOPE_SIGNAL;
}

/* One path_beneath rule; a directory that is gone is left out. */
static int
add_rule(int rsfd, const char *dir, uint64_t rights)
{
	struct landlock_path_beneath_attr	pb;
	int					fd, rc, saved;

	if ((fd = open(dir, O_PATH | O_CLOEXEC)) == -1)
		return errno == ENOENT || errno == ENOTDIR ? 0 : -1;
	memset(&pb, 0, sizeof(pb));
	pb.allowed_access = rights;
	pb.parent_fd = fd;
	rc = (int)syscall(SYS_landlock_add_rule, rsfd,
	    LANDLOCK_RULE_PATH_BENEATH, &pb, 0);
	saved = errno;
	close(fd);
	errno = saved;
	return rc;
}

/*
 * Sanitizer builds only: the leak checker reads /proc/self at exit,
 * and reports name the functions of the executable's own file.
 */
static int
add_sanitizer_rules(int rsfd, uint64_t read)
{
	char	exe[PATH_MAX];
	ssize_t	n;

	if (!SANDBOX_SANITIZED)
		return 0;
	if (add_rule(rsfd, "/proc", read) == -1)
		return -1;
	if ((n = readlink("/proc/self/exe", exe, sizeof(exe) - 1)) <= 0)
		return 0;
	exe[n] = '\0';
	return add_rule(rsfd, dirname(exe), read);
}

/*
 * Deny every right this ABI knows, then grant files (never directories)
 * beneath the plan's directories: read, write, create, remove, and so
 * rename within one directory, which is all an atomic save needs.
 */
static int
landlock(const struct sandbox_plan *sp, char *errbuf, size_t errlen)
{
	struct sandbox_ruleset	rs;
	uint64_t		files, read;
	size_t			i;
	int			abi, rsfd;

	if ((abi = sandbox_landlock_abi()) < 1)
		return 0;	/* degrade: no Landlock in this kernel */
	handled_rights(abi, &rs);
	read = LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_READ_DIR;
	files = (LANDLOCK_ACCESS_FS_READ_FILE | LANDLOCK_ACCESS_FS_WRITE_FILE |
	    LANDLOCK_ACCESS_FS_MAKE_REG | LANDLOCK_ACCESS_FS_REMOVE_FILE |
	    LANDLOCK_ACCESS_FS_TRUNCATE) & rs.sr_handled_fs;
	rsfd = (int)syscall(SYS_landlock_create_ruleset, &rs,
	    sandbox_ruleset_size(abi), 0);
	if (rsfd == -1)
		goto fail;
	for (i = 0; i < sp->sp_ndirs; i++)
		if (add_rule(rsfd, sp->sp_dirs[i], files) == -1)
			goto fail;
	for (i = 0; i < sp->sp_nrdirs; i++)
		if (add_rule(rsfd, sp->sp_rdirs[i],
		    LANDLOCK_ACCESS_FS_READ_FILE) == -1)
			goto fail;
	/* c-ares keys each channel made after start from it (DNS TRANSPORT) */
	if (add_rule(rsfd, "/dev/urandom", LANDLOCK_ACCESS_FS_READ_FILE) == -1)
		goto fail;
	if (add_sanitizer_rules(rsfd, read) == -1 ||
	    syscall(SYS_landlock_restrict_self, rsfd, 0) == -1)
		goto fail;
	close(rsfd);
	return 0;
fail:
	snprintf(errbuf, errlen, "sandbox: Landlock: %s", strerror(errno));
	if (rsfd != -1)
		close(rsfd);
	return -1;
}
#else
static int
landlock(const struct sandbox_plan *sp, char *errbuf, size_t errlen)
{
	(void)sp;
	(void)errbuf;
	(void)errlen;
	return 0;
}
#endif /* SYS_landlock_create_ruleset */

int
sandbox_enter(struct sandbox_plan *sp, char *errbuf, size_t errlen)
{
	int	rc = -1;

	if (sp->sp_setuser && change_user(sp, errbuf, errlen) == -1)
		goto out;
	if (sp->sp_off) {
		rc = 0;
		goto out;
	}
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == -1) {
		snprintf(errbuf, errlen, "sandbox: no_new_privs: %s",
		    strerror(errno));
		goto out;
	}
	if (landlock(sp, errbuf, errlen) == -1)
		goto out;
	rc = sandbox_filter_load(errbuf, errlen);
out:
	sandbox_free(sp);
	return rc;
}
