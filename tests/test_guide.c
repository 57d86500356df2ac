/*
 * Unit tests of the YAML reader (yamltree) and the guideline parser and
 * loader: a valid guideline parses to the exact structure; every kind of bad
 * file is rejected with the line and column worked out by hand in the
 * comments; loading keeps every version with its own sha256; a guideline that
 * names a label its task lacks leaves the database as it was; the decision
 * keys a guideline gives become its labels' keys unless another label keeps
 * one.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "testutil.h"

#include "audit.h"
#include "store_guide.h"
#include "store.h"
#include "util.h"
#include "yamltree.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Parse s as a guideline named g.yaml and expect exactly the error want. */
static void expect_guide_err(const char *s, const char *want)
{
	struct guide g;
	char err[GV_ERR] = "";
	int rc = guide_parse("g.yaml", s, strlen(s), &g, err);
	if (rc == 0) {
		guide_free(&g);
		fail_msg("accepted, wanted: %s\n--- input:\n%s", want, s);
	}
	if (strcmp(err, want) != 0)
		fail_msg("got:    %s\nwanted: %s", err, want);
	/* A failed parse leaves nothing to free. */
	assert_null(g.task);
	assert_int_equal(g.nlabels, 0);
}

static const char valid[] = "task: sentiment\n"
			    "version: 2.1\n"
			    "summary: What the review says overall.\n"
			    "labels:\n"
			    "  - value: negative\n"
			    "    definition: Unhappy overall.\n"
			    "    examples: [\"Broke after two days.\", 'Never again.']\n"
			    "    counterexamples:\n"
			    "      - Cheap, but it works.\n"
			    "  - value: positive\n"
			    "    definition: |\n"
			    "      Satisfied overall,\n"
			    "      even with a minor flaw.\n"
			    "rules:\n"
			    "  - id: R1\n"
			    "    text: Sarcasm counts by what the reviewer means.\n"
			    "    labels: [negative, positive]\n"
			    "  - id: R2\n"
			    "    text: No labels named.\n";

static void test_parse_valid(void **state)
{
	struct guide g;
	char err[GV_ERR] = "";
	(void)state;
	if (guide_parse("g.yaml", valid, strlen(valid), &g, err))
		fail_msg("%s", err);
	assert_string_equal(g.task, "sentiment");
	/* An unquoted 2.1 keeps its spelling: versions are text. */
	assert_string_equal(g.version, "2.1");
	assert_string_equal(g.summary, "What the review says overall.");
	assert_int_equal(g.nlabels, 2);
	assert_string_equal(g.labels[0].value, "negative");
	assert_string_equal(g.labels[0].definition, "Unhappy overall.");
	assert_int_equal(g.labels[0].line, 5);
	assert_int_equal(g.labels[0].nexamples, 2);
	assert_string_equal(g.labels[0].examples[0], "Broke after two days.");
	assert_string_equal(g.labels[0].examples[1], "Never again.");
	assert_int_equal(g.labels[0].ncounterexamples, 1);
	assert_string_equal(g.labels[0].counterexamples[0], "Cheap, but it works.");
	assert_string_equal(g.labels[1].value, "positive");
	assert_string_equal(g.labels[1].definition,
			    "Satisfied overall,\neven with a minor flaw.\n");
	assert_int_equal(g.labels[1].nexamples, 0);
	assert_null(g.labels[1].examples);
	assert_int_equal(g.labels[1].line, 10);
	assert_int_equal(g.nrules, 2);
	assert_string_equal(g.rules[0].id, "R1");
	assert_string_equal(g.rules[0].text, "Sarcasm counts by what the reviewer means.");
	assert_int_equal(g.rules[0].nlabels, 2);
	assert_string_equal(g.rules[0].labels[0], "negative");
	assert_string_equal(g.rules[0].labels[1], "positive");
	assert_int_equal(g.rules[0].line, 15);
	assert_string_equal(g.rules[1].id, "R2");
	assert_int_equal(g.rules[1].nlabels, 0);
	guide_free(&g);
}

