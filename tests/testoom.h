/*
 * testoom: SQLite's allocator wrapped for the out-of-memory tests, so that
 * exactly the K-th allocation after arming fails (malloc and realloc both
 * count). testoom_install must run before anything starts SQLite.
 */
#ifndef GAVEL_TESTOOM_H
#define GAVEL_TESTOOM_H

/* Wrap SQLite's allocator; 0 on success. */
int testoom_install(void);

/* Fail the K-th allocation from now on (K >= 1). */
void testoom_arm(long k);

/* Disarm; 1 when the armed fault was met (the K-th allocation was asked
 * for), 0 when the work ran through with fewer. */
int testoom_disarm(void);

#endif
