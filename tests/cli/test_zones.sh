#!/bin/sh
# Zones in the configuration (issue 15): `loaxa config check` refuses an
# unknown zone named by a slot (with the near name), a channel beyond
# audio.channels, two zones on one channel, a zone named twice and a zone
# that cannot be reached, each with FILE:LINE, all at once; a good file's
# zones and a slot's zones come back in the dump, which loads again.
# `loaxa air --zone` refuses a zone that is not configured, in English and
# in Vietnamese, before asking the daemon.
. "$(dirname "$0")/lib.sh"
C="$T/zones.conf"
vi() { LC_ALL=vi_VN.UTF-8 LANG=vi_VN.UTF-8 "$@"; }

# --- every mistake at once, each with its line
cat >"$C" <<'CONF'
audio = { channels = 4; };
zones = (
  { name = "thon-1"; channel = 1; },
  { name = "thon-2"; channel = 5; },
  { name = "thon-3"; channel = 1; },
  { name = "thon-1"; channel = 2; },
  { name = "thon-4"; }
);
slots = ( { name = "s"; when = "*-*-* 06:00"; program = "mac-dinh"; zones = ( "thon-11" ); },
          { name = "t"; when = "*-*-* 07:00"; program = "mac-dinh"; zones = ( "xa-khac" ); } );
CONF
run 1 loaxa config check --config "$C"
[ -z "$OUT" ] && ok || bad "a refused configuration was printed"
expect_err "zones.conf:4: zone \"thon-2\" is on channel 5, but the output has 4 \(audio.channels\); use a channel from 1 to 4"
expect_err "zones.conf:5: zones\[2\]: zones \"thon-1\" and \"thon-3\" are both on channel 1; give each zone its own channel"
expect_err "zones.conf:6: zones\[3\]: this zone name is already used above"
expect_err "zones.conf:7: zones\[4\]: a zone needs a channel, on and off commands, or an icecast mount to be reached"
expect_err "zones.conf:9: slot \"s\" names the zone \"thon-11\", which is not in zones; did you mean thon-1\?"
expect_err "zones.conf:10: slot \"t\" names the zone \"xa-khac\", which is not in zones$"
expect_err "6 errors"

# the same in Vietnamese: the line, the names, no English
run 1 vi loaxa config check --config "$C"
expect_err "zones.conf:4: .*thon-2.*5.*4"
printf '%s' "$ERR" | grep -Eiw 'zone|zones "|did you mean|must|unknown|the output has|give each|already used' >"$T/en" &&
	bad "English in the Vietnamese messages: $(cat "$T/en")" || ok

# a zone list that is empty, or not strings
cat >"$C" <<'CONF'
zones = ( { name = "thon-1"; channel = 1; } );
slots = ( { name = "s"; when = "*-*-* 06:00"; program = "mac-dinh"; zones = ( ); },
          { name = "t"; when = "*-*-* 07:00"; program = "mac-dinh"; zones = ( 1 ); } );
CONF
run 1 loaxa config check --config "$C"
expect_err "zones.conf:2: slots\[0\]\.zones: names no zone; leave zones out to air to every zone"
expect_err "zones.conf:3: slots\[1\]\.zones\[0\]: must be a string"

# --- a good file: the zones and a slot's zones in the dump, which loads again
cat >"$C" <<'CONF'
audio = { channels = 4; zone_timeout = 1.5; };
zones = (
  { name = "thon-1"; channel = 1; on = "relay 1 on"; off = "relay 1 off"; },
  { name = "thon-3"; channel = 3; },
  { name = "cho"; on = "gpio 7 1"; off = "gpio 7 0"; }
);
slots = ( { name = "s"; when = "*-*-* 06:00"; program = "mac-dinh"; zones = ( "thon-1", "cho" ); },
          { name = "t"; when = "*-*-* 07:00"; program = "mac-dinh"; } );
CONF
run 0 loaxa config check --config "$C"
printf '%s\n' "$OUT" >"$T/dump.conf"
expect_out 'name = "thon-1"; channel = 1; on = "relay 1 on"; off = "relay 1 off";'
expect_out 'name = "cho"; on = "gpio 7 1"; off = "gpio 7 0";'
expect_out 'name = "s";.* zones = \( "thon-1", "cho" \);'
expect_out 'channels = 4;'
expect_out 'zone_timeout = 1.5;'
run 0 loaxa config check --config "$T/dump.conf"
# the same but for the header naming the file it came from
[ "$(printf '%s\n' "$OUT" | sed 1d)" = "$(sed 1d "$T/dump.conf")" ] && ok || bad "the dump does not load back as it is"

# --- loaxa air --zone: a zone that is not configured is refused before the daemon is asked
export LOAXA_CONFIG="$C"
run 1 loaxa air --program mac-dinh --zone thon-2
expect_err "There is no zone \"thon-2\"; did you mean thon-1\? The zones are: thon-1, thon-3, cho\."
run 1 vi loaxa air --program mac-dinh --zone xa-khac
expect_err "xa-khac.*thon-1, thon-3, cho"
printf '%s' "$ERR" | grep -Eiw 'zone|there is no' >"$T/en" && bad "English in Vietnamese: $(cat "$T/en")" || ok
run 2 loaxa air --program mac-dinh --zone
# a timed airing keeps its zones: an unknown one is refused by name, nothing stored
db_snapshot
run 1 loaxa air 1 --at "2030-01-01 06:00" --zone thon-1 --zone thon-2
expect_err "There is no zone \"thon-2\"; did you mean thon-1\?"
db_unchanged "air --at with an unknown zone"

