#!/bin/sh
# safecgi quick start, for a fresh Debian 12 machine, as root.
#
#   sh contrib/quickstart.sh demo   install, build, start nginx on
#                                   127.0.0.1:8080 in front of safecgi
#   sh contrib/quickstart.sh test   install, build, run every test
#
set -eu

cd "$(dirname "$0")/.."
TOP=$(pwd)

# Everything safecgi builds, tests and demonstrates with, from Debian 12.
BUILD_DEPS="build-essential autoconf automake libtool pkg-config
	libfcgi-dev libseccomp-dev libcap-ng-dev libinih-dev check"
TEST_DEPS="nginx-light fcgiwrap curl wrk git cgit gitweb libcgi-pm-perl
	python3 clang libclang-rt-14-dev procps iproute2 fail2ban"

deps() {
	if [ "$(id -u)" -ne 0 ]; then
		echo "quickstart: run as root (it installs packages)" >&2
		exit 1
	fi
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -q
	# shellcheck disable=SC2086
	apt-get install -y -q --no-install-recommends $BUILD_DEPS $TEST_DEPS
}

build() {
	autoreconf -fi
	./configure --prefix=/usr --sysconfdir=/etc --localstatedir=/var
	make -j"$(nproc)"
}

run_tests() {
	status=0
	make -j"$(nproc)" check || status=1
	summary test-suite.log
	# The same unit tests under AddressSanitizer and UBSan.
	rm -rf build-san && mkdir build-san
	(cd build-san && ../configure --enable-sanitizers >/dev/null &&
	    make -j"$(nproc)" check TESTS='$(UNIT_TESTS)') || status=1
	summary build-san/test-suite.log
	# The validation fuzzer, for a bounded time.
	rm -rf build-fuzz && mkdir build-fuzz
	(cd build-fuzz && CC=clang ../configure --enable-fuzzing >/dev/null &&
	    make fuzz/fuzz_validate >/dev/null &&
	    mkdir -p corpus && cp ../fuzz/corpus/* corpus/ 2>/dev/null;
	    ./fuzz/fuzz_validate -max_total_time="${FUZZ_SECONDS:-60}" \
	        -timeout=10 -rss_limit_mb=2048 corpus 2>fuzz.log &&
	    echo "fuzz: $(grep -c . corpus/* 2>/dev/null | wc -l) corpus files, no crash" ||
	    { tail -30 fuzz.log; false; }) || status=1
	pass=$(cat "$TOP"/.pass 2>/dev/null || echo 0)
	fail=$(cat "$TOP"/.fail 2>/dev/null || echo 0)
	rm -f "$TOP"/.pass "$TOP"/.fail
	[ $status -eq 0 ] || [ "$fail" -gt 0 ] || fail=$((fail + 1))
	echo "$pass passed, $fail failed"
	return $status
}

# Add a test-suite.log's counts to the running totals.
summary() {
	p=$(sed -n 's/^# PASS: *//p' "$1" 2>/dev/null | head -1)
	f=$(sed -n 's/^# FAIL: *//p' "$1" 2>/dev/null | head -1)
	e=$(sed -n 's/^# ERROR: *//p' "$1" 2>/dev/null | head -1)
	echo $(( $(cat .pass 2>/dev/null || echo 0) + ${p:-0} )) > .pass
	echo $(( $(cat .fail 2>/dev/null || echo 0) + ${f:-0} + ${e:-0} )) > .fail
}

demo() {
	sh contrib/demo.sh start
}

case "${1:-}" in
demo)	deps; build; demo ;;
test)	deps; build; run_tests ;;
*)	echo "usage: sh contrib/quickstart.sh demo|test" >&2; exit 2 ;;
esac
