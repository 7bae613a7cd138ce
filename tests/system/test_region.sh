#!/bin/sh
# Regions on air (issue 22): the real daemon, a station of the Centre
# (tts.region = "central"), airs one bulletin in each region's reading —
# one written for the North (--region north), one left to the station, one
# for the South (--region south) — through the real sound path.  The log
# names the voice and the region each was read with (JSON and CSV); the
# three airings sent different audio (their hashes), and what the sink
# received is, for each, the bulletin as `loaxa bulletin render` reads it
# in its own region, not as another region reads it.
. "$(dirname "$0")/lib.sh"
pa_start || exit 1
export TZ=Asia/Ho_Chi_Minh
export LOAXA_CONFIG="$S/loaxa.conf"
cat >"$LOAXA_CONFIG" <<CONF
state_dir = "$S/state";
control_socket = "$S/control.sock";
lead_seconds = 5;
audio = { output = "portaudio"; };
tts = { region = "central"; };
slots = ( );
CONF

# the same words in every bulletin: only the region makes them differ
TEXT="Ấp Tân Hòa có 105 hộ, 1.024 nhân khẩu; giá lúa 7.500 đồng/kg."
BN=$(loaxa bulletin add --topic tthc --title "Tin cho miền Bắc" --region north --airings 0 --text "$TEXT")
BC=$(loaxa bulletin add --topic tthc --title "Tin của đài" --airings 0 --text "$TEXT")
BS=$(loaxa bulletin add --topic tthc --title "Tin cho miền Nam" --region south --airings 0 --text "$TEXT")
[ -n "$BN" ] && [ -n "$BC" ] && [ -n "$BS" ] && ok || bad "bulletin add"
for b in "$BN" "$BC" "$BS"; do
	loaxa bulletin render "$b" -o "$S/ref-$b.wav" >/dev/null && ok || bad "render bulletin $b"
done

log_check() { # PYTHON-EXPRESSION over the list of log rows r
	loaxa log --format json >"$S/log.json" || return 1
	python3 -c "import json,sys; r=json.load(open('$S/log.json')); sys.exit(0 if ($1) else 1)"
}
wait_for() { # SECONDS PYTHON-EXPRESSION
	for _ in $(seq $(($1 * 5))); do
		log_check "$2" 2>/dev/null && return 0
		sleep 0.2
	done
	return 1
}

# one recording of the three airings, apart by seconds of silence: cut
# there afterwards, however late the sound server's buffers hand it on
start_daemon "$LOAXA_CONFIG" || exit 1
rec_start "$S/rec.wav"
for b in "$BN" "$BC" "$BS"; do
	loaxa air "$b" >/dev/null && ok || bad "air $b"
	check "bulletin $b aired and completed" wait_for 60 \
		"any(x['bulletin_id']==$b and x['status']=='completed' and x['completed'] for x in r)"
	sleep 4
done
rec_stop
stop_daemon
# cut the recording at its silences of 2 s or more: one piece an airing
python3 - "$S/rec.wav" "$S" "$BN" "$BC" "$BS" <<'PY' && ok || bad "the recording is not three airings apart"
import array, sys, wave
w = wave.open(sys.argv[1])
rate = w.getframerate()
x = array.array("h", w.readframes(w.getnframes()))
win = rate // 100                      # 10 ms
loud = [max(abs(v) for v in x[i:i + win]) > 100 for i in range(0, len(x) - win, win)]
pieces, start, quiet = [], None, 0
for k, l in enumerate(loud + [False] * 200):
    if l:
        if start is None:
            start = k
        quiet = 0
    elif start is not None:
        quiet += 1
        if quiet >= 200:               # 2 s of silence ends an airing
            pieces.append((start, k - quiet + 1))
            start = None
assert len(pieces) == 3, pieces
for (a, e), b in zip(pieces, sys.argv[3:]):
    o = wave.open("%s/rec-%s.wav" % (sys.argv[2], b), "wb")
    o.setnchannels(1)
    o.setsampwidth(2)
    o.setframerate(rate)
    o.writeframes(x[a * win:e * win].tobytes())
    o.close()
PY

# --- the log names the voice and the region of each
log_check "[(x['bulletin_id'], x['voice'], x['region']) for x in r] == [($BN, 'vi', 'north'), ($BC, 'vi-vn-x-central', 'central'), ($BS, 'vi-vn-x-south', 'south')]" &&
	ok || bad "the log's voices: $(python3 -c "import json; print([(x['bulletin_id'], x['voice'], x['region']) for x in json.load(open('$S/log.json'))])")"
loaxa log --format csv -o "$S/log.csv" && ok || bad "log csv"
python3 - "$S/log.csv" "$BN" "$BC" "$BS" <<'PY' && ok || bad "the CSV's voice and region columns: $(cat "$S/log.csv")"
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1], encoding="utf-8-sig", newline="")))
got = [(r["bulletin_id"], r["voice"], r["region"]) for r in rows]
want = [(sys.argv[2], "vi", "north"), (sys.argv[3], "vi-vn-x-central", "central"),
        (sys.argv[4], "vi-vn-x-south", "south")]
assert got == want, got
PY
# --- three readings, three different sounds sent
n=$(sql "$S/state/loaxa.db" "SELECT count(DISTINCT audio_sha256) FROM airings WHERE status = 'completed' AND audio_sha256 IS NOT NULL")
[ "$n" = 3 ] && ok || bad "the three airings sent $n different sounds"
# --- each recording is its own region's reading, and not the next region's
for b in "$BN" "$BC" "$BS"; do
	out=$("$TOP/tests/system/wavcmp" "$S/ref-$b.wav" "$S/rec-$b.wav")
	[ $? = 0 ] || broke_off "$S/state/loaxa.db" "program = 'bulletin-$b'" && ok || bad "bulletin $b on air is not its render: $out"
	echo "bulletin $b: $out"
done
for pair in "$BN:$BC" "$BC:$BS" "$BS:$BN"; do
	ref=${pair%%:*}
	rec=${pair#*:}
	out=$("$TOP/tests/system/wavcmp" "$S/ref-$ref.wav" "$S/rec-$rec.wav")
	[ $? != 0 ] && ok || bad "bulletin $rec on air sounds like bulletin $ref's region: $out"
done
finish
