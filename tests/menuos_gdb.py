"""gdb commands for looking inside MenuOS/x64's network stack at a breakpoint
(tests/menuos.gdb sources this file; `help menuos` lists the commands).

  menuos-sockets       the socket table: fd, protocol, state, local, remote, queues
  menuos-tcp SK        one TCP socket: state, sequence space, windows, cwnd, RTO
  menuos-skb SKB       an sk_buff's headers: Ethernet, IPv4, TCP/UDP/ICMP, payload
  menuos-route         the IPv4 routing table
  menuos-arp           the ARP cache

Everything is read from the kernel's memory through its debug information;
nothing runs in the guest.  Network-order fields are shown in host order.
"""
import socket
import struct

import gdb

# Linux's TCP state numbers (include/net/tcp_states.h), which MenuOS uses.
TCP_STATES = {1: 'ESTABLISHED', 2: 'SYN_SENT', 3: 'SYN_RECV', 4: 'FIN_WAIT1', 5: 'FIN_WAIT2',
              6: 'TIME_WAIT', 7: 'CLOSE', 8: 'CLOSE_WAIT', 9: 'LAST_ACK', 10: 'LISTEN',
              11: 'CLOSING', 12: 'NEW_SYN_RECV'}
TCP_FLAGS = [(0x02, 'SYN'), (0x10, 'ACK'), (0x08, 'PSH'), (0x01, 'FIN'), (0x04, 'RST'),
             (0x20, 'URG'), (0x40, 'ECE'), (0x80, 'CWR')]
IPPROTO = {1: 'ICMP', 6: 'TCP', 17: 'UDP'}
SOCK_STREAM, SOCK_DGRAM = 1, 2


def inferior_bytes(addr, n):
    return bytes(gdb.selected_inferior().read_memory(int(addr), n))


def ip_str(be32):
    """A network-order address as the kernel stores it (read as a little-endian u32)."""
    return socket.inet_ntoa(struct.pack('<I', int(be32) & 0xffffffff))


def ntohs(v):
    v = int(v) & 0xffff
    return ((v & 0xff) << 8) | (v >> 8)


def has_field(val, name):
    return any(f.name == name for f in val.type.strip_typedefs().fields())


def field(val, *names):
    """The first of names that val has (fields get renamed; the helpers should not break)."""
    for n in names:
        if has_field(val, n):
            return val[n]
    raise gdb.GdbError('no field %s in %s' % ('/'.join(names), val.type))


def state_name(v):
    return TCP_STATES.get(int(v), str(int(v)))


def lookup(name):
    try:
        return gdb.parse_and_eval(name)
    except gdb.error as e:
        raise gdb.GdbError('%s: %s (is build/menuos.elf loaded?)' % (name, e))


