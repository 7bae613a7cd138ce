#!/bin/sh
# loaxa config check as an operator reads it under vi_VN: every error of
# the file at once, each with its line, in Vietnamese only; the near name
# for a misspelt one; 17h30 answered with 17:30; Vietnamese weekday names
# (T2..CN, "Thứ 2", "Chủ nhật") taken as Mon..Sun, as `loaxa schedule`
# shows; a warning for an expression that never falls; FILE:LINE for a
# voice that is not installed; and the near name on the command line too.
. "$(dirname "$0")/lib.sh"
export TZ=Asia/Ho_Chi_Minh
if ! locale -a | grep -qi '^vi_VN.utf-\?8$'; then
	bad "the vi_VN.UTF-8 locale is missing (scripts/deps generates it)"
	finish
	exit 1
fi
vi() { LC_ALL=vi_VN.UTF-8 LANG=vi_VN.UTF-8 "$@"; }
C="$T/bad.conf"

# --- six errors and a warning, on lines 1 to 7: all told, in line order
cat >"$C" <<'CONF'
lead_seconds = 1;
audio = { output = "portuadio"; };
lead_secnds = 30;
tts = { engine = "fake"; };
slots = ( { name = "s"; when = "T2..T6 17h30"; program = "mac-dnh"; },
          { name = "t"; when = "2025-02-30 06:00"; program = "mac-dinh"; },
          { name = "u"; when = "Mon..Fry 05:30"; program = "mac-dinh"; } );
CONF
run 1 vi loaxa config check --config "$C"
[ -z "$OUT" ] && ok || bad "a refused configuration was printed"
printf '%s\n' "$ERR" >"$T/err"
python3 - "$T/err" "$C" <<'PY' && ok || bad "config check: $(cat "$T/err")"
import sys
lines = open(sys.argv[1], encoding="utf-8").read().strip().split("\n")
path = sys.argv[2]
want = [(1, "lead_seconds: phải nằm trong khoảng 5 đến 3600 (đang ghi 1)"),
        (2, "audio.output: ", "có phải ý bạn là portaudio?"),
        (3, "lead_secnds: ", "có phải ý bạn là lead_seconds?"),
        (5, "17:30"),
        (5, "có phải ý bạn là mac-dinh?"),
        (6, "cảnh báo: ", "2025-02-30 06:00", "không bao giờ"),
        (7, "Fry")]
assert len(lines) == len(want) + 1, lines
for l, w in zip(lines, want):
    head = "loaxa: %s:%d: " % (path, w[0])
    assert l.startswith(head), (l, head)
    for part in w[1:]:
        assert part in l, (l, part)
assert lines[-1] == "loaxa: 6 lỗi; cấu hình không được nhận cho đến khi sửa hết.", lines[-1]
PY
# Vietnamese only: none of the English words of the messages
printf '%s' "$ERR" | grep -Eiw 'got|did you mean|warning|must|unknown|errors' >"$T/en" &&
	bad "English in the Vietnamese messages: $(cat "$T/en")" || ok
# the same file, in English, and the daemon's loader (one sentence, and how many more)
run 1 loaxa config check --config "$C"
expect_err "bad.conf:2: audio.output: must be one of portaudio, wav, null; did you mean portaudio\? \(got \"portuadio\"\)"
expect_err "bad.conf:5: slots\[0\]\.when: a calendar expression writes the time as 17:30, with a colon"
run 1 env LOAXA_CONFIG="$C" "$TOP/loaxa" bulletin list
expect_err "bad.conf:1: lead_seconds: .*\(and 4 more errors: 'loaxa config check' lists them all\)"

# --- Vietnamese weekday names: the slot falls on the days they name
cat >"$LOAXA_CONFIG" <<'CONF'
tts = { engine = "fake"; };
slots = ( { name = "tuan"; when = "T2..T6 17:00"; program = "mac-dinh"; },
          { name = "cuoi"; when = "Thứ 7,Chủ nhật 06:00"; program = "mac-dinh"; },
          { name = "hai"; when = "thứ hai 08:00"; program = "mac-dinh"; },
          { name = "cn"; when = "CN 09:00"; program = "mac-dinh"; } );
