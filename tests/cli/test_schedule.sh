#!/bin/sh
# loaxa schedule and loaxa queue: the coming airings with the bulletins the
# daemon's own picker would put in them, rotation until wanted airings are
# reached, and the warning when the month's CCHC bulletins fall short.
. "$(dirname "$0")/lib.sh"
export TZ=Asia/Ho_Chi_Minh
cat >"$LOAXA_CONFIG" <<CONF
tts = { engine = "fake"; };
slots = ( { name = "sang"; when = "*-*-* 05:30"; program = "mac-dinh"; },
          { name = "chieu"; when = "Mon..Fri 17:00"; program = "mac-dinh"; } );
CONF
A=$(loaxa bulletin add --topic tthc --title "Một cửa" --text "Tin về bộ phận một cửa." --airings 2)
K=$(loaxa bulletin add --topic khac --title "Tiêm phòng" --text "Tin tiêm phòng." --airings 1)
D=$(loaxa bulletin add --topic tthc --title "Nháp" --text "Tin nháp." --airings 5)
loaxa bulletin edit "$D" --until 2000-01-01 2>/dev/null # out of date: never airs
run 0 loaxa schedule --days 3 --format json
printf '%s' "$OUT" >"$T/s.json"
python3 - "$T/s.json" "$A" "$K" "$D" <<'PY' && ok || bad "schedule: $(cat "$T/s.json" | head -40)"
import json, sys
s = json.load(open(sys.argv[1]))
a, k, d = map(int, sys.argv[2:5])
airings = s["airings"]
assert len(airings) >= 3, airings
seen = [b for x in airings for b in x["bulletins"]]
assert seen.count(a) == 2 and seen.count(k) == 1 and d not in seen, seen   # rotation until wanted
assert airings[0]["bulletins"] == [a, k], airings[0]     # oldest first, both fit
for x in airings:
    assert x["slot"] in ("sang", "chieu") and x["program"] == "mac-dinh"
    assert x["expected_length_s"] > 0
assert s["cchc_month"]["target"] == 2
PY
expect_err "target is 2"   # only one CCHC bulletin this month: warned
run 0 loaxa schedule
expect_out "sang +mac-dinh"
# a queued bulletin goes first in its slot
Q=$(loaxa queue add -q "$K" --slot chieu)
run 0 loaxa queue list --format json
printf '%s' "$OUT" | grep -q "\"slot\":\"chieu\"" && ok || bad "queue list: $OUT"
run 0 loaxa queue remove "$Q"
run 1 loaxa queue remove "$Q"
expect_err "no pending queue entry"
run 1 loaxa queue add "$A" --slot trua
expect_err 'no slot "trua"; the slots are: sang, chieu'
run 1 loaxa queue add "$A" --at "2020-01-01 05:30"
expect_err "in the past"
finish
