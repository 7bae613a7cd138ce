#!/bin/sh
# make soak: loaxad with a slot every 4 seconds, killed with SIGKILL at
# random moments (starting up, rendering, playing, writing the log) and
# restarted, SOAK_KILLS times; then one clean run.  Afterwards the database
# is intact, every slot instant of the window has exactly one row, none
# aired twice, and no row was lost.  Each slot instant has its own
# recording queued for it (a tone at a pitch of its own, "naming" the
# instant), so every airing's programme is different: a completed row's
# audio hash names that airing alone, and the sound server must have
# received, bit for bit, exactly that audio at that row's time.  (A queued
# recording heard to its end is done in the same write as its item, even if
# the airing is then killed, so no programme heard whole airs again; one
# missed or cut before its recordings leaves them due for the next airing,
# which then differs from any heard whole.)  Prints the tallies.
. "$(dirname "$0")/lib.sh"
KILLS=${SOAK_KILLS:-200}
pa_start || exit 1
export TZ=Asia/Ho_Chi_Minh
sox -n -r 48000 -c 1 "$S/beep.wav" synth 0.5 sine 660 vol 0.3 2>/dev/null
cat >"$S/loaxa.conf" <<CONF
state_dir = "$S/state";
control_socket = "$S/control.sock";
lead_seconds = 5;
audio = { output = "portaudio"; };
programs = { p = { max_minutes = 0.05; items = ( { clip = "beep"; gap = 0.2; },
                             { tts = "Xin chào."; gap = 0.2; }, { queue = true; gap = 0.1; } ); }; };
slots = ( { name = "s"; when = "*:*:0/4"; program = "p"; catch_up_minutes = 0; } );
CONF
export LOAXA_CONFIG="$S/loaxa.conf"
loaxa clip import "$S/beep.wav" --name beep --kind jingle >/dev/null
db="$S/state/loaxa.db"
# the programme starts with the beep: where its first sound is, in samples
loaxa program render p -o "$S/p.wav" >/dev/null || exit 1
# one recording for every slot instant the run can reach (a kill cycle
# lasts 7.5 s at most), each a 0.3 s tone of its own pitch, queued for it
span=$((KILLS * 8 + 60))
n=$((span / 4))
i=0
: >"$S/recordings"
while [ "$i" -lt "$n" ]; do
	sox -n -r 48000 -c 1 "$S/t.wav" synth 0.3 sine $((300 + 7 * i)) vol 0.3 2>/dev/null
	loaxa bulletin add --topic khac --title "Ghi âm $i" --audio "$S/t.wav" --airings 0 >>"$S/recordings" ||
		bad "cannot add recording $i"
	i=$((i + 1))
done
# the instants: from after the queue is written (0.2 s an entry is ample; a
# recording whose instant passed before the first start airs in the first airing)
start=$((($(date +%s) + 6 + n / 5) / 4 * 4 + 4))
i=0
while read -r b; do
	at=$((start + 4 * i))
	loaxa queue add "$b" --at "$(date -d "@$at" '+%Y-%m-%d %H:%M:%S')" >/dev/null ||
		bad "cannot queue recording $b for $(date -d "@$at" '+%T')"
	i=$((i + 1))
done <"$S/recordings"
# the first start comes just before the first recording's instant, so every
# airing of the run has one (a slow queue write only makes leftovers: due,
# they air in the next airing, which stays distinct)
while [ "$(date +%s)" -lt $((start - 3)) ]; do sleep 0.2; done
# everything the sound server receives, as it receives it: recording (the
# sound server lists it and samples reach the file) before the first start,
# so that the first airing, and the silence before it, are in the file
n0=$(pactl list short source-outputs 2>/dev/null | wc -l)
rec_t0=$(date +%s%3N)
parec -d loa.monitor --format=float32le --rate=48000 --channels=1 --raw >"$S/rec.f32" &
REC_PID=$!
recording=no
for _ in $(seq 150); do
	[ "$(pactl list short source-outputs 2>/dev/null | wc -l)" -gt "$n0" ] && [ -s "$S/rec.f32" ] &&
		recording=yes && break
	sleep 0.1
done
[ "$recording" = yes ] && ok || bad "parec is not recording (the sound server does not list it, or nothing reached its file in 15 s)"
sleep 0.5
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
# one clean run to the end: it logs what fell while it was down, and airs
# one programme whole (60 s: a hang ceiling)
before=$(sql "$db" "SELECT count(*) FROM airings WHERE status = 'completed'")
start_daemon "$S/loaxa.conf" || exit 1
for _ in $(seq 300); do
	[ "$(sql "$db" "SELECT count(*) FROM airings WHERE status = 'completed'")" -gt "$before" ] && break
	sleep 0.2
done
stop_daemon
last=$(date +%s)
# parec hands on what the sound server captured a fragment (up to about 2 s)
# late: the clean run's programme, which ended just now, may not be in the
# file yet.  Stop recording only after it has taken in 3 s more.
size=$(stat -c %s "$S/rec.f32")
grown=no
for _ in $(seq 150); do
	[ $(($(stat -c %s "$S/rec.f32") - size)) -ge $((3 * 48000 * 4)) ] && grown=yes && break
	sleep 0.1
done
[ "$grown" = yes ] && ok || bad "the recording did not grow by 3 s in 15 s after the daemon stopped (is parec still running?)"
rec_stop

