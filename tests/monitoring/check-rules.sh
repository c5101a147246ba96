#!/usr/bin/env bash
# The shipped alert rules: `promtool check rules`, then `promtool test rules`
# with a test for every alert firing and not firing (camguard-alerts.test.yml;
# the alerts that wait days in camguard-alerts-days.test.yml).
set -uo pipefail
cd "$(dirname "$0")"
if ! command -v promtool >/dev/null 2>&1; then
	echo "SKIP: promtool not installed (Debian package prometheus; tools/deps installs it)"
	exit 77
fi
rc=0
promtool check rules ../../monitoring/camguard-alerts.yml || rc=1
promtool test rules camguard-alerts.test.yml camguard-alerts-days.test.yml || rc=1
# Every alert of the file has a test (and so a firing and a quiet case).
for a in $(sed -n 's/^ *- alert: *//p' ../../monitoring/camguard-alerts.yml); do
	if ! grep -q "alertname: $a\$" camguard-alerts.test.yml camguard-alerts-days.test.yml; then
		echo "FAIL: alert $a has no test in camguard-alerts*.test.yml"
		rc=1
	fi
done
exit $rc
