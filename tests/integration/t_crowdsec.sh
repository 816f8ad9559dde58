#!/bin/sh
# contrib/crowdsec: the parser, the scenario and the acquisition are valid
# YAML and fit together; the parser's declared field mapping, applied to
# the audit log of a real run (contrib/fail2ban/sample/), gives
# sample/expected-parse.json; and where Debian's crowdsec is installed,
# the real engine (crowdsec -dsn, what cscli explain runs) parses both
# the JSON and the syslog sample to exactly that, is not fooled by a
# forged client, and raises one alert: safecgi/safecgi-bf for 203.0.113.7.
# Then live, with the real nginx and safecgi: 20 page loads of a benign
# script with a profile gap and of a complain-mode script raise no alert,
# and the README's attack, 3 times from one client, raises one.
#
# python3 with PyYAML is required (a failure without it).  The engine
# checks fail when crowdsec is not installed (contrib/quickstart.sh
# installs it offline: see contrib/crowdsec/README.md).  The engine
# runs offline: its local API on a free 127.0.0.1 port, no central API.

set -u
: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
CS="$top_srcdir/contrib/crowdsec"
. "$top_srcdir/tests/integration/tap.sh"

# report < lines "PASS text" / "FAIL text" / "# detail": TAP lines
report() {
	last=
	detail=
	while IFS= read -r rline; do
		case $rline in
		PASS\ *|FAIL\ *)
			flush_report
			last=$rline
			detail=
			;;
		*)	detail="${detail}${rline}
" ;;
		esac
	done
	flush_report
}

flush_report() {
	case $last in
	PASS\ *) ok "${last#PASS }" ;;
	FAIL\ *) not_ok "${last#FAIL }" "$(printf '%s' "$detail" | sed 's/^# //')" ;;
	esac
	last=
}

W=$(mktemp -d /tmp/t_crowdsec.XXXXXX)
cleanup() {
	rm -rf "$W"
}
trap cleanup EXIT

if ! python3 -c 'import yaml' 2>/dev/null; then
	not_ok "python3 with PyYAML is installed (TEST_DEPS in contrib/quickstart.sh: python3-yaml)"
	done_testing
	exit
fi

# Lines that try to choose the client: the real client is empty, not an
# address, or correct, and a fake one sits in uri or excerpt (escaped, as
# safecgi writes it).  None may yield 198.51.100.9.
cat > "$W/forged.jsonl" <<'EOF'
{"time":"2026-11-24T19:37:33.000+00:00","event":"suspicious_input","evidence":"attack","request_id":"1234-9","client":"","method":"GET","uri":"/cgi-bin/x?\",\"client\":\"198.51.100.9\",\"","script":"/usr/lib/cgi-bin/x.cgi","profile":"default","worker_pid":1234,"variable":"QUERY_STRING","signature":"cmd-subst","excerpt":"\",\"client\":\"198.51.100.9"}
{"time":"2026-11-24T19:37:33.100+00:00","event":"request_refused","evidence":"attack","request_id":"1234-10","client":"unix:","method":"GET","uri":"/cgi-bin/x","script":"/usr/lib/cgi-bin/x.cgi","profile":"default","worker_pid":1234,"variable":"HTTP_X","rule":"shellshock","excerpt":"\",\"client\":\"198.51.100.9\""}
{"time":"2026-11-24T19:37:33.200+00:00","event":"syscall_blocked","evidence":"attack","request_id":"1234-11","client":"192.0.2.5","method":"GET","uri":"/cgi-bin/x?\",\"client\":\"198.51.100.9","script":"/usr/lib/cgi-bin/x.cgi","profile":"default","worker_pid":1234,"script_pid":9,"syscall":"socket","nr":"41","args":"AF_INET,SOCK_DGRAM","action":"errno"}
EOF
# what the parser must make of them: event, log_type, source_ip
cat > "$W/forged-expected.json" <<'EOF'
[
  {"line": 1, "event": "suspicious_input", "log_type": "safecgi_attack", "source_ip": null},
  {"line": 2, "event": "request_refused", "log_type": "safecgi_attack", "source_ip": null},
  {"line": 3, "event": "syscall_blocked", "log_type": "safecgi_attack", "source_ip": "192.0.2.5"}
]
EOF

# ------------------------------------- static checks, no crowdsec needed

