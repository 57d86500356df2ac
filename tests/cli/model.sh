#!/bin/sh
# Model-aware review end to end: predictions whose probabilities do not sum
# to 1 (within 0.001) or that name an unknown label are rejected with
# FILE:LINE and the project is unchanged; accepted predictions store the
# normalised entropy and margin; the audit queue holds the confident items;
# 30 blind audits decided in the review screen (3 relabelled) turn the
# label-accuracy discount q into 1 - 3/30 = 0.9 from "audit"; and, once
# `gavel stats --json` carries the model report (tasks[].model), its figures.
#
# Project (task t, labels a < b, annotators p, q, r):
#   h01-h32  votes a a b    consensus a    model m1: a 0.97 (audit sample)
#   u1       votes a b      tie            model m1: b 0.55 (most uncertain)
#   u2       votes b b a    consensus b    model m1: a 0.70
set -u
. "$top_srcdir/tests/cli/lib.sh"

db=$work/p.db
{
	echo 'item,annotator,label'
	for i in $(seq -w 1 32); do
		echo "h$i,p,a"; echo "h$i,q,a"; echo "h$i,r,b"
	done
	echo 'u1,p,a'; echo 'u1,q,b'
	echo 'u2,p,b'; echo 'u2,q,b'; echo 'u2,r,a'
} >"$work/votes.csv"
expect_exit 0 "$GAVEL" init "$db"
expect_exit 0 "$GAVEL" import "$db" votes "$work/votes.csv" --task t

# Bad predictions: a row summing to 0.9, then a column naming label z.
printf 'item,a,b\nh01,0.97,0.03\nh02,0.5,0.4\n' >"$work/badsum.csv"
before=$(dump "$db")
expect_exit 1 "$GAVEL" import "$db" predictions "$work/badsum.csv" --model m1 --task t
grep -q 'badsum.csv:3:.*sum to 0.9' "$work/stderr" || fail "sum error: $(cat "$work/stderr")"
printf 'item,a,z\nh01,0.97,0.03\n' >"$work/badlabel.csv"
expect_exit 1 "$GAVEL" import "$db" predictions "$work/badlabel.csv" --model m1 --task t
grep -q "badlabel.csv:[0-9]*.*unknown label 'z'" "$work/stderr" ||
	fail "unknown label error: $(cat "$work/stderr")"
# Within 0.001 of 1 is accepted (in a throw-away copy).
cp "$db" "$work/copy.db"
printf 'item,a,b\nh01,0.9705,0.0304\n' >"$work/nearly.csv"
expect_exit 0 "$GAVEL" import "$work/copy.db" predictions "$work/nearly.csv" --model m1 --task t
[ "$(dump "$db")" = "$before" ] || fail "a rejected import changed the project"

