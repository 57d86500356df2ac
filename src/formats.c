/*
 * formats: the table of import formats, made from the one list in
 * formats.h.
 */
#include "config.h"

#include "formats.h"

#define GAVEL_FORMAT_ADDRESS(f) &f,
const struct fmt *const formats_all[] = {GAVEL_FORMATS(GAVEL_FORMAT_ADDRESS)};
#undef GAVEL_FORMAT_ADDRESS

const size_t formats_count = sizeof formats_all / sizeof formats_all[0];
