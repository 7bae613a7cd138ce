#!/bin/sh
# loaxa log and loaxa report: counts and cells as officers will read them —
# the CSV through a real CSV parser (python3's csv), the XLSX through
# LibreOffice (soffice --headless --convert-to csv) compared cell by cell
# with the CSV — formula injection neutralised, Vietnamese headers under a
# Vietnamese locale, bad periods refused, nothing half-written.
#
# The airings are written with SQL as the daemon's store_airing_add() /
# store_aired_item_add() would write them (the daemon-made airings are
# checked by the system tests); the unit test test_reports goes through
# the store's API.
. "$(dirname "$0")/lib.sh"
export TZ=Asia/Ho_Chi_Minh
DB="$LOAXA_STATE_DIR/loaxa.db"
vi() { LC_ALL=vi_VN.UTF-8 LANG=vi_VN.UTF-8 "$@"; }

# --- an empty store: an empty report that says so, exit 0
run 0 loaxa report --month 2025-03
expect_out "Nothing was aired or missed"
run 0 loaxa report --year 2025 --format json
printf '%s' "$OUT" | python3 -c 'import json,sys; r=json.load(sys.stdin); assert r["empty"] is True and len(r["months"]) == 12' && ok || bad "empty json"
run 0 loaxa report --month 2025-03 --format csv -o "$T/empty.csv"
expect_err "empty"
python3 "$TOP/tests/cli/csvcheck.py" "$T/empty.csv" "(head[0] == 'month' and len(tables) == 4
    and [list(r.values()) for r in rows] == [['2025-03', '0', '0', '0', '0', '0', 'not_started', '0', '0'], ['total', '0', '0', '0', '0', '0', 'not_started', '0', '0']]
    and tables[1][1] == [] and tables[2][1] == [] and tables[3][1] == [])" &&
	ok || bad "the empty month's report CSV: $(cat "$T/empty.csv")"
run 0 loaxa log
expect_out "nothing in the log"
run 0 loaxa log --month 2025-03 --format csv
printf '%s' "$OUT" >"$T/empty-log.csv"
python3 "$TOP/tests/cli/csvcheck.py" "$T/empty-log.csv" "head[:3] == ['date', 'time', 'slot'] and len(head) == 16 and rows == []" &&
	ok || bad "the empty month's log CSV is not its header alone: $OUT"

A=$(loaxa bulletin add --topic tthc --title "=HYPERLINK(\"http://evil\",\"bấm\")" --text "Tin một.")
B=$(loaxa bulletin add --topic chinh-quyen-so --title "Dịch vụ công, trực tuyến" --text "Tin hai.")
K=$(loaxa bulletin add --topic khac --title "@SUM(1+1) Tiêm phòng" --text "Tin ba.")
[ -n "$A" ] && [ -n "$B" ] && [ -n "$K" ] && ok || bad "bulletin add"
# airings as the daemon logs them (ms; 2025-03-03 05:30 +07 = 1740954600000):
# 1 completed (A, B), 2 interrupted (K finished, A cut), 3 missed,
# 4 completed in April (B), 5 failed in February, 6 completed 31 Jan 23:30
# local (16:30 UTC: January, not February), 7 completed with B and a jingle.
sqlite3 "$DB" <<SQL
INSERT INTO clips (id, name, kind, file, duration_s, sample_rate, channels, frames, sha256, created_at)
  VALUES (1, 'nhạc hiệu', 'jingle', 'x.flac', 5, 48000, 1, 240000, 'aa', 0);
INSERT INTO airings (id, slot, program, scheduled_at, started_at, ended_at, status, reason, lateness_ms, audio_sha256, normalizer_version)
  VALUES (1, 'sang', 'p', 1740954600000, 1740954600002, 1740954780000, 'completed', NULL, 2, 'ab12', 1),
         (2, 'sang', 'p', 1741041000000, 1741041000001, 1741041100000, 'interrupted', 'daemon stopped', 1, NULL, 1),
         (3, 'chieu', 'p', 1741082400000, NULL, 1741082400000, 'missed', 'the daemon was not running', 0, NULL, 1),
         (4, 'sang', 'p', 1743460200000, 1743460200003, 1743460300000, 'completed', NULL, 3, NULL, 1),
         (5, 'chieu', 'p', 1738749600000, NULL, 1738749600000, 'failed', '-rm -rf: sound card gone', 0, NULL, 1),
         (6, 'dem', 'p', 1738341000000, 1738341000004, 1738341100000, 'completed', NULL, 4, NULL, 1),
         (7, 'sang', 'p', 1741127400000, 1741127400005, 1741127500000, 'completed', NULL, 5, NULL, 1);
