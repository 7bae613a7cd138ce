#!/bin/sh
# Rotation counts what is already planned: bulletins picked for airings that
# are planned or playing but not yet logged count exactly as logged ones, so
# a bulletin airs as often as asked even when several slots fall inside the
# lead time, when `loaxa air --program` comes while a slot is planned, and
# across a reload; a restart forgets what was only planned (a planned pick
# that never aired is not an airing).  `loaxa schedule` shows the picks the
# daemon made, and the web console's schedule shows the same.
. "$(dirname "$0")/lib.sh"
. "$TOP/tests/web/lib.sh"
pa_start || exit 1
export TZ=Asia/Ho_Chi_Minh
export LOAXA_CONFIG="$S/loaxa.conf"
DB="$S/state/loaxa.db"

at() { date -d "@$1" '+%Y-%m-%d %H:%M:%S'; }

# write_conf SLOTS
write_conf() {
	cat >"$S/loaxa.conf" <<CONF
state_dir = "$S/state";
control_socket = "$S/control.sock";
lead_seconds = 120;
audio = { output = "portaudio"; };
web = { listen = "127.0.0.1:0"; };
programs = { p = { items = ( { tts = "Xin chào."; gap = 0.3; }, { queue = true; gap = 0.3; } ); }; };
slots = ( $1 );
CONF
}
slot() { # slot NAME INSTANT
	printf '{ name = "%s"; when = "%s"; program = "p"; catch_up_minutes = 1; }' "$1" "$(at "$2")"
}

# aired SLOT: the bulletins that aired in the slot's airing, as "id id ..."
aired() {
	sql "$DB" "SELECT group_concat(i.bulletin_id, ' ') FROM airings a JOIN aired_items i ON i.airing_id = a.id
		WHERE a.slot = '$1' AND i.kind = 'bulletin' AND i.completed = 1 AND a.status = 'completed'"
}
# count_aired BULLETIN: how many times it aired (items that count)
count_aired() {
	sql "$DB" "SELECT count(*) FROM airings a JOIN aired_items i ON i.airing_id = a.id
		WHERE i.bulletin_id = $1 AND i.kind = 'bulletin' AND i.completed = 1 AND a.status IN ('completed','interrupted')"
}
# wait_rows N: until N rows are logged with a final status (90 s at most)
wait_rows() {
	for _ in $(seq 450); do
		[ "$(sql "$DB" "SELECT count(*) FROM airings WHERE status <> 'started'")" -ge "$1" ] && return 0
		sleep 0.2
	done
	return 1
}
# wait_planned N: until the daemon has N slot airings planned
wait_planned() {
	for _ in $(seq 100); do
		n=$(loaxa status --format json 2>/dev/null | python3 -c 'import json,sys; print(len([p for p in json.load(sys.stdin).get("planned", []) if p["slot"]]))' 2>/dev/null)
		[ "${n:-0}" -ge "$1" ] && return 0
		sleep 0.2
	done
	return 1
}

bul() { # bul WORD AIRINGS
	loaxa bulletin add --topic tthc --title "$1" --airings "$2" --text "Bản tin thứ $1 rất ngắn."
}

write_conf ""
printf 'mat-khau-123\n' | loaxa user add lan --role officer --password-stdin || exit 1
# --- 1: three slots 8 s apart, all inside the 120 s lead: A (2 airings) and
# B (1) are picked as if each planned airing had aired
A=$(bul một 2)
B=$(bul hai 1)
now=$(date +%s)
T1=$((now + 12))
write_conf "$(slot s1 $T1), $(slot s2 $((T1 + 8))), $(slot s3 $((T1 + 16)))"
start_daemon "$S/loaxa.conf" || exit 1
web_up "$S/web.log" "$TOP/loaxa-web" --config "$S/loaxa.conf" --static "$TOP/web/static" || exit 1
curl -sf -c "$S/cookies" -H 'Content-Type: application/json' \
	-d '{"name":"lan","password":"mat-khau-123"}' "$WEB_URL/api/v1/login" >/dev/null && ok || bad "web login"
