/*
 * fuzz_yaml_guide: guideline YAML (guide_parse, src/guide.h) over any
 * bytes. A parse that succeeds must hold everything the contract checks:
 * task, version, at least one label, every label with a value and a
 * definition, values and rule ids unique, every label a rule names defined
 * in the file, positions 1-based. A parse that fails must leave the struct
 * zeroed and say "fuzz.yaml:line:col: ..." in printable text, whatever the
 * input held.
 */
#include "config.h"

#include "fuzz.h"

#include "guide.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>

#define T	  "yaml_guide"
#define FILE_NAME "fuzz.yaml"

static int guide_has_label(const struct guide *g, const char *value)
{
	for (size_t i = 0; i < g->nlabels; i++) {
		if (strcmp(g->labels[i].value, value) == 0)
			return 1;
	}
	return 0;
}

static void check_strings(char **v, size_t n)
{
	FUZZ_CHECK(T, n == 0 || v != NULL);
	for (size_t i = 0; i < n; i++) {
		FUZZ_CHECK(T, v[i] != NULL);
		FUZZ_CHECK(T, fuzz_utf8_valid(v[i], strlen(v[i])));
	}
}

static void check_guide(const struct guide *g)
{
	FUZZ_CHECK(T, g->task && g->task[0]);
	FUZZ_CHECK(T, g->version && g->version[0]);
	FUZZ_CHECK(T, !g->summary || fuzz_utf8_valid(g->summary, strlen(g->summary)));
	FUZZ_CHECK(T, g->nlabels >= 1 && g->labels);
	for (size_t i = 0; i < g->nlabels; i++) {
		const struct guide_label *l = &g->labels[i];
		FUZZ_CHECK(T, l->value && l->value[0]);
		FUZZ_CHECK(T, l->definition != NULL);
		FUZZ_CHECK(T, l->line >= 1);
		check_strings(l->examples, l->nexamples);
		check_strings(l->counterexamples, l->ncounterexamples);
		for (size_t j = 0; j < i; j++)
			FUZZ_CHECK(T, strcmp(g->labels[j].value, l->value) != 0);
	}
	FUZZ_CHECK(T, g->nrules == 0 || g->rules);
	for (size_t i = 0; i < g->nrules; i++) {
		const struct guide_rule *r = &g->rules[i];
		FUZZ_CHECK(T, r->id && r->id[0]);
		FUZZ_CHECK(T, r->text != NULL);
		FUZZ_CHECK(T, r->line >= 1);
		check_strings(r->labels, r->nlabels);
		for (size_t j = 0; j < r->nlabels; j++)
			FUZZ_CHECK(T, guide_has_label(g, r->labels[j]));
		for (size_t j = 0; j < i; j++)
			FUZZ_CHECK(T, strcmp(g->rules[j].id, r->id) != 0);
	}
}

int fuzz_yaml_guide_one(const uint8_t *data, size_t size)
{
	char *buf = fuzz_copy(data, size);
	char err[GV_ERR] = "";
	struct guide g, zero;
	int rc;

	memset(&g, 0x5a, sizeof g);
	memset(&zero, 0, sizeof zero);
	rc = guide_parse(FILE_NAME, buf, size, &g, err);
	FUZZ_CHECK(T, rc == 0 || rc == -1);
	if (rc == 0) {
		check_guide(&g);
	} else {
		FUZZ_CHECK(T, memcmp(&g, &zero, sizeof g) == 0);
		FUZZ_CHECK(T, strncmp(err, FILE_NAME ":", strlen(FILE_NAME ":")) == 0);
		fuzz_check_safe(T, "guide_parse error", err, 0);
	}
	guide_free(&g);
	free(buf);
	return 0;
}

#ifdef FUZZ_LIBFUZZER
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_yaml_guide_one(data, size);
}
#endif
