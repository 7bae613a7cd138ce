#!/bin/sh
# The bad-input corpus: every case of tests/badinput/cases/*.cases, one line
# each, in groups (cli, config, text, audio, socket, web).  Each case checks the
# exit code (no crash, no hang), the sentence on stderr and that the store is
# unchanged; see lib.sh for the kinds of case.
#
#   sh tests/badinput/run.sh [GROUP...]      e.g. `run.sh config socket`
#
# Prints "GROUP: N passed, M failed" per group, FAIL lines on stderr, and
# finally "badinput: N passed, M failed"; exits 1 when any case fails.
# TEST_WRAP="valgrind -q --error-exitcode=99" runs loaxa under a wrapper
# (raise CASE_TIMEOUT, 10 s a command, with it); BADINPUT_VERBOSE=1 prints
# every case with the first line it said.
cd "$(dirname "$0")/../.." || exit 1
TOP=$(pwd)
. tests/badinput/lib.sh

for b in loaxa loaxad loaxa-web; do
	[ -x "$TOP/$b" ] || {
		echo "badinput: $TOP/$b is not built (run make)" >&2
		exit 1
	}
done
for t in sqlite3 python3 timeout; do
	command -v $t >/dev/null || {
		echo "badinput: needs $t" >&2
		exit 1
	}
done

start=$(date +%s)
python3 tests/badinput/gen.py "$W/in" || exit 1

# the store the cases must leave alone: two bulletins (the second retired)
# and one clip
{
	"$TOP/loaxa" bulletin add --topic tthc --title "Nộp hồ sơ trực tuyến" \
		--text "Người dân có thể nộp hồ sơ trên Cổng dịch vụ công." &&
		"$TOP/loaxa" bulletin add --topic khac --title "Cũ" --text "Tin cũ." &&
		"$TOP/loaxa" bulletin retire 2 &&
		"$TOP/loaxa" clip import "$W/in/good.wav" --name nhac-hieu --kind jingle
} >/dev/null || {
	echo "badinput: cannot set up the store" >&2
	exit 1
}

groups=${*:-cli config text audio socket web}
for g in $groups; do
	f=$(ls tests/badinput/cases/*-"$g".cases 2>/dev/null | head -1)
	[ -n "$f" ] || {
		echo "badinput: no group $g" >&2
		exit 1
	}
	group "$g"
	if [ "$g" = socket ]; then
		daemon_start || exit 1
		. "./$f"
		daemon_stop
	elif [ "$g" = web ]; then
		. tests/badinput/web.sh
		web_start || exit 1
		. "./$f"
		web_stop
	else
		. "./$f"
	fi
	group_end
done

echo "badinput: $PASS passed, $FAIL failed ($(($(date +%s) - start)) s)" >&2
echo "badinput: $PASS passed, $FAIL failed"
[ "$FAIL" = 0 ]