rc=0
python3 - "$CS" "$W" > "$W/static.out" 2>&1 <<'EOF' || rc=$?
import json, os, re, sys, yaml

cs, w = sys.argv[1], sys.argv[2]
def result(ok, text, *detail):
    print(("PASS " if ok else "FAIL ") + text)
    for d in detail:
        for l in str(d).splitlines():
            print("# " + l)

def load(path):
    try:
        with open(os.path.join(cs, path)) as f:
            return list(yaml.safe_load_all(f)), None
    except Exception as e:
        return None, e

docs = {}
for path in ("parsers/s01-parse/safecgi-logs.yaml", "scenarios/safecgi-bf.yaml",
             "acquis.d/safecgi.yaml"):
    d, err = load(path)
    result(err is None and d and all(isinstance(x, dict) for x in d),
           "%s is valid YAML" % path, err or "")
    docs[path] = d or [{}]
parser = docs["parsers/s01-parse/safecgi-logs.yaml"][0]
scen = docs["scenarios/safecgi-bf.yaml"][0]
acq = docs["acquis.d/safecgi.yaml"]

try:
    expected = json.load(open(os.path.join(cs, "sample/expected-parse.json")))
    sample = open(os.path.join(cs, "sample/audit.jsonl")).read().splitlines()
    err = None
except Exception as e:
    expected, sample, err = [], [], e
result(err is None and len(expected) == len(sample) > 0,
       "sample/expected-parse.json: one entry per line of sample/audit.jsonl (%d)"
       % len(sample), err or "")

# -- the parser's shape
result(parser.get("filter") == "evt.Parsed.program == 'safecgi'"
       and parser.get("onsuccess") == "next_stage"
       and parser.get("name") == "safecgi/safecgi-logs",
       "parser: filter on program safecgi, onsuccess next_stage, named",
       {k: parser.get(k) for k in ("filter", "onsuccess", "name")})
types = [d.get("labels", {}).get("type") for d in acq]
result(types and types[0] == "safecgi" and
       any("/var/log/safecgi/audit.log" in d.get("filenames", []) for d in acq),
       "acquisition: /var/log/safecgi/audit.log with type safecgi", types)

# -- the declared mapping, read from the parser itself
json_node = next((n for n in parser.get("nodes", [])
                  if "startsWith '{'" in n.get("filter", "")), {})
fields = {}
for st in json_node.get("statics", []):
    m = re.fullmatch(r'JsonExtractUnescape\(evt\.Parsed\.message, "(\w+)"\)',
                     st.get("expression", ""))
    if m and "parsed" in st:
        fields[st["parsed"]] = m.group(1)
result(fields.get("event") == "event" and fields.get("client") == "client"
       and fields.get("evidence") == "evidence",
       "parser: the JSON node reads event, evidence and client with a JSON parser",
       fields)
meta = {st["meta"]: st for st in parser.get("statics", []) if "meta" in st}
lt = re.fullmatch(r"evt\.Parsed\.evidence == 'attack' \? '(\w+)' : '(\w+)'",
                  meta.get("log_type", {}).get("expression", ""))
ip = re.fullmatch(r"evt\.Parsed\.client matches '([^']*)' \? evt\.Parsed\.client : ''",
                  meta.get("source_ip", {}).get("expression", ""))
result(lt is not None and ip is not None,
       "parser: log_type and source_ip are set from evidence and client",
       meta.get("log_type"), meta.get("source_ip"))
result(lt is not None and lt.group(1) == "safecgi_attack",
       "parser: evidence attack, the field the fail2ban filter counts, is log_type safecgi_attack",
       meta.get("log_type"))

def emulate(line):
    """The parser's mapping, as declared, on one JSON line."""
    o = json.loads(line)
    parsed = {k: str(o.get(v, "")) for k, v in fields.items()}
    ev = parsed.get("event", "")
    client = parsed.get("client", "")
    attack = parsed.get("evidence", "") == "attack"
    return {"event": ev or None,
            "log_type": (lt.group(1) if attack else lt.group(2)) if lt else None,
            "source_ip": client if ip and client and re.search(ip.group(1), client) else None}

def compare(lines, want, what):
    bad = []
    for i, l in enumerate(lines):
        got = dict(emulate(l), line=i + 1)
        if i >= len(want) or got != want[i]:
            bad.append("line %d: got %s, want %s" % (i + 1, got,
                       want[i] if i < len(want) else None))
    result(not bad, what, *bad)