# --- bulletin --zones: configured zones only, nothing half-written; shown; all clears it
run 0 loaxa bulletin list # the station's store exists (config check makes none)
db_snapshot
run 1 loaxa bulletin add --topic khac --title "Mất điện" --text "Mất điện." --zones thon-1,thon-2
expect_err "There is no zone \"thon-2\"; did you mean thon-1\?"
run 1 loaxa bulletin add --topic khac --title "Mất điện" --text "Mất điện." --zones ,
expect_err "--zones names no zone"
db_unchanged "a refused --zones"
run 0 loaxa bulletin add --topic khac --title "Mất điện" --text "Mất điện." --zones thon-3,thon-1,thon-3
ID=$OUT
run 0 loaxa bulletin show "$ID" --format json
printf '%s' "$OUT" | python3 -c 'import json,sys; sys.exit(0 if json.load(sys.stdin)["zones"] == "thon-3,thon-1" else 1)' &&
	ok || bad "bulletin show: $OUT"
run 0 loaxa bulletin show "$ID"
expect_out "zones: +thon-3,thon-1"
run 0 loaxa bulletin edit "$ID" --zones all
run 0 loaxa bulletin show "$ID" --format json
printf '%s' "$OUT" | python3 -c 'import json,sys; sys.exit(0 if json.load(sys.stdin)["zones"] is None else 1)' &&
	ok || bad "--zones all did not clear the zones: $OUT"
# --- loaxa schedule: each slot's zones, and the forecast puts a bulletin for
# some zones only into the slots that air to them
cat >"$T/sched.conf" <<'CONF'
zones = ( { name = "thon-1"; channel = 1; }, { name = "thon-3"; channel = 3; } );
slots = ( { name = "s1"; when = "*-*-* 06:00"; program = "mac-dinh"; zones = ( "thon-1" ); },
          { name = "s3"; when = "*-*-* 07:00"; program = "mac-dinh"; zones = ( "thon-3" ); },
          { name = "all"; when = "*-*-* 08:00"; program = "mac-dinh"; } );
CONF
run 0 env LOAXA_CONFIG="$T/sched.conf" "$TOP/loaxa" bulletin add --topic khac --title "Thôn 3" \
	--text "Thôn 3 mất điện." --zones thon-3 --airings 9
B3=$OUT
run 0 env LOAXA_CONFIG="$T/sched.conf" "$TOP/loaxa" schedule --days 1 --format json
printf '%s' "$OUT" | python3 -c '
import json, sys
b3 = int(sys.argv[1])
rows = json.load(sys.stdin)["airings"]
z = {r["slot"]: r["zones"] for r in rows}
assert z == {"s1": ["thon-1"], "s3": ["thon-3"], "all": ["thon-1", "thon-3"]}, z
got = {r["slot"]: b3 in r["bulletins"] for r in rows}
assert got == {"s1": False, "s3": True, "all": False}, got
' "$B3" && ok || bad "schedule: zones or the forecast: $OUT"
run 0 env LOAXA_CONFIG="$T/sched.conf" "$TOP/loaxa" schedule --days 1
expect_out "s3 .*#$B3 +→ thon-3"
expect_out "all .*→ every zone"

# queue add --zone: the entry goes only into an airing to that zone; a zone
# that is not configured is refused with nothing queued
run 0 env LOAXA_CONFIG="$T/sched.conf" "$TOP/loaxa" bulletin add --topic khac --title "Họp thôn" \
	--text "Họp thôn tối nay." --airings 0
BQ=$OUT
db_snapshot
run 1 env LOAXA_CONFIG="$T/sched.conf" "$TOP/loaxa" queue add "$BQ" --zone thon-2
expect_err "There is no zone \"thon-2\""
db_unchanged "queue add --zone thon-2"
run 0 env LOAXA_CONFIG="$T/sched.conf" "$TOP/loaxa" queue add "$BQ" --zone thon-3
run 0 env LOAXA_CONFIG="$T/sched.conf" "$TOP/loaxa" queue list --format json
printf '%s' "$OUT" | python3 -c 'import json,sys; r=json.load(sys.stdin); sys.exit(0 if [e["zones"] for e in r] == ["thon-3"] else 1)' &&
	ok || bad "queue list: $OUT"
run 0 env LOAXA_CONFIG="$T/sched.conf" "$TOP/loaxa" schedule --days 1 --format json
printf '%s' "$OUT" | python3 -c '
import json, sys
bq = int(sys.argv[1])
rows = json.load(sys.stdin)["airings"]
got = {r["slot"]: bq in r["bulletins"] for r in rows}
assert got == {"s1": False, "s3": True, "all": False}, got
' "$BQ" && ok || bad "schedule: the entry for thon-3 is not only in s3: $OUT"

# report --by-zone: text or json only, not with --zone, and only with zones
run 2 env LOAXA_CONFIG="$T/sched.conf" "$TOP/loaxa" report --by-zone --format csv
expect_err "--by-zone writes text or json"
run 2 env LOAXA_CONFIG="$T/sched.conf" "$TOP/loaxa" report --by-zone --zone thon-1
expect_err "give --zone or --by-zone, not both"
run 0 env LOAXA_CONFIG="$T/sched.conf" "$TOP/loaxa" report --by-zone
expect_out ", zone thon-1"
expect_out ", zone thon-3"
: >"$T/nozones.conf"
run 1 env LOAXA_CONFIG="$T/nozones.conf" "$TOP/loaxa" report --by-zone
expect_err "The configuration has no zones"

# naming every zone is every zone
run 0 loaxa bulletin edit "$ID" --zones thon-1,thon-3,cho
run 0 loaxa bulletin show "$ID" --format json
printf '%s' "$OUT" | python3 -c 'import json,sys; sys.exit(0 if json.load(sys.stdin)["zones"] is None else 1)' &&
	ok || bad "every zone named is not every zone: $OUT"
finish
