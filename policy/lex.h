/*
 * The policy file's lexical rules, private to policy/.  One line at a time:
 *
 *   - '#' or ';' starts a comment wherever it appears (no value contains
 *     either), so "action = deny  # why" and "action = deny ; why" mean the
 *     same as "action = deny";
 *   - blanks (space, tab, CR, VT, FF) around names, keys and values are
 *     ignored, indentation included; a UTF-8 byte order mark opening the
 *     file is skipped;
 *   - a line is blank, "[section]", or "key = value" (the first '=' splits);
 *   - words the format defines compare without case (lex_eq()); numbers
 *     are number.h's.
 *
 * Lines have no length limit here: the caller hands over whole lines.
 */
#ifndef POLICY_LEX_H
#define POLICY_LEX_H

#include <stdbool.h>
#include <stddef.h>

enum lex_kind { LEX_BLANK, LEX_SECTION, LEX_KEY, LEX_ERROR };

struct lex_line {
	enum lex_kind kind;
	char *name;		/* LEX_SECTION: between '[' and ']'; LEX_KEY: the key */
	char *value;		/* LEX_KEY: the value, "" when empty */
	const char *error;	/* LEX_ERROR: what is wrong with the line */
};

/*
 * Classify line[0..len) (without its '\n') in place: the comment is cut,
 * the pieces are trimmed and NUL-terminated inside line, which needs room
 * for len + 1 bytes.  first: the file's first line (a BOM may open it).
 */
void lex_line(char *line, size_t len, bool first, struct lex_line *out);

bool lex_is_space(char c);
/* s without leading and trailing blanks, in place. */
char *lex_trim(char *s);
/* Keywords, keys, section and rule names: equal without regard to case. */
bool lex_eq(const char *a, const char *b);

#endif /* POLICY_LEX_H */
