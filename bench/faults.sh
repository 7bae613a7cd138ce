#!/bin/sh
# bench/faults: how fast loaxa reacts to what the system tests only check
# it survives (there a ceiling of 30 s catches a hang; here the figures):
#
#   device loss   `loaxa play` of a long file, the sound server killed with
#                 SIGKILL once it plays: seconds until loaxa play exits with
#                 its sentence (RUNS times)
#   stop          loaxad on air (a slot every 2 s, a 1.5 s programme), then
#                 SIGTERM: seconds until it has exited, its fade and log
#                 write done (STOPS times, at random moments of the airing)
#
#   RUNS=5 STOPS=20 sh bench/faults.sh
set -u
TOP=$(cd "$(dirname "$0")/.." && pwd)
. "$TOP/tests/system/lib.sh"
RUNS=${RUNS:-5}
STOPS=${STOPS:-20}
export TZ=Asia/Ho_Chi_Minh
now() { date +%s.%N; }
stats() { # stats FILE: "median X s, max Y s" of the seconds in FILE
	sort -n "$1" | awk '{ a[NR] = $1 } END { printf "median %.2f s, max %.2f s (%d runs)", a[int((NR + 1) / 2)], a[NR], NR }'
}

pa_start || exit 1
sox -n -r 48000 -c 1 "$S/long.wav" synth 60 sine 440 vol 0.3 2>/dev/null
sox -n -r 48000 -c 1 "$S/beep.wav" synth 1.5 sine 660 vol 0.3 2>/dev/null
cat >"$S/loaxa.conf" <<CONF
state_dir = "$S/state";
control_socket = "$S/control.sock";
lead_seconds = 5;
audio = { output = "portaudio"; };
programs = { p = { items = ( { clip = "beep"; } ); }; };
slots = ( { name = "s"; when = "*:*:0/2"; program = "p"; catch_up_minutes = 0; } );
CONF
export LOAXA_CONFIG="$S/loaxa.conf"
loaxa clip import "$S/beep.wav" --name beep --kind jingle >/dev/null || exit 1

# --- device loss
: >"$S/loss"
for _ in $(seq "$RUNS"); do
	[ -n "$PA_PID" ] || pa_start || exit 1
	loaxa play "$S/long.wav" >/dev/null 2>"$S/play.err" &
	play=$!
	until [ -n "$(pactl list short sink-inputs 2>/dev/null)" ]; do sleep 0.05; done
	sleep 1
	kill -9 "$PA_PID"
	t0=$(now)
	wait "$play"
	rc=$?
	echo "$(now) - $t0" | bc >>"$S/loss"
	wait "$PA_PID" 2>/dev/null
	PA_PID=
	[ "$rc" = 1 ] || echo "bench/faults: loaxa play exited $rc: $(cat "$S/play.err")" >&2
done
echo "bench/faults: the sound server killed under loaxa play: it ends with its sentence in $(stats "$S/loss")"

# --- stops
pa_start || exit 1
: >"$S/stop"
for _ in $(seq "$STOPS"); do
	"$TOP/loaxad" --config "$S/loaxa.conf" >>"$S/daemon.log" 2>&1 &
	DAEMON_PID=$!
	wait_playing || { echo "bench/faults: nothing aired" >&2; exit 1; }
	sleep "$(awk -v s="$(od -An -N2 -tu2 /dev/urandom)" 'BEGIN { printf "%.2f", (s % 100) / 100 }')"
	kill -TERM "$DAEMON_PID"
	t0=$(now)
	wait "$DAEMON_PID"
	echo "$(now) - $t0" | bc >>"$S/stop"
	DAEMON_PID=
done
echo "bench/faults: SIGTERM while on air: loaxad has faded out, logged and exited in $(stats "$S/stop")"
