/*
 * pipe_sink: a sink on a second thread (see pipe_sink.h).
 *
 * The reader thread copies each record into the batch it is filling: the
 * strings into the batch's arena (as offsets, since the arena moves as it
 * grows), the rest into a fixed-size struct. A full batch goes onto a
 * queue; the consumer takes batches in order, rebuilds each record with
 * pointers into the arena and calls the real sink. A few batches circulate
 * between the two threads, so memory stays bounded whatever the file size.
 */
#include "config.h"

#include "pipe_sink.h"
#include "util.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#define PIPE_BATCH 4096 /* records per batch */
#define PIPE_NB	   4	/* batches in circulation */

enum {
	PS_FILE,
	PS_ITEM,
	PS_TASK,
	PS_ANN,
	PS_LABEL,
	PS_AT,
	PS_COMMENT,
	PS_TEXT,
	PS_META,
	PS_REASON,
	PS_MODEL,
	PS_N
};

/* A record in a batch: strings as arena offset + 1, 0 for NULL. A skip
 * (sink.passed_over) is a prec with skip set, its task and what in PS_TASK and
 * PS_LABEL, so that it reaches the sink in file order with the records. */
struct prec {
	enum rec_kind kind;
	int skip;
	long line, col;
	size_t s[PS_N];
	size_t item_len, annotator_len, label_len; /* as struct rec has them */
	size_t nprobs, pfirst;			   /* probabilities: plab[pfirst..], pv[pfirst..] */
	double confidence;
};

struct batch {
	struct prec *r;
	size_t n, cap;
	struct sbuf arena;
	size_t *plab; /* arena offsets + 1 of probability labels */
	double *pv;
	size_t np, plcap, pvcap;
	const char **lab; /* the consumer's pointers for one record's labels */
	size_t labcap;
	const char *last_file; /* the reader's file name pointer last copied */
	size_t last_file_off;
};

struct pipe_sink {
	struct sink *next;
	struct sink *front;
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t full, freed;
	struct batch b[PIPE_NB];
	int queue[PIPE_NB]; /* full batches, oldest first */
	int qhead, qn;
	int freel[PIPE_NB];
	int nfree;
	int cur;    /* the batch the reader fills */
	int done;   /* the reader has finished */
	int failed; /* the sink returned an error: read with __atomic */
	char err[GV_ERR];
};

/* s, of length len, into the arena. */
static size_t put_strn(struct batch *b, const char *s, size_t len)
{
	size_t off;
	if (!s)
		return 0;
	off = b->arena.len;
	sbuf_addn(&b->arena, s, len + 1);
	return off + 1;
}

static size_t put_str(struct batch *b, const char *s)
{
	return put_strn(b, s, s ? strlen(s) : 0);
}

static const char *get_str(const struct batch *b, size_t off)
{
	return off ? b->arena.s + off - 1 : NULL;
}

static void batch_reset(struct batch *b)
{
	b->n = 0;
	b->np = 0;
	sbuf_reset(&b->arena);
	b->last_file = NULL;
}

static void batch_free(struct batch *b)
{
	free(b->r);
	free(b->plab);
	free(b->pv);
	free(b->lab);
	sbuf_free(&b->arena);
}

