# The real sound path for system tests: a private PulseAudio with a null sink
# "loa", ALSA's pulse plugin as the default device (so PortAudio's default
# goes there), and parec recording the sink's monitor.  The sink is mono
# 32-bit float at 48 kHz, what loaxa sends, so the samples reach it unchanged
# (the soak compares them bit for bit with the airing log's audio hashes).  Everything lives in
# a temporary directory and stops on exit.
#
#   . tests/system/lib.sh
#   pa_start; rec_start out.wav; ...; rec_stop; wav_matches ref.wav out.wav
#   start_daemon CONF; stop_daemon
#   finish          prints "N passed, N failed"

set -u
TOP=${TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
S=$(mktemp -d /tmp/loaxa-sys.XXXXXX)
PASS=0
FAIL=0
PA_PID=
REC_PID=
DAEMON_PID=

cleanup() {
	[ -n "$DAEMON_PID" ] && kill -9 "$DAEMON_PID" 2>/dev/null
	[ -n "$REC_PID" ] && kill "$REC_PID" 2>/dev/null
	[ -n "$PA_PID" ] && kill "$PA_PID" 2>/dev/null
	wait 2>/dev/null
	# LOAXA_TEST_KEEP=1 keeps a failed test's directory (logs, databases) to look at
	if [ -n "${LOAXA_TEST_KEEP:-}" ] && [ "$FAIL" != 0 ]; then
		echo "kept $S" >&2
	else
		rm -rf "$S"
	fi
}
trap cleanup EXIT

ok() { PASS=$((PASS + 1)); }
bad() { FAIL=$((FAIL + 1)); echo "FAIL: $*" >&2; }
check() { # check DESCRIPTION COMMAND...
	d=$1
	shift
	if "$@"; then ok; else bad "$d"; fi
}

loaxa() { "$TOP/loaxa" "$@"; }

pa_start() {
	export HOME="$S/home" XDG_RUNTIME_DIR="$S/run" PULSE_RUNTIME_PATH="$S/run/pulse"
	mkdir -p "$HOME" "$XDG_RUNTIME_DIR"
	chmod 700 "$XDG_RUNTIME_DIR"
	printf 'pcm.!default { type pulse }\nctl.!default { type pulse }\n' >"$HOME/.asoundrc"
	pulseaudio -n --daemonize=no --exit-idle-time=-1 --disallow-exit --log-target=file:"$S/pulse.log" \
		--load="module-null-sink sink_name=loa rate=48000 channels=1 format=float32le" \
		--load="module-native-protocol-unix" >/dev/null 2>&1 &
	PA_PID=$!
	for _ in $(seq 50); do
		pactl info >/dev/null 2>&1 && break
		sleep 0.1
	done
	pactl set-default-sink loa || { echo "cannot start PulseAudio (see $S/pulse.log)" >&2; return 1; }
}

pa_stop() {
	[ -n "$PA_PID" ] && kill "$PA_PID" 2>/dev/null && wait "$PA_PID" 2>/dev/null
	PA_PID=
}

# rec_start FILE: records until the sound server lists the recording (10 s ceiling)
rec_start() {
	_n=$(pactl list short source-outputs 2>/dev/null | wc -l)
	parec -d loa.monitor --format=s16le --rate=48000 --channels=1 --file-format=wav "$1" &
	REC_PID=$!
	for _ in $(seq 100); do
		[ "$(pactl list short source-outputs 2>/dev/null | wc -l)" -gt "$_n" ] && return 0
		sleep 0.1
	done
	echo "parec is not recording (the sound server does not list it)" >&2
	return 1
}

rec_stop() {
	sleep 0.3
	kill "$REC_PID" 2>/dev/null
	wait "$REC_PID" 2>/dev/null
	REC_PID=
}

wav_matches() {
	"$TOP/tests/system/wavcmp" "$1" "$2"
}

start_daemon() {
	"$TOP/loaxad" --config "$1" >>"$S/daemon.log" 2>&1 &
	DAEMON_PID=$!
	for _ in $(seq 50); do
		loaxa --config "$1" status >/dev/null 2>&1 && return 0
		sleep 0.1
	done
	echo "the daemon did not start:" >&2
	cat "$S/daemon.log" >&2
	return 1
}

stop_daemon() {
	[ -n "$DAEMON_PID" ] && kill "$DAEMON_PID" 2>/dev/null && wait "$DAEMON_PID" 2>/dev/null
	DAEMON_PID=
}

kill9_daemon() {
	[ -n "$DAEMON_PID" ] && kill -9 "$DAEMON_PID" 2>/dev/null && wait "$DAEMON_PID" 2>/dev/null
	DAEMON_PID=
}

# wait_playing: until the daemon reports a programme on air (15 s at most)
wait_playing() {
	for _ in $(seq 150); do
		loaxa status --format json 2>/dev/null | grep -q '"position_s": [0-9]*\.[0-9]*[1-9]' && return 0
		sleep 0.1
	done
	return 1
}

# log_whole DB: after a clean stop the airing log is whole: the database is
# intact, no slot instant has two rows, and no row is left 'started'.
# Sets $dups.
log_whole() {
	check "integrity_check ok" sh -c "[ \"\$(sqlite3 '$1' 'PRAGMA integrity_check')\" = ok ]"
	dups=$(sql "$1" "SELECT count(*) FROM (SELECT slot, scheduled_at FROM airings WHERE slot IS NOT NULL GROUP BY 1, 2 HAVING count(*) > 1)")
	[ "$dups" = 0 ] && ok || bad "$dups slot instants have more than one row"
	left=$(sql "$1" "SELECT count(*) FROM airings WHERE status = 'started'")
	[ "$left" = 0 ] && ok || bad "$left rows left 'started' after a clean stop"
}

# broke_off DB WHERE: the airing row WHERE picks says its sound broke off
# (the device ran dry while it played: a machine too busy to feed it).  A
# recording that is not what was sent is a failure unless the daemon saw
# that and said so in the row; then the test prints it.
broke_off() {
	r=$(sqlite3 "$1" "SELECT reason FROM airings WHERE $2" 2>/dev/null)
	case $r in
	*"the sound broke off"*) echo "not compared: the row says: $r" >&2 ;;
	*) return 1 ;;
	esac
}

# tally DB: "completed 3, missed 2, ..."
tally() {
	sql "$1" "SELECT group_concat(status || ' ' || n, ', ') FROM (SELECT status, count(*) n FROM airings GROUP BY status)"
}

# sql DB QUERY: one value
sql() {
	sqlite3 "$1" "$2"
}

finish() {
	echo "$(basename "$0"): $PASS passed, $FAIL failed"
	[ "$FAIL" = 0 ]
}
