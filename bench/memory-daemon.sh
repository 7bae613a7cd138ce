#!/bin/sh
# bench/memory-daemon: what the daemon keeps after one big airing.  Starts
# loaxad on the real sound path (PortAudio -> ALSA -> PulseAudio null sink)
# with no slot near, reads its RSS idle (the reference), then airs the
# Giếng Đáy plan as one ~20-minute bulletin (`loaxa air`: rendered, then
# played), stops it after PLAY_SECONDS with `loaxa stop`, waits SETTLE
# seconds and reads the RSS again.  Prints both and their difference, and
# each split as /proc/PID/status does: RssAnon (the daemon's own memory:
# heap, arenas, stacks) and RssFile (pages of the shared libraries and
# files it maps, shared with every other process that maps them).
# Goals: idle <= 12 MiB, after the airing within 2 MiB of idle.
#   PLAY_SECONDS=20 SETTLE=5 sh bench/memory-daemon.sh
set -u
TOP=$(cd "$(dirname "$0")/.." && pwd)
. "$TOP/tests/system/lib.sh"
PLAY=${PLAY_SECONDS:-20}
SETTLE=${SETTLE:-5}
pa_start || exit 1
export TZ=Asia/Ho_Chi_Minh
cat >"$S/loaxa.conf" <<CONF
state_dir = "$S/state";
control_socket = "$S/control.sock";
lead_seconds = 5;
audio = { output = "portaudio"; };
tts = { engine = "espeak"; voice = "vi"; };
programs = { p = { max_minutes = 0; items = ( { queue = true; } ); }; };
slots = ( { name = "far"; when = "2099-01-01 00:00"; program = "p"; } );
CONF
export LOAXA_CONFIG="$S/loaxa.conf"
B=$(loaxa bulletin add --topic tthc --title "Kế hoạch Giếng Đáy" --airings 0 \
	--file "$TOP/tests/data/plans/gieng-day-2025.txt" 2>/dev/null)
[ -n "$B" ] || { echo "cannot add the bulletin" >&2; exit 1; }
rss() { awk '/^VmRSS/ { print $2 }' "/proc/$DAEMON_PID/status"; }
anon() { awk '/^RssAnon/ { print $2 }' "/proc/$DAEMON_PID/status"; }
file() { awk '/^RssFile/ { print $2 }' "/proc/$DAEMON_PID/status"; }
hwm() { awk '/^VmHWM/ { print $2 }' "/proc/$DAEMON_PID/status"; }
mib() { awk -v k="$1" 'BEGIN { printf "%.1f", k / 1024 }'; }

start_daemon "$S/loaxa.conf" || exit 1
sleep "$SETTLE"
idle=$(rss)
idle_anon=$(anon)
idle_file=$(file)
t0=$(date +%s)
loaxa air "$B" >/dev/null || { echo "loaxa air failed" >&2; exit 1; }
wait_playing_long() { # rendering 20 minutes of speech takes a while
	for _ in $(seq 1200); do
		loaxa status --format json 2>/dev/null | grep -q '"position_s": [0-9]*\.[0-9]*[1-9]' && return 0
		sleep 0.5
	done
	return 1
}
wait_playing_long || { echo "the airing did not start" >&2; cat "$S/daemon.log" >&2; exit 1; }
t1=$(date +%s)
sleep "$PLAY"
playing=$(rss)
loaxa stop >/dev/null
for _ in $(seq 100); do
	loaxa status --format json | grep -q '"playing": null' && break
	sleep 0.2
done
sleep "$SETTLE"
after=$(rss)
after_anon=$(anon)
after_file=$(file)
peak=$(hwm)
len=$(loaxa log --format json | python3 -c 'import json,sys; r=json.load(sys.stdin); print(round(max(x["length_s"] or 0 for x in r) / 60, 1))')
stop_daemon
echo "bench/memory-daemon: a ${len}-minute bulletin (rendered in $((t1 - t0)) s), played ${PLAY} s, then loaxa stop"
echo "  daemon RSS idle $(mib "$idle") MiB, while playing $(mib "$playing") MiB, after the airing $(mib "$after") MiB (peak $(mib "$peak") MiB)"
echo "  of which the daemon's own (RssAnon): idle $(mib "$idle_anon") MiB, after $(mib "$after_anon") MiB; shared libraries and files (RssFile): idle $(mib "$idle_file") MiB, after $(mib "$after_file") MiB"
echo "  kept after the airing: $(mib $((after - idle))) MiB, of which its own $(mib $((after_anon - idle_anon))) MiB (goals: idle <= 12 MiB, kept <= 2 MiB)"
