#!/bin/sh
# Reasons in the airing log are kept in English (the daemon writes the
# catalogue's msgids whatever its locale) and shown in the reader's
# language: a fixed reason, one with a number, one with a slot name, and two
# joined by "; " (issue 18.10), a relay's (a reason inside a reason, with
# an address and a time), the sound breaking off (a count), and a live
# recording's trouble (the system's error text translated by libc's catalogue).  Machine formats keep them as stored.
. "$(dirname "$0")/lib.sh"
export TZ=Asia/Ho_Chi_Minh
vi() { LC_ALL=vi_VN.UTF-8 LANG=vi_VN.UTF-8 "$@"; }
cat >"$LOAXA_CONFIG" <<CONF
tts = { engine = "fake"; };
slots = ( { name = "sang"; when = "*-*-* 06:00"; program = "mac-dinh"; } );
CONF
loaxa bulletin list >/dev/null # creates the store
db="$LOAXA_STATE_DIR/loaxa.db"
day=$(( ($(date +%s) / 86400 - 1) * 86400000 ))
i=0
for r in "stopped by the operator" "cut by emergency bulletin #7" "the player was busy with slot chieu" \
	"the player was busy with slot chieu; the slot's instant at 06:00:00 replaced it" \
	"relay signal lost at 07:15:03: could not connect to http://10.0.0.1:8000/vov1.mp3 (refused or unreachable)" \
	"http://10.0.0.1:8000/x.mp3 answered HTTP 404 (no such stream: is the station on air?)" \
	"stopped by the operator; the sound broke off 3 times: the computer was too busy to feed the sound card" \
	"relay signal lost at 06:12:31: the input device \"USB Audio\" is not there" \
	"relay signal lost at 06:12:31: cannot open the input device \"USB Audio\" at 48000 Hz: Device unavailable" \
	"stopped by the operator; The recording /srv/rec/live-3.wav stopped (No space left on device): what aired before that is kept in it." \
	"Cannot record the live announcement into /srv/rec/live-4.wav.part: Permission denied."; do
	i=$((i + 1))
	r=$(printf '%s' "$r" | sed "s/'/''/g")
	sqlite3 "$db" "INSERT INTO airings (slot, program, scheduled_at, ended_at, status, reason) VALUES ('sang', 'mac-dinh', $day + $i * 60000, $day + $i * 60000, 'missed', '$r')"
done
run 0 vi loaxa log
expect_out "bị người vận hành dừng"
expect_out "bị bản tin khẩn cấp số 7 cắt ngang"
expect_out "bộ phát đang bận với khung giờ chieu$"
expect_out "bộ phát đang bận với khung giờ chieu; lượt phát lúc 06:00:00 của khung giờ đã thay thế nó"
# a relay's reasons: a reason inside a reason, the address and the time kept
expect_out "mất tín hiệu tiếp âm lúc 07:15:03: không kết nối được tới http://10.0.0.1:8000/vov1.mp3 \(bị từ chối hoặc không tới được\)"
expect_out "http://10.0.0.1:8000/x.mp3 trả lời HTTP 404 \(không có luồng này: đài có đang phát không\?\)"
expect_out "bị người vận hành dừng; tiếng bị ngắt quãng 3 lần: máy tính quá bận"
# the line-in's device: stored in English by the relay, shown translated
expect_out 'mất tín hiệu tiếp âm lúc 06:12:31: không có thiết bị thu "USB Audio"$'
expect_out 'mất tín hiệu tiếp âm lúc 06:12:31: không mở được thiết bị thu "USB Audio" ở 48000 Hz: Device unavailable$'
# a live recording's trouble, the system's own words translated too (libc-l10n)
expect_out "bị người vận hành dừng; Bản ghi âm /srv/rec/live-3.wav bị dừng \(Không có đủ chỗ trống trên thiết bị\): những gì đã phát trước đó vẫn được giữ trong bản ghi\.$"
expect_out "Không ghi âm được buổi phát trực tiếp vào /srv/rec/live-4.wav.part: Không đủ quyền truy cập\.$"
run 0 loaxa log
expect_out "The recording /srv/rec/live-3.wav stopped \(No space left on device\): what aired"
expect_out "stopped by the operator"
expect_out "cut by emergency bulletin #7"
expect_out "the player was busy with slot chieu; the slot's instant at 06:00:00 replaced it"
run 0 vi loaxa log --format csv
expect_out "cut by emergency bulletin #7"
expect_out "relay signal lost at 07:15:03: could not connect to http://10.0.0.1:8000/vov1.mp3"
finish
