/*
 * unicode_assigned: which code points Unicode has assigned, as a table of
 * ranges generated from Python's unicodedata (src/unicode_assigned.py writes
 * src/unicode_assigned.c). The C library's wcwidth cannot tell an unassigned
 * code point from one newer than its own tables; this table can, for the
 * Unicode version it names. The sanitiser (text.h) shows code points outside
 * it as <U+XXXX> tokens.
 */
#ifndef GAVEL_UNICODE_ASSIGNED_H
#define GAVEL_UNICODE_ASSIGNED_H

#include <stdint.h>

/* The Unicode version the table was made from, e.g. "14.0.0". */
extern const char unicode_assigned_version[];

/* 1 when cp is assigned in that version (surrogates and private use count as
 * assigned), 0 when not (noncharacters included): a binary search over the
 * table's ranges, or none below U+0378, the first code point not assigned. */
int unicode_assigned(uint32_t cp);

/* The same, and [*first, *last] gets the range of code points around cp
 * that have the same answer, so that a caller going through text can skip
 * the search while its characters stay in one range. */
int unicode_assigned_in(uint32_t cp, uint32_t *first, uint32_t *last);

#endif
