#!/bin/sh
# loaxa bulletin and clip: the operator's round trip, and every bad input of
# the foundation issue giving its sentence, its exit code, and an unchanged store.
. "$(dirname "$0")/lib.sh"
PLAN="$TOP/tests/data/plans/gieng-day-2025.txt"

# --- the round trip: a real plan's text comes back unchanged
run 0 loaxa bulletin add --topic tthc --title "Kế hoạch CCHC phường Giếng Đáy" --file "$PLAN" --source "Kế hoạch 30/KH-UBND"
ID=$OUT
[ "$ID" = 1 ] && ok || bad "first id is '$ID'"
run 0 loaxa bulletin show "$ID" --format json
printf '%s' "$OUT" >"$T/show.json"
python3 - "$T/show.json" "$PLAN" <<'PY' && ok || bad "JSON round trip"
import json, sys, unicodedata
b = json.load(open(sys.argv[1]))
text = open(sys.argv[2], encoding="utf-8").read()
assert b["text"] == unicodedata.normalize("NFC", text), "text differs"
for k in ("id", "title", "topic", "class", "state", "text", "source", "valid_from", "valid_until", "airings_wanted"):
    assert k in b, k
assert b["topic"] == "tthc" and b["class"] == "normal" and b["state"] == "approved"
assert b["source"] == "Kế hoạch 30/KH-UBND"
PY
run 0 loaxa bulletin add --topic khac --title "Từ stdin" --file - --from 2025-03-01 --until 2025-03-31 --airings 3 --class priority <<'TXT'
Thông báo lịch tiếp công dân.
TXT
run 0 loaxa bulletin show 2 --format json
printf '%s' "$OUT" | grep -q '"valid_until": "2025-03-31"' && ok || bad "until stored"
printf '%s' "$OUT" | grep -q '"airings_wanted": 3' && ok || bad "airings stored"
run 0 loaxa bulletin list
expect_out "Kế hoạch CCHC phường Giếng Đáy"
run 0 loaxa bulletin list --topic khac --format csv
printf '%s' "$OUT" | grep -q "Từ stdin" && ok || bad "csv filter"
printf '%s' "$OUT" | grep -q "Giếng Đáy" && bad "csv filter let tthc through" || ok
run 0 loaxa bulletin list --format json
printf '%s' "$OUT" | python3 -c 'import json,sys; assert len(json.load(sys.stdin)) == 2' && ok || bad "json list"

# --- the list as CSV, read by a CSV parser: titles kept whole (commas,
# quotes), a title that looks like a formula neutralised
run 0 loaxa bulletin add --topic khac --title '=HYPERLINK("http://x.example","bấm")' --text "Tin ba." --airings 2
run 0 loaxa bulletin add --topic khac --title '-1+1, "trích" @SUM(A1)' --text "Tin bốn."
run 0 loaxa bulletin list --format csv
printf '%s' "$OUT" >"$T/list.csv"
python3 "$TOP/tests/cli/csvcheck.py" "$T/list.csv" "(
head == ['id', 'state', 'class', 'topic', 'airings_done', 'airings_wanted', 'valid_from', 'valid_until', 'title', 'source']
and [r['title'] for r in rows] == ['Kế hoạch CCHC phường Giếng Đáy', 'Từ stdin',
     \"'=HYPERLINK(\\\"http://x.example\\\",\\\"bấm\\\")\", \"'-1+1, \\\"trích\\\" @SUM(A1)\"]
and (rows[2]['airings_done'], rows[2]['airings_wanted']) == ('0', '2') and rows[1]['valid_until'] == '2025-03-31' and rows[1]['class'] == 'priority')" &&
	ok || bad "bulletin list CSV"
loaxa bulletin retire 3 >/dev/null && loaxa bulletin retire 4 >/dev/null || bad "retire the CSV bulletins"

# edit keeps the old version
run 0 loaxa bulletin edit 2 --text "Lịch tiếp công dân đổi sang thứ Ba."
run 0 loaxa bulletin show 2 --format json
printf '%s' "$OUT" | grep -q '"version": 2' && ok || bad "edit made version 2"
run 0 loaxa bulletin retire 2
run 0 loaxa bulletin list --state retired
expect_out "Từ stdin"
run 1 loaxa bulletin approve 2
expect_err "retired"

# --- bad input: each a sentence, an exit code, and the store unchanged
db_snapshot
printf 'Xin ch\340o\377 b\340 con\n' >"$T/bad.txt"
run 1 loaxa bulletin add --topic tthc --title x --file "$T/bad.txt"
expect_err "not valid UTF-8.*offset 6"
db_unchanged "invalid UTF-8"

