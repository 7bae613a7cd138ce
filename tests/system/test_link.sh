#!/bin/sh
# The province link through real components: a mosquitto started here on
# 127.0.0.1 (TLS, its own password file and the ACL `loaxa-province acl`
# prints), 20 communes each a real loaxad (fake voice, WAV sink paced in
# real time) and a real loaxa-link with its own state, and the province's
# collector.  Scenarios:
#   A  an emergency published to all airs in every commune (the delay from
#      issue to first sample is printed: the goal is 2 s);
#   B  a bulletin for one district lands only there, and airs in its slot;
#   C  a commune offline during a publish gets the bulletin on reconnect,
#      and does not air an emergency that expired meanwhile;
#   G  a commune's account is refused by the ACL on another commune's topic
#      and on the bulletin topic;
#   H  bulletins signed with another key, unsigned, altered after signing,
#      replayed, or signed for another district are refused and logged by
#      every commune;
#   D  mosquitto killed (SIGKILL) mid-traffic and restarted; airings go on
#      while it is down;
#   E  a commune's link killed (SIGKILL) mid-publish, twice;
#   H  a recording pushed to one commune airs there, whole, byte for byte as sent;
# then every daemon stops, every outbox drains, and the province's store
# holds every airing row of every commune exactly once, as `loaxa log`
# shows it; `loaxa-province status` and `report` say so.
. "$(dirname "$0")/lib.sh"
export TZ=Asia/Ho_Chi_Minh
# the checks read the programs' English sentences; the translation is checked at the end
export LC_ALL=C.UTF-8
N=${LINK_COMMUNES:-20}
P=hn
LOAXA_LINK="$TOP/loaxa-link"
LPROV="$TOP/loaxa-province"
MQ_PID=
COLL_PID=

link_cleanup() {
	for f in "$S"/c*/link.pid "$S"/c*/daemon.pid; do
		[ -f "$f" ] && kill -9 "$(cat "$f")" 2>/dev/null
	done
	[ -n "$COLL_PID" ] && kill -9 "$COLL_PID" 2>/dev/null
	[ -n "$MQ_PID" ] && kill -9 "$MQ_PID" 2>/dev/null
	if [ -n "${LINK_KEEP:-}" ]; then
		echo "kept: $S" >&2
	else
		cleanup
	fi
}
trap link_cleanup EXIT

for t in mosquitto mosquitto_passwd mosquitto_pub openssl python3 sqlite3; do
	command -v "$t" >/dev/null || { echo "test_link: $t is missing (sh scripts/deps)" >&2; exit 1; }
done

# wait_until SECONDS COMMAND...: until COMMAND succeeds (0) or the time is up (1)
wait_until() {
	n=$(($1 * 5))
	shift
	while [ "$n" -gt 0 ]; do
		"$@" 2>/dev/null && return 0
		sleep 0.2
		n=$((n - 1))
	done
	return 1
}

cid() { printf 'c%02d' "$1"; }
district() { echo "d$(( ($1 - 1) / 7 + 1 ))"; }
cdb() { sqlite3 "$S/$(cid "$1")/state/loaxa.db" "$2"; }
pdb() { sqlite3 "$S/province/state/province.db" "$1"; }
each() { i=1; while [ "$i" -le "$N" ]; do "$@" "$i" || return 1; i=$((i + 1)); done; }

# ---- the broker: a CA, a server certificate for 127.0.0.1, passwords, the ACL
mkdir -p "$S/tls" "$S/province" "$S/mq"
(
	cd "$S/tls" || exit 1
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout ca.key \
		-out ca.crt -days 2 -subj /CN=loaxa-test-ca 2>/dev/null &&
	openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -keyout srv.key \
		-out srv.csr -subj /CN=127.0.0.1 2>/dev/null &&
	printf 'subjectAltName=IP:127.0.0.1\n' >ext &&
	openssl x509 -req -in srv.csr -CA ca.crt -CAkey ca.key -CAcreateserial -out srv.crt \
		-days 2 -extfile ext 2>/dev/null
) || { echo "cannot make the test certificates" >&2; exit 1; }
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')

: >"$S/province/communes"
i=1
while [ "$i" -le "$N" ]; do
	echo "$(cid $i) $(district $i) Xã số $i" >>"$S/province/communes"
	i=$((i + 1))
