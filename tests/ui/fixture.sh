# fixture.sh: builds the small project the review-screen tests run on.
# Sourced by tests/cli/ui_*.sh and tests/tmux/*.sh: ui_fixture GAVEL DIR
# creates DIR/p.db with one task (sentiment: negative, neutral, positive),
# six items whose text holds CJK, emoji, control characters, ANSI and OSC
# escape sequences and bidi controls, votes from four annotators, one model's
# predictions, the example guideline, and the calling OS user mapped as
# expert "ana" (and "ben" on the same uid, for two-expert tests). It points
# XDG_CONFIG_HOME at an empty place, so that no user keys file applies.

ui_fixture() {
	_g=$1
	_d=$2
	# A developer's own keys file must not change what the tests press.
	XDG_CONFIG_HOME=$_d/no-config
	export XDG_CONFIG_HOME
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

# ui_fixture_calib GAVEL DIR creates DIR/p.db for the calibration view: task
# sentiment with 40 items (c01-c40) of three votes each, where carol
# disagrees on every fourth item; model m1 with confidences spread over
# 0.35-0.95 and right on four items in five; model m2 always 0.90-0.98 sure
# and wrong on a third of the items (overconfident); expert decisions on
# c01-c30 (imported as ana's), so c32, c36 and c40 are left in "disputed".
ui_fixture_calib() {
	_g=$1
	_d=$2
	XDG_CONFIG_HOME=$_d/no-config
	export XDG_CONFIG_HOME
	awk 'BEGIN {
		split("negative neutral positive", L, " ")
		print "item,text" > "'"$_d"'/items.csv"
		print "item,annotator,label" > "'"$_d"'/votes.csv"
		print "item,negative,neutral,positive" > "'"$_d"'/m1.csv"
		print "item,negative,neutral,positive" > "'"$_d"'/m2.csv"
		print "item,label,reason" > "'"$_d"'/decisions.csv"
		for (i = 1; i <= 40; i++) {
			id = sprintf("c%02d", i); t = i % 3
			printf "%s,Review number %d of a phone charger.\n", id, i > "'"$_d"'/items.csv"
			printf "%s,alice,%s\n%s,bob,%s\n", id, L[t + 1], id, L[t + 1] > "'"$_d"'/votes.csv"
			printf "%s,carol,%s\n", id, L[(i % 4 == 0 ? (t + 1) % 3 : t) + 1] > "'"$_d"'/votes.csv"
			for (m = 1; m <= 2; m++) {
				if (m == 1) { c = 0.35 + (i % 13) * 0.05; p = i % 5 == 0 ? (t + 1) % 3 : t }
				else { c = 0.90 + (i % 3) * 0.04; p = i % 3 == 1 ? (t + 2) % 3 : t }
				line = id
				for (j = 0; j < 3; j++)
					line = line "," sprintf("%.3f", j == p ? c : (1 - c) / 2)
				print line > "'"$_d"'/m" m ".csv"
			}
			if (i <= 30)
				printf "%s,%s,checked\n", id, L[t + 1] > "'"$_d"'/decisions.csv"
		}
	}' &&
		"$_g" init "$_d/p.db" >/dev/null &&
		"$_g" import "$_d/p.db" items "$_d/items.csv" --task sentiment >/dev/null &&
		"$_g" import "$_d/p.db" votes "$_d/votes.csv" --task sentiment >/dev/null &&
		"$_g" import "$_d/p.db" predictions "$_d/m1.csv" --model m1 --task sentiment >/dev/null &&
		"$_g" import "$_d/p.db" predictions "$_d/m2.csv" --model m2 --task sentiment >/dev/null &&
		"$_g" expert add "$_d/p.db" ana --role expert --unix-user "$(id -un)" >/dev/null &&
		"$_g" import "$_d/p.db" decisions "$_d/decisions.csv" --expert ana \
			--task sentiment >/dev/null
}

# ui_fixture_conflict GAVEL DIR creates DIR/p.db from ui_fixture's project
# with one item in conflict: lead "lee" packs two items for ana (whose key
# is made under DIR/ana), decides r3 in the project with a reason holding a
# bidi override, and ana decides r3 offline with a long reason holding one
# too; the merge (trusting ana's key) leaves r3 in the conflicts queue.
ui_fixture_conflict() {
	_g=$1
	_d=$2
	ui_fixture "$_g" "$_d" || return 1
	_rlo=$(printf '\342\200\256')
	_pdf=$(printf '\342\200\254')
	"$_g" expert add "$_d/p.db" lee --role lead --unix-user "$(id -un)" >/dev/null &&
		"$_g" packet create "$_d/p.db" -o "$_d/pk.db" --limit 2 --for ana >/dev/null &&
		printf '<Enter>\nr\n:type #R1 here: %sevil%s 漢字, sarcasm\n<Enter>\n1\n<C-c>\n' \
			"$_rlo" "$_pdf" >"$_d/lee.keys" &&
		"$_g" review "$_d/p.db" --as lee --all --headless --script "$_d/lee.keys" >/dev/null &&
		printf '<Enter>\nr\n:type offline: %sdaor%s and a long reason that goes on to wrap over more than one line of the pane\n<Enter>\n3\n<C-c>\n' \
			"$_rlo" "$_pdf" >"$_d/ana.keys" &&
		XDG_CONFIG_HOME=$_d/ana "$_g" review "$_d/pk.db" --as ana --headless \
			--script "$_d/ana.keys" >/dev/null &&
		"$_g" packet merge "$_d/p.db" "$_d/pk.db" --trust-new-key >/dev/null
}