INSERT INTO aired_items (airing_id, seq, kind, bulletin_id, bulletin_version, clip_id, offset_s, length_s, completed)
  VALUES (1, 0, 'bulletin', $A, 1, NULL, 0, 60, 1), (1, 1, 'bulletin', $B, 1, NULL, 61, 60, 1),
         (2, 0, 'bulletin', $K, 1, NULL, 0, 60, 1), (2, 1, 'bulletin', $A, 1, NULL, 61, 60, 0),
         (4, 0, 'bulletin', $B, 1, NULL, 0, 60, 1), (6, 0, 'bulletin', $A, 1, NULL, 0, 45, 1),
         (7, 0, 'clip', NULL, NULL, 1, 0, 5, 1), (7, 1, 'bulletin', $B, 1, NULL, 5, 30, 1);
-- what read B aloud on 5 March (the daemon fills these for speech; a jingle has none)
UPDATE aired_items SET voice = 'vi-vn-x-south', region = 'south' WHERE airing_id = 7 AND seq = 1;
SQL
# B is retired afterwards: it still counts for the months it aired
run 0 loaxa bulletin retire "$B"
run 0 loaxa bulletin show "$B" --format json
printf '%s' "$OUT" | grep -q '"state": "retired"' && ok || bad "B is not retired: $OUT"

# --- the report's counts (JSON): March has A and B (CCHC) -> 2 = target: đạt;
# the cut A does not count; January has A only -> chưa đạt
run 0 loaxa report --period q1 --year 2025 --format json
printf '%s' "$OUT" >"$T/r.json"
python3 - "$T/r.json" <<'PY' && ok || bad "report json counts"
import json, sys
r = json.load(open(sys.argv[1]))
assert r["period"]["from"] == "2025-01-01" and r["period"]["until"] == "2025-03-31", r["period"]
jan, feb, mar = r["months"]
assert [m["month"] for m in r["months"]] == ["2025-01", "2025-02", "2025-03"]
assert jan["bulletins"] == 1 and jan["airings"] == 1 and jan["met"] is False, jan
assert feb["bulletins"] == 0 and feb["met"] is False, feb
assert mar["bulletins"] == 3 and mar["cchc_bulletins"] == 2, mar
assert mar["airings"] == 4 and mar["airtime_s"] == 210 and mar["met"] is True and mar["target"] == 2, mar
assert mar["by_topic"]["khac"]["bulletins"] == 1 and mar["by_topic"]["khac"]["cchc"] is False
assert mar["by_topic"]["chinh-quyen-so"]["airings"] == 2
t = r["totals"]
assert t["bulletins"] == 3 and t["cchc_bulletins"] == 2 and t["airings"] == 5 and t["target"] == 6 and t["met"] is False, t
assert [m["status"] for m in r["missed"]] == ["failed", "missed"], r["missed"]
assert r["missed"][1]["scheduled_at"] == "2025-03-04T17:00:00.000+07:00"
assert r["empty"] is False
PY
run 0 loaxa report --period q1 --year 2025
expect_out "^Đài truyền thanh cơ sở: airing report Q1 2025 \(2025-01-01 to 2025-03-31\)"
expect_out "March 2025 +3 +2 +4 +0:03:30 +2 +0:00:00 +0:00:00  đạt"
expect_out "January 2025 +1 +1 +1 +0:00:45 +2 +0:00:00 +0:00:00  chưa đạt"
expect_out "TOTAL +3 +2 +5 .* chưa đạt"
expect_out "2025-03-04 17:00  chieu .*missed"
run 0 loaxa report --quarter 2025-Q2 --format csv
printf '%s' "$OUT" >"$T/q2.csv"
python3 "$TOP/tests/cli/csvcheck.py" "$T/q2.csv" "[list(r.values())[:7] for r in rows if r['month'].startswith('2025-0')] == [
    ['2025-04', '1', '1', '1', '60', '2', 'not_met'], ['2025-05', '0', '0', '0', '0', '2', 'not_met'],
    ['2025-06', '0', '0', '0', '0', '2', 'not_met']]" && ok || bad "Q2 csv: $OUT"
# a month's text report, as an officer reads it
run 0 loaxa report --month 2025-03
expect_out "March 2025 +3 +2 +4 +0:03:30 +2 +0:00:00 +0:00:00 +đạt"
expect_out "2025-03-04 17:00  chieu .*missed"
printf '%s' "$OUT" | grep -q "February 2025\|April 2025\|2025-02\|2025-04" && bad "the March report shows another month: $OUT" || ok
run 0 loaxa report --month 2025-03 --topic khac --format json
printf '%s' "$OUT" | python3 -c 'import json,sys; m=json.load(sys.stdin)["months"][0]; assert m["bulletins"] == 1 and m["cchc_bulletins"] == 0 and m["met"] is False, m' && ok || bad "topic filter"
run 0 loaxa report --period 6m --year 2025 --format json
printf '%s' "$OUT" | python3 -c 'import json,sys; r=json.load(sys.stdin); assert len(r["months"]) == 6 and r["period"]["until"] == "2025-06-30" and r["totals"]["airings"] == 6' && ok || bad "6m"

