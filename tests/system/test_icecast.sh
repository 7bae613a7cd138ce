#!/bin/sh
# IP loudspeaker clusters over Icecast (issue 15): a real icecast2 on
# 127.0.0.1 started here, loaxad with zones on its mounts, the sound card a
# PulseAudio null sink recorded back.
#   A  an airing to zone cum-ip streams to its mount: a listener (curl)
#      reading the mount receives the programme `loaxa program render`
#      makes (decoded by ffmpeg, wavcmp: the same length within 1 %,
#      correlation >= 0.9); `loaxa status` counts the listener (Icecast's
#      admin statistics); the row names the zone and has no reason.
#   N  the same with nobody listening: the row notes "no receiver
#      listening" for the zone (in Vietnamese in `loaxa log`); with nothing
#      streaming, `loaxa status` says so.
#   B  a zone with a wrong source password: the airing completes on the
#      sound card (the recording is the programme) and the row's reason
#      names the zone and says the login was refused, in Vietnamese in
#      `loaxa log` under vi_VN.UTF-8.
#   C  a mount already in use by another source (ffmpeg): as B.
#   D  icecast2 stopped: the airing completes on the card, the reason says
#      the server could not be reached.
#   F  a server that takes the connection and never answers: the zone is
#      logged unreached ("did not answer within 3 s"), the card and the
#      other zone get the programme, no thread is left waiting on it.
#   E  config check: an unknown key, a bad address, a password file that
#      is not there: FILE:LINE sentences, exit 1.
. "$(dirname "$0")/lib.sh"
export TZ=Asia/Ho_Chi_Minh LOAXA_LOCALEDIR="$TOP/po"
pa_start || exit 1

LIS_PID=
MUTE_PID=
ice_cleanup() {
	for p in $LIS_PID $MUTE_PID; do
		kill "$p" 2>/dev/null && wait "$p" 2>/dev/null
	done
	cleanup
}
trap ice_cleanup EXIT

MUTE_PORT=$(free_port)
# a burst as large as a whole airing: a listener that connects after the
# source gets everything since the source connected
ice_start sources=4 burst=1048576 queue=2097152 timeout=10 || exit 1
PORT=$ICE_PORT

# mounted MOUNT: the server lists a source on /MOUNT
mounted() {
	curl -s "http://127.0.0.1:$PORT/status-json.xsl" | grep -q "\"listenurl\":\"[^\"]*/$1\""
}
# wait_for N COMMAND...: until COMMAND succeeds (N s at most)
wait_for() {
	_n=$(($1 * 10))
	shift
	for _ in $(seq $_n); do
		"$@" && return 0
		sleep 0.1
	done
	return 1
}

printf 'nguon\n' >"$S/ice.pw"
printf 'sai-mat-khau\n' >"$S/wrong.pw"
printf 'quantri\n' >"$S/admin.pw"
sox -n -r 48000 -c 1 "$S/tone.wav" synth 3 sine 440 vol 0.3 : synth 1 sine 660 vol 0.3 2>/dev/null || exit 1
cat >"$S/loaxa.conf" <<CONF
state_dir = "$S/state";
control_socket = "$S/control.sock";
lead_seconds = 5;
audio = { output = "portaudio"; };
programs = { p = { items = ( { clip = "tone"; } ); };
  lang = { items = ( { clip = "tone"; }, { clip = "tone"; }, { clip = "tone"; } ); }; };
