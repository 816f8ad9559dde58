#!/bin/sh
# safecgi quick start, for a fresh Debian 12 machine, as root.
#
#   sh contrib/quickstart.sh demo   install, build, start nginx on
#                                   127.0.0.1:8080 in front of safecgi
#   sh contrib/quickstart.sh test   install, build, run every test
#   sh contrib/quickstart.sh deps   only install what the two need
#
set -eu

cd "$(dirname "$0")/.."
TOP=$(pwd)

# Everything safecgi builds, tests and demonstrates with, from Debian 12.
# Every program a test runs is here, including those the hostile CGI and
# the injection corpus try to run (wget, curl, busybox): a test whose
# tool is missing fails, naming it.  spawn-fcgi and fcgiwrap are for
# tests/tools/hostile_report.sh and bench/.
BUILD_DEPS="build-essential autoconf automake libtool pkg-config
	libfcgi-dev libseccomp-dev libcap-ng-dev libinih-dev check"
TEST_DEPS="nginx-light fcgiwrap spawn-fcgi curl wget busybox-static wrk git cgit
	gitweb perl libcgi-pm-perl python3 python3-yaml clang
	libclang-rt-14-dev procps iproute2 fail2ban crowdsec
	python3-prometheus-client qemu-system-x86 systemd"

# Packages whose installation starts a service the tests do not use.
SERVICE_PKGS="nginx-common fcgiwrap fail2ban crowdsec"

deps() {
	if [ "$(id -u)" -ne 0 ]; then
		echo "quickstart: run as root (it installs packages)" >&2
		exit 1
	fi
	export DEBIAN_FRONTEND=noninteractive
	fresh=
	for p in $SERVICE_PKGS; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null |
		    grep -q 'install ok installed' || fresh="$fresh $p"
	done
	apt-get update -q
	# crowdsec's postinst registers with its central API unless told
	# not to (its README.Debian): the tests run it offline
	if [ ! -e /etc/crowdsec/online_api_credentials.yaml ]; then
		mkdir -p /etc/crowdsec
		echo '# no central API: safecgi tests run offline' \
		    > /etc/crowdsec/online_api_credentials.yaml
	fi
	# shellcheck disable=SC2086
	apt-get install -y -q --no-install-recommends $BUILD_DEPS $TEST_DEPS
	quiet_services $fresh
}

# Debian starts a service as its package is installed.  The tests and
# the demo start their own nginx (on 127.0.0.1), run fcgiwrap through
# spawn-fcgi and read fail2ban's filters only, so what this script
# installed is stopped and disabled: nginx's default site (port 80 on
# every address), fcgiwrap.socket, and fail2ban, whose sshd jail fails
# on a system without sshd's log.  Packages that were installed before
# are the operator's and left alone.
quiet_services() {
	for p in "$@"; do
		case $p in
		nginx-common)
			rm -f /etc/nginx/sites-enabled/default
			units="nginx.service" ;;
		fcgiwrap)
			units="fcgiwrap.socket fcgiwrap.service" ;;
		fail2ban)
			units="fail2ban.service" ;;
		crowdsec)
			# its local API would take 127.0.0.1:8080, the demo's
			units="crowdsec.service" ;;
		esac
		echo "quickstart: $p was installed now: disabling $units"
		if [ -d /run/systemd/system ]; then
			# shellcheck disable=SC2086
			systemctl disable --now $units
		else
			# no systemd running: stop what the init script started
			for u in $units; do
				u=${u%.service}
				[ -x "/etc/init.d/$u" ] || continue
				invoke-rc.d "$u" stop || true
				update-rc.d "$u" disable
			done
		fi
	done
}

# Out-of-tree builds, so the sanitizer and fuzzing builds can sit beside.
build() {
	autoreconf -fi
	mkdir -p build
	(cd build && ../configure --prefix=/usr --sysconfdir=/etc \
	    --localstatedir=/var >/dev/null && make -j"$(nproc)")
}

