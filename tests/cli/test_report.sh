#!/bin/sh
# loaxa log and loaxa report: counts and cells as officers will read them —
# the CSV through a real CSV parser, the XLSX through LibreOffice — formula
# injection neutralised, bad periods refused, nothing half-written.
. "$(dirname "$0")/lib.sh"
export TZ=Asia/Ho_Chi_Minh
DB="$LOAXA_STATE_DIR/loaxa.db"

# an empty store: an empty report that says so
run 0 loaxa report --month 2025-03
expect_out "Nothing was aired"

A=$(loaxa bulletin add --topic tthc --title "=HYPERLINK(\"http://evil\",\"bấm\")" --text "Tin một.")
B=$(loaxa bulletin add --topic chinh-quyen-so --title "Dịch vụ công, trực tuyến" --text "Tin hai.")
K=$(loaxa bulletin add --topic khac --title "Tiêm phòng" --text "Tin ba.")
# airings as the daemon logs them (times in ms; 2025-03-03 05:30 +07 = 1740954600000)
sqlite3 "$DB" <<SQL
INSERT INTO airings (id, slot, program, scheduled_at, started_at, ended_at, status, lateness_ms, normalizer_version)
  VALUES (1, 'sang', 'p', 1740954600000, 1740954600002, 1740954780000, 'completed', 2, 1),
         (2, 'sang', 'p', 1741041000000, 1741041000001, 1741041100000, 'interrupted', 1, 1),
         (3, 'chieu', 'p', 1741082400000, NULL, 1741082400000, 'missed', 0, 1),
         (4, 'sang', 'p', 1743460200000, 1743460200003, 1743460300000, 'completed', 3, 1);
UPDATE airings SET reason = 'daemon stopped' WHERE id = 2;
UPDATE airings SET reason = 'the daemon was not running' WHERE id = 3;
INSERT INTO aired_items (airing_id, seq, kind, bulletin_id, bulletin_version, offset_s, length_s, completed)
  VALUES (1, 0, 'bulletin', $A, 1, 0, 60, 1), (1, 1, 'bulletin', $B, 1, 61, 60, 1),
         (2, 0, 'bulletin', $K, 1, 0, 60, 1), (2, 1, 'bulletin', $A, 1, 61, 60, 0),
         (4, 0, 'bulletin', $B, 1, 0, 60, 1);
SQL

# --- the report: March met? A and B are CCHC and aired on 3 March: 2 -> đạt
run 0 loaxa report --month 2025-03 --format json
printf '%s' "$OUT" >"$T/r.json"
python3 - "$T/r.json" <<'PY' && ok || bad "report json counts"
import json, sys
r = json.load(open(sys.argv[1]))
m = r["months"][0]
assert r["period"]["from"] == "2025-03-01" and r["period"]["until"] == "2025-03-31", r["period"]
assert m["month"] == "2025-03" and m["bulletins"] == 3 and m["cchc_bulletins"] == 2, m
assert m["airings"] == 3 and m["met"] is True and m["target"] == 2, m   # the cut A does not count
assert m["by_topic"]["khac"]["bulletins"] == 1
assert len(r["missed"]) == 1 and r["missed"][0]["status"] == "missed"
PY
run 0 loaxa report --period q1 --year 2025
expect_out "2025-03 +3 +2 +3 .* đạt"
expect_out "2025-01 .* chưa đạt"
run 0 loaxa report --quarter 2025-Q2 --format csv
printf '%s' "$OUT" | grep -q "2025-04,1,1,1,60,2,chưa đạt" && ok || bad "Q2 csv: $OUT"

# --- CSV through a real parser; the injected formula neutralised
run 0 loaxa log --month 2025-03 --format csv -o "$T/log.csv"
python3 - "$T/log.csv" "$A" <<'PY' && ok || bad "log csv"
import csv, sys
raw = open(sys.argv[1], "rb").read()
assert raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw
rows = list(csv.reader(open(sys.argv[1], encoding="utf-8-sig", newline="")))
head, body = rows[0], rows[1:]
assert len(body) == 5, body
titles = [r[5] for r in body]
assert "'=HYPERLINK(\"http://evil\",\"bấm\")" in titles, titles
assert not any(t.startswith("=") for t in titles)
assert "Dịch vụ công, trực tuyến" in titles
assert any(r[9] == "missed" for r in body)
PY
if locale -a | grep -qi '^vi_VN.utf-\?8$'; then
	LC_ALL=vi_VN.UTF-8 "$TOP/loaxa" log --month 2025-03 --format csv | head -1 | grep -q "ngày,giờ,khung giờ" && ok || bad "Vietnamese CSV headers"
fi

# --- XLSX: LibreOffice reads the same cells as the CSV
run 0 loaxa report --period q1 --year 2025 --format xlsx -o "$T/q1.xlsx"
run 0 loaxa report --period q1 --year 2025 --format csv -o "$T/q1.csv"
if command -v soffice >/dev/null; then
	mkdir -p "$T/lo"
	HOME="$T" timeout 120 soffice --headless --convert-to csv:"Text - txt - csv (StarCalc)":44,34,76 \
		--outdir "$T/lo" "$T/q1.xlsx" >/dev/null 2>&1
	mv "$T/lo/q1.csv" "$T/lo.csv"
	cp "$T/q1.csv" "$T/ours.csv"
	python3 - "$T/lo.csv" "$T/ours.csv" <<'PY' && ok || bad "LibreOffice's cells differ from the CSV's"
import csv, sys
lo = [r for r in csv.reader(open(sys.argv[1], encoding="utf-8-sig", newline="")) if any(r)]
ours = list(csv.reader(open(sys.argv[2], encoding="utf-8-sig", newline="")))
# LibreOffice's sheet: title, blank, header, months..., total
assert lo[0][0].startswith("Đài truyền thanh"), lo[0]
table = [r[:7] for r in lo[1:]]
assert table == ours, (table, ours)
PY
else
	bad "soffice is missing (scripts/deps installs libreoffice-calc-nogui)"
fi

# --- bad periods and outputs: a sentence, exit 2 or 1, nothing left behind
run 2 loaxa report --month 2025-13
expect_err "2025-13"
run 2 loaxa report --quarter 2025-Q5
expect_err "2025-Q5"
run 2 loaxa report --period 7m --year 2025
expect_err "q1, 6m, 9m or 12m"
run 2 loaxa report --month 2025-01 --quarter 2025-Q1
expect_err "one period"
run 2 loaxa log --from 2025-03-10 --until 2025-03-01
expect_err "before --from"
run 1 loaxa report --year 2025 --format csv -o "$T/no/such/dir/r.csv"
expect_err "no/such/dir"
mkdir -p "$T/ro"
chmod 555 "$T/ro"
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null; then
	chmod 755 "$T"
	chmod -R a+rwX "$LOAXA_STATE_DIR" "$LOAXA_CONFIG"
	run 1 setpriv --reuid=65534 --regid=65534 --clear-groups env LOAXA_CONFIG="$LOAXA_CONFIG" \
		LOAXA_STATE_DIR="$LOAXA_STATE_DIR" "$TOP/loaxa" report --year 2025 -o "$T/ro/r.txt"
	expect_err "ro/r.txt"
fi
[ -z "$(ls -A "$T/ro")" ] && ok || bad "something was left in the read-only directory"
finish
