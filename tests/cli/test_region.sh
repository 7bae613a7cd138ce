#!/bin/sh
# Regions (issue 22) from the command line, under vi_VN as operators run it:
# tts.region picks the reading (loaxa normalize) and the voice (loaxa say,
# rendered by the real espeak-ng: the southern voice is not the northern
# one); --region overrides it for one command; a bulletin keeps its own
# region with its version (add, edit, show, render; "station" gives it back
# to tts.region); tts.voice set outright wins for the voice, not the
# reading; the command engine gets the region ({region}, LOAXA_TTS_REGION);
# a region that is none is refused with a sentence, exit 2 on the command
# line and 1 in the file (config check names the line), nothing written.
. "$(dirname "$0")/lib.sh"
if ! locale -a | grep -qi '^vi_VN.utf-\?8$'; then
	bad "the vi_VN.UTF-8 locale is missing (scripts/deps generates it)"
	finish
	exit 1
fi
vi() { LC_ALL=vi_VN.UTF-8 LANG=vi_VN.UTF-8 "$@"; }
TEXT="Ấp Tân Hòa có 105 hộ, 1.024 nhân khẩu; giá lúa 7.500 đồng/kg ngày 9/1/2025."

# --- loaxa normalize: the station's region by default, --region for one run
run 0 vi loaxa normalize "$TEXT"
expect_out "một trăm linh năm hộ - một nghìn không trăm hai mươi tư nhân khẩu"
expect_out "đồng một ki lô gam ngày chín tháng một năm hai nghìn"
run 0 vi loaxa normalize --region south "$TEXT"
expect_out "một trăm lẻ năm hộ - một ngàn không trăm hai mươi bốn nhân khẩu"
expect_out "bảy ngàn năm trăm đồng một ký ngày chín tháng giêng năm hai ngàn"
run 0 vi loaxa normalize --region central "$TEXT"
expect_out "một trăm lẻ năm hộ - một ngàn không trăm hai mươi bốn nhân khẩu"
expect_out "bảy ngàn năm trăm đồng một ki lô gam ngày chín tháng giêng"
printf 'tts = {\n  region = "south";\n};\n' >"$LOAXA_CONFIG"
printf 'Có 105 hộ\nCó 24 ấp\n' | loaxa normalize >"$T/south.txt" 2>"$T/err"
[ "$(cat "$T/south.txt")" = "$(printf 'có một trăm lẻ năm hộ\ncó hai mươi bốn ấp')" ] && ok ||
	bad "tts.region = south: normalize read '$(cat "$T/south.txt")'"
run 0 loaxa normalize --region north "Có 105 hộ"
[ "$OUT" = "có một trăm linh năm hộ" ] && ok || bad "--region north over tts.region south: $OUT"
run 2 vi loaxa normalize --region west "Có 105 hộ"
expect_err -- "--region là north, central hoặc south \(nhận được west\)"
[ -z "$OUT" ] && ok || bad "a refused region printed '$OUT'"

# --- the configuration: the dump says the region; a wrong one names its line and the near one
run 0 loaxa config check
expect_out '^  region = "south";$'
printf '# a southern commune\ntts = {\n  region = "sout";\n};\n' >"$LOAXA_CONFIG"
run 1 vi loaxa config check
expect_err "loaxa.conf:3: tts.region: .*có phải ý bạn là south\?"
run 1 vi loaxa normalize "Có 105 hộ"
expect_err "loaxa.conf:3: tts.region"
printf 'tts = { region = 1; };\n' >"$LOAXA_CONFIG"
run 1 loaxa config check
expect_err "loaxa.conf:1: tts.region: must be a string"
: >"$LOAXA_CONFIG"

# --- loaxa say: each region in its own voice (real espeak-ng), as tts_voice() combines them
for r in north central south; do
	run 0 loaxa say --region "$r" -o "$T/say-$r.wav" "Xin chào bà con."
done
n=$(sha256sum "$T"/say-*.wav | awk '{print $1}' | sort -u | wc -l)
[ "$n" = 3 ] && ok || bad "the three regions gave $n different recordings of the same words"
# the voice is the region's: the same as espeak-ng's own voice for the region
for v in vi-vn-x-south:south vi:north; do
	espeak-ng -v "${v%%:*}" -x -q "xin chào bà con" >"$T/ph-${v#*:}" 2>/dev/null
done
cmp -s "$T/ph-south" "$T/ph-north" && bad "espeak-ng reads the southern and northern voices alike" || ok
# tts.voice named outright reads every region: the same voice for the words every region says alike
printf 'tts = { voice = "vi"; };\n' >"$LOAXA_CONFIG"
run 0 loaxa say --region south -o "$T/vi-south.wav" "Xin chào bà con."
cmp -s "$T/vi-south.wav" "$T/say-north.wav" && ok || bad "tts.voice = vi did not win over the southern region's voice"
# and --voice over both
: >"$LOAXA_CONFIG"
run 0 loaxa say --region north --voice vi-vn-x-south -o "$T/v-north.wav" "Xin chào bà con."
cmp -s "$T/v-north.wav" "$T/say-south.wav" && ok || bad "--voice vi-vn-x-south did not win over --region north"
run 2 vi loaxa say --region nam -o "$T/x.wav" "Xin chào."
expect_err -- "--region là north, central hoặc south \(nhận được nam\)"
[ ! -e "$T/x.wav" ] && ok || bad "a refused say wrote its file"

