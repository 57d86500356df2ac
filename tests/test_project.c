/*
 * Unit tests of the project YAML: a valid file parses to the exact structure
 * with every default filled; each bad file is rejected at the line and column
 * worked out by hand in the comments; project_apply writes declared tasks,
 * labels in order, queues, settings and the guideline into a new database;
 * a project without queues gets the documented defaults.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "testutil.h"

#include "audit.h"
#include "guide.h"
#include "project.h"
#include "store.h"
#include "util.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void expect_err(const char *s, const char *want)
{
	struct project p;
	char err[GV_ERR] = "";
	if (project_parse("p.yaml", s, strlen(s), &p, err) == 0) {
		project_free(&p);
		fail_msg("accepted, wanted: %s\n--- input:\n%s", want, s);
	}
	if (strcmp(err, want) != 0)
		fail_msg("got:    %s\nwanted: %s", err, want);
	assert_null(p.name);
	assert_int_equal(p.ntasks, 0);
}

/* A minimal valid project; error cases below append or alter a line. */
#define HEAD "project: P\ntasks:\n  - name: t\n    labels: [a, b]\n"

static void test_parse_valid(void **state)
{
	struct project p;
	char err[GV_ERR], *path = test_fixture("project_valid.yaml"), *want;
	(void)state;
	if (project_load_file(path, &p, err))
		fail_msg("%s", err);
	assert_string_equal(p.name, "Product review sentiment");
	assert_int_equal(p.ntasks, 2);

	assert_string_equal(p.tasks[0].name, "sentiment");
	assert_string_equal(p.tasks[0].question, "What overall sentiment does the review express?");
	assert_int_equal(p.tasks[0].scale, SCALE_ORDINAL);
	assert_true(p.tasks[0].threshold == 0.75);
	assert_int_equal(p.tasks[0].nlabels, 3);
	assert_string_equal(p.tasks[0].labels[0].value, "negative");
	assert_string_equal(p.tasks[0].labels[0].name, "Negative");
	assert_string_equal(p.tasks[0].labels[0].key, "-");
	assert_int_equal(p.tasks[0].labels[0].key_line, 12);
	assert_int_equal(p.tasks[0].labels[0].key_col, 14);
	assert_string_equal(p.tasks[0].labels[1].value, "neutral");
	assert_string_equal(p.tasks[0].labels[1].name, "neutral"); /* defaults to the value */
	assert_string_equal(p.tasks[0].labels[1].key, "0");
	assert_string_equal(p.tasks[0].labels[2].value, "positive");
	/* The guideline path is resolved against the YAML's directory. */
	want = test_fixture("guide_valid.yaml");
	assert_string_equal(p.tasks[0].guidelines, want);
	free(want);

	assert_string_equal(p.tasks[1].name, "topic");
	assert_null(p.tasks[1].question);
	assert_int_equal(p.tasks[1].scale, SCALE_NOMINAL);
	assert_true(p.tasks[1].threshold == 0.70);
	assert_int_equal(p.tasks[1].nlabels, 3);
	assert_string_equal(p.tasks[1].labels[2].value, "delivery");
	assert_string_equal(p.tasks[1].labels[2].name, "delivery");
	assert_null(p.tasks[1].labels[2].key);
	assert_null(p.tasks[1].guidelines);

	assert_int_equal(p.nqueues, 4);
	assert_string_equal(p.queues[3].rule, "label-issues");
	assert_string_equal(p.queues[3].model, "cv-5fold");
	assert_string_equal(p.queues[0].name, "disputed");
	assert_string_equal(p.queues[0].rule, "disputed");
	assert_string_equal(p.queues[0].task, "sentiment");
	assert_true(p.queues[0].below == 0.70);
	assert_int_equal(p.queues[0].blind, 0);
	assert_string_equal(p.queues[1].name, "spot-check");
	assert_string_equal(p.queues[1].rule, "audit");
	assert_null(p.queues[1].task);
	assert_int_equal(p.queues[1].sample, 50);
	assert_int_equal(p.queues[1].seed, 7);
	assert_true(p.queues[1].min_confidence == 0.95); /* audit default */
	assert_int_equal(p.queues[1].blind, 1);            /* audit default */
	assert_string_equal(p.queues[2].rule, "model-disagrees");
	assert_true(p.queues[2].min_confidence == 0.9); /* model-disagrees default */
	assert_int_equal(p.queues[2].tiebreaker_not_voter, 1);
	assert_int_equal(p.queues[2].blind, 0);
	assert_true(p.expert_weight == 2.5);
	project_free(&p);
	free(path);
}