# --- the log: JSON with issue 4's fields, one row per item, one per empty airing
run 0 loaxa log --format json
printf '%s' "$OUT" >"$T/log.json"
python3 - "$T/log.json" <<'PY' && ok || bad "log json"
import json, sys
rows = json.load(open(sys.argv[1]))
assert len(rows) == 10, len(rows)
need = "airing_id slot program scheduled_at started_at ended_at status reason lateness_ms kind bulletin_id bulletin_version title topic class offset_s length_s audio_sha256".split()
for r in rows:
    assert all(k in r for k in need), r
first = rows[0]
assert first["scheduled_at"] == "2025-01-31T23:30:00.000+07:00" and first["started_at"] == "2025-01-31T23:30:00.004+07:00", first
m = [r for r in rows if r["status"] == "missed"][0]
assert m["kind"] is None and m["bulletin_id"] is None and m["started_at"] is None and m["lateness_ms"] is None
j = [r for r in rows if r["kind"] == "clip"][0]
assert j["bulletin_id"] is None and j["title"] is None and j["clip"] == "nhạc hiệu"
assert j["voice"] is None and j["region"] is None, j
s = [r for r in rows if r["airing_id"] == 7 and r["kind"] == "bulletin"][0]
assert s["voice"] == "vi-vn-x-south" and s["region"] == "south", s
assert rows[1]["audio_sha256"] is None and [r for r in rows if r["airing_id"] == 1][0]["audio_sha256"] == "ab12"
PY
run 0 loaxa log --month 2025-03 --status missed --format json
printf '%s' "$OUT" | python3 -c 'import json,sys; r=json.load(sys.stdin); assert len(r) == 1 and r[0]["status"] == "missed"' && ok || bad "--status"
run 0 loaxa log --topic khac --format json
printf '%s' "$OUT" | python3 -c 'import json,sys; r=json.load(sys.stdin); assert [x["topic"] for x in r] == ["khac"]' && ok || bad "--topic"
run 0 loaxa log --from 2025-03-04 --until 2025-03-04 --format json
printf '%s' "$OUT" | python3 -c 'import json,sys; r=json.load(sys.stdin); assert sorted({x["airing_id"] for x in r}) == [2, 3], r' && ok || bad "--from/--until inclusive"

# --- CSV through a real parser; the injected formulas neutralised
run 0 loaxa log --month 2025-03 --format csv -o "$T/log.csv"
python3 - "$T/log.csv" <<'PY' && ok || bad "log csv"
import csv, sys
raw = open(sys.argv[1], "rb").read()
assert raw.startswith(b"\xef\xbb\xbf") and raw.count(b"\r\n") == raw.count(b"\n")
rows = list(csv.reader(open(sys.argv[1], encoding="utf-8-sig", newline="")))
head, body = rows[0], rows[1:]
assert head == "date time slot program bulletin_id title topic class length_s status reason lateness_ms approved_by asked_by voice region".split(), head
assert len(body) == 7, body
titles = [r[5] for r in body]
assert "'=HYPERLINK(\"http://evil\",\"bấm\")" in titles, titles
assert "'@SUM(1+1) Tiêm phòng" in titles
assert "Dịch vụ công, trực tuyến" in titles
assert not any(c[:1] in "=+-@" for r in body for c in r if c), body
assert any(r[9] == "missed" and r[10] == "the daemon was not running" for r in body)
assert body[0][:2] == ["2025-03-03", "05:30:00"] and body[0][8] == "60.0" and body[0][11] == "2"
assert [r[14:] for r in body if r[1] == "05:30:00" and r[0] == "2025-03-05"] == [["", ""], ["vi-vn-x-south", "south"]], body
PY
run 0 loaxa report --year 2025 --format csv -o "$T/y.csv"
python3 - "$T/y.csv" <<'PY' && ok || bad "report csv: failed reason neutralised"
import csv, sys
rows = list(csv.reader(open(sys.argv[1], encoding="utf-8-sig", newline="")))
assert ["2025-02-05T17:00:00.000+07:00", "chieu", "p", "failed", "'-rm -rf: sound card gone"] in rows, rows
PY
if locale -a | grep -qi '^vi_VN.utf-\?8$'; then
	# our fragment's translations (po/vi-reports.po), compiled here, and the merged catalogue
	mkdir -p "$T/locale/vi/LC_MESSAGES"
	{ printf 'msgid ""\nmsgstr "Content-Type: text/plain; charset=UTF-8\\n"\n\n'; cat "$TOP/po/vi-reports.po"; } |
		msgfmt -o "$T/locale/vi/LC_MESSAGES/loaxa.mo" - && ok || bad "po/vi-reports.po does not compile"
	# CSV is for machines: the same bytes under vi_VN as under C
	LOAXA_LOCALEDIR="$T/locale" LC_ALL=vi_VN.UTF-8 "$TOP/loaxa" log --month 2025-03 --format csv >"$T/vi.csv"
	"$TOP/loaxa" log --month 2025-03 --format csv >"$T/c.csv"
	cmp -s "$T/vi.csv" "$T/c.csv" && ok || bad "the log CSV changes with the locale: $(diff "$T/vi.csv" "$T/c.csv")"
	grep -q "60.0" "$T/vi.csv" && ok || bad "CSV numbers keep a point under vi_VN"
	LOAXA_LOCALEDIR="$T/locale" LC_ALL=vi_VN.UTF-8 "$TOP/loaxa" report --period q1 --year 2025 --format csv >"$T/vi-r.csv"
	"$TOP/loaxa" report --period q1 --year 2025 --format csv >"$T/c-r.csv"
	cmp -s "$T/vi-r.csv" "$T/c-r.csv" && ok || bad "the report CSV changes with the locale"
	grep -q "^total,3,2,5,255,6,not_met" "$T/vi-r.csv" && ok || bad "the total row"
	# the text report stays aligned with Vietnamese headers
	LOAXA_LOCALEDIR="$T/locale" LC_ALL=vi_VN.UTF-8 "$TOP/loaxa" report --period q1 --year 2025 >"$T/vi.txt"
	python3 - "$T/vi.txt" <<'PY' && ok || bad "Vietnamese text report misaligned"
