#!/bin/sh
# When the computer is too busy to feed the sound card in time, listeners
# hear a gap: the daemon counts the times the device ran dry while an
# airing played and says so in that airing's row (in the reader's
# language), and an airing fed in time says nothing of the kind.  The
# daemon is frozen (SIGSTOP) for half a second in the middle of an airing,
# what an overloaded machine does to it.
. "$(dirname "$0")/lib.sh"
pa_start || exit 1
export TZ=Asia/Ho_Chi_Minh LC_ALL=vi_VN.UTF-8 LANG=vi_VN.UTF-8 LOAXA_LOCALEDIR="$TOP/po"
export LOAXA_CONFIG="$S/loaxa.conf"
DB="$S/state/loaxa.db"
cat >"$S/loaxa.conf" <<CONF
state_dir = "$S/state";
control_socket = "$S/control.sock";
audio = { output = "portaudio"; };
programs = { p = { items = ( { clip = "tone"; } ); }; };
CONF
sox -n -r 48000 -c 1 "$S/tone.wav" synth 4 sine 440 vol 0.3 2>/dev/null
loaxa clip import "$S/tone.wav" --name tone --kind recording >/dev/null || bad "cannot import the tone"
start_daemon "$S/loaxa.conf" || exit 1

# air_once: airs programme p now and waits for its row (60 s at most); prints its id
air_once() {
	before=$(sql "$DB" "SELECT count(*) FROM airings WHERE status <> 'started'")
	loaxa air --program p >/dev/null || bad "loaxa air --program p failed"
	[ "${1:-}" = freeze ] && {
		wait_playing || bad "the airing did not start playing (15 s)"
		sleep 1
		kill -STOP "$DAEMON_PID"
		sleep 0.5
		kill -CONT "$DAEMON_PID"
	}
	for _ in $(seq 300); do
		[ "$(sql "$DB" "SELECT count(*) FROM airings WHERE status <> 'started'")" -gt "$before" ] && break
		sleep 0.2
	done
	sql "$DB" "SELECT max(id) FROM airings WHERE status <> 'started'"
}

calm=$(air_once)
frozen=$(air_once freeze)
stop_daemon
[ -n "$calm" ] && [ -n "$frozen" ] && [ "$calm" != "$frozen" ] && ok || bad "the two airings were not both logged ($calm, $frozen)"
check "the airing fed in time is completed with no reason" \
	sh -c "[ \"\$(sqlite3 '$DB' \"SELECT status || '|' || coalesce(reason, '') FROM airings WHERE id = $calm\")\" = 'completed|' ]"
r=$(sql "$DB" "SELECT status || '|' || coalesce(reason, '') FROM airings WHERE id = $frozen")
case $r in
"completed|the sound broke off "[1-9]*" times: the computer was too busy to feed the sound card") ok ;;
*) bad "the frozen airing's row does not say the sound broke off: '$r'" ;;
esac
loaxa log --format text >"$S/log.txt" 2>&1
grep -q "tiếng bị ngắt quãng [1-9][0-9]* lần: máy tính quá bận" "$S/log.txt" && ok ||
	bad "loaxa log does not say the sound broke off, in Vietnamese: $(cat "$S/log.txt")"
finish
