/* Unit tests for cgi.c: script resolution and the response header parser. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cgi.h"

/* A pretend filesystem: a list of files and directories. */
static const char *const fake_files[] = {
	"/srv/cgi-bin/app.cgi", "/srv/cgi-bin/mainfunction.cgi", NULL
};
static const char *const fake_dirs[] = {
	"/srv", "/srv/cgi-bin", NULL
};

static enum cgi_ftype
fake_stat(const char *path, void *arg)
{
	size_t	i;

	(void)arg;
	for (i = 0; fake_files[i] != NULL; i++)
		if (strcmp(fake_files[i], path) == 0)
			return FT_FILE;
	for (i = 0; fake_dirs[i] != NULL; i++)
		if (strcmp(fake_dirs[i], path) == 0)
			return FT_DIR;
	return FT_NONE;
}

START_TEST(test_script_filename_wins_over_document_root)
{
	struct cgi_target	t;

	ck_assert_int_eq(cgi_resolve("/srv/cgi-bin/app.cgi", "/nowhere",
	    "/x.cgi", NULL, fake_stat, NULL, &t), 0);
	ck_assert_str_eq(t.path, "/srv/cgi-bin/app.cgi");
	ck_assert_int_eq(t.split, 0);
}
END_TEST

START_TEST(test_empty_script_filename_counts_as_unset)
{
	struct cgi_target	t;

	ck_assert_int_eq(cgi_resolve("", "/srv", "/cgi-bin/app.cgi", "",
	    fake_stat, NULL, &t), 0);
	ck_assert_str_eq(t.path, "/srv/cgi-bin/app.cgi");
}
END_TEST

START_TEST(test_path_info_is_split_from_the_script_path)
{
	struct cgi_target	t;

	ck_assert_int_eq(cgi_resolve(NULL, "/srv",
	    "/cgi-bin/mainfunction.cgi/apmcfgupload/x", NULL, fake_stat, NULL,
	    &t), 0);
	ck_assert_str_eq(t.path, "/srv/cgi-bin/mainfunction.cgi");
	ck_assert_str_eq(t.path_info, "/apmcfgupload/x");
	ck_assert_int_eq(t.split, 1);
}
END_TEST

START_TEST(test_missing_script_is_404)
{
	struct cgi_target	t;

	ck_assert_int_eq(cgi_resolve("/srv/cgi-bin/nope.cgi", NULL, NULL,
	    NULL, fake_stat, NULL, &t), 404);
}
END_TEST

START_TEST(test_directory_as_script_is_403)
{
	struct cgi_target	t;

	ck_assert_int_eq(cgi_resolve("/srv/cgi-bin", NULL, NULL, NULL,
	    fake_stat, NULL, &t), 403);
}
END_TEST

START_TEST(test_no_script_named_is_400)
{
	struct cgi_target	t;

	ck_assert_int_eq(cgi_resolve(NULL, NULL, NULL, NULL, fake_stat, NULL,
	    &t), 400);
	ck_assert_int_eq(cgi_resolve("", "/srv", "", NULL, fake_stat, NULL,
	    &t), 400);
}
END_TEST

START_TEST(test_split_never_climbs_above_document_root)
{
	struct cgi_target	t;

	/* /srv exists as a directory but is the root itself */
	ck_assert_int_eq(cgi_resolve(NULL, "/srv/cgi-bin", "/nothing/here",
	    NULL, fake_stat, NULL, &t), 404);
}
END_TEST

static enum cgi_parse
feed_all(struct cgi_headers *h, const char *s, size_t *used)
{
	cgi_headers_init(h);
	return cgi_headers_feed(h, s, strlen(s), used);
}

START_TEST(test_lf_header_block_is_accepted)
{
	static struct cgi_headers	h;
	size_t				used;
	const char			*s = "Content-Type: text/plain\n\nbody";

	ck_assert_int_eq(feed_all(&h, s, &used), CGI_DONE);
	ck_assert_str_eq(s + used, "body");
	ck_assert_str_eq(h.out, "Content-Type: text/plain\r\n\r\n");
	ck_assert_int_eq(h.status, 200);
}
END_TEST

START_TEST(test_crlf_header_block_is_accepted)
{
	static struct cgi_headers	h;
	size_t				used;
	const char *s = "Status: 404 Not Found\r\nContent-Type: text/html\r\n"
	    "\r\n<p>";

	ck_assert_int_eq(feed_all(&h, s, &used), CGI_DONE);
	ck_assert_str_eq(s + used, "<p>");
	ck_assert_int_eq(h.status, 404);
}
END_TEST

START_TEST(test_header_block_split_across_reads)
{
	static struct cgi_headers	h;
	size_t				used;

	cgi_headers_init(&h);
	ck_assert_int_eq(cgi_headers_feed(&h, "Content-Ty", 10, &used),
	    CGI_MORE);
	ck_assert_int_eq(used, 10);
	ck_assert_int_eq(cgi_headers_feed(&h, "pe: a/b\r", 8, &used),
	    CGI_MORE);
	ck_assert_int_eq(cgi_headers_feed(&h, "\n\r\nXY", 5, &used),
	    CGI_DONE);
	ck_assert_int_eq(used, 3);
	ck_assert_str_eq(h.out, "Content-Type: a/b\r\n\r\n");
}
END_TEST

