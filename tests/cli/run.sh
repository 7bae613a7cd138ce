#!/bin/sh
# Runs every tests/cli/test_*.sh and sums their "N passed, N failed" lines.
cd "$(dirname "$0")/../.." || exit 1
pass=0
fail=0
status=0
for t in tests/cli/test_*.sh; do
	out=$(sh "$t" 2>&1)
	rc=$?
	printf '%s\n' "$out" | grep -E '^FAIL|passed, ' >&2
	p=$(printf '%s\n' "$out" | sed -n 's/.* \([0-9]*\) passed, \([0-9]*\) failed$/\1/p' | tail -1)
	f=$(printf '%s\n' "$out" | sed -n 's/.* \([0-9]*\) passed, \([0-9]*\) failed$/\2/p' | tail -1)
	pass=$((pass + ${p:-0}))
	fail=$((fail + ${f:-0}))
	if [ "$rc" != 0 ]; then
		status=1
		[ "${f:-0}" = 0 ] && fail=$((fail + 1))
	fi
done
echo "$pass passed, $fail failed"
exit $status