done
"$LPROV" --config /dev/null keygen --out "$S/province/secret.key" >"$S/province/public.key" || exit 1
PUB=$(cat "$S/province/public.key")
echo "province-pw" >"$S/province/pw"
cat >"$S/province/loaxa.conf" <<EOF
link = { host = "127.0.0.1"; port = $PORT; cafile = "$S/tls/ca.crt";
  username = "province"; password_file = "$S/province/pw"; province = "$P";
  secret_key_file = "$S/province/secret.key"; communes_file = "$S/province/communes";
  province_state_dir = "$S/province/state"; };
EOF
prov() { "$LPROV" --config "$S/province/loaxa.conf" "$@"; }

mosquitto_passwd -c -b "$S/mq/passwd" province province-pw 2>/dev/null
i=1
while [ "$i" -le "$N" ]; do
	mosquitto_passwd -b "$S/mq/passwd" "$(cid $i)" "pw-$(cid $i)" 2>/dev/null
	i=$((i + 1))
done
prov acl >"$S/mq/acl" || { bad "loaxa-province acl"; exit 1; }
cat >"$S/mq/mosquitto.conf" <<EOF
user root
listener $PORT 127.0.0.1
cafile $S/tls/ca.crt
certfile $S/tls/srv.crt
keyfile $S/tls/srv.key
allow_anonymous false
password_file $S/mq/passwd
acl_file $S/mq/acl
persistence true
persistence_location $S/mq/
autosave_interval 5
max_queued_messages 100000
log_dest file $S/mq/mosquitto.log
log_type error
log_type warning
log_type notice
log_type information
log_type debug
EOF
mq_start() {
	mosquitto -c "$S/mq/mosquitto.conf" >/dev/null 2>&1 &
	MQ_PID=$!
	wait_until 10 python3 -c "import socket; socket.create_connection(('127.0.0.1',$PORT),1)"
}
mq_start || { echo "mosquitto did not start:" >&2; cat "$S/mq/mosquitto.log" >&2; exit 1; }

# ---- the collector
coll_start() {
	"$LPROV" --config "$S/province/loaxa.conf" collect >>"$S/province/collect.log" 2>&1 &
	COLL_PID=$!
}
coll_start

# ---- the communes: a slot every 15 s, a short programme, a fake voice
commune_conf() {
	c=$(cid "$1")
	mkdir -p "$S/$c"
	echo "pw-$c" >"$S/$c/pw"
	cat >"$S/$c/loaxa.conf" <<EOF
state_dir = "$S/$c/state";
control_socket = "$S/$c/control.sock";
lead_seconds = 5;
audio = { output = "wav"; wav_path = "$S/$c/out.wav"; pace = true; };
tts = { engine = "fake"; };
programs = { tin = { max_minutes = 1; items = ( { tts = "Bản tin."; gap = 0.3; }, { queue = true; } ); }; };
slots = ( { name = "tin"; when = "*-*-* *:*:00/15"; program = "tin"; catch_up_minutes = 1; } );
link = { host = "127.0.0.1"; port = $PORT; cafile = "$S/tls/ca.crt"; keepalive = 5;
  username = "$c"; password_file = "$S/$c/pw"; province = "$P"; district = "$(district "$1")";
  commune = "$c"; province_key = "$PUB"; status_seconds = 2; retry_seconds = 5; };
EOF
	# c07 has two zones (cụm loa): scenario Z routes the province's bulletins to them
	[ "$c" = c07 ] && echo 'zones = ( { name = "thon-1"; on = "true"; }, { name = "thon-2"; on = "true"; } );' >>"$S/$c/loaxa.conf"
	return 0
}
daemon_start() {
	c=$(cid "$1")
	"$TOP/loaxad" --config "$S/$c/loaxa.conf" >>"$S/$c/daemon.log" 2>&1 &
	echo $! >"$S/$c/daemon.pid"
}
link_start() {
	c=$(cid "$1")
	"$LOAXA_LINK" --config "$S/$c/loaxa.conf" >>"$S/$c/link.log" 2>&1 &
	echo $! >"$S/$c/link.pid"
}
link_kill() {
	c=$(cid "$1")
	kill "-${2:-TERM}" "$(cat "$S/$c/link.pid")" 2>/dev/null ||
		bad "$c's loaxa-link had exited before it was killed; its log ends: $(tail -n 5 "$S/$c/link.log")"
	wait "$(cat "$S/$c/link.pid")" 2>/dev/null
}
lc() { n=$1; shift; "$TOP/loaxa" --config "$S/$(cid "$n")/loaxa.conf" "$@"; }
start_one() { commune_conf "$1" && daemon_start "$1" && link_start "$1"; }
each start_one
daemon_up() { lc "$1" status >/dev/null; }
check "all $N daemons answer" wait_until 30 each daemon_up
online() { [ "$(pdb "SELECT count(*) FROM communes WHERE online = 1")" = "$N" ]; }
check "all $N communes are online at the province" wait_until 60 online
echo "$N communes up: loaxad + loaxa-link each, mosquitto on 127.0.0.1:$PORT (TLS), collector"