import sys
lines = open(sys.argv[1], encoding="utf-8").read().split("\n")
i = next(k for k, l in enumerate(lines) if l.startswith("THÁNG"))
table = lines[i:i + 5]
ends = {len(l.rstrip().rsplit("  ", 1)[0]) for l in table}
assert len(ends) == 1, table
PY
else
	bad "the vi_VN.UTF-8 locale is missing (scripts/deps generates it)"
fi

# --- XLSX is for people: LibreOffice shows months and periods in words,
# topic names, outcome words, dates as the reader writes them, one sheet
# for the counts and one for the bulletins aired, named in the reader's
# language; the numbers are the CSV's
to_csv() { # XLSX -> one CSV a sheet (BASE-SHEET.csv) with LibreOffice, as shown
	mkdir -p "$T/lo"
	HOME="$T" LC_ALL=C.UTF-8 timeout 180 soffice --headless \
		--convert-to 'csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,true,false,false,-1' \
		--outdir "$T/lo" "$1" >/dev/null 2>&1
}
cat >"$T/sheet.py" <<'PY'
import csv, sys
def rows(p):
    out = []
    for r in csv.reader(open(p, encoding="utf-8-sig", newline="")):
        while r and r[-1] == "":
            r.pop()
        if r:
            out.append(r)
    return out
sheet = rows(sys.argv[1])
assert sheet[0] == [sys.argv[2]], sheet[0]
for want in sys.argv[3:]:
    assert want.split("|") in sheet, (want, sheet)
