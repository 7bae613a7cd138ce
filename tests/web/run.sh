#!/bin/sh
# The web console end to end in a real browser: a private PulseAudio with
# the null sink of the system tests (tests/system/lib.sh), the real loaxad
# airing through PortAudio into it, the real loaxa-web, four people (an
# operator, an approving leader, a reporting officer, an admin), and
# Debian's Chromium driven by python3-selenium through tests/web/e2e.py,
# its microphone a WAV of noise.  Screenshots of every page land in
# tests/web/screens/.  Prints "web: N passed, N failed".
cd "$(dirname "$0")/../.." || exit 1
TOP=$(pwd)
. tests/system/lib.sh

for t in chromium chromedriver soffice parec sox; do
	command -v "$t" >/dev/null || {
		echo "web: needs $t (sh scripts/deps installs it)" >&2
		exit 1
	}
done
/usr/bin/python3 -c 'import selenium' 2>/dev/null || {
	echo "web: needs python3-selenium (sh scripts/deps installs it)" >&2
	exit 1
}
make -s loaxa loaxad loaxa-web tests/web/wavfind || exit 1

pa_start || exit 1
export TZ=Asia/Ho_Chi_Minh LOAXA_LOCALEDIR="$TOP/po" LANG=vi_VN.UTF-8 LC_ALL=vi_VN.UTF-8 LANGUAGE=
export LOAXA_CONFIG="$S/loaxa.conf"
cat >"$LOAXA_CONFIG" <<CONF
state_dir = "$S/state";
control_socket = "$S/control.sock";
lead_seconds = 5;
approval_required = true;
audio = { output = "portaudio"; };
programs = { p = { max_minutes = 10; items = ( { queue = true; } ); }; };
slots = ( { name = "thu"; when = "2099-01-01 03:00:00"; program = "p"; catch_up_minutes = 1; } );
web = { listen = "127.0.0.1:0"; };
zones = ( { name = "thon-1"; on = "true"; off = "true"; }, { name = "thon-2"; on = "true"; off = "true"; } );
CONF

# the fake microphone, and a sound that never airs (the search's control)
export MIC="$S/mic.wav"
sox -n -r 48000 -c 1 -b 16 "$MIC" synth 3 pinknoise vol 0.5 || exit 1
sox -n -r 48000 -c 1 -b 16 "$S/other.wav" synth 3 pinknoise vol 0.5 || exit 1

for u in "op operator" "lead approver" "officer officer" "admin admin"; do
	set -- $u
	printf 'mat-khau-123\n' | "$TOP/loaxa" user add "$1" --role "$2" --password-stdin || exit 1
done

start_daemon "$LOAXA_CONFIG" || exit 1
. tests/web/lib.sh
web_up "$S/web.log" "$TOP/loaxa-web" --static "$TOP/web/static" || exit 1
export WEB_URL S TOP

/usr/bin/python3 tests/web/e2e.py
rc=$?
kill "$WEB_PID" 2>/dev/null
wait "$WEB_PID" 2>/dev/null
stop_daemon
if grep -q 'mat-khau-123' "$S/web.log" "$S/daemon.log"; then
	echo "FAIL: a password is in a log" >&2
	rc=1
fi
[ "$rc" = 0 ] || { echo "--- loaxa-web's log" >&2; tail -20 "$S/web.log" >&2; echo "--- loaxad's log" >&2; tail -20 "$S/daemon.log" >&2; }
exit $rc
