/* The policy file's lexical rules (lex.h). */
#include <string.h>
#include <strings.h>

#include "lex.h"

bool lex_is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f';
}

char *lex_trim(char *s)
{
	size_t len;

	while (lex_is_space(*s))
		s++;
	len = strlen(s);
	while (len && lex_is_space(s[len - 1]))
		s[--len] = '\0';
	return s;
}

bool lex_eq(const char *a, const char *b)
{
	return !strcasecmp(a, b);
}

void lex_line(char *line, size_t len, bool first, struct lex_line *out)
{
	char *s = line, *eq, *close;

	memset(out, 0, sizeof(*out));
	/* A NUL would silently end the line for every later step. */
	if (memchr(line, '\0', len)) {
		out->kind = LEX_ERROR;
		out->error = "a NUL byte in the line";
		return;
	}
	line[len] = '\0';
	if (first && len >= 3 && !memcmp(s, "\xEF\xBB\xBF", 3))
		s += 3;
	s[strcspn(s, "#;")] = '\0';
	s = lex_trim(s);
	if (!*s) {
		out->kind = LEX_BLANK;
		return;
	}
	if (*s == '[') {
		close = strchr(s, ']');
		if (!close) {
			out->kind = LEX_ERROR;
			out->error = "section header without ']'";
			return;
		}
		if (*lex_trim(close + 1)) {
			out->kind = LEX_ERROR;
			out->error = "unexpected text after ']'";
			return;
		}
		*close = '\0';
		out->kind = LEX_SECTION;
		out->name = lex_trim(s + 1);
		return;
	}
	eq = strchr(s, '=');
	if (!eq) {
		out->kind = LEX_ERROR;
		out->error = "syntax error: expected '[section]', 'key = value' or a comment";
		return;
	}
	*eq = '\0';
	out->name = lex_trim(s);
	out->value = lex_trim(eq + 1);
	if (!*out->name) {
		out->kind = LEX_ERROR;
		out->error = "syntax error: '=' without a key before it";
		return;
	}
	out->kind = LEX_KEY;
}
