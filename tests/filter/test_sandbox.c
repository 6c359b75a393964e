/*
 * sandbox: a process that entered the sandbox can still create, write,
 * rename and remove files in the one directory its plan keeps, and is
 * read /dev/urandom (which c-ares keys a new channel from), and is
 * refused everything else tried here: files in another directory, under
 * /etc, or beside /dev/urandom, or writing it (Landlock, EACCES), execve(2), fork(2), AF_UNIX sockets and
 * executable memory (seccomp, EPERM). A thread can still be made (the
 * scan-ahead thread of ptrtag.1, THREADS), and is confined as well.
 * Each check runs in a child that enters the sandbox and reports the
 * errno of every attempt through a pipe; the parent asserts and cleans
 * up, as it is not confined.
 */
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <errno.h>
#include <pthread.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include "sandbox.h"
#include "sandbox_filter.h"

/* What the confined child saw: 0 for success, else errno. */
struct outcome {
	int	oc_enter;		/* sandbox_enter() */
	int	oc_create_kept;		/* kept/new: O_CREAT */
	int	oc_write_kept;
	int	oc_rename_kept;		/* kept/new -> kept/final */
	int	oc_unlink_kept;
	int	oc_create_other;	/* other/new: O_CREAT */
	int	oc_read_other;		/* other/existing */
	int	oc_read_etc;		/* /etc/passwd */
	int	oc_read_urandom;	/* /dev/urandom */
	int	oc_write_urandom;
	int	oc_read_random;		/* /dev/random, beside it */
	int	oc_exec;		/* execve /bin/sh */
	int	oc_unix;		/* socket(AF_UNIX) */
	int	oc_inet;		/* socket(AF_INET, SOCK_DGRAM) */
	int	oc_mmap_exec;		/* PROT_EXEC mapping */
	int	oc_nnp;			/* no_new_privs: 1 set, 0 not */
	int	oc_thread;		/* pthread_create() */
	int	oc_thread_etc;		/* /etc/passwd, from that thread */
	int	oc_fork;		/* fork() */
};

/* One attempt's errno against the one expected, named in a failure. */
#define expect_errno(got, want, what)	\
	cr_expect_eq((got), (want), "%s: %s", (what), strerror(got))

static char	kept[64], other[64], kept_file[128], other_file[128];

static void
make_dirs(void)
{
	int	fd;

	strlcpy(kept, "/tmp/ptrtag-sbx-kept.XXXXXX", sizeof(kept));
	strlcpy(other, "/tmp/ptrtag-sbx-other.XXXXXX", sizeof(other));
	cr_assert_not_null(mkdtemp(kept));
	cr_assert_not_null(mkdtemp(other));
	snprintf(kept_file, sizeof(kept_file), "%s/out.log", kept);
	snprintf(other_file, sizeof(other_file), "%s/existing", other);
	fd = open(other_file, O_WRONLY | O_CREAT, 0644);
	cr_assert_geq(fd, 0);
	close(fd);
}

static void
remove_dirs(void)
{
	char	path[160];

	snprintf(path, sizeof(path), "%s/final", kept);
	(void)unlink(path);
	snprintf(path, sizeof(path), "%s/new", kept);
	(void)unlink(path);
	snprintf(path, sizeof(path), "%s/new", other);
	(void)unlink(path);
	(void)unlink(other_file);
	cr_expect_eq(rmdir(kept), 0, "%s left behind", kept);
	cr_expect_eq(rmdir(other), 0, "%s left behind", other);
}

/* 0 or errno of an open(2) that is closed again at once. */
static int
try_open(const char *dir, const char *name, int flags)
{
	char	path[160];
	int	fd;

	snprintf(path, sizeof(path), "%s%s%s", dir, name ? "/" : "",
	    name ? name : "");
	if ((fd = open(path, flags | O_CLOEXEC, 0600)) == -1)
		return errno;
	close(fd);
	return 0;
}

static int
result(int rc)
{
	return rc == -1 ? errno : 0;
}

/* A thread made inside the sandbox: is it confined too? */
static void *
thread_reads_etc(void *arg)
{
	*(int *)arg = try_open("/etc/passwd", NULL, O_RDONLY);
	return NULL;
}

/* A thread can be made (the scan-ahead thread), a process cannot. */
static void
attempt_clones(struct outcome *oc)
{
	pthread_t	t;
	pid_t		pid;

	oc->oc_thread_etc = -1;
	if ((oc->oc_thread = pthread_create(&t, NULL, thread_reads_etc,
	    &oc->oc_thread_etc)) == 0)
		pthread_join(t, NULL);
	if ((pid = fork()) == 0)
		_exit(0);
	oc->oc_fork = pid == -1 ? errno : 0;
	if (pid > 0)
		(void)waitpid(pid, NULL, 0);
}

static void
attempt_all(struct outcome *oc, int off)
{
	char	 from[160], to[160];
	char	*argv[] = { "sh", "-c", "exit 77", NULL };
	void	*p;
	int	 fd;

	snprintf(from, sizeof(from), "%s/new", kept);
	snprintf(to, sizeof(to), "%s/final", kept);
	oc->oc_create_kept = try_open(kept, "new", O_WRONLY | O_CREAT);
	fd = open(from, O_WRONLY | O_APPEND);
	oc->oc_write_kept = fd == -1 ? errno :
	    result(write(fd, "x\n", 2) == 2 ? 0 : -1);
	if (fd != -1)
		close(fd);
	oc->oc_rename_kept = result(rename(from, to));
	oc->oc_unlink_kept = result(unlink(to));
	oc->oc_create_other = try_open(other, "new", O_WRONLY | O_CREAT);
	oc->oc_read_other = try_open(other_file, NULL, O_RDONLY);
	oc->oc_read_etc = try_open("/etc/passwd", NULL, O_RDONLY);
	oc->oc_read_urandom = try_open("/dev/urandom", NULL, O_RDONLY);
	oc->oc_write_urandom = try_open("/dev/urandom", NULL, O_WRONLY);
	oc->oc_read_random = try_open("/dev/random", NULL, O_RDONLY);
	if (!off)	/* unconfined, it would run: exit 77 fails the test */
		oc->oc_exec = result(execv("/bin/sh", argv));
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	oc->oc_unix = result(fd);
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	oc->oc_inet = result(fd);
	if (fd != -1)
		close(fd);
	p = mmap(NULL, 4096, PROT_READ | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS,
	    -1, 0);
	oc->oc_mmap_exec = p == MAP_FAILED ? errno : 0;
	oc->oc_nnp = prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0);
	attempt_clones(oc);
}

