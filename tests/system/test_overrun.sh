#!/bin/sh
# A programme longer than the spacing of its slots (five bulletins of about
# 6 s each, a slot every 6 s): a slot whose instant comes while the player
# is busy waits only while it stays inside its catch-up window, a newer
# instant of the slot replaces an older one that has not started, and at a
# stop the airings that never started are logged missed, not interrupted.
# After the stop every slot instant of the window has exactly one row, and
# completed + missed + interrupted = the instants.  `loaxa config check`
# warns about the programme beforehand.
. "$(dirname "$0")/lib.sh"
pa_start || exit 1
export TZ=Asia/Ho_Chi_Minh
export LOAXA_CONFIG="$S/loaxa.conf"
DB="$S/state/loaxa.db"
RUN=${OVERRUN_SECONDS:-60}
CATCH_UP_MIN=1

cat >"$S/loaxa.conf" <<CONF
state_dir = "$S/state";
control_socket = "$S/control.sock";
lead_seconds = 5;
audio = { output = "portaudio"; };
programs = { p = { items = ( { queue = true; gap = 0.3; } ); }; };
slots = ( { name = "s"; when = "*:*:0/6"; program = "p"; catch_up_minutes = $CATCH_UP_MIN; } );
CONF
for i in 1 2 3 4 5; do
	loaxa bulletin add --topic tthc --title "Tin $i" --airings 1000 \
		--text "Bản tin số $i: người dân có thể nộp hồ sơ thủ tục hành chính trực tuyến trên cổng dịch vụ công của tỉnh." >/dev/null ||
		bad "bulletin add $i"
done

# the configuration check says beforehand that the programme overruns its slot
loaxa config check --quiet 2>"$S/check.err" && ok || bad "config check failed: $(cat "$S/check.err")"
grep -q 'warning: .*programme "p".*slot "s"' "$S/check.err" && ok ||
	bad "config check did not warn about the overrun: '$(cat "$S/check.err")'"

start_daemon "$S/loaxa.conf" || exit 1
sleep "$RUN"
stop_ts=$(date +%s%3N)
stop_daemon
log_whole "$DB"

sqlite3 -separator ' ' "$DB" "SELECT scheduled_at, status, coalesce(started_at, 0), coalesce(lateness_ms, 0), coalesce(reason, '') FROM airings WHERE slot = 's' ORDER BY scheduled_at" >"$S/rows"
echo "overrun: $(tally "$DB")"
python3 - "$S/rows" "$stop_ts" "$CATCH_UP_MIN" <<'PY' && ok || bad "the airing log of the overrun (see above)"
import sys
rows = [l.rstrip("\n").split(" ", 4) for l in open(sys.argv[1])]
stop, window = int(sys.argv[2]), int(sys.argv[3]) * 60000
rows = [(int(a), st, int(s), int(l), r) for a, st, s, l, r in rows]
assert rows, "no rows"
first = rows[0][0]
instants = list(range(first, stop + 1, 6000))
logged = [r for r in rows if r[0] <= stop]
late = [r[3] for r in rows if r[2]]
print("instants %d, rows %d; lateness (ms) of what aired: %s" % (len(instants), len(logged), late))
problems = []
if [r[0] for r in logged] != instants:
    problems.append("the rows' instants are not the slot's instants one to one: %s" %
                    sorted(set(instants) ^ set(r[0] for r in logged)))
for a, st, s, l, r in rows:
    if s and l > window:
        problems.append("aired %d ms late, past the %d ms window" % (l, window))
    if not s and st == "interrupted":
        problems.append("instant %d never started but is logged interrupted (%s)" % (a, r))
    if st not in ("completed", "missed", "interrupted"):
        problems.append("instant %d logged %s (%s)" % (a, st, r))
    if st == "missed" and not (r.startswith("the player was busy with slot s") or
                               r == "daemon stopped before it started"):
        problems.append("instant %d missed for another reason: %s" % (a, r))
n = {k: sum(1 for r in logged if r[1] == k) for k in ("completed", "missed", "interrupted")}
if sum(n.values()) != len(instants):
    problems.append("completed %(completed)d + missed %(missed)d + interrupted %(interrupted)d" % n +
                    " is not the %d instants of the window" % len(instants))
if n["completed"] < 1 or n["missed"] < 1:
    problems.append("expected airings that completed and instants missed: %s" % n)
for p in problems:
    print("FAIL:", p)
sys.exit(1 if problems else 0)
PY
# the missed ones say why, once each
busy=$(sql "$DB" "SELECT count(*) FROM airings WHERE status = 'missed' AND reason LIKE 'the player was busy with slot s%'")
[ "$busy" -ge 1 ] && ok || bad "no instant missed because the player was busy"
finish
