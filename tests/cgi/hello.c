/*
 * A C CGI for the tests.  QUERY_STRING picks what it does:
 *   (empty)  hello
 *   fds      list the open file descriptors
 *   id       print uid, gid, groups and capability sets
 *   stderr   write a line to stderr too
 *   crash    die of SIGSEGV after the headers
 *   flood    make 5000 denied calls (socket AF_INET)
 */
#include <sys/socket.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int
main(void)
{
	const char	*q = getenv("QUERY_STRING");
	struct dirent	*de;
	DIR		*d;
	FILE		*f;
	char		 line[256];

	if (q == NULL)
		q = "";
	printf("Content-Type: text/plain\r\n\r\n");
	if (strcmp(q, "fds") == 0) {
		if ((d = opendir("/proc/self/fd")) == NULL)
			return 1;
		while ((de = readdir(d)) != NULL)
			if (de->d_name[0] != '.' && atoi(de->d_name) != dirfd(d))
				printf("%s\n", de->d_name);
		closedir(d);
	} else if (strcmp(q, "id") == 0) {
		printf("uid=%d gid=%d\n", (int)getuid(), (int)getgid());
		if ((f = fopen("/proc/self/status", "r")) != NULL) {
			while (fgets(line, sizeof(line), f) != NULL)
				if (strncmp(line, "Cap", 3) == 0 ||
				    strncmp(line, "Groups", 6) == 0 ||
				    strncmp(line, "NoNewPrivs", 10) == 0 ||
				    strncmp(line, "Seccomp:", 8) == 0 ||
				    strncmp(line, "SigIgn:", 7) == 0)
					fputs(line, stdout);
			fclose(f);
		}
	} else if (strcmp(q, "crash") == 0) {
		fflush(stdout);
		*(volatile int *)0 = 1;
	} else if (strcmp(q, "flood") == 0) {
		int	i, denied = 0;

		for (i = 0; i < 5000; i++)
			if (socket(AF_INET, SOCK_STREAM, 0) == -1)
				denied++;
		printf("denied %d\n", denied);
	} else if (strcmp(q, "stderr") == 0) {
		fprintf(stderr, "a line for the error log\n");
		printf("hello\n");
	} else
		printf("hello\n");
	return 0;
}
