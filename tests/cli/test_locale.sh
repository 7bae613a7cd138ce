#!/bin/sh
# What loaxa writes for machines does not change with the locale: under
# LANG=vi_VN.UTF-8 (decimal comma) the XLSX exports hold numbers LibreOffice
# reads as numbers, the CSV and JSON keep a decimal point, and the dump of
# `loaxa config check` loads back as it is, showing the state directory in
# force (LOAXA_STATE_DIR, --state-dir).  Every export is read back: XLSX by
# LibreOffice, CSV by python3's csv, JSON by python3's json, the dump by
# `loaxa config check` itself.
. "$(dirname "$0")/lib.sh"
export TZ=Asia/Ho_Chi_Minh
DB="$LOAXA_STATE_DIR/loaxa.db"
if ! locale -a | grep -qi '^vi_VN.utf-\?8$'; then
	bad "the vi_VN.UTF-8 locale is missing (scripts/deps generates it)"
	finish
	exit 1
fi
vi() { LC_ALL=vi_VN.UTF-8 LANG=vi_VN.UTF-8 "$@"; }

# --- the configuration dump: loads back, values kept to the last digit
cat >"$LOAXA_CONFIG" <<'CONF'
audio = { output = "null"; loudness_lufs = -14.5; true_peak_dbtp = -1.25; duck_attack = 0.0125;
          duck_release = 0.3333; highpass_hz = 152.5; };
tts = { engine = "fake"; };
programs = { p = { max_minutes = 14.75; items = ( { tts = "Xin chào \"bà con\"."; gain_db = -3.25; fade_in = 0.05; },
                                                  { silence = 0.35; }, { queue = true; gap = 1.5; } ); }; };
slots = ( { name = "sang"; when = "*-*-* 05:30"; program = "p"; } );
station = { name = "Đài xã"; signer_name = "Nguyễn Văn An"; recipients = ( "UBND xã \"A\"", "Lưu" ); };
CONF
run 0 vi loaxa config check
printf '%s\n' "$OUT" >"$T/dump1.conf"
grep -q ',[0-9]' "$T/dump1.conf" && bad "the dump holds a decimal comma: $(grep ',[0-9]' "$T/dump1.conf")" || ok
run 0 vi loaxa --config "$T/dump1.conf" config check
printf '%s\n' "$OUT" >"$T/dump2.conf"
# the same configuration: only the header names another file
diff "$T/dump1.conf" "$T/dump2.conf" | grep '^[<>]' | grep -v '^[<>] #' >"$T/diff"
[ ! -s "$T/diff" ] && ok || bad "the dump changed when loaded back: $(cat "$T/diff")"
for want in 'loudness_lufs = -14.5;' 'true_peak_dbtp = -1.25;' 'duck_attack = 0.0125;' \
	'duck_release = 0.3333;' 'highpass_hz = 152.5;' 'max_minutes = 14.75;' 'gain_db = -3.25;' \
	'silence = 0.35;' 'fade_in = 0.05;' 'recipients = ( "UBND xã \"A\"", "Lưu" );'; do
	grep -qF "$want" "$T/dump1.conf" && ok || bad "the dump lacks '$want'"
done
# the state directory in force, not the built-in one
grep -qF "state_dir = \"$LOAXA_STATE_DIR\";" "$T/dump1.conf" && ok ||
	bad "LOAXA_STATE_DIR is not shown: $(grep state_dir "$T/dump1.conf")"
run 0 vi loaxa --state-dir "$T/other" config check
printf '%s' "$OUT" | grep -qF "state_dir = \"$T/other\";" && ok || bad "--state-dir is not shown"
# the header is a comment in the reader's language
head -1 "$T/dump1.conf" | grep -q '^# cấu hình đang có hiệu lực' && ok ||
	bad "the dump's header is not Vietnamese: $(head -1 "$T/dump1.conf")"

# --- a log with fractions: 2025-03-03 05:30:15 +07, lengths 60.5 and 12.25 s
: >"$LOAXA_CONFIG"
A=$(loaxa bulletin add --topic tthc --title "Một cửa" --text "Tin một.")
B=$(loaxa bulletin add --topic khac --title "Tiêm phòng" --text "Tin hai.")
sqlite3 "$DB" <<SQL
INSERT INTO airings (id, slot, program, scheduled_at, started_at, ended_at, status, reason, lateness_ms, audio_sha256, normalizer_version)
  VALUES (1, 'sang', 'p', 1740954615000, 1740954615002, 1740954700000, 'completed', NULL, 2, NULL, 1);
INSERT INTO aired_items (airing_id, seq, kind, bulletin_id, bulletin_version, clip_id, offset_s, length_s, completed)
  VALUES (1, 0, 'bulletin', $A, 1, NULL, 0, 60.5, 1), (1, 1, 'bulletin', $B, 1, NULL, 61, 12.25, 1);
SQL