printf '   \n\n' >"$T/empty.txt"
run 1 loaxa bulletin add --topic tthc --title x --file "$T/empty.txt"
expect_err "empty"
db_unchanged "empty text"

head -c 1048577 /dev/zero | tr '\0' 'a' >"$T/big.txt"
run 1 loaxa bulletin add --topic tthc --title x --file "$T/big.txt"
expect_err "limit of 1048576 bytes"
db_unchanged "text over 1 MiB"

run 1 loaxa bulletin add --topic thue --title x --text "Nội dung"
expect_err 'no topic "thue".*tthc'
db_unchanged "unknown topic"
# the same sentence in Vietnamese under a Vietnamese locale
if locale -a 2>/dev/null | grep -qi '^vi_VN.utf-\?8$'; then
	run 1 env LC_ALL=vi_VN.UTF-8 "$TOP/loaxa" bulletin add --topic thue --title x --text "Nội dung"
	expect_err 'Không có chủ đề "thue"; các chủ đề là: .*tthc'
else
	bad "the vi_VN.UTF-8 locale is missing (scripts/deps generates it)"
fi

run 1 loaxa bulletin add --topic tthc --title x --text "Nội dung" --from 2025-03-10 --until 2025-03-01
expect_err "before --from"
db_unchanged "until before from"

run 1 loaxa bulletin add --topic tthc --title x --text "Nội dung" --from 2025-02-30
expect_err "2025-02-30 is not a date"
db_unchanged "impossible date"

run 1 loaxa bulletin add --topic tthc --title x --file "$T/missing.txt"
expect_err "missing.txt.*No such file"
db_unchanged "missing text file"

# dates are exactly YYYY-MM-DD digits: a space or a sign would compare wrong as text
run 1 loaxa bulletin add --topic tthc --title x --text "Nội dung" --from "2025- 3-01"
expect_err "^loaxa: --from 2025- 3-01 is not a date that exists; write YYYY-MM-DD\.$"
run 1 loaxa bulletin add --topic tthc --title x --text "Nội dung" --until "2025-+3-31"
expect_err "--until 2025-\+3-31 is not a date that exists"
run 2 loaxa report --month "2025-+3"
expect_err "--month takes YYYY-MM.*2025-\+3"
run 1 loaxa queue add 1 --at "2030-01-01 +9:00"
expect_err "'2030-01-01 \+9:00' is not a valid date or time"
db_unchanged "dates with a space or a sign"

# nothing to read aloud: punctuation, symbols, emoji
printf '!!! ??? ... ,,, ;;; --- ***\n' >"$T/punct.txt"
run 1 loaxa bulletin add --topic tthc --title x --file "$T/punct.txt"
expect_err "punct.txt has nothing to read aloud: no words, only punctuation and symbols\."
run 1 loaxa bulletin add --topic tthc --title x --text "📢 👍 ★★★ →→"
expect_err "^loaxa: --text has nothing to read aloud"
run 1 loaxa bulletin edit 1 --text "... !!!"
expect_err "nothing to read aloud"
db_unchanged "nothing to read aloud"

# control characters: refused with line:column and the code point
printf 'Th\303\264ng b\303\241o\a \033[31mng\303\240y mai\b h\341\273\215p.\n' >"$T/ctrl.txt"
run 1 loaxa bulletin add --topic tthc --title x --file "$T/ctrl.txt"
expect_err "ctrl.txt:1:10: the text holds the control character U\+0007; remove it"
printf 'D\303\262ng m\341\273\231t.\nC\303\263 \302\205 C1.\n' >"$T/c1.txt"
run 1 loaxa bulletin edit 1 --file "$T/c1.txt"
expect_err "c1.txt:2:4: .*control character U\+0085"
run 1 loaxa bulletin add --topic tthc --title x --text "$(printf 'a\177b')"
expect_err "--text:1:2: .*control character U\+007F"
db_unchanged "control characters"

# ... but a form feed (pdftotext's page break) becomes a line break, and TAB and CR stay
printf 'Trang m\303\264t.\fTrang\thai.\r\n' >"$T/ff.txt"
run 0 loaxa bulletin add --topic tthc --title "Hai trang" --file "$T/ff.txt"
FF=$OUT
run 0 loaxa bulletin show "$FF" --format json
printf '%s' "$OUT" | grep -qF '"text": "Trang môt.\nTrang\thai.\r\n"' && ok || bad "form feed not turned into a line break: $OUT"
db_snapshot

