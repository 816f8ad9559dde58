/*
 * A deliberately vulnerable CGI, as router firmware writes them: the
 * decoded "host" parameter goes straight into system().  Used to prove
 * the jail contains what the injection runs.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int
hex(int c)
{
	return isdigit(c) ? c - '0' : tolower(c) - 'a' + 10;
}

static void
form_decode(char *s)
{
	char	*o = s;

	for (; *s != '\0'; s++) {
		if (*s == '+')
			*o++ = ' ';
		else if (*s == '%' && isxdigit((unsigned char)s[1]) &&
		    isxdigit((unsigned char)s[2])) {
			*o++ = (char)(hex(s[1]) * 16 + hex(s[2]));
			s += 2;
		} else
			*o++ = *s;
	}
	*o = '\0';
}

int
main(void)
{
	const char	*q = getenv("QUERY_STRING");
	char		 cmd[8192], host[4096] = "";
	const char	*p;

	if (q != NULL && (p = strstr(q, "host=")) != NULL) {
		snprintf(host, sizeof(host), "%s", p + 5);
		host[strcspn(host, "&")] = '\0';
		form_decode(host);
	}
	printf("Content-Type: text/plain\r\n\r\n");
	fflush(stdout);
	snprintf(cmd, sizeof(cmd), "ping -c 1 %s 2>&1", host);
	system(cmd);
	return 0;
}
