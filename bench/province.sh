#!/bin/sh
# bench/province: the province link at scale, on this machine.
#
# 1. COMMUNES (1000) simulated communes (bench/province_sim, a light
#    process, not loaxad) at RATE (100) times the real rate for SECONDS
#    (60) against one mosquitto (passwords and the ACL loaxa-province acl
#    prints) and the real collector (loaxa-province collect).  Printed:
#    rows delivered per second, end-to-end delay p50/p99 (the commune's
#    publish to the row in the province's store), the collector's CPU and
#    peak RSS, and that nothing was lost or held twice.  The reference, in
#    the same run: mosquitto_sub taking the same traffic to /dev/null, the
#    cheapest consumer there is; the collector's CPU is given as a ratio
#    of it.
# 2. "A broker that is down never delays an airing": a real loaxad +
#    loaxa-link airs a short programme every 4 s (paced WAV sink), AIRINGS
#    (12) times with the broker up (the reference), then as many with it
#    down; lateness p50/p99/max of both, and the ratio.
#
#    The link's own cost in both phases (CPU, and wake-ups over 20 idle
#    seconds between airings, by strace) is printed too: it wakes on the
#    database's WAL (inotify), not on a timer.
#
#   COMMUNES=1000 RATE=100 SECONDS=60 AIRINGS=12 sh bench/province.sh
#   PART=2 sh bench/province.sh      (only the second part)
set -u
TOP=$(cd "$(dirname "$0")/.." && pwd)
. "$TOP/tests/system/lib.sh"
NC=${COMMUNES:-1000}
RATE=${RATE:-100}
SECS=${SECONDS_RUN:-${SECONDS:-60}}
NA=${AIRINGS:-12}
P=hn
make -s -C "$TOP" loaxad loaxa-link loaxa-province bench/province_sim || exit 1
ulimit -n 8192 2>/dev/null || ulimit -n "$(ulimit -Hn)"
PIDS=""
bench_cleanup() {
	for p in $PIDS; do kill -9 "$p" 2>/dev/null; done
	cleanup
}
trap bench_cleanup EXIT

PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
mkdir -p "$S/mq" "$S/prov"
"$TOP/loaxa-province" --config /dev/null keygen --out "$S/prov/secret.key" >"$S/prov/pub"
: >"$S/prov/communes"
: >"$S/mq/passwd"
i=1
while [ "$i" -le "$NC" ]; do
	c=$(printf 's%04d' "$i")
	echo "$c d$((i % 30)) Xã $i" >>"$S/prov/communes"
	echo "$c:pw" >>"$S/mq/passwd"
	i=$((i + 1))
done
echo "province:ppw" >>"$S/mq/passwd"
mosquitto_passwd -U "$S/mq/passwd" 2>/dev/null
echo ppw >"$S/prov/pw"
cat >"$S/prov/loaxa.conf" <<EOF
link = { host = "127.0.0.1"; port = $PORT; username = "province"; password_file = "$S/prov/pw";
  province = "$P"; secret_key_file = "$S/prov/secret.key"; communes_file = "$S/prov/communes";
  province_state_dir = "$S/prov/state"; };
EOF
"$TOP/loaxa-province" --config "$S/prov/loaxa.conf" acl >"$S/mq/acl"
cat >"$S/mq/mosquitto.conf" <<EOF
user root
listener $PORT 127.0.0.1
allow_anonymous false
password_file $S/mq/passwd
acl_file $S/mq/acl
max_queued_messages 1000000
max_inflight_messages 100
log_dest file $S/mq/mosquitto.log
EOF
mq_start() {
	mosquitto -c "$S/mq/mosquitto.conf" >/dev/null 2>&1 &
	MQ=$!
	PIDS="$PIDS $MQ"
	for _ in $(seq 50); do
		python3 -c "import socket; socket.create_connection(('127.0.0.1',$PORT),1)" 2>/dev/null && return 0
		sleep 0.1
	done
	return 1
}
mq_start || { echo "mosquitto did not start" >&2; exit 1; }
cpu_ms() { # utime + stime of a pid, in ms
	awk -v hz="$(getconf CLK_TCK)" '{ print int(($14 + $15) * 1000 / hz) }' "/proc/$1/stat"
}
if [ "${PART:-1}" = 1 ]; then

