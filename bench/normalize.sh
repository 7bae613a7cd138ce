#!/bin/sh
# bench/normalize: the normalizer's and the lint's speed.
#  - throughput of `loaxa normalize` on the three plans 400 times over (goal
#    >= 5 MB/s), and of the lint (`loaxa bulletin check --file`) on one copy;
#  - linear time on pasted garbage: one line of a unit repeated ("1.", "a,",
#    dashes, a single enormous word, ...), 250 kB against 1 MB: the larger must
#    take about four times the CPU time of the smaller (goal <= 8x; quadratic
#    work would be 16x; 0.0x: too fast to time).  Best of RUNS, CPU time (user + system), so a busy
#    machine does not move the ratio.  These used to be wall-clock asserts in
#    tests/unit/test_normalize.c and test_lint.c (tests hold no timings now;
#    test_normalize counts the rules' looks at tokens instead).
set -eu
cd "$(dirname "$0")/.."
make -s loaxa
RUNS=${RUNS:-3}
B=$(mktemp -d /tmp/loaxa-bench-norm.XXXXXX)
trap 'rm -rf "$B"' EXIT
export LOAXA_STATE_DIR="$B/state" LOAXA_CONFIG="$B/loaxa.conf"
: >"$LOAXA_CONFIG"

# best CPU seconds (user + system) of RUNS runs of the command, output dropped
cpu() {
	b=
	for _ in $(seq "$RUNS"); do
		/usr/bin/time -f '%U %S' -o "$B/t" "$@" >/dev/null 2>&1 || true
		# (the last line: time puts "Command exited with non-zero status" before it)
		b=$(tail -n 1 "$B/t" | awk -v b="$b" '{ t = $1 + $2; if (b == "" || t < b) b = t; printf "%.3f", b }')
	done
	echo "$b"
}

for _ in $(seq 400); do cat tests/data/plans/*.txt; done >"$B/big.txt"
bytes=$(wc -c <"$B/big.txt")
t=$(cpu sh -c './loaxa normalize <"$1"' - "$B/big.txt")
echo "bench/normalize: best of $RUNS, CPU time"
echo "  normalize: $bytes bytes in $t s = $(awk -v n="$bytes" -v t="$t" 'BEGIN { printf "%.1f", n / t / 1e6 }') MB/s (goal >= 5)"
cat tests/data/plans/*.txt >"$B/plans.txt"
for _ in $(seq 7); do cat "$B/plans.txt"; done >"$B/lint.txt"
lbytes=$(wc -c <"$B/lint.txt")
t=$(cpu ./loaxa bulletin check --file "$B/lint.txt")
echo "  lint:      $lbytes bytes in $t s = $(awk -v n="$lbytes" -v t="$t" 'BEGIN { printf "%.1f", n / t / 1e6 }') MB/s"

# one line of unit repeated to n bytes
line() {
	awk -v u="$1" -v n="$2" 'BEGIN { s = u; while (length(s) * 2 <= n) s = s s; while (length(s) + length(u) <= n) s = s u; print s }'
}

worst=0
echo "  linear time, 250 kB against 1 MB of one unit (goal <= 8x):"
for u in "1." "a," "1-" "1/" "(1)" "–" "Ủ" "17h30" "a." "1," "@a." "IV " "ngày 1/" "0912." "1.000." "5/3-"; do
	line "$u" 250000 >"$B/q.txt"
	line "$u" 1000000 >"$B/w.txt"
	qn=$(cpu sh -c './loaxa normalize <"$1"' - "$B/q.txt")
	wn=$(cpu sh -c './loaxa normalize <"$1"' - "$B/w.txt")
	ql=$(cpu ./loaxa bulletin check --file "$B/q.txt")
	wl=$(cpu ./loaxa bulletin check --file "$B/w.txt")
	# (a quarter that takes under 0.05 s is too short to time against 0.01 s ticks: no ratio)
	rn=$(awk -v a="$wn" -v b="$qn" 'BEGIN { printf "%.1f", (b >= 0.05 ? a / b : 0) }')
	rl=$(awk -v a="$wl" -v b="$ql" 'BEGIN { printf "%.1f", (b >= 0.05 ? a / b : 0) }')
	printf '    %-8s normalize %6.3f s -> %6.3f s = %4sx   lint %6.3f s -> %6.3f s = %4sx\n' \
		"\"$u\"" "$qn" "$wn" "$rn" "$ql" "$wl" "$rl"
	worst=$(awk -v w="$worst" -v a="$rn" -v b="$rl" 'BEGIN { m = (a > b ? a : b); print (m > w ? m : w) }')
done
echo "  worst ratio: ${worst}x (goal <= 8)"
