#!/usr/bin/python3
"""Writes the seed corpora of tests/fuzz/corpus/<target>/ (small, valid inputs).

    /usr/bin/python3 tests/fuzz/gen_corpus.py

The input formats are described at the top of each fuzz_*.c.
Checksums are left zero where the harness recomputes them (fuzz_rx control
byte 0x03; fuzz_tcp always).  Output is deterministic.
"""
import os
import struct

HERE = os.path.dirname(os.path.abspath(__file__))
OUR_MAC = bytes.fromhex("525400123456")
PEER_MAC = bytes.fromhex("020000000002")
BCAST_MAC = b"\xff" * 6
OUR_IP = bytes([10, 0, 2, 15])
PEER_IP = bytes([10, 0, 2, 2])
FAR_IP = bytes([10, 0, 2, 7])          # on the link, never answers ARP
NET_BCAST = bytes([10, 0, 2, 255])


def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def eth(dst, typ, payload, src=PEER_MAC):
    return dst + src + struct.pack("!H", typ) + payload


def ip(proto, payload, src=PEER_IP, dst=OUR_IP, opts=b"", frag=0x4000, ttl=64):
    ihl = 5 + len(opts) // 4
    hdr = struct.pack("!BBHHHBBH4s4s", 0x40 | ihl, 0, ihl * 4 + len(payload), 1, frag, ttl,
                      proto, 0, src, dst) + opts
    hdr = hdr[:10] + struct.pack("!H", csum(hdr)) + hdr[12:]
    return hdr + payload


def arp(op, sha, sip, tha, tip):
    return struct.pack("!HHBBH6s4s6s4s", 1, 0x0800, 6, 4, op, sha, sip, tha, tip)


def tcp_opts_syn():
    return bytes([2, 4, 0x05, 0xB4, 1, 1, 4, 2, 1, 3, 3, 7])


def tcp(sport, dport, seq, ack, flags, win=65535, opts=b"", data=b""):
    doff = (20 + len(opts)) // 4
    return struct.pack("!HHIIBBHHH", sport, dport, seq, ack, doff << 4, flags, win, 0, 0) + opts + data


def udp(sport, dport, data):
    return struct.pack("!HHHH", sport, dport, 8 + len(data), 0) + data


def icmp(typ, code, rest, data):
    return struct.pack("!BBH", typ, code, 0) + rest + data


def rx_seeds():
    echo = icmp(8, 0, struct.pack("!HH", 0x1234, 1), bytes(range(0x10, 0x10 + 56)))
    quoted = ip(1, icmp(8, 0, struct.pack("!HH", 7, 1), b""), src=OUR_IP, dst=PEER_IP)
    fix, fix_wait = 0x03, 0x07
    return {
        "arp_request": (fix, eth(BCAST_MAC, 0x0806, arp(1, PEER_MAC, PEER_IP, b"\0" * 6, OUR_IP))),
        "arp_reply": (fix, eth(OUR_MAC, 0x0806, arp(2, PEER_MAC, PEER_IP, OUR_MAC, OUR_IP))),
        "arp_probe": (fix, eth(BCAST_MAC, 0x0806, arp(1, PEER_MAC, b"\0" * 4, b"\0" * 6, OUR_IP))),
        "icmp_echo": (fix, eth(OUR_MAC, 0x0800, ip(1, echo))),
        "icmp_echo_bcast": (fix, eth(BCAST_MAC, 0x0800, ip(1, echo, dst=NET_BCAST))),
        "icmp_echo_unresolved": (fix_wait, eth(OUR_MAC, 0x0800, ip(1, echo, src=FAR_IP))),
        "icmp_unreach": (fix, eth(OUR_MAC, 0x0800, ip(1, icmp(3, 1, b"\0" * 4, quoted)))),
        "udp_bound": (fix, eth(OUR_MAC, 0x0800, ip(17, udp(7, 5001, b"hello fuzz")))),
        "udp_closed": (fix, eth(OUR_MAC, 0x0800, ip(17, udp(7, 9, b"x" * 20)))),
        "udp_ip_options": (fix, eth(OUR_MAC, 0x0800, ip(17, udp(7, 5001, b"o"), opts=b"\x01\x01\x01\x00"))),
        "udp_padded": (fix, eth(OUR_MAC, 0x0800, ip(17, udp(7, 5001, b"p"))) + b"\0" * 17),
        "ip_fragment": (fix, eth(OUR_MAC, 0x0800, ip(17, udp(7, 5001, b"f" * 16), frag=0x2000))),
        "ip_unknown_proto": (fix, eth(OUR_MAC, 0x0800, ip(47, b"\0" * 8))),
        "tcp_syn": (fix_wait, eth(OUR_MAC, 0x0800, ip(6, tcp(1234, 80, 1000, 0, 0x02, opts=tcp_opts_syn())))),
        "tcp_syn_closed": (fix, eth(OUR_MAC, 0x0800, ip(6, tcp(1234, 81, 1000, 0, 0x02)))),
        "tcp_ack_listener": (fix, eth(OUR_MAC, 0x0800, ip(6, tcp(1234, 80, 1000, 5000, 0x10)))),
        "tcp_fin_data": (fix, eth(OUR_MAC, 0x0800, ip(6, tcp(1234, 80, 1, 2, 0x19, data=b"data")))),
    }