slots = ( );
zones = (
  { name = "cum-ip"; icecast = "http://127.0.0.1:$PORT/cum-ip.mp3"; icecast_password_file = "$S/ice.pw";
    icecast_admin_password_file = "$S/admin.pw"; },
  { name = "cum-sai"; icecast = "http://127.0.0.1:$PORT/cum-sai.mp3"; icecast_password_file = "$S/wrong.pw"; },
  { name = "cum-ban"; icecast = "http://127.0.0.1:$PORT/ban.mp3"; icecast_password_file = "$S/ice.pw"; },
  { name = "cum-cam"; icecast = "http://127.0.0.1:$MUTE_PORT/cam.mp3"; icecast_password_file = "$S/ice.pw"; }
);
CONF
export LOAXA_CONFIG="$S/loaxa.conf"
loaxa clip import "$S/tone.wav" --name tone --kind jingle >/dev/null || exit 1
loaxa config check >/dev/null && ok || bad "config check refuses the IP zones: $(loaxa config check 2>&1)"
loaxa program render p -o "$S/ref.wav" >/dev/null || exit 1
loaxa program render lang -o "$S/ref-lang.wav" >/dev/null || exit 1
db="$S/state/loaxa.db"

# wait_rows N: until N airings have ended (60 s at most)
wait_rows() {
	for _ in $(seq 300); do
		[ "$(sql "$db" "SELECT count(*) FROM airings WHERE status <> 'started'")" -ge "$1" ] 2>/dev/null && return 0
		sleep 0.2
	done
	return 1
}

start_daemon "$S/loaxa.conf" || exit 1

# --- A: the mount gets the airing
loaxa air --program lang --zone cum-ip >/dev/null && ok || bad "air --zone cum-ip"
check "the source is on the mount cum-ip.mp3" wait_for 30 mounted cum-ip.mp3
curl -s -N -o "$S/heard.mp3" "http://127.0.0.1:$PORT/cum-ip.mp3" &
LIS_PID=$!
one_listening() {
	loaxa status --format json | python3 -c "import json,sys; r=json.load(sys.stdin)['ip_zones']; sys.exit(0 if [(z['zone'], z['listeners']) for z in r] == [('cum-ip', 1)] else 1)"
}
check "loaxa status counts the listener on cum-ip" wait_for 30 one_listening
loaxa status | grep -q "^IP zone:  cum-ip, 1 listening" && ok || bad "loaxa status does not say cum-ip has 1 listener: $(loaxa status)"
check "the airing to cum-ip ended" wait_rows 1
# the stream ends when the device closes (nothing else planned): the listener sees the end
listener_done() { ! kill -0 "$LIS_PID" 2>/dev/null; }
check "the stream ended after the airing" wait_for 60 listener_done
wait "$LIS_PID" 2>/dev/null
LIS_PID=
row=$(sql "$db" "SELECT zones || '|' || status || '|' || coalesce(reason, '') FROM airings ORDER BY id DESC LIMIT 1")
echo "A: $row"
# (a busy machine may add its own reason, an underflow: only the zone's matters here)
case "$row" in
"cum-ip|completed|"*) ok ;;
*) bad "the airing to cum-ip: $row" ;;
esac
case "$row" in
*cum-ip:* | *"over Icecast"*) bad "the row says the zone was not reached or not heard: $row" ;;
*) ok ;;
esac
ffmpeg -v error -y -i "$S/heard.mp3" -ar 48000 -ac 1 "$S/heard.wav" && ok || bad "the listener's stream does not decode"
if out=$(wav_matches "$S/ref-lang.wav" "$S/heard.wav"); then ok; else bad "the listener did not hear the programme: $out"; fi
echo "A: listener's stream $(stat -c %s "$S/heard.mp3") bytes, $(soxi -D "$S/heard.wav" 2>/dev/null) s; $out"

# last_reason: the zones' part of the last row's reason, in English in the
# database (a busy machine may add an underflow of its own: left out)
last_reason() {
	sql "$db" "SELECT coalesce(reason, '') FROM airings ORDER BY id DESC LIMIT 1" |
		sed 's/; /\n/g' | grep '^zone ' | paste -sd ';' -
}
# vi_log: the log as a Vietnamese reader sees it
vi_log() { LANG=vi_VN.UTF-8 loaxa log; }

