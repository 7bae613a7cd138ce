#!/bin/sh
# loaxa queue add says where and when the bulletin airs (slot and local
# time, as people write it), refuses a time no slot falls at naming the
# nearest slots, asks for each of the next N days with --days, and an
# entry whose slot airing passed leaves `queue list` (issue 18.5).
. "$(dirname "$0")/lib.sh"
export TZ=Asia/Ho_Chi_Minh
vi() { LC_ALL=vi_VN.UTF-8 LANG=vi_VN.UTF-8 "$@"; }
cat >"$LOAXA_CONFIG" <<CONF
tts = { engine = "fake"; };
timezone = "Asia/Ho_Chi_Minh";
slots = ( { name = "sang"; when = "*-*-* 06:00"; program = "mac-dinh"; catch_up_minutes = 10; },
          { name = "chieu"; when = "*-*-* 17:30"; program = "mac-dinh"; } );
CONF
B=$(loaxa bulletin add --topic tthc --title "Một cửa" --text "Tin về bộ phận một cửa.")
loaxa bulletin approve "$B" >/dev/null 2>&1
TMR=$(date -d "tomorrow 12:00" +%F)
TMR_DM=$(date -d "tomorrow 12:00" +%d/%m)

# a time no slot falls at is refused, naming the slots around it
db_snapshot
run 1 vi loaxa queue add "$B" --at "$TMR 06:05"
expect_err "06:05"
expect_err "sang lúc 06:00 ngày mai"
expect_err "chieu lúc 17:30 ngày mai"
expect_err "loaxa air ID --at"
db_unchanged "a time no slot falls at"

# a slot's own time: where and when, in words
run 0 vi loaxa queue add "$B" --at "$TMR 17:30"
expect_out "^Yêu cầu [0-9]+: bản tin $B phát ở khung chieu lúc 17:30 ngày mai\.$"
E1=$(printf '%s' "$OUT" | sed -n 's/^Yêu cầu \([0-9]*\):.*/\1/p')
run 0 loaxa queue add "$B" --slot sang
expect_out "^Entry [0-9]+: bulletin $B airs in slot sang at 06:00 (today|tomorrow)\.$"
run 0 loaxa queue add "$B"
expect_out "^Entry [0-9]+: bulletin $B airs in the next slot, (sang at 06:00|chieu at 17:30) (today|tomorrow)\.$"

# --days 7: one request for each of the next 7 days, each a different day
run 0 loaxa queue add "$B" --slot sang --days 7
[ "$(printf '%s\n' "$OUT" | grep -c "airs in slot sang at 06:00")" = 7 ] && ok || bad "--days 7: $OUT"
printf '%s\n' "$OUT" | grep -q "at 06:00 $(date -d "12:00 5 days" +%d/%m)" && ok || bad "--days 7 lacks the 5th day: $OUT"
run 0 loaxa queue list --format json
python3 - "$OUT" <<'PY' && ok || bad "queue list after --days: $OUT"
import json, sys
q = json.loads(sys.argv[1])
days = sorted(e["at"][:10] for e in q if e["slot"] == "sang" and e["at"])
assert len(days) == 7 and len(set(days)) == 7, days
PY
run 2 loaxa queue add "$B" --days 3
expect_err "needs --slot"

# an entry whose slot airing passed (the catch-up window too) leaves the list
run 0 vi loaxa queue list
expect_out "chieu 17:30 $TMR_DM|chieu 17:30 ngày mai"
sqlite3 "$LOAXA_STATE_DIR/loaxa.db" "UPDATE queue SET at_ms = at_ms - 3*86400000 WHERE id = $E1"
run 0 loaxa queue list --format json
printf '%s' "$OUT" | grep -q "\"id\": *$E1," && bad "expired entry $E1 still listed: $OUT" || ok
# --at with --days: the same slot time on each day
run 0 loaxa queue add -q "$B" --at "$TMR 17:30" --days 3
[ "$(printf '%s\n' "$OUT" | grep -c '^[0-9][0-9]*$')" = 3 ] && ok || bad "--at --days 3 -q: $OUT"

# loaxa air --at: stored for the daemon (which need not be running), said in words
run 0 vi loaxa air "$B" --at "$TMR 06:05"
expect_out "^Bản tin $B phát lúc 06:05 ngày mai\.$"
n=$(sqlite3 "$LOAXA_STATE_DIR/loaxa.db" "SELECT count(*) FROM air_requests WHERE bulletin_id = $B AND airing_id IS NULL")
[ "$n" = 1 ] && ok || bad "air --at stored $n requests"
run 0 loaxa air "$B" --at "$TMR 08:00" --repeat 3 --every 20
expect_out "^Bulletin $B airs at 08:00 tomorrow, then every 20 minutes until 08:40 tomorrow \(3 airings\)\.$"
run 2 loaxa air "$B" --at "$TMR 08:00" --repeat 3
expect_err "needs --every"
run 1 loaxa air "$B" --at "2020-01-01 05:00"
expect_err "in the past"
run 2 loaxa air --program mac-dinh --at "$TMR 08:00"
expect_err "not a programme"
D=$(loaxa bulletin add --topic tthc --title "Nháp" --text "Tin nháp.")
sqlite3 "$LOAXA_STATE_DIR/loaxa.db" "UPDATE bulletins SET state = 'draft' WHERE id = $D"
db_snapshot
run 1 loaxa air "$D" --at "$TMR 08:00"
expect_err "only approved bulletins air"
db_unchanged "air --at refused"
finish
