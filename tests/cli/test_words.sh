#!/bin/sh
# Every word a reader sees in Vietnamese mode comes from the catalogue:
# a bulletin aired by hand ("bulletin-7" to the daemon) reads "bản tin #7"
# in `loaxa status` while it airs and in `loaxa log` after, its outcome
# "hoàn tất"; clip kinds read "nhạc hiệu"; and the same commands under C
# read English.  The daemon is the real one, playing into a paced WAV file.
. "$(dirname "$0")/lib.sh"
export TZ=Asia/Ho_Chi_Minh
vi() { LC_ALL=vi_VN.UTF-8 LANG=vi_VN.UTF-8 "$@"; }
cat >"$LOAXA_CONFIG" <<CONF
control_socket = "$T/control.sock";
lead_seconds = 5;
audio = { output = "wav"; pace = true; wav_path = "$T/out.wav"; };
tts = { engine = "fake"; };
slots = ( { name = "s"; when = "2099-01-01 03:00"; program = "mac-dinh"; } );
CONF
sox -n -r 48000 -c 1 "$T/tone.wav" synth 4 sine 440 vol 0.3 2>/dev/null || bad "sox cannot make a tone"
B=$(loaxa bulletin add --topic tthc --title "Một cửa" --audio "$T/tone.wav")
loaxa clip import "$T/tone.wav" --name nhac --kind jingle >/dev/null || bad "clip import"
[ -n "$B" ] && ok || bad "bulletin add"

run 0 vi loaxa clip list
expect_out "nhac +nhạc hiệu"
run 0 loaxa clip list
expect_out "nhac +jingle"

"$TOP/loaxad" --config "$LOAXA_CONFIG" >"$T/daemon.log" 2>&1 &
D=$!
trap 'kill $D 2>/dev/null; wait $D 2>/dev/null; rm -rf "$T"' EXIT
up=0
for _ in $(seq 100); do
	loaxa status >/dev/null 2>&1 && up=1 && break
	sleep 0.1
done
[ "$up" = 1 ] && ok || bad "the daemon did not start: $(cat "$T/daemon.log")"
run 0 loaxa air "$B"
# while it airs: the programme in words, in Vietnamese and in English
seen_vi="" seen_en=""
for _ in $(seq 100); do
	s=$(vi loaxa status 2>&1)
	case $s in *"bản tin #$B"*) seen_vi=$s ;; esac
	s=$(loaxa status 2>&1)
	case $s in *"bulletin #$B"*) seen_en=$s ;; esac
	[ -n "$seen_vi" ] && [ -n "$seen_en" ] && break
	sleep 0.1
done
[ -n "$seen_vi" ] && ok || bad "vi status never showed 'bản tin #$B': $(vi loaxa status 2>&1)"
[ -n "$seen_en" ] && ok || bad "status never showed 'bulletin #$B'"
printf '%s' "$seen_vi" | grep -q "bulletin-$B" && bad "the daemon's name shown: $seen_vi" || ok
# after it: the log in words
done_=0
for _ in $(seq 150); do
	loaxa log --format json | grep -q '"status":"completed"' && done_=1 && break
	sleep 0.1
done
[ "$done_" = 1 ] && ok || bad "the airing did not complete: $(loaxa log 2>&1)"
run 0 vi loaxa log
expect_out "phát tay +bản tin #$B +hoàn tất"
run 0 loaxa log
expect_out "manual +bulletin #$B +completed"
# machines keep the daemon's name and the code
run 0 vi loaxa log --format csv
expect_out ",bulletin-$B,$B,Một cửa,tthc,normal,4\.0,completed,"
finish
