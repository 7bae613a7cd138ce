#!/bin/sh
# bench/airtime: how late is the first sound, heard where a listener is?
#
# loaxad airs AIRINGS short programmes (a 1-second tone, slots EVERY seconds
# apart, given as the calendar expression *:*:0/EVERY) through the real
# sound path: PortAudio -> ALSA -> PulseAudio -> a null sink.  bench/sinkrec
# records the sink's monitor and, with PulseAudio's own timing info (write
# index, source and sink latency, server timestamp; see its opening
# comment), says when the sink played the first sample of each programme.
# For every airing it prints nothing; at the end:
#
#   lateness at the sink   p50/p99/max/min of (first sample played - slot instant)
#   daemon's estimate      the same of lateness_ms in the airing log: the first
#                          sample handed to PortAudio + PortAudio's reported
#                          output latency - the slot instant
#   first airing           the first airing after the daemon started, on its
#                          own line (it opens the device), counted in both
#   pre-roll               when the amplifier command ran, against slot - 1 s
#   idle RSS               before and after one long airing (LONG_SECONDS)
#   idle wake-ups          system calls in IDLE_SECONDS idle, under a systemd
#                          watchdog as the unit sets it (WatchdogSec=30) and
#                          outside systemd
#
#   AIRINGS=200 EVERY=2 LONG_SECONDS=60 IDLE_SECONDS=45 sh bench/airtime.sh
#
# About 10 minutes with the defaults (LONG_SECONDS=1200 for a 20-minute
# airing).  p99 is the 198th of 200 sorted values, not the maximum.  The
# first airing may fall in the daemon's first seconds (the slot instants
# are every EVERY s); it is counted all the same.  BENCH_KEEP=DIR keeps the
# sink's times, the database and the daemon's log.
set -u
TOP=$(cd "$(dirname "$0")/.." && pwd)
. "$TOP/tests/system/lib.sh"
N=${AIRINGS:-200}
EVERY=${EVERY:-2}
LONG=${LONG_SECONDS:-60}
IDLE=${IDLE_SECONDS:-45}
WATCHDOG_S=30
export TZ=Asia/Ho_Chi_Minh
make -s -C "$TOP" bench/sinkrec || exit 1
pa_start || exit 1
sox -n -r 48000 -c 1 "$S/beep.wav" synth 1 sine 660 vol 0.3 2>/dev/null
sox -n -r 48000 -c 1 "$S/long.wav" synth "$LONG" sine 440 vol 0.3 2>/dev/null
conf() { # conf WHEN: the configuration with slot b at WHEN
	cat >"$S/loaxa.conf" <<CONF
state_dir = "$S/state";
control_socket = "$S/control.sock";
lead_seconds = 5;
audio = { output = "portaudio"; };
preroll = { command = "date +%s%3N >> $S/amp-on"; seconds = 1; };
programs = { beep = { items = ( { clip = "beep"; } ); };
             long = { items = ( { clip = "long"; } ); }; };
slots = ( { name = "b"; when = "$1"; program = "beep"; catch_up_minutes = 0; } );
CONF
}
conf "*:*:0/$EVERY"
export LOAXA_CONFIG="$S/loaxa.conf"
loaxa clip import "$S/beep.wav" --name beep --kind jingle >/dev/null || exit 1
loaxa clip import "$S/long.wav" --name long --kind music >/dev/null || exit 1
db="$S/state/loaxa.db"
# the programme as it airs: where its first non-zero sample is
loaxa program render beep -o "$S/beep-prog.wav" >/dev/null || exit 1
lead=$(python3 - "$S/beep-prog.wav" <<'PY'
import sys, wave
w = wave.open(sys.argv[1])
b = w.readframes(w.getnframes())
k = w.getsampwidth()
print(next(i for i in range(len(b) // k) if b[i * k:(i + 1) * k] != bytes(k)))
PY
)

# what the sink plays, with when
"$TOP/bench/sinkrec" -g 0.2 -r "$S/rec-ready" loa.monitor >"$S/sink.txt" 2>"$S/sinkrec.err" &
REC_PID=$!
for _ in $(seq 100); do [ -e "$S/rec-ready" ] && break; sleep 0.1; done
[ -e "$S/rec-ready" ] || { echo "bench/airtime: sinkrec has no timing: $(cat "$S/sinkrec.err")" >&2; exit 1; }

# what the daemon tells the service manager
python3 - "$S/notify" "$S/notify.log" <<'PY' &
import socket, sys, time
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
with open(sys.argv[2], "w", buffering=1) as out:
    while True:
        m = s.recv(4096).decode().replace("\n", " ")
        out.write("%.3f %s\n" % (time.time(), m))
PY
NOTIFY_PID=$!
for _ in $(seq 50); do [ -S "$S/notify" ] && break; sleep 0.1; done
started=$(date +%s%3N)
NOTIFY_SOCKET="$S/notify" WATCHDOG_USEC=$((WATCHDOG_S * 1000000)) \
	"$TOP/loaxad" --config "$S/loaxa.conf" >"$S/daemon.log" 2>&1 &
DAEMON_PID=$!
rows() { sqlite3 "$db" "SELECT count(*) FROM airings WHERE slot = 'b'" 2>/dev/null || echo 0; }
until [ "$(rows)" -ge "$N" ]; do
	kill -0 "$DAEMON_PID" 2>/dev/null || { echo "bench/airtime: the daemon died:" >&2; cat "$S/daemon.log" >&2; exit 1; }
	sleep 1
done
# idle from here: the only slot far away; wait until what was planned has aired
conf "2099-01-01 00:00"
kill -HUP "$DAEMON_PID"
idle() { loaxa status --format json 2>/dev/null | python3 -c '
import json, sys
s = json.load(sys.stdin)
sys.exit(0 if s["playing"] is None and s["next"]["at"].startswith("2099") else 1)' 2>/dev/null; }
until idle; do sleep 0.5; done
sleep 1
rss() { awk '/^VmRSS/ { printf "%.1f", $2 / 1024 }' /proc/"$1"/status; }
hwm() { awk '/^VmHWM/ { printf "%.1f", $2 / 1024 }' /proc/"$1"/status; }
# idle_calls PID SECONDS: system calls of all its threads while idle
idle_calls() {
	strace -f -c -o "$S/strace" -p "$1" 2>/dev/null &
	sp=$!
	sleep "$2"
	kill -INT "$sp"
	wait "$sp" 2>/dev/null
	awk '$NF == "total" { print $4 }' "$S/strace"
}
rss_before=$(rss "$DAEMON_PID")
w0=$(grep -c 'WATCHDOG=1' "$S/notify.log")
calls_wd=$(idle_calls "$DAEMON_PID" "$IDLE")
pings=$(($(grep -c 'WATCHDOG=1' "$S/notify.log") - w0))
awk '$NF != "total" && $4 ~ /^[0-9]+$/ { printf "%s %s, ", $NF, $4 }' "$S/strace" | sed 's/, $//' >"$S/calls-wd"

# one long airing, then idle again
loaxa air --program long >/dev/null || { echo "bench/airtime: loaxa air --program long failed" >&2; exit 1; }
until [ "$(sqlite3 "$db" "SELECT count(*) FROM airings WHERE program = 'long' AND status != 'started'")" -ge 1 ]; do
	sleep 1
done
until idle; do sleep 0.5; done
sleep 1
rss_after=$(rss "$DAEMON_PID")
peak=$(hwm "$DAEMON_PID")
long_status=$(sqlite3 "$db" "SELECT status FROM airings WHERE program = 'long'")
stop_daemon
kill "$NOTIFY_PID" 2>/dev/null
kill -INT "$REC_PID"
wait "$REC_PID" 2>/dev/null
REC_PID=

# idle outside systemd: no NOTIFY_SOCKET, no watchdog
"$TOP/loaxad" --config "$S/loaxa.conf" >>"$S/daemon.log" 2>&1 &
DAEMON_PID=$!
until idle; do sleep 0.2; done
sleep 1
calls_plain=$(idle_calls "$DAEMON_PID" "$IDLE")
stop_daemon

grep -q overflow "$S/sink.txt" && echo "bench/airtime: PulseAudio dropped recorded data; the sink times after it are off" >&2
python3 - "$db" "$S/sink.txt" "$lead" "$started" "$N" "$EVERY" "$LONG" "$S/amp-on" <<'PY'
import sqlite3, sys
db, sink, lead, started, n, every, long_s = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6]), sys.argv[7]
amp = [int(x) for x in open(sys.argv[8]).read().split()]
onsets = []  # when the sink played each programme's first sample (ms since the epoch)
spread = []  # the median timing snapshot's excess over the one used, ms
for line in open(sink):
    f = line.split()
    if f[0] == "onset" and f[2] != "-":
        onsets.append((int(f[2]) - lead * 1_000_000 / 48000) / 1000)
        spread.append(int(f[3]) / 1000)
rows = list(sqlite3.connect(db).execute(
    "SELECT id, scheduled_at, status, lateness_ms FROM airings WHERE slot = 'b' ORDER BY scheduled_at"))
aired = [r for r in rows if r[2] == "completed"]
pairs = []  # (row, at the sink, estimate)
unheard = []
for r in aired:
    near = min(onsets, key=lambda t: abs(t - r[1])) if onsets else None
    if near is None or abs(near - r[1]) > every * 1000 / 2:
        unheard.append(r)
    else:
        pairs.append((r, near - r[1], r[3]))
def pct(xs, p):  # the p-th percentile: the ceil(p% of n)-th smallest
    xs = sorted(xs)
    return xs[max(0, -(-len(xs) * p // 100) - 1)]
def line(xs):
    return "p50 %.1f ms, p99 %.1f ms, max %.1f ms, min %.1f ms" % (pct(xs, 50), pct(xs, 99), max(xs), min(xs))
print("bench/airtime: %d airings of a 1 s programme, %d s apart (*:*:0/%d), through PortAudio -> ALSA -> PulseAudio" % (len(rows), every, every))
others = len(rows) - len(aired)
if others or unheard:
    print("  %d rows not completed (%s), %d completed airings with no onset at the sink" %
          (others, ", ".join(sorted({r[2] for r in rows if r[2] != "completed"})) or "-", len(unheard)))
if not pairs:
    print("  no airing was heard at the sink")
    sys.exit(1)
sink_ms = [p[1] for p in pairs]
est = [float(p[2]) for p in pairs]
diff = [p[1] - p[2] for p in pairs]
print("  lateness at the sink (%d airings): %s" % (len(pairs), line(sink_ms)))
print("  daemon's estimate (lateness_ms):  %s" % line(est))
print("  sink minus estimate:              %s" % line(diff))
print("  (PulseAudio's timing snapshots around each onset: the median lies %.1f ms above the earliest, used; p99 %.1f ms)" %
      (pct(spread, 50), pct(spread, 99)))
pre = [min(amp, key=lambda t: abs(t - (r[1] - 1000))) - (r[1] - 1000) for r in aired if amp]
if pre:
    print("  pre-roll command (1 s ahead) ran late by: %s" % line(pre))
first = pairs[0]
print("  first airing, %.1f s after the daemon started: at the sink %+.1f ms, estimate %+d ms%s" %
      ((first[0][1] - started) / 1000, first[1], first[2],
       "" if first[0] == rows[0] else " (the first slot instant did not air: %s)" % rows[0][2]))
PY
echo "  idle RSS: $rss_before MiB before a ${LONG}-second airing ($long_status), $rss_after MiB after; peak $peak MiB"
echo "  idle ${IDLE} s under a ${WATCHDOG_S} s watchdog: ${calls_wd:-0} system calls, $pings WATCHDOG=1 sent ($(cat "$S/calls-wd"))"
echo "  idle ${IDLE} s outside systemd: ${calls_plain:-0} system calls"
[ -n "${BENCH_KEEP:-}" ] && mkdir -p "$BENCH_KEEP" && cp -r "$S"/sink.txt "$S"/state "$S"/daemon.log "$S"/beep-prog.wav "$S"/amp-on "$BENCH_KEEP"/