# --- a bulletin keeps its region with its version
run 0 loaxa bulletin add --topic tthc --title "Tin miền Nam" --region south --text "Có 105 hộ nộp hồ sơ."
S=$OUT
run 0 loaxa bulletin add --topic tthc --title "Tin của đài" --text "Có 105 hộ nộp hồ sơ."
N=$OUT
run 0 loaxa bulletin show "$S" --format json
printf '%s' "$OUT" | python3 -c 'import json,sys; b=json.load(sys.stdin); assert b["region"] == "south" and b["version"] == 1, b' && ok ||
	bad "bulletin show: $OUT"
run 0 vi loaxa bulletin show "$N"
expect_out "vùng: +north \(theo đài\)"
run 0 loaxa bulletin render "$S" -o "$T/b-south.wav"
run 0 loaxa bulletin render "$N" -o "$T/b-north.wav"
cmp -s "$T/b-south.wav" "$T/b-north.wav" && bad "the southern bulletin renders as the station's" || ok
run 0 loaxa bulletin edit "$S" --region station
run 0 loaxa bulletin show "$S" --format json
printf '%s' "$OUT" | python3 -c 'import json,sys; b=json.load(sys.stdin); assert b["region"] is None and b["version"] == 2, b' && ok ||
	bad "edit --region station: $OUT"
sqlite3 "$LOAXA_STATE_DIR/loaxa.db" "SELECT version || ':' || coalesce(region, '-') FROM bulletin_versions WHERE bulletin_id = $S ORDER BY version" >"$T/versions"
[ "$(tr '\n' ' ' <"$T/versions")" = "1:south 2:- " ] && ok || bad "versions keep their regions: $(cat "$T/versions")"
run 0 loaxa bulletin render "$S" -o "$T/b-station.wav"
cmp -s "$T/b-station.wav" "$T/b-north.wav" && ok || bad "back to the station's region, it does not read as the station's"
# the render cache: one entry a region (the South's and the North's), the third render a hit
n=$(ls "$LOAXA_STATE_DIR/cache"/*.flac 2>/dev/null | wc -l)
[ "$n" = 2 ] && ok || bad "three renders of the same text in two regions left $n cache entries"
db_snapshot
run 2 vi loaxa bulletin add --topic tthc --title "X" --region mien-nam --text "Có 105 hộ."
expect_err -- "--region là north, central, south hoặc station \(nhận được mien-nam\)"
run 2 loaxa bulletin edit "$S" --region West
expect_err -- "--region is north, central, south or station \(got West\)"
db_unchanged "a refused --region"

# --- the command engine gets the region, in its arguments and its environment
cat >"$T/voice.sh" <<'SH'
#!/bin/sh
# a speech command: records what it was given and the words, speaks with espeak-ng
printf '%s %s|%s %s|%s\n' "$1" "$2" "$LOAXA_TTS_REGION" "$LOAXA_TTS_VOICE" "$(cat)" >>"$VOICE_LOG"
exec sox -n -r 16000 -c 1 "$3" synth 0.5 sine 300 vol 0.3
SH
chmod +x "$T/voice.sh"
export VOICE_LOG="$T/voice.log"
printf 'tts = { engine = "command"; command = "%s {region} {voice}"; region = "central"; };\n' "$T/voice.sh" >"$LOAXA_CONFIG"
run 0 loaxa say -o "$T/c1.wav" "Có 24 thôn."
run 0 loaxa say --region south -o "$T/c2.wav" "Có 24 thôn."
[ "$(sed -n 1p "$VOICE_LOG")" = "central vi-vn-x-central|central vi-vn-x-central|có hai mươi bốn thôn." ] && ok ||
	bad "command engine, tts.region central: '$(sed -n 1p "$VOICE_LOG")'"
[ "$(sed -n 2p "$VOICE_LOG")" = "south vi-vn-x-south|south vi-vn-x-south|có hai mươi bốn thôn." ] && ok ||
	bad "command engine, --region south: '$(sed -n 2p "$VOICE_LOG")'"
printf 'tts = { engine = "command"; command = "%s {region} {voice}"; voice = "giong-rieng"; };\n' "$T/voice.sh" >"$LOAXA_CONFIG"
run 0 loaxa say --region south -o "$T/c3.wav" "Có 24 thôn."
[ "$(sed -n 3p "$VOICE_LOG")" = "south giong-rieng|south giong-rieng|có hai mươi bốn thôn." ] && ok ||
	bad "command engine, tts.voice named: '$(sed -n 3p "$VOICE_LOG")'"

finish