{
	echo 'item,a,b'
	for i in $(seq -w 1 32); do echo "h$i,0.97,0.03"; done
	echo 'u1,0.45,0.55'
	echo 'u2,0.70,0.30'
} >"$work/preds.csv"
expect_exit 0 "$GAVEL" import "$db" predictions "$work/preds.csv" --model m1 --task t
# u1: entropy -(0.45 ln 0.45 + 0.55 ln 0.55) / ln 2 = 0.992774, margin 0.1.
row=$(sqlite3 "$db" "SELECT printf('%.6f %.6f %.2f', p.entropy, p.margin, p.confidence)
	FROM prediction p JOIN item i ON i.id = p.item WHERE i.external_id = 'u1'")
[ "$row" = "0.992774 0.100000 0.55" ] || fail "u1 prediction figures: $row"

# The audit queue: the 32 items the model is at least 0.95 sure of.
expect_exit 0 "$GAVEL" queue "$db" --queue audit --json
[ "$(grep -o '"item":"h[0-9]*"' "$work/stdout" | wc -l)" = 32 ] ||
	fail "audit queue: $(head -c 400 "$work/stdout")"
grep -q '"item":"u' "$work/stdout" && fail "an unconfident item in the audit queue"

# 30 blind audits in the review screen: a label key makes the blind call,
# the same key confirms it; 27 confirm a (key 1), 3 relabel to b (key 2).
expect_exit 0 "$GAVEL" expert add "$db" ana --role expert --unix-user "$(id -un)"
{
	echo '<Enter>'
	for i in $(seq 1 30); do
		if [ "$i" -le 3 ]; then echo 2; echo 2; else echo 1; echo 1; fi
	done
	echo '<C-c>'
} >"$work/audit.keys"
expect_exit 0 "$GAVEL" review "$db" --as ana --queue audit --headless --script "$work/audit.keys"
row=$(sqlite3 "$db" "SELECT count(*), sum(label = 1), sum(blind_label IS NOT NULL)
	FROM decision WHERE queue = 'audit'")
[ "$row" = "30|3|30" ] || fail "audit decisions (count|relabelled|blind): $row"
# One decision outside the audit: u2 imported as a (consensus b: changed).
printf 'item,label\nu2,a\n' >"$work/dec.csv"
expect_exit 0 "$GAVEL" import "$db" decisions "$work/dec.csv" --expert lead --task t

# The model report in gavel stats --json: tasks[].models, one object per model.
expect_exit 0 "$GAVEL" stats "$db" --json
cp "$work/stdout" "$work/stats.json"
j() {
	sqlite3 :memory: "SELECT json_extract(readfile('$work/stats.json'), '$1')"
}
[ -n "$(j '$.tasks[0].models')" ] || fail "gavel stats --json has no tasks[].models"
# m PATH: a figure of the first model's report.
m() {
	j "\$.tasks[0].models[0]$1"
}
# 30 audits with a consensus, 3 errors: rate 0.1, Wilson 95% interval
# (statsmodels proportion_confint(3, 30, method='wilson')) [0.034600, 0.256211];
# q = 1 - 0.1 = 0.9 from the audits. m1 agreed with the consensus on all 30.
[ "$(m '.model')" = m1 ] || fail "model name"
[ "$(m '.quality.source')" = audit ] || fail "q source $(m '.quality')"
[ "$(m '.quality.q')" = 0.9 ] || fail "q $(m '.quality.q')"
[ "$(m '.audit.audits')" = 30 ] || fail "audits"
[ "$(m '.audit.error_rate')" = 0.1 ] || fail "audit error rate"
[ "$(m '.audit.ci')" = '[0.0346,0.256211]' ] ||
	fail "audit ci $(m '.audit.ci')"
[ "$(m '.audit.model_agreed.items')" = 30 ] || fail "model agreed items"
[ "$(m '.audit.model_disagreed.items')" = 0 ] || fail "model disagreed items"
# Decided: 30 audits + u2 = 31; changed: the 3 relabelled audits and u2.
[ "$(m '.relabel.changed')" = 4 ] || fail "relabel changed"
[ "$(m '.relabel.decided')" = 31 ] || fail "relabel decided"
[ "$(m '.relabel.by_queue[1].queue')" = import ] || fail "by_queue import"
# Calibration: 30 audits in [0.9,1.0] (27 right) and u2 (m1 a 0.70 = the
# expert's a) in [0.7,0.8): ECE = 30/31 |0.9 - 0.97| + 1/31 |1 - 0.7| = 0.077419.
[ "$(m '.calibration.bins[9].n')" = 30 ] || fail "bin 9"
[ "$(m '.calibration.ece')" = 0.077419 ] ||
	fail "ece $(m '.calibration.ece')"
# Export: effective confidence = stated confidence x q (0.9 from the audits):
# u1 0.55 x 0.9 = 0.495, h01 0.97 x 0.9 = 0.873.
"$GAVEL" export "$db" --format jsonl >"$work/export.jsonl" || fail "export exited $?"
grep -q '"item":"u1",.*"model_confidence":0.55,"effective_confidence":0.495,' "$work/export.jsonl" ||
	fail "u1 effective confidence: $(grep '"u1"' "$work/export.jsonl")"
grep -q '"item":"h01",.*"model_confidence":0.97,"effective_confidence":0.873,' "$work/export.jsonl" ||
	fail "h01 effective confidence: $(grep '"h01"' "$work/export.jsonl")"
pass
