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

check "integrity_check ok" sh -c "[ \"\$(sqlite3 '$db' 'PRAGMA integrity_check')\" = ok ]"
dups=$(sqlite3 "$db" "SELECT count(*) FROM (SELECT slot, scheduled_at FROM airings WHERE slot IS NOT NULL GROUP BY 1, 2 HAVING count(*) > 1)")
[ "$dups" = 0 ] && ok || bad "$dups slot instants have more than one row"
started=$(sqlite3 "$db" "SELECT count(*) FROM airings WHERE status = 'started'")
[ "$started" = 0 ] && ok || { bad "$started rows left 'started' after a clean stop"; sqlite3 "$db" "SELECT id, scheduled_at, started_at, ended_at, status, reason FROM airings ORDER BY id" >&2; tail -30 "$S/daemon.log" >&2; }
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
# What the sound server received, bit for bit: every completed row's audio
# hash is that of a whole programme in the recording, and the recording
# holds exactly as many whole programmes as there are completed rows.
heard=$(python3 - "$db" "$S/rec.f32" "$S/p.wav" <<'PY'
import hashlib, sqlite3, sys, wave
db, rec, ref = sys.argv[1:4]
w = wave.open(ref)
n = w.getnframes()
pcm = w.readframes(n)
width = w.getsampwidth()
# the programme's first sound: where it starts after the silence before it
lead = next(i for i in range(n) if pcm[i * width:(i + 1) * width] != bytes(width))
data = open(rec, "rb").read()
rows = [r[0] for r in sqlite3.connect(db).execute(
    "SELECT audio_sha256 FROM airings WHERE status = 'completed'")]
found, i, quiet = {}, 0, 0
zero = bytes(4)
# onsets: a non-zero sample after at least 10 ms of digital silence
samples = len(data) // 4
s = 0
while s < samples:
    if data[4 * s:4 * s + 4] == zero:
        quiet += 1
    else:
        if quiet >= 480:
            for k in range(lead - 2, lead + 3):
                a = s - k
                if a < 0:
                    continue
                h = hashlib.sha256(data[4 * a:4 * (a + n)]).hexdigest()
                if h in rows:
                    found[a] = h
                    break
        quiet = 0
    s += 1
missing = sum(1 for h in set(rows) if h not in found.values())
print(len(rows), len(found), missing)
PY
)
set -- $heard
[ "${3:-1}" = 0 ] && ok || bad "${3:-?} completed rows' audio hashes are not in what the sound server received"
[ "${2:-x}" = "${1:-y}" ] && ok || bad "the sound server received ${2:-?} whole programmes for ${1:-?} completed rows"
tally=$(sqlite3 "$db" "SELECT group_concat(status || ' ' || n, ', ') FROM (SELECT status, count(*) n FROM airings GROUP BY status)")
echo "soak: $KILLS kills; $tally; duplicates $dups, lost $lost; the sound server received ${2:-?} whole programmes, matching the hashes of ${1:-?} completed rows"
finish