run 0 vi loaxa log --format csv -o "$T/log.csv"
python3 - "$T/log.csv" <<'PY' && ok || bad "log CSV under vi_VN: $(cat "$T/log.csv")"
import csv, sys
rows = list(csv.reader(open(sys.argv[1], encoding="utf-8-sig", newline="")))
body = rows[1:]
assert len(body) == 2 and all(len(r) == len(rows[0]) for r in body), rows
assert body[0][1] == "05:30:15", body[0]
assert sorted(r[8] for r in body) == ["12.2", "60.5"] or sorted(r[8] for r in body) == ["12.3", "60.5"], body
PY
run 0 vi loaxa log --format json
printf '%s' "$OUT" | python3 -c '
import json, sys
r = json.load(sys.stdin)
assert sorted(x["length_s"] for x in r) == [12.25, 60.5], r
assert r[0]["scheduled_at"] == "2025-03-03T05:30:15.000+07:00", r[0]' && ok || bad "log JSON under vi_VN: $OUT"
run 0 vi loaxa report --month 2025-03 --format json
printf '%s' "$OUT" | python3 -c '
import json, sys
r = json.load(sys.stdin)
assert r["totals"]["airtime_s"] == 72.75, r["totals"]' && ok || bad "report JSON under vi_VN: $OUT"
run 0 vi loaxa report --month 2025-03 --format csv -o "$T/r.csv"
python3 - "$T/r.csv" <<'PY' && ok || bad "report CSV under vi_VN: $(cat "$T/r.csv")"
import csv, sys
rows = list(csv.reader(open(sys.argv[1], encoding="utf-8-sig", newline="")))
assert rows[1][:5] == ["2025-03", "2", "1", "2", "73"], rows[1]
PY

# --- people read their own decimal separator: a comma under vi_VN, a point under C
run 0 vi loaxa log
expect_out "60,5 .*Một cửa"
run 0 loaxa log
expect_out "60\.5 .*Một cửa"
loaxa say -o "$T/a.wav" "Xin chào." >/dev/null 2>&1 && loaxa clip import "$T/a.wav" --name a --kind jingle >/dev/null ||
	bad "cannot make a clip"
run 0 vi loaxa clip show a
expect_out "thời lượng: [0-9]+,[0-9]{2} giây"
expect_out "độ lớn: +-[0-9]+,[0-9] LUFS"

# --- listings for machines: the same bytes under vi_VN as under C
loaxa queue add "$A" --slot sang >/dev/null 2>&1
for what in "clip list --format csv" "clip list --format json" "bulletin list --format csv" \
	"bulletin list --format json" "queue list --format csv" "queue list --format json" \
	"report --month 2025-03 --format csv" "report --month 2025-03 --format json" \
	"log --format csv" "log --format json" "clip show a --format json"; do
	# shellcheck disable=SC2086
	vi loaxa $what >"$T/vi.out" 2>/dev/null && loaxa $what >"$T/c.out" 2>/dev/null || bad "$what"
	cmp -s "$T/vi.out" "$T/c.out" && ok || bad "$what changes with the locale: $(diff "$T/vi.out" "$T/c.out" | head -4)"
done

# --- XLSX under vi_VN: every number in the sheet XML is a number, and
# LibreOffice reads the time, the length and the airtime back
run 0 vi loaxa log --format xlsx -o "$T/log.xlsx"
run 0 vi loaxa report --month 2025-03 --format xlsx -o "$T/r.xlsx"
for x in log r; do
	unzip -p "$T/$x.xlsx" xl/worksheets/sheet1.xml >"$T/$x.xml"
	python3 - "$T/$x.xml" <<'PY' && ok || bad "$x.xlsx holds a number with a comma"
import re, sys
xml = open(sys.argv[1], encoding="utf-8").read()
vals = re.findall(r"<v>([^<]*)</v>", xml)
widths = re.findall(r'width="([^"]*)"', xml)
assert vals and widths, (vals, widths)
for v in vals + widths:
    float(v)
PY
done
to_csv() { # XLSX -> CSV with LibreOffice, as shown, under the C locale
	mkdir -p "$T/lo"
	HOME="$T" LC_ALL=C.UTF-8 timeout 180 soffice --headless \
		--convert-to 'csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,true' \
		--outdir "$T/lo" "$1" >/dev/null 2>&1
}
if command -v soffice >/dev/null; then
	to_csv "$T/log.xlsx"
	to_csv "$T/r.xlsx"
	python3 - "$T/lo/log.csv" <<'PY' && ok || bad "LibreOffice reads the vi_VN log XLSX wrong: $(cat "$T/lo/log.csv")"
import csv, sys
rows = [r for r in csv.reader(open(sys.argv[1], encoding="utf-8-sig", newline="")) if any(r)]
body = rows[2:]
assert len(body) == 2, rows
assert all(r[1] == "05:30:15" for r in body), body
assert sorted(r[8] for r in body) in (["12.2", "60.5"], ["12.3", "60.5"]), body
PY
	python3 - "$T/lo/r.csv" <<'PY' && ok || bad "LibreOffice reads the vi_VN report XLSX wrong: $(cat "$T/lo/r.csv")"
import csv, sys
rows = [r for r in csv.reader(open(sys.argv[1], encoding="utf-8-sig", newline="")) if any(r)]
assert any("0:01:13" in r for r in rows), rows
PY
else
	bad "soffice is missing (scripts/deps installs libreoffice-calc-nogui)"
fi
finish
