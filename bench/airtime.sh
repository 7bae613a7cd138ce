#!/bin/sh
# bench/airtime: 30 airings of a 2-second programme, 3 seconds apart,
# through the real sound path (PortAudio -> ALSA -> PulseAudio null sink).
# Prints p50, p99 and max lateness (first sample leaving vs the slot
# instant), the daemon's peak RSS, and its wake-ups over 60 idle seconds.
#   AIRINGS=30 IDLE_SECONDS=60 sh bench/airtime.sh
set -u
TOP=$(cd "$(dirname "$0")/.." && pwd)
. "$TOP/tests/system/lib.sh"
N=${AIRINGS:-30}
IDLE=${IDLE_SECONDS:-60}
pa_start || exit 1
sox -n -r 48000 -c 1 "$S/beep.wav" synth 2 sine 660 vol 0.3 2>/dev/null
cat >"$S/loaxa.conf" <<CONF
state_dir = "$S/state";
control_socket = "$S/control.sock";
lead_seconds = 5;
audio = { output = "portaudio"; };
programs = { beep = { items = ( { clip = "beep"; } ); }; };
slots = ( { name = "b"; when = "*:*:0/3"; program = "beep"; catch_up_minutes = 0; } );
CONF
export LOAXA_CONFIG="$S/loaxa.conf"
loaxa clip import "$S/beep.wav" --name beep --kind jingle >/dev/null
/usr/bin/time -f '%M' -o "$S/rss" "$TOP/loaxad" --config "$S/loaxa.conf" >"$S/daemon.log" 2>&1 &
TPID=$!
sleep 1
DAEMON_PID=$(pgrep -n -f "loaxad --config $S/loaxa.conf")
db="$S/state/loaxa.db"
# the first airing opens the device (PulseAudio takes ~0.8 s to start a
# stream) and may fall in the daemon's first second: it warms up, uncounted
while [ "$(sqlite3 "$db" "SELECT count(*) FROM airings WHERE status = 'completed'")" -lt $((N + 1)) ]; do
	sleep 1
done
sqlite3 "$db" "SELECT lateness_ms FROM airings WHERE status = 'completed' ORDER BY id LIMIT $N OFFSET 1" |
	sort -n >"$S/late"
p50=$(sed -n "$(( (N + 1) / 2 ))p" "$S/late")
p99=$(sed -n "$(( (N * 99 + 99) / 100 ))p" "$S/late")
max=$(tail -1 "$S/late")
min=$(head -1 "$S/late")
echo "bench/airtime: $N airings of 2 s, 3 s apart, through PulseAudio"
echo "  lateness: p50 $p50 ms, p99 $p99 ms, max $max ms, min $min ms (goal: p50 <= 2, p99 <= 5)"
# idle: a configuration whose only slot is far away
sed -i 's|when = "\*:\*:0/3"|when = "2099-01-01 00:00"|' "$S/loaxa.conf"
kill -HUP "$DAEMON_PID"
# the airings planned before the reload (up to lead_seconds ahead) still air
sleep 12
strace -f -c -e trace=poll,ppoll,epoll_wait,read,timerfd_settime,clock_nanosleep,futex \
	-p "$DAEMON_PID" -o "$S/strace" &
SPID=$!
sleep "$IDLE"
kill -INT "$SPID"
wait "$SPID" 2>/dev/null
polls=$(awk '$NF == "poll" {print $4}' "$S/strace")
echo "  idle ${IDLE} s: ${polls:-0} poll wake-ups (the watchdog is off outside systemd; goal: none but it)"
kill "$DAEMON_PID"
wait "$TPID" 2>/dev/null
echo "  daemon peak RSS: $(($(cat "$S/rss") / 1024)) MiB"
DAEMON_PID=
