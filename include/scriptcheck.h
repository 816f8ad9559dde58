/*
 * scriptcheck: what safecgi --check says about scripts and logs, for an
 * operator migrating a cgi-bin.
 *
 * check_scripts() takes a script or a directory (every executable file
 * beneath it, as a docroot's cgi-bin) and prints, per script, the profile
 * it gets and why, then what that profile would refuse that the script
 * visibly needs: a #! program that does not exist, the program env
 * would start, and the programs a shell script names that the profile
 * does not let it execute.  Reading scripts is the only I/O; nothing is
 * run.  check_logs() warns when the audit log is off, or where a ban
 * filter could not read it.
 */
#ifndef SAFECGI_SCRIPTCHECK_H
#define SAFECGI_SCRIPTCHECK_H

#include <stddef.h>
#include <stdio.h>

#include "config.h"
#include "profile.h"

/* 0, or -1 when path cannot be read at all (message printed). */
int	check_scripts(const struct profile_set *, const char *path, FILE *);

/* Warnings about the audit log and the ban filters; returns how many. */
int	check_logs(const struct config *, FILE *);

/*
 * The programs a shell script names as commands, in order of first
 * appearance, each once: the first word of every simple command that is
 * neither a shell keyword, a builtin nor an assignment.  Pure; a guess
 * (no expansion is done), good enough to point at a policy gap.  Returns
 * how many were written to names (at most n), with each name's line.
 */
size_t	check_shell_commands(const char *text, size_t len, char (*names)[64],
	    unsigned *lines, size_t n);

#endif