# The integration tests the sanitizer build's daemon runs: requests of
# every kind, restarts and reloads, the queue, streaming, the audit path.
SAN_TESTS="tests/integration/t_core.sh tests/integration/t_validate.sh
tests/integration/t_holes.sh tests/integration/t_process.sh
tests/integration/t_queue.sh tests/integration/t_auditpath.sh
tests/integration/t_stream.sh"

run_tests() {
	status=0
	# one test at a time: scripts of different tests may share a user,
	# and a profile's process limit is counted per user
	(cd build && make -j"$(nproc)" && make check) || status=1
	summary build/test-suite.log
	# The same unit tests under AddressSanitizer and UBSan.
	rm -rf build-san && mkdir build-san
	(cd build-san && ../configure --enable-sanitizers >/dev/null &&
	    make -j"$(nproc)" check TESTS='$(UNIT_TESTS)') || status=1
	summary build-san/test-suite.log
	# ... and the daemon itself, threaded and long-lived, through the
	# core integration tests (each also checks that no process of
	# safecgi ended on a sanitizer report).
	(cd build-san && SAFECGI_SANITIZED=1 make check TESTS="$SAN_TESTS") ||
	    status=1
	summary build-san/test-suite.log
	# The fuzzers of the parsers that read request data (validation) and
	# script output and request paths (cgi), for a bounded time each:
	# one more test each.
	rm -rf build-fuzz && mkdir build-fuzz
	if (cd build-fuzz && CC=clang ../configure --enable-fuzzing \
	    >/dev/null && make fuzz/fuzz_validate fuzz/fuzz_cgi >/dev/null); then
		fuzz validate fuzz/corpus
		fuzz cgi fuzz/corpus-cgi
	else
		echo "FAIL: the fuzzers did not build"
		count fail 2
	fi
	[ $status -eq 0 ] || tail -n 60 build/test-suite.log build-san/test-suite.log 2>/dev/null
	pass=$(cat "$TOP"/.pass 2>/dev/null || echo 0)
	fail=$(cat "$TOP"/.fail 2>/dev/null || echo 0)
	rm -f "$TOP"/.pass "$TOP"/.fail
	[ $status -eq 0 ] || [ "$fail" -gt 0 ] || fail=$((fail + 1))
	echo "$pass passed, $fail failed"
	return $status
}

# fuzz NAME SEEDS: run fuzz/fuzz_NAME from a copy of its seed corpus.
fuzz() {
	mkdir -p "build-fuzz/corpus-$1"
	cp "$2"/* "build-fuzz/corpus-$1/"
	if "build-fuzz/fuzz/fuzz_$1" -max_total_time="${FUZZ_SECONDS:-60}" \
	    -timeout=10 -rss_limit_mb=2048 "build-fuzz/corpus-$1" \
	    2>"build-fuzz/fuzz-$1.log"; then
		echo "PASS: fuzz_$1, ${FUZZ_SECONDS:-60}s:" \
		    "$(grep -o 'Done [0-9]* runs' "build-fuzz/fuzz-$1.log")"
		count pass 1
	else
		tail -n 30 "build-fuzz/fuzz-$1.log"
		echo "FAIL: fuzz_$1"
		count fail 1
	fi
}

# Running totals across the three builds.
count() {
	echo $(( $(cat ".$1" 2>/dev/null || echo 0) + $2 )) > ".$1"
}

# Add a test-suite.log's counts to the running totals.
summary() {
	p=$(sed -n 's/^# PASS: *//p' "$1" 2>/dev/null | head -1)
	f=$(sed -n 's/^# FAIL: *//p' "$1" 2>/dev/null | head -1)
	e=$(sed -n 's/^# ERROR: *//p' "$1" 2>/dev/null | head -1)
	count pass "${p:-0}"
	count fail $(( ${f:-0} + ${e:-0} ))
}

demo() {
	sh contrib/demo.sh start
}

case "${1:-}" in
demo)	deps; build; demo ;;
test)	deps; build; run_tests ;;
deps)	deps ;;
*)	echo "usage: sh contrib/quickstart.sh demo|test|deps" >&2; exit 2 ;;
esac
