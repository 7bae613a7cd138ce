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
#   ice_start [KEY=VALUE...]; ice_feed MOUNT; ice_stop   an icecast2 on 127.0.0.1
#   finish          prints "N passed, N failed"

set -u
TOP=${TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
S=$(mktemp -d /tmp/loaxa-sys.XXXXXX)
PASS=0
FAIL=0
PA_PID=
REC_PID=
DAEMON_PID=
ICE_PID=
SRC_PID=

cleanup() {
	[ -n "$DAEMON_PID" ] && kill -9 "$DAEMON_PID" 2>/dev/null
	[ -n "$SRC_PID" ] && kill "$SRC_PID" 2>/dev/null
	[ -n "$ICE_PID" ] && kill "$ICE_PID" 2>/dev/null
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

# A free port: the kernel picks one for a socket bound to port 0.
free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# ice_start [sources=N] [clients=N] [burst=BYTES] [queue=BYTES] [timeout=S]: a real
# icecast2 on 127.0.0.1 with its own configuration in $S/ice (logs in
# $S/ice/log), on a free port; sets ICE_PORT, ICE (its directory) and
# ICE_PID; the source password is "nguon", the admin's admin/quantri.
# $ICE_MOUNTS, when set, is put in as it is (<mount> elements).
# Returns 1, with its logs on stderr, when it does not answer in 10 s.
ice_start() {
	_src=2 _cli=10 _burst=16384 _queue=524288 _tmo=3
	for _kv in "$@"; do
		case $_kv in
		sources=*) _src=${_kv#*=} ;;
		clients=*) _cli=${_kv#*=} ;;
		burst=*) _burst=${_kv#*=} ;;
		queue=*) _queue=${_kv#*=} ;;
		timeout=*) _tmo=${_kv#*=} ;;
		*) echo "ice_start: unknown setting $_kv" >&2; return 1 ;;
		esac
	done
	command -v icecast2 >/dev/null || { echo "icecast2 is not installed (sh scripts/deps)" >&2; return 1; }
	ICE_PORT=$(free_port)
	ICE="$S/ice"
	mkdir -p "$ICE/log"
	# icecast2 refuses to run as root: then it drops to nobody, who must write its logs
	_owner=
	if [ "$(id -u)" = 0 ]; then
		_owner="<changeowner><user>nobody</user><group>nogroup</group></changeowner>"
		chmod 711 "$S"
		chmod 777 "$ICE" "$ICE/log"
	fi
	cat >"$ICE/icecast.xml" <<XML
<icecast>
  <limits><clients>$_cli</clients><sources>$_src</sources><burst-size>$_burst</burst-size>
    <queue-size>$_queue</queue-size><source-timeout>$_tmo</source-timeout></limits>
  <authentication><source-password>nguon</source-password>
    <admin-user>admin</admin-user><admin-password>quantri</admin-password></authentication>
  <hostname>127.0.0.1</hostname>
  <listen-socket><port>$ICE_PORT</port><bind-address>127.0.0.1</bind-address></listen-socket>
  <fileserve>0</fileserve>
  <paths><basedir>$ICE</basedir><logdir>$ICE/log</logdir>
    <webroot>/usr/share/icecast2/web</webroot><adminroot>/usr/share/icecast2/admin</adminroot></paths>
  <logging><accesslog>access.log</accesslog><errorlog>error.log</errorlog><loglevel>3</loglevel></logging>
  <security><chroot>0</chroot>$_owner</security>
  ${ICE_MOUNTS:-}
</icecast>
XML
	icecast2 -c "$ICE/icecast.xml" >"$ICE/out" 2>&1 &
	ICE_PID=$!
	for _ in $(seq 100); do
		curl -s -o /dev/null "http://127.0.0.1:$ICE_PORT/status-json.xsl" && return 0
		sleep 0.1
	done
	echo "icecast2 did not start:" >&2
	cat "$ICE/out" "$ICE/log/error.log" >&2
	return 1
}

ice_stop() {
	[ -n "$ICE_PID" ] && kill "$ICE_PID" 2>/dev/null && wait "$ICE_PID" 2>/dev/null
	ICE_PID=
}

# The encoders ice_feed takes: "RATE ffmpeg-options" (Opus encodes at 48 kHz).
ICE_MP3="44100 -c:a libmp3lame -b:a 128k -content_type audio/mpeg -f mp3"
ICE_VORBIS="44100 -c:a libvorbis -content_type application/ogg -f ogg"
ICE_OPUS="48000 -c:a libopus -b:a 96k -content_type audio/ogg -f ogg"

# ice_feed MOUNT [ENCODER]: ffmpeg sends a 1 kHz tone (stereo, about -30
# LUFS; MP3 by default) to the icecast2 of ice_start, in real time, until
# ice_unfeed; returns when a listener receives it (10 s ceiling).  Sets
# SRC_PID (what ice_unfeed stops) and FED_PID (the same, kept by a caller
# that feeds a second mount).
ice_feed() {
	_mount=$1
	set -- ${2:-$ICE_MP3}
	_rate=$1
	shift
	ffmpeg -hide_banner -loglevel error -nostdin -re -f lavfi -i "sine=frequency=1000:sample_rate=$_rate" \
		-af volume=0.28 -ac 2 "$@" "icecast://source:nguon@127.0.0.1:$ICE_PORT/$_mount" >>"$S/ffmpeg.log" 2>&1 &
	SRC_PID=$!
	FED_PID=$SRC_PID
	for _ in $(seq 50); do
		[ "$(curl -s -m 1 "http://127.0.0.1:$ICE_PORT/$_mount" 2>/dev/null | head -c 4096 | wc -c)" -ge 4096 ] && return 0
		sleep 0.2
	done
	echo "the source of /$_mount did not come up:" >&2
	cat "$S/ffmpeg.log" >&2
	return 1
}

ice_unfeed() {
	[ -n "$SRC_PID" ] && kill "$SRC_PID" 2>/dev/null && wait "$SRC_PID" 2>/dev/null
	SRC_PID=
}

# sql DB QUERY: one value
sql() {
	sqlite3 "$1" "$2"
}

finish() {
	echo "$(basename "$0"): $PASS passed, $FAIL failed"
	[ "$FAIL" = 0 ]
}