PY
if command -v soffice >/dev/null; then
	run 0 loaxa report --period q1 --year 2025 --format xlsx -o "$T/q1.xlsx"
	run 0 loaxa log --format xlsx -o "$T/log-all.xlsx"
	vi loaxa report --period q1 --year 2025 --format xlsx -o "$T/q1-vi.xlsx" || bad "vi xlsx"
	vi loaxa log --month 2025-03 --format xlsx -o "$T/log-vi.xlsx" || bad "vi log xlsx"
	for x in q1 log-all q1-vi log-vi; do to_csv "$T/$x.xlsx"; done
	title="Đài truyền thanh cơ sở: airing report Q1 2025 (2025-01-01 to 2025-03-31)"
	python3 "$T/sheet.py" "$T/lo/q1-Report.csv" "$title" \
		"Month|Distinct bulletins|Bulletins on CCHC|Airings|Airtime|Monthly CCHC target|Result|Relay airtime|Live airtime" \
		"January 2025|1|1|1|0:00:45|2|chưa đạt|0:00:00|0:00:00" "March 2025|3|2|4|0:03:30|2|đạt|0:00:00|0:00:00" \
		"Total|3|2|5|0:04:15|6|chưa đạt|0:00:00|0:00:00" "March 2025|Tin khác|1|1|0:01:00" \
		"2025-02-05 17:00|chieu|p|failed|-rm -rf: sound card gone" \
		"2025-03-04 17:00|chieu|p|missed|the daemon was not running" &&
		ok || bad "the report XLSX as LibreOffice shows it: $(cat "$T/lo/q1-Report.csv")"
	python3 "$T/sheet.py" "$T/lo/q1-Bulletins aired.csv" "$title" \
		"No.|Title|Topic|Days aired|Airings|Airtime" \
		"1|=HYPERLINK(\"http://evil\",\"bấm\")|Cải cách thủ tục hành chính|2025-01-31, 2025-03-03|2|0:01:45" \
		"3|@SUM(1+1) Tiêm phòng|Tin khác|2025-03-04|1|0:01:00" &&
		ok || bad "the bulletins sheet as LibreOffice shows it: $(cat "$T/lo/q1-Bulletins aired.csv")"
	python3 "$T/sheet.py" "$T/lo/q1-vi-Báo cáo.csv" \
		"Đài truyền thanh cơ sở: báo cáo phát sóng Quý I/2025 (từ 01/01/2025 đến 31/03/2025)" \
		"Tháng|Số bản tin|Số tin CCHC|Lượt phát|Thời lượng|Chỉ tiêu CCHC|Kết quả|Thời lượng tiếp âm|Thời lượng phát trực tiếp" \
		"Tháng 1/2025|1|1|1|0:00:45|2|chưa đạt|0:00:00|0:00:00" "Tháng 3/2025|3|2|4|0:03:30|2|đạt|0:00:00|0:00:00" \
		"Tổng|3|2|5|0:04:15|6|chưa đạt|0:00:00|0:00:00" \
		"Tháng 3/2025|Xây dựng chính quyền điện tử, chính quyền số|1|2|0:01:30" \
		"05/02/2025 17:00|chieu|p|lỗi|-rm -rf: sound card gone" &&
		ok || bad "the Vietnamese report XLSX: $(cat "$T/lo/q1-vi-Báo cáo.csv")"
	python3 "$T/sheet.py" "$T/lo/q1-vi-Danh sách tin đã phát.csv" \
		"Đài truyền thanh cơ sở: báo cáo phát sóng Quý I/2025 (từ 01/01/2025 đến 31/03/2025)" \
		"STT|Tiêu đề|Chủ đề|Ngày phát|Lượt phát|Thời lượng" \
		"2|Dịch vụ công, trực tuyến|Xây dựng chính quyền điện tử, chính quyền số|03/03/2025, 05/03/2025|2|0:01:30" &&
		ok || bad "the Vietnamese bulletins sheet: $(cat "$T/lo/q1-vi-Danh sách tin đã phát.csv")"
	python3 "$T/sheet.py" "$T/lo/log-vi-Nhật ký phát sóng.csv" \
		"Đài truyền thanh cơ sở: nhật ký phát sóng, Tháng 3/2025" \
		"Ngày|Giờ|Khung giờ|Chương trình|Bản tin|Tiêu đề|Chủ đề|Loại|Độ dài (giây)|Kết quả|Lý do|Độ trễ (ms)|Người duyệt|Người xếp lịch hoặc yêu cầu phát|Giọng đọc|Vùng miền" \
		"03/03/2025|05:30:00|sang|p|$B|Dịch vụ công, trực tuyến|Xây dựng chính quyền điện tử, chính quyền số|thường|60.0|hoàn tất||2" \
		"05/03/2025|05:30:00|sang|p|$B|Dịch vụ công, trực tuyến|Xây dựng chính quyền điện tử, chính quyền số|thường|30.0|hoàn tất||5|||vi-vn-x-south|miền Nam" &&
		ok || bad "the Vietnamese log XLSX: $(cat "$T/lo/log-vi-Nhật ký phát sóng.csv")"
	python3 "$T/sheet.py" "$T/lo/log-all-Airing log.csv" "Đài truyền thanh cơ sở: airing log, everything logged" \
		"2025-01-31|23:30:00|dem|p|$A|=HYPERLINK(\"http://evil\",\"bấm\")|Cải cách thủ tục hành chính|normal|45.0|completed||4" &&
		ok || bad "the log XLSX: $(cat "$T/lo/log-all-Airing log.csv")"
	# months and dates are real dates (2025-01-01 = serial 45658), no cell is a formula
	unzip -p "$T/q1.xlsx" xl/worksheets/sheet1.xml >"$T/q1.xml"
	unzip -p "$T/log-all.xlsx" xl/worksheets/sheet1.xml >"$T/log.xml"
	grep -q '<c r="A4" s="[0-9]*"><v>45658</v>' "$T/q1.xml" && ok || bad "the month cell is not a real date"
	grep -q '<c r="A4" s="[0-9]*"><v>45688</v>' "$T/log.xml" && ok || bad "the log's date cell is not a real date"
	! grep -q '<f>' "$T/q1.xml" "$T/log.xml" && ok || bad "an XLSX cell holds a formula"
else
	bad "soffice is missing (scripts/deps installs libreoffice-calc-nogui)"
fi

