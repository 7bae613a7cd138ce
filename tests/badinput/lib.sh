# The bad-input corpus's helpers (sourced by run.sh).  A private state dir
# and config, `loaxa`/`loaxad` that run the built binaries under a time
# limit, the store snapshot of tests/cli/lib.sh, and one function per kind
# of case.  What each kind checks:
#   refuse, refuse_not, conf, conf_not, reload: the exit code (never a
#      signal or crash code, never a hang), the sentence on stderr with
#      the key words of the right message, and the store (`sqlite3 .dump`
#      of loaxa.db and the clips/ listing) unchanged;
#   finds: the exit code, the finding on stdout, the store unchanged;
#   copes (odd input that is fine): exit 0, the output, nothing on stderr,
#      the store unchanged;
#   accepts_warning (text kept, with a warning): exit 0, the warning, and
#      the store grew by exactly that one bulletin, its text whole;
#   sock (control-socket requests): the daemon's reply sentence, the daemon
#      still up and answering, the store unchanged (the daemon has no exit
#      code to check: it must not exit);
#   hup: the sentence in the daemon's log, the daemon up on its old
#      configuration, the store unchanged.
# A case passes when all its checks pass; FAIL lines go to stderr.

set -u
TOP=${TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
W=$(mktemp -d /tmp/loaxa-badinput.XXXXXX)
export LOAXA_STATE_DIR="$W/state"
export LOAXA_CONFIG="$W/loaxa.conf"
export LOAXA_LOCALEDIR="$TOP/po"
export LC_ALL=C.UTF-8 LANG=C.UTF-8 LANGUAGE=
export TZ=Asia/Ho_Chi_Minh
# every loaxa command of a case is killed after this many seconds
CASE_TIMEOUT=${CASE_TIMEOUT:-10}
DAEMON_PID=

cleanup() {
	[ -n "$DAEMON_PID" ] && kill -9 "$DAEMON_PID" 2>/dev/null
	wait 2>/dev/null
	rm -rf "$W"
}
trap cleanup EXIT

# the configuration every case starts from: built-in defaults, but the control
# socket inside $W so nothing here can reach a real daemon
printf 'control_socket = "%s/control.sock";\n' "$W" >"$LOAXA_CONFIG"

loaxa() {
	timeout -k 2 "$CASE_TIMEOUT" ${TEST_WRAP:-} "$TOP/loaxa" "$@"
}

loaxad() {
	timeout -k 2 "$CASE_TIMEOUT" "$TOP/loaxad" "$@"
}

# with_stdin FILE CMD...: CMD reads FILE on standard input
with_stdin() {
	_f=$1
	shift
	"$@" <"$_f"
}

# with_config FILE CMD...: CMD runs with LOAXA_CONFIG=FILE
with_config() {
	(
		export LOAXA_CONFIG="$1"
		shift
		"$@"
	)
}

# ---- counting ----

GROUP=
G_PASS=0
G_FAIL=0
PASS=0
FAIL=0
CASE=
CASE_BAD=0

group() {
	GROUP=$1
	G_PASS=0
	G_FAIL=0
}

group_end() {
	echo "$GROUP: $G_PASS passed, $G_FAIL failed"
}

case_start() {
	CASE=$1
	CASE_BAD=0
	snapshot
}

bad() {
	CASE_BAD=1
	echo "FAIL $GROUP/$CASE: $*" >&2
}

case_end() {
	# BADINPUT_VERBOSE=1: every case with the first line of what it said
	[ -n "${BADINPUT_VERBOSE:-}" ] &&
		echo "  $([ "$CASE_BAD" = 0 ] && echo ok || echo FAIL) $GROUP/$CASE [$RC]: $(printf '%s' "${ERR:-$OUT}" | head -1 | cut -c1-160)" >&2
	if [ "$CASE_BAD" = 0 ]; then
		PASS=$((PASS + 1))
		G_PASS=$((G_PASS + 1))
	else
		FAIL=$((FAIL + 1))
		G_FAIL=$((G_FAIL + 1))
	fi
}

# ---- the store ----

bulletins() {
	sqlite3 "$LOAXA_STATE_DIR/loaxa.db" 'SELECT count(*) FROM bulletins' 2>/dev/null
}

snapshot() {
	sqlite3 "$LOAXA_STATE_DIR/loaxa.db" .dump >"$W/snap" 2>/dev/null
	ls -A "$LOAXA_STATE_DIR/clips" >"$W/snapclips" 2>/dev/null
	SNAP_BULLETINS=$(bulletins)
}

store_unchanged() {
	sqlite3 "$LOAXA_STATE_DIR/loaxa.db" .dump >"$W/snap2" 2>/dev/null
	ls -A "$LOAXA_STATE_DIR/clips" >"$W/snapclips2" 2>/dev/null
	cmp -s "$W/snap" "$W/snap2" || bad "the database changed: $(diff "$W/snap" "$W/snap2" | grep -a '^>' | head -2 | cut -c1-200)"
	cmp -s "$W/snapclips" "$W/snapclips2" || bad "the clips directory changed: $(diff "$W/snapclips" "$W/snapclips2" | grep -a '^[<>]' | head -2)"
}

# one bulletin more, and no clip file more
store_one_more_bulletin() {
	n=$(bulletins)
	[ "$n" = $((SNAP_BULLETINS + 1)) ] || bad "the store holds $n bulletins, wanted $((SNAP_BULLETINS + 1))"
	ls -A "$LOAXA_STATE_DIR/clips" >"$W/snapclips2" 2>/dev/null
	cmp -s "$W/snapclips" "$W/snapclips2" || bad "the clips directory changed"
}

# ---- running one command ----

# execute CMD...: $RC, $OUT and $ERR of it
execute() {
	"$@" >"$W/out" 2>"$W/err"
	RC=$?
	OUT=$(head -c 200000 "$W/out" | tr -d '\000')
	ERR=$(head -c 4000 "$W/err" | tr -d '\000')
}

# check_rc WANT: the exit code; a hang or a crash is said as such
check_rc() {
	if [ "$RC" = 124 ] || [ "$RC" = 137 ]; then
		bad "no answer within ${CASE_TIMEOUT}s (killed; wanted exit $1)"
	elif [ "$RC" -ge 128 ]; then
		bad "crashed with signal $((RC - 128)) (exit $RC; wanted $1); stderr: $(printf '%s' "$ERR" | head -3)"
	elif [ "$RC" != "$1" ]; then
		bad "exit $RC (wanted $1); stderr: $(printf '%s' "$ERR" | head -3)"
	fi
}

# check_err PATTERN: stderr holds a line matching the grep -E pattern
check_err() {
	if [ -z "$ERR" ] && [ -n "$1" ]; then
		bad "stderr is empty, wanted /$1/"
	elif ! printf '%s\n' "$ERR" | grep -Eq -- "$1"; then
		bad "stderr lacks /$1/: $(printf '%s' "$ERR" | head -3 | cut -c1-300)"
	fi
}

# check_err_not PATTERN: no line of stderr matches
check_err_not() {
	[ -n "$1" ] || return 0
	if printf '%s\n' "$ERR" | grep -Eq -- "$1"; then
		bad "stderr has /$1/: $(printf '%s' "$ERR" | grep -E -- "$1" | head -2 | cut -c1-300)"
	fi
}

# ---- the kinds of case ----

# refuse NAME RC ERR-PATTERN CMD...: refused with exit RC, the sentence, store unchanged
refuse() {
	case_start "$1"
	want=$2
	pat=$3
	shift 3
	execute "$@"
	check_rc "$want"
	check_err "$pat"
	store_unchanged
	case_end
}

# finds NAME RC OUT-PATTERN CMD...: a check that reports its findings on
# stdout (bulletin check): the exit code, the finding, store unchanged
finds() {
	case_start "$1"
	want=$2
	pat=$3
	shift 3
	execute "$@"
	check_rc "$want"
	printf '%s\n' "$OUT" | grep -Eq -- "$pat" || bad "stdout lacks /$pat/: $(printf '%s' "$OUT" | head -3 | cut -c1-300)"
	store_unchanged
	case_end
}

# refuse_not NAME RC ERR-PATTERN NOT-PATTERN CMD...: as refuse, and stderr lacks NOT-PATTERN
refuse_not() {
	case_start "$1"
	want=$2
	pat=$3
	notpat=$4
	shift 4
	execute "$@"
	check_rc "$want"
	check_err "$pat"
	check_err_not "$notpat"
	store_unchanged
	case_end
}

# copes NAME OUT-PATTERN CMD...: odd but acceptable input: exit 0, stdout
# matches, nothing on stderr, store unchanged
copes() {
	case_start "$1"
	pat=$2
	shift 2
	execute "$@"
	check_rc 0
	printf '%s\n' "$OUT" | grep -Eq -- "$pat" || bad "stdout lacks /$pat/: $(printf '%s' "$OUT" | head -c 200)"
	[ -z "$ERR" ] || bad "stderr is not empty: $(printf '%s' "$ERR" | head -2 | cut -c1-200)"
	store_unchanged
	case_end
}

# accepts_warning NAME ERR-PATTERN CMD... --file FILE: text the product
# keeps but must warn about, within the time limit: exit 0, the warning, one
# bulletin more (its id on stdout) whose text is FILE's, whole (NFC)
accepts_warning() {
	case_start "$1"
	pat=$2
	shift 2
	eval "_file=\${$#}"
	execute "$@"
	check_rc 0
	check_err "$pat"
	store_one_more_bulletin
	sqlite3 "$LOAXA_STATE_DIR/loaxa.db" "SELECT text FROM bulletin_versions WHERE bulletin_id = '$OUT' ORDER BY version DESC LIMIT 1" >"$W/kept" 2>&1
	python3 -c '
import sys, unicodedata
kept = open(sys.argv[1], encoding="utf-8").read()
want = unicodedata.normalize("NFC", open(sys.argv[2], encoding="utf-8").read())
sys.exit(0 if kept.rstrip("\n") == want.rstrip("\n") else 1)' "$W/kept" "$_file" ||
		bad "bulletin '$OUT' does not hold the text of $_file whole ($(wc -c <"$W/kept") bytes kept, $(wc -c <"$_file") given)"
	case_end
}

# conf NAME RC ERR-PATTERN 'CONTENT' [CMD...]: CONTENT (printf %b escapes)
# as a configuration file; `loaxa config check --config FILE` and, if given,
# CMD run with LOAXA_CONFIG=FILE must both exit RC with the sentence.
# The control socket is pointed into $W unless the content sets it.
conf() {
	_n=$1 _rc=$2 _pat=$3
	shift 3
	conf_not "$_n" "$_rc" "$_pat" "" "$@"
}

# conf_not NAME RC ERR-PATTERN NOT-PATTERN 'CONTENT' [CMD...]: as conf, and
# no line of stderr matches NOT-PATTERN
conf_not() {
	case_start "$1"
	want=$2
	pat=$3
	notpat=$4
	f="$W/conf/$1.conf"
	mkdir -p "$W/conf"
	printf '%b' "$5" >"$f"
	case $5 in
	*control_socket*) ;;
	*) printf '\ncontrol_socket = "%s/conf.sock";\n' "$W" >>"$f" ;;
	esac
	shift 5
	execute loaxa config check --config "$f"
	check_rc "$want"
	check_err "$pat"
	check_err_not "$notpat"
	if [ $# -gt 0 ]; then
		execute with_config "$f" "$@"
		check_rc "$want"
		check_err "$pat"
		check_err_not "$notpat"
	fi
	store_unchanged
	case_end
}

