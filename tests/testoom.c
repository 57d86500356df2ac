/*
 * testoom: the K-th SQLite allocation fails (tests/testoom.h).
 */
#include "config.h"

#include "testoom.h"

#include <sqlite3.h>
#include <stddef.h>

static sqlite3_mem_methods mem_real;
static long fail_at; /* 0: no fault armed */
static long seen;

static int fault(void)
{
	return fail_at && ++seen == fail_at;
}

static void *mem_malloc(int n)
{
	return fault() ? NULL : mem_real.xMalloc(n);
}

static void *mem_realloc(void *p, int n)
{
	return fault() ? NULL : mem_real.xRealloc(p, n);
}

int testoom_install(void)
{
	sqlite3_mem_methods m;
	if (sqlite3_config(SQLITE_CONFIG_GETMALLOC, &mem_real) != SQLITE_OK)
		return -1;
	m = mem_real;
	m.xMalloc = mem_malloc;
	m.xRealloc = mem_realloc;
	return sqlite3_config(SQLITE_CONFIG_MALLOC, &m) == SQLITE_OK ? 0 : -1;
}

void testoom_arm(long k)
{
	seen = 0;
	fail_at = k;
}

int testoom_disarm(void)
{
	int met = fail_at && seen >= fail_at;
	fail_at = 0;
	return met;
}
