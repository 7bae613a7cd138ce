# bash completion for loaxa(1): commands, subcommands, options, topic ids
# (from `loaxa config check`), clip names and bulletin ids (from the store),
# web console roles.  tests/cli/test_completion.sh checks it offers every
# command, subcommand and option the commands' --help names.

_loaxa_topics() {
	loaxa config check 2>/dev/null | sed -n 's/.*{ id = "\([^"]*\)".*/\1/p'
}

_loaxa_clips() {
	loaxa clip list --format json 2>/dev/null | sed -n 's/.*"name": *"\([^"]*\)".*/\1/p'
}

_loaxa_bulletins() {
	loaxa bulletin list --format csv 2>/dev/null | sed -n '2,$s/^\([0-9]*\),.*/\1/p'
}

_loaxa_slots() {
	loaxa config check 2>/dev/null | sed -n 's/.*{ name = "\([^"]*\)"; when.*/\1/p'
}

_loaxa_zones() {
	loaxa config check 2>/dev/null | sed -n 's/^  { name = "\([^"]*\)"; channel.*/\1/p'
}

_loaxa_programs() {
	loaxa config check 2>/dev/null | sed -n 's/^  \([a-zA-Z0-9_-]*\) = {$/\1/p'
}

_loaxa() {
	local cur prev cmd sub
	COMPREPLY=()
	cur=${COMP_WORDS[COMP_CWORD]}
	prev=${COMP_WORDS[COMP_CWORD-1]}
	cmd=${COMP_WORDS[1]}
	sub=${COMP_WORDS[2]}
	local commands="bulletin clip normalize say config queue schedule air live stop status reload log report program play audio user"

	case $prev in
	--topic) COMPREPLY=($(compgen -W "$(_loaxa_topics)" -- "$cur")); return ;;
	--class) COMPREPLY=($(compgen -W "normal priority emergency" -- "$cur")); return ;;
	--region) COMPREPLY=($(compgen -W "north central south $([ "$cmd" = bulletin ] && echo station)" -- "$cur")); return ;;
	--state) COMPREPLY=($(compgen -W "draft approved retired" -- "$cur")); return ;;
	--kind) COMPREPLY=($(compgen -W "jingle music bed recording" -- "$cur")); return ;;
	--status) COMPREPLY=($(compgen -W "completed interrupted failed missed" -- "$cur")); return ;;
	--format) COMPREPLY=($(compgen -W "text csv json xlsx docx" -- "$cur")); return ;;
	--period) COMPREPLY=($(compgen -W "q1 6m 9m 12m" -- "$cur")); return ;;
	--role) COMPREPLY=($(compgen -W "operator approver officer admin" -- "$cur")); return ;;
	--slot) COMPREPLY=($(compgen -W "$(_loaxa_slots)" -- "$cur")); return ;;
	--zone|--zones) COMPREPLY=($(compgen -W "$(_loaxa_zones)" -- "$cur")); return ;;
	--program) COMPREPLY=($(compgen -W "$(_loaxa_programs)" -- "$cur")); return ;;
	--file|--audio|-o|--config) COMPREPLY=($(compgen -f -- "$cur")); return ;;
	--state-dir) COMPREPLY=($(compgen -d -- "$cur")); return ;;
	esac

	if [ "$COMP_CWORD" = 1 ]; then
		COMPREPLY=($(compgen -W "$commands --help --version --config --state-dir" -- "$cur"))
		return
	fi
	case $cmd in
	bulletin)
		if [ "$COMP_CWORD" = 2 ]; then
			COMPREPLY=($(compgen -W "add list show edit approve retire check render import-check" -- "$cur"))
		elif [[ $cur == -* ]]; then
			COMPREPLY=($(compgen -W "--title --topic --file --text --audio --source --from --until --airings --class --region --zones --format --state --force --select -o --help" -- "$cur"))
		else
			case $sub in show|edit|approve|retire|check|render)
				COMPREPLY=($(compgen -W "$(_loaxa_bulletins)" -- "$cur")) ;;
			import-check) COMPREPLY=($(compgen -f -- "$cur")) ;;
			esac
		fi ;;
	clip)
		if [ "$COMP_CWORD" = 2 ]; then
			COMPREPLY=($(compgen -W "import list show remove" -- "$cur"))
		elif [[ $cur == -* ]]; then
			COMPREPLY=($(compgen -W "--name --kind --format --help" -- "$cur"))
		else
			case $sub in show|remove) COMPREPLY=($(compgen -W "$(_loaxa_clips)" -- "$cur")) ;;
			import) COMPREPLY=($(compgen -f -- "$cur")) ;;
			esac
		fi ;;
	queue)
		if [ "$COMP_CWORD" = 2 ]; then
			COMPREPLY=($(compgen -W "add list remove" -- "$cur"))
		elif [[ $cur == -* ]]; then
			COMPREPLY=($(compgen -W "--slot --days --at --zone --format --help" -- "$cur"))
		elif [ "$sub" = add ]; then
			COMPREPLY=($(compgen -W "$(_loaxa_bulletins)" -- "$cur"))
		fi ;;
	config) COMPREPLY=($(compgen -W "check --quiet --help" -- "$cur")) ;;
	program) COMPREPLY=($(compgen -W "render -o --at $(_loaxa_programs)" -- "$cur")) ;;
	audio) COMPREPLY=($(compgen -W "devices" -- "$cur")) ;;
	air) COMPREPLY=($(compgen -W "--program --class --at --every --repeat --zone $(_loaxa_bulletins)" -- "$cur")) ;;
	user)
		if [ "$COMP_CWORD" = 2 ]; then
			COMPREPLY=($(compgen -W "add list passwd role remove" -- "$cur"))
		elif [ "$sub" = role ] && [ "$COMP_CWORD" = 4 ]; then
			COMPREPLY=($(compgen -W "operator approver officer admin" -- "$cur"))
		else
			COMPREPLY=($(compgen -W "--role --password-stdin --format --help" -- "$cur"))
		fi ;;
	log) COMPREPLY=($(compgen -W "--from --until --month --status --topic --format -o" -- "$cur")) ;;
	report) COMPREPLY=($(compgen -W "--month --quarter --period --year --topic --zone --by-zone --format -o" -- "$cur")) ;;
	schedule) COMPREPLY=($(compgen -W "--days --format" -- "$cur")) ;;
	say) COMPREPLY=($(compgen -W "--file -o --voice --rate --pitch --class --region" -- "$cur")) ;;
	normalize) COMPREPLY=($(compgen -W "--region --help" -- "$cur")) ;;
	play) COMPREPLY=($(compgen -f -W "--program" -- "$cur")) ;;
	status) COMPREPLY=($(compgen -W "--format" -- "$cur")) ;;
	live) COMPREPLY=($(compgen -W "--class --minutes --zone --title --stop" -- "$cur")) ;;
	esac
}
complete -F _loaxa loaxa
