/*
 * The review writes of src/store_review_write.c built with REVIEW_UNSAFE:
 * GAVEL_UNSAFE_OFF=claim,meanwhile,lead switches the named checks off. Linked
 * only into tests/reliability/gavel_unsafe, the negative control of the
 * many-experts harness (tests/reliability/h_10_experts.sh); never into gavel.
 */
#define REVIEW_UNSAFE 1
#include "store_review_write.c"