/* Run attempt_all() in a child confined by a plan keeping kept_file. */
static void
confined(int off, struct outcome *oc)
{
	struct sandbox_plan	sp;
	char			errbuf[256];
	pid_t			pid;
	int			pfd[2], status;

	cr_assert_eq(pipe(pfd), 0);
	cr_assert_eq(sandbox_init(&sp, NULL, off, errbuf, sizeof(errbuf)),
	    0);
	cr_assert_eq(sandbox_allow_file(&sp, kept_file), 0);
	if ((pid = fork()) == 0) {
		memset(oc, 0, sizeof(*oc));
		close(pfd[0]);
		oc->oc_enter = sandbox_enter(&sp, errbuf, sizeof(errbuf));
		if (oc->oc_enter == 0)
			attempt_all(oc, off);
		_exit(write(pfd[1], oc, sizeof(*oc)) == sizeof(*oc) ? 0 : 1);
	}
	sandbox_free(&sp);
	close(pfd[1]);
	cr_assert_geq(pid, 0);
	cr_assert_eq(read(pfd[0], oc, sizeof(*oc)), (ssize_t)sizeof(*oc),
	    "the confined child reported nothing");
	close(pfd[0]);
	cr_assert_eq(waitpid(pid, &status, 0), pid);
	cr_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0,
	    "child status %#x", status);
}

Test(sandbox, files_in_the_kept_directory_only)
{
	struct outcome	oc;

	if (sandbox_landlock_abi() < 1)
		cr_skip_test("no Landlock in this kernel");
	make_dirs();
	confined(0, &oc);
	remove_dirs();
	cr_assert_eq(oc.oc_enter, 0);
	expect_errno(oc.oc_create_kept, 0, "create in kept");
	expect_errno(oc.oc_write_kept, 0, "write in kept");
	expect_errno(oc.oc_rename_kept, 0, "rename in kept");
	expect_errno(oc.oc_unlink_kept, 0, "unlink in kept");
	expect_errno(oc.oc_create_other, EACCES, "create elsewhere");
	expect_errno(oc.oc_read_other, EACCES, "read elsewhere");
	expect_errno(oc.oc_read_etc, EACCES, "read /etc/passwd");
	expect_errno(oc.oc_read_urandom, 0, "read /dev/urandom");
	expect_errno(oc.oc_write_urandom, EACCES, "write /dev/urandom");
	expect_errno(oc.oc_read_random, EACCES, "read /dev/random");
}

Test(sandbox, forbidden_calls_fail_with_eperm)
{
	struct outcome	oc;

	make_dirs();
	confined(0, &oc);
	remove_dirs();
	cr_assert_eq(oc.oc_enter, 0);
	expect_errno(oc.oc_exec, EPERM, "execve");
	expect_errno(oc.oc_unix, EPERM, "AF_UNIX socket");
	expect_errno(oc.oc_mmap_exec, EPERM, "PROT_EXEC mmap");
	expect_errno(oc.oc_inet, 0, "AF_INET socket (DNS)");
	expect_errno(oc.oc_thread, 0, "pthread_create");
	expect_errno(oc.oc_thread_etc, EACCES, "read /etc/passwd (thread)");
	/* clone(2) of a process is on the list of sanitizer builds only. */
	if (!SANDBOX_SANITIZED)
		expect_errno(oc.oc_fork, EPERM, "fork");
	/* prctl(2) is on the list of sanitizer builds only. */
	if (SANDBOX_SANITIZED)
		cr_expect_eq(oc.oc_nnp, 1, "no_new_privs %d", oc.oc_nnp);
	else
		cr_expect_eq(oc.oc_nnp, -1, "prctl allowed: %d", oc.oc_nnp);
}

Test(sandbox, off_confines_nothing)
{
	struct outcome	oc;

	make_dirs();
	confined(1, &oc);
	remove_dirs();
	cr_assert_eq(oc.oc_enter, 0);
	expect_errno(oc.oc_create_other, 0, "create elsewhere");
	expect_errno(oc.oc_read_etc, 0, "read /etc/passwd");
	expect_errno(oc.oc_unix, 0, "AF_UNIX socket");
	expect_errno(oc.oc_thread_etc, 0, "read /etc/passwd (thread)");
	expect_errno(oc.oc_fork, 0, "fork");
	cr_expect_eq(oc.oc_nnp, 0, "no_new_privs %d", oc.oc_nnp);
}

Test(sandbox, unknown_user_is_refused_at_start)
{
	struct sandbox_plan	sp;
	char			errbuf[256];

	cr_assert_eq(sandbox_init(&sp, "no-such-user-ptrtag", 0, errbuf,
	    sizeof(errbuf)), -1);
	cr_expect(strstr(errbuf, "no-such-user-ptrtag") != NULL, "%s", errbuf);
	cr_expect(strchr(errbuf, '\n') == NULL, "one line: %s", errbuf);
}
