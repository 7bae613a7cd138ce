#!/bin/sh
# loaxa report --format docx: the report as an officer files it, laid out
# as Nghị định 30/2020/NĐ-CP, in Vietnamese under any locale.  Read back as
# a zip and as XML (python3), then opened by LibreOffice headless and
# converted to PDF, whose words and their places on the page (pdftotext
# -bbox) are checked: quốc hiệu and tiêu ngữ on the right, the issuing body
# and the number on the left, the title centred, the signature on the
# right; and to PNG (pdftoppm), kept when LOAXA_DOCX_PNG names a file.
# Bad templates and a missing one are refused with a sentence, leaving
# no file.
. "$(dirname "$0")/lib.sh"
export TZ=Asia/Ho_Chi_Minh
DB="$LOAXA_STATE_DIR/loaxa.db"
vi() { LC_ALL=vi_VN.UTF-8 LANG=vi_VN.UTF-8 "$@"; }
cat >"$LOAXA_CONFIG" <<'CONF'
station = {
  name = "Đài truyền thanh xã Đông Hải";
  parent = "Ủy ban nhân dân xã Đông Hải";
  issuer = "Đài truyền thanh xã";
  code = "ĐTT";
  place = "Đông Hải";
  signer_title = "Trưởng đài";
  signer_name = "Nguyễn Văn An";
  recipients = ( "UBND xã (để báo cáo)", "Văn phòng HĐND & UBND xã" );
};
CONF
A=$(loaxa bulletin add --topic tthc --title '=HYPERLINK("http://evil","bấm") <b>&</b>' --text "Tin một.")
B=$(loaxa bulletin add --topic chinh-quyen-so --title "Dịch vụ công trực tuyến" --text "Tin hai.")
[ -n "$A" ] && [ -n "$B" ] && ok || bad "bulletin add"
# January: A on the 31st; March: A and B on the 3rd, B on the 4th and 5th; a missed slot
sqlite3 "$DB" <<SQL
INSERT INTO airings (id, slot, program, scheduled_at, started_at, ended_at, status, reason, lateness_ms)
  VALUES (1, 'dem', 'p', 1738341000000, 1738341000004, 1738341100000, 'completed', NULL, 4),
         (2, 'sang', 'p', 1740954600000, 1740954600002, 1740954780000, 'completed', NULL, 2),
         (3, 'sang', 'p', 1741041000000, 1741041000001, 1741041100000, 'completed', NULL, 1),
         (4, 'sang', 'p', 1741127400000, 1741127400005, 1741127500000, 'completed', NULL, 5),
         (5, 'chieu', 'p', 1741082400000, NULL, 1741082400000, 'missed', 'the daemon was not running', 0);
INSERT INTO aired_items (airing_id, seq, kind, bulletin_id, bulletin_version, offset_s, length_s, completed)
  VALUES (1, 0, 'bulletin', $A, 1, 0, 45, 1), (2, 0, 'bulletin', $A, 1, 0, 60, 1),
         (2, 1, 'bulletin', $B, 1, 61, 60, 1), (3, 0, 'bulletin', $B, 1, 0, 30, 1),
         (4, 0, 'bulletin', $B, 1, 0, 30, 1);
SQL

# --- written under C and under vi_VN: the same Vietnamese document
run 0 loaxa report --period q1 --year 2025 --format docx -o "$T/c.docx"
run 0 vi loaxa report --period q1 --year 2025 --format docx -o "$T/r.docx"
[ -z "$(ls "$T" | grep '\.tmp\.')" ] && ok || bad "a temporary file was left behind"
today=$(python3 -c 'import datetime as d; t=d.date.today(); print("ngày %02d tháng %s năm %d" % (t.day, ("%02d" if t.month <= 2 else "%d") % t.month, t.year))')
python3 - "$T/r.docx" "$T/c.docx" "$today" <<'PY' && ok || bad "the DOCX package or its words"
import sys, zipfile, xml.dom.minidom as md
want_parts = ["[Content_Types].xml", "_rels/.rels", "docProps/core.xml", "docProps/app.xml",
              "word/_rels/document.xml.rels", "word/document.xml", "word/styles.xml", "word/settings.xml"]