# ---- fuzz_tcp ----
T_LISTENER, T_A, T_B, T_C = range(4)
SYN, RST, ACK, FIN, PSH = 0x02, 0x04, 0x10, 0x01, 0x08
RECV, SEND, SHUT_WR, SHUT_RD, CLOSE, ACCEPT, FILL = 1, 2, 3, 4, 5, 6, 7


def rec(target, flags, seq_off=0, ack_off=0, win=65535, opts=b"", data=b"", call=0, adv=0,
        doff=0, port=0, icmp_err=False):
    """One record; the harness generates the payload, only its length counts."""
    assert len(opts) % 4 == 0 and len(opts) <= 40 and len(data) <= 255
    ctl = target | (4 if icmp_err else 0) | call << 3 | adv << 6
    return struct.pack("!BBhhHBBB", ctl, flags, seq_off, ack_off, win,
                       doff << 4 | len(opts) // 4, len(data), port) + opts


def sack(*blocks):
    body = b"".join(struct.pack("!II", a, b) for a, b in blocks)
    return b"\x01\x01\x05" + bytes([2 + len(body)]) + body


def prologue(isn_a=0x11111111, isn_b=0xFFFFFF00, opt_a=0x07 | 2 << 4, opt_b=0x07 | 7 << 4, bufs=0):
    return struct.pack("!IIBBB", isn_a, isn_b, opt_a, opt_b, bufs)


def tcp_seeds():
    d = bytes(range(48, 48 + 100))
    return {
        "scene_only": prologue(),
        "scene_no_options": prologue(opt_a=0, opt_b=0x08),
        "a_data_recv_fin": prologue() + rec(T_A, ACK | PSH, data=d, call=RECV)
        + rec(T_A, ACK | FIN, seq_off=100, call=CLOSE) + rec(T_A, ACK, seq_off=101, ack_off=1),
        "a_out_of_order": prologue() + rec(T_A, ACK, seq_off=200, data=d)
        + rec(T_A, ACK, seq_off=100, data=d) + rec(T_A, ACK, data=d, call=RECV),
        "b_send_acked": prologue() + rec(T_B, ACK, call=SEND, data=b"\x40" * 4)
        + rec(T_B, ACK, ack_off=65, adv=1),
        "b_send_sack_loss": prologue() + rec(T_B, ACK, call=FILL)
        + rec(T_B, ACK, opts=sack((1448, 2896), (4344, 5792)), adv=1)
        + rec(T_B, ACK, ack_off=1448, adv=2),
        "b_zero_window_persist": prologue() + rec(T_B, ACK, win=0, call=FILL, adv=2)
        + rec(T_B, ACK, win=0, adv=3) + rec(T_B, ACK, win=4096, adv=2),
        "b_fast_retransmit": prologue() + rec(T_B, ACK, call=FILL) + rec(T_B, ACK, ack_off=1460)
        + rec(T_B, ACK) * 4 + rec(T_B, ACK, ack_off=2920) + rec(T_B, ACK, ack_off=30000, adv=1),
        "b_sack_recovery": prologue() + rec(T_B, ACK, call=FILL) + rec(T_B, ACK, ack_off=1460)
        + rec(T_B, ACK, opts=sack((1460, 2920)))
        + rec(T_B, ACK, opts=sack((1460, 4380)))
        + rec(T_B, ACK, opts=sack((1460, 5840)))
        + rec(T_B, ACK, opts=sack((1460, 7300)), adv=1) + rec(T_B, ACK, ack_off=7300, adv=2),
        "a_small_rcvbuf": prologue(bufs=0x11) + rec(T_A, ACK, seq_off=255, data=bytes(255))
        + b"".join(rec(T_A, ACK, seq_off=255 * i, data=bytes(255)) for i in (0, 2, 3, 4, 5, 6, 7, 8, 9))
        + rec(T_A, ACK, call=RECV) + rec(T_A, ACK, seq_off=2295, data=bytes(255), call=RECV),
        "b_small_sndbuf": prologue(bufs=0x10, opt_b=0x01) + rec(T_B, ACK, call=FILL)
        + rec(T_B, ACK, ack_off=536, win=1000, call=FILL) + rec(T_B, ACK, ack_off=1000, adv=2),
        "b_close_then_fin": prologue() + rec(T_B, ACK, call=CLOSE)
        + rec(T_B, ACK | FIN, ack_off=1, adv=1),
        "listener_handshake_accept": prologue() + rec(T_LISTENER, SYN, opts=tcp_opts_syn(), port=3)
        + rec(T_LISTENER, ACK, port=3, call=ACCEPT) + rec(T_LISTENER, ACK | PSH, data=d, port=3),
        "listener_rst_syn_flood": prologue() + b"".join(rec(T_LISTENER, SYN, port=p) for p in range(6))
        + rec(T_LISTENER, RST, port=2, adv=2),
        "c_synack": prologue() + rec(T_C, SYN | ACK, ack_off=1, opts=tcp_opts_syn(), call=SEND),
        "c_rst": prologue() + rec(T_C, RST | ACK, ack_off=1),
        "c_simultaneous_open": prologue() + rec(T_C, SYN, opts=tcp_opts_syn()) + rec(T_C, ACK, ack_off=1),
        "a_rst_in_window": prologue() + rec(T_A, RST, seq_off=10) + rec(T_A, RST),
        "a_shutdown_both": prologue() + rec(T_A, ACK, call=SHUT_WR) + rec(T_A, ACK | FIN, ack_off=1)
        + rec(T_A, ACK, data=d, call=SHUT_RD, adv=1),
        "b_bad_doff": prologue() + rec(T_B, ACK, doff=15, data=d) + rec(T_B, ACK, doff=3),
        "icmp_errors": prologue() + rec(T_C, 0x01, icmp_err=True) + rec(T_B, ACK, call=SEND)
        + rec(T_B, 0x03, icmp_err=True) + rec(T_B, 0x10, icmp_err=True, adv=3)
        + rec(T_LISTENER, SYN, port=1) + rec(T_LISTENER, 0x01, ack_off=-1, port=1, icmp_err=True),
    }


def arp_ip_seeds():
    def frame(fix, f):
        assert len(f) < 256
        return bytes([fix, len(f)]) + f

    def send(x, n=8):
        return bytes([0x40 | (n - 1), x])

    def wait(quarters):
        return bytes([0x80 | (quarters - 1)])

    host7 = bytes.fromhex("020000000007")
    reply7 = eth(OUR_MAC, 0x0806, arp(2, host7, FAR_IP, OUR_MAC, OUR_IP), src=host7)
    echo = icmp(8, 0, struct.pack("!HH", 1, 1), b"ping")
    return {
        "resolve_then_reply": send(7) + send(7) + frame(0, reply7) + send(7),
        "give_up_unreachable": send(9) + send(9, 30) + wait(20),
        "gateway_and_stale": send(0) + wait(64) + send(0) + wait(64) + wait(64) + send(0),
        "echo_from_unknown": frame(3, eth(OUR_MAC, 0x0800, ip(1, echo, src=FAR_IP)))
        + frame(0, reply7) + wait(4),
        "fill_the_cache": b"".join(send(x, 1) for x in range(20, 60)) + wait(8),
        "delete_and_bounce": send(7) + bytes([0xc1, 7]) + send(2) + bytes([0xc2]) + send(2),
    }


def dhcp_seeds():
    """Server replies for fuzz_dhcp's client on eth1 (10.0.3.15/24 offered)."""
    def msg(typ, opts=b"", yiaddr=bytes([10, 0, 3, 15]), overload=None):
        m = struct.pack("!BBBBIHH", 2, 1, 6, 0, 0, 0, 0) + bytes(4) + yiaddr + bytes(8)
        m += bytes.fromhex("525400123457") + bytes(10) + bytes(64)
        m += (overload or bytes(128)) + struct.pack("!I", 0x63825363)
        return m + bytes([53, 1, typ]) + opts + b"\xff"

    def opt(code, val):
        return bytes([code, len(val)]) + val

    def reply(m, ctl=0x03):
        return bytes([ctl]) + struct.pack("!H", len(m)) + m

    def wait_timer():
        return bytes([0xa0])

    full = (opt(54, PEER_IP) + opt(1, bytes([255, 255, 255, 0])) + opt(3, bytes([10, 0, 3, 1]))
            + opt(6, bytes([10, 0, 2, 3, 10, 0, 2, 4])) + opt(51, struct.pack("!I", 120)))
    t1t2 = opt(58, struct.pack("!I", 30)) + opt(59, struct.pack("!I", 60))
    offer, ack, nak = msg(2, full), msg(5, full), msg(6, opt(54, PEER_IP))
    file_opts = opt(51, struct.pack("!I", 600)) + b"\xff"
    overloaded = msg(5, opt(54, PEER_IP) + opt(52, b"\x01"),
                     overload=file_opts + bytes(128 - len(file_opts)))
    return {
        "lease": reply(offer) + reply(ack),
        "lease_then_timers": reply(offer) + reply(msg(5, full + t1t2)) + wait_timer()
        + wait_timer() + reply(ack) + wait_timer() + wait_timer() + wait_timer(),
        "nak_restart": reply(offer) + reply(nak) + reply(offer) + reply(ack),
        "renew_and_release": reply(offer) + reply(ack) + bytes([0xc1]) + reply(ack, 0x07)
        + bytes([0xc2]),
        "no_offer": wait_timer() * 5,
        "overload": reply(offer) + reply(overloaded),
        "unpatched": reply(offer, 0x00) + reply(ack, 0x02),
    }


def icmp_seeds():
    """fuzz_icmp: a control byte (0x01 checksum computed, 0x02/0x04 the
    harness quotes our TCP SYN / UDP datagram, 0x08 time passes) and the
    ICMP message; with a quote, the bytes after the first 8 are XORed over it."""
    quote = bytes(28)  # XOR mask: the quote as the harness built it
    return {
        "echo_request": b"\x01" + icmp(8, 0, b"\x12\x34\x00\x01", b"ping payload"),
        "echo_reply_stray": b"\x01" + icmp(0, 0, b"\x43\x21\x00\x07", b"x" * 8),
        "timestamp": b"\x01" + icmp(13, 0, b"\x00\x01\x00\x01", bytes(12)),
        "bad_checksum": b"\x00" + icmp(8, 0, b"\x00\x01\x00\x01", b"abcd")[:2] + b"\xde\xad" +
        b"\x00\x01\x00\x01abcd",
        "port_unreach_udp": b"\x05" + icmp(3, 3, bytes(4), quote),
        "host_unreach_tcp": b"\x0b" + icmp(3, 1, bytes(4), quote),
        "frag_needed_tcp": b"\x03" + icmp(3, 4, b"\x00\x00\x02\x40", quote),
        "prot_unreach_tcp": b"\x03" + icmp(3, 2, bytes(4), quote),
        "time_exceeded_udp": b"\x05" + icmp(11, 0, bytes(4), quote),
        "param_problem_tcp": b"\x03" + icmp(12, 0, b"\x14\x00\x00\x00", quote),
        "redirect_tcp": b"\x03" + icmp(5, 1, b"\x0a\x00\x02\x03", quote),
        "source_quench_tcp": b"\x03" + icmp(4, 0, bytes(4), quote),
        "truncated_quote": b"\x01" + icmp(3, 3, bytes(4), bytes(10)),
    }


def write(target, seeds):
    out = os.path.join(HERE, "corpus", target)
    os.makedirs(out, exist_ok=True)
    for name, blob in seeds.items():
        with open(os.path.join(out, name), "wb") as f:
            f.write(blob)


def main():
    write("rx", {k: bytes([c]) + f for k, (c, f) in rx_seeds().items()})
    write("tcp", tcp_seeds())
    write("arp_ip", arp_ip_seeds())
    write("dhcp", dhcp_seeds())
    write("icmp", icmp_seeds())


if __name__ == "__main__":
    main()