compare(sample, expected,
        "the declared mapping on the sample gives expected-parse.json")
compare(open(os.path.join(w, "forged.jsonl")).read().splitlines(),
        json.load(open(os.path.join(w, "forged-expected.json"))),
        "a client forged in uri or excerpt is never the source_ip")

# -- the scenario against what the parser sets
refs = set()
for key in ("filter", "groupby", "distinct"):
    refs |= set(re.findall(r"evt\.Meta\.(\w+)", str(scen.get(key, ""))))
result(refs and refs <= set(meta),
       "scenario: filter, groupby and distinct use only metas the parser sets",
       "used: %s" % sorted(refs), "set: %s" % sorted(meta))
vals = re.findall(r"evt\.Meta\.log_type == '(\w+)'", scen.get("filter", ""))
result(vals == [lt.group(1) if lt else None],
       "scenario: filters on the parser's attack log_type", vals)
result(scen.get("type") == "leaky" and scen.get("groupby") == "evt.Meta.source_ip"
       and isinstance(scen.get("capacity"), int) and scen.get("leakspeed")
       and scen.get("blackhole") and scen.get("labels", {}).get("remediation") is True
       and scen.get("name") == "safecgi/safecgi-bf",
       "scenario: leaky bucket by source_ip, capacity, leakspeed, blackhole, remediation",
       {k: scen.get(k) for k in ("type", "groupby", "capacity", "leakspeed",
                                 "blackhole", "labels")})

# -- what the scenario should make of the sample: distinct requests per
# client within seconds (no leak), 127.0.0.1 whitelisted by Debian's
# crowdsecurity/whitelists; overflow above capacity.
reqs = {}
for l, e in zip(sample, expected):
    if e["log_type"] == "safecgi_attack" and e["source_ip"] and e["source_ip"] != "127.0.0.1":
        reqs.setdefault(e["source_ip"], set()).add(json.loads(l)["request_id"])
over = sorted(k for k, v in reqs.items() if len(v) > scen.get("capacity", 0))
result(over == ["203.0.113.7"],
       "scenario on the sample: only 203.0.113.7 overflows (%s)" %
       ", ".join("%s: %d requests" % (k, len(v)) for k, v in sorted(reqs.items())),
       over)
EOF
report < "$W/static.out"
[ "$rc" -eq 0 ] || not_ok "the static checks ran to the end" "$(tail -5 "$W/static.out")"

# ------------------------------------------------ the real engine

# crowdsec is in TEST_DEPS: without it, the engine checks prove nothing
if ! need_tools crowdsec cscli /usr/share/crowdsec/hub/parsers; then
	done_testing
	exit
fi

HUB=/usr/share/crowdsec/hub
PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
mkdir -p "$W/etc/parsers/s00-raw" "$W/etc/parsers/s01-parse" \
    "$W/etc/parsers/s02-enrich" "$W/etc/scenarios" "$W/etc/acquis.d" \
    "$W/data" "$W/log" "$W/dump-json" "$W/dump-syslog"
ln -s /etc/crowdsec/patterns "$W/etc/patterns"
cp /etc/crowdsec/profiles.yaml "$W/etc/"
ln -s "$HUB/parsers/s00-raw/crowdsecurity/syslog-logs.yaml" "$W/etc/parsers/s00-raw/"
ln -s "$HUB/parsers/s02-enrich/crowdsecurity/dateparse-enrich.yaml" "$W/etc/parsers/s02-enrich/"
ln -s "$HUB/parsers/s02-enrich/crowdsecurity/whitelists.yaml" "$W/etc/parsers/s02-enrich/"
cp "$CS/parsers/s01-parse/safecgi-logs.yaml" "$W/etc/parsers/s01-parse/"
cp "$CS/scenarios/safecgi-bf.yaml" "$W/etc/scenarios/"
sed "s|/var/log/safecgi/audit.log|$W/audit.jsonl|" "$CS/acquis.d/safecgi.yaml" \
    > "$W/etc/acquis.d/safecgi.yaml"
: > "$W/etc/acquis.yaml"
echo 'simulation: off' > "$W/etc/simulation.yaml"
cat > "$W/etc/config.yaml" <<EOF
common:
  daemonize: false
  log_media: stdout
  log_level: warning
  log_dir: $W/log
  working_dir: $W