/* Run the sink over one batch; returns -1 when it failed. */
static int consume(struct pipe_sink *p, struct batch *b)
{
	for (size_t i = 0; i < b->n; i++) {
		const struct prec *q = &b->r[i];
		struct rec r;
		if (q->skip) {
			p->next->passed_over(p->next->ctx, get_str(b, q->s[PS_TASK]),
					     get_str(b, q->s[PS_LABEL]));
			continue;
		}
		/* Every member of struct rec set one by one: an initializer
		 * zeroes the struct first, which showed in profiles. */
		r.kind = q->kind;
		r.line = q->line;
		r.col = q->col;
		r.file = get_str(b, q->s[PS_FILE]);
		r.item = get_str(b, q->s[PS_ITEM]);
		r.task = get_str(b, q->s[PS_TASK]);
		r.annotator = get_str(b, q->s[PS_ANN]);
		r.label = get_str(b, q->s[PS_LABEL]);
		r.at = get_str(b, q->s[PS_AT]);
		r.comment = get_str(b, q->s[PS_COMMENT]);
		r.text = get_str(b, q->s[PS_TEXT]);
		r.meta = get_str(b, q->s[PS_META]);
		r.reason = get_str(b, q->s[PS_REASON]);
		r.item_len = q->item_len;
		r.annotator_len = q->annotator_len;
		r.label_len = q->label_len;
		r.end = 0; /* an offset in the reader's buffer, which this thread does not see */
		r.model = get_str(b, q->s[PS_MODEL]);
		r.confidence = q->confidence;
		r.nprobs = q->nprobs;
		r.prob_labels = NULL;
		r.probs = NULL;
		if (q->nprobs) {
			b->lab = xgrow(b->lab, &b->labcap, q->nprobs, sizeof *b->lab);
			for (size_t k = 0; k < q->nprobs; k++)
				b->lab[k] = get_str(b, b->plab[q->pfirst + k]);
			r.prob_labels = b->lab;
			r.probs = b->pv + q->pfirst;
		}
		if (p->next->put(p->next->ctx, &r, p->err))
			return -1;
	}
	return 0;
}

static void *consumer(void *arg)
{
	struct pipe_sink *p = arg;
	for (;;) {
		int k;
		pthread_mutex_lock(&p->mu);
		while (!p->qn && !p->done)
			pthread_cond_wait(&p->full, &p->mu);
		if (!p->qn) {
			pthread_mutex_unlock(&p->mu);
			return NULL;
		}
		k = p->queue[p->qhead];
		p->qhead = (p->qhead + 1) % PIPE_NB;
		p->qn--;
		pthread_mutex_unlock(&p->mu);

		/* After a failure, batches are only drained so the reader never waits. */
		if (!__atomic_load_n(&p->failed, __ATOMIC_ACQUIRE) && consume(p, &p->b[k]))
			__atomic_store_n(&p->failed, 1, __ATOMIC_RELEASE);
		batch_reset(&p->b[k]);
		pthread_mutex_lock(&p->mu);
		p->freel[p->nfree++] = k;
		pthread_cond_signal(&p->freed);
		pthread_mutex_unlock(&p->mu);
	}
}

/* Queue the reader's batch and take a free one. */
static void hand_over(struct pipe_sink *p)
{
	pthread_mutex_lock(&p->mu);
	p->queue[(p->qhead + p->qn) % PIPE_NB] = p->cur;
	p->qn++;
	pthread_cond_signal(&p->full);
	while (!p->nfree)
		pthread_cond_wait(&p->freed, &p->mu);
	p->cur = p->freel[--p->nfree];
	pthread_mutex_unlock(&p->mu);
}