# air_recorded NAME ZONE: airs p to ZONE with the card recorded; the recording is the programme
air_recorded() {
	n=$(($(sql "$db" "SELECT count(*) FROM airings") + 1))
	rec_start "$S/rec-$1.wav" || { bad "$1: cannot record"; return; }
	loaxa air --program p --zone "$2" >/dev/null && ok || bad "$1: air --zone $2"
	check "$1: the airing to $2 ended" wait_rows "$n"
	rec_stop
	st=$(sql "$db" "SELECT status FROM airings ORDER BY id DESC LIMIT 1")
	[ "$st" = completed ] && ok || bad "$1: the airing to $2 did not complete on the sound card: $st"
	if out=$(wav_matches "$S/ref.wav" "$S/rec-$1.wav"); then ok; else bad "$1: the sound card did not play the programme: $out"; fi
	echo "$1: sound card $out; the row's reason: $(sql "$db" "SELECT coalesce(reason, '') FROM airings ORDER BY id DESC LIMIT 1")"
}

# --- N: nobody listening
air_recorded N cum-ip
r=$(last_reason)
echo "N: $r"
[ "$r" = "zone cum-ip: no receiver listening" ] && ok || bad "N: the row does not note that nobody listened: $r"
vi_log | grep -q "cụm loa cum-ip: không có máy thu nào đang nghe" && ok ||
	bad "N: loaxa log does not say it in Vietnamese: $(vi_log | tail -1)"
not_streaming() { LANG=C loaxa status | grep -q "^IP zone:  cum-ip, listeners unknown: nothing is streaming to /cum-ip.mp3 now"; }
check "N: with nothing streaming, loaxa status says so" wait_for 30 not_streaming

# --- B: wrong password
air_recorded B cum-sai
r=$(last_reason)
echo "B: $r"
[ "$r" = "zone cum-sai was not reached over Icecast: the Icecast server refused the source login (wrong password, or the mount is in use)" ] &&
	ok || bad "B: the reason does not say the zone and the refused login: $r"
vi_log | grep -q "không phát tới được cụm loa cum-sai qua Icecast: máy chủ Icecast từ chối đăng nhập nguồn phát" &&
	ok || bad "B: loaxa log does not say it in Vietnamese: $(vi_log | tail -1)"

# --- C: the mount is in use by another source
ffmpeg -v error -re -f lavfi -i "sine=frequency=1000:sample_rate=44100" -c:a libmp3lame -b:a 64k \
	-content_type audio/mpeg -f mp3 "icecast://source:nguon@127.0.0.1:$PORT/ban.mp3" >"$S/ffmpeg.log" 2>&1 &
SRC_PID=$!
check "C: the other source is on ban.mp3" wait_for 30 mounted ban.mp3
air_recorded C cum-ban
r=$(last_reason)
echo "C: $r"
echo "$r" | grep -q "^zone cum-ban was not reached over Icecast: the Icecast server refused the source login" &&
	ok || bad "C: the reason does not say the mount was refused: $r"
kill "$SRC_PID" 2>/dev/null && wait "$SRC_PID" 2>/dev/null
SRC_PID=

# --- F: a server that never answers (it takes the TCP connection and says
# nothing): the zone is logged unreached once the connect's 3 s are up, the
# card and the other zone (cum-ip, listened to) get the whole programme,
# and no thread is left waiting on that server
python3 -c '
import socket, sys
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1])))
s.listen(16)
held = []
while True:
    held.append(s.accept()[0])' "$MUTE_PORT" &