sim() { "$TOP/bench/province_sim" 127.0.0.1 "$PORT" "$P" "$(cat "$S/prov/pub")" "$NC" "$RATE" "$SECS" s pw; }

# -- the reference: a bare subscriber to the same topics
mosquitto_sub -h 127.0.0.1 -p "$PORT" -u province -P ppw -q 1 -t "loaxa/$P/commune/+/log" \
	-t "loaxa/$P/commune/+/status" >/dev/null &
SUB=$!
PIDS="$PIDS $SUB"
sleep 1
s0=$(cpu_ms "$SUB"); m0=$(cpu_ms "$MQ")
# nobody acknowledges here: the simulator sends every row once and stops (no drain)
SIM_NO_ACK=1 "$TOP/bench/province_sim" 127.0.0.1 "$PORT" "$P" "$(cat "$S/prov/pub")" "$NC" "$RATE" "$SECS" s pw \
	>"$S/ref.out" 2>&1
s1=$(cpu_ms "$SUB"); m1=$(cpu_ms "$MQ")
kill "$SUB"
ref_cpu=$((s1 - s0)); ref_mq=$((m1 - m0))

# -- the collector
"$TOP/loaxa-province" --config "$S/prov/loaxa.conf" collect 2>"$S/collect.log" &
COLL=$!
PIDS="$PIDS $COLL"
sleep 1
c0=$(cpu_ms "$COLL"); m0=$(cpu_ms "$MQ")
start=$(date +%s.%N)
sim >"$S/sim.out" 2>&1
simrc=$?
end=$(date +%s.%N)
c1=$(cpu_ms "$COLL"); m1=$(cpu_ms "$MQ")
rss=$(awk '/VmHWM/ { print $2 }' "/proc/$COLL/status")
kill "$COLL"; wait "$COLL" 2>/dev/null
db="$S/prov/state/province.db"
sent=$(sed -n 's/.* rows \([0-9]*\) .*/\1/p' "$S/sim.out")
acked=$(sed -n 's/.* acked \([0-9]*\) .*/\1/p' "$S/sim.out")
statuses=$(sed -n 's/.* statuses \([0-9]*\).*/\1/p' "$S/sim.out")
rows=$(sqlite3 "$db" "SELECT count(*) FROM airings")
items=$(sqlite3 "$db" "SELECT count(*) FROM items")
twice=$(sqlite3 "$db" "SELECT count(*) FROM airings WHERE deliveries > 1")
sqlite3 "$db" "SELECT received_at - published_at FROM airings WHERE deliveries = 1" | sort -n >"$S/delay"
n=$(wc -l <"$S/delay")
p50=$(sed -n "$(( (n + 1) / 2 ))p" "$S/delay")
p99=$(sed -n "$(( (n * 99 + 99) / 100 ))p" "$S/delay")
p90=$(sed -n "$(( (n * 9 + 9) / 10 ))p" "$S/delay")
dmax=$(tail -1 "$S/delay")
mqrss=$(awk '/VmHWM/ { print $2 }' "/proc/$MQ/status")
dur=$(echo "$end - $start" | bc)
echo "bench/province: $NC communes at ${RATE}x the real rate for $SECS s, one mosquitto, the collector"
printf '  delivered: %s airing rows (%s items, %.1f rows/s, %.0f items/s) and %s statuses (%.0f/s)\n' \
	"$rows" "$items" "$(echo "$rows / $SECS" | bc -l)" "$(echo "$items / $SECS" | bc -l)" \
	"$statuses" "$(echo "$statuses / $SECS" | bc -l)"
echo "  end-to-end delay (commune publish -> row in the province's store): p50 ${p50:-?} ms, p90 ${p90:-?} ms, p99 ${p99:-?} ms, max ${dmax:-?} ms"
printf '  collector: CPU %.1f s over %.0f s (%.1f %% of a core), peak RSS %d MiB; mosquitto CPU %.1f s, peak RSS %d MiB\n' \
	"$(echo "($c1 - $c0) / 1000" | bc -l)" "$dur" "$(echo "($c1 - $c0) / 10 / $dur" | bc -l)" \
	"$((rss / 1024))" "$(echo "($m1 - $m0) / 1000" | bc -l)" "$((mqrss / 1024))"
printf '  reference (mosquitto_sub to /dev/null, same traffic): CPU %.1f s (mosquitto %.1f s); the collector costs %.1fx it\n' \
	"$(echo "$ref_cpu / 1000" | bc -l)" "$(echo "$ref_mq / 1000" | bc -l)" \
	"$(echo "($c1 - $c0) / ($ref_cpu + 1)" | bc -l)"
