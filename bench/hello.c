/*
 * The smallest CGI program: what the benchmark measures is the gateway
 * around it (accept, fork or clone, exec, pipes), not the script.
 * Dynamically linked on purpose, like the CGI programs people run.
 */
#include <stdio.h>

int
main(void)
{
	if (fputs("Content-Type: text/plain\n\nhello\n", stdout) == EOF)
		return 1;
	return fflush(stdout) == EOF;
}
