/*
 * formats: every import format gavel reads, one `struct fmt` each, defined in
 * its own src/fmt_*.c file. GAVEL_FORMATS is the one list of them: it
 * declares each and makes formats_all[], which detection, --format and the
 * fuzz target go through.
 */
#ifndef GAVEL_FORMATS_H
#define GAVEL_FORMATS_H

#include "record.h"

/* The formats, in the order usage texts name them; a new format is one line
 * here (and its file). */
#define GAVEL_FORMATS(X)                                                                           \
	X(fmt_csv)	       /* fmt_csv.c: comma-separated, header row */                        \
	X(fmt_tsv)	       /* fmt_csv.c: tab-separated, header row */                          \
	X(fmt_jsonl)	       /* fmt_jsonl.c: one JSON object per line */                         \
	X(fmt_labelstudio)     /* fmt_labelstudio.c: Label Studio JSON export */                   \
	X(fmt_labelstudio_min) /* fmt_labelstudio.c: Label Studio JSON_MIN */                      \
	X(fmt_prodigy)	       /* fmt_prodigy.c: Prodigy JSONL */                                  \
	X(fmt_argilla)	       /* fmt_argilla.c: Argilla flattened records */

#define GAVEL_FORMAT_DECLARE(f) extern const struct fmt f;
GAVEL_FORMATS(GAVEL_FORMAT_DECLARE)
#undef GAVEL_FORMAT_DECLARE

/* Every format of GAVEL_FORMATS, formats_count of them. */
extern const struct fmt *const formats_all[];
extern const size_t formats_count;

#endif