static void test_parse_minimal(void **state)
{
	struct project p;
	char err[GV_ERR];
	static const char s[] = HEAD "    guidelines: g/t.yaml\n";
	(void)state;
	if (project_parse("dir/p.yaml", s, strlen(s), &p, err))
		fail_msg("%s", err);
	assert_int_equal(p.nqueues, 0);
	assert_null(p.queues);
	assert_true(p.expert_weight == 1.0);
	assert_string_equal(p.tasks[0].guidelines, "dir/g/t.yaml");
	project_free(&p);
	/* A file given without a directory keeps the path as written. */
	if (project_parse("p.yaml", s, strlen(s), &p, err))
		fail_msg("%s", err);
	assert_string_equal(p.tasks[0].guidelines, "g/t.yaml");
	project_free(&p);
}

static void test_errors_top(void **state)
{
	(void)state;
	expect_err("tasks:\n  - name: t\n    labels: [a, b]\n",
		   "p.yaml:1:1: missing required key 'project'");
	expect_err("project: P\n", "p.yaml:1:1: missing required key 'tasks'");
	expect_err("project: P\ntasks: []\n",
		   "p.yaml:2:8: 'tasks' must declare at least one task");
	expect_err(HEAD "exports:\n  expert_weight: 2\n",
		   "p.yaml:5:1: unknown key 'exports' in a project (expected: project, tasks, "
		   "queues, export)");
	expect_err(HEAD "export:\n  expert_weight: heavy\n",
		   "p.yaml:6:18: 'expert_weight' must be a number, not 'heavy'");
	/* An alias, an anchor, a second document and a tab, each where it is. */
	expect_err("project: &p P\n", "p.yaml:1:10: anchors and aliases are not allowed (found "
				      "anchor '&p')");
	expect_err(HEAD "queues: *q\n",
		   "p.yaml:5:9: anchors and aliases are not allowed (found alias '*q')");
	expect_err(HEAD "---\nproject: Q\n", "p.yaml:5:1: only one YAML document is allowed");
	expect_err("project: P\ntasks:\n\t- name: t\n",
		   "p.yaml:3:1: found character that cannot start any token (while scanning "
		   "for the next token at line 3:1)");
	expect_err("project: P\nproject: Q\n", "p.yaml:2:1: duplicate key 'project' (first at "
					       "line 1)");
}