static void test_parse_example_file(void **state)
{
	char *path, *buf, err[GV_ERR];
	size_t len;
	struct guide g;
	(void)state;
	/* The documented example in guidelines/ must stay valid. */
	path = test_srcfile("guidelines/example.yaml");
	if (util_read_file(path, GUIDE_MAX_BYTES, &buf, &len, err) ||
	    guide_parse(path, buf, len, &g, err))
		fail_msg("%s", err);
	assert_string_equal(g.task, "sentiment");
	assert_int_equal(g.nlabels, 3);
	assert_int_equal(g.nrules, 3);
	guide_free(&g);
	free(buf);
	free(path);
}

static void test_anchor_alias(void **state)
{
	(void)state;
	/* The anchor "&t" starts the node at column 7. */
	expect_guide_err("task: &t sentiment\n",
			 "g.yaml:1:7: anchors and aliases are not allowed (found anchor '&t')");
	/* "*v" on line 2 at column 10; rejected before anything resolves it. */
	expect_guide_err("task: sentiment\nversion: *v\n",
			 "g.yaml:2:10: anchors and aliases are not allowed (found alias '*v')");
	/* An anchor on a collection is caught too: "&l" at 3:9. */
	expect_guide_err("task: a\nversion: 1\nlabels: &l\n  - value: x\n",
			 "g.yaml:3:9: anchors and aliases are not allowed (found anchor '&l')");
}

static void test_unknown_key(void **state)
{
	(void)state;
	/* The misspelt key starts line 3. */
	expect_guide_err("task: a\nversion: 1\nlables: []\n",
			 "g.yaml:3:1: unknown key 'lables' in a guideline (expected: task, "
			 "version, summary, labels, rules)");
	/* In a label entry: "defintion" at line 5, column 5. */
	expect_guide_err("task: a\nversion: 1\nlabels:\n  - value: x\n    defintion: y\n",
			 "g.yaml:5:5: unknown key 'defintion' in a label definition (expected: "
			 "value, definition, examples, counterexamples, key)");
}

static void test_duplicate_key(void **state)
{
	(void)state;
	expect_guide_err("task: a\nversion: 1\ntask: b\n",
			 "g.yaml:3:1: duplicate key 'task' (first at line 1)");
	/* Inside a flow mapping: the second "a" is at column 14. */
	expect_guide_err("task: {a: 1, a: 2}\n",
			 "g.yaml:1:14: duplicate key 'a' (first at line 1)");
}

static void test_missing_key(void **state)
{
	(void)state;
	/* A missing key is reported where its mapping starts. */
	expect_guide_err("task: a\nlabels:\n  - value: x\n    definition: y\n",
			 "g.yaml:1:1: missing required key 'version'");
	/* The label mapping starts at line 4, column 5 (after "- "). */
	expect_guide_err("task: a\nversion: 1\nlabels:\n  - value: x\n",
			 "g.yaml:4:5: missing required key 'definition'");
	/* Present but empty is reported at the key. */
	expect_guide_err("task:\nversion: 1\n", "g.yaml:1:1: 'task' must not be empty");
	expect_guide_err("task: a\nversion: 1\nlabels: []\n",
			 "g.yaml:3:9: 'labels' must define at least one label");
	expect_guide_err("- a\n- b\n",
			 "g.yaml:1:1: a guideline must be a mapping (key: value lines), not a "
			 "sequence");
}

static void test_rule_checks(void **state)
{
	(void)state;
	/* "nope" is the second item of the flow list, at 7:35. */
	expect_guide_err("task: a\nversion: 1\nlabels:\n  - value: x\n    definition: d\n"
			 "rules:\n  - {id: R1, text: t, labels: [x, nope]}\n",
			 "g.yaml:7:35: rule names label 'nope', which this guideline does not "
			 "define");
	expect_guide_err("task: a\nversion: 1\nlabels:\n  - value: x\n    definition: d\n"
			 "rules:\n  - id: R1\n    text: t\n  - id: R1\n    text: u\n",
			 "g.yaml:9:9: rule id 'R1' is used twice (first at line 7)");
	expect_guide_err("task: a\nversion: 1\nlabels:\n  - value: x\n    definition: d\n"
			 "  - value: x\n    definition: e\n",
			 "g.yaml:6:12: label 'x' is defined twice (first at line 4)");
	/* Examples must be text: a nested list at 6:16 is not. */
	expect_guide_err("task: a\nversion: 1\nlabels:\n  - value: x\n    definition: d\n"
			 "    examples: [[1]]\n",
			 "g.yaml:6:16: 'examples' entries must be text, not a sequence");
}

