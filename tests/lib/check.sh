# shellcheck shell=bash
# tests/lib/check.sh — assertions for shell tests; `finish` prints the plain
# closing line "N passed, N failed" and sets the exit code.

CG_PASSED=0
CG_FAILED=0

pass() { CG_PASSED=$((CG_PASSED + 1)); echo "ok - $1"; }
fail() { CG_FAILED=$((CG_FAILED + 1)); echo "not ok - $1"; }

check_eq() { if [ "$2" = "$3" ]; then pass "$1"; else fail "$1 (expected '$2', got '$3')"; fi; }
check_ne() { if [ "$2" != "$3" ]; then pass "$1"; else fail "$1 (expected not '$2')"; fi; }
check_ge() { if [ "${3:-0}" -ge "$2" ] 2>/dev/null; then pass "$1"; else fail "$1 (expected >= $2, got '$3')"; fi; }
check_le() { if [ "${3:-0}" -le "$2" ] 2>/dev/null; then pass "$1"; else fail "$1 (expected <= $2, got '$3')"; fi; }
check_grep() { if grep -q -- "$2" "$3"; then pass "$1"; else fail "$1 ('$2' not in $(head -c 300 "$3"))"; fi; }

# json_get FILE EXPR: evaluate a Python expression over the JSON in FILE (as d).
# Helpers: policy(d, name), dev(d, mac), total(policy) = pass+drop packets.
json_get() {
	python3 - "$1" "$2" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
def policy(d, name):
    return next(p for p in d["policies"] if p["name"] == name)
def dev(d, mac):
    devs = (d.get("devices") or d.get("cameras") or []) if isinstance(d, dict) else d
    return next(x for x in devs if x["mac"].lower() == mac.lower())
def total(p):
    return p["pass"]["packets"] + p["drop"]["packets"]
try:
    v = eval(sys.argv[2])
except Exception as e:
    v = "error: %r" % e
print(v)
PY
}

finish() {
	echo "$CG_PASSED passed, $CG_FAILED failed"
	[ "$CG_FAILED" -eq 0 ]
}