static void test_errors_task(void **state)
{
	(void)state;
	/* "scale" value at line 5, column 12. */
	expect_err(HEAD "    scale: ordinl\n",
		   "p.yaml:5:12: scale must be nominal, ordinal or interval, not 'ordinl'");
	expect_err(HEAD "    scael: ordinal\n",
		   "p.yaml:5:5: unknown key 'scael' in a task (expected: name, question, scale, "
		   "threshold, labels, guidelines)");
	expect_err(HEAD "    threshold: 1.5\n",
		   "p.yaml:5:16: 'threshold' must be between 0 and 1, not 1.5");
	expect_err("project: P\ntasks:\n  - labels: [a, b]\n",
		   "p.yaml:3:5: missing required key 'name'");
	expect_err("project: P\ntasks:\n  - name: t\n",
		   "p.yaml:3:5: missing required key 'labels'");
	expect_err("project: P\ntasks:\n  - name: t\n    labels: [a]\n",
		   "p.yaml:4:13: a task needs at least two labels");
	/* The repeated value "a" is the third flow item, at 4:20. */
	expect_err("project: P\ntasks:\n  - name: t\n    labels: [a, b, a]\n",
		   "p.yaml:4:20: label 'a' is listed twice (first at line 4)");
	expect_err(HEAD "  - name: t\n    labels: [c, d]\n",
		   "p.yaml:5:11: task 't' is declared twice (first at line 3)");
	/* Key "x" bound twice: the second binding's value at 8:14. */
	expect_err("project: P\ntasks:\n  - name: t\n    labels:\n"
		   "      - value: a\n        key: x\n      - value: b\n        key: x\n",
		   "p.yaml:8:14: key 'x' is already bound to label 'a'");
	expect_err("project: P\ntasks:\n  - name: t\n    labels:\n"
		   "      - value: a\n        key: 3\n      - value: b\n",
		   "p.yaml:6:14: key '3' must be one printable character other than 1-9 (keys 1-9 "
		   "always choose labels by position)");
	expect_err("project: P\ntasks:\n  - name: t\n    labels:\n"
		   "      - value: a\n        key: ab\n      - value: b\n",
		   "p.yaml:6:14: key 'ab' must be one printable character other than 1-9 (keys 1-9 "
		   "always choose labels by position)");
	expect_err("project: P\ntasks:\n  - name: t\n    labels:\n"
		   "      - value: a\n        colour: red\n      - value: b\n",
		   "p.yaml:6:9: unknown key 'colour' in a label (expected: value, name, key)");
	expect_err("project: P\ntasks:\n  - name: t\n    labels:\n      - name: A\n      - b\n",
		   "p.yaml:5:9: missing required key 'value'");
}

static void test_errors_queue(void **state)
{
	(void)state;
	expect_err(HEAD "queues:\n  - name: q\n    rule: dispute\n",
		   "p.yaml:7:11: unknown rule 'dispute' (rules: disputed, needs-votes, "
		   "uncertain, audit, model-disagrees, label-issues, conflicts)");
	expect_err(HEAD "queues:\n  - name: q\n",
		   "p.yaml:6:5: missing required key 'rule'");
	/* sample means nothing to a disputed queue: reported at its key. */
	expect_err(HEAD "queues:\n  - rule: disputed\n    sample: 10\n",
		   "p.yaml:7:5: option 'sample' does not apply to rule 'disputed'");
	expect_err(HEAD "queues:\n  - rule: disputed\n    task: other\n",
		   "p.yaml:7:11: queue names task 'other', which the project does not declare");
	expect_err(HEAD "queues:\n  - rule: audit\n  - rule: audit\n",
		   "p.yaml:7:11: queue 'audit' is declared twice (first at line 6)");
	expect_err(HEAD "queues:\n  - rule: audit\n    blind: maybe\n",
		   "p.yaml:7:12: 'blind' must be true or false, not 'maybe'");
	expect_err(HEAD "queues:\n  - rule: needs-votes\n    min_votes: 2.5\n",
		   "p.yaml:7:16: 'min_votes' must be a whole number, not '2.5'");
	expect_err(HEAD "queues:\n  - rule: uncertain\n    top_percent: 0\n",
		   "p.yaml:7:18: 'top_percent' must be above 0");
	expect_err(HEAD "queues:\n  rule: audit\n",
		   "p.yaml:6:3: 'queues' must be a list (lines starting with '- '), not a "
		   "mapping");
}

/* --- writing a project into a database --- */

static int setup(void **state)
{
	struct test_fx *f = test_fx_new("project");
	audit_actor_init(&f->actor, "tester");
	*state = f;
	return 0;
}

