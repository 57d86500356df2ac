#!/bin/sh
# `gavel queue` on a blind queue (audit): without --reveal neither the text
# table nor --json shows votes, agreement, plurality, model or the reason
# (which quotes the model's confidence), only item, task and whether it is
# decided; a lead's --reveal shows them; --reveal by an OS user who maps to
# no lead is refused (as nobody, when run as root with setpriv).
set -u
. "$top_srcdir/tests/cli/lib.sh"

db=$work/p.db
{
	echo 'item,annotator,label'
	for i in $(seq -w 1 12); do
		echo "h$i,p,apple"; echo "h$i,q,apple"; echo "h$i,r,banana"
	done
} >"$work/votes.csv"
{
	echo 'item,apple,banana'
	for i in $(seq -w 1 12); do echo "h$i,0.97,0.03"; done
} >"$work/preds.csv"
expect_exit 0 "$GAVEL" init "$db"
expect_exit 0 "$GAVEL" import "$db" votes "$work/votes.csv" --task fruit
expect_exit 0 "$GAVEL" import "$db" predictions "$work/preds.csv" --model m1 --task fruit

# Hidden by default: no label name, no figure, no "audit: model 0.97".
expect_exit 0 "$GAVEL" queue "$db" --queue audit
grep -q '^h01 ' "$work/stdout" || fail "the blind queue lost its items: $(cat "$work/stdout")"
grep -q -e apple -e banana -e '0\.97' -e '0\.33' -e 'model 0' "$work/stdout" &&
	fail "the blind queue shows what the blind call must not see: $(cat "$work/stdout")"
grep -q 'blind' "$work/stderr" || fail "no note that the queue is blind: $(cat "$work/stderr")"
expect_exit 0 "$GAVEL" queue "$db" --queue audit --json
grep -q -e apple -e banana -e '0\.97' -e '"votes"' -e '"agreement"' -e '"reason"' "$work/stdout" &&
	fail "blind --json shows votes or model: $(head -c 400 "$work/stdout")"
grep -q '"blind":true,"hidden":true,"count":12' "$work/stdout" ||
	fail "blind --json header: $(head -c 200 "$work/stdout")"

# The lead who created the project may reveal.
expect_exit 0 "$GAVEL" queue "$db" --queue audit --reveal --json
grep -q '"hidden":false' "$work/stdout" || fail "--reveal kept it hidden"
grep -q '"label":"apple","confidence":0.97' "$work/stdout" ||
	fail "--reveal lacks the model: $(head -c 400 "$work/stdout")"
expect_exit 0 "$GAVEL" queue "$db" --queue audit --reveal
grep -q 'model 0.97' "$work/stdout" || fail "--reveal lacks the reason: $(cat "$work/stdout")"

# A queue that is not blind is unchanged, --reveal or not.
expect_exit 0 "$GAVEL" queue "$db" --queue disputed --json
grep -q '"hidden":false' "$work/stdout" && grep -q '"votes"' "$work/stdout" ||
	fail "a non-blind queue hid its votes: $(head -c 300 "$work/stdout")"

# Another OS user who maps to no lead may not reveal.
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null 2>&1 && ouid=$(id -u nobody 2>/dev/null); then
	chmod -R a+rX "$work"
	expect_exit 1 setpriv --reuid="$ouid" --regid="$(id -g nobody)" --clear-groups \
		"$GAVEL" queue "$db" --queue audit --reveal
	grep -q 'only a lead' "$work/stderr" || fail "--reveal refusal: $(cat "$work/stderr")"
	grep -q 'apple' "$work/stdout" && fail "the refused --reveal printed votes"
fi
pass