# ---- the daemon, for the socket cases ----

DCONF="$W/daemon.conf"

daemon_conf() { # the daemon's good configuration, then $1 appended
	cat >"$DCONF" <<CONF
control_socket = "$W/control.sock";
lead_seconds = 5;
audio = { output = "null"; };
tts = { engine = "fake"; };
slots = ( { name = "s"; when = "2099-01-01 03:00"; program = "mac-dinh"; } );
CONF
	printf '%b' "${1:-}" >>"$DCONF"
}

daemon_start() {
	daemon_conf
	"$TOP/loaxad" --config "$DCONF" >>"$W/daemon.log" 2>&1 &
	DAEMON_PID=$!
	for _ in $(seq 50); do
		"$TOP/loaxa" status >/dev/null 2>&1 && return 0
		sleep 0.1
	done
	echo "the daemon did not start:" >&2
	cat "$W/daemon.log" >&2
	return 1
}

daemon_stop() {
	[ -n "$DAEMON_PID" ] && kill "$DAEMON_PID" 2>/dev/null && wait "$DAEMON_PID" 2>/dev/null
	DAEMON_PID=
}

# after a case: the daemon still runs and answers a valid request; if it
# died, say so and start a new one so the next cases test something
daemon_alive() {
	if ! kill -0 "$DAEMON_PID" 2>/dev/null; then
		wait "$DAEMON_PID" 2>/dev/null
		bad "the daemon died (exit $?); its log: $(tail -2 "$W/daemon.log" | tr '\n' ' ')"
		daemon_conf
		daemon_start || exit 1
		return
	fi
	if ! "$TOP/loaxa" status >/dev/null 2>"$W/serr"; then
		bad "a valid status request failed after it: $(cat "$W/serr")"
	fi
}

