/*
 * fuzz_yaml_project: project YAML (project_parse, src/project.h) over any
 * bytes. A parse that succeeds must hold what the contract checks: unique
 * task names with at least two labels each, unique label values and
 * decision keys (one printable ASCII character other than 1-9), a known
 * scale, a threshold in [0, 1], queues with a known rule whose task is
 * declared and whose options are in range. A parse that fails must leave
 * the struct zeroed and say "fuzz/project.yaml:line:col: ..." in printable
 * text, whatever the input held.
 */
#include "config.h"

#include "fuzz.h"

#include "project.h"
#include "store.h"
#include "util.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define T	  "yaml_project"
#define FILE_NAME "fuzz/project.yaml"

static const char *const rules[] = {"disputed", "needs-votes", "uncertain", "audit",
				    "model-disagrees"};

static int has_task(const struct project *p, const char *name)
{
	for (size_t i = 0; i < p->ntasks; i++) {
		if (strcmp(p->tasks[i].name, name) == 0)
			return 1;
	}
	return 0;
}

static void check_task(const struct project_task *t)
{
	FUZZ_CHECK(T, t->name && t->name[0]);
	FUZZ_CHECK(T, t->scale == SCALE_NOMINAL || t->scale == SCALE_ORDINAL ||
			      t->scale == SCALE_INTERVAL);
	FUZZ_CHECK(T, t->threshold >= 0 && t->threshold <= 1);
	FUZZ_CHECK(T, t->nlabels >= 2 && t->labels);
	for (size_t i = 0; i < t->nlabels; i++) {
		const struct project_label *l = &t->labels[i];
		FUZZ_CHECK(T, l->value && l->value[0]);
		FUZZ_CHECK(T, fuzz_utf8_valid(l->value, strlen(l->value)));
		FUZZ_CHECK(T, l->name != NULL);
		if (l->key) {
			FUZZ_CHECK(T, l->key[0] > ' ' && l->key[0] < 0x7f && !l->key[1]);
			FUZZ_CHECK(T, !(l->key[0] >= '1' && l->key[0] <= '9'));
		}
		for (size_t j = 0; j < i; j++) {
			const struct project_label *o = &t->labels[j];
			FUZZ_CHECK(T, strcmp(o->value, l->value) != 0);
			FUZZ_CHECK(T, !l->key || !o->key || strcmp(o->key, l->key) != 0);
		}
	}
}

static void check_queue(const struct project *p, const struct queue_def *q)
{
	int known = 0;

	FUZZ_CHECK(T, q->name && q->name[0]);
	FUZZ_CHECK(T, q->rule != NULL);
	for (size_t i = 0; i < GV_ARRAY_LEN(rules); i++)
		known |= strcmp(q->rule, rules[i]) == 0;
	FUZZ_CHECK(T, known);
	FUZZ_CHECK(T, !q->task || has_task(p, q->task));
	FUZZ_CHECK(T, q->below <= 1 && !isnan(q->below));
	FUZZ_CHECK(T, q->min_votes >= 1);
	FUZZ_CHECK(T, q->top_percent >= 0 && q->top_percent <= 100);
	FUZZ_CHECK(T, q->sample >= 1);
	FUZZ_CHECK(T, q->min_confidence >= 0 && q->min_confidence <= 1);
}

static void check_project(const struct project *p)
{
	FUZZ_CHECK(T, p->ntasks == 0 || p->tasks);
	for (size_t i = 0; i < p->ntasks; i++) {
		check_task(&p->tasks[i]);
		for (size_t j = 0; j < i; j++)
			FUZZ_CHECK(T, strcmp(p->tasks[j].name, p->tasks[i].name) != 0);
	}
	FUZZ_CHECK(T, p->nqueues == 0 || p->queues);
	for (size_t i = 0; i < p->nqueues; i++)
		check_queue(p, &p->queues[i]);
	FUZZ_CHECK(T, isfinite(p->expert_weight));
}

int fuzz_yaml_project_one(const uint8_t *data, size_t size)
{
	char *buf = fuzz_copy(data, size);
	char err[GV_ERR] = "";
	struct project p, zero;
	int rc;

	memset(&p, 0x5a, sizeof p);
	memset(&zero, 0, sizeof zero);
	rc = project_parse(FILE_NAME, buf, size, &p, err);
	FUZZ_CHECK(T, rc == 0 || rc == -1);
	if (rc == 0) {
		check_project(&p);
	} else {
		FUZZ_CHECK(T, memcmp(&p, &zero, sizeof p) == 0);
		FUZZ_CHECK(T, strncmp(err, FILE_NAME ":", strlen(FILE_NAME ":")) == 0);
		fuzz_check_safe(T, "project_parse error", err, 0);
	}
	project_free(&p);
	free(buf);
	return 0;
}

#ifdef FUZZ_LIBFUZZER
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_yaml_project_one(data, size);
}
#endif
