# TAP for the integration tests: one line per behaviour.
#
# Only functions and two counters: sourcing this file starts nothing,
# creates nothing and sets no trap.  Tests that need the nginx + safecgi
# harness source lib.sh, which sources this; tests that need no harness
# (t_fail2ban.sh, t_crowdsec.sh) source this alone.

TESTNO=0
FAILED=0

ok() {
	TESTNO=$((TESTNO + 1))
	echo "ok $TESTNO - $1"
}

# not_ok NAME [DETAIL...]: each DETAIL line becomes a TAP comment.
not_ok() {
	TESTNO=$((TESTNO + 1))
	FAILED=$((FAILED + 1))
	echo "not ok $TESTNO - $1"
	shift
	for line in "$@"; do
		printf '%s\n' "$line" | sed 's/^/#   /'
	done
}

# check NAME CONDITION-COMMAND...: one behaviour, one line.
check() {
	name=$1
	shift
	if "$@"; then ok "$name"; else not_ok "$name" "failed: $*"; fi
}

# is NAME GOT WANT
is() {
	if [ "$2" = "$3" ]; then ok "$1"; else not_ok "$1" "got:  $2" "want: $3"; fi
}

# skip REASON: one test not run, said so (an optional part, absent).
skip() {
	TESTNO=$((TESTNO + 1))
	echo "ok $TESTNO # SKIP $1"
}

# todo NAME REASON: a known gap, shown without failing the run.
todo() {
	TESTNO=$((TESTNO + 1))
	echo "not ok $TESTNO - $1 # TODO $2"
}

# skip_all REASON: the whole file cannot run here; automake counts it
# as SKIP, with the reason in the log.
skip_all() {
	echo "1..0 # SKIP $1"
	exit 0
}

bail_out() {
	echo "Bail out! $1"
	exit 1
}

# need_root: the harness starts nginx as www-data's master, creates
# users' files, namespaces and cgroups: without root, skip, saying why.
need_root() {
	[ "$(id -u)" -eq 0 ] ||
	    skip_all "needs root (nginx, safecgi's jail, test users); run make check as root"
}

# need_tools TOOL...: every tool the file uses is installed.  A missing
# one is a failure that names it (never a silent pass of the checks that
# use it): contrib/quickstart.sh installs them all (TEST_DEPS).
# Returns false when one is missing.
need_tools() {
	missing=0
	for tool in "$@"; do
		case $tool in
		/*)	[ -e "$tool" ] ;;
		*)	command -v "$tool" >/dev/null 2>&1 ;;
		esac || {
			not_ok "$tool is installed (TEST_DEPS in contrib/quickstart.sh)" \
			    "$tool not found: the checks that use it cannot prove anything"
			missing=1
		}
	done
	[ "$missing" -eq 0 ]
}

# done_testing: the checks of $TAP_BEFORE_PLAN (a function name) if set,
# the plan, then the diagnostics of $TAP_ON_FAILURE (a function name) if
# anything failed; true when nothing failed.
done_testing() {
	[ -z "${TAP_BEFORE_PLAN:-}" ] || "$TAP_BEFORE_PLAN"
	echo "1..$TESTNO"
	if [ "$FAILED" -ne 0 ] && [ -n "${TAP_ON_FAILURE:-}" ]; then
		"$TAP_ON_FAILURE"
	fi
	[ "$FAILED" -eq 0 ]
}
