#!/bin/sh
# The daemon through the real sound path: a slot airs at its instant, never
# before it, and is logged, with the queued bulletin in it, and the sound
# server receives the programme `loaxa program render --at` says it is;
# the amplifier's pre-roll runs before the first sample and its `after`
# once the airing is over; an emergency cuts what is on air (logged
# interrupted); kill -9 in the middle of an airing and a restart leave one
# interrupted row and no second airing (a later slot airs first, so the
# daemon had its chance); after downtime a slot within its catch-up window
# airs late and an older one is logged missed at its own instant.  How late
# the first sample is lives in bench/airtime.sh, not here: every wait below
# waits for a state, and its ceiling only catches a hang.
. "$(dirname "$0")/lib.sh"
pa_start || exit 1
export TZ=Asia/Ho_Chi_Minh

at() { date -d "@$1" '+%Y-%m-%d %H:%M:%S'; }

# write_conf SLOTS: the configuration with the given slots list
write_conf() {
	cat >"$S/loaxa.conf" <<CONF
state_dir = "$S/state";
control_socket = "$S/control.sock";
lead_seconds = 5;
audio = { output = "portaudio"; };
preroll = { command = "date +%s.%N > $S/amp-on"; seconds = 3; after = "date +%s.%N > $S/amp-off"; };
programs = { p = { max_minutes = 10; items = (
  { tts = "Xin chào bà con."; gap = 0.5; },
  { queue = true; gap = 1.0; } ); }; };
slots = ( $1 );
CONF
}

# json_log PYTHON-EXPRESSION over the list of log rows `r`
log_check() {
	loaxa log --format json >"$S/log.json" || return 1
	python3 -c "import json,sys; r=json.load(open('$S/log.json')); sys.exit(0 if ($1) else 1)"
}

wait_for() { # wait_for SECONDS PYTHON-EXPRESSION
	for _ in $(seq $(($1 * 5))); do
		log_check "$2" 2>/dev/null && return 0
		sleep 0.2
	done
	return 1
}

# at_position SECONDS: the daemon reports a programme on air at SECONDS or later
at_position() {
	loaxa status --format json 2>/dev/null | python3 -c "
import json, sys
p = json.load(sys.stdin)['playing']
sys.exit(0 if p and p['position_s'] >= $1 else 1)" 2>/dev/null
}
wait_position() { # wait_position SECONDS: 60 s at most
	for _ in $(seq 300); do
		at_position "$1" && return 0
		sleep 0.2
	done
	return 1
}
iso() { date -d "@$1" '+%Y-%m-%dT%H:%M:%S.000%:z'; }

export LOAXA_CONFIG="$S/loaxa.conf"
now=$(date +%s)
T=$((now + 9))
write_conf "{ name = \"sang\"; when = \"$(at $T)\"; program = \"p\"; catch_up_minutes = 1; }"
B1=$(loaxa bulletin add --topic tthc --title "Nộp hồ sơ trực tuyến" --airings 1 \
	--text "Người dân có thể nộp hồ sơ thủ tục hành chính trên Cổng dịch vụ công.")
Q=$(loaxa queue add -q "$B1" --slot sang)
[ -n "$Q" ] && ok || bad "queue add"