config_paths:
  config_dir: $W/etc/
  data_dir: $W/data/
  simulation_path: $W/etc/simulation.yaml
  hub_dir: $HUB/
  index_path: $HUB/.index.json
crowdsec_service:
  acquisition_path: $W/etc/acquis.yaml
  acquisition_dir: $W/etc/acquis.d
  parser_routines: 1
cscli:
  output: human
db_config:
  type: sqlite
  db_path: $W/data/crowdsec.db
  use_wal: false
api:
  client:
    credentials_path: $W/etc/local_api_credentials.yaml
  server:
    listen_uri: 127.0.0.1:$PORT
    profiles_path: $W/etc/profiles.yaml
prometheus:
  enabled: false
EOF
# the sample, then the forged lines
cat "$CS/sample/audit.jsonl" "$W/forged.jsonl" > "$W/audit.jsonl"

if out=$(cscli -c "$W/etc/config.yaml" machines add t_crowdsec --auto \
    -f "$W/etc/local_api_credentials.yaml" 2>&1); then
	ok "cscli registers a machine on the test's local API"
else
	not_ok "cscli registers a machine on the test's local API" "$out"
fi
if out=$(crowdsec -c "$W/etc/config.yaml" -t 2>&1); then
	ok "crowdsec -t accepts the parser, the scenario and the acquisition"
else
	not_ok "crowdsec -t accepts the parser, the scenario and the acquisition" \
	    "$(printf '%s\n' "$out" | tail -5)"
fi

# run_dsn FILE TYPE DUMPDIR: one pass over FILE, as cscli explain does
run_dsn() {
	timeout 120 crowdsec -c "$W/etc/config.yaml" -dsn "file://$1" \
	    -type "$2" -no-capi -dump-data "$3" > "$3.out" 2>&1
}
run_dsn "$W/audit.jsonl" safecgi "$W/dump-json"
run_dsn "$CS/sample/syslog" syslog "$W/dump-syslog"

rc=0
python3 - "$CS" "$W" > "$W/engine.out" 2>&1 <<'EOF' || rc=$?
import datetime, json, os, sys, yaml

cs, w = sys.argv[1], sys.argv[2]
def result(ok, text, *detail):
    print(("PASS " if ok else "FAIL ") + text)
    for d in detail:
        for l in str(d).splitlines():
            print("# " + l)

expected = json.load(open(os.path.join(cs, "sample/expected-parse.json")))
forged = json.load(open(os.path.join(w, "forged-expected.json")))

def dumps(kind):
    d = os.path.join(w, "dump-" + kind)
    try:
        p = yaml.safe_load(open(os.path.join(d, "parser-dump.yaml")))
        b = yaml.safe_load(open(os.path.join(d, "bucket-dump.yaml"))) or []
        return p, b, None
    except Exception as e:
        return None, None, "%s\n%s" % (e, open(d + ".out").read()[-2000:])

def parsed(p):
    out = []
    for i, r in enumerate(p["s01-parse"]["safecgi/safecgi-logs"]):
        m = r["evt"].get("Meta") or {}
        out.append({"line": i + 1, "event": m.get("safecgi_event"),
                    "log_type": m.get("log_type"), "source_ip": m.get("source_ip"),
                    "success": r["success"]})
    return out

def alerts(b):
    return sorted((a.get("scenario"), a["source"]["value"])
                  for o in b for a in (o["Overflow"].get("APIAlerts") or []))

def check(kind, lines_expected, label):
    p, b, err = dumps(kind)
    result(err is None, "%s: crowdsec -dsn ran and dumped its pipeline" % label, err or "")
    if err:
        return None, None
    got = parsed(p)
    want = [dict(e, success=True) for e in lines_expected]
    diff = ["got  %s\nwant %s" % (g, e) for g, e in zip(got, want) if g != e]
    if len(got) != len(want):
        diff.append("%d lines parsed, %d expected" % (len(got), len(want)))
    result(not diff, "%s: the parser gives expected-parse.json" % label, *diff)
    return p, b

p, b = check("json", expected + [dict(e, line=e["line"] + len(expected)) for e in forged],
             "JSON sample and forged lines")