# ---- A: an emergency to all airs in every commune
EM=$(prov publish --class emergency --topic khac --title "Khẩn cấp" \
	--text "Thông báo khẩn: lũ đang lên, bà con di chuyển đến nơi an toàn." --expires-in 10m)
[ -n "$EM" ] && ok || bad "publish the emergency"
em_aired() {
	cdb "$1" "SELECT count(*) FROM airings WHERE program = 'bulletin-' ||
		(SELECT bulletin_id FROM link_inbox WHERE msg_id = '$EM') AND started_at > 0" | grep -qx 1
}
check "the emergency aired in every commune" wait_until 60 each em_aired
issued=$(pdb "SELECT issued_at FROM sent WHERE msg_id = '$EM'")
delays=""
i=1
while [ "$i" -le "$N" ]; do
	d=$(cdb "$i" "SELECT min(started_at) - $issued FROM airings WHERE program = 'bulletin-' ||
		(SELECT bulletin_id FROM link_inbox WHERE msg_id = '$EM')")
	delays="$delays ${d:-none}"
	i=$((i + 1))
done
python3 - "$delays" <<'PY'
import sys
d = sorted(int(x) for x in sys.argv[1].split() if x != "none")
if d:
    q = lambda p: d[min(len(d) - 1, int(p * len(d)))]
    print("emergency, issue to first sample in %d communes: min %d ms, p50 %d ms, p90 %d ms, max %d ms; %d within 2 s"
          % (len(d), d[0], q(0.5), q(0.9), d[-1], sum(1 for x in d if x <= 2000)))
PY
em_receipt() { [ "$(pdb "SELECT count(*) FROM receipts WHERE msg_id = '$EM' AND outcome = 'aired'")" = "$N" ]; }
check "every commune told the province it aired the emergency" wait_until 20 em_receipt

# ---- B: a bulletin for district d2 lands only there, and airs in its slot
D2=$(prov publish --district d2 --topic tthc --title "Nộp hồ sơ trực tuyến" --slot tin --airings 1 \
	--text "Bà con có thể nộp hồ sơ thủ tục hành chính trên Cổng dịch vụ công.")
has_msg() { cdb "$1" "SELECT count(*) FROM link_inbox WHERE msg_id = '$2'" | grep -qx 1; }
in_d2() { [ "$(district "$1")" != d2 ] || has_msg "$1" "$D2"; }
check "the d2 bulletin reached every commune of d2" wait_until 20 each in_d2
d2_receipts() { [ "$(pdb "SELECT count(*) FROM receipts WHERE msg_id = '$D2'")" = 7 ]; }
check "the province heard 7 receipts for it" wait_until 20 d2_receipts
outside=0
i=1
while [ "$i" -le "$N" ]; do
	[ "$(district $i)" != d2 ] && has_msg "$i" "$D2" && outside=$((outside + 1))
	i=$((i + 1))
done
[ "$outside" = 0 ] && ok || bad "the d2 bulletin landed in $outside communes outside d2"
[ "$(pdb "SELECT group_concat(DISTINCT c.district) FROM receipts r JOIN communes c ON c.id = r.commune WHERE msg_id = '$D2'")" = d2 ] &&
	ok || bad "receipts for the d2 bulletin came from outside d2"
aired_d2() {
	[ "$(district "$1")" != d2 ] || cdb "$1" "SELECT count(*) FROM aired_items i JOIN link_inbox l
		ON l.bulletin_id = i.bulletin_id JOIN airings a ON a.id = i.airing_id
		WHERE l.msg_id = '$D2' AND a.slot = 'tin' AND i.completed = 1" | grep -qx 1
}
check "the d2 bulletin aired once in the slot in each commune of d2" wait_until 45 each aired_d2

# ---- C: c05 is offline while a bulletin and a short-lived emergency go out
link_kill 5
NB=$(prov publish --commune c05 --topic tthc --title "Lịch tiếp dân" --airings 1 \
	--text "Ủy ban nhân dân xã tiếp công dân vào sáng thứ Năm hằng tuần.")
EX=$(prov publish --commune c05 --class emergency --topic khac --title "Khẩn ngắn" \
	--text "Tin khẩn chỉ có giá trị trong ba giây." --expires-in 3s)
sleep 5
link_start 5
check "c05 received the bulletin sent while it was offline" wait_until 30 has_msg 5 "$NB"
check "c05 received the expired emergency" wait_until 30 has_msg 5 "$EX"
[ "$(cdb 5 "SELECT outcome FROM link_inbox WHERE msg_id = '$NB'")" = queued ] && ok || bad "c05: bulletin not queued"
[ "$(cdb 5 "SELECT outcome FROM link_inbox WHERE msg_id = '$EX'")" = expired ] && ok || bad "c05: emergency not marked expired"
[ "$(cdb 5 "SELECT count(*) FROM airings WHERE program = 'bulletin-' || (SELECT bulletin_id FROM link_inbox WHERE msg_id = '$EX')")" = 0 ] &&
	ok || bad "c05 aired an expired emergency"
grep -q "expired before it arrived" "$S/c05/link.log" && ok || bad "c05 did not log the expired emergency"

# ---- H: a recording (an audio bulletin) pushed to one commune airs as sent
sox -n -r 48000 -c 1 "$S/voice.wav" synth 2.5 sine 440 vol 0.3 2>/dev/null
AU=$(prov publish --commune c06 --class emergency --topic khac --title "Ghi âm khẩn" \
	--audio "$S/voice.wav" --expires-in 10m)
[ -n "$AU" ] && ok || bad "publish the recording"
au_aired() {
	cdb 6 "SELECT count(*) FROM airings a JOIN aired_items i ON i.airing_id = a.id
		JOIN link_inbox l ON l.bulletin_id = i.bulletin_id
		WHERE l.msg_id = '$AU' AND a.status = 'completed' AND i.completed = 1" | grep -qx 1
}
check "c06 aired the pushed recording to its end" wait_until 60 au_aired
len=$(cdb 6 "SELECT i.length_s FROM aired_items i JOIN link_inbox l ON l.bulletin_id = i.bulletin_id
	WHERE l.msg_id = '$AU' AND i.kind = 'bulletin'")
python3 -c "import sys; sys.exit(abs(float('${len:-0}') - 2.5) > 0.01)" && ok ||
	bad "c06 aired ${len:-no} s of the 2.5 s recording"
kept=$(ls "$S/c06/state/clips/"*"$AU"* 2>/dev/null | head -1)
[ -n "$kept" ] && cmp -s "$kept" "$S/voice.wav" && ok ||
	bad "c06 does not hold the recording byte for byte as sent (${kept:-no file})"
others=
i=1
while [ "$i" -le "$N" ]; do
	[ "$i" != 6 ] && has_msg "$i" "$AU" && others="$others c$i"
	i=$((i + 1))
done
[ -z "$others" ] && ok || bad "communes other than c06 took the recording: $others"

# ---- Z: zones: an emergency for c07's thon-2 (and a zone c07 does not have)
# airs to thon-2 only; the bulletin keeps thon-2 as where it may air; the
# unknown zone is said in c07's link log.  A routine bulletin for thon-1 keeps thon-1.
ZE=$(prov publish --commune c07 --class emergency --topic khac --title "Khẩn thôn 2" \
	--text "Thôn 2 mất nước từ 9 giờ." --zone thon-2,xom-9 --expires-in 10m)
ZN=$(prov publish --commune c07 --topic khac --title "Họp thôn 1" --airings 1 \
	--text "Thôn 1 họp lúc 19 giờ." --zone thon-1)
[ -n "$ZE" ] && [ -n "$ZN" ] && ok || bad "publish to c07's zones"
z_aired() {
	cdb 7 "SELECT count(*) FROM airings a JOIN aired_items i ON i.airing_id = a.id
		JOIN link_inbox l ON l.bulletin_id = i.bulletin_id
		WHERE l.msg_id = '$ZE' AND a.status = 'completed'" | grep -qx 1
}
check "c07 aired the emergency for thon-2" wait_until 60 z_aired
z=$(cdb 7 "SELECT a.zones FROM airings a JOIN aired_items i ON i.airing_id = a.id
	JOIN link_inbox l ON l.bulletin_id = i.bulletin_id WHERE l.msg_id = '$ZE'")
[ "$z" = thon-2 ] && ok || bad "c07's airing of the emergency for thon-2 went to: $z"
zb() { cdb 7 "SELECT coalesce(v.zones, '-') FROM link_inbox l JOIN bulletins b ON b.id = l.bulletin_id
	JOIN bulletin_versions v ON v.bulletin_id = b.id AND v.version = b.version WHERE l.msg_id = '$1'"; }
check "c07 stored the routine bulletin" wait_until 20 has_msg 7 "$ZN"
[ "$(zb "$ZE")" = thon-2 ] && [ "$(zb "$ZN")" = thon-1 ] && ok ||
	bad "c07's bulletins keep the zones: $(zb "$ZE") and $(zb "$ZN")"
grep -q "names the zone \"xom-9\", which this commune does not have; it is left out" "$S/c07/link.log" && ok ||
	bad "c07's link log does not say xom-9 was left out"

# ---- G: the ACL: a commune's account writes only its own topics
mq_pub() { # mq_pub USER TOPIC FILE
	mosquitto_pub -h 127.0.0.1 -p "$PORT" --cafile "$S/tls/ca.crt" -i "$1-by-hand" -u "$1" -P "$(cat "$S/$1/pw")" \
		-q 1 -t "$2" -f "$3"
}
printf '{"v":1,"type":"log","commune":"c02","rev":1,"published_at":1,"airing":{"id":999999,"status":"completed","scheduled_at":1},"items":[]}' >"$S/fake-row"
prov publish --topic khac --title "Từ xã" --airings 0 --text "Tin giả mạo gửi từ tài khoản của xã." --print >"$S/from-commune" || bad "publish --print"
FC=$(python3 -c "import json,sys; print(json.loads(json.load(open('$S/from-commune'))['body'])['id'])")
mq_pub c01 "loaxa/$P/commune/c02/log" "$S/fake-row"
mq_pub c01 "loaxa/$P/bulletin/all" "$S/from-commune"

# ---- H: bad bulletins, each refused and logged by every commune
printf 'link = { province = "%s"; secret_key_file = "%s/other.key"; };\n' "$P" "$S" >"$S/other.conf"
"$LPROV" --config /dev/null keygen --out "$S/other.key" >/dev/null
"$LPROV" --config "$S/other.conf" publish --topic khac --title "Giả" --text "Khóa lạ." --print >"$S/wrong-key"
prov publish --topic khac --title "Thật" --airings 0 --text "Xin chào bà con." --print >"$S/good"
prov publish --district d1 --topic khac --title "Chỉ d1" --airings 0 --text "Tin cho huyện một." --print >"$S/d1-only"
python3 - "$S" <<'PY'
import json, sys
s = sys.argv[1]
m = json.load(open(s + "/good"))
u = dict(m); del u["sig"]
json.dump(u, open(s + "/unsigned", "w"))
a = dict(m); a["body"] = a["body"].replace("Xin chào", "Xin chao")
json.dump(a, open(s + "/altered", "w"))
PY
refusals() { grep -c "refused a bulletin" "$S/$(cid "$1")/link.log"; }
i=1; before=""
while [ "$i" -le "$N" ]; do before="$before $(refusals $i)"; i=$((i + 1)); done
bulletins_before=$(i=1; while [ "$i" -le "$N" ]; do cdb $i "SELECT count(*) FROM bulletins"; i=$((i + 1)); done | paste -sd+ | bc)
for f in wrong-key unsigned altered good good d1-only; do
	mq_pub province "loaxa/$P/bulletin/all" "$S/$f"
	sleep 1.1 # one refusal receipt a second per commune
done
GOOD=$(python3 -c "import json; print(json.loads(json.load(open('$S/good'))['body'])['id'])")
got_good() { has_msg "$1" "$GOOD"; }
check "the good bulletin (control) reached every commune" wait_until 20 each got_good
refused_all() {
	c=$(cid "$1")
	b=$(echo $before | cut -d' ' -f"$1")
	# wrong key, unsigned, altered, replayed, and (outside d1) the d1 bulletin on the all topic;
	# d1 communes refuse that one only if they saw it before: they did not
	want=$((b + 4)); [ "$(district "$1")" != d1 ] && want=$((want + 1))
	[ "$(refusals "$1")" -ge "$want" ] &&
	[ "$(grep -c 'signature does not verify' "$S/$c/link.log")" -ge 2 ] &&
	grep -q 'unsigned' "$S/$c/link.log" && grep -q 'received before' "$S/$c/link.log" &&
	{ [ "$(district "$1")" = d1 ] || grep -q 'do not name this commune' "$S/$c/link.log"; }
}
check "every commune refused and logged the wrong key, unsigned, altered, replayed, other district" wait_until 20 each refused_all
bulletins_after=$(i=1; while [ "$i" -le "$N" ]; do cdb $i "SELECT count(*) FROM bulletins"; i=$((i + 1)); done | paste -sd+ | bc)
d1n=$(i=1; n=0; while [ "$i" -le "$N" ]; do [ "$(district $i)" = d1 ] && n=$((n + 1)); i=$((i + 1)); done; echo $n)
[ "$bulletins_after" = $((bulletins_before + N + d1n)) ] && ok ||
	bad "bulletins stored: $bulletins_before before, $bulletins_after after (want + $N good + $d1n d1)"
# G's refusals, now that the pipe is known to flow
[ "$(grep -c "Denied PUBLISH from c01-by-hand" "$S/mq/mosquitto.log")" = 2 ] && ok || bad "the broker did not deny c01's two publishes"
[ "$(pdb "SELECT count(*) FROM airings WHERE airing_id = 999999")" = 0 ] && ok || bad "c01 wrote a row as c02"
fc=0; i=1; while [ "$i" -le "$N" ]; do has_msg $i "$FC" && fc=$((fc + 1)); i=$((i + 1)); done
[ "$fc" = 0 ] && ok || bad "$fc communes took a bulletin c01 published"
echo "refused: wrong key, unsigned, altered, replayed, other district (every commune); ACL: c01 denied on c02's topic and the bulletin topic"

# ---- D: mosquitto killed mid-traffic; airings go on while it is down
kill -9 "$MQ_PID"; wait "$MQ_PID" 2>/dev/null
LOCAL=$(lc 10 bulletin add --topic khac --title "Tại chỗ" --airings 0 --text "Loa xã vẫn phát khi mất kết nối tỉnh.")
lc 10 air "$LOCAL" >/dev/null && ok || bad "loaxa air with the broker down"
local_aired() { cdb 10 "SELECT count(*) FROM airings WHERE program = 'bulletin-$LOCAL' AND status = 'completed'" | grep -qx 1; }
check "c10 aired with the broker down" wait_until 30 local_aired
sleep 2
mq_start || bad "mosquitto restart"
reconnected() { grep -c "connected to the broker" "$S/c10/link.log" | grep -qv '^1$'; }
check "c10's link reconnected by itself" wait_until 60 reconnected

# ---- E: a link killed with SIGKILL mid-publish, twice
B3=$(lc 3 bulletin add --topic khac --title "Nhiều lần" --airings 0 --text "Một hai ba.")
link_kill 3 KILL
for _ in 1 2 3; do lc 3 air "$B3" >/dev/null; done
three() { [ "$(cdb 3 "SELECT count(*) FROM airings WHERE program = 'bulletin-$B3' AND status <> 'started'")" = 3 ]; }
check "c03 aired three times with its link dead" wait_until 60 three
link_start 3; sleep 0.15; link_kill 3 KILL
link_start 3; sleep 0.3; link_kill 3 KILL
link_start 3

# ---- the end: daemons stop, outboxes drain, the province holds every row once
sleep 3
i=1
while [ "$i" -le "$N" ]; do
	kill "$(cat "$S/$(cid $i)/daemon.pid")"
	i=$((i + 1))
done
i=1
while [ "$i" -le "$N" ]; do
	wait "$(cat "$S/$(cid $i)/daemon.pid")" 2>/dev/null
	i=$((i + 1))
done
drained() { [ "$(cdb "$1" "SELECT count(*) FROM link_outbox")" = 0 ]; }
check "every commune's outbox drained" wait_until 90 each drained
i=1
while [ "$i" -le "$N" ]; do
	drained "$i" || echo "$(cid $i): $(cdb "$i" "SELECT count(*) FROM link_outbox") rows not sent; its link.log ends: $(tail -n 5 "$S/$(cid $i)/link.log")"
	i=$((i + 1))
done
cmp_log() {
	c=$(cid "$1")
	lc "$1" log --from 2000-01-01 --format json >"$S/$c/log.json" &&
	pdb "SELECT json_group_array(json_object('airing_id', a.airing_id, 'status', a.status,
		'kind', i.kind, 'bulletin_id', i.bulletin_id, 'offset_s', i.offset_s,
		'completed', i.completed)) FROM airings a LEFT JOIN items i
		ON i.commune = a.commune AND i.airing_id = a.airing_id WHERE a.commune = '$c'" >"$S/$c/prov.json" &&
	python3 - "$S/$c" <<'PY'
import json, sys
d = sys.argv[1]
def norm(rows):
    out = []
    for r in rows:
        b = r["bulletin_id"] if r["kind"] == "bulletin" else None
        off = None if r["kind"] is None else round(r["offset_s"], 3)
        comp = None if r["kind"] is None else bool(r["completed"])
        out.append((r["airing_id"], r["status"], r["kind"], b, off, comp))
    return sorted(out, key=repr)
mine, prov = norm(json.load(open(d + "/log.json"))), norm(json.load(open(d + "/prov.json")))
if mine != prov:
    print("%s: the commune logs %d rows, the province holds %d" % (d, len(mine), len(prov)), file=sys.stderr)
    sys.exit(1)
PY
}
check "the province holds exactly each commune's loaxa log" each cmp_log
rows=$(pdb "SELECT count(*) FROM airings")
items=$(pdb "SELECT count(*) FROM items")
redelivered=$(pdb "SELECT count(*) FROM airings WHERE deliveries > 1")
echo "province store: $rows airing rows, $items items, from $N communes; $redelivered rows were delivered more than once and are held once"
[ "$rows" -gt "$N" ] && ok || bad "too few rows to prove anything ($rows)"
[ "$(pdb "SELECT count(*) FROM airings WHERE commune = 'c03' AND program LIKE 'bulletin-%'")" -ge 3 ] && ok ||
	bad "c03's rows aired while its link was dead are missing"

prov status >"$S/status.txt" && ok || bad "loaxa-province status"
grep -q "^c05 " "$S/status.txt" && ok || bad "status lists c05"
prov report --format json >"$S/report.json" && ok || bad "loaxa-province report"
python3 - "$S/report.json" "$N" <<'PY' && ok || bad "the report does not count the d2 bulletin in d2's communes"
import json, sys
r = json.load(open(sys.argv[1]))
c = {x["commune"]: x for x in r["communes"]}
d2 = ["c%02d" % i for i in range(8, 15)]
assert len(r["communes"]) == int(sys.argv[2])
assert all(c[x]["cchc_bulletins"] >= 1 for x in d2), c
assert all(c[x]["cchc_bulletins"] == 0 for x in c if x not in d2 and x != "c05"), c
PY
LC_ALL=vi_VN.UTF-8 LOAXA_LOCALEDIR="$TOP/po" prov status >"$S/status-vi.txt"
grep -q "^c05 " "$S/status-vi.txt" && ! head -1 "$S/status-vi.txt" | grep -q "COMMUNE" && ok ||
	bad "status is not in Vietnamese under vi_VN.UTF-8: $(head -1 "$S/status-vi.txt")"

# stop the links and the collector cleanly
i=1
while [ "$i" -le "$N" ]; do link_kill $i; i=$((i + 1)); done
kill "$COLL_PID"; wait "$COLL_PID" 2>/dev/null; COLL_PID=
grep "collect stopping" "$S/province/collect.log" | tail -1
finish