# --- the report as an officer reads it under vi_VN: periods in words, the
# bulletins aired with their days, topic names; JSON and CSV keep the codes
run 0 vi loaxa report --period q1 --year 2025
expect_out "^Đài truyền thanh cơ sở: báo cáo phát sóng Quý I/2025 \(từ 01/01/2025 đến 31/03/2025\)"
expect_out "Tháng 1/2025 +1 +1 +1 +0:00:45 +2 +0:00:00 +0:00:00  chưa đạt"
expect_out "^Tháng 3/2025 +1 +1 +0:01:00  Tin khác$"
expect_out "05/02/2025 17:00  chieu +lỗi"
expect_out "Các bản tin đã phát \(3\):"
expect_out "  1\. =HYPERLINK\(\"http://evil\",\"bấm\"\) \(Cải cách thủ tục hành chính\): phát ngày 31/01/2025, 03/03/2025; 2 lượt, 0:01:45"
expect_out "  2\. Dịch vụ công, trực tuyến \(Xây dựng chính quyền điện tử, chính quyền số\): phát ngày 03/03/2025, 05/03/2025; 2 lượt, 0:01:30"
printf '%s' "$OUT" | grep -q "tthc\|chinh-quyen-so" && bad "topic ids in the people's report" || ok
for p in "--month 2025-11:Tháng 11/2025" "--quarter 2025-Q4:Quý IV/2025" "--period 6m --year 2025:6 tháng đầu năm 2025" \
	"--period 9m --year 2025:9 tháng đầu năm 2025" "--year 2025:Năm 2025"; do
	# shellcheck disable=SC2086
	run 0 vi loaxa report ${p%%:*}
	expect_out "báo cáo phát sóng ${p#*:} \("
done
run 0 loaxa report --period q1 --year 2025 --format json
printf '%s' "$OUT" | python3 -c '
import json, sys
r = json.load(sys.stdin)
assert [m["state"] for m in r["months"]] == ["not_met", "not_met", "met"], r["months"]
assert r["totals"]["state"] == "not_met" and r["first_airing"] == "2025-01-31T23:30:00.000+07:00", r
b = r["bulletins"]
assert [x["days"] for x in b] == [["2025-01-31", "2025-03-03"], ["2025-03-03", "2025-03-05"], ["2025-03-04"]], b
assert b[1]["topic"] == "chinh-quyen-so" and b[1]["airings"] == 2 and b[1]["airtime_s"] == 90, b' && ok || bad "report JSON: $OUT"

# --- where months stand, as of today: before the first airing, running, to come
S3="$T/states"
m() { python3 -c "import datetime as d; t=d.date.today().replace(day=1); y,mo=divmod(t.year*12+t.month-1+$1,12); print('%04d-%02d' % (y, mo+1))"; }
loaxa --state-dir "$S3" log >/dev/null
first=$(m -2)
ms=$(TZ=Asia/Ho_Chi_Minh date -d "$first-10 05:30" +%s)000
now=$(TZ=Asia/Ho_Chi_Minh date -d "$(m 0)-01 00:10" +%s)000
I=$(loaxa --state-dir "$S3" bulletin add --topic tthc --title "Một cửa" --text "Tin.")
sqlite3 "$S3/loaxa.db" "INSERT INTO airings (id, slot, program, scheduled_at, started_at, ended_at, status, lateness_ms)
  VALUES (1, 'sang', 'p', $ms, $ms, $ms + 60000, 'completed', 0), (2, 'sang', 'p', $now, $now, $now + 60000, 'completed', 0);
  INSERT INTO aired_items (airing_id, seq, kind, bulletin_id, bulletin_version, offset_s, length_s, completed)
  VALUES (1, 0, 'bulletin', $I, 1, 0, 60, 1), (2, 0, 'bulletin', $I, 1, 0, 60, 1);"
for w in "-3:chưa hoạt động" "-2:chưa đạt" "0:đang thực hiện" "1:chưa đến kỳ"; do
	run 0 vi loaxa --state-dir "$S3" report --month "$(m "${w%%:*}")"
	expect_out "^TỔNG .* ${w#*:}$"
done
run 0 loaxa --state-dir "$S3" report --month "$(m -3)" --format json
printf '%s' "$OUT" | python3 -c '
import json, sys
r = json.load(sys.stdin)
assert r["months"][0]["state"] == "not_started" and r["months"][0]["target"] == 0 and r["totals"]["target"] == 0, r' &&
	ok || bad "a month before the first airing: $OUT"

# --- relay and live airtime per month, beside the bulletin counts (issue 14):
# stream and line-in relays, live announcements (kind relay, source
# live:DEVICE); items of airings completed or interrupted; against Python's
# sum of the rows written here
S4="$T/relay"
loaxa --state-dir "$S4" log >/dev/null
R=$(loaxa --state-dir "$S4" bulletin add --topic tthc --title "Một cửa" --text "Tin.")
cat >"$T/relay-rows.py" <<'PY'
import random, sys
from datetime import datetime, timedelta, timezone
random.seed(14)
tz = timezone(timedelta(hours=7))
kinds = [("stream", "http://127.0.0.1:8000/vov1.mp3"), ("relay", "line-in"), ("relay", "live:default"),
         ("bulletin", None)]