static void test_nesting_and_sizes(void **state)
{
	struct yamltree *t;
	struct sbuf b = {0};
	char err[GV_ERR];
	(void)state;
	/* 32 nested flow sequences are allowed, the 33rd (column 33) is not. */
	for (int i = 0; i < 32; i++)
		sbuf_addc(&b, '[');
	for (int i = 0; i < 32; i++)
		sbuf_addc(&b, ']');
	if (yamltree_parse("d.yaml", b.s, b.len, &t, err))
		fail_msg("32 levels refused: %s", err);
	yamltree_free(t);
	sbuf_reset(&b);
	for (int i = 0; i < 40; i++)
		sbuf_addc(&b, '[');
	for (int i = 0; i < 40; i++)
		sbuf_addc(&b, ']');
	assert_int_equal(yamltree_parse("d.yaml", b.s, b.len, &t, err), -1);
	assert_string_equal(err, "d.yaml:1:33: nesting deeper than 32 levels");
	/* Under the root mapping, the bracket at column 7 is level 2, so level
	 * 33 is the bracket at column 38. */
	sbuf_reset(&b);
	sbuf_add(&b, "task: ");
	for (int i = 0; i < 40; i++)
		sbuf_addc(&b, '[');
	for (int i = 0; i < 40; i++)
		sbuf_addc(&b, ']');
	expect_guide_err(b.s, "g.yaml:1:38: nesting deeper than 32 levels");

	/* One more node than the cap: the cap-th + 1 scalar is refused. */
	sbuf_reset(&b);
	sbuf_addc(&b, '[');
	for (int i = 0; i < YAMLTREE_MAX_NODES; i++)
		sbuf_add(&b, "1,");
	sbuf_addc(&b, ']');
	assert_int_equal(yamltree_parse("n.yaml", b.s, b.len, &t, err), -1);
	assert_non_null(strstr(err, "too many YAML nodes"));
	/* The sequence is node 1, so scalar number 100000 (at column
	 * 2 + 2 * 99999) is the first one over. */
	assert_int_equal(strncmp(err, "n.yaml:1:200000:", 16), 0);

	sbuf_reset(&b);
	sbuf_add(&b, "task: ");
	for (unsigned i = 0; i <= YAMLTREE_MAX_SCALAR; i++)
		sbuf_addc(&b, 'x');
	assert_int_equal(yamltree_parse("s.yaml", b.s, b.len, &t, err), -1);
	assert_string_equal(err, "s.yaml:1:7: text longer than 65536 bytes");

	{
		/* One byte over the total cap is refused before parsing. */
		char *big = xmalloc(YAMLTREE_MAX_BYTES + 1);
		memset(big, '#', YAMLTREE_MAX_BYTES + 1);
		assert_int_equal(yamltree_parse("big.yaml", big, YAMLTREE_MAX_BYTES + 1, &t, err),
				 -1);
		assert_string_equal(err, "big.yaml: larger than 4194304 bytes");
		/* At the cap it is parsed (a comment only: no document). */
		assert_int_equal(yamltree_parse("big.yaml", big, YAMLTREE_MAX_BYTES, &t, err), -1);
		assert_string_equal(err, "big.yaml:1:1: empty file: no YAML document");
		free(big);
	}
	sbuf_free(&b);
}

