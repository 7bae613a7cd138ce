#!/bin/sh
# make soak: loaxad with a slot every 4 seconds, killed with SIGKILL at
# random moments (starting up, rendering, playing, writing the log) and
# restarted, SOAK_KILLS times; then one clean run.  Afterwards the database
# is intact, every slot instant of the window has exactly one row, none
# aired twice, and no row was lost.  Prints the tallies.
. "$(dirname "$0")/lib.sh"
KILLS=${SOAK_KILLS:-200}
pa_start || exit 1
export TZ=Asia/Ho_Chi_Minh
sox -n -r 48000 -c 1 "$S/beep.wav" synth 1.2 sine 660 vol 0.3 2>/dev/null
cat >"$S/loaxa.conf" <<CONF
state_dir = "$S/state";
control_socket = "$S/control.sock";
lead_seconds = 5;
audio = { output = "portaudio"; };
programs = { p = { items = ( { clip = "beep"; gap = 0.2; }, { tts = "Xin chào."; } ); }; };
slots = ( { name = "s"; when = "*:*:0/4"; program = "p"; catch_up_minutes = 0; } );
CONF
export LOAXA_CONFIG="$S/loaxa.conf"
loaxa clip import "$S/beep.wav" --name beep --kind jingle >/dev/null
db="$S/state/loaxa.db"
# the programme as it airs, for its length in samples (it is the same every time)
loaxa program render p -o "$S/p.wav" >/dev/null || exit 1
# everything the sound server receives, as it receives it
rec_t0=$(date +%s%3N)
parec -d loa.monitor --format=float32le --rate=48000 --channels=1 --raw >"$S/rec.f32" &
REC_PID=$!
sleep 0.3
first=$(date +%s)
i=0
while [ $i -lt "$KILLS" ]; do
	"$TOP/loaxad" --config "$S/loaxa.conf" >>"$S/daemon.log" 2>&1 &
	pid=$!
	# anywhere from during start-up to a few slots later
	sleep "$(awk -v s="$(od -An -N2 -tu2 /dev/urandom)" 'BEGIN { printf "%.2f", (s % 600) / 100 }')"
	kill -9 "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	# down for a while, now and then: slots fall while nobody is there
	[ $((i % 3)) = 2 ] && sleep "$(awk -v s="$(od -An -N2 -tu2 /dev/urandom)" 'BEGIN { printf "%.2f", (s % 900) / 100 }')"
	i=$((i + 1))
done
# one clean run to the end: it logs what fell while it was down
start_daemon "$S/loaxa.conf" || exit 1
sleep 6
stop_daemon
last=$(date +%s)
rec_stop

log_whole "$db"
# every instant from the first start to the end of the clean run has its row
since=$(sqlite3 "$db" "SELECT since / 1000 FROM slot_watch WHERE slot = 's'")
lost=$(python3 - "$db" "$since" "$((last - 4))" <<'PY'
import sqlite3, sys
db, since, until = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
rows = {r[0] // 1000 for r in sqlite3.connect(db).execute("SELECT scheduled_at FROM airings WHERE slot = 's'")}
t = since - since % 4 + 4
lost = [x for x in range(t, until, 4) if x not in rows]
print(len(lost))
PY
)
[ "$lost" = 0 ] && ok || bad "$lost slot instants have no row"
# What the sound server received, bit for bit.  Each whole programme in the
# recording is matched, by when it began, to the airing row of its slot
# instant: no row may have two (nothing aired twice), every completed row
# must have one with that row's audio hash.  A whole programme may belong
# to an interrupted row: killed after its last sample, before the log write.
heard=$(python3 - "$db" "$S/rec.f32" "$S/p.wav" "$rec_t0" <<'PY'
import hashlib, sqlite3, sys, wave
db, rec, ref, t0 = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
w = wave.open(ref)
n = w.getnframes()
pcm = w.readframes(n)
width = w.getsampwidth()
# the programme's first sound: where it starts after the silence before it
lead = next(i for i in range(n) if pcm[i * width:(i + 1) * width] != bytes(width))
data = open(rec, "rb").read()
rows = list(sqlite3.connect(db).execute(
    "SELECT id, status, started_at, audio_sha256 FROM airings WHERE started_at IS NOT NULL"))
completed = {r[0]: r[3] for r in rows if r[1] == "completed"}
whole = []  # (sample index, sha256) of every whole programme heard
zero = bytes(4)
quiet = 0
for s in range(len(data) // 4):
    if data[4 * s:4 * s + 4] == zero:
        quiet += 1
        continue
    if quiet >= 480:  # an onset after at least 10 ms of digital silence
        for k in range(lead - 2, lead + 3):
            a = s - k
            if a < 0:
                continue
            h = hashlib.sha256(data[4 * a:4 * (a + n)]).hexdigest()
            if h in completed.values():
                whole.append((a, h))
                break
    quiet = 0
# the recording began some time after t0 (parec's start-up and buffering):
# that delay is the same for the whole run, the median gap to the nearest row
def nearest(t):
    return min(rows, key=lambda r: abs(r[2] - t))
gaps = sorted(nearest(t0 + a * 1000 // 48000)[2] - (t0 + a * 1000 // 48000) for a, h in whole)
delay = gaps[len(gaps) // 2] if gaps else 0
owner, twice, far = {}, 0, 0
for a, h in whole:
    t = t0 + a * 1000 // 48000 + delay
    r = nearest(t)
    if abs(r[2] - t) > 1000:  # slots are 4 s apart
        far += 1
    elif r[0] in owner:
        twice += 1
    else:
        owner[r[0]] = h
unheard = sum(1 for i, h in completed.items() if owner.get(i) != h)
late_log = sum(1 for i in owner if i not in completed)
print(len(completed), len(whole), twice, far, unheard, late_log)
PY
)
set -- $heard
[ "${3:-1}" = 0 ] && ok || bad "${3:-?} slot instants were heard twice"
[ "${4:-1}" = 0 ] && ok || bad "${4:-?} whole programmes heard match no airing row's start"
[ "${5:-1}" = 0 ] && ok || bad "${5:-?} completed rows' audio was not received as their hash says"
tally=$(tally "$db")
echo "soak: $KILLS kills; $tally; duplicates $dups, lost $lost; the sound server received ${2:-?} whole programmes: each of the ${1:-?} completed rows' hash, ${6:-?} more from airings killed before their log write, ${3:-?} twice"
finish
