#!/bin/sh
# bench/zones: eight zones (cụm loa), each on a channel of an 8-channel
# output and on an Icecast mount of its own, as issue 15 asks.  Everything
# is real and started here on 127.0.0.1: a PulseAudio 8-channel null sink
# (PortAudio -> ALSA -> PulseAudio), an icecast2 with eight mounts, and
# eight listening clients (ffmpeg reading http://127.0.0.1:PORT/thon-N.mp3,
# decoding to PCM as the bytes come).  Three measures, each beside its goal:
#
#   CPU      loaxad's user + system time (/proc/PID/stat) over one airing of
#            a ZONES_MINUTES-minute programme to the eight zones, from the
#            request (the render: decode, resample, loudness, limiter) to
#            its end (mix to 8 channels, MP3-encode for 8 mounts, send), as
#            a percentage of one core over the airing's wall time.  Goal
#            <= 25 %.  Beside it, the reference run in this same script:
#            the same programme for REF_MINUTES to the same 8 channels with
#            no Icecast mounts (the configuration reloaded without them),
#            and the ratio of the two.
#   lateness on the local channels: AIRINGS slots of a 2-second tone,
#            EVERY seconds apart (*:*:0/EVERY), to the eight zones; when the
#            sink played each one's first sample (bench/sinkrec, PulseAudio's
#            timing; see bench/airtime.sh) less the slot instant.  Goal p99
#            <= 5 ms.  The daemon's own estimate (lateness_ms) beside it.
#   first audio at the Icecast clients: for the same airings, when each
#            client received the first sample of the tone (the time the
#            decoded chunk holding it reached the client, network buffer,
#            Icecast's queue, MP3 frames and the decoder included) less the
#            slot instant; p50/p99/max over 8 mounts x AIRINGS.  Goal <= 1 s
#            (the max).
#
#   ZONES_MINUTES=15 AIRINGS=20 EVERY=10 REF_MINUTES=2 sh bench/zones.sh
#
# A short run: ZONES_MINUTES=1 AIRINGS=6 REF_MINUTES=1 (about 4 minutes).
# BENCH_KEEP=DIR keeps the database, the logs and the clients' onsets.
set -u
TOP=$(cd "$(dirname "$0")/.." && pwd)
. "$TOP/tests/system/lib.sh"
MIN=${ZONES_MINUTES:-15}
REF=${REF_MINUTES:-2}
N=${AIRINGS:-20}
EVERY=${EVERY:-10}
NZ=8
export TZ=Asia/Ho_Chi_Minh
command -v icecast2 >/dev/null || { echo "bench/zones: icecast2 is not installed (sh scripts/deps)" >&2; exit 1; }
make -s -C "$TOP" bench/sinkrec || exit 1
pa_start || exit 1
MAP=front-left,front-right,rear-left,rear-right,front-center,rear-center,side-left,side-right
pactl load-module module-null-sink sink_name=zones8 rate=48000 channels=$NZ format=float32le \
	channel_map=$MAP >/dev/null || { echo "bench/zones: cannot load an 8-channel null sink" >&2; exit 1; }
pactl set-default-sink zones8

# --- icecast2 (tests/system/lib.sh); a small burst: a client that connects
# late gets the last 64 KiB (8 s at 64 kbit/s)
CLI_PID=
SINKREC_PID=
bench_cleanup() {
	for p in $CLI_PID $SINKREC_PID; do
		kill "$p" 2>/dev/null && wait "$p" 2>/dev/null
	done
	cleanup
}
trap bench_cleanup EXIT
ice_start clients=40 sources=16 burst=65536 queue=1048576 timeout=10 || exit 1
PORT=$ICE_PORT
printf 'nguon\n' >"$S/ice.pw"

