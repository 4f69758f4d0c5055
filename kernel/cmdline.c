/* The kernel command line, split into key=value words. */
#include <string.h>
#include "kernel/cmdline.h"
#include "kernel/kernel.h"
#include "kernel/printk.h"

#define MAX_WORDS 32

static char raw[1024];
static char words[1024];
static const char *keys[MAX_WORDS], *values[MAX_WORDS];
static int nwords;

void cmdline_init(const char *s)
{
	char *p;

	strncpy(raw, s, sizeof(raw) - 1);
	strncpy(words, s, sizeof(words) - 1);
	for (p = words; *p && nwords < MAX_WORDS;) {
		while (*p == ' ' || *p == '\t')
			*p++ = '\0';
		if (!*p)
			break;
		keys[nwords] = p;
		while (*p && *p != ' ' && *p != '\t' && *p != '=')
			p++;
		if (*p == '=') {
			*p++ = '\0';
			values[nwords] = p;
			while (*p && *p != ' ' && *p != '\t')
				p++;
		} else {
			values[nwords] = p; /* points at the terminator: "" */
		}
		nwords++;
	}
	if (*p)
		printk("cmdline: more than %d words, the rest ignored\n", MAX_WORDS);
}

const char *cmdline_raw(void) { return raw; }

const char *cmdline_get(const char *key)
{
	for (int i = nwords - 1; i >= 0; i--) /* the last occurrence wins */
		if (!strcmp(keys[i], key))
			return values[i];
	return NULL;
}

int cmdline_count(void) { return nwords; }

const char *cmdline_word(int i, const char **value)
{
	if (i < 0 || i >= nwords)
		return NULL;
	*value = values[i];
	return keys[i];
}
