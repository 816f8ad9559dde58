# bench/lib.sh: what bench/run.sh and bench/slow.sh share: servers
# started in process groups of their own, stopped (and the scratch
# directory removed) on exit, sockets and ports waited for or found.
# Sourced; the caller sets "work" once it has made its directory.

# ------------------------------------------------------------ cleanup

work=
pgids=

# Is any process of group $1 alive (zombies do not count)?
group_alive()
{
	ps -e -o pgid= -o stat= |
	    awk -v g="$1" '$1 == g && $2 !~ /^Z/ { f = 1 } END { exit !f }'
}

# TERM the whole process group (fcgiwrap's children do not always
# follow their parent), KILL what is left after 30 s, then reap the
# leader; never wait for a process that is still running.  (safecgi
# removes its cgroups as it stops, a few seconds with hundreds of
# leaves: killed sooner, it would leave them behind.  dash's kill takes
# no "--": -PGID is the group.)
stop_group()
{
	kill -TERM "-$1" 2>/dev/null || :
	n=0
	while group_alive "$1"; do
		n=$((n + 1))
		if [ "$n" -eq 300 ]; then
			kill -KILL "-$1" 2>/dev/null || :
		elif [ "$n" -ge 350 ]; then
			echo "${0##*/}: process group $1 does not die" >&2
			return 0
		fi
		sleep 0.1
	done
	wait "$1" 2>/dev/null || :
}

cleanup()
{
	rc=$?
	trap - EXIT INT TERM HUP
	for g in $pgids; do
		stop_group "$g"
	done
	if [ -n "$work" ]; then
		rm -rf "$work"
	fi
	exit "$rc"
}
trap cleanup EXIT
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 143' TERM

# Start "$@" in the background in a process group of its own, output to
# the log file $1.  setsid does not fork here (a background job is never
# a group leader), so $! is both the pid and the process group.
start_bg()
{
	log=$1
	shift
	setsid "$@" >"$log" 2>&1 </dev/null &
	pgids="$pgids $!"
	last_pid=$!
}

# Wait up to 10 s for a unix socket; fail with the server's log.
wait_socket()
{
	n=0
	while [ ! -S "$1" ]; do
		n=$((n + 1))
		if [ "$n" -ge 100 ] || ! group_alive "$2"; then
			echo "${0##*/}: no socket $1; log $3:" >&2
			tail -n 20 "$3" >&2 || :
			exit 1
		fi
		sleep 0.1
	done
}

# First free TCP port on 127.0.0.1 at or above $1.
free_port()
{
	p=$1
	while [ -n "$(ss -Htln "sport = :$p")" ]; do
		p=$((p + 1))
	done
	echo "$p"
}