static void test_apply(void **state)
{
	struct test_fx *f = *state;
	struct project p;
	struct store_task *tasks;
	struct queue_def *q;
	struct guide g;
	size_t nt, nq, len;
	char err[GV_ERR], *path = test_fixture("project_valid.yaml"), *yaml, *v, sha[65];
	int64_t version = 0;

	if (util_read_file(path, 1 << 20, &yaml, &len, err) ||
	    project_parse(path, yaml, len, &p, err))
		fail_msg("%s", err);
	assert_int_equal(store_begin(f->st, err), 0);
	if (project_apply(f->st, &p, &f->actor, yaml, err))
		fail_msg("%s", err);
	assert_int_equal(store_commit(f->st, err), 0);

	/* Declared tasks, labels in order with code = ord = position. */
	assert_int_equal(store_task_list(f->st, &tasks, &nt, err), 0);
	assert_int_equal(nt, 2);
	assert_string_equal(tasks[0].name, "sentiment");
	assert_int_equal(tasks[0].declared, 1);
	assert_int_equal(tasks[0].scale, SCALE_ORDINAL);
	assert_true(fabs(tasks[0].threshold - 0.75) < 1e-12);
	assert_int_equal(tasks[0].nlabels, 3);
	for (int i = 0; i < 3; i++) {
		static const char *const want[] = {"negative", "neutral", "positive"};
		static const char *const keys[] = {"-", "0", "+"};
		assert_string_equal(tasks[0].labels[i].value, want[i]);
		assert_string_equal(tasks[0].labels[i].key, keys[i]);
		assert_int_equal(tasks[0].labels[i].ord, i);
		assert_int_equal(tasks[0].labels[i].code, i);
	}
	assert_string_equal(tasks[0].labels[0].name, "Negative");
	assert_string_equal(tasks[1].name, "topic");
	assert_int_equal(tasks[1].declared, 1);
	assert_int_equal(tasks[1].nlabels, 3);
	assert_string_equal(tasks[1].labels[1].value, "quality");
	assert_null(tasks[1].labels[1].key);

	/* The guideline was loaded as version 1 of sentiment. */
	assert_int_equal(guide_current(f->st, tasks[0].id, &g, &version, err), 0);
	assert_int_equal(version, 1);
	assert_string_equal(g.version, "2.1");
	guide_free(&g);
	assert_int_equal(guide_current(f->st, tasks[1].id, &g, &version, err), 1);

	/* Name, YAML and its hash, settings. */
	v = store_meta_get(f->st, "name");
	assert_string_equal(v, "Product review sentiment");
	free(v);
	v = store_meta_get(f->st, "project_yaml");
	assert_string_equal(v, yaml);
	free(v);
	util_sha256_hex(yaml, len, sha);
	v = store_meta_get(f->st, "project_sha256");
	assert_string_equal(v, sha);
	free(v);
	assert_true(project_expert_weight(f->st) == 2.5);
	v = project_task_question(f->st, "sentiment");
	assert_string_equal(v, "What overall sentiment does the review express?");
	free(v);
	assert_null(project_task_question(f->st, "topic"));

	/* The declared queues come back with their effective values. */
	assert_int_equal(project_queues(f->st, &q, &nq, err), 0);
	assert_int_equal(nq, 5); /* and conflicts, which every project has */
	assert_string_equal(q[0].name, "disputed");
	assert_string_equal(q[0].task, "sentiment");
	assert_true(fabs(q[0].below - 0.70) < 1e-12);
	assert_string_equal(q[1].name, "spot-check");
	assert_string_equal(q[1].rule, "audit");
	assert_null(q[1].task);
	assert_int_equal(q[1].sample, 50);
	assert_int_equal(q[1].seed, 7);
	assert_int_equal(q[1].blind, 1);
	assert_true(fabs(q[1].min_confidence - 0.95) < 1e-12);
	assert_string_equal(q[2].name, "second-opinion");
	assert_int_equal(q[2].tiebreaker_not_voter, 1);
	assert_true(fabs(q[2].min_confidence - 0.9) < 1e-12);
	assert_null(q[2].model);
	assert_string_equal(q[3].rule, "label-issues");
	assert_string_equal(q[3].model, "cv-5fold");
	assert_string_equal(q[4].rule, "conflicts");
	project_queues_free(q, nq);

	/* The audit chain holds the apply and the guideline load. */
	{
		struct audit_result r;
		assert_int_equal(audit_verify(f->st, NULL, &r, err), 0);
		assert_int_equal(r.events, 2);
	}
	for (size_t i = 0; i < nt; i++)
		store_task_free(&tasks[i]);
	free(tasks);
	project_free(&p);
	free(yaml);
	free(path);
}