sums = {}
air, items = [], []
for i in range(1, 81):
    t = datetime(2025, 3, 1, tzinfo=tz) + timedelta(minutes=random.randrange(61 * 24 * 60))
    if i in (1, 2):  # either side of the local month boundary
        t = datetime(2025, 3, 31, 23, 59, tzinfo=tz) if i == 1 else datetime(2025, 4, 1, 0, 0, tzinfo=tz)
    ms = int(t.timestamp() * 1000)
    status = random.choice(["completed", "completed", "interrupted", "failed", "started"])
    air.append("(%d, 'p', %d, %d, '%s', 0)" % (i, ms, ms, status))
    for seq in range(random.randint(1, 3)):
        kind, src = random.choice(kinds)
        length = random.randint(30, 3600) + 0.5 * random.randint(0, 1)
        items.append("(%d, %d, '%s', %s, %s, %d, %s, %s)" % (
            i, seq, kind, sys.argv[1] if kind == "bulletin" else "NULL", 1 if kind == "bulletin" else "NULL",
            seq, length, "'%s'" % src if src else "NULL"))
        if status in ("completed", "interrupted") and kind != "bulletin":
            key = (t.strftime("%Y-%m"), "live_s" if src.startswith("live:") else "relay_s")
            sums[key] = sums.get(key, 0) + length
with open(sys.argv[2], "w") as f:
    f.write("INSERT INTO airings (id, program, scheduled_at, started_at, status, lateness_ms) VALUES %s;\n" % ", ".join(air))
    f.write("INSERT INTO aired_items (airing_id, seq, kind, bulletin_id, bulletin_version, offset_s, length_s, source) VALUES %s;\n" % ", ".join(items))
for (m, k), v in sorted(sums.items()):
    print(m, k, v)
PY
python3 "$T/relay-rows.py" "$R" "$T/relay.sql" >"$T/relay-sums.txt" && sqlite3 "$S4/loaxa.db" <"$T/relay.sql" &&
	ok || bad "cannot write the relay rows"
run 0 loaxa --state-dir "$S4" report --month 2025-03 --format json
printf '%s' "$OUT" >"$T/relay.json"
run 0 loaxa --state-dir "$S4" report --quarter 2025-Q2 --format json
printf '%s' "$OUT" >"$T/relay-q2.json"
python3 - "$T/relay-sums.txt" "$T/relay.json" "$T/relay-q2.json" <<'PY' && ok || bad "relay airtime in the report JSON: $(cat "$T/relay-sums.txt")"
import json, sys
want = {}
for l in open(sys.argv[1]):
    m, k, v = l.split()
    want[(m, k)] = float(v)
got = {}
for p in sys.argv[2:]:
    r = json.load(open(p))
    for m in r["months"]:
        for k in ("relay_s", "live_s"):
            got[(m["month"], k)] = m[k]
    assert r["totals"]["relay_s"] == sum(m["relay_s"] for m in r["months"]), r["totals"]
for key in got:
    assert abs(got[key] - want.get(key, 0)) < 1e-6, (key, got[key], want.get(key))
assert want[("2025-03", "relay_s")] > 0 and want[("2025-03", "live_s")] > 0 and want[("2025-04", "live_s")] > 0
PY
# people read h:mm:ss under their headers; machines the same seconds (rounded
# half up, as the airtime) under every locale
mar_relay=$(awk '$1 == "2025-03" && $2 == "relay_s" { t = int($3 + 0.5); printf "%d:%02d:%02d", t / 3600, t / 60 % 60, t % 60 }' "$T/relay-sums.txt")
mar_live=$(awk '$1 == "2025-03" && $2 == "live_s" { t = int($3 + 0.5); printf "%d:%02d:%02d", t / 3600, t / 60 % 60, t % 60 }' "$T/relay-sums.txt")
run 0 vi loaxa --state-dir "$S4" report --month 2025-03
expect_out "THÁNG .* CHỈ TIÊU +TIẾP ÂM +TRỰC TIẾP +KẾT QUẢ"
expect_out "^Tháng 3/2025 .* $mar_relay +$mar_live  "
run 0 loaxa --state-dir "$S4" report --month 2025-03
expect_out "MONTH .* TARGET +RELAY +LIVE +RESULT"
expect_out "^March 2025 .* $mar_relay +$mar_live  "
vi loaxa --state-dir "$S4" report --month 2025-03 --format csv >"$T/relay-vi.csv"
loaxa --state-dir "$S4" report --month 2025-03 --format csv >"$T/relay-c.csv"
cmp -s "$T/relay-vi.csv" "$T/relay-c.csv" && ok || bad "the report CSV with relays changes with the locale"
python3 "$TOP/tests/cli/csvcheck.py" "$T/relay-c.csv" "(head[-2:] == ['relay_s', 'live_s'] and
    [(r['relay_s'], r['live_s']) for r in rows][0] == ('%d' % int($(awk '$1 == "2025-03" && $2 == "relay_s" { print $3 }' "$T/relay-sums.txt") + 0.5), '%d' % int($(awk '$1 == "2025-03" && $2 == "live_s" { print $3 }' "$T/relay-sums.txt") + 0.5)))" &&
	ok || bad "relay airtime in the report CSV: $(cat "$T/relay-c.csv")"

