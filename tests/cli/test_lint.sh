#!/bin/sh
# The pre-air lint as the operator meets it (issue 18, item 3): what the
# normalizer reads right is no finding, so approval needs no --force for it;
# a guess is told with its reading and does not stop approval; what would be
# heard wrong does, unless --force.
. "$(dirname "$0")/lib.sh"

printf 'approval_required = true;\n' >"$LOAXA_CONFIG"

# read right: times, codes, addresses, units, ranges, counts: nothing to say
run 0 loaxa bulletin add --topic tthc --title "Lịch tiếp dân" --text "Tiếp công dân lúc 7h30, 11h30 và 17h00 theo Quyết định số 10468/QĐ-UBND; hồ sơ nộp tại dichvucong.gov.vn; phí 2.000đ/trang; nhiệt độ 35-37°C; đã có 45/52 hộ."
A=$OUT
[ -z "$ERR" ] && ok || bad "a clean text drew warnings: $ERR"
run 0 loaxa bulletin check "$A"
expect_out "No problems found"
run 0 loaxa bulletin approve "$A"
run 0 loaxa bulletin show "$A" --format json
expect_out '"state": "approved"'

# a guess: told with its reading, as a note; approval goes through
run 0 loaxa bulletin add --topic khac --title "Khai mạc" --text "Lễ hội khai mạc 2/9. Hạn dùng 12m."
G=$OUT
expect_err 'note: 1:17: "2/9" is read as a date, "ngày hai tháng chín"'
expect_err 'note: 1:31: "12m" is read in metres, "mười hai mét"'
run 1 loaxa bulletin check "$G"
expect_out "^$G:1:17: \"2/9\" is read as a date"
run 1 loaxa bulletin check "$G" --format json
printf '%s' "$OUT" | python3 -c '
import json, sys
f = json.load(sys.stdin)
assert [x["kind"] for x in f] == ["guess", "guess"], f
assert f[0]["reading"] == "ngày hai tháng chín" and f[0]["text"] == "2/9", f[0]
assert f[1]["reading"] == "mười hai mét" and f[1]["column"] == 31, f[1]
' && ok || bad "check --format json of the guesses: $OUT"
run 0 loaxa bulletin approve "$G"
expect_err 'note: 1:17: "2/9"'
run 0 loaxa bulletin show "$G" --format json
expect_out '"state": "approved"'

# heard wrong: an unknown acronym is spelled; approval needs --force
run 0 loaxa bulletin add --topic khac --title "Phần mềm" --text "Cài phần mềm XYZW trên điện thoại."
W=$OUT
expect_err 'warning: 1:14: unknown acronym "XYZW"'
run 1 loaxa bulletin approve "$W"
expect_err '1:14: unknown acronym "XYZW"'
expect_err 'Bulletin [0-9]+ has 1 problems that would be heard on air'
run 0 loaxa bulletin show "$W" --format json
expect_out '"state": "draft"'
run 0 loaxa bulletin approve "$W" --force
run 0 loaxa bulletin show "$W" --format json
expect_out '"state": "approved"'
# an approval covers the version approved: an edit is a draft again, as in
# the web console, so no unapproved text airs
run 0 loaxa bulletin edit "$W" --text "Cài phần mềm trên điện thoại."
run 0 loaxa bulletin show "$W" --format json
expect_out '"state": "draft"'
expect_out '"version": 2'
expect_out "\"made_by\": \"$(id -un)\""
run 0 loaxa bulletin approve "$W"
run 0 loaxa bulletin show "$W" --format json
expect_out '"state": "approved"'

# a guess and a problem together: only the problem counts
run 0 loaxa bulletin add --topic khac --title "Cả hai" --text "Khai mạc 2/9 tại nhà đ u tư."
B=$OUT
run 1 loaxa bulletin approve "$B"
expect_err 'has 1 problems'
expect_err 'note: 1:10: "2/9" is read as a date'
expect_err '1:22: "đ" is not a Vietnamese syllable'

# in Vietnamese, as a commune office runs it
if locale -a 2>/dev/null | grep -qi '^vi_VN.utf-\?8$'; then
	run 1 env LC_ALL=vi_VN.UTF-8 "$TOP/loaxa" bulletin check "$G"
	expect_out '"2/9" được đọc là ngày tháng, "ngày hai tháng chín"'
	run 0 env LC_ALL=vi_VN.UTF-8 "$TOP/loaxa" bulletin add --topic khac --title "VI" --text "Khai mạc 2/9."
	expect_err 'lưu ý: 1:10: "2/9" được đọc là ngày tháng'
else
	bad "the vi_VN.UTF-8 locale is missing (scripts/deps generates it)"
fi

finish
