/*
 * project: the project YAML that `gavel init --project FILE.yaml` reads. It
 * declares the tasks (question, scale, agreement threshold, the closed label
 * set in order with display names and decision keys, a guideline file), the
 * review queues and the export settings. Parsing is pure over a buffer;
 * project_apply writes a parsed project into a new database.
 *
 * The format is documented in guidelines/README.md.
 */
#ifndef GAVEL_PROJECT_H
#define GAVEL_PROJECT_H

#include <stddef.h>

/* The database and the actor an audit event names (store.h, audit.h). */
struct store;
struct audit_actor;

struct project_label {
	char *value;	       /* as it appears in the data */
	char *name;	       /* display name (the value when not given) */
	char *key;	       /* one-character decision key, or NULL */
	int key_line, key_col; /* where the key is in the file */
};

struct project_task {
	char *name;
	char *question;	  /* or NULL */
	int scale;	  /* an enum store_scale (store.h): SCALE_NOMINAL, ... */
	double threshold; /* percent agreement below this flags "guidelines need work" */
	struct project_label *labels;
	size_t nlabels;
	char *guidelines; /* guideline file resolved against the YAML's directory, or NULL */
};

/*
 * One review queue. Every field holds its effective value: the rule's
 * default when the YAML left it out. below 0 means "any item that is not
 * unanimous"; task NULL means every task.
 */
struct queue_def {
	char *name;
	char *rule; /* disputed | needs-votes | uncertain | audit | model-disagrees |
		     * label-issues */
	char *task;
	double below;
	int min_votes;
	double top_percent;
	int sample;
	unsigned long seed;
	double min_confidence;
	int blind;
	int tiebreaker_not_voter;
	char *model; /* label-issues: the model whose probabilities it uses, or NULL
		      * for the latest import's */
};

struct project {
	char *name;
	struct project_task *tasks;
	size_t ntasks;
	struct queue_def *queues; /* as declared; nqueues 0 when none were */
	size_t nqueues;
	double expert_weight;
};

/*
 * Parse project YAML buf[0..len) named `file` in messages; relative
 * guideline paths are resolved against file's directory (the current
 * directory for "-"). Checks the shape, required keys, unknown keys, scales,
 * unique task names, label values and key bindings, at least two labels per
 * task, queue rules and their options, and that a queue's task is declared.
 * Returns 0 with *out filled (free with project_free), or -1 with err set to
 * "file:line:col: what is wrong" and *out zeroed.
 */
int project_parse(const char *file, const char *buf, size_t len, struct project *out, char *err);

/* Read and parse the file at path (at most 4 MiB). */
int project_load_file(const char *path, struct project *out, char *err);

void project_free(struct project *p);

/*
 * The decision key of every label of a parsed project, each with the place
 * that gives it: the task's guideline file when it gives the label a key
 * (loading it makes that the label's key), else the project file `file`.
 * Reads and parses each task's guideline file. Appends to *v (*n entries;
 * free with guide_keys_free). Returns 0, or -1 with err filled when a
 * guideline file cannot be read or parsed.
 */
struct guide_key;
int project_keys(const struct project *p, const char *file, struct guide_key **v, size_t *n,
		 char *err);

/*
 * Write a parsed project into the database inside the caller's write
 * transaction: each task (declared, so its label set is closed) with its
 * labels in order (code = ord = position), the project name, the YAML text
 * and its sha256, the queue definitions (project key "queues", a JSON
 * array), the task questions (key "questions", a JSON object) and export
 * settings (key "expert_weight"), then each task's guideline file through
 * guide_load. Appends a "project-apply" audit event. yaml_text may be NULL.
 * Returns 0, or -1 with err filled (the caller rolls back).
 */
int project_apply(struct store *st, const struct project *p, const struct audit_actor *actor,
		  const char *yaml_text, char *err);

/*
 * The project's queues: the declared ones, or when none were declared the
 * defaults: disputed (not unanimous), needs-votes (< 3 votes), uncertain (top
 * 5% by model entropy), audit (500 items, seed 1, min_confidence 0.95, blind)
 * model-disagrees (min_confidence 0.9) and label-issues (confident learning
 * on the latest import's predictions). Free with project_queues_free.
 * Returns 0, or -1 with err filled.
 */
int project_queues(struct store *st, struct queue_def **out, size_t *n, char *err);
void project_queues_free(struct queue_def *v, size_t n);

/* The weight of an expert decision in exports (1.0 unless the project set it). */
double project_expert_weight(struct store *st);

/* The task's question from the project YAML as a heap string, or NULL. */
char *project_task_question(struct store *st, const char *task);

#endif
