/* The kernel command line (from GRUB or -append), parsed as key=value words. */
#ifndef KERNEL_CMDLINE_H
#define KERNEL_CMDLINE_H

const char *cmdline_raw(void);
/* The value of key (a bare word has value ""), or NULL if absent. */
const char *cmdline_get(const char *key);
/* The parsed words, for listing: returns word i's key and sets *value. */
int cmdline_count(void);
const char *cmdline_word(int i, const char **value);

#endif