# --- A: at its instant, logged, the queued bulletin in it
# what should air: the programme as it airs at T, with the queue as it is
loaxa program render p --at "$(at $T)" -o "$S/ref.wav" >"$S/ref.timeline" || bad "program render --at"
grep -q "#$B1 " "$S/ref.timeline" && ok || bad "the rendered programme lacks the queued bulletin: $(cat "$S/ref.timeline")"
rec_start "$S/rec.wav"
start_daemon "$S/loaxa.conf" || exit 1
check "slot aired and completed" wait_for 60 "any(x['status']=='completed' and x['slot']=='sang' for x in r)"
rec_stop
log_check "[(x['scheduled_at'], x['lateness_ms'] >= 0) for x in r if x['slot']=='sang'] == [('$(iso $T)', True)] * len([x for x in r if x['slot']=='sang'])" && ok ||
	bad "the slot's row is not at its instant $(iso $T), or its first sample left before it: $(grep -o '"scheduled_at": "[^"]*"\|"lateness_ms": [-0-9]*' "$S/log.json" | head -2 | tr '\n' ' ')"
log_check "any(x['bulletin_id']==$B1 and x['kind']=='bulletin' and x['completed'] for x in r)" && ok ||
	bad "queued bulletin not in the airing"
check "queue entry consumed" sh -c "[ \"\$($TOP/loaxa queue list --format json | tr -d ' \n')\" = '[]' ]"
loaxa bulletin show "$B1" --format json | grep -q '"airings_done": 1' && ok || bad "airing counted"
# the recording is the programme that should have aired (wavcmp: the same
# length within 1 %, correlation >= 0.9), and as long as the log says
if out=$(wav_matches "$S/ref.wav" "$S/rec.wav") || broke_off "$S/state/loaxa.db" "slot = 'sang'"; then ok; else bad "the recording is not the programme: $out"; fi
len=$(python3 -c "import json; r=json.load(open('$S/log.json')); print(max(x['offset_s']+x['length_s'] for x in r if x['slot']=='sang'))")
ref_len=$(soxi -D "$S/ref.wav")
python3 -c "import sys; sys.exit(0 if abs($ref_len - $len) / $len < 0.01 else 1)" && ok ||
	bad "the log says $len s of programme, the programme is $ref_len s"
echo "slot aired: $len s logged, $ref_len s rendered; recording: $out"
# the amplifier: on at T - 3 s or later (never earlier), before the first
# sample; off once the airing is over
on=$(cat "$S/amp-on" 2>/dev/null || echo 0)
off=$(cat "$S/amp-off" 2>/dev/null || echo 0)
first=$(sql "$S/state/loaxa.db" "SELECT started_at / 1000.0 FROM airings WHERE slot = 'sang'")
ended=$(sql "$S/state/loaxa.db" "SELECT ended_at / 1000.0 FROM airings WHERE slot = 'sang'")
python3 -c "import sys; sys.exit(0 if $T - 3 <= $on < $first and $off >= $ended else 1)" && ok ||
	bad "pre-roll at $on and after at $off for a slot at $T (first sample $first, ended $ended)"

# --- B: an emergency cuts what is on air
LONG=$(loaxa bulletin add --topic khac --title "Tin dài" --airings 0 --text "$(for i in 1 2 3 4 5 6; do printf 'Đây là một bản tin dài để thử việc ngắt chương trình khi có tin khẩn cấp. '; done)")
EMERG=$(loaxa bulletin add --topic khac --title "Khẩn cấp" --class emergency --airings 0 --text "Thông báo khẩn: bão số ba sắp đổ bộ.")
loaxa air "$LONG" >/dev/null && ok || bad "air long"
check "the long bulletin on air" wait_position 1
loaxa air "$EMERG" >/dev/null && ok || bad "air emergency"
check "the cut airing is interrupted, the emergency completed" wait_for 30 \
	"any(x['bulletin_id']==$LONG and x['status']=='interrupted' and not x['completed'] for x in r) and any(x['bulletin_id']==$EMERG and x['status']=='completed' for x in r)"

# --- C: kill -9 in the middle of an airing, then a restart.  A second slot
# ("sau") falls after the restart: once it has aired, the restarted daemon
# has had its chance to air "trua" again, and must not have.
stop_daemon
now=$(date +%s)
T=$((now + 8))
T2=$((now + 30))
write_conf "{ name = \"trua\"; when = \"$(at $T)\"; program = \"p\"; catch_up_minutes = 5; },
  { name = \"sau\"; when = \"$(at $T2)\"; program = \"p\"; catch_up_minutes = 5; }"
loaxa queue add "$LONG" --slot trua >/dev/null
start_daemon "$S/loaxa.conf" || exit 1
check "trua on air before the kill" wait_position 2
kill9_daemon
[ "$(date +%s)" -lt "$T2" ] && ok || bad "the kill came after the second slot's instant (the machine stalled)"
start_daemon "$S/loaxa.conf" || exit 1
check "the slot after the restart aired" wait_for 90 "any(x['slot']=='sau' and x['status']=='completed' for x in r)"
db="$S/state/loaxa.db"
n=$(sql "$db" "SELECT count(*) FROM airings WHERE slot = 'trua'")
st=$(sql "$db" "SELECT status || ':' || reason FROM airings WHERE slot = 'trua'")
[ "$n" = 1 ] && ok || bad "slot instant has $n rows after kill -9 and restart"
[ "$st" = "interrupted:daemon stopped" ] && ok || bad "after kill -9: $st"
check "integrity" sh -c "[ \"\$(sqlite3 '$db' 'PRAGMA integrity_check')\" = ok ]"

# --- D: downtime: within the window airs late, older is missed
stop_daemon
now=$(date +%s)
LATE=$((now + 12))
MISS=$((now + 6))
write_conf "{ name = \"late\"; when = \"$(at $LATE)\"; program = \"p\"; catch_up_minutes = 1; },
  { name = \"miss\"; when = \"$(at $MISS)\"; program = \"p\"; catch_up_minutes = 0; }"
start_daemon "$S/loaxa.conf" || exit 1 # the daemon learns the slots
stop_daemon
sleep $((LATE - $(date +%s) + 3))
start_daemon "$S/loaxa.conf" || exit 1
check "the slot within its window aired late" wait_for 30 \
	"any(x['slot']=='late' and x['status']=='completed' and x['lateness_ms'] > 2000 for x in r)"
log_check "[(x['status'], x['scheduled_at']) for x in r if x['slot']=='miss'] == [('missed', '$(iso $MISS)')]" && ok ||
	bad "older slot not logged missed once at its instant $(iso $MISS): $(python3 -c "import json; print([(x['status'], x['scheduled_at']) for x in json.load(open('$S/log.json')) if x['slot']=='miss'])")"
[ "$(sql "$S/state/loaxa.db" "SELECT scheduled_at FROM airings WHERE slot = 'miss'")" = "$((MISS * 1000))" ] && ok ||
	bad "the missed row's scheduled_at is not the slot's instant $((MISS * 1000))"
log_check "[x['scheduled_at'] for x in r if x['slot']=='late'] == ['$(iso $LATE)']" && ok || bad "the late slot's row is not at its instant"
stop_daemon
grep -q 'STOPPING\|stopping' "$S/daemon.log" && ok || bad "no clean stop in the log"

# --- a configuration naming a clip that is not there: refused at start and on reload
cp "$S/loaxa.conf" "$S/good.conf"
sed 's/{ queue = true; gap = 1.0; }/{ queue = true; gap = 1.0; }, { clip = "khong-co"; }/' "$S/good.conf" >"$S/bad.conf"
err=$("$TOP/loaxad" --config "$S/bad.conf" 2>&1)
rc=$?
[ $rc = 1 ] && ok || bad "the daemon started with a missing clip (exit $rc)"
echo "$err" | grep -q 'bad.conf:[0-9]*: programme "p" names the clip "khong-co"' && ok || bad "start refusal: $err"
start_daemon "$S/loaxa.conf" || exit 1
cp "$S/bad.conf" "$S/loaxa.conf"
out=$(loaxa --config "$S/good.conf" reload 2>&1)
rc=$?
[ $rc = 1 ] && ok || bad "reload accepted a missing clip"
echo "$out" | grep -q 'khong-co' && ok || bad "reload refusal: $out"
loaxa --config "$S/good.conf" status >/dev/null && ok || bad "the daemon went away after a refused reload"
cp "$S/good.conf" "$S/loaxa.conf"
stop_daemon

# --- the report counts what the daemon aired
loaxa log --format json >"$S/log.json"
loaxa report --format json >"$S/report.json"
python3 - "$S/log.json" "$S/report.json" <<'PY' && ok || bad "report counts differ from the log"
import json, sys
log = json.load(open(sys.argv[1]))
rep = json.load(open(sys.argv[2]))
counted = [r for r in log if r["kind"] == "bulletin" and r["completed"]
           and r["status"] in ("completed", "interrupted")]
t = rep["totals"]
assert t["airings"] == len(counted), (t, len(counted))
assert t["bulletins"] == len({r["bulletin_id"] for r in counted}), t
assert t["cchc_bulletins"] == len({r["bulletin_id"] for r in counted if r["topic"] != "khac"}), t
assert t["airings"] >= 2      # the queued bulletin and the emergency
assert len(rep["missed"]) >= 1
print("report: %d bulletins, %d airings, %d CCHC; %d missed" % (t["bulletins"], t["airings"], t["cchc_bulletins"], len(rep["missed"])))
PY
finish
