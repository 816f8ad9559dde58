/*
 * Unit tests for the channels from a child to the master (audit.c):
 * what a full channel refuses is counted by the sender and the count
 * reaches the audit log as a "suppressed" event once there is room, so
 * that events written plus events counted always add up.
 */
#include <sys/socket.h>
#include <sys/wait.h>

#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "audit.h"

static char	 errlog[] = "/tmp/check_auditchan.err.XXXXXX";
static char	 auditlog[] = "/tmp/check_auditchan.audit.XXXXXX";

static void
open_logs(void)
{
	int	fd;

	if ((fd = mkstemp(errlog)) == -1)
		ck_abort_msg("mkstemp: %s", strerror(errno));
	close(fd);
	if ((fd = mkstemp(auditlog)) == -1)
		ck_abort_msg("mkstemp: %s", strerror(errno));
	close(fd);
	ck_assert_int_eq(audit_open(errlog, auditlog), 0);
}

static void
remove_logs(void)
{
	unlink(errlog);
	unlink(auditlog);
}

/* Lines of path holding s, and the sum of their "count" fields. */
static unsigned long
tally(const char *path, const char *s, unsigned long *sum)
{
	FILE		*fp;
	char		 line[16384], *c;
	unsigned long	 n = 0;

	if (sum != NULL)
		*sum = 0;
	if ((fp = fopen(path, "r")) == NULL)
		ck_abort_msg("%s: %s", path, strerror(errno));
	while (fgets(line, sizeof(line), fp) != NULL) {
		if (strstr(line, s) == NULL)
			continue;
		n++;
		if (sum != NULL && (c = strstr(line, "\"count\":\"")) != NULL)
			*sum += strtoul(c + 9, NULL, 10);
	}
	fclose(fp);
	return n;
}

static void
drain_all(int fd)
{
	while (audit_drain(fd, 4242) > 0)
		;
}

static void
emit(int i)
{
	struct audit_event	ev = { 0 };
	char			n[16];

	snprintf(n, sizeof(n), "%d", i);
	ev.event = "test_event";
	audit_kv(&ev, "n", n);
	audit_emit(&ev);
}

#define FLOOD	3000

START_TEST(events_a_full_channel_refuses_are_counted_and_add_up)
{
	int		log_m, log_c, ev_m, ev_c, i;
	unsigned long	written, lost;

	open_logs();
	ck_assert_int_ne(log_c = audit_channel(&log_m), -1);
	ck_assert_int_ne(ev_c = audit_channel(&ev_m), -1);
	audit_attach(log_c);
	audit_attach_events(ev_c);
	/* nobody reads: the channel fills, the rest must be counted */
	for (i = 0; i < FLOOD; i++)
		emit(i);
	drain_all(ev_m);
	/* the next event finds room: the count goes out before it */
	emit(FLOOD);
	drain_all(ev_m);
	written = tally(auditlog, "\"event\":\"test_event\"", NULL);
	tally(auditlog, "\"scope\":\"channel\"", &lost);
	remove_logs();
	ck_assert_msg(lost > 0, "the channel never filled: nothing proven "
	    "(%lu written)", written);
	ck_assert_msg(written + lost == FLOOD + 1, "%lu written + %lu "
	    "counted != %d sent", written, lost, FLOOD + 1);
}
END_TEST

START_TEST(an_event_count_goes_out_with_the_next_log_line)
{
	int		log_m, log_c, ev_m, ev_c, i;
	unsigned long	written, lost;

	open_logs();
	ck_assert_int_ne(log_c = audit_channel(&log_m), -1);
	ck_assert_int_ne(ev_c = audit_channel(&ev_m), -1);
	audit_attach(log_c);
	audit_attach_events(ev_c);
	for (i = 0; i < FLOOD; i++)
		emit(i);
	drain_all(ev_m);
	/* no further event: a log line is enough to carry the count */
	log_msg(LOG_INFO, "a log line");
	drain_all(ev_m);
	drain_all(log_m);
	written = tally(auditlog, "\"event\":\"test_event\"", NULL);
	tally(auditlog, "\"scope\":\"channel\"", &lost);
	remove_logs();
	ck_assert_msg(lost > 0 && written + lost == FLOOD, "%lu written + "
	    "%lu counted != %d sent", written, lost, FLOOD);
}
END_TEST

