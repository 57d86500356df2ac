/*
 * formats: every import format gavel reads, one `struct fmt` each, defined in
 * its own src/fmt_*.c file. import.c keeps the table of them.
 */
#ifndef GAVEL_FORMATS_H
#define GAVEL_FORMATS_H

#include "record.h"

extern const struct fmt fmt_csv;             /* fmt_csv.c: comma-separated, header row */
extern const struct fmt fmt_tsv;             /* fmt_csv.c: tab-separated, header row */
extern const struct fmt fmt_jsonl;           /* fmt_jsonl.c: one JSON object per line */
extern const struct fmt fmt_labelstudio;     /* fmt_labelstudio.c: Label Studio JSON export */
extern const struct fmt fmt_labelstudio_min; /* fmt_labelstudio.c: Label Studio JSON_MIN */
extern const struct fmt fmt_prodigy;         /* fmt_prodigy.c: Prodigy JSONL */
extern const struct fmt fmt_argilla;         /* fmt_argilla.c: Argilla flattened records */

#endif
