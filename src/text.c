/*
 * text: the one sanitiser every displayed string passes through, and column
 * widths. Decoding is strict UTF-8 (no overlongs, no surrogates, nothing past
 * U+10FFFF); each byte that is not part of a valid sequence becomes U+FFFD.
 * Controls become caret tokens ("^[" for ESC, "^?" for DEL, "^@" for NUL) or,
 * for C1, "<U+009B>"; bidi and invisible characters become named tokens such
 * as "<RLO>" or "<ZWSP>". ZWNJ is kept between two letters of Arabic-script
 * or Indic text (Persian, Hindi), where it draws nothing and joins nothing;
 * everywhere else it is shown. ZWJ is always shown, between two emoji too:
 * terminals disagree on whether a family or profession sequence is one
 * glyph of two columns or its parts side by side, and a line whose width
 * the screen and the terminal count differently moves the cells after it. Tag characters
 * (U+E0020-U+E007F) are kept only inside an emoji tag sequence (the black flag U+1F3F4 followed by
 * tags, as in the flag of England), since elsewhere they are invisible text smuggling.
 * Noncharacters and code points Unicode has not assigned (by the table of
 * unicode_assigned.h) become "<U+D7FF>" tokens: a terminal draws them as a
 * blank or nothing.
 *
 * Pure printable ASCII, which is most data, is copied or measured without
 * decoding.
 */
#include "config.h"

#include "text.h"
#include "unicode_assigned.h"
#include "utf8.h"
#include "util.h"

#include <langinfo.h>
#include <locale.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <wchar.h>

#define TAB_STOP 8

/* Invisible or direction-changing characters and the token shown for each;
 * a NULL name means the generic "<U+XXXX>" form. */
struct hidden {
	uint32_t cp;
	const char *name;
};

/* clang-format off */
static const struct hidden hidden_chars[] = {
	{0x00ad, "SHY"}, {0x061c, "ALM"}, {0x115f, NULL}, {0x1160, NULL}, {0x180e, "MVS"},
	{0x200b, "ZWSP"}, {0x200c, "ZWNJ"}, {0x200d, "ZWJ"}, {0x200e, "LRM"}, {0x200f, "RLM"},
	{0x2028, "LSEP"}, {0x2029, "PSEP"}, {0x202a, "LRE"}, {0x202b, "RLE"}, {0x202c, "PDF"},
	{0x202d, "LRO"}, {0x202e, "RLO"}, {0x2060, "WJ"}, {0x2061, NULL}, {0x2062, NULL},
	{0x2063, NULL}, {0x2064, NULL}, {0x2066, "LRI"}, {0x2067, "RLI"}, {0x2068, "FSI"},
	{0x2069, "PDI"}, {0x206a, NULL}, {0x206b, NULL}, {0x206c, NULL}, {0x206d, NULL},
	{0x206e, NULL}, {0x206f, NULL}, {0x3164, NULL}, {0xfeff, "BOM"}, {0xffa0, NULL}, {0xfff9, NULL},
	{0xfffa, NULL}, {0xfffb, NULL},
};
/* clang-format on */

/* 1 when cp is in hidden_chars (*name gets its token name), else 0. */
static int hidden_lookup(uint32_t cp, const char **name)
{
	size_t lo = 0, hi = GV_ARRAY_LEN(hidden_chars);
	if (cp < 0xad || cp > 0xfffb)
		return 0;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (hidden_chars[mid].cp == cp) {
			*name = hidden_chars[mid].name;
			return 1;
		}
		if (hidden_chars[mid].cp < cp)
			lo = mid + 1;
		else
			hi = mid;
	}
	return 0;
}

static int is_tag(uint32_t cp)
{
	return cp >= 0xe0000 && cp <= 0xe007f;
}

/* Noncharacters (U+FDD0..U+FDEF and the last two of every plane): no font
 * draws them, and a terminal shows a blank or nothing, so they are hidden. */