START_TEST(test_location_alone_is_a_redirect)
{
	static struct cgi_headers	h;
	size_t				used;

	ck_assert_int_eq(feed_all(&h, "Location: http://x/\n\n", &used),
	    CGI_DONE);
	ck_assert_int_eq(h.status, 302);
}
END_TEST

START_TEST(test_block_without_cgi_field_is_invalid)
{
	static struct cgi_headers	h;
	size_t				used;

	ck_assert_int_eq(feed_all(&h, "X-Foo: bar\n\n", &used), CGI_INVALID);
	ck_assert_ptr_nonnull(h.error);
}
END_TEST

START_TEST(test_garbage_line_is_invalid)
{
	static struct cgi_headers	h;
	size_t				used;

	ck_assert_int_eq(feed_all(&h, "hello world\n\n", &used), CGI_INVALID);
	ck_assert_str_eq(h.error, "header line without a colon");
}
END_TEST

START_TEST(test_bad_status_is_invalid)
{
	static struct cgi_headers	h;
	size_t				used;

	ck_assert_int_eq(feed_all(&h, "Status: 99x\n\n", &used), CGI_INVALID);
	ck_assert_int_eq(feed_all(&h, "Status: 700 Odd\n\n", &used),
	    CGI_INVALID);
}
END_TEST

START_TEST(test_control_byte_in_value_is_invalid)
{
	static struct cgi_headers	h;
	size_t				used;

	ck_assert_int_eq(feed_all(&h, "Content-Type: a\033b\n\n", &used),
	    CGI_INVALID);
}
END_TEST

START_TEST(test_unterminated_block_is_invalid_at_eof)
{
	static struct cgi_headers	h;
	size_t				used;

	ck_assert_int_eq(feed_all(&h, "Content-Type: text/plain\n", &used),
	    CGI_MORE);
	ck_assert_int_eq(cgi_headers_eof(&h), CGI_INVALID);
}
END_TEST

START_TEST(test_oversized_block_is_invalid)
{
	static struct cgi_headers	h;
	static char			big[CGI_HEADER_MAX + 10];
	size_t				used;

	memset(big, 'a', sizeof(big));
	memcpy(big, "X-A: ", 5);
	cgi_headers_init(&h);
	ck_assert_int_eq(cgi_headers_feed(&h, big, sizeof(big), &used),
	    CGI_INVALID);
}
END_TEST

/*
 * A block whose lines, rewritten with ": " and CRLF, leave room for all
 * but the empty line that ends it: the output buffer's last bytes.  Done
 * without that line, nginx would read the body as more headers.
 */
START_TEST(test_a_block_that_fills_the_output_is_refused_never_cut)
{
	static struct cgi_headers	h;
	static char			in[CGI_HEADER_MAX];
	size_t				n, out, used, fill;

	for (fill = 1; fill <= 3; fill++) {
		n = (size_t)snprintf(in, sizeof(in), "Content-Type:x\n");
		out = 17;			/* "Content-Type: x\r\n" */
		while (out + 6 <= sizeof(h.out) - 16) {
			n += (size_t)snprintf(in + n, sizeof(in) - n, "a:b\n");
			out += 6;		/* "a: b\r\n" */
		}
		/* one line more, "a: vvv...\r\n", to leave 3 - fill bytes */
		out = sizeof(h.out) - out - (3 - fill) - 5;
		memcpy(in + n, "a:", 2);
		memset(in + n + 2, 'v', out);
		in[n + 2 + out] = '\n';
		n += 3 + out;
		n += (size_t)snprintf(in + n, sizeof(in) - n,
		    "\nX-Accel-Redirect: /internal/secret\n\n");
		cgi_headers_init(&h);
		if (cgi_headers_feed(&h, in, n, &used) == CGI_DONE)
			ck_assert_msg(h.outlen >= 4 && memcmp(h.out + h.outlen -
			    4, "\r\n\r\n", 4) == 0, "room %zu: done, but the "
			    "block given to nginx has no end", 3 - fill);
	}
}
END_TEST

START_TEST(test_x_accel_redirect_from_a_script_is_invalid)
{
	static struct cgi_headers	h;
	size_t				used;

	ck_assert_int_eq(feed_all(&h, "Content-Type: text/plain\n"
	    "X-Accel-Redirect: /internal/secret\n\n", &used), CGI_INVALID);
	ck_assert_str_eq(h.error, "X-Accel header from a script");
}
END_TEST