check "three slots planned" wait_planned 3
loaxa schedule --format json >"$S/schedule.json"
curl -sf -b "$S/cookies" "$WEB_URL/api/v1/schedule?days=2" >"$S/web-schedule.json" || bad "web schedule"
python3 - "$S/schedule.json" "$A" "$B" "$S/web-schedule.json" <<'PY' && ok || bad "schedule: $(head -c 600 "$S/schedule.json") web: $(head -c 600 "$S/web-schedule.json")"
import json, sys
s = json.load(open(sys.argv[1]))
a, b = int(sys.argv[2]), int(sys.argv[3])
got = {x["slot"]: x["bulletins"] for x in s["airings"] if x["slot"] in ("s1", "s2", "s3")}
assert got == {"s1": [a, b], "s2": [a], "s3": []}, got
assert all(x["planned"] for x in s["airings"] if x["slot"] in got), s["airings"]
# the web console's schedule: the same airings, picks and counts
w = json.load(open(sys.argv[4]))
cli = [(x["slot"], x["bulletins"], x["planned"]) for x in s["airings"]]
web = [(x["slot"], [y["id"] for y in x["bulletins"]], x["planned"]) for x in w["airings"]]
assert web == cli, (web, cli)
assert w["cchc_month"] == s["cchc_month"], (w["cchc_month"], s["cchc_month"])
PY
kill "$WEB_PID" 2>/dev/null
wait "$WEB_PID" 2>/dev/null
check "three airings logged" wait_rows 3
echo "phase 1: s1 [$(aired s1)] s2 [$(aired s2)] s3 [$(aired s3)]; $(tally "$DB")"
[ "$(aired s1)" = "$A $B" ] && ok || bad "s1 aired [$(aired s1)], wanted [$A $B]"
[ "$(aired s2)" = "$A" ] && ok || bad "s2 aired [$(aired s2)], wanted [$A]"
[ -z "$(aired s3)" ] && ok || bad "s3 aired [$(aired s3)], wanted nothing"
[ "$(count_aired "$A")" = 2 ] && ok || bad "A aired $(count_aired "$A") times, wanted 2"
[ "$(count_aired "$B")" = 1 ] && ok || bad "B aired $(count_aired "$B") times, wanted 1"
loaxa bulletin show "$A" --format json | grep -q '"airings_done": 2' && ok || bad "A's airings_done"

# --- 2: loaxa air --program while a slot is planned: C is the slot's, not the manual airing's
C=$(bul ba 1)
now=$(date +%s)
write_conf "$(slot s4 $((now + 12)))"
loaxa reload >/dev/null && ok || bad "reload for s4"
check "s4 planned" wait_planned 1
loaxa air --program p >/dev/null && ok || bad "air --program"
check "manual airing and s4 logged" wait_rows 5
[ "$(aired s4)" = "$C" ] && ok || bad "s4 aired [$(aired s4)], wanted [$C]"
[ "$(count_aired "$C")" = 1 ] && ok || bad "C aired $(count_aired "$C") times (manual airing and s4), wanted 1"

# --- 3: a reload while D's slot is planned: the next slot, planned after the
# reload, still counts it
D=$(bul bốn 1)
now=$(date +%s)
write_conf "$(slot s5 $((now + 12)))"
loaxa reload >/dev/null && ok || bad "reload for s5"
check "s5 planned" wait_planned 1
write_conf "$(slot s5 $((now + 12))), $(slot s6 $((now + 20)))"
loaxa reload >/dev/null && ok || bad "reload for s6"
check "s5 and s6 logged" wait_rows 7
[ "$(aired s5)" = "$D" ] && ok || bad "s5 aired [$(aired s5)], wanted [$D]"
[ -z "$(aired s6)" ] && ok || bad "s6 aired [$(aired s6)], wanted nothing"
[ "$(count_aired "$D")" = 1 ] && ok || bad "D aired $(count_aired "$D") times, wanted 1"

# --- 4: a restart while E's slot is planned: what was only planned is not an
# airing, so E airs in the slot after the restart, once
E=$(bul năm 1)
now=$(date +%s)
write_conf "$(slot s7 $((now + 14)))"
loaxa reload >/dev/null && ok || bad "reload for s7"
check "s7 planned" wait_planned 1
stop_daemon
start_daemon "$S/loaxa.conf" || exit 1
check "s7 logged" wait_rows 8
[ "$(aired s7)" = "$E" ] && ok || bad "s7 aired [$(aired s7)], wanted [$E]"
[ "$(count_aired "$E")" = 1 ] && ok || bad "E aired $(count_aired "$E") times, wanted 1"
stop_daemon
log_whole "$DB"
echo "after the test: $(tally "$DB")"
finish
