/*
 * pipe_sink: run a sink on a second thread, so that a format reader and the
 * sink it feeds share the work of an import between two cores. The reader
 * calls the front sink as usual; each record is copied into a batch, and
 * full batches are handed to a consumer thread that calls the real sink in
 * file order. On a 4M-vote CSV file the reader (tokenising, UTF-8 checks) and
 * the sink (interning, label checks) cost about the same, so the parse takes
 * little more than half the time.
 *
 * Errors keep their serial meaning: the first error in file order is the
 * one reported, and a sink error stops the reader at its next record.
 */
#ifndef GAVEL_PIPE_SINK_H
#define GAVEL_PIPE_SINK_H

#include "record.h"

struct pipe_sink;

/*
 * Start the consumer thread in front of next. *front is the sink to hand
 * the reader. Returns NULL when no thread could be started: the caller then
 * uses next directly.
 */
struct pipe_sink *pipe_sink_start(struct sink *next, struct sink *front);

/*
 * The reader has returned rc (err filled when rc != 0). Hand over the last
 * batch, wait for the consumer and free everything. Returns 0, or -1 with
 * err holding the first error in file order (the sink's or the reader's).
 */
int pipe_sink_finish(struct pipe_sink *p, int rc, char *err);

#endif