def text(path):
    z = zipfile.ZipFile(path)
    assert z.testzip() is None
    assert z.namelist() == want_parts, z.namelist()
    for n in want_parts:
        md.parseString(z.read(n))  # every part is well-formed XML
    doc = md.parseString(z.read("word/document.xml"))
    paras = []
    for p in doc.getElementsByTagName("w:p"):
        paras.append("".join(t.firstChild.data for t in p.getElementsByTagName("w:t") if t.firstChild))
    raw = z.read("word/document.xml").decode()
    assert "{{" not in raw and "<!--" not in raw, "a placeholder or a comment is left"
    return paras
r, c = text(sys.argv[1]), text(sys.argv[2])
assert r == c, "the document changes with the locale"
need = ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "Ủy ban nhân dân xã Đông Hải",
        "Đài truyền thanh xã", "Số:       /BC-ĐTT", "Đông Hải, " + sys.argv[3], "BÁO CÁO",
        "Kết quả phát thanh tin, bài tuyên truyền cải cách hành chính quý I/2025",
        "Tháng 1/2025", "Tháng 2/2025", "Tháng 3/2025", "Tổng", "chưa đạt", "đạt",
        "=HYPERLINK(\"http://evil\",\"bấm\") <b>&</b>", "Dịch vụ công trực tuyến",
        "Cải cách thủ tục hành chính", "31/01/2025, 03/03/2025", "03/03/2025–05/03/2025",
        "- 04/03/2025 17:00, khung giờ chieu: bị bỏ lỡ (dịch vụ nền không chạy).",
        "Nơi nhận:", "- UBND xã (để báo cáo);", "- Văn phòng HĐND & UBND xã;", "- Lưu: VT.",
        "Trưởng đài", "Nguyễn Văn An"]
for w in need:
    assert w in r, (w, r)
body = [p for p in r if p.startswith("Trong kỳ báo cáo")][0]
assert "đã phát 2 tin, bài với 5 lượt phát, tổng thời lượng 0:03:45" in body, body
assert "Chỉ tiêu của kỳ là 6 tin, bài cải cách hành chính; kết quả: chưa đạt" in body, body
PY

# --- opened by LibreOffice: A4, one page, each part where Nghị định 30 puts it
if command -v soffice >/dev/null && command -v pdftoppm >/dev/null; then
	mkdir -p "$T/pdf"
	run 0 vi loaxa report --month 2025-03 --format docx -o "$T/m.docx"
	HOME="$T" timeout 180 soffice --headless --convert-to pdf --outdir "$T/pdf" "$T/r.docx" "$T/m.docx" >/dev/null 2>&1
	[ -s "$T/pdf/r.pdf" ] && [ -s "$T/pdf/m.pdf" ] && ok || bad "LibreOffice did not convert the DOCX"
	pdfinfo "$T/pdf/m.pdf" | grep -q '^Page size: *595.* x 841.* pts (A4)' && ok ||
		bad "not A4: $(pdfinfo "$T/pdf/m.pdf" | grep 'Page size')"
	pdfinfo "$T/pdf/m.pdf" | grep -q '^Pages: *1$' && ok || bad "a month's report takes more than a page"
	# the quarter's: the closing sentence goes with the signature, never the signature alone
	pages=$(pdfinfo "$T/pdf/r.pdf" | sed -n 's/^Pages: *//p')
	pdftotext -f "$pages" -l "$pages" "$T/pdf/r.pdf" "$T/pdf/last.txt"
	grep -q "Trên đây là báo cáo" "$T/pdf/last.txt" && grep -q "Nguyễn Văn An" "$T/pdf/last.txt" && ok ||
		bad "the signature's page lacks the closing sentence: $(cat "$T/pdf/last.txt")"
	pdftotext -bbox "$T/pdf/m.pdf" "$T/pdf/r.html"
	python3 - "$T/pdf/r.html" <<'PY' && ok || bad "the layout on the page: $(head -c 3000 "$T/pdf/r.html")"
