#!/bin/sh
# One counting rule: on the same store, `loaxa schedule`'s "this month so
# far" (cchc_month.aired) is `loaxa report`'s CCHC figure for the month,
# and each bulletin's airings_done agrees with the report, with airings
# completed, interrupted (one bulletin finished before the cut, one cut),
# failed after a bulletin had played, missed, still `started`, and a
# bulletin that is not CCHC.  The airings are written with SQL as the
# daemon writes them (the daemon-made ones are checked by the system tests).
. "$(dirname "$0")/lib.sh"
export TZ=Asia/Ho_Chi_Minh
DB="$LOAXA_STATE_DIR/loaxa.db"
cat >"$LOAXA_CONFIG" <<CONF
tts = { engine = "fake"; };
targets = { cchc_per_month = 3; };
slots = ( { name = "sang"; when = "2099-01-01 05:30"; program = "mac-dinh"; } );
CONF
add() { loaxa bulletin add --topic "$1" --title "$2" --text "Bản tin $2." --airings 0; }
A=$(add tthc "một")            # completed airing
B=$(add tthc "hai")            # finished before the cut of an interrupted airing
C=$(add chinh-quyen-so "ba")   # cut in the middle: does not count
D=$(add tthc "bốn")            # played, then the airing failed: failed counts nothing
E=$(add tthc "năm")            # in an airing still on air (`started`): not yet
K=$(add khac "sáu")            # completed, but not a CCHC topic
[ -n "$A" ] && [ -n "$K" ] && ok || bad "bulletin add"
# this month, a few seconds ago (ms)
now=$(($(date +%s) * 1000 - 10000))
sqlite3 "$DB" <<SQL
INSERT INTO airings (id, slot, program, scheduled_at, started_at, ended_at, status, reason, lateness_ms)
  VALUES (1, 'a', 'p', $now, $now, $now, 'completed', NULL, 1),
         (2, 'b', 'p', $((now + 1)), $((now + 1)), $((now + 1)), 'interrupted', 'loaxa stop', 1),
         (3, 'c', 'p', $((now + 2)), $((now + 2)), $((now + 2)), 'failed', 'the sound card went away', 1),
         (4, 'd', 'p', $((now + 3)), NULL, $((now + 3)), 'missed', 'daemon stopped before it started', 0),
         (5, 'e', 'p', $((now + 4)), $((now + 4)), NULL, 'started', NULL, 1);
INSERT INTO aired_items (airing_id, seq, kind, bulletin_id, bulletin_version, offset_s, length_s, completed)
  VALUES (1, 0, 'bulletin', $A, 1, 0, 10, 1), (1, 1, 'bulletin', $K, 1, 10, 10, 1),
         (2, 0, 'bulletin', $B, 1, 0, 10, 1), (2, 1, 'bulletin', $C, 1, 10, 10, 0),
         (3, 0, 'bulletin', $D, 1, 0, 10, 1), (3, 1, 'bulletin', $A, 1, 10, 10, 0),
         (5, 0, 'bulletin', $E, 1, 0, 10, 1);
SQL
run 0 loaxa report --format json
printf '%s' "$OUT" >"$T/report.json"
run 0 loaxa schedule --format json
printf '%s' "$OUT" >"$T/schedule.json"
python3 - "$T/report.json" "$T/schedule.json" <<'PY' && ok || bad "schedule and report disagree: $(cat "$T/schedule.json" | tail -9)"
import json, sys
r = json.load(open(sys.argv[1]))
s = json.load(open(sys.argv[2]))
month = r["months"][0]
assert month["cchc_bulletins"] == 2, month            # A and B
assert s["cchc_month"]["aired"] == month["cchc_bulletins"], (s["cchc_month"], month["cchc_bulletins"])
assert s["cchc_month"]["aired_and_planned"] == 2, s["cchc_month"]   # the only slot is in 2099
assert month["bulletins"] == 3 and month["airings"] == 3, month      # A, B, K
PY
expect_err "2 CCHC bulletin\(s\) aired or planned this month, the target is 3"
for pair in "$A 1" "$B 1" "$C 0" "$D 0" "$E 0" "$K 1"; do
	set -- $pair
	loaxa bulletin show "$1" --format json | grep -q "\"airings_done\": $2" && ok ||
		bad "bulletin $1: airings_done is not $2: $(loaxa bulletin show "$1" --format json | grep airings_done)"
done
# the airing on air ends completed: now E counts, in both
sqlite3 "$DB" "UPDATE airings SET status = 'completed', ended_at = $((now + 5)) WHERE id = 5"
run 0 loaxa report --format json
printf '%s' "$OUT" | python3 -c 'import json,sys; m=json.load(sys.stdin)["months"][0]; assert m["cchc_bulletins"] == 3, m' && ok || bad "report after E ended"
run 0 loaxa schedule --format json
printf '%s' "$OUT" | python3 -c 'import json,sys; c=json.load(sys.stdin)["cchc_month"]; assert c["aired"] == 3 and c["met"] is True, c' && ok || bad "schedule after E ended"
finish
