# Shared by the CLI tests: a private state dir and config, a `loaxa` that
# runs the built binary (under $TEST_WRAP, e.g. valgrind), and small asserts.
# Each test file ends with `finish`, which prints "N passed, N failed".

set -u
TOP=$(cd "$(dirname "$0")/../.." && pwd)
T=$(mktemp -d /tmp/loaxa-cli.XXXXXX)
trap 'rm -rf "$T"' EXIT
export LOAXA_STATE_DIR="$T/state"
export LOAXA_CONFIG="$T/loaxa.conf"
export LOAXA_LOCALEDIR="$TOP/po"
export LOAXA_DATADIR="$TOP/data"
export LC_ALL=C.UTF-8 LANG=C.UTF-8 LANGUAGE=
: >"$LOAXA_CONFIG"
PASS=0
FAIL=0

loaxa() {
	${TEST_WRAP:-} "$TOP/loaxa" "$@"
}

ok() {
	PASS=$((PASS + 1))
}

bad() {
	FAIL=$((FAIL + 1))
	echo "FAIL: $*" >&2
}

# run EXPECTED_RC CMD... : runs, keeps stdout in $OUT and stderr in $ERR
run() {
	want=$1
	shift
	"$@" >"$T/out" 2>"$T/err"
	RC=$?
	OUT=$(cat "$T/out")
	ERR=$(cat "$T/err")
	if [ "$RC" != "$want" ]; then
		bad "exit $RC (wanted $want): $*; stderr: $ERR"
		return 1
	fi
	ok
	return 0
}

# expect_err PATTERN: the last command's stderr matches the grep -E pattern
expect_err() {
	if printf '%s' "$ERR" | grep -Eq -- "$1"; then ok; else bad "stderr '$ERR' lacks /$1/"; fi
}

expect_out() {
	if printf '%s' "$OUT" | grep -Eq -- "$1"; then ok; else bad "stdout '$OUT' lacks /$1/"; fi
}

# db_snapshot / db_unchanged: the store is byte-for-byte the same in content
db_snapshot() {
	sqlite3 "$LOAXA_STATE_DIR/loaxa.db" .dump >"$T/snap" 2>/dev/null
	ls -A "$LOAXA_STATE_DIR/clips" 2>/dev/null >"$T/snapclips"
}

db_unchanged() {
	sqlite3 "$LOAXA_STATE_DIR/loaxa.db" .dump >"$T/snap2" 2>/dev/null
	ls -A "$LOAXA_STATE_DIR/clips" 2>/dev/null >"$T/snapclips2"
	if cmp -s "$T/snap" "$T/snap2" && cmp -s "$T/snapclips" "$T/snapclips2"; then
		ok
	else
		bad "store changed after: $1"
	fi
}

finish() {
	echo "$(basename "$0"): $PASS passed, $FAIL failed"
	[ "$FAIL" = 0 ]
}