if p:
    wl = sorted({r["evt"]["Meta"].get("source_ip") for r in
                 p["s02-enrich"]["crowdsecurity/whitelists"]
                 if r["evt"].get("Whitelisted")})
    result(wl == ["127.0.0.1"], "Debian's whitelist drops 127.0.0.1, nothing else", wl)
    result(alerts(b) == [("safecgi/safecgi-bf", "203.0.113.7")],
           "JSON sample: one alert, safecgi/safecgi-bf for 203.0.113.7", alerts(b))
    # each event's time is its line's "time", in UTC
    bad = []
    for r in p["s02-enrich"]["crowdsecurity/dateparse-enrich"]:
        want = datetime.datetime.fromisoformat(json.loads(r["evt"]["Line"]["Raw"])["time"])
        got = r["evt"].get("MarshaledTime", "")
        try:
            ok = datetime.datetime.fromisoformat(got.replace("Z", "+00:00")) == want
        except ValueError:
            ok = False
        if not ok:
            bad.append("%s, want %s" % (got, want.isoformat()))
    result(not bad, "event times come from the \"time\" field", *bad)

p, b = check("syslog", expected, "syslog sample (type syslog)")
if p:
    result(alerts(b) == [("safecgi/safecgi-bf", "203.0.113.7")],
           "syslog sample: the same alert", alerts(b))
EOF
report < "$W/engine.out"
[ "$rc" -eq 0 ] || not_ok "the engine checks ran to the end" "$(tail -5 "$W/engine.out")"

# ------------------------------------------ live: real nginx and safecgi

# The real pair (tests/integration/lib.sh), the client 203.0.113.7 (Debian's
# whitelist drops 127.0.0.1).  lib.sh keeps its own counters and cleanup.
n=$TESTNO f=$FAILED
. "$top_srcdir/tests/integration/lib.sh"
TESTNO=$n FAILED=$f
. "$top_srcdir/tests/integration/banlive.sh"
trap 'rm -rf "$W"; cleanup' EXIT
banlive_start
got=$(benign_loads 20)
is() {
	if [ "$2" = "$3" ]; then ok "$1"; else not_ok "$1" "got:  $2" "want: $3"; fi
}
is "live: 20 page loads each of a benign script with a profile gap and of a complain-mode script answer 200" \
    "$got" 40
sleep 0.5
cp "$AUDIT" "$W/benign.jsonl"
attack_demo 3
sleep 0.5
cp "$AUDIT" "$W/attack.jsonl"
mkdir -p "$W/dump-benign" "$W/dump-attack"
run_dsn "$W/benign.jsonl" safecgi "$W/dump-benign"
run_dsn "$W/attack.jsonl" safecgi "$W/dump-attack"

rc=0
python3 - "$W" > "$W/live.out" 2>&1 <<'PY' || rc=$?
import json, os, sys, yaml

w = sys.argv[1]
def result(ok, text, *detail):
    print(("PASS " if ok else "FAIL ") + text)
    for d in detail:
        for l in str(d).splitlines():
            print("# " + l)

def dump(kind):
    d = os.path.join(w, "dump-" + kind)
    p = yaml.safe_load(open(os.path.join(d, "parser-dump.yaml")))
    b = yaml.safe_load(open(os.path.join(d, "bucket-dump.yaml"))) or []
    return p, b

def alerts(b):
    return sorted((a.get("scenario"), a["source"]["value"])
                  for o in b for a in (o["Overflow"].get("APIAlerts") or []))

p, b = dump("benign")
metas = [r["evt"].get("Meta") or {} for r in p["s01-parse"]["safecgi/safecgi-logs"]]
denied = [m for m in metas if m.get("safecgi_event") == "exec_denied"]
result(len(denied) >= 40 and all(m.get("log_type") == "safecgi_event" for m in denied),
       "live: the benign loads' exec_denied events (%d) parse as safecgi_event, not attacks"
       % len(denied), [m for m in denied if m.get("log_type") != "safecgi_event"][:3])
result(alerts(b) == [], "live: 40 benign page loads raise no alert (no decision)", alerts(b))
p, b = dump("attack")
result(alerts(b) == [("safecgi/safecgi-bf", "203.0.113.7")],
       "live: the README's attack, 3 times from one client, raises safecgi/safecgi-bf for it",
       alerts(b), open(os.path.join(w, "dump-attack.out")).read()[-1500:])
PY
report < "$W/live.out"
[ "$rc" -eq 0 ] || not_ok "the live checks ran to the end" "$(tail -5 "$W/live.out")"

echo "1..$TESTNO"
[ "$FAILED" -eq 0 ]