static void test_default_queues(void **state)
{
	struct test_fx *f = *state;
	struct queue_def *q;
	size_t n;
	char err[GV_ERR];
	assert_int_equal(project_queues(f->st, &q, &n, err), 0);
	assert_int_equal(n, 7);
	assert_string_equal(q[6].rule, "conflicts");
	assert_string_equal(q[0].rule, "disputed");
	assert_true(q[0].below == 0); /* not unanimous */
	assert_string_equal(q[1].rule, "needs-votes");
	assert_int_equal(q[1].min_votes, 3);
	assert_string_equal(q[2].rule, "uncertain");
	assert_true(q[2].top_percent == 5);
	assert_string_equal(q[3].rule, "audit");
	assert_int_equal(q[3].sample, 500);
	assert_int_equal(q[3].seed, 1);
	assert_true(q[3].min_confidence == 0.95);
	assert_int_equal(q[3].blind, 1);
	assert_string_equal(q[4].rule, "model-disagrees");
	assert_true(q[4].min_confidence == 0.9);
	assert_int_equal(q[4].blind, 0);
	assert_string_equal(q[5].rule, "label-issues");
	assert_null(q[5].model); /* the latest import's */
	assert_int_equal(q[5].blind, 0);
	for (size_t i = 0; i < n; i++)
		assert_null(q[i].task);
	project_queues_free(q, n);
	assert_true(project_expert_weight(f->st) == 1.0);
}

static void test_apply_bad_guideline(void **state)
{
	struct test_fx *f = *state;
	struct project p;
	struct store_task *tasks;
	size_t nt;
	char err[GV_ERR], *gpath = test_fixture("guide_unknown_label.yaml");
	struct sbuf yaml = {0};

	sbuf_addf(&yaml,
		  "project: P\ntasks:\n  - name: sentiment\n    labels: [negative, positive]\n"
		  "    guidelines: %s\n",
		  gpath);
	if (project_parse("p.yaml", yaml.s, yaml.len, &p, err))
		fail_msg("%s", err);
	assert_int_equal(store_begin(f->st, err), 0);
	assert_int_equal(project_apply(f->st, &p, &f->actor, yaml.s, err), -1);
	store_rollback(f->st);
	assert_non_null(strstr(err, "label 'mixed' is not a label of task 'sentiment'"));
	/* The caller's rollback leaves no task behind. */
	assert_int_equal(store_task_list(f->st, &tasks, &nt, err), 0);
	assert_int_equal(nt, 0);
	free(tasks);
	project_free(&p);
	sbuf_free(&yaml);
	free(gpath);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_valid),
		cmocka_unit_test(test_parse_minimal),
		cmocka_unit_test(test_errors_top),
		cmocka_unit_test(test_errors_task),
		cmocka_unit_test(test_errors_queue),
		cmocka_unit_test_setup_teardown(test_apply, setup, test_fx_teardown),
		cmocka_unit_test_setup_teardown(test_default_queues, setup, test_fx_teardown),
		cmocka_unit_test_setup_teardown(test_apply_bad_guideline, setup, test_fx_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