# SOAK_KEEP=DIR keeps the recording, the programme and the database to look at
[ -n "${SOAK_KEEP:-}" ] && mkdir -p "$SOAK_KEEP" && cp -r "$S/rec.f32" "$S/p.wav" "$S/state" "$S/daemon.log" "$SOAK_KEEP/" && echo "$rec_t0" >"$SOAK_KEEP/rec_t0"
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
# What the sound server received, bit for bit.  A programme starts with
# the beep after a silence (0.25 s or more of zero samples; its own gaps
# are shorter); from each such onset (less the programme's lead-in), the
# samples of a completed row's length (from its aired items, to the
# millisecond: searched 100 samples either side) must hash to that row's
# audio_sha256.  Each hash belongs to one row only, and the row it names
# must be the one whose first sample was played then: no row may be heard
# twice, every completed row must be heard, unless its row says the sound
# broke off (the device ran dry while it played: a machine too busy).  (A programme is at most 3 s,
# max_minutes, so programmes 4 s apart do not run into each other.)
heard=$(python3 - "$db" "$S/rec.f32" "$S/p.wav" "$rec_t0" <<'PY'
import hashlib, re, sqlite3, sys, wave
db, rec, ref, t0 = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
w = wave.open(ref)
pcm = w.readframes(w.getnframes())
width = w.getsampwidth()
lead = next(i for i in range(len(pcm) // width) if pcm[i * width:(i + 1) * width] != bytes(width))
data = open(rec, "rb").read()
frames = len(data) // 4
con = sqlite3.connect(db)
rows = list(con.execute(
    "SELECT id, status, started_at, audio_sha256, coalesce(reason, ''), ended_at FROM airings WHERE started_at IS NOT NULL"))
done = [r for r in rows if r[1] == "completed"]
by_hash = {r[3]: r[0] for r in done}
same = len(done) - len(by_hash)  # completed rows sharing a hash: not distinct
length = {}  # frames of each completed row's programme, from its items
for i, n in con.execute("SELECT airing_id, max(offset_s + length_s) FROM aired_items GROUP BY airing_id"):
    length[i] = round(n * 48000)
sizes = sorted({length[r[0]] for r in done if r[0] in length})
onsets = [(m.end() + 3) // 4 for m in re.finditer(rb"(?:\x00\x00\x00\x00){12000,}", data)]
whole = []  # (first sample, row id)
for a in onsets:
    hit = None
    for s in range(a - lead - 2, a - lead + 3):
        for n in sizes:
            if hit or s < 0 or s + n - 100 > frames:
                continue
            h = hashlib.sha256(data[4 * s:4 * (s + n - 100)])
            for e in range(s + n - 100, min(s + n + 101, frames + 1)):
                d = h.hexdigest()
                if d in by_hash:
                    hit = (s, by_hash[d])
                    break
                h.update(data[4 * e:4 * e + 4])
    if hit:
        whole.append(hit)
# the recording began some time after t0 (parec's start-up and buffering):
# that delay is the same for the whole run, the median gap to its rows
start = {r[0]: r[2] for r in rows}
gaps = sorted(start[i] - (t0 + a * 1000 // 48000) for a, i in whole)
delay = gaps[len(gaps) // 2] if gaps else 0
owner, twice, far = {}, 0, 0
for a, i in whole:
    t = t0 + a * 1000 // 48000 + delay
    if abs(start[i] - t) > 1000:  # slots are 4 s apart
        far += 1
    elif i in owner:
        twice += 1
    else:
        owner[i] = a
# a row that says its sound broke off (the device ran dry: a busy machine)
# was heard with gaps, as it says: not whole
gapped = {r[0] for r in done if "the sound broke off" in r[4]}
unheard = sum(1 for r in done if r[0] not in owner and r[0] not in gapped)
# for whoever reads a failure: where each unheard row's sound should be
for r in done:
    if r[0] in owner or r[0] in gapped:
        continue
    near = min(onsets, key=lambda a: abs(t0 + a * 1000 // 48000 + delay - r[2]), default=None)
    print("row %d (started %d, ended %d): the recording ends %d ms after its end; the nearest onset is %s ms from its start"
          % (r[0], r[2], r[5], t0 + delay + frames * 1000 // 48000 - r[5],
             "none" if near is None else t0 + near * 1000 // 48000 + delay - r[2]), file=sys.stderr)
print(len(done), len(whole), twice, far, unheard, same, len(onsets), len(gapped))
PY
)
set -- $heard
[ "${6:-1}" = 0 ] && ok || bad "${6:-?} completed rows share their audio hash with another: the programmes are not distinct"
[ "${3:-1}" = 0 ] && ok || bad "${3:-?} airings were heard twice"
[ "${4:-1}" = 0 ] && ok || bad "${4:-?} programmes were heard away from their row's time"
[ "${5:-1}" = 0 ] && ok || bad "${5:-?} completed rows' audio was not received as their hash says (and their rows do not say the sound broke off)"
[ "${1:-0}" -gt "$before" ] && ok || bad "the clean run aired nothing whole (${1:-0} completed rows)"
[ "${2:-0}" -gt 0 ] && ok || bad "no completed airing was received whole"
tally=$(tally "$db")
echo "soak: $KILLS kills; $tally; duplicates $dups, lost $lost; ${1:-?} completed rows, each its own programme; the sound server received ${2:-?} of them whole, each at its row's time, ${3:-?} twice, ${5:-?} missing, ${8:-?} said the sound broke off (${7:-?} onsets in the recording)"
finish
