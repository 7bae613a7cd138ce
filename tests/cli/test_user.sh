#!/bin/sh
# loaxa user: the web console's people.  Passwords are hashed (argon2id),
# never taken as an argument; names and roles are checked; the last admin
# stays; a refusal changes nothing.
. "$(dirname "$0")/lib.sh"

db() { sqlite3 "$LOAXA_STATE_DIR/loaxa.db" "$1"; }

printf 'mat-khau-123\n' >"$T/pw"
run 0 loaxa user add lan --role admin --password-stdin <"$T/pw"
[ "$(db "SELECT role || ' ' || created_by FROM users WHERE name = 'lan'")" = "admin $(id -un)" ] && ok || bad "lan is an admin added by $(id -un)"
case $(db "SELECT password FROM users WHERE name = 'lan'") in
'$argon2id$'*) ok ;;
*) bad "the password is kept as an argon2id hash" ;;
esac
db "SELECT password FROM users" | grep -q 'mat-khau-123' && bad "the password itself is in the database" || ok
run 0 loaxa user add hoa --role approver --password-stdin <"$T/pw"
run 0 loaxa user list --format json
printf '%s' "$OUT" | python3 -c 'import json,sys; u=json.load(sys.stdin); assert [(x["name"],x["role"]) for x in u] == [("hoa","approver"),("lan","admin")], u' && ok || bad "list json"

db_snapshot
run 1 loaxa user add lan --role operator --password-stdin <"$T/pw"
expect_err 'There is already a user named "lan"'
run 1 loaxa user add Lan --role operator --password-stdin <"$T/pw"
expect_err 'A user name is 1 to 32'
run 1 loaxa user add minh --role boss --password-stdin <"$T/pw"
expect_err 'The role is operator, approver, officer or admin \(got "boss"\)'
printf 'short\n' >"$T/short"
run 1 loaxa user add minh --role operator --password-stdin <"$T/short"
expect_err 'A password is 8 to 128 characters'
run 1 loaxa user add minh --role operator --password-stdin </dev/null
expect_err 'No password on standard input'
run 1 loaxa user remove lan
expect_err 'lan is the last admin'
run 1 loaxa user role lan officer
expect_err 'lan is the last admin'
run 1 loaxa user remove nobody
expect_err 'There is no user "nobody"'
run 2 loaxa user add minh
expect_err 'add needs --role'
run 2 loaxa user frobnicate
expect_err "'frobnicate' is not a user subcommand"
db_unchanged

run 0 loaxa user role hoa admin
run 0 loaxa user remove lan
[ "$(db "SELECT group_concat(name || ':' || role) FROM users")" = "hoa:admin" ] && ok || bad "hoa is the admin left"
old=$(db "SELECT password FROM users WHERE name = 'hoa'")
printf 'mat-khau-moi-456\n' >"$T/pw2"
run 0 loaxa user passwd hoa --password-stdin <"$T/pw2"
[ "$(db "SELECT password FROM users WHERE name = 'hoa'")" != "$old" ] && ok || bad "passwd changes the hash"
finish