CONF
run 0 vi loaxa config check
expect_out 'when = "Mon..Fri 17:00"'
expect_out 'when = "Sat,Sun 06:00"'
expect_out 'when = "Mon 08:00"'
expect_out 'when = "Sun 09:00"'
[ -z "$ERR" ] && ok || bad "warnings for good weekday names: $ERR"
run 0 loaxa schedule --days 14 --format json
printf '%s' "$OUT" | python3 -c '
import json, sys, datetime
days = {"tuan": {0, 1, 2, 3, 4}, "cuoi": {5, 6}, "hai": {0}, "cn": {6}}
seen = {}
for a in json.load(sys.stdin)["airings"]:
    wd = datetime.datetime.fromisoformat(a["at"]).weekday()
    assert wd in days[a["slot"]], a
    seen.setdefault(a["slot"], set()).add(wd)
assert seen == days, seen' && ok || bad "the Vietnamese weekdays fall on other days: $OUT"

# --- only a warning: the configuration is taken (exit 0), the warning said
cat >"$C" <<'CONF'
tts = { engine = "fake"; };
slots = ( { name = "sang"; when = "*-*-* 05:30"; program = "mac-dinh"; },
          { name = "cu"; when = "2020-01-01 06:00"; program = "mac-dinh"; } );
CONF
run 0 vi loaxa config check --config "$C"
expect_err "bad.conf:3: cảnh báo: khung giờ \"cu\": \"2020-01-01 06:00\" không còn đến nữa"
expect_out 'name = "cu"'

# --- a voice that is not installed: its line
printf 'station = { name = "Đài xã"; };\n\ntts = {\n  engine = "espeak";\n  voice = "klingon";\n};\n' >"$C"
run 1 loaxa config check --config "$C"
expect_err "bad.conf:5: The voice \"klingon\" is not installed"

# --- the near name on the command line
cat >"$LOAXA_CONFIG" <<'CONF'
tts = { engine = "fake"; };
slots = ( { name = "sang"; when = "*-*-* 05:30"; program = "mac-dinh"; },
          { name = "chieu"; when = "*-*-* 17:00"; program = "mac-dinh"; } );
CONF
B=$(loaxa bulletin add --topic tthc --title "Một cửa" --text "Tin một.")
run 1 vi loaxa queue add "$B" --slot sng
expect_err 'Không có khung giờ "sng"; có phải ý bạn là sang\? Các khung giờ là: sang, chieu\.'
run 1 loaxa queue add "$B" --slot trua
expect_err 'There is no slot "trua"; the slots are: sang, chieu\.$'
run 1 loaxa log --topic thc
expect_err 'did you mean tthc\?'
run 1 loaxa report --topic chinh-quyen-s
expect_err 'did you mean chinh-quyen-so\?'
run 1 loaxa air --program mac-dnh
expect_err 'There is no programme "mac-dnh"; did you mean mac-dinh\?'
# --- checking a file makes no station: a state directory that does not
# exist yet is left so, and a clip the file names is still looked for (in an
# empty store) and reported
mkdir -p "$T/new"
cat >"$T/new/loaxa.conf" <<CONF
state_dir = "$T/new/state";
programs = { p = { items = ( { clip = "nhac-hieu"; } ); }; };
CONF
run 1 env -u LOAXA_STATE_DIR "$TOP/loaxa" config check --config "$T/new/loaxa.conf"
expect_err 'loaxa.conf:2: .*nhac-hieu'
[ ! -e "$T/new/state" ] && ok || bad "config check made the state directory $T/new/state"
sed -i '/^programs/d' "$T/new/loaxa.conf"
run 0 env -u LOAXA_STATE_DIR "$TOP/loaxa" config check --config "$T/new/loaxa.conf"
[ ! -e "$T/new/state" ] && ok || bad "config check made the state directory $T/new/state"
finish
