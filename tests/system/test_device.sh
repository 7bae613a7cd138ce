#!/bin/sh
# Device faults under the running daemon, through the real sound path: the
# sound server absent when loaxad starts, killed in the middle of an
# airing, and its sink unloaded in the middle of an airing.  Each time the
# airing is logged `failed` with the reason, the daemon stays up, and the
# next slot airs once the device is back.
. "$(dirname "$0")/lib.sh"
export TZ=Asia/Ho_Chi_Minh

sox -n -r 48000 -c 1 "$S/tone.wav" synth 4 sine 660 vol 0.3 2>/dev/null
cat >"$S/loaxa.conf" <<CONF
state_dir = "$S/state";
control_socket = "$S/control.sock";
lead_seconds = 5;
audio = { output = "portaudio"; };
programs = { p = { items = ( { clip = "tone"; } ); }; };
slots = ( { name = "s"; when = "*:*:0/10"; program = "p"; catch_up_minutes = 0; } );
CONF
export LOAXA_CONFIG="$S/loaxa.conf"
loaxa clip import "$S/tone.wav" --name tone --kind jingle >/dev/null || exit 1
db="$S/state/loaxa.db"

# n STATUS [AFTER-MS]: rows of that status scheduled after AFTER-MS
n() { sql "$db" "SELECT count(*) FROM airings WHERE status = '$1' AND scheduled_at > ${2:-0}"; }
# wait_n STATUS AFTER-MS SECONDS: until there is such a row
wait_n() {
	for _ in $(seq $(($3 * 5))); do
		[ "$(n "$1" "$2")" -gt 0 ] 2>/dev/null && return 0
		sleep 0.2
	done
	return 1
}
alive() { kill -0 "$DAEMON_PID" 2>/dev/null; }
now_ms() { echo $(($(date +%s) * 1000)); }
reason_of_last() { sql "$db" "SELECT reason FROM airings WHERE status = 'failed' ORDER BY id DESC LIMIT 1"; }

# --- absent at start: no sound server yet (the ALSA default device is PulseAudio's)
export HOME="$S/home" XDG_RUNTIME_DIR="$S/run" PULSE_RUNTIME_PATH="$S/run/pulse"
mkdir -p "$HOME" "$XDG_RUNTIME_DIR"
chmod 700 "$XDG_RUNTIME_DIR"
printf 'pcm.!default { type pulse }\nctl.!default { type pulse }\n' >"$HOME/.asoundrc"
"$TOP/loaxad" --config "$S/loaxa.conf" >>"$S/daemon.log" 2>&1 &
DAEMON_PID=$!
check "absent device: the airing is logged failed" wait_n failed 0 25
r=$(reason_of_last)
[ -n "$r" ] && ok || bad "the failed airing has no reason"
echo "absent device: failed, reason: $r"
check "absent device: the daemon stays up" alive
pa_start || exit 1
t0=$(now_ms)
check "absent device: the next slot airs once the device is there" wait_n completed "$t0" 30

# --- the sound server killed in the middle of an airing
check "an airing on air" wait_playing
t1=$(now_ms)
kill -9 "$PA_PID"
wait "$PA_PID" 2>/dev/null
PA_PID=
check "server killed: the airing is logged failed" wait_n failed $((t1 - 10000)) 15
failed_after_kill=$(sql "$db" "SELECT count(*) FROM airings WHERE status = 'failed' AND scheduled_at > $((t1 - 10000)) AND reason IS NOT NULL AND reason != ''")
[ "$failed_after_kill" -ge 1 ] && ok || bad "server killed: no failed row with a reason"
echo "server killed: $(reason_of_last)"
check "server killed: the daemon stays up" alive
sleep 2
pa_start || exit 1
t2=$(now_ms)
check "server killed: the next slot airs once it is back" wait_n completed "$t2" 30

# --- the sink unloaded in the middle of an airing
check "an airing on air" wait_playing
t3=$(now_ms)
mod=$(pactl list short modules | awk '/module-null-sink/ { print $1 }')
pactl unload-module "$mod"
check "sink unloaded: the airing is logged failed" wait_n failed $((t3 - 10000)) 15
echo "sink unloaded: $(reason_of_last)"
check "sink unloaded: the daemon stays up" alive
sleep 2
pactl load-module module-null-sink sink_name=loa rate=48000 >/dev/null
pactl set-default-sink loa
t4=$(now_ms)
check "sink unloaded: the next slot airs once it is back" wait_n completed "$t4" 30
stop_daemon

log_whole "$db"
tally=$(tally "$db")
echo "device: $tally"
finish