# title and source: UTF-8 without control characters
run 1 loaxa bulletin add --topic tthc --title "$(printf 'Th\033[2Jong b\007ao')" --text "Xin chào."
expect_err "The title must be 1 to 500 bytes of UTF-8 text without control characters\."
run 1 loaxa bulletin edit 1 --title "$(printf 'a\tb')"
expect_err "title .*without control characters"
run 1 loaxa bulletin add --topic tthc --title x --text "Xin chào." --source "$(printf 'KH s\377\376')"
expect_err "The source is not valid UTF-8 \(bad byte at offset 4\)"
run 1 loaxa bulletin add --topic tthc --title x --text "Xin chào." --source "$(printf 'KH\033[2J')"
expect_err "The source holds the control character U\+001B at offset 2"
db_unchanged "title and source"

# unknown options and options without their value: loaxa's sentence, naming the option
run 2 loaxa bulletin add --topic tthc --title x --text y --bogus
expect_err "^loaxa bulletin: unknown option --bogus for 'bulletin add'$"
printf '%s' "$ERR" | grep -q "unrecognized" && bad "getopt's own line printed: $ERR" || ok
run 2 loaxa bulletin add --topic tthc --title
expect_err "^loaxa bulletin: --title needs a value$"
run 2 loaxa bulletin list --help=yes
expect_err "^loaxa bulletin: --help takes no value"
run 2 loaxa clip import x --name a --kind jingle --loud
expect_err "^loaxa clip: unknown option --loud for 'clip import'$"
run 2 loaxa clip list --format xml
expect_err "^loaxa clip: --format is text, csv or json \(got xml\)$"
run 2 loaxa schedule --week
expect_err "^loaxa schedule: unknown option --week$"
run 2 loaxa config -qz check
expect_err "^loaxa config: unknown option -z$"
run 2 loaxa say -o
expect_err "^loaxa say: -o needs a value$"
run 2 loaxa queue add 1 --sloot sang
expect_err "^loaxa queue: unknown option --sloot for 'queue add'$"
db_unchanged "unknown options"

# normalize on standard input names the line and the column of a bad byte
printf 'Xin ch\303\240o!\nXin ch\340o\377\n' >"$T/line2.txt"
run 1 loaxa normalize <"$T/line2.txt"
expect_err "^loaxa: Line 2 of standard input is not valid UTF-8 \(bad byte at column 7\); save it as UTF-8\.$"
expect_out "^xin chào"

head -c 2000 /dev/urandom >"$T/corrupt.wav"
printf 'RIFF' | dd of="$T/corrupt.wav" conv=notrunc 2>/dev/null
run 1 loaxa bulletin add --topic tthc --title x --audio "$T/corrupt.wav"
expect_err "corrupt.wav"
db_unchanged "corrupt audio"

run 1 loaxa clip import "$PLAN" --name plan --kind jingle
expect_err "gieng-day-2025.txt"
db_unchanged "text file as audio"

: >"$T/zero.wav"
run 1 loaxa clip import "$T/zero.wav" --name zero --kind jingle
expect_err "zero.wav is empty"
db_unchanged "zero-length audio"

run 1 loaxa clip import "$T/nothere.wav" --name n --kind jingle
expect_err "nothere.wav.*No such file"
db_unchanged "missing audio"

run 1 loaxa clip show khong-co
expect_err 'no clip "khong-co"'
run 1 loaxa clip remove khong-co
expect_err 'no clip "khong-co"'

run 2 loaxa bulletin add --title x --text y
expect_err "needs --topic"
run 2 loaxa bulletin add --topic tthc --title x --text y --class urgent
expect_err "normal, priority or emergency"
run 2 loaxa bulletin show abc
expect_err "abc"
run 2 loaxa frobnicate
expect_err "frobnicate"
db_unchanged "usage errors"