static int is_nonchar(uint32_t cp)
{
	return (cp >= 0xfdd0 && cp <= 0xfdef) || (cp & 0xfffe) == 0xfffe;
}

/* The range of code points around the last one looked up in the table of
 * assigned ones, all with the same answer: text mostly stays in one script,
 * so most characters are answered without a search. */
struct assigned_run {
	uint32_t first, last;
	int assigned;
};

static int is_assigned(struct assigned_run *r, uint32_t cp)
{
	if (cp < 0x378) /* spaces and punctuation between words keep the run */
		return 1;
	if (cp < r->first || cp > r->last)
		r->assigned = unicode_assigned_in(cp, &r->first, &r->last);
	return r->assigned;
}

/* Letters of scripts that use ZWNJ inside words: Arabic script and Indic. */
static int is_zwnj_script(uint32_t cp)
{
	return (cp >= 0x0600 && cp <= 0x06ff) || (cp >= 0x0750 && cp <= 0x077f) ||
	       (cp >= 0x08a0 && cp <= 0x08ff) || (cp >= 0xfb50 && cp <= 0xfdff) ||
	       (cp >= 0xfe70 && cp <= 0xfefe) || (cp >= 0x0900 && cp <= 0x0dff);
}

/* Code point after position i, or UTF8_BAD. */
static uint32_t peek(const unsigned char *p, size_t len, size_t i)
{
	size_t used;
	if (i >= len)
		return UTF8_BAD;
	return utf8_decode(p + i, len - i, &used);
}

/* Column width of a code point that the sanitiser lets through: wcwidth, with
 * code points the C library does not know (wcwidth -1: assigned after its
 * tables were made) counted as one column. */
static size_t cp_width(uint32_t cp)
{
	int w;
	if (cp >= 0x20 && cp < 0x7f)
		return 1;
	w = wcwidth((wchar_t)cp);
	return w < 0 ? 1 : (size_t)w;
}

static int is_printable_ascii(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c < 0x20 || c >= 0x7f)
			return 0;
	}
	return 1;
}

static void locale_check(void);

