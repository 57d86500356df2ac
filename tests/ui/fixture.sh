# fixture.sh: builds the small project the review-screen tests run on.
# Sourced by tests/cli/ui_*.sh and tests/tmux/*.sh: ui_fixture GAVEL DIR
# creates DIR/p.db with one task (sentiment: negative, neutral, positive),
# six items whose text holds CJK, emoji, control characters, ANSI and OSC
# escape sequences and bidi controls, votes from four annotators, one model's
# predictions, the example guideline, and the calling OS user mapped as
# expert "ana" (and "ben" on the same uid, for two-expert tests).

ui_fixture() {
	_g=$1
	_d=$2
	_esc=$(printf '\033')
	_bel=$(printf '\007')
	_rlo=$(printf '\342\200\256')
	{
		echo 'item,text'
		echo 'r1,"Broke after two days. Sending it back, and I will tell everyone I know to avoid this brand of charger entirely."'
		echo "r2,\"漢字のレビュー: とても良い 👍🏽 works great, 日本語 mixed with English\""
		echo "r3,\"Red ${_esc}[31malert${_esc}[0m and ${_esc}]0;pwned${_bel} title, bell${_bel} here\""
		echo "r4,\"Bidi ${_rlo}txet desrever${_rlo} inside\""
		echo 'r5,"Arrived on Tuesday. Have not opened it yet."'
		echo 'r6,"Cheap, but it works. Battery could be better."'
	} >"$_d/items.csv"
	{
		echo 'item,annotator,label'
		echo 'r1,alice,negative'; echo 'r1,bob,negative'; echo 'r1,carol,positive'
		echo 'r2,alice,positive'; echo 'r2,bob,neutral'; echo 'r2,carol,positive'; echo 'r2,dave,neutral'
		echo 'r3,alice,neutral'; echo 'r3,bob,negative'; echo 'r3,carol,positive'
		echo 'r4,alice,neutral'; echo 'r4,bob,neutral'; echo 'r4,carol,negative'
		echo 'r5,alice,neutral'; echo 'r5,bob,positive'; echo 'r5,dave,neutral'
		echo 'r6,alice,positive'; echo 'r6,bob,negative'; echo 'r6,carol,positive'
	} >"$_d/votes.csv"
	{
		echo 'item,negative,neutral,positive'
		echo 'r1,0.80,0.15,0.05'
		echo 'r2,0.05,0.35,0.60'
		echo 'r3,0.40,0.40,0.20'
		echo 'r4,0.30,0.60,0.10'
		echo 'r5,0.10,0.70,0.20'
		echo 'r6,0.20,0.10,0.70'
	} >"$_d/preds.csv"
	"$_g" init "$_d/p.db" >/dev/null &&
		"$_g" import "$_d/p.db" items "$_d/items.csv" --task sentiment >/dev/null &&
		"$_g" import "$_d/p.db" votes "$_d/votes.csv" --task sentiment >/dev/null &&
		"$_g" import "$_d/p.db" predictions "$_d/preds.csv" --model m1 --task sentiment >/dev/null &&
		"$_g" guide load "$_d/p.db" "$top_srcdir/guidelines/example.yaml" >/dev/null &&
		"$_g" expert add "$_d/p.db" ana --role expert --unix-user "$(id -un)" >/dev/null &&
		"$_g" expert add "$_d/p.db" ben --role expert --unix-user "$(id -un)" >/dev/null
}
