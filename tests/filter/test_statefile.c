/*
 * The --state file on disk (filter/stream/statefile.c, through
 * filter/base/afile.c; ptrtag.1, FILES) in a temporary directory: a
 * missing file gives an empty state with a random key; a save is read
 * back the same, leaves no temporary file and keeps the file 0600; the
 * temporary files of a killed save are removed at open; a damaged file,
 * one others may write, a symbolic link and a directory are refused with
 * one line naming the file.
 */
#include <sys/stat.h>

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <criterion/criterion.h>

#include "statefile.h"

static char	dir[] = "/tmp/test_statefile.XXXXXX";
static char	path[64];

static void
setup(void)
{
	cr_assert_not_null(mkdtemp(dir), "mkdtemp: %s", strerror(errno));
	snprintf(path, sizeof(path), "%s/state", dir);
}

static void
teardown(void)
{
	char		 name[600];
	struct dirent	*de;
	DIR		*d;

	if ((d = opendir(dir)) != NULL) {
		while ((de = readdir(d)) != NULL) {
			snprintf(name, sizeof(name), "%s/%s", dir, de->d_name);
			(void)unlink(name);
		}
		closedir(d);
	}
	(void)rmdir(dir);
}

TestSuite(statefile, .init = setup, .fini = teardown);

static void
write_file(const char *p, const char *text, mode_t mode)
{
	int	fd;

	cr_assert_neq(fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, mode), -1);
	cr_assert_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
	cr_assert_eq(fchmod(fd, mode), 0);
	close(fd);
}

/* Entries of dir other than . and .. */
static int
entries(void)
{
	struct dirent	*de;
	DIR		*d;
	int		 n = 0;

	cr_assert_not_null(d = opendir(dir));
	while ((de = readdir(d)) != NULL)
		if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, ".."))
			n++;
	closedir(d);
	return n;
}

Test(statefile, saved_and_read_back)
{
	struct afile		af, af2;
	struct state		st, back;
	struct state_pos	pos;
	struct stat		sb;
	char			err[256];
	uint8_t			zero[STATE_KEYLEN];

	cr_assert_eq(statefile_open(&af, path, &st, err, sizeof(err)), 0,
	    "%s", err);
	memset(zero, 0, sizeof(zero));
	cr_expect(memcmp(st.st_key, zero, STATE_KEYLEN) != 0, "a random key");
	cr_expect_eq(st.st_ninputs, 0);
	memset(&pos, 0, sizeof(pos));
	pos.sp_dev = 1;
	pos.sp_ino = 2;
	pos.sp_off = 30;
	pos.sp_fplen = 10;
	pos.sp_fp = 99;
	statefmt_add(&st, "/var/log/auth.log", &pos);
	st.st_has_output = 1;
	st.st_out_size = 1234;
	cr_assert_eq(statefile_save(&af, &st), 0);
	cr_assert_eq(statefile_save(&af, &st), 0, "a second save replaces");
	cr_expect_eq(entries(), 1, "no temporary file left");
	cr_assert_eq(stat(path, &sb), 0);
	cr_expect_eq(sb.st_mode & 07777, 0600);
	cr_assert_eq(statefile_open(&af2, path, &back, err, sizeof(err)), 0,
	    "%s", err);
	cr_expect(memcmp(back.st_key, st.st_key, STATE_KEYLEN) == 0);
	cr_expect_eq(back.st_out_size, 1234);
	cr_assert_eq(back.st_ninputs, 1);
	cr_expect_str_eq(back.st_inputs[0].si_path, "/var/log/auth.log");
	cr_expect_eq(back.st_inputs[0].si_pos.sp_off, 30);
	statefmt_free(&st);
	statefmt_free(&back);
	afile_close(&af);
	afile_close(&af2);
}

Test(statefile, a_killed_save_leaves_nothing_at_the_next_open)
{
	struct afile	af;
	struct state	st;
	char		err[256], stale[128], other[128];

	snprintf(stale, sizeof(stale), "%s.tmp.0123456789abcdef", path);
	snprintf(other, sizeof(other), "%s.tmp.not-ours", path);
	write_file(stale, "half a save", 0600);
	write_file(other, "kept", 0600);
	cr_assert_eq(statefile_open(&af, path, &st, err, sizeof(err)), 0,
	    "%s", err);
	cr_expect_eq(access(stale, F_OK), -1, "the stale temporary is gone");
	cr_expect_eq(access(other, F_OK), 0, "another name is kept");
	statefmt_free(&st);
	afile_close(&af);
}

Test(statefile, refused_files_name_themselves)
{
	struct afile	 af;
	struct state	 st;
	char		 err[256], link[80];
	const char	*good = "ptrtag-state 1\nkey 00112233445566778899aabb"
	    "ccddeeff\noutput -\nend 0\n";

	write_file(path, "ptrtag-state 1\nkey 00\n", 0600);
	cr_expect_eq(statefile_open(&af, path, &st, err, sizeof(err)), -1);
	cr_expect_not_null(strstr(err, path), "%s", err);
	cr_expect_not_null(strstr(err, "line 2"), "%s", err);
	cr_expect_not_null(strstr(err, "remove it"), "%s", err);
	afile_close(&af);

	write_file(path, good, 0620);
	cr_expect_eq(statefile_open(&af, path, &st, err, sizeof(err)), -1);
	cr_expect_not_null(strstr(err, "writable by group or others"), "%s",
	    err);
	afile_close(&af);

	write_file(path, good, 0600);
	cr_expect_eq(statefile_open(&af, path, &st, err, sizeof(err)), 0,
	    "%s", err);
	statefmt_free(&st);
	afile_close(&af);

	snprintf(link, sizeof(link), "%s/link", dir);
	cr_assert_eq(symlink(path, link), 0);
	cr_expect_eq(statefile_open(&af, link, &st, err, sizeof(err)), -1);
	cr_expect_not_null(strstr(err, "symbolic link"), "%s", err);
	afile_close(&af);

	cr_expect_eq(statefile_open(&af, dir, &st, err, sizeof(err)), -1);
	cr_expect_not_null(strstr(err, "not a regular file"), "%s", err);
	afile_close(&af);
}