char *text_sanitize(const char *s, size_t len, enum text_mode mode, int *flags)
{
	const unsigned char *p = (const unsigned char *)s;
	struct sbuf b = {0};
	int fl = 0;
	uint32_t prev = 0; /* last code point kept as is (0 at a line start) */
	int tag_run = 0;   /* inside an emoji tag sequence */
	size_t col = 0;	   /* column within the line, for tab stops */
	size_t i = 0;
	struct assigned_run run = {0, 0x377, 1}; /* U+0000..U+0377: assigned */

	if (flags)
		*flags = 0;
	if (!s)
		return xstrdup("");
	if (is_printable_ascii(s, len))
		return xstrndup(s, len);
	locale_check();
	while (i < len) {
		size_t used;
		uint32_t cp = utf8_decode(p + i, len - i, &used);
		const char *name = NULL;

		i += used;
		if (cp == UTF8_BAD) {
			fl |= TEXT_HAD_INVALID;
			sbuf_add(&b, "\xef\xbf\xbd");
			col++;
			prev = 0xfffd;
			tag_run = 0;
			continue;
		}
		if (cp < 0x20 || cp == 0x7f) {
			if (mode == TEXT_MULTI && cp == '\n') {
				sbuf_addc(&b, '\n');
				col = 0;
			} else if (mode == TEXT_MULTI && cp == '\r' && i < len && p[i] == '\n') {
				/* CRLF line ends are line ends, not data. */
			} else if (mode == TEXT_MULTI && cp == '\t') {
				do {
					sbuf_addc(&b, ' ');
					col++;
				} while (col % TAB_STOP);
			} else {
				fl |= TEXT_HAD_CONTROL;
				sbuf_addc(&b, '^');
				sbuf_addc(&b, cp == 0x7f ? '?' : (char)(cp + 0x40));
				col += 2;
			}
			prev = 0;
			tag_run = 0;
			continue;
		}
		if (cp >= 0x80 && cp <= 0x9f) {
			fl |= TEXT_HAD_CONTROL;
			sbuf_addf(&b, "<U+%04X>", (unsigned)cp);
			col += 8;
			prev = 0;
			tag_run = 0;
			continue;
		}
		if (tag_run && cp >= 0xe0020 && cp <= 0xe007f) {
			sbuf_addn(&b, (const char *)p + i - used, used);
			if (cp == 0xe007f)
				tag_run = 0; /* CANCEL TAG ends the sequence */
			continue;
		}
		if (hidden_lookup(cp, &name) || is_tag(cp) || is_nonchar(cp) ||
		    !is_assigned(&run, cp)) {
			uint32_t next = peek(p, len, i);
			const char *next_name;
			/* ZWNJ stays between two letters drawn as themselves: before
			 * one shown as a token (U+061C ALM is in the Arabic block) it
			 * would join nothing, and a second pass would show it. */
			if (cp == 0x200c && prev && is_zwnj_script(prev) && next != UTF8_BAD &&
			    is_zwnj_script(next) && !hidden_lookup(next, &next_name) &&
			    !is_nonchar(next) && is_assigned(&run, next)) {
				sbuf_addn(&b, (const char *)p + i - used, used);
				continue;
			}
			fl |= TEXT_HAD_HIDDEN;
			if (name) {
				sbuf_addf(&b, "<%s>", name);
				col += strlen(name) + 2;
			} else {
				sbuf_addf(&b, "<U+%04X>", (unsigned)cp);
				col += cp > 0xffff ? 9 : 8;
			}
			prev = 0;
			tag_run = 0;
			continue;
		}
		sbuf_addn(&b, (const char *)p + i - used, used);
		col += cp_width(cp);
		tag_run = cp == 0x1f3f4;
		prev = cp;
	}
	if (flags)
		*flags = fl;
	return sbuf_take(&b);
}

char *text_clean(const char *s)
{
	if (!s)
		return xstrdup("");
	return text_sanitize(s, strlen(s), TEXT_LINE, NULL);
}

size_t text_width(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t len, w = 0, i = 0;

	if (!s)
		return 0;
	len = strlen(s);
	if (is_printable_ascii(s, len))
		return len;
	locale_check();
	while (i < len) {
		size_t used;
		uint32_t cp = utf8_decode(p + i, len - i, &used);
		w += cp == UTF8_BAD ? 1 : cp_width(cp);
		i += used;
	}
	return w;
}

char *text_fit(const char *s, size_t cols, size_t *width)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t len, total, i = 0, w = 0, keep = 0;
	struct sbuf b = {0};

	if (!s)
		s = "";
	len = strlen(s);
	total = text_width(s);
	if (total <= cols) {
		if (width)
			*width = total;
		return xstrndup(s, len);
	}
	if (cols == 0) {
		if (width)
			*width = 0;
		return xstrdup("");
	}
	/* Keep what fits in cols - 1 columns, leaving one for the ellipsis.
	 * Zero-width marks after the last kept character belong to it. */
	while (i < len) {
		size_t used, cw;
		uint32_t cp = utf8_decode(p + i, len - i, &used);
		cw = cp == UTF8_BAD ? 1 : cp_width(cp);
		if (w + cw > cols - 1)
			break;
		w += cw;
		i += used;
		if (cp != 0x200d)
			keep = i;
	}
	/* A joiner left dangling before the ellipsis would join it. */
	sbuf_addn(&b, s, keep);
	sbuf_add(&b, "\xe2\x80\xa6");
	if (width)
		*width = text_width(b.s);
	return sbuf_take(&b);
}

static void json_escape_cp(struct sbuf *b, uint32_t cp)
{
	if (cp > 0xffff) {
		cp -= 0x10000;
		sbuf_addf(b, "\\u%04x\\u%04x", (unsigned)(0xd800 + (cp >> 10)),
			  (unsigned)(0xdc00 + (cp & 0x3ff)));
	} else {
		sbuf_addf(b, "\\u%04x", (unsigned)cp);
	}
}

