#!/bin/sh
# gavel guide check|load|show and gavel init --project end to end: messages,
# exit codes, versions kept on every load, a rejected load leaving the
# database unchanged, and data with escape sequences never reaching stderr.
set -u
. "$top_srcdir/tests/cli/lib.sh"
data=$top_srcdir/tests/data
esc=$(printf '\033')

# check: ok line with counts, exit 0.
expect_exit 0 "$GAVEL" guide check "$data/guide_valid.yaml"
grep -qx "$data/guide_valid.yaml: ok (task sentiment, version 2.1, 3 labels, 3 rules)" \
    "$work/stdout" || fail "check output: $(cat "$work/stdout")"
expect_exit 0 "$GAVEL" guide check "$top_srcdir/guidelines/example.yaml"

# check: a tab used for indentation is file:line:col, exit 1.
expect_exit 1 "$GAVEL" guide check "$data/guide_bad_tab.yaml"
grep -q "guide_bad_tab.yaml:6:1: found a tab character that violates indentation" "$work/stderr" ||
    fail "tab error: $(cat "$work/stderr")"
# One bad file among good ones still fails the check, and the good one is reported.
expect_exit 1 "$GAVEL" guide check "$data/guide_valid.yaml" "$data/guide_bad_tab.yaml"
grep -q ': ok (' "$work/stdout" || fail "good file not reported"
# Escape sequences from the data are shown as visible tokens, never sent.
expect_exit 1 "$GAVEL" guide check "$data/guide_escape.yaml"
grep -q "guide_escape.yaml:10:14: rule names label" "$work/stderr" ||
    fail "escape fixture: $(cat "$work/stderr")"
if grep -q "$esc" "$work/stderr"; then fail "an ESC byte reached stderr"; fi
expect_exit 1 "$GAVEL" guide check "$work/missing.yaml"

# Usage errors.
expect_exit 2 "$GAVEL" guide
expect_exit 2 "$GAVEL" guide frobnicate
expect_exit 2 "$GAVEL" guide check
expect_exit 2 "$GAVEL" guide load "$work/p.db"
expect_exit 2 "$GAVEL" guide show "$work/p.db"
expect_exit 0 "$GAVEL" guide check --help
grep -q '^Usage: gavel guide' "$work/stdout" || fail "guide check --help"

# init --project loads the project's guideline as version 1.
expect_exit 0 "$GAVEL" init "$work/p.db" --project "$data/project_valid.yaml"
expect_exit 0 "$GAVEL" guide show "$work/p.db" --task sentiment
grep -q '^Guideline for task sentiment: version 1 of 1 (declared "2.1")' "$work/stdout" ||
    fail "show after init: $(head -3 "$work/stdout")"
grep -q '^  R1  Sarcasm counts by what the reviewer means' "$work/stdout" ||
    fail "show lacks rule R1"
grep -q '^  negative (Negative)$' "$work/stdout" || fail "show lacks the label with its name"

# load: a new version each time, older ones kept.
expect_exit 0 "$GAVEL" guide load "$work/p.db" "$data/guide_v2.yaml"
sha=$(sha256sum "$data/guide_v2.yaml" | cut -d' ' -f1)
grep -qx "loaded guideline version 2 for task sentiment (sha256 $sha)" "$work/stdout" ||
    fail "load output: $(cat "$work/stdout")"
expect_exit 0 "$GAVEL" guide show "$work/p.db" --task sentiment
grep -q 'version 2 of 2 (declared "2.2")' "$work/stdout" || fail "latest is not version 2"
grep -q "^sha256 $sha" "$work/stdout" || fail "show lacks the sha256"
expect_exit 0 "$GAVEL" guide show "$work/p.db" --task sentiment --version 1
grep -q 'version 1 of 2 (declared "2.1")' "$work/stdout" || fail "version 1 not kept"
expect_exit 1 "$GAVEL" guide show "$work/p.db" --task sentiment --version 9
expect_exit 1 "$GAVEL" guide show "$work/p.db" --task topic
grep -q "has no guideline" "$work/stderr" || fail "topic: $(cat "$work/stderr")"
expect_exit 1 "$GAVEL" guide show "$work/p.db" --task nosuch

# A guideline naming a label the task lacks: exit 1, database unchanged.
before=$(dump "$work/p.db")
expect_exit 1 "$GAVEL" guide load "$work/p.db" "$data/guide_unknown_label.yaml"
grep -q "guide_unknown_label.yaml:7: label 'mixed' is not a label of task 'sentiment'" \
    "$work/stderr" || fail "unknown label: $(cat "$work/stderr")"
[ "$before" = "$(dump "$work/p.db")" ] || fail "rejected load changed the database"
# So does a syntax error, and a missing project.
expect_exit 1 "$GAVEL" guide load "$work/p.db" "$data/guide_bad_tab.yaml"
[ "$before" = "$(dump "$work/p.db")" ] || fail "bad file changed the database"
expect_exit 1 "$GAVEL" guide load "$work/none.db" "$data/guide_v2.yaml"

# init --project with a bad project YAML: exit 1, position, no file left.
printf 'project: P\ntasks:\n  - name: t\n    scale: ordinl\n    labels: [a, b]\n' \
    >"$work/bad.yaml"
expect_exit 1 "$GAVEL" init "$work/q.db" --project "$work/bad.yaml"
grep -q "bad.yaml:4:12: scale must be nominal, ordinal or interval" "$work/stderr" ||
    fail "bad project: $(cat "$work/stderr")"
[ ! -e "$work/q.db" ] || fail "a rejected project left a database behind"
pass