START_TEST(test_status_below_200_from_a_script_is_refused)
{
	static const char *const blocks[] = {
		"Status: 100 Continue\n\n",
		"Status: 101 Switching Protocols\nUpgrade: websocket\n"
		    "Connection: Upgrade\n\n",
		"Status: 103\nContent-Type: text/plain\n\n",
		"Content-Type: text/plain\nStatus: 199 Odd\n\n",
	};
	static struct cgi_headers	h;
	size_t				used, i;

	for (i = 0; i < sizeof(blocks) / sizeof(blocks[0]); i++) {
		ck_assert_msg(feed_all(&h, blocks[i], &used) == CGI_INVALID,
		    "block %zu with a 1xx status was accepted", i);
		ck_assert_msg(h.refused, "block %zu: 1xx status not marked "
		    "as refused (error: %s)", i, h.error);
		ck_assert_str_eq(h.error, "Status below 200 from a script");
	}
}
END_TEST

START_TEST(test_status_200_and_above_is_accepted)
{
	static const int	codes[] = { 200, 204, 302, 404, 599 };
	static struct cgi_headers h;
	char			block[64];
	size_t			used, i;

	for (i = 0; i < sizeof(codes) / sizeof(codes[0]); i++) {
		snprintf(block, sizeof(block), "Status: %d\n\n", codes[i]);
		ck_assert_msg(feed_all(&h, block, &used) == CGI_DONE,
		    "Status %d was refused: %s", codes[i], h.error);
		ck_assert_int_eq(h.status, codes[i]);
	}
}
END_TEST

START_TEST(test_x_accel_header_is_marked_as_refused)
{
	static struct cgi_headers	h;
	size_t				used;

	ck_assert_int_eq(feed_all(&h, "Content-Type: text/plain\n"
	    "X-Accel-Buffering: no\n\n", &used), CGI_INVALID);
	ck_assert_msg(h.refused, "an X-Accel header is not marked refused");
}
END_TEST

START_TEST(test_malformed_block_is_not_marked_as_refused)
{
	static struct cgi_headers	h;
	size_t				used;

	ck_assert_int_eq(feed_all(&h, "hello world\n\n", &used), CGI_INVALID);
	ck_assert_msg(!h.refused, "a malformed block counts as a refusal");
}
END_TEST

START_TEST(test_shebang_gives_interpreter)
{
	char	interp[64];

	ck_assert_int_eq(cgi_shebang("#!/usr/bin/perl -w\n", 19, interp,
	    sizeof(interp)), 0);
	ck_assert_str_eq(interp, "/usr/bin/perl");
	ck_assert_int_eq(cgi_shebang("#! /bin/sh\n", 11, interp,
	    sizeof(interp)), 0);
	ck_assert_str_eq(interp, "/bin/sh");
	ck_assert_int_eq(cgi_shebang("\177ELF", 4, interp, sizeof(interp)),
	    -1);
}
END_TEST

START_TEST(test_shebang_in_place)
{
	char	buf[64] = "#!/bin/sh\n";

	/* the script's first bytes and the answer may be one buffer */
	ck_assert_int_eq(cgi_shebang(buf, strlen(buf), buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "/bin/sh");
}
END_TEST

static Suite *
cgi_suite(void)
{
	Suite	*s = suite_create("cgi");
	TCase	*tr = tcase_create("resolve"), *th = tcase_create("headers");

	tcase_add_test(tr, test_script_filename_wins_over_document_root);
	tcase_add_test(tr, test_empty_script_filename_counts_as_unset);
	tcase_add_test(tr, test_path_info_is_split_from_the_script_path);
	tcase_add_test(tr, test_missing_script_is_404);
	tcase_add_test(tr, test_directory_as_script_is_403);
	tcase_add_test(tr, test_no_script_named_is_400);
	tcase_add_test(tr, test_split_never_climbs_above_document_root);
	tcase_add_test(th, test_lf_header_block_is_accepted);
	tcase_add_test(th, test_crlf_header_block_is_accepted);
	tcase_add_test(th, test_header_block_split_across_reads);
	tcase_add_test(th, test_location_alone_is_a_redirect);
	tcase_add_test(th, test_block_without_cgi_field_is_invalid);
	tcase_add_test(th, test_garbage_line_is_invalid);
	tcase_add_test(th, test_bad_status_is_invalid);
	tcase_add_test(th, test_control_byte_in_value_is_invalid);
	tcase_add_test(th, test_unterminated_block_is_invalid_at_eof);
	tcase_add_test(th, test_oversized_block_is_invalid);
	tcase_add_test(th, test_x_accel_redirect_from_a_script_is_invalid);
	tcase_add_test(th, test_status_below_200_from_a_script_is_refused);
	tcase_add_test(th, test_status_200_and_above_is_accepted);
	tcase_add_test(th, test_x_accel_header_is_marked_as_refused);
	tcase_add_test(th, test_malformed_block_is_not_marked_as_refused);
	tcase_add_test(th, test_shebang_gives_interpreter);
	tcase_add_test(th, test_shebang_in_place);
	tcase_add_test(th, test_a_block_that_fills_the_output_is_refused_never_cut);
	suite_add_tcase(s, tr);
	suite_add_tcase(s, th);
	return s;
}

int
main(void)
{
	SRunner	*sr = srunner_create(cgi_suite());
	int	 failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
