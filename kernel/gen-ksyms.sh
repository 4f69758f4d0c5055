#!/bin/sh
# Reads `nm -n` output on stdin and writes an assembly file holding the
# kernel's text symbols, sorted by address, for backtraces:
#   ksyms_count, ksyms_addr[] (u64), ksyms_name_off[] (u32), ksyms_names (chars)
awk 'BEGIN { n = 0 }
$2 ~ /^[tTwW]$/ && $3 !~ /^\./ { addr[n] = $1; name[n] = $3; n++ }
END {
    print "\t.section .note.GNU-stack, \"\", @progbits"
    print "\t.section .ksyms, \"a\""
    print "\t.globl ksyms_count, ksyms_addr, ksyms_name_off, ksyms_names"
    print "\t.balign 8"
    print "ksyms_count:\t.quad " n
    print "ksyms_addr:"
    for (i = 0; i < n; i++) print "\t.quad 0x" addr[i]
    print "ksyms_name_off:"
    off = 0
    for (i = 0; i < n; i++) { print "\t.long " off; off += length(name[i]) + 1 }
    print "ksyms_names:"
    for (i = 0; i < n; i++) print "\t.asciz \"" name[i] "\""
}'