static int pipe_put(void *ctx, const struct rec *r, char *err)
{
	struct pipe_sink *p = ctx;
	struct batch *b = &p->b[p->cur];
	struct prec *q;

	if (__atomic_load_n(&p->failed, __ATOMIC_ACQUIRE))
		return err_set(err, "import stopped"); /* pipe_sink_finish reports why */
	b->r = xgrow(b->r, &b->cap, b->n + 1, sizeof *b->r);
	q = &b->r[b->n++];
	q->skip = 0;
	q->kind = r->kind;
	q->line = r->line;
	q->col = r->col;
	/* Every record names the same file: copy its name once per batch. */
	if (!r->file || r->file != b->last_file) {
		b->last_file = r->file;
		b->last_file_off = put_str(b, r->file);
	}
	q->s[PS_FILE] = b->last_file_off;
	q->item_len = rec_len(r->item, r->item_len);
	q->annotator_len = rec_len(r->annotator, r->annotator_len);
	q->label_len = rec_len(r->label, r->label_len);
	q->s[PS_ITEM] = put_strn(b, r->item, q->item_len);
	q->s[PS_TASK] = put_str(b, r->task);
	q->s[PS_ANN] = put_strn(b, r->annotator, q->annotator_len);
	q->s[PS_LABEL] = put_strn(b, r->label, q->label_len);
	q->s[PS_AT] = put_str(b, r->at);
	q->s[PS_COMMENT] = put_str(b, r->comment);
	q->s[PS_TEXT] = put_str(b, r->text);
	q->s[PS_META] = put_str(b, r->meta);
	q->s[PS_REASON] = put_str(b, r->reason);
	q->s[PS_MODEL] = put_str(b, r->model);
	q->confidence = r->confidence;
	q->nprobs = r->nprobs;
	q->pfirst = b->np;
	if (r->nprobs) {
		b->plab = xgrow(b->plab, &b->plcap, b->np + r->nprobs, sizeof *b->plab);
		b->pv = xgrow(b->pv, &b->pvcap, b->np + r->nprobs, sizeof *b->pv);
		for (size_t k = 0; k < r->nprobs; k++) {
			b->plab[b->np + k] = put_str(b, r->prob_labels[k]);
			b->pv[b->np + k] = r->probs[k];
		}
		b->np += r->nprobs;
	}
	if (b->n >= PIPE_BATCH)
		hand_over(p);
	return 0;
}

static void pipe_skip(void *ctx, const char *task, const char *what)
{
	struct pipe_sink *p = ctx;
	struct batch *b = &p->b[p->cur];
	struct prec *q;

	if (__atomic_load_n(&p->failed, __ATOMIC_ACQUIRE))
		return;
	b->r = xgrow(b->r, &b->cap, b->n + 1, sizeof *b->r);
	q = &b->r[b->n++];
	memset(q, 0, sizeof *q);
	q->skip = 1;
	q->s[PS_TASK] = put_str(b, task);
	q->s[PS_LABEL] = put_str(b, what);
	if (b->n >= PIPE_BATCH)
		hand_over(p);
}

struct pipe_sink *pipe_sink_start(struct sink *next, struct sink *front)
{
	struct pipe_sink *p = xcalloc(1, sizeof *p);
	p->next = next;
	pthread_mutex_init(&p->mu, NULL);
	pthread_cond_init(&p->full, NULL);
	pthread_cond_init(&p->freed, NULL);
	p->cur = 0;
	for (int k = PIPE_NB - 1; k >= 1; k--)
		p->freel[p->nfree++] = k;
	if (pthread_create(&p->thread, NULL, consumer, p) != 0) {
		pthread_mutex_destroy(&p->mu);
		pthread_cond_destroy(&p->full);
		pthread_cond_destroy(&p->freed);
		free(p);
		return NULL;
	}
	*front = (struct sink){
		.ctx = p, .put = pipe_put, .passed_over = next->passed_over ? pipe_skip : NULL};
	return p;
}

int pipe_sink_finish(struct pipe_sink *p, int rc, char *err)
{
	int failed;

	/* The records read before a reader error still go to the sink: an
	 * error among them comes first in the file. */
	pthread_mutex_lock(&p->mu);
	if (p->b[p->cur].n) {
		p->queue[(p->qhead + p->qn) % PIPE_NB] = p->cur;
		p->qn++;
	}
	p->done = 1;
	pthread_cond_signal(&p->full);
	pthread_mutex_unlock(&p->mu);
	pthread_join(p->thread, NULL);
	failed = __atomic_load_n(&p->failed, __ATOMIC_ACQUIRE);
	if (failed)
		memcpy(err, p->err, GV_ERR);
	for (int k = 0; k < PIPE_NB; k++)
		batch_free(&p->b[k]);
	pthread_mutex_destroy(&p->mu);
	pthread_cond_destroy(&p->full);
	pthread_cond_destroy(&p->freed);
	free(p);
	return failed || rc ? -1 : 0;
}