# sock NAME MODE 'PAYLOAD' REPLY-PATTERN: PAYLOAD (a Python bytes
# expression) to the control socket (see sock.py for MODE); the reply must
# match, the daemon must stay up and the store unchanged
sock() {
	case_start "$1"
	execute python3 "$TOP/tests/badinput/sock.py" "$W/control.sock" "$2" "$3"
	if [ "$RC" != 0 ]; then
		bad "the socket client: exit $RC: $ERR"
	elif ! printf '%s\n' "$OUT" | grep -Eq -- "$4"; then
		bad "the reply $(printf '%s' "$OUT" | head -c 300) lacks /$4/"
	fi
	daemon_alive
	store_unchanged
	case_end
}

# reload NAME ERR-PATTERN 'CONTENT': the daemon's file gets CONTENT appended
# (printf %b), `loaxa reload` must be refused with exit 1 and the sentence;
# the daemon stays up on its old configuration; store unchanged
reload() {
	case_start "$1"
	daemon_conf "$3"
	execute loaxa reload
	check_rc 1
	check_err "$2"
	daemon_conf
	daemon_alive
	store_unchanged
	case_end
}

# hup NAME LOG-PATTERN 'CONTENT': the same through SIGHUP: the daemon logs
# the sentence (waited for; 10 s is a hang ceiling), stays up, and keeps its
# old configuration (its one slot "s"); a signal has no exit code to check
hup() {
	case_start "$1"
	daemon_conf "$3"
	before=$(wc -l <"$W/daemon.log")
	kill -HUP "$DAEMON_PID"
	RC=sighup
	for _ in $(seq 100); do
		ERR=$(tail -n +$((before + 1)) "$W/daemon.log")
		printf '%s\n' "$ERR" | grep -Eq -- "$2" && break
		sleep 0.1
	done
	check_err "$2"
	daemon_conf
	daemon_alive
	"$TOP/loaxa" status --format json 2>/dev/null | grep -q '"slot": "s"' ||
		bad "after the refused reload the daemon's next slot is not the old one's: $("$TOP/loaxa" status 2>&1 | head -3)"
	store_unchanged
	case_end
}