def list_entries(head, type_name, member):
    """The structures on a struct list_head list, like Linux's list_for_each_entry."""
    t = gdb.lookup_type(type_name)
    offset = next(f.bitpos // 8 for f in t.fields() if f.name == member)
    node = head['next']
    first = head.address
    out = []
    while int(node) != int(first) and len(out) < 100000:
        out.append((node.cast(gdb.lookup_type('char').pointer()) - offset)
                   .cast(t.pointer()).dereference())
        node = node['next']
    return out


def fd_of_socks():
    """Maps a struct sock address to its descriptor number."""
    table = lookup('sockfd_table')
    base = 3   # SOCKFD_BASE: 0-2 are the console
    fds = {}
    for i in range(table.type.range()[1] + 1):
        s = table[i]
        if int(s):
            sk = s.dereference()['sk']
            if int(sk):
                fds[int(sk)] = i + base
    return fds


def endpoint(addr, port_host):
    return '%s:%d' % (ip_str(addr), int(port_host))


class MenuOSCommand(gdb.Command):
    """Commands for MenuOS/x64's network stack:

menuos-sockets   the socket table (fd, protocol, state, local, remote, queues)
menuos-tcp SK    one TCP socket decoded: state, snd_una/snd_nxt/rcv_nxt, windows, cwnd, rto
menuos-skb SKB   an sk_buff's headers decoded: Ethernet, IPv4, TCP flags/seq/ack/options, payload
menuos-route     the IPv4 routing table
menuos-arp       the ARP cache

SK and SKB are expressions: `menuos-skb skb` at a breakpoint in tcp_v4_rcv,
`menuos-tcp sk` in tcp_rcv_state_process, or an address from menuos-sockets."""

    def __init__(self):
        super().__init__('menuos', gdb.COMMAND_USER)

    def invoke(self, arg, from_tty):
        gdb.execute('help menuos')


class Sockets(gdb.Command):
    """The socket table: every sock (TCP, UDP), its descriptor (- for none:
TIME_WAIT, or an accepted connection not yet taken), state, addresses and queues."""

    def __init__(self):
        super().__init__('menuos-sockets', gdb.COMMAND_USER)

    def invoke(self, arg, from_tty):
        fds = fd_of_socks()
        socks = list_entries(lookup('sock_all_list'), 'struct sock', 'sk_all_node')
        print('%-4s %-5s %-12s %-21s %-21s %6s %6s  %s' % ('fd', 'proto', 'state', 'local',
                                                        'remote', 'recv-q', 'send-q', 'sock'))
        for sk in socks:
            proto = 'tcp' if int(sk['sk_type']) == SOCK_STREAM else 'udp'
            state = state_name(sk['sk_state']) if proto == 'tcp' else '-'
            local = endpoint(sk['sk_rcv_saddr'], sk['sk_num'])
            remote = endpoint(sk['sk_daddr'], ntohs(sk['sk_dport']))
            fd = fds.get(int(sk.address), '-')
            print('%-4s %-5s %-12s %-21s %-21s %6d %6d  (struct sock *) %s' % (
                fd, proto, state, local, remote, int(sk['sk_rmem_queued']),
                int(sk['sk_wmem_queued']), hex(int(sk.address))))


class Tcp(gdb.Command):
    """menuos-tcp SK: one TCP socket decoded (SK is a struct sock * or struct tcp_sock *)."""

    def __init__(self):
        super().__init__('menuos-tcp', gdb.COMMAND_USER)

    def invoke(self, arg, from_tty):
        if not arg:
            raise gdb.GdbError('usage: menuos-tcp SK (a struct sock *; menuos-sockets lists them)')
        tp = gdb.parse_and_eval(arg).cast(gdb.lookup_type('struct tcp_sock').pointer())
        tp = tp.dereference()
        sk = tp['sk']
        iss, irs = int(tp['iss']), int(tp['irs'])

        def rel(v, base):
            return (int(v) - base) & 0xffffffff

        print('state %s  %s -> %s' % (state_name(sk['sk_state']),
                                      endpoint(sk['sk_rcv_saddr'], sk['sk_num']),
                                      endpoint(sk['sk_daddr'], ntohs(sk['sk_dport']))))
        print('send:    iss %u  snd_una %u  snd_nxt %u  (relative %u, %u)' % (
            iss, int(tp['snd_una']), int(tp['snd_nxt']), rel(tp['snd_una'], iss),
            rel(tp['snd_nxt'], iss)))
        print('receive: irs %u  rcv_nxt %u  (relative %u)' % (irs, int(tp['rcv_nxt']),
                                                              rel(tp['rcv_nxt'], irs)))
        print('windows: snd_wnd %u  rcv_wnd %u  wscale snd %u rcv %u' % (
            int(tp['snd_wnd']), int(tp['rcv_wnd']), int(tp['snd_wscale']),
            int(tp['rcv_wscale'])))
        print('cwnd %u  ssthresh %u  mss %u' % (int(field(tp, 'snd_cwnd')),
                                                int(field(tp, 'snd_ssthresh')),
                                                int(field(tp, 'mss_cache'))))
        print('rto %u ms  srtt %u ms  rttvar %u ms' % (
            int(field(tp, 'rto_ms')), int(field(tp, 'srtt_ms8')) // 8,
            int(field(tp, 'rttvar_ms4')) // 4))
        print('queues: receive %u bytes, write %u bytes, out of order %u segments' % (
            int(sk['sk_rmem_queued']), int(sk['sk_wmem_queued']),
            int(tp['out_of_order_queue']['qlen'])))


def tcp_options(data):
    out, i = [], 0
    while i < len(data):
        kind = data[i]
        if kind == 0:
            out.append('eol')
            break
        if kind == 1:
            out.append('nop')
            i += 1
            continue
        if i + 1 >= len(data) or data[i + 1] < 2:
            out.append('bad')
            break
        olen = data[i + 1]
        body = data[i + 2:i + olen]
        if kind == 2 and olen == 4:
            out.append('mss %d' % struct.unpack('>H', body)[0])
        elif kind == 3 and olen == 3:
            out.append('wscale %d' % body[0])
        elif kind == 4:
            out.append('sackOK')
        elif kind == 5:
            out.append('sack ' + ' '.join('%u-%u' % struct.unpack('>II', body[j:j + 8])
                                          for j in range(0, len(body) - 7, 8)))
        elif kind == 8 and olen == 10:
            out.append('TS val %u ecr %u' % struct.unpack('>II', body))
        else:
            out.append('opt-%d' % kind)
        i += olen
    return ','.join(out)


class Skb(gdb.Command):
    """menuos-skb SKB: an sk_buff's headers decoded, from its header offsets."""

    def __init__(self):
        super().__init__('menuos-skb', gdb.COMMAND_USER)

    def invoke(self, arg, from_tty):
        if not arg:
            raise gdb.GdbError('usage: menuos-skb SKB (a struct sk_buff *)')
        skb = gdb.parse_and_eval(arg).cast(gdb.lookup_type('struct sk_buff').pointer())
        skb = skb.dereference()
        head, data = int(skb['head']), int(skb['data'])
        length = int(skb['len'])
        print('sk_buff len %d, data at head+%d, users %d' % (length, data - head,
                                                             int(skb['users'])))
        mac, net, trans = (int(skb['mac_header']), int(skb['network_header']),
                           int(skb['transport_header']))
        end = data + length
        if mac < net and head + mac + 14 <= end:
            eth = inferior_bytes(head + mac, 14)
            print('Ethernet: %s > %s, type 0x%04x' % (
                ':'.join('%02x' % b for b in eth[6:12]), ':'.join('%02x' % b for b in eth[0:6]),
                struct.unpack('>H', eth[12:14])[0]))
        if head + net + 20 > end:
            print('(no IPv4 header yet: network_header is not set)')
            return
        ip = inferior_bytes(head + net, 20)
        ihl = (ip[0] & 0xf) * 4
        tot_len, ipid, frag, ttl, proto = struct.unpack('>HHHBB', ip[2:10])
        print('IPv4: %s > %s, %s, ttl %d, id %d, length %d%s' % (
            socket.inet_ntoa(ip[12:16]), socket.inet_ntoa(ip[16:20]),
            IPPROTO.get(proto, 'proto %d' % proto), ttl, ipid, tot_len,
            ', DF' if frag & 0x4000 else ''))
        l4 = head + net + ihl
        l4_len = tot_len - ihl
        if proto == 6:
            th = inferior_bytes(l4, 20)
            sport, dport, seq, ack, off, flags, win = struct.unpack('>HHIIBBH', th[:16])
            doff = (off >> 4) * 4
            names = [n for bit, n in TCP_FLAGS if flags & bit]
            opts = tcp_options(inferior_bytes(l4 + 20, doff - 20)) if doff > 20 else ''
            print('TCP: %d > %d, flags [%s], seq %u, ack %u, win %d, header %d%s' % (
                sport, dport, ','.join(names), seq, ack, win, doff,
                ', options [%s]' % opts if opts else ''))
            payload = l4_len - doff
            print('payload %d bytes%s' % (payload, ': %r' % inferior_bytes(l4 + doff, payload)
                                          if 0 < payload <= 64 else ''))
        elif proto == 17:
            sport, dport, ulen = struct.unpack('>HHH', inferior_bytes(l4, 6))
            print('UDP: %d > %d, length %d, payload %d bytes' % (sport, dport, ulen, ulen - 8))
        elif proto == 1:
            t, code = inferior_bytes(l4, 2)
            print('ICMP: type %d code %d' % (t, code))


class Route(gdb.Command):
    """The IPv4 routing table: destination/prefix, gateway, device, metric."""

    def __init__(self):
        super().__init__('menuos-route', gdb.COMMAND_USER)

    def invoke(self, arg, from_tty):
        # net/fib.h: defaults on dflt_list, prefixes shorter than /16 in
        # short_tab[len][top bits], the rest in the chunks dir[] points to
        # (struct fib_dirent: the low 48 bits of w address the chunk's
        # ranges, or fib_cover_range for a /16 without a chunk), or, in a
        # small table without dir[], the chunks among its top ranges.
        print('%-18s %-15s %-6s %s' % ('destination', 'gateway', 'dev', 'metric'))
        t = lookup('fib_main')
        if int(t) == 0:
            return
        inf = gdb.selected_inferior()
        nhs = t['nh']
        alias_t = gdb.lookup_type('struct fib_alias').pointer()

        def show(prefix, plen, nh):
            n = nhs[nh]
            gw = ip_str(n['gw']) if int(n['gw']) else '*'
            dst = socket.inet_ntoa(struct.pack('>I', prefix))
            print('%-18s %-15s %-6s %d' % ('%s/%d' % (dst, plen), gw,
                                           n['dev']['name'].string(), int(n['metric'])))

        def show_list(a, prefix, plen):
            while int(a):
                show(prefix, plen, int(a['nh']))
                a = a['next']

        show_list(t['dflt_list'], 0, 0)
        for k in range(1, 16):
            tab = int(t['short_tab'][k])
            if not tab:
                continue
            slots = struct.unpack('<%dQ' % (1 << k), bytes(inf.read_memory(tab, 8 << k)))
            for i, p in enumerate(slots):
                if p:
                    show_list(gdb.Value(p).cast(alias_t), i << (32 - k), k)
        hdr = gdb.lookup_type('struct fib_chunk').sizeof
        ent = gdb.lookup_type('struct fib_dirent').sizeof
        no_chunk = int(gdb.parse_and_eval('&fib_cover_range'))
        if int(t['dir']):
            raw = bytes(inf.read_memory(int(t['dir']), ent * 65536))
            dirs = [(ci, struct.unpack_from('<Q', raw, ent * ci)[0]) for ci in range(65536)]
        else:
            dirs = [(int(t['top_start'][i]), int(t['top_d'][i]['w']))
                    for i in range(int(t['top_n']))]
        for ci, w in dirs:
            ranges = w & ((1 << 48) - 1)   # FIB_DIRENT_PTR: the range count is above
            if ranges == no_chunk:
                continue
            nrange, nrib = struct.unpack('<II', bytes(inf.read_memory(ranges - hdr, 8)))
            rib = bytes(inf.read_memory(ranges + 4 * nrange, 6 * nrib))
            for j in range(nrib):
                lo, plen, nh = struct.unpack_from('<HBxH', rib, 6 * j)
                show(ci << 16 | lo, plen, nh)


class Arp(gdb.Command):
    """The ARP cache: address, MAC, device, state."""

    def __init__(self):
        super().__init__('menuos-arp', gdb.COMMAND_USER)

    def invoke(self, arg, from_tty):
        cache = lookup('arp_cache')
        print('%-15s %-17s %-6s %s' % ('address', 'hwaddr', 'dev', 'state'))
        for i in range(cache.type.range()[1] + 1):
            e = cache[i]
            if int(e['state']) == 0:    # ARP_FREE
                continue
            mac = ':'.join('%02x' % int(e['mac'][j]) for j in range(6))
            state = str(e['state']).replace('ARP_', '').lower()
            print('%-15s %-17s %-6s %s' % (ip_str(e['ip']), mac, e['dev']['name'].string(),
                                           state))


for cmd in (MenuOSCommand, Sockets, Tcp, Skb, Route, Arp):
    cmd()