static void test_libyaml_errors(void **state)
{
	struct yamltree *t;
	char err[GV_ERR];
	static const char nul[] = "task: a\nversion: 1\x00x\n";
	(void)state;
	/* A tab used as indentation, at the start of line 6, ending the plain
	 * scalar that began at 5:17. */
	expect_guide_err("task: sentiment\nversion: \"1\"\nlabels:\n  - value: negative\n"
			 "    definition: Unhappy.\n\tdefinition: Unhappy.\n",
			 "g.yaml:6:1: found a tab character that violates indentation (while "
			 "scanning a plain scalar at line 5:17)");
	/* An unclosed quote: libyaml reports the end of the input (line 2). */
	assert_int_equal(yamltree_parse("q.yaml", "a: \"open\n", 9, &t, err), -1);
	assert_string_equal(err, "q.yaml:2:1: found unexpected end of stream (while scanning a "
				 "quoted scalar at line 1:4)");
	/* A NUL byte (reader error: an offset, converted to line 2, column 11). */
	assert_int_equal(yamltree_parse("z.yaml", nul, sizeof nul - 1, &t, err), -1);
	assert_string_equal(err, "z.yaml:2:11: control characters are not allowed (byte 0x00)");
	/* Invalid UTF-8 at line 1, column 4. */
	assert_int_equal(yamltree_parse("u.yaml", "a: \xff\n", 5, &t, err), -1);
	assert_string_equal(err, "u.yaml:1:4: invalid leading UTF-8 octet (byte 0xff)");
	/* A second document. */
	expect_guide_err("task: a\n---\ntask: b\n",
			 "g.yaml:2:1: only one YAML document is allowed");
	/* Nothing at all. */
	expect_guide_err("# only a comment\n", "g.yaml:1:1: empty file: no YAML document");
}

static void test_tags_and_keys(void **state)
{
	struct yamltree *t;
	char err[GV_ERR];
	(void)state;
	expect_guide_err("task: !custom a\n",
			 "g.yaml:1:7: tag '!custom' is not allowed here");
	expect_guide_err("task: !!python/object a\n",
			 "g.yaml:1:7: tag 'tag:yaml.org,2002:python/object' is not allowed here");
	/* Standard tags are fine; !!str makes a quoted-like scalar. */
	if (yamltree_parse("ok.yaml", "a: !!str 12\nb: !!map {c: 1}\n", 28, &t, err))
		fail_msg("%s", err);
	assert_int_equal(yamltree_get(t->root, "a")->plain, 0);
	assert_int_equal(yamltree_get(t->root, "b")->kind, YT_MAP);
	yamltree_free(t);
	/* A sequence as a mapping key ("? [a]") is refused where it starts. */
	expect_guide_err("? [a]\n: 1\n", "g.yaml:1:3: mapping keys must be plain text, not a "
					   "sequence");
	/* Data in messages is sanitised: no ESC reaches the error. */
	expect_guide_err("task: a\nversion: 1\n\"x\\e[31m\": 1\n",
			 "g.yaml:3:1: unknown key 'x^[[31m' in a guideline (expected: task, "
			 "version, summary, labels, rules)");
}

/* --- loading into a project --- */

static int setup(void **state)
{
	struct test_fx *f = test_fx_new("guide");
	char err[GV_ERR];
	audit_actor_init(&f->actor, "tester");
	if (store_begin(f->st, err))
		fail_msg("%s", err);
	{
		int64_t id = store_task_create(f->st, "sentiment", SCALE_ORDINAL, 0.7, 1, err);
		static const char *const labels[] = {"negative", "neutral", "positive"};
		assert_true(id > 0);
		for (int i = 0; i < 3; i++) {
			if (store_label_add(f->st, id, i, labels[i], NULL, NULL, i, err))
				fail_msg("%s", err);
		}
	}
	if (store_commit(f->st, err))
		fail_msg("%s", err);
	*state = f;
	return 0;
}

static int64_t task_id(struct store *st)
{
	struct store_task t;
	char err[GV_ERR];
	int64_t id;
	assert_int_equal(store_task_get(st, "sentiment", &t, err), 1);
	id = t.id;
	store_task_free(&t);
	return id;
}

static int load(struct test_fx *f, const char *name, int64_t *version, char *err)
{
	char *path = test_fixture(name);
	int rc;
	if (store_begin(f->st, err)) {
		free(path);
		return -1;
	}
	rc = guide_load(f->st, &f->actor, path, version, err);
	if (rc == 0)
		rc = store_commit(f->st, err);
	else
		store_rollback(f->st);
	free(path);
	return rc;
}