MUTE_PID=$!
mute_up() { python3 -c 'import socket, sys; socket.create_connection(("127.0.0.1", int(sys.argv[1])), 1)' "$MUTE_PORT" 2>/dev/null; }
check "F: the silent server listens" wait_for 30 mute_up
threads() { ls "/proc/$DAEMON_PID/task" | wc -l; }
t0=$(threads)
n=$(($(sql "$db" "SELECT count(*) FROM airings") + 1))
rec_start "$S/rec-F.wav" || bad "F: cannot record"
loaxa air --program p --zone cum-ip --zone cum-cam >/dev/null && ok || bad "F: air --zone cum-ip --zone cum-cam"
check "F: the source is on the mount cum-ip.mp3" wait_for 30 mounted cum-ip.mp3
curl -s -N -o "$S/heard-F.mp3" "http://127.0.0.1:$PORT/cum-ip.mp3" &
LIS_PID=$!
check "F: the airing to cum-ip and cum-cam ended" wait_rows "$n"
rec_stop
check "F: the stream to cum-ip ended after the airing" wait_for 60 listener_done
wait "$LIS_PID" 2>/dev/null
LIS_PID=
st=$(sql "$db" "SELECT zones || '|' || status FROM airings ORDER BY id DESC LIMIT 1")
[ "$st" = "cum-ip,cum-cam|completed" ] && ok || bad "F: the airing: $st"
if out=$(wav_matches "$S/ref.wav" "$S/rec-F.wav"); then ok; else bad "F: the sound card did not play the programme: $out"; fi
ffmpeg -v error -y -i "$S/heard-F.mp3" -ar 48000 -ac 1 "$S/heard-F.wav" && ok || bad "F: the listener's stream does not decode"
if out=$(wav_matches "$S/ref.wav" "$S/heard-F.wav"); then ok; else bad "F: cum-ip's listener did not hear the programme: $out"; fi
r=$(last_reason)
echo "F: $r"
[ "$r" = "zone cum-cam was not reached over Icecast: the Icecast server did not answer within 3 s" ] &&
	ok || bad "F: the reason does not say cum-cam's server did not answer: $r"
vi_log | grep -q "không phát tới được cụm loa cum-cam qua Icecast: máy chủ Icecast không trả lời trong vòng 3 giây" &&
	ok || bad "F: loaxa log does not say it in Vietnamese: $(vi_log | tail -1)"
threads_back() { [ "$(threads)" -le "$t0" ]; }
check "F: no thread is left waiting on the silent server ($t0 before, $(threads) now)" wait_for 30 threads_back
kill "$MUTE_PID" 2>/dev/null && wait "$MUTE_PID" 2>/dev/null
MUTE_PID=

# --- D: icecast2 stopped
ice_stop
air_recorded D cum-ip
r=$(last_reason)
echo "D: $r"
[ "$r" = "zone cum-ip was not reached over Icecast: the Icecast server could not be reached" ] &&
	ok || bad "D: the reason does not say the server could not be reached: $r"
vi_log | grep -q "không phát tới được cụm loa cum-ip qua Icecast: không kết nối được tới máy chủ Icecast" &&
	ok || bad "D: loaxa log does not say it in Vietnamese: $(vi_log | tail -1)"
grep -q "zone cum-ip was not reached over Icecast" "$S/daemon.log" && ok || bad "D: the daemon's log does not say it"
stop_daemon

# --- E: config check
cat >"$S/bad.conf" <<CONF
zones = (
  { name = "a"; icecast = "http://127.0.0.1:$PORT/a.mp3"; icecast_password_file = "$S/ice.pw"; icecast_pasword = "x"; },
  { name = "b"; icecast = "ftp://127.0.0.1/b"; icecast_password_file = "$S/ice.pw"; },
  { name = "c"; icecast = "http://127.0.0.1:$PORT/c.mp3"; icecast_password_file = "$S/khong-co.pw"; },
  { name = "d"; icecast = "http://127.0.0.1:$PORT/d.mp3"; }
);
CONF
out=$(LANG=C loaxa --config "$S/bad.conf" config check 2>&1)
rc=$?
echo "$out"
[ $rc -ne 0 ] && ok || bad "E: config check accepted bad IP zones"
for want in "bad.conf:2: .*icecast_pasword: unknown key" \
	"bad.conf:3: .*icecast: is not an Icecast mount address" \
	"bad.conf:4: .*icecast_password_file: cannot be read" \
	"bad.conf:5: .*needs icecast_password_file"; do
	echo "$out" | grep -q "$want" && ok || bad "E: config check does not say: $want"
done

finish
