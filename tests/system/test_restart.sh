#!/bin/sh
# A restart storm, as `systemctl restart loaxad` ten times a second for ten
# seconds would make it: SIGTERM 0.1 s after each start (during start-up,
# rendering or playing), wait for the exit, start again.  Every instance
# must stop cleanly (exit 0, READY=1 then STOPPING=1 to the service
# manager, no row left `started`), and no slot instant airs twice.
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
slow=0
t0=$(date +%s.%N)
i=0
while [ $i -lt "$RESTARTS" ]; do
	"$TOP/loaxad" --config "$S/loaxa.conf" >>"$S/daemon.log" 2>&1 &
	pid=$!
	sleep 0.1
	a=$(date +%s%N)
	kill -TERM "$pid"
	wait "$pid"
	rc=$?
	b=$(date +%s%N)
	[ "$rc" = 0 ] || { bad_exits=$((bad_exits + 1)); echo "instance $i exited $rc" >&2; }
	# a stop fades out what plays (0.5 s) and writes the log: well under 3 s
	[ $(((b - a) / 1000000)) -lt 3000 ] || slow=$((slow + 1))
	i=$((i + 1))
done
t1=$(date +%s.%N)
sleep 0.3
kill "$NOTIFY_PID" 2>/dev/null

[ "$bad_exits" = 0 ] && ok || bad "$bad_exits of $RESTARTS instances did not exit 0 on SIGTERM"
[ "$slow" = 0 ] && ok || bad "$slow of $RESTARTS instances took 3 s or more to stop"
ready=$(grep -c 'READY=1' "$S/notify.log")
stopping=$(grep -c 'STOPPING=1' "$S/notify.log")
[ "$ready" = "$RESTARTS" ] && ok || bad "$ready READY=1 for $RESTARTS starts"
[ "$stopping" = "$RESTARTS" ] && ok || bad "$stopping STOPPING=1 for $RESTARTS stops"
log_whole "$db"
tally=$(tally "$db")
echo "restart: $RESTARTS SIGTERMs in $(echo "$t1 - $t0" | bc) s; exits 0: $((RESTARTS - bad_exits)); READY $ready, STOPPING $stopping; $tally; duplicates $dups"
finish