static void test_load_versions(void **state)
{
	struct test_fx *f = *state;
	struct guide_row r1, r2;
	struct guide g;
	char err[GV_ERR];
	int64_t v = 0, id = task_id(f->st), cur = 0;

	assert_int_equal(guide_current(f->st, id, &g, &cur, err), 1);
	if (load(f, "guide_valid.yaml", &v, err))
		fail_msg("%s", err);
	assert_int_equal(v, 1);
	if (load(f, "guide_v2.yaml", &v, err))
		fail_msg("%s", err);
	assert_int_equal(v, 2);

	/* Both versions are kept, each with the sha256 of its own bytes. */
	assert_int_equal(store_guide_get(f->st, id, 1, &r1, err), 0);
	assert_int_equal(store_guide_get(f->st, id, 2, &r2, err), 0);
	assert_string_equal(r1.declared_version, "2.1");
	assert_string_equal(r2.declared_version, "2.2");
	assert_string_not_equal(r1.sha256, r2.sha256);
	{
		char sha[65];
		util_sha256_hex(r2.yaml, r2.len, sha);
		assert_string_equal(sha, r2.sha256);
		assert_int_equal(strlen(r1.sha256), 64);
	}
	assert_non_null(strstr(r1.path, "guide_valid.yaml"));
	guide_row_free(&r1);
	guide_row_free(&r2);
	assert_int_equal(store_guide_get(f->st, id, 3, &r1, err), 1);

	/* The review screen sees the latest. */
	assert_int_equal(guide_current(f->st, id, &g, &cur, err), 0);
	assert_int_equal(cur, 2);
	assert_string_equal(g.version, "2.2");
	assert_int_equal(g.nlabels, 3);
	assert_int_equal(g.labels[2].nexamples, 1);
	guide_free(&g);
}

static void test_load_unknown_label(void **state)
{
	struct test_fx *f = *state;
	char err[GV_ERR], head0[65], head1[65];
	int64_t n = -1, id = task_id(f->st);

	assert_int_equal(audit_head(f->st, head0, err), 0);
	assert_int_equal(load(f, "guide_unknown_label.yaml", NULL, err), -1);
	/* "mixed" is the second label entry, at line 7. */
	assert_non_null(strstr(err, "guide_unknown_label.yaml:7: label 'mixed' is not a label "
				    "of task 'sentiment' (labels: negative, neutral, positive)"));
	/* Nothing was written: no version, no event. */
	assert_int_equal(store_guide_count(f->st, id, &n, err), 0);
	assert_int_equal(n, 0);
	assert_int_equal(audit_head(f->st, head1, err), 0);
	assert_string_equal(head0, head1);
}

static void test_load_unknown_task(void **state)
{
	struct test_fx *f = *state;
	char err[GV_ERR];
	static const char other[] = "task: topic\nversion: 1\nlabels:\n  - value: a\n"
				    "    definition: d\n";
	assert_int_equal(store_begin(f->st, err), 0);
	assert_int_equal(guide_load_buffer(f->st, &f->actor, "t.yaml", other, strlen(other), NULL,
					   NULL, err),
			 -1);
	store_rollback(f->st);
	assert_string_equal(err, "t.yaml: task 'topic' is not in the project");
}

/* Load buffer s (named k.yaml) in its own transaction; 0 or -1 with err. */
static int load_text(struct test_fx *f, const char *s, char *err)
{
	int rc;
	if (store_begin(f->st, err))
		return -1;
	rc = guide_load_buffer(f->st, &f->actor, "k.yaml", s, strlen(s), NULL, NULL, err);
	if (rc == 0)
		rc = store_commit(f->st, err);
	else
		store_rollback(f->st);
	return rc;
}

/* The decision key of each label of task sentiment, "-" for none, as "a,-,c". */
static void stored_keys(struct test_fx *f, char *buf, size_t len)
{
	struct store_task t;
	char err[GV_ERR];
	size_t used = 0;
	assert_int_equal(store_task_get(f->st, "sentiment", &t, err), 1);
	buf[0] = 0;
	for (size_t i = 0; i < t.nlabels; i++)
		used += (size_t)snprintf(buf + used, len - used, "%s%s", i ? "," : "",
					 t.labels[i].key ? t.labels[i].key : "-");
	store_task_free(&t);
}

