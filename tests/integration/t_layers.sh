#!/bin/sh
# Fail closed when a jail layer is missing: safecgi under a seccomp
# filter that refuses Landlock, as a container runtime's default filter
# does (tests/cgi/deny_calls), refuses to start and blames the filter,
# not the kernel; --allow-missing landlock is the operator's way to say
# the layer may be off, and then every record says it is.
. "${top_srcdir:-.}/tests/integration/lib.sh"

DENY="$top_builddir/tests/cgi/deny_calls"
[ -x "$DENY" ] || { echo "Bail out! $DENY is not built"; exit 1; }

install_test_scripts
write_test_profile
cat > "$T/filtered" <<EOF
#!/bin/sh
exec "$DENY" \${DENY_ARGS:-} "$top_builddir/src/safecgi" "\$@"
EOF
chmod 755 "$T/filtered"

# run_filtered OUT ARGS...: safecgi under the filter, in the foreground,
# bounded in time (one that starts anyway would serve until killed).
run_filtered() {
	out=$1
	shift
	timeout 10 "$T/filtered" "$@" >"$out" 2>&1
}

run_filtered "$T/refused" -s "unix:$SOCK" --error-log "$ERRLOG" \
    --audit-log "$AUDIT" --profile-dir "$T/profiles"
rc=$?
if [ "$rc" = 69 ] && [ ! -S "$SOCK" ]; then
	ok "without Landlock (a seccomp filter refuses it) safecgi refuses to start"
else
	not_ok "without Landlock (a seccomp filter refuses it) safecgi refuses to start" \
	    "exit $rc (124: still serving after 10 s)" "$(cat "$T/refused")"
fi
rm -f "$SOCK"

if grep -q 'refusing to start without Landlock: a seccomp filter on safecgi' \
    "$T/refused" && ! grep -q -i 'kernel does not offer\|kernel lacks' \
    "$T/refused"; then
	ok "the refusal names the seccomp filter, not the kernel"
else
	not_ok "the refusal names the seccomp filter, not the kernel" \
	    "$(cat "$T/refused")"
fi
check "the refusal says how to run without Landlock anyway" \
    grep -q -- '--allow-missing landlock' "$T/refused"

run_filtered "$T/check" --check --profile-dir "$T/profiles"
rc=$?
if [ "$rc" = 69 ] && grep -q 'refusing to start without Landlock: a seccomp filter' \
    "$T/check" && grep -q '^landlock: off, missing: a seccomp filter' \
    "$T/check"; then
	ok "--check under the filter says the same and fails"
else
	not_ok "--check under the filter says the same and fails" \
	    "exit $rc" "$(cat "$T/check")"
fi

# With securityfs in view (in a mount namespace of our own) the kernel's
# LSM list shows Landlock: even ENOSYS is then the filter's doing.
unshare -m --propagation private sh -c '
	mount -t securityfs securityfs /sys/kernel/security || exit 3
	DENY_ARGS="-e ENOSYS" exec timeout 10 "$1" --check --profile-dir "$2"
' sh "$T/filtered" "$T/profiles" >"$T/lsm" 2>&1
rc=$?
if [ "$rc" = 69 ] && grep -q 'the kernel offers Landlock (listed in /sys/kernel/security/lsm), but a seccomp filter on safecgi' \
    "$T/lsm"; then
	ok "with the LSM list in view, even ENOSYS from the filter is blamed on the filter"
else
	not_ok "with the LSM list in view, even ENOSYS from the filter is blamed on the filter" \
	    "exit $rc (3: securityfs cannot be mounted)" "$(cat "$T/lsm")"
fi

DENY_ARGS="-c landlock_restrict_self" run_filtered "$T/restrict" --check \
    --profile-dir "$T/profiles"
rc=$?
if [ "$rc" = 69 ] && grep -q 'refuses it (landlock_restrict_self: ' "$T/restrict"
then
	ok "a filter that refuses only landlock_restrict_self stops safecgi at start"
else
	not_ok "a filter that refuses only landlock_restrict_self stops safecgi at start" \
	    "exit $rc" "$(cat "$T/restrict")"
fi

# Namespaces are not optional: a filter that refuses them (Docker's
# default does without CAP_SYS_ADMIN) stops safecgi at start, instead of
# leaving it restarting workers that die building their jail.
DENY_ARGS="-c namespaces" run_filtered "$T/nons" -s "unix:$SOCK" \
    --error-log "$T/nons.log" --audit-log "$T/nons.jsonl" \
    --profile-dir "$T/profiles"
rc=$?
if [ "$rc" = 69 ] && [ ! -S "$SOCK" ] &&
    grep -q "refusing to start: cannot create a worker's namespaces" \
    "$T/nons" && grep -q 'seccomp filter on safecgi' "$T/nons"; then
	ok "a filter that refuses new namespaces stops safecgi at start, and is named"
else
	not_ok "a filter that refuses new namespaces stops safecgi at start, and is named" \
	    "exit $rc (124: still running after 10 s)" "$(tail -5 "$T/nons")"
fi
rm -f "$SOCK"

run_filtered "$T/accepted" --check --allow-missing landlock \
    --profile-dir "$T/profiles"
rc=$?
if [ "$rc" = 0 ] && grep -q '^landlock: off, accepted by --allow-missing landlock' \
    "$T/accepted"; then
	ok "--check --allow-missing landlock reports landlock off, accepted"
else
	not_ok "--check --allow-missing landlock reports landlock off, accepted" \
	    "exit $rc" "$(cat "$T/accepted")"
fi

"$SAFECGI" --check --require-landlock --profile-dir "$T/profiles" \
    >"$T/compat" 2>&1
check "--require-landlock is still accepted" [ $? = 0 ]

"$SAFECGI" --check --allow-missing seccomp --profile-dir "$T/profiles" \
    >"$T/unknown" 2>&1
rc=$?
if [ "$rc" != 0 ] && grep -q 'allow-missing takes' "$T/unknown"; then
	ok "--allow-missing refuses a layer it cannot do without"
else
	not_ok "--allow-missing refuses a layer it cannot do without" \
	    "exit $rc" "$(cat "$T/unknown")"
fi

start_nginx
SAFECGI="$T/filtered"
start_safecgi --allow-missing landlock
s=$(http_status "$BASE/cgi-bin/fast.sh")
check "--allow-missing landlock starts safecgi under the filter, and it serves" \
    [ "$s" = 200 ]
check "the startup event says landlock is missing" \
    audit_has startup missing landlock
if grep '"event":"startup"' "$AUDIT" | grep -q '"layers":"[^"]*landlock'
then
	not_ok "the startup event's layers leave landlock out" \
	    "$(grep '"event":"startup"' "$AUDIT")"
else
	ok "the startup event's layers leave landlock out"
fi
check "the error log says landlock is off, accepted, and why" \
    grep -q 'jail landlock: off, accepted by --allow-missing landlock .*: a seccomp filter' \
    "$ERRLOG"

done_testing
