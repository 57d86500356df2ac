/*
 * Unit tests of the string table (src/intern.h): ids are dense and stable,
 * and a string never matches one that is a prefix or an extension of it,
 * wherever either stands in the arena (the last one included) and across
 * the table's growth.
 */
#include "config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "intern.h"

#include <stdio.h>
#include <string.h>

static uint32_t put(struct intern *t, const char *s, int *added)
{
	return intern_put(t, s, strlen(s), added);
}

static void test_prefixes(void **state)
{
	struct intern t = {0};
	int added;
	(void)state;
	assert_int_equal(put(&t, "ab", &added), 0);
	assert_int_equal(added, 1);
	assert_int_equal(put(&t, "abc", &added), 1);
	assert_int_equal(added, 1);
	assert_int_equal(put(&t, "a", &added), 2);
	assert_int_equal(added, 1);
	/* The last string in the arena against a longer and a shorter one. */
	assert_int_equal(intern_find(&t, "ab", 2), 0);
	assert_int_equal(intern_find(&t, "abc", 3), 1);
	assert_int_equal(intern_find(&t, "a", 1), 2);
	assert_int_equal(intern_find(&t, "abcd", 4), -1);
	assert_int_equal(intern_find(&t, "", 0), -1);
	/* A length shorter than the buffer: only len bytes count. */
	assert_int_equal(intern_find(&t, "abX", 2), 0);
	assert_int_equal(put(&t, "abc", &added), 1);
	assert_int_equal(added, 0);
	assert_int_equal(put(&t, "", &added), 3);
	assert_int_equal(added, 1);
	assert_int_equal(intern_find(&t, "", 0), 3);
	assert_string_equal(intern_str(&t, 1), "abc");
	assert_int_equal(intern_count(&t), 4);
	intern_free(&t);
}

/* Many strings, many of them prefixes of others ("item-1" of "item-10"),
 * through several rehashes: every one keeps its id and finds itself, and
 * only itself. */
static void test_growth(void **state)
{
	struct intern t = {0};
	char s[64];
	(void)state;
	for (int i = 0; i < 5000; i++) {
		int added;
		snprintf(s, sizeof s, "item-%d", i);
		assert_int_equal(put(&t, s, &added), (uint32_t)i);
		assert_int_equal(added, 1);
	}
	for (int i = 0; i < 5000; i++) {
		snprintf(s, sizeof s, "item-%d", i);
		assert_int_equal(intern_find(&t, s, strlen(s)), i);
		assert_string_equal(intern_str(&t, (uint32_t)i), s);
		/* "item-1" + "0" is item-10 when there is one, else nothing
		 * ("item-00" is no item). */
		strcat(s, "0");
		assert_int_equal(intern_find(&t, s, strlen(s)),
				 i > 0 && i * 10 < 5000 ? i * 10 : -1);
	}
	assert_int_equal(intern_count(&t), 5000);
	intern_free(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_prefixes),
		cmocka_unit_test(test_growth),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