sox -n -r 48000 -c 1 "$S/tone.wav" synth 2 sine 660 vol 0.3 2>/dev/null || exit 1
sox -n -r 48000 -c 1 "$S/long.wav" synth "$((MIN * 60))" sine 440 vol 0.3 2>/dev/null || exit 1
sox -n -r 48000 -c 1 "$S/ref.wav" synth "$((REF * 60))" sine 440 vol 0.3 2>/dev/null || exit 1
# conf ICECAST SLOTS: eight zones on channels 1-8, on their mounts when ICECAST is 1
conf() {
	{
		cat <<CONF
state_dir = "$S/state";
control_socket = "$S/control.sock";
lead_seconds = 5;
audio = { output = "portaudio"; channels = $NZ; };
programs = { tone = { items = ( { clip = "tone"; } ); };
  long = { items = ( { clip = "long"; } ); };
  ref = { items = ( { clip = "ref"; } ); }; };
slots = ( $2 );
zones = (
CONF
		for i in $(seq $NZ); do
			ice=
			[ "$1" = 1 ] && ice="icecast = \"http://127.0.0.1:$PORT/thon-$i.mp3\"; icecast_password_file = \"$S/ice.pw\";"
			printf '  { name = "thon-%d"; channel = %d; %s }%s\n' "$i" "$i" "$ice" "$([ "$i" -lt $NZ ] && echo ,)"
		done
		echo ");"
	} >"$S/loaxa.conf"
}
conf 1 "{ name = \"b\"; when = \"*:*:0/$EVERY\"; program = \"tone\"; catch_up_minutes = 0; }"
export LOAXA_CONFIG="$S/loaxa.conf"
loaxa clip import "$S/tone.wav" --name tone --kind jingle >/dev/null || exit 1
loaxa clip import "$S/long.wav" --name long --kind music >/dev/null || exit 1
loaxa clip import "$S/ref.wav" --name ref --kind music >/dev/null || exit 1
loaxa config check >/dev/null || { loaxa config check; exit 1; }
db="$S/state/loaxa.db"
loaxa program render tone -o "$S/tone-prog.wav" >/dev/null || exit 1
lead=$(python3 - "$S/tone-prog.wav" <<'PY'
import sys, wave
w = wave.open(sys.argv[1])
b = w.readframes(w.getnframes())
k = w.getsampwidth()
print(next(i for i in range(len(b) // k) if b[i * k:(i + 1) * k] != bytes(k)))
PY
)

# --- the eight clients: each reads its mount again whenever it ends (or is
# not there yet) and prints "MOUNT TIME" for every onset it receives: the
# first sample above -40 dBFS after at least 1 s below it
cat >"$S/clients.py" <<'PY'
import subprocess, sys, threading, time, array
port, n, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
lock = threading.Lock()
f = open(out, "w", buffering=1)
RATE, THRESH, GAP = 8000, int(32768 * 0.01), 8000
def client(i):
    url = "http://127.0.0.1:%s/thon-%d.mp3" % (port, i)
    while True:
        p = subprocess.Popen(["ffmpeg", "-nostdin", "-v", "quiet", "-fflags", "nobuffer",
                              "-probesize", "32", "-analyzeduration", "0", "-f", "mp3", "-i", url,
                              "-f", "s16le", "-ac", "1", "-ar", str(RATE), "-flush_packets", "1", "-"],
                             stdout=subprocess.PIPE, bufsize=0)
        quiet = GAP  # a new connection starts as after silence
        while True:
            b = p.stdout.read(320)  # 20 ms
            t = time.time()
            if not b:
                break
            s = array.array("h", b[: len(b) // 2 * 2])
            for v in s:
                if abs(v) > THRESH:
                    if quiet >= GAP:
                        with lock:
                            f.write("thon-%d %.3f\n" % (i, t * 1000))
                    quiet = 0
                else:
                    quiet += 1
        p.wait()
        time.sleep(0.2)
for i in range(1, n + 1):
    threading.Thread(target=client, args=(i,), daemon=True).start()
while True:
    time.sleep(3600)
PY
python3 "$S/clients.py" "$PORT" $NZ "$S/onsets.txt" &
CLI_PID=$!

# what the sink plays, with when (mono: PulseAudio mixes the eight channels down)
"$TOP/bench/sinkrec" -g 0.5 -r "$S/rec-ready" zones8.monitor >"$S/sink.txt" 2>"$S/sinkrec.err" &
SINKREC_PID=$!
for _ in $(seq 100); do [ -e "$S/rec-ready" ] && break; sleep 0.1; done
[ -e "$S/rec-ready" ] || { echo "bench/zones: sinkrec has no timing: $(cat "$S/sinkrec.err")" >&2; exit 1; }

"$TOP/loaxad" --config "$S/loaxa.conf" >"$S/daemon.log" 2>&1 &
DAEMON_PID=$!
rows() { sqlite3 "$db" "SELECT count(*) FROM airings WHERE slot = 'b'" 2>/dev/null || echo 0; }
until [ "$(rows)" -ge "$N" ]; do
	kill -0 "$DAEMON_PID" 2>/dev/null || { echo "bench/zones: the daemon died:" >&2; cat "$S/daemon.log" >&2; exit 1; }
	sleep 1
done
idle() { loaxa status --format json 2>/dev/null | python3 -c '
import json, sys
s = json.load(sys.stdin)
sys.exit(0 if s["playing"] is None and s["next"] is None else 1)' 2>/dev/null; }
# no more slots: wait until what was planned has aired
conf 1 ""
kill -HUP "$DAEMON_PID"
until idle; do sleep 0.5; done
sleep 2

# cpu_of PROGRAM: loaxad's CPU over one airing of PROGRAM to every zone:
# "CPU_SECONDS WALL_SECONDS STATUS"
ticks() { awk '{ print $14 + $15 }' "/proc/$DAEMON_PID/stat"; }
cpu_of() {
	hz=$(getconf CLK_TCK)
	t0=$(ticks)
	w0=$(date +%s.%N)
	loaxa air --program "$1" >/dev/null || { echo "bench/zones: loaxa air --program $1 failed" >&2; exit 1; }
	until [ "$(sqlite3 "$db" "SELECT count(*) FROM airings WHERE program = '$1' AND status != 'started'")" -ge 1 ]; do
		sleep 0.5
	done
	t1=$(ticks)
	w1=$(date +%s.%N)
	echo "$(echo "($t1 - $t0) / $hz" | bc -l) $(echo "$w1 - $w0" | bc -l) $(sqlite3 "$db" "SELECT status || coalesce(' (' || reason || ')', '') FROM airings WHERE program = '$1'")"
}
long=$(cpu_of long)
until idle; do sleep 0.5; done
# the reference: the same 8 channels, no Icecast mounts
conf 0 ""
kill -HUP "$DAEMON_PID"
sleep 2
ref=$(cpu_of ref)
stop_daemon
kill "$CLI_PID" 2>/dev/null
wait "$CLI_PID" 2>/dev/null
CLI_PID=
kill -INT "$SINKREC_PID"
wait "$SINKREC_PID" 2>/dev/null
SINKREC_PID=

grep -q overflow "$S/sink.txt" && echo "bench/zones: PulseAudio dropped recorded data; the sink times after it are off" >&2
python3 - "$db" "$S/sink.txt" "$lead" "$S/onsets.txt" "$EVERY" "$NZ" "$MIN" "$REF" "$long" "$ref" <<'PY'
import sqlite3, sys
db, sink, lead, onsets_f, every, nz = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4], int(sys.argv[5]), int(sys.argv[6])
mins, refmins = sys.argv[7], sys.argv[8]
def verdict(ok):
    return "met" if ok else "NOT met"
def pct(xs, p):  # the p-th percentile: the ceil(p% of n)-th smallest
    xs = sorted(xs)
    return xs[max(0, -(-len(xs) * p // 100) - 1)]
def line(xs):
    return "p50 %.1f ms, p99 %.1f ms, max %.1f ms, min %.1f ms" % (pct(xs, 50), pct(xs, 99), max(xs), min(xs))

print("bench/zones: %d zones, each on a channel of an 8-channel PulseAudio null sink and on an Icecast mount (MP3 64 kbit/s)" % nz)
# CPU
def cpu(arg):
    f = arg.split(" ", 2)
    return float(f[0]), float(f[1]), f[2]
lc, lw, ls = cpu(sys.argv[9])
rc, rw, rs = cpu(sys.argv[10])
lp, rp = 100 * lc / lw, 100 * rc / rw
print("  CPU, render + mix + encode, %s-minute programme to 8 channels + 8 mounts: %.1f %% of one core (%.1f s in %.1f s; %s)  goal <= 25 %%: %s"
      % (mins, lp, lc, lw, ls, verdict(lp <= 25)))
print("  reference, %s-minute programme to the 8 channels, no mounts:          %.1f %% of one core (%.1f s in %.1f s; %s); ratio %.2f"
      % (refmins, rp, rc, rw, rs, lp / rp if rp else float("inf")))

rows = list(sqlite3.connect(db).execute(
    "SELECT id, scheduled_at, status, lateness_ms, coalesce(reason, '') FROM airings WHERE slot = 'b' ORDER BY scheduled_at"))
aired = [r for r in rows if r[2] == "completed"]
if len(aired) < len(rows):
    print("  %d of %d slot airings not completed: %s" % (len(rows) - len(aired), len(rows),
          "; ".join("%s %s" % (r[2], r[4]) for r in rows if r[2] != "completed")))
unreached = [r for r in aired if "not reached" in r[4]]
if unreached:
    print("  %d airings with a zone not reached: %s" % (len(unreached), unreached[0][4]))
# lateness at the sink
onsets = []
for l in open(sink):
    f = l.split()
    if f[0] == "onset" and f[2] != "-":
        onsets.append((int(f[2]) - lead * 1_000_000 / 48000) / 1000)
late = []
for r in aired:
    near = min(onsets, key=lambda t: abs(t - r[1])) if onsets else None
    if near is not None and abs(near - r[1]) < every * 1000 / 2:
        late.append(near - r[1])
if late:
    print("  lateness at the sink (%d of %d airings): %s  goal p99 <= 5 ms: %s"
          % (len(late), len(aired), line(late), verdict(pct(late, 99) <= 5)))
    print("  daemon's estimate (lateness_ms):           %s" % line([float(r[3]) for r in aired if r[3] is not None]))
else:
    print("  lateness at the sink: no airing was heard at the sink  goal p99 <= 5 ms: NOT met")
# first audio at the Icecast clients
heard = {}
for l in open(onsets_f):
    m, t = l.split()
    heard.setdefault(m, []).append(float(t))
first, missing = [], 0
for r in aired:
    for i in range(1, nz + 1):
        ts = [t for t in heard.get("thon-%d" % i, []) if r[1] - 500 <= t < r[1] + every * 1000 / 2]
        if ts:
            first.append(min(ts) - r[1])
        else:
            missing += 1
if first:
    print("  first audio at the Icecast clients (%d of %d mount airings heard): %s  goal <= 1 s: %s"
          % (len(first), len(first) + missing, line(first), verdict(max(first) <= 1000 and not missing)))
else:
    print("  first audio at the Icecast clients: nothing heard  goal <= 1 s: NOT met")
PY
[ -n "${BENCH_KEEP:-}" ] && mkdir -p "$BENCH_KEEP" && cp -r "$S"/sink.txt "$S"/onsets.txt "$S"/state "$S"/daemon.log "$BENCH_KEEP"/
exit 0