# --- bad input: a sentence, exit 2 (usage) or 1, nothing left behind
run 2 loaxa report --month 2025-13
expect_err "2025-13"
run 2 loaxa report --quarter 2025-Q5
expect_err "2025-Q5"
run 2 loaxa report --period 7m --year 2025
expect_err "q1, 6m, 9m or 12m"
run 2 loaxa report --period 6m
expect_err "needs --year"
run 2 loaxa report --month 2025-01 --quarter 2025-Q1
expect_err "one period"
run 2 loaxa report --year 2025 --month 2025-01
expect_err "one period"
run 2 loaxa report --year 25
expect_err "YYYY"
run 2 loaxa report --format pdf
expect_err "text, csv, json, xlsx or docx"
run 2 loaxa report --year 2025 --format xlsx
expect_err "needs -o"
run 1 loaxa report --year 2025 --topic nope
expect_err "no topic \"nope\""
run 2 loaxa report --month
expect_err "needs a value"
run 2 loaxa log --from 2025-03-10 --until 2025-03-01
expect_err "before --from"
run 2 loaxa log --from 2025-02-30
expect_err "2025-02-30"
run 2 loaxa log --month 2025-00
expect_err "2025-00"
run 2 loaxa log --status playing
expect_err "playing"
run 2 loaxa log --month 2025-03 --from 2025-03-01
expect_err "not both"
run 1 loaxa report --year 2025 --format csv -o "$T/no/such/dir/r.csv"
expect_err "no/such/dir"
run 1 loaxa log --format xlsx -o "$T/no/such/dir/l.xlsx"
expect_err "no/such/dir"
[ ! -e "$T/no" ] && ok || bad "something was created for the missing directory"
mkdir -p "$T/ro"
chmod 555 "$T/ro"
if [ "$(id -u)" = 0 ]; then
	# root writes anywhere: drop to nobody for this one
	chmod 755 "$T"
	chmod -R a+rwX "$LOAXA_STATE_DIR" "$LOAXA_CONFIG"
	run 1 setpriv --reuid=65534 --regid=65534 --clear-groups env LOAXA_CONFIG="$LOAXA_CONFIG" \
		LOAXA_STATE_DIR="$LOAXA_STATE_DIR" "$TOP/loaxa" report --year 2025 -o "$T/ro/r.txt"
	expect_err "ro/r.txt"
	run 1 setpriv --reuid=65534 --regid=65534 --clear-groups env LOAXA_CONFIG="$LOAXA_CONFIG" \
		LOAXA_STATE_DIR="$LOAXA_STATE_DIR" "$TOP/loaxa" log --format xlsx -o "$T/ro/l.xlsx"
	expect_err "ro/l.xlsx"
else
	run 1 loaxa report --year 2025 -o "$T/ro/r.txt"
	expect_err "ro/r.txt"
fi
[ -z "$(ls -A "$T/ro")" ] && ok || bad "something was left in the read-only directory"
# an export that fails half-way (3000 rows; the file may not grow past 100 KB) leaves nothing
S2="$T/big-state"
loaxa --state-dir "$S2" log >/dev/null
sqlite3 "$S2/loaxa.db" "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 3000)
  INSERT INTO airings (slot, program, scheduled_at, status, reason)
  SELECT 'sang', 'p', 1740954600000 + i * 60000, 'missed', 'the daemon was not running' FROM n"
run 1 sh -c 'trap "" XFSZ; ulimit -f 200; exec "$0" --state-dir "$2" log --format csv -o "$1"' \
	"$TOP/loaxa" "$T/big.csv" "$S2"
expect_err "big.csv: File too large"
[ ! -e "$T/big.csv" ] && [ -z "$(ls "$T" | grep '\.tmp\.')" ] && ok || bad "a failed export left a file behind"
run 0 loaxa log --format csv -o "$T/ok.csv"
[ -z "$(ls "$T" | grep '\.tmp\.')" ] && ok || bad "a temporary file was left behind"
python3 "$TOP/tests/cli/csvcheck.py" "$T/ok.csv" "len(rows) == 10 and sorted({r['status'] for r in rows}) == ['completed', 'failed', 'interrupted', 'missed']" &&
	ok || bad "the whole log's CSV: $(head -3 "$T/ok.csv")"
finish