START_TEST(log_lines_a_full_channel_refuses_are_counted)
{
	int		log_m, log_c, ev_m, ev_c, i;
	unsigned long	written, lost, told;

	open_logs();
	ck_assert_int_ne(log_c = audit_channel(&log_m), -1);
	ck_assert_int_ne(ev_c = audit_channel(&ev_m), -1);
	audit_attach(log_c);
	audit_attach_events(ev_c);
	for (i = 0; i < FLOOD; i++)
		log_msg(LOG_WARNING, "stderr: line %d", i);
	drain_all(log_m);
	log_msg(LOG_WARNING, "stderr: line %d", i);
	drain_all(log_m);
	written = tally(errlog, "stderr: line ", NULL);
	tally(auditlog, "\"scope\":\"log\"", &lost);
	told = tally(errlog, "log lines lost: channel to the master full",
	    NULL);
	remove_logs();
	ck_assert_msg(lost > 0 && written + lost == FLOOD + 1, "%lu written "
	    "+ %lu counted != %d sent", written, lost, FLOOD + 1);
	ck_assert_uint_eq(told, 1);
}
END_TEST

START_TEST(log_lines_cannot_crowd_out_events)
{
	int		log_m, log_c, ev_m, ev_c, i;
	unsigned long	written, lost;

	open_logs();
	ck_assert_int_ne(log_c = audit_channel(&log_m), -1);
	ck_assert_int_ne(ev_c = audit_channel(&ev_m), -1);
	audit_attach(log_c);
	audit_attach_events(ev_c);
	for (i = 0; i < FLOOD; i++)
		log_msg(LOG_WARNING, "stderr: line %d", i);
	for (i = 0; i < 100; i++)
		emit(i);
	drain_all(ev_m);
	written = tally(auditlog, "\"event\":\"test_event\"", NULL);
	tally(auditlog, "\"scope\":\"channel\"", &lost);
	remove_logs();
	ck_assert_uint_eq(written, 100);
	ck_assert_uint_eq(lost, 0);
}
END_TEST

START_TEST(a_forked_child_does_not_report_its_parents_count)
{
	int		log_m, log_c, ev_m, ev_c, i, status;
	unsigned long	written, lost;
	pid_t		pid;

	open_logs();
	ck_assert_int_ne(log_c = audit_channel(&log_m), -1);
	ck_assert_int_ne(ev_c = audit_channel(&ev_m), -1);
	audit_attach(log_c);
	audit_attach_events(ev_c);
	for (i = 0; i < FLOOD; i++)
		emit(i);
	drain_all(ev_m);
	/* a spawner is forked while its worker holds a count */
	if ((pid = fork()) == 0) {
		emit(FLOOD);
		_exit(0);
	}
	ck_assert_int_ne(pid, -1);
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	emit(FLOOD + 1);
	drain_all(ev_m);
	written = tally(auditlog, "\"event\":\"test_event\"", NULL);
	tally(auditlog, "\"scope\":\"channel\"", &lost);
	remove_logs();
	ck_assert_msg(lost > 0 && written + lost == FLOOD + 2, "%lu written "
	    "+ %lu counted != %d sent", written, lost, FLOOD + 2);
}
END_TEST

static Suite *
chan_suite(void)
{
	Suite	*s = suite_create("auditchan");
	TCase	*tc;

	tc = tcase_create("channels");
	tcase_add_test(tc, events_a_full_channel_refuses_are_counted_and_add_up);
	tcase_add_test(tc, an_event_count_goes_out_with_the_next_log_line);
	tcase_add_test(tc, log_lines_a_full_channel_refuses_are_counted);
	tcase_add_test(tc, log_lines_cannot_crowd_out_events);
	tcase_add_test(tc, a_forked_child_does_not_report_its_parents_count);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner	*sr = srunner_create(chan_suite());
	int	 failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
