#!/bin/sh
# bash completion (completion/loaxa.bash) offers every command `loaxa --help`
# lists, every subcommand and every option each command's --help names, so
# it cannot fall behind the commands it completes.  Topic ids and bulletin
# ids come from the store and the configuration.
. "$(dirname "$0")/lib.sh"

# comp.bash WORDS...: what completion offers for the last word, one a line
cat >"$T/comp.bash" <<'BASH'
. "$TOP/completion/loaxa.bash"
loaxa() { "$TOP/loaxa" "$@"; }
COMP_WORDS=("$@")
COMP_CWORD=$(($# - 1))
COMPREPLY=()
_loaxa
printf '%s\n' "${COMPREPLY[@]}"
BASH
comp() { TOP=$TOP bash "$T/comp.bash" "$@"; }

commands=$(loaxa --help | sed -n 's/^  \([a-z][a-z-]*\)  .*/\1/p')
[ -n "$commands" ] && ok || bad "loaxa --help lists no commands"
offered=$(comp loaxa "")
for c in $commands; do
	printf '%s\n' "$offered" | grep -qx "$c" && ok || bad "completion does not offer the command $c"
	help=$(loaxa "$c" --help 2>&1)
	subs=$(printf '%s\n' "$help" | sed -n 's/^\(Usage:\|      \) *loaxa [a-z]* \([a-z][a-z-]*\).*/\2/p' | sort -u)
	for s in $subs; do
		comp loaxa "$c" "" | grep -qx "$s" && ok || bad "completion does not offer loaxa $c $s"
	done
	# every option the command's help names, after the command or a subcommand
	for o in $(printf '%s\n' "$help" | grep -o -- '--[a-z][a-z-]*' | sort -u); do
		case $o in --help | --config | --state-dir) continue ;; esac
		found=
		for s in "" $subs; do
			comp loaxa "$c" $s -- | grep -qx -- "$o" && found=1 && break
			comp loaxa "$c" $s "" | grep -qx -- "$o" && found=1 && break
		done
		[ -n "$found" ] && ok || bad "completion does not offer loaxa $c $o"
	done
done

# values that come from the store and the configuration
cat >"$LOAXA_CONFIG" <<CONF
audio = { channels = 2; };
programs = { sang = { items = ( { queue = true; } ); }; };
slots = ( { name = "buoi-sang"; when = "06:30"; program = "sang"; } );
zones = ( { name = "thon-1"; channel = 1; }, { name = "thon-2"; channel = 2; } );
CONF
id=$(loaxa bulletin add --topic tthc --title "Thủ tục" --text "Xin chào.")
comp loaxa bulletin show "" | grep -qx "$id" && ok || bad "completion does not offer bulletin id $id"
comp loaxa queue add 1 --slot "" | grep -qx buoi-sang && ok || bad "completion does not offer the slot buoi-sang"
comp loaxa air --program "" | grep -qx sang && ok || bad "completion does not offer the programme sang"
comp loaxa bulletin add --topic "" | grep -qx tthc && ok || bad "completion does not offer the topic tthc"
comp loaxa air 1 --zone "" | grep -qx thon-2 && ok || bad "completion does not offer the zone thon-2"
comp loaxa user add x --role "" | grep -qx approver && ok || bad "completion does not offer the role approver"
finish
