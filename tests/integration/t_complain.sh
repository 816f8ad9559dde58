#!/bin/sh
# Complain mode: the script runs as if unconfined by its profile's rules,
# and everything enforce mode would refuse is recorded.
. "${top_srcdir:-.}/tests/integration/lib.sh"

install_test_scripts
write_test_profile
cp "$CGIBIN/nettry.sh" "$CGIBIN/learn.sh"
cat >> "$CGIBIN/learn.sh" <<'SH'
curl --version >/dev/null 2>&1 && echo "curl: executed"
echo data > /tmp/scratch && echo "tmp: written"
echo data > "$(dirname "$0")/state.txt" 2>/dev/null || echo "own dir: read-only"
SH
cat > "$T/profiles/learn.conf" <<PROFILE
[profile]
match = $CGIBIN/learn.sh
mode = complain
PROFILE
start_nginx
start_safecgi

s=$(http_status "$BASE/cgi-bin/learn.sh")
check "complain mode lets the script run what enforce would refuse (curl)" \
    grep -q "curl: executed" "$T/body"
check "complain mode records the exec enforce mode would refuse" \
    sh -c "grep '\"event\":\"exec_denied\"' '$AUDIT' | grep '\"path\":\"/usr/bin/curl\"' | grep -q '\"mode\":\"complain\"'"
check "complain mode records the denied system call and lets it through" \
    sh -c "grep '\"event\":\"syscall_blocked\"' '$AUDIT' | grep '\"profile\":\"learn\"' | grep -q '\"action\":\"complain\"'"
check "complain mode records a write outside the writable paths" \
    sh -c "grep '\"event\":\"write_denied\"' '$AUDIT' | grep -q 'state.txt'"
check "complain mode does not record writes to /tmp" \
    sh -c "! grep '\"event\":\"write_denied\"' '$AUDIT' | grep -q '/tmp/scratch'"
check "the namespaces still hold in complain mode (own directory read-only)" \
    grep -q "own dir: read-only" "$T/body"
check "--check scores a complain profile as exposed" \
    sh -c "'$SAFECGI' --profile-dir '$T/profiles' --check | grep -q 'profile learn  exposure [89]'"

done_testing