if [ "$simrc" = 0 ] && [ "$rows" = "$sent" ] && [ "$acked" = "$sent" ]; then
	echo "  nothing lost: $sent rows sent, $acked acknowledged, $rows held; $twice delivered more than once, held once"
else
	echo "  LOST OR UNACKNOWLEDGED: $sent rows sent, $acked acknowledged, $rows held ($(cat "$S/sim.out"))"
fi

fi

# -- 2. airings with the broker down vs up
mkdir -p "$S/c"
cat >"$S/c/loaxa.conf" <<EOF
state_dir = "$S/c/state";
control_socket = "$S/c/control.sock";
lead_seconds = 5;
audio = { output = "wav"; wav_path = "$S/c/out.wav"; pace = true; };
tts = { engine = "fake"; };
programs = { p = { items = ( { tts = "Bản tin ngắn."; } ); }; };
slots = ( { name = "b"; when = "*:*:0/4"; program = "p"; catch_up_minutes = 0; } );
link = { host = "127.0.0.1"; port = $PORT; username = "s0001"; password_file = "$S/c/pw";
  province = "$P"; district = "d1"; commune = "s0001"; province_key = "$(cat "$S/prov/pub")";
  status_seconds = 1; keepalive = 5; };
EOF
echo pw >"$S/c/pw"
"$TOP/loaxad" --config "$S/c/loaxa.conf" >"$S/c/daemon.log" 2>&1 &
PIDS="$PIDS $!"
"$TOP/loaxa-link" --config "$S/c/loaxa.conf" >"$S/c/link.log" 2>&1 &
LINK=$!
PIDS="$PIDS $LINK"
cdb() { sqlite3 "$S/c/state/loaxa.db" "$1"; }
wait_rows() { # until N completed airings after id $2
	while [ "$(cdb "SELECT count(*) FROM airings WHERE status = 'completed' AND id > $2")" -lt "$1" ]; do sleep 1; done
}
sleep 6 # the first airing warms up
first=$(cdb "SELECT coalesce(max(id), 0) FROM airings")
l0=$(cpu_ms "$LINK")
wait_rows "$NA" "$first"
up_last=$(cdb "SELECT max(id) FROM airings")
l1=$(cpu_ms "$LINK")
kill -9 "$MQ"
wait_rows "$NA" "$up_last"
down_last=$(cdb "SELECT max(id) FROM airings")
l2=$(cpu_ms "$LINK")
# idle: no slot for 20 s (the daemon reloads a far slot); count the link's system calls
sed -i 's|when = "\*:\*:0/4"|when = "2099-01-01 00:00:00"|' "$S/c/loaxa.conf"
"$TOP/loaxa" --config "$S/c/loaxa.conf" reload >/dev/null
sleep 5
timeout 20 strace -c -f -p "$LINK" -o "$S/c/strace" 2>/dev/null
idle_calls=$(awk '/total/ { print $4 }' "$S/c/strace")
stats() { # stats FROM TO: "p50 p99 max" of lateness
	cdb "SELECT lateness_ms FROM airings WHERE status = 'completed' AND id > $1 AND id <= $2" | sort -n |
		awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)], v[int((NR * 99 + 99) / 100)], v[NR] }'
}
set -- $(stats "$first" "$up_last")
up50=$1 up99=$2 upmax=$3
set -- $(stats "$up_last" "$down_last")
dn50=$1 dn99=$2 dnmax=$3
grep -q "cannot reach the broker\|lost the broker" "$S/c/link.log" && down=yes || down=no
echo "bench/province: $NA airings every 4 s with the link's broker up, then $NA with it down (link retrying: $down)"
echo "  lateness, broker up:   p50 $up50 ms, p99 $up99 ms, max $upmax ms"
echo "  lateness, broker down: p50 $dn50 ms, p99 $dn99 ms, max $dnmax ms"
printf '  ratio down/up at p99: %.2f\n' "$(echo "($dn99 + 1) / ($up99 + 1)" | bc -l)"
echo "  loaxa-link: CPU $((l1 - l0)) ms over the airings with the broker up (publishing each row), $((l2 - l1)) ms with it down (retrying); ${idle_calls:-?} system calls in 20 idle seconds with the broker down"