# --- a clip imports, measures, and is refused removal while used
sox -n -r 44100 -c 2 "$T/jingle.flac" synth 1.5 sine 440 vol 0.5 2>/dev/null
run 0 loaxa clip import "$T/jingle.flac" --name nhac-hieu --kind jingle
CLIP=$OUT
run 0 loaxa clip show nhac-hieu --format json
printf '%s' "$OUT" | python3 -c '
import json, sys
c = json.load(sys.stdin)
assert c["sample_rate"] == 44100 and c["channels"] == 2, c
assert abs(c["duration_s"] - 1.5) < 0.01, c
assert -20 < c["lufs"] < 0 and c["true_peak_dbtp"] < 0, c
assert len(c["sha256"]) == 64
' && ok || bad "clip measured"
rm "$T/jingle.flac"
run 0 loaxa clip list
expect_out "nhac-hieu"
# a name may start with '-': in the CSV list it must not run as a formula
sox -n -r 48000 -c 1 "$T/dash.wav" synth 0.5 sine 440 vol 0.5 2>/dev/null
run 0 loaxa clip import "$T/dash.wav" --name=-1-A1 --kind music
DASH=$OUT
run 0 loaxa clip list --format csv
printf '%s' "$OUT" >"$T/clips.csv"
python3 "$TOP/tests/cli/csvcheck.py" "$T/clips.csv" "(
head == ['id', 'name', 'kind', 'duration_s', 'sample_rate', 'channels', 'lufs', 'true_peak_dbtp', 'sha256']
and sorted((r['name'], r['kind'], r['sample_rate'], r['channels'], r['duration_s']) for r in rows)
    == [(\"'-1-A1\", 'music', '48000', '1', '0.5'), ('nhac-hieu', 'jingle', '44100', '2', '1.5')]
and all(float(r['lufs']) < 0 and len(r['sha256']) == 64 for r in rows))" &&
	ok || bad "clip list CSV"
run 0 loaxa clip remove "$DASH"
run 0 loaxa clip list --format json
printf '%s' "$OUT" | python3 -c 'import json,sys; assert [c["name"] for c in json.load(sys.stdin)] == ["nhac-hieu"]' && ok || bad "clip remove left: $OUT"
run 1 loaxa clip import "$TOP/tests/data/plans/gieng-day-2025.txt" --name nhac-hieu --kind jingle
expect_err "already a clip named"
sox -n -r 16000 -c 1 "$T/rec.wav" synth 2 sine 300 2>/dev/null
run 0 loaxa bulletin add --topic tthc --title "Ghi âm" --audio "$T/rec.wav"
REC=$(loaxa bulletin show "$OUT" --format json | python3 -c 'import json,sys; print(json.load(sys.stdin)["audio_clip_id"])')
run 1 loaxa clip remove "$REC"
expect_err "used by 1 bulletin"
run 0 loaxa clip remove nhac-hieu
[ -z "$(ls "$LOAXA_STATE_DIR/clips" | grep nhac-hieu)" ] && ok || bad "clip file left after remove"

# --- the state directory and the database themselves
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null; then
	asnobody() { setpriv --reuid=65534 --regid=65534 --clear-groups "$@"; }
	mkdir -p "$T/locked"
	chmod 700 "$T/locked"
	chmod 755 "$T"
	run 1 asnobody env LOAXA_STATE_DIR="$T/locked/s" "$TOP/loaxa" bulletin list
	expect_err "state directory|Cannot create"
	db_snapshot
	chmod 777 "$LOAXA_STATE_DIR"
	chmod 444 "$LOAXA_STATE_DIR/loaxa.db"
	chmod 666 "$LOAXA_STATE_DIR"/loaxa.db-* 2>/dev/null
	run 1 asnobody env LOAXA_CONFIG="$LOAXA_CONFIG" LOAXA_STATE_DIR="$LOAXA_STATE_DIR" "$TOP/loaxa" bulletin add --topic tthc --title x --text y
	expect_err "read-only"
	chmod 644 "$LOAXA_STATE_DIR/loaxa.db"
	db_unchanged "read-only database"
fi

db_snapshot
python3 - "$LOAXA_STATE_DIR/loaxa.db" "$T/locked.flag" <<'PY' &
import sqlite3, sys, time
db = sqlite3.connect(sys.argv[1], isolation_level=None)
db.execute("BEGIN EXCLUSIVE")
open(sys.argv[2], "w").close()
time.sleep(8)
PY
LOCKER=$!
while [ ! -e "$T/locked.flag" ]; do sleep 0.1; done
run 1 loaxa bulletin add --topic tthc --title x --text y
expect_err "locked by another process"
kill $LOCKER 2>/dev/null
wait $LOCKER 2>/dev/null
db_unchanged "locked database"

# --- config check: file:line for a bad calendar and a clip not imported
printf 'slots = (\n  { name = "s"; when = "Mon..Fry 05:30"; program = "mac-dinh"; }\n);\n' >"$T/bad.conf"
run 1 loaxa config check --config "$T/bad.conf"
expect_err "bad.conf:2: slot \"s\": when: .*Mon..Fry"
printf 'programs = { p = { items = (\n { clip = "khong-co"; } ); }; };\n' >"$T/bad2.conf"
run 1 loaxa config check --config "$T/bad2.conf"
expect_err "bad2.conf:2: programme \"p\" names the clip \"khong-co\""
# the other commands keep working, so the operator can import the clip
run 0 loaxa --config "$T/bad2.conf" clip list --format json
printf '%s' "$OUT" | python3 -c 'import json,sys; assert [c["kind"] for c in json.load(sys.stdin)] == ["recording"]' && ok || bad "clip list under a bad configuration: $OUT"
run 0 loaxa config check
expect_out 'timezone = "Asia/Ho_Chi_Minh"'
finish
