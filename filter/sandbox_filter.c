/*
 * sandbox_filter: see sandbox_filter.h. The allow-list is what the
 * running loop, its DNS transport, the output reopen and the cache save
 * were seen to call (strace(1) of the test suites), grouped as in
 * ptrtag.1, SANDBOX. A refused call fails with EPERM rather than killing
 * the process: ptrtag then warns and goes on, and still writes every line
 * it has read, which a killed process could not.
 */
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>

#include <errno.h>
#include <sched.h>
#include <fcntl.h>
#include <seccomp.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "sandbox_filter.h"

/* Calls allowed whatever their arguments. */
static const char *const plain_calls[] = {
	/* descriptors */
	"read", "readv", "write", "writev", "close", "lseek", "dup", "dup3",
	"fstat", "newfstatat", "statx", "fsync", "fdatasync",
	/* files: Landlock decides which paths */
	"openat", "rename", "renameat", "renameat2", "unlink", "unlinkat",
	"fchmod",
	/* DNS sockets: socket(2) itself is checked below */
	"connect", "bind", "sendto", "sendmsg", "recvfrom", "recvmsg",
	"getsockopt", "setsockopt", "getsockname", "getpeername",
	/* waiting, time */
	"ppoll", "poll", "epoll_ctl", "epoll_wait", "epoll_pwait",
	"restart_syscall", "clock_gettime", "clock_getres",
	"gettimeofday", "time", "nanosleep", "clock_nanosleep",
	/* memory: mmap(2) and mprotect(2) are checked below */
	"brk", "munmap", "mremap", "madvise",
	/* signals, process */
	"rt_sigaction", "rt_sigprocmask", "rt_sigreturn", "sigaltstack",
	"getpid", "gettid", "getrandom", "futex", "exit", "exit_group",
	/* the scan-ahead thread: clone(2) itself is checked below */
	"set_robust_list", "rseq",
};

/*
 * Sanitizer builds only: the leak checker's stop-the-world tracer
 * (clone, ptrace, wait4, prctl, kill, sched_yield), its walk of
 * /proc/PID/task (open, getdents), abort_on_error's signal, and the
 * stack bounds it reads for each new thread (sched_getaffinity, through
 * pthread_getattr_np(3)).
 */
static const char *const sanitizer_calls[] = {
	"clone", "ptrace", "prctl", "wait4", "sched_yield", "getdents",
	"getdents64", "open", "readlink", "readlinkat", "getppid", "kill",
	"tgkill", "sched_getaffinity",
};

static int
allow_names(scmp_filter_ctx ctx, const char *const *names, size_t n)
{
	size_t	i;
	int	nr;

	for (i = 0; i < n; i++) {
		/* A call this architecture lacks needs no rule. */
		if ((nr = seccomp_syscall_resolve_name(names[i])) ==
		    __NR_SCMP_ERROR || nr < 0)
			continue;
		if (seccomp_rule_add(ctx, SCMP_ACT_ALLOW, nr, 0) < 0)
			return -1;
	}
	return 0;
}

/*
 * Allow call when argument arg, masked, equals value. (libseccomp's
 * SCMP_A0() macros leave datum_b to the compiler, which clang's
 * -Wextra rejects.)
 */
static int
allow_if(scmp_filter_ctx ctx, int call, unsigned int arg, scmp_datum_t mask,
    scmp_datum_t value)
{
	struct scmp_arg_cmp	cmp;

	memset(&cmp, 0, sizeof(cmp));
	cmp.arg = arg;
	cmp.op = SCMP_CMP_MASKED_EQ;
	cmp.datum_a = mask;
	cmp.datum_b = value;
	return seccomp_rule_add(ctx, SCMP_ACT_ALLOW, call, 1, cmp);
}

#define ALL	(~(scmp_datum_t)0)

/*
 * Calls allowed with some arguments only: sockets of the two Internet
 * families; no executable memory (PCRE2's JIT code is made at start);
 * the descriptor flags fcntl(2) calls of c-ares and the loop; isatty(3);
 * abort(3) signalling itself; clone(2) making a thread, never a process
 * (clone3(2), whose flags a filter cannot see, fails with ENOSYS, and
 * pthread_create(3) then calls clone(2)).
 */
static int
allow_checked(scmp_filter_ctx ctx)
{
	const unsigned long	fcntl_cmds[] = {
		F_GETFL, F_SETFL, F_GETFD, F_SETFD
	};
	size_t			i;

	if (allow_if(ctx, SCMP_SYS(socket), 0, ALL, AF_INET) < 0 ||
	    allow_if(ctx, SCMP_SYS(socket), 0, ALL, AF_INET6) < 0 ||
	    allow_if(ctx, SCMP_SYS(mmap), 2, PROT_EXEC, 0) < 0 ||
	    allow_if(ctx, SCMP_SYS(mprotect), 2, PROT_EXEC, 0) < 0 ||
	    allow_if(ctx, SCMP_SYS(ioctl), 1, ALL, TCGETS) < 0 ||
	    allow_if(ctx, SCMP_SYS(tgkill), 0, ALL,
	    (scmp_datum_t)getpid()) < 0 ||
	    allow_if(ctx, SCMP_SYS(clone), 0, CLONE_THREAD, CLONE_THREAD) < 0 ||
	    seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOSYS), SCMP_SYS(clone3),
	    0) < 0)
		return -1;
	for (i = 0; i < sizeof(fcntl_cmds) / sizeof(fcntl_cmds[0]); i++)
		if (allow_if(ctx, SCMP_SYS(fcntl), 1, ALL, fcntl_cmds[i]) < 0)
			return -1;
	return 0;
}

int
sandbox_filter_load(char *errbuf, size_t errlen)
{
	scmp_filter_ctx	ctx;
	const char	*step = "init";
	int		rc = -1;

	if ((ctx = seccomp_init(SCMP_ACT_ERRNO(EPERM))) == NULL)
		goto out;
	step = "rules";
	if (allow_names(ctx, plain_calls,
	    sizeof(plain_calls) / sizeof(plain_calls[0])) == -1 ||
	    allow_checked(ctx) == -1)
		goto out;
	if (SANDBOX_SANITIZED && allow_names(ctx, sanitizer_calls,
	    sizeof(sanitizer_calls) / sizeof(sanitizer_calls[0])) == -1)
		goto out;
	step = "load";
	if (seccomp_load(ctx) == 0)
		rc = 0;
out:
	if (rc == -1)
		snprintf(errbuf, errlen, "sandbox: seccomp %s failed", step);
	seccomp_release(ctx);
	return rc;
}
