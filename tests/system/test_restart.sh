#!/bin/sh
# A restart storm, as `systemctl restart loaxad` ten times a second for ten
# seconds would make it: SIGTERM 0.1 s after each start (during start-up,
# rendering or playing), wait for the exit, start again.  "After each
# start" counts from when loaxad has blocked its signals, its first act in
# main(): a SIGTERM before that kills any program, which systemd counts as
# a clean stop, and on a busy machine the dynamic loader alone can take
# 0.1 s.  Every instance
# must stop cleanly (exit 0, READY=1 then STOPPING=1 to the service
# manager, no row left `started`), and no slot instant airs twice.  How
# long a stop takes is bench/faults.sh's figure (here 30 s is a hang ceiling).
. "$(dirname "$0")/lib.sh"
pa_start || exit 1
export TZ=Asia/Ho_Chi_Minh
RESTARTS=${RESTARTS:-100}
sox -n -r 48000 -c 1 "$S/beep.wav" synth 0.8 sine 660 vol 0.3 2>/dev/null
cat >"$S/loaxa.conf" <<CONF
state_dir = "$S/state";
control_socket = "$S/control.sock";
lead_seconds = 5;
audio = { output = "portaudio"; };
programs = { p = { items = ( { clip = "beep"; gap = 0.2; }, { tts = "Xin chào."; } ); }; };
slots = ( { name = "s"; when = "*:*:0/2"; program = "p"; catch_up_minutes = 0; } );
CONF
export LOAXA_CONFIG="$S/loaxa.conf"
loaxa clip import "$S/beep.wav" --name beep --kind jingle >/dev/null || exit 1
db="$S/state/loaxa.db"

# what the daemons tell the service manager (sd_notify), one line a message
python3 - "$S/notify" "$S/notify.log" <<'PY' &
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
with open(sys.argv[2], "w", buffering=1) as out:
    while True:
        out.write(s.recv(4096).decode().replace("\n", " ") + "\n")
PY
NOTIFY_PID=$!
for _ in $(seq 50); do [ -S "$S/notify" ] && break; sleep 0.1; done
export NOTIFY_SOCKET="$S/notify"

bad_exits=0
: >"$S/stops"
t0=$(date +%s.%N)
i=0
while [ $i -lt "$RESTARTS" ]; do
	"$TOP/loaxad" --config "$S/loaxa.conf" >>"$S/daemon.log" 2>&1 &
	pid=$!
	# until SigBlk has SIGTERM (bit 15): 10 s is a hang ceiling
	for _ in $(seq 1000); do
		b=$(awk '/^SigBlk/ { print $2 }' /proc/"$pid"/status 2>/dev/null)
		[ -n "$b" ] && [ $((0x$b & 0x4000)) != 0 ] && break
		sleep 0.01
	done
	sleep 0.1
	a=$(date +%s%N)
	kill -TERM "$pid"
	# a hang ceiling, not a speed: an instance still there after 30 s is killed (exit 137)
	(
		n=0
		while [ $n -lt 300 ] && kill -0 "$pid" 2>/dev/null; do sleep 0.1; n=$((n + 1)); done
		[ $n -lt 300 ] || kill -9 "$pid" 2>/dev/null
	) &
	guard=$!
	wait "$pid"
	rc=$?
	b=$(date +%s%N)
	wait "$guard" 2>/dev/null
	[ "$rc" = 0 ] || { bad_exits=$((bad_exits + 1)); echo "instance $i exited $rc" >&2; }
	echo $(((b - a) / 1000000)) >>"$S/stops"
	i=$((i + 1))
done
t1=$(date +%s.%N)
# every message sent has been logged by the listener (10 s: a hang ceiling)
for _ in $(seq 100); do
	[ "$(grep -c 'STOPPING=1' "$S/notify.log")" -ge "$RESTARTS" ] && break
	sleep 0.1
done
kill "$NOTIFY_PID" 2>/dev/null

[ "$bad_exits" = 0 ] && ok || bad "$bad_exits of $RESTARTS instances did not exit 0 on SIGTERM"
ready=$(grep -c 'READY=1' "$S/notify.log")
stopping=$(grep -c 'STOPPING=1' "$S/notify.log")
[ "$ready" = "$RESTARTS" ] && ok || bad "$ready READY=1 for $RESTARTS starts"
[ "$stopping" = "$RESTARTS" ] && ok || bad "$stopping STOPPING=1 for $RESTARTS stops"
log_whole "$db"
tally=$(tally "$db")
stop_ms=$(sort -n "$S/stops" | awk '{ a[NR] = $1 } END { printf "stops p50 %d ms, max %d ms", a[int((NR + 1) / 2)], a[NR] }')
echo "restart: $RESTARTS SIGTERMs in $(echo "$t1 - $t0" | bc) s ($stop_ms); exits 0: $((RESTARTS - bad_exits)); READY $ready, STOPPING $stopping; $tally; duplicates $dups"
finish
