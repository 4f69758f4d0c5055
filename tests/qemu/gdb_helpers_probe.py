"""Loaded by gdb in tests/qemu/test_gdb_helpers.py: at every tcp_v4_rcv, the
menuos-* helpers' view of the segment that arrived, between markers the test
parses; at the segment that carries data, the socket table and that socket."""
import re

import gdb


def run(cmd):
    return gdb.execute(cmd, to_string=True)


class AtTcpV4Rcv(gdb.Breakpoint):
    def stop(self):
        skb = run('menuos-skb skb')
        print('<<SKB\n%s>>' % skb)
        if re.search(r'payload [1-9]\d* bytes', skb):
            socks = run('menuos-sockets')
            print('<<SOCKETS\n%s>>' % socks)
            sport = re.search(r'TCP: (\d+) > ', skb).group(1)
            for line in socks.splitlines():
                if 'ESTABLISHED' in line and line.split()[4].endswith(':' + sport):
                    sk = re.search(r'(0x[0-9a-f]+)$', line).group(1)
                    print('<<TCP\n%s>>' % run('menuos-tcp (struct sock *)' + sk))
            print('<<ROUTE\n%s>>' % run('menuos-route'))
            print('<<ARP\n%s>>' % run('menuos-arp'))
        return False


AtTcpV4Rcv('tcp_v4_rcv')