import re, sys, html
words = [(html.unescape(w), float(x0), float(y0), float(x1)) for x0, y0, x1, w in
         re.findall(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="[\d.]+">([^<]*)</word>', open(sys.argv[1]).read())]
W = 595.3
def at(word, nth=0):
    found = [w for w in words if w[0] == word]
    assert len(found) > nth, (word, [w[0] for w in words][:80])
    return found[nth]
mid = lambda w: (w[1] + w[3]) / 2
# margins: left 30 mm (85 pt), right 15 mm (42.5 pt)
assert min(w[1] for w in words) >= 84, min(w[1] for w in words)
assert max(w[3] for w in words) <= W - 42, max(w[3] for w in words)
quoc_hieu, tieu_ngu = at("CỘNG"), at("Độc")
issuer, number = at("ĐÀI"), at("Số:")
assert mid(quoc_hieu) > W / 2 - 40 and mid(tieu_ngu) > W / 2, "quốc hiệu and tiêu ngữ on the right"
assert mid(issuer) < W / 2 and mid(number) < W / 2, "issuing body and number on the left"
assert abs(quoc_hieu[2] - at("ỦY")[2]) < 4, "quốc hiệu on the first line, with the body above the issuer"
date = at("Đông", 0)
assert date[2] > tieu_ngu[2] and date[1] > W / 2 - 60, "the date line under the tiêu ngữ, on the right"
title = at("BÁO")
centre = (85 + W - 42.5) / 2
assert abs((title[1] + at("CÁO")[3]) / 2 - centre) < 15 and title[2] > number[2], "the title centred under the heading"
nhan, signer = at("Nơi"), at("Nguyễn")
assert nhan[1] < 100 and mid(signer) > W / 2 + 40 and signer[2] > nhan[2], "Nơi nhận left, the signer right, below"
assert at("TRƯỞNG")[2] < signer[2], "the title above the name"
PY
	pdftoppm -png -r 80 -f 1 -l 1 "$T/pdf/m.pdf" "$T/pdf/page"
	[ "$(stat -c %s "$T/pdf/page-1.png" 2>/dev/null || echo 0)" -gt 20000 ] && ok || bad "no PNG of the first page"
	[ -n "${LOAXA_DOCX_PNG:-}" ] && cp "$T/pdf/page-1.png" "$LOAXA_DOCX_PNG"
else
	bad "soffice or pdftoppm is missing (scripts/deps installs libreoffice-writer-nogui, poppler-utils)"
fi

# --- bad templates, a missing one, no -o: a sentence, exit 1 or 2, nothing written
run 2 loaxa report --year 2025 --format docx
expect_err "needs -o FILE.docx"
run 1 env LOAXA_DATADIR="$T/nowhere" "$TOP/loaxa" report --year 2025 --format docx -o "$T/x.docx"
expect_err "template cannot be read \(Cannot open $T/nowhere/docx/\[Content_Types\]\.xml: No such file"
cp -r "$TOP/data" "$T/data"
sed -i 's/{{signer_name}}/{{signer_nam}}/' "$T/data/docx/word/document.xml"
run 1 env LOAXA_DATADIR="$T/data" "$TOP/loaxa" report --year 2025 --format docx -o "$T/x.docx"
expect_err "names \{\{signer_nam\}\}, which loaxa does not know"
sed -i 's/{{signer_nam}}/{{signer_name}}/; s|<!--{{/months}}-->||' "$T/data/docx/word/document.xml"
run 1 env LOAXA_DATADIR="$T/data" "$TOP/loaxa" report --year 2025 --format docx -o "$T/x.docx"
expect_err "opens the section months and does not close it"
[ ! -e "$T/x.docx" ] && [ -z "$(ls "$T" | grep '\.tmp\.')" ] && ok || bad "a failed DOCX left a file"
run 2 loaxa log --format docx
expect_err "text, csv, json or xlsx"

# --- the station section: in the dump, and refused with its line when wrong
run 0 loaxa config check
expect_out 'recipients = \( "UBND xã \(để báo cáo\)", "Văn phòng HĐND & UBND xã" \);'
expect_out 'signer_name = "Nguyễn Văn An";'
printf 'station = {\n  recipients = "UBND xã";\n  signer_nme = "x";\n};\n' >"$T/bad.conf"
run 1 loaxa config check --config "$T/bad.conf"
expect_err "bad.conf:2: station.recipients: must be a list of strings"
expect_err "bad.conf:3: station.signer_nme: unknown key.*did you mean signer_name\?"
finish