static void test_keys(void **state)
{
	struct test_fx *f = *state;
	struct guide g;
	char err[GV_ERR], keys[64], head0[65], head1[65];
	static const char two[] = "task: sentiment\nversion: 1\nlabels:\n"
				  "  - {value: negative, definition: d, key: x}\n"
				  "  - {value: positive, definition: d, key: z}\n";

	/* A key is parsed with its place; a bad or repeated one is refused there. */
	assert_int_equal(guide_parse("g.yaml", two, strlen(two), &g, err), 0);
	assert_string_equal(g.labels[0].key, "x");
	assert_int_equal(g.labels[1].key_line, 5);
	assert_int_equal(g.labels[1].key_col, 43);
	assert_null(g.labels[0].examples);
	guide_free(&g);
	expect_guide_err("task: t\nversion: 1\nlabels:\n  - {value: a, definition: d, key: 7}\n",
			 "g.yaml:4:36: key '7' must be one printable character other than 1-9 "
			 "(keys 1-9 always choose labels by position)");
	expect_guide_err("task: t\nversion: 1\nlabels:\n  - {value: a, definition: d, key: ab}\n",
			 "g.yaml:4:36: key 'ab' must be one printable character other than 1-9 "
			 "(keys 1-9 always choose labels by position)");
	expect_guide_err("task: t\nversion: 1\nlabels:\n  - {value: a, definition: d, key: x}\n"
			 "  - {value: b, definition: d, key: x}\n",
			 "g.yaml:5:36: key 'x' is already the key of label 'a' (line 4)");

	/* Loading makes the keys the labels' keys; a label it gives none keeps its own. */
	test_exec(f->st, "UPDATE label SET key = 'n' WHERE value = 'neutral'");
	if (load_text(f, two, err))
		fail_msg("%s", err);
	stored_keys(f, keys, sizeof keys);
	assert_string_equal(keys, "x,n,z");

	/* A key that another label keeps is refused at its place, naming both
	 * labels, and nothing is written. */
	assert_int_equal(audit_head(f->st, head0, err), 0);
	assert_int_equal(load_text(f,
				   "task: sentiment\nversion: 2\nlabels:\n"
				   "  - {value: negative, definition: d}\n"
				   "  - {value: positive, definition: d, key: n}\n",
				   err),
			 -1);
	assert_string_equal(err, "k.yaml:5:43: key 'n' of label 'positive' is already the key "
				 "of label 'neutral' in task 'sentiment' (give that label another "
				 "key here too)");
	stored_keys(f, keys, sizeof keys);
	assert_string_equal(keys, "x,n,z");
	assert_int_equal(audit_head(f->st, head1, err), 0);
	assert_string_equal(head0, head1);
	/* Moving a key between labels in one guideline is fine. */
	if (load_text(f,
		      "task: sentiment\nversion: 3\nlabels:\n"
		      "  - {value: neutral, definition: d, key: x}\n"
		      "  - {value: negative, definition: d, key: n}\n",
		      err))
		fail_msg("%s", err);
	stored_keys(f, keys, sizeof keys);
	assert_string_equal(keys, "n,x,z");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_valid),
		cmocka_unit_test(test_parse_example_file),
		cmocka_unit_test(test_anchor_alias),
		cmocka_unit_test(test_unknown_key),
		cmocka_unit_test(test_duplicate_key),
		cmocka_unit_test(test_missing_key),
		cmocka_unit_test(test_rule_checks),
		cmocka_unit_test(test_nesting_and_sizes),
		cmocka_unit_test(test_libyaml_errors),
		cmocka_unit_test(test_tags_and_keys),
		cmocka_unit_test_setup_teardown(test_load_versions, setup, test_fx_teardown),
		cmocka_unit_test_setup_teardown(test_load_unknown_label, setup, test_fx_teardown),
		cmocka_unit_test_setup_teardown(test_load_unknown_task, setup, test_fx_teardown),
		cmocka_unit_test_setup_teardown(test_keys, setup, test_fx_teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