char *text_json_safe(const char *json, size_t len)
{
	const unsigned char *p = (const unsigned char *)json;
	struct sbuf b = {0};
	size_t i = 0;
	struct assigned_run run = {0, 0x377, 1}; /* U+0000..U+0377: assigned */

	if (!json)
		return xstrdup("");
	if (is_printable_ascii(json, len))
		return xstrndup(json, len);
	while (i < len) {
		size_t used;
		uint32_t cp = utf8_decode(p + i, len - i, &used);
		const char *name;

		if (cp == UTF8_BAD)
			json_escape_cp(&b, 0xfffd);
		else if (cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp <= 0x9f) ||
			 hidden_lookup(cp, &name) || is_tag(cp) || is_nonchar(cp) ||
			 !is_assigned(&run, cp))
			json_escape_cp(&b, cp);
		else
			sbuf_addn(&b, json + i, used);
		i += used;
	}
	return sbuf_take(&b);
}

/* s as a JSON string with RFC 8259's escapes and every C0 control and DEL as
 * \uXXXX; other bytes as they are. */
static void json_str_ascii(struct sbuf *b, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	sbuf_addc(b, '"');
	for (; *p; p++) {
		switch (*p) {
		case '"':
			sbuf_add(b, "\\\"");
			break;
		case '\\':
			sbuf_add(b, "\\\\");
			break;
		case '\n':
			sbuf_add(b, "\\n");
			break;
		case '\r':
			sbuf_add(b, "\\r");
			break;
		case '\t':
			sbuf_add(b, "\\t");
			break;
		default:
			if (*p < 0x20 || *p == 0x7f)
				sbuf_addf(b, "\\u%04x", *p);
			else
				sbuf_addc(b, (char)*p);
		}
	}
	sbuf_addc(b, '"');
}

void sbuf_add_json_str(struct sbuf *b, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	for (; *p && *p < 0x80; p++)
		;
	if (*p) {
		/* Non-ASCII: also escape C1 controls, bidi and invisible characters
		 * (the same JSON text, but safe to print to a terminal). */
		struct sbuf tmp = {0};
		char *safe;
		json_str_ascii(&tmp, s);
		safe = text_json_safe(tmp.s, tmp.len);
		sbuf_add(b, safe);
		free(safe);
		sbuf_free(&tmp);
		return;
	}
	json_str_ascii(b, s);
}

void sbuf_add_json_str_or_null(struct sbuf *b, const char *s)
{
	if (s)
		sbuf_add_json_str(b, s);
	else
		sbuf_add(b, "null");
}

static int codeset_is_utf8(void)
{
	const char *cs = nl_langinfo(CODESET);
	return cs && (strcasecmp(cs, "UTF-8") == 0 || strcasecmp(cs, "utf8") == 0);
}

void text_init(void)
{
	if (setlocale(LC_CTYPE, "") && codeset_is_utf8())
		return;
	if (setlocale(LC_CTYPE, "C.UTF-8") && codeset_is_utf8())
		return;
	setlocale(LC_CTYPE, "en_US.UTF-8");
}

/*
 * Widths need a UTF-8 LC_CTYPE. A program or test that forgot text_init
 * still gets right widths: the first non-ASCII string sets one up.
 */
static void locale_check(void)
{
	static int checked;
	if (checked)
		return;
	checked = 1;
	if (!codeset_is_utf8())
		text_init();
}

void text_cell(struct sbuf *b, const char *s, size_t cols)
{
	char *clean = text_clean(s ? s : "-");
	size_t w;
	char *fit = text_fit(clean, cols, &w);
	sbuf_add(b, fit);
	for (; w < cols; w++)
		sbuf_addc(b, ' ');
	free(fit);
	free(clean);
}
