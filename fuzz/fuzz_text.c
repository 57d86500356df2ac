/*
 * fuzz_text: the terminal sanitiser and column widths (src/text.h) over any
 * bytes. What text_sanitize returns, in either mode, must be valid UTF-8
 * with no ESC or other C0 control (only '\n' in TEXT_MULTI), no DEL, C1 or
 * bidi control, whatever the input; pure printable ASCII comes back as it
 * was; the invalid-bytes flag is set exactly when the input was not valid
 * UTF-8; and sanitising is idempotent. text_fit, at widths around the text's
 * own, must return safe text no wider than asked whose reported width is
 * its width, the whole text when it fits, else a prefix ending in an
 * ellipsis. text_json_safe and text_clean must return safe text too.
 */
#include "config.h"

#include "fuzz.h"

#include "json_check.h"
#include "text.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>

#define T "text"

#define ELLIPSIS "\xe2\x80\xa6"

static int printable_ascii(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		if (s[i] < 0x20 || s[i] > 0x7e)
			return 0;
	}
	return 1;
}

static void check_fit(const char *s, size_t cols)
{
	size_t w = (size_t)-1, total = text_width(s), len = strlen(s);
	char *fit = text_fit(s, cols, &w);

	fuzz_check_safe(T, "text_fit result", fit, 1);
	FUZZ_CHECK(T, w == text_width(fit));
	if (total <= cols) {
		FUZZ_CHECK(T, strcmp(fit, s) == 0);
	} else {
		size_t fl = strlen(fit);
		FUZZ_CHECK(T, w <= cols);
		if (cols > 0) {
			FUZZ_CHECK(T, fl >= 3 && strcmp(fit + fl - 3, ELLIPSIS) == 0);
			FUZZ_CHECK(T, fl - 3 <= len && memcmp(fit, s, fl - 3) == 0);
		}
	}
	free(fit);
}

static void check_mode(const char *buf, size_t size, enum text_mode mode)
{
	int flags = -1, again_flags = -1;
	char *out = text_sanitize(buf, size, mode, &flags);
	char *again;
	size_t w;

	fuzz_check_safe(T, "text_sanitize result", out, mode == TEXT_MULTI);
	FUZZ_CHECK(T, (flags & ~(TEXT_HAD_INVALID | TEXT_HAD_CONTROL | TEXT_HAD_HIDDEN)) == 0);
	FUZZ_CHECK(T, (flags & TEXT_HAD_INVALID ? 0 : 1) == fuzz_utf8_valid(buf, size));
	if (printable_ascii(buf, size)) {
		FUZZ_CHECK(T, strlen(out) == size && memcmp(out, buf, size) == 0);
		FUZZ_CHECK(T, flags == 0);
	}
	again = text_sanitize(out, strlen(out), mode, &again_flags);
	FUZZ_CHECK(T, strcmp(again, out) == 0);
	free(again);

	w = text_width(out);
	for (size_t cols = 0; cols < 4; cols++)
		check_fit(out, cols);
	if (w > 4) {
		check_fit(out, w - 1);
		check_fit(out, w / 2);
	}
	check_fit(out, w);
	check_fit(out, w + 1);
	free(out);
}

int fuzz_text_one(const uint8_t *data, size_t size)
{
	char *buf = fuzz_copy(data, size);
	char *cstr = fuzz_cstr(data, size);
	char *clean, *json;
	struct json_check jc = {0};
	int valid_json;
	static int locale_set;

	if (!locale_set) {
		text_init();
		locale_set = 1;
	}
	check_mode(buf, size, TEXT_LINE);
	check_mode(buf, size, TEXT_MULTI);

	clean = text_clean(cstr);
	fuzz_check_safe(T, "text_clean result", clean, 0);
	free(clean);

	json = text_json_safe(buf, size);
	fuzz_check_safe(T, "text_json_safe result", json, 0);
	/* Minified valid JSON stays valid JSON. */
	valid_json = json_check(buf, size, &jc) == 0;
	json_check_free(&jc);
	if (valid_json && !memchr(buf, '\n', size) && !memchr(buf, '\r', size) &&
	    !memchr(buf, '\t', size) && json_check_bom(buf, size) == 0) {
		FUZZ_CHECK(T, json_check(json, strlen(json), &jc) == 0);
		json_check_free(&jc);
	}
	free(json);
	free(cstr);
	free(buf);
	return 0;
}

#ifdef FUZZ_LIBFUZZER
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fuzz_text_one(data, size);
}
#endif
