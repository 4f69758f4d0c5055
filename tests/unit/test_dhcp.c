/*
 * The DHCP client's protocol (net/dhcp_proto.c) against crafted server
 * replies: offer, ack, nak, wrong xid, missing, malformed, truncated and
 * overloaded options, retransmission, T1/T2/expiry, release.
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <cmocka.h>

#include "net/dhcp_proto.h"
#include "tests/unit/support/dhcp_reply.h"

/* Parses buf and hands it to c: dhcp_client_input's result, or the parser's. */
static int feed(struct dhcp_client *c, const uint8_t *buf, size_t len, uint64_t now,
		struct dhcp_action *act)
{
	struct dhcp_reply r;
	int err = dhcp_parse_reply(buf, len, &r);

	if (err) {
		memset(act, 0, sizeof(*act));
		return err;
	}
	return dhcp_client_input(c, &r, now, act);
}

/* The value of option `code` in the options of a message we built, or NULL. */
static const uint8_t *find_opt(const struct dhcp_msg *m, size_t len, uint8_t code, uint8_t *olen)
{
	size_t i = 0, n = len - DHCP_MIN_LEN;

	while (i < n && m->options[i] != DHCP_OPT_END) {
		if (m->options[i] == DHCP_OPT_PAD) {
			i++;
			continue;
		}
		if (m->options[i] == code) {
			*olen = m->options[i + 1];
			return &m->options[i + 2];
		}
		i += 2 + m->options[i + 1];
	}
	return NULL;
}

static uint32_t opt_addr(const struct dhcp_msg *m, size_t len, uint8_t code)
{
	uint8_t olen = 0;
	const uint8_t *v = find_opt(m, len, code, &olen);
	uint32_t a;

	if (!v || olen != 4)
		return 0;
	memcpy(&a, v, 4);
	return a;
}

static void client_init(struct dhcp_client *c) { dhcp_client_init(c, mac, "menuos"); }

/* A client driven to BOUND with the options in `which` (lease from t0). */
static void bind_client(struct dhcp_client *c, uint64_t t0, unsigned int which)
{
	struct dhcp_action act;
	uint8_t buf[600];

	client_init(c);
	dhcp_client_start(c, t0, &act);
	assert_int_equal(feed(c, buf, reply(buf, DHCPOFFER, c->xid, O_ALL), t0 + 10, &act), 0);
	assert_int_equal(feed(c, buf, reply(buf, DHCPACK, c->xid, which), t0 + 20, &act), 0);
	assert_int_equal(c->state, DHCP_BOUND);
	assert_true(act.configure);
}

static void test_discover_message(void **state)
{
	struct dhcp_client c;
	struct dhcp_action act;
	struct dhcp_msg m;
	uint8_t olen;
	const uint8_t *v;
	size_t len;

	(void)state;
	client_init(&c);
	dhcp_client_start(&c, 5000, &act);
	assert_int_equal(c.state, DHCP_SELECTING);
	assert_int_equal(act.send, DHCPDISCOVER);
	assert_true(act.broadcast);
	assert_false(act.configure || act.deconfigure || act.failed);
	len = dhcp_build_msg(&c, DHCPDISCOVER, 7000, &m);
	assert_true(len >= DHCP_MIN_LEN && len <= sizeof(m));
	assert_int_equal(m.op, BOOTREQUEST);
	assert_int_equal(m.htype, 1);
	assert_int_equal(m.hlen, 6);
	assert_int_equal(m.xid, c.xid);
	assert_int_equal(ntohs(m.secs), 2);
	assert_int_equal(ntohs(m.flags), DHCP_FLAG_BROADCAST);
	assert_int_equal(m.ciaddr, 0);
	assert_memory_equal(m.chaddr, mac, 6);
	assert_int_equal(ntohl(m.cookie), DHCP_MAGIC);
	v = find_opt(&m, len, DHCP_OPT_MSG_TYPE, &olen);
	assert_non_null(v);
	assert_int_equal(olen, 1);
	assert_int_equal(v[0], DHCPDISCOVER);
	v = find_opt(&m, len, DHCP_OPT_CLIENT_ID, &olen); /* RFC 2132 9.14 */
	assert_non_null(v);
	assert_int_equal(olen, 7);
	assert_int_equal(v[0], 1);
	assert_memory_equal(v + 1, mac, 6);
	v = find_opt(&m, len, DHCP_OPT_HOSTNAME, &olen);
	assert_non_null(v);
	assert_int_equal(olen, 6);
	assert_memory_equal(v, "menuos", 6);
	v = find_opt(&m, len, DHCP_OPT_PARAM_REQUEST, &olen);
	assert_non_null(v);
	assert_non_null(memchr(v, DHCP_OPT_ROUTER, olen));
	assert_non_null(memchr(v, DHCP_OPT_DNS, olen));
	assert_null(find_opt(&m, len, DHCP_OPT_REQUESTED_IP, &olen));
	assert_null(find_opt(&m, len, DHCP_OPT_SERVER_ID, &olen));
}

static void test_offer_request_ack(void **state)
{
	struct dhcp_client c;
	struct dhcp_action act;
	struct dhcp_msg m;
	uint8_t buf[600];
	uint32_t xid;
	size_t len;

	(void)state;
	client_init(&c);
	dhcp_client_start(&c, 1000, &act);
	xid = c.xid;
	assert_int_equal(feed(&c, buf, reply(buf, DHCPOFFER, xid, O_ALL), 1100, &act), 0);
	assert_int_equal(c.state, DHCP_REQUESTING);
	assert_int_equal(act.send, DHCPREQUEST);
	assert_true(act.broadcast);
	assert_false(act.configure);
	/* RFC 2131 4.3.2: the offered address and the server in 50 and 54, ciaddr 0, same xid */
	len = dhcp_build_msg(&c, DHCPREQUEST, 1100, &m);
	assert_int_equal(m.xid, xid);
	assert_int_equal(m.ciaddr, 0);
	assert_int_equal(opt_addr(&m, len, DHCP_OPT_REQUESTED_IP), ip("10.0.2.15"));
	assert_int_equal(opt_addr(&m, len, DHCP_OPT_SERVER_ID), ip("10.0.2.2"));
	/* a second offer is not for REQUESTING */
	assert_int_equal(feed(&c, buf, reply(buf, DHCPOFFER, xid, O_ALL), 1150, &act), -EPROTO);
	assert_int_equal(feed(&c, buf, reply(buf, DHCPACK, xid, O_ALL), 1200, &act), 0);
	assert_int_equal(c.state, DHCP_BOUND);
	assert_true(act.configure);
	assert_int_equal(act.send, 0);
	assert_int_equal(c.lease.addr, ip("10.0.2.15"));
	assert_int_equal(c.lease.netmask, ip("255.255.255.0"));
	assert_int_equal(c.lease.router, ip("10.0.2.2"));
	assert_int_equal(c.lease.server, ip("10.0.2.2"));
	assert_int_equal(c.lease.ndns, 2);
	assert_int_equal(c.lease.dns[0], ip("10.0.2.3"));
	assert_int_equal(c.lease.dns[1], ip("10.0.2.4"));
	/* RFC 2131 4.4.1: the lease counts from the request; 4.4.5: T1 1/2, T2 7/8 */
	assert_int_equal(c.expiry_ms, 1100 + LEASE_S * 1000ull);
	assert_int_equal(c.t1_ms, 1100 + LEASE_S * 500ull);
	assert_int_equal(c.t2_ms, 1100 + LEASE_S * 875ull);
	assert_int_equal(dhcp_client_next_timer(&c), c.t1_ms);
	/* BOUND discards what comes now */
	assert_int_equal(feed(&c, buf, reply(buf, DHCPACK, xid, O_ALL), 1300, &act), -EPROTO);
	assert_int_equal(feed(&c, buf, reply(buf, DHCPNAK, xid, O_SERVER), 1300, &act), -EPROTO);
	assert_int_equal(c.state, DHCP_BOUND);
}

static void test_wrong_xid_or_chaddr_ignored(void **state)
{
	struct dhcp_client c;
	struct dhcp_action act;
	uint8_t buf[600];
	size_t len;

	(void)state;
	client_init(&c);
	dhcp_client_start(&c, 1000, &act);
	assert_int_equal(feed(&c, buf, reply(buf, DHCPOFFER, c.xid + 1, O_ALL), 1100, &act),
			 -ESRCH);
	assert_int_equal(c.state, DHCP_SELECTING);
	assert_int_equal(act.send, 0);
	len = reply(buf, DHCPOFFER, c.xid, O_ALL);
	((struct dhcp_msg *)buf)->chaddr[5] ^= 1; /* another client's */
	assert_int_equal(feed(&c, buf, len, 1100, &act), -ESRCH);
	assert_int_equal(c.state, DHCP_SELECTING);
	/* an ack or nak is not what SELECTING waits for */
	assert_int_equal(feed(&c, buf, reply(buf, DHCPACK, c.xid, O_ALL), 1100, &act), -EPROTO);
	assert_int_equal(feed(&c, buf, reply(buf, DHCPNAK, c.xid, O_SERVER), 1100, &act), -EPROTO);
	assert_int_equal(c.state, DHCP_SELECTING);
	/* an ack from another server than the one requested */
	assert_int_equal(feed(&c, buf, reply(buf, DHCPOFFER, c.xid, O_ALL), 1100, &act), 0);
	len = reply_extra(buf, DHCPACK, c.xid, "10.0.2.15", O_ALL & ~O_SERVER,
			  (const uint8_t[]){DHCP_OPT_SERVER_ID, 4, 10, 0, 2, 9}, 6);
	assert_int_equal(feed(&c, buf, len, 1200, &act), -EINVAL);
	assert_int_equal(c.state, DHCP_REQUESTING);
}

static void test_nak_restarts(void **state)
{
	struct dhcp_client c;
	struct dhcp_action act;
	uint8_t buf[600];
	uint32_t xid;

	(void)state;
	client_init(&c);
	dhcp_client_start(&c, 1000, &act);
	xid = c.xid;
	assert_int_equal(feed(&c, buf, reply(buf, DHCPOFFER, xid, O_ALL), 1100, &act), 0);
	assert_int_equal(feed(&c, buf, reply(buf, DHCPNAK, xid, O_SERVER), 1200, &act), 0);
	/* RFC 2131 4.4.1: back to INIT, a new discovery with a new xid */
	assert_int_equal(c.state, DHCP_SELECTING);
	assert_int_equal(act.send, DHCPDISCOVER);
	assert_false(act.deconfigure); /* nothing was configured yet */
	assert_int_not_equal(c.xid, xid);

	/* a NAK to a renewal takes the address away */
	bind_client(&c, 1000, O_ALL);
	dhcp_client_renew(&c, 5000, &act);
	assert_int_equal(c.state, DHCP_RENEWING);
	assert_int_equal(act.send, DHCPREQUEST);
	assert_false(act.broadcast);
	assert_int_equal(feed(&c, buf, reply(buf, DHCPNAK, c.xid, O_SERVER), 5100, &act), 0);
	assert_true(act.deconfigure);
	assert_int_equal(act.send, DHCPDISCOVER);
	assert_int_equal(c.state, DHCP_SELECTING);
	assert_false(c.bound);
}

static void test_missing_options(void **state)
{
	struct dhcp_client c;
	struct dhcp_action act;
	struct dhcp_reply r;
	uint8_t buf[600];

	(void)state;
	client_init(&c);
	dhcp_client_start(&c, 1000, &act);
	/* no message type: BOOTP, not DHCP */
	assert_int_equal(dhcp_parse_reply(buf, reply(buf, 0, c.xid, O_ALL), &r), -EINVAL);
	/* RFC 2131 table 3: an offer names its server, and has an address */
	assert_int_equal(feed(&c, buf, reply(buf, DHCPOFFER, c.xid, O_ALL & ~O_SERVER), 1100, &act),
			 -EINVAL);
	assert_int_equal(feed(&c, buf,
			      reply_extra(buf, DHCPOFFER, c.xid, "0.0.0.0", O_ALL, NULL, 0), 1100,
			      &act),
			 -EINVAL);
	assert_int_equal(c.state, DHCP_SELECTING);
	/* an offer with the server id only */
	assert_int_equal(feed(&c, buf, reply(buf, DHCPOFFER, c.xid, O_SERVER), 1100, &act), 0);
	/* an ack without a lease time is refused (table 3: MUST) */
	assert_int_equal(feed(&c, buf, reply(buf, DHCPACK, c.xid, O_SERVER), 1200, &act), -EINVAL);
	assert_int_equal(c.state, DHCP_REQUESTING);
	/* no mask, router, DNS or server id: the class A mask, no router, the offer's server */
	assert_int_equal(feed(&c, buf, reply(buf, DHCPACK, c.xid, O_LEASE), 1200, &act), 0);
	assert_int_equal(c.state, DHCP_BOUND);
	assert_int_equal(c.lease.netmask, ip("255.0.0.0"));
	assert_int_equal(c.lease.router, 0);
	assert_int_equal(c.lease.ndns, 0);
	assert_int_equal(c.lease.server, ip("10.0.2.2"));
	/* the class of the address gives the mask: B and C too */
	client_init(&c);
	dhcp_client_start(&c, 1000, &act);
	assert_int_equal(feed(&c, buf,
			      reply_extra(buf, DHCPOFFER, c.xid, "172.16.1.2", O_SERVER, NULL, 0),
			      1100, &act),
			 0);
	assert_int_equal(c.offer.netmask, ip("255.255.0.0"));
	client_init(&c);
	dhcp_client_start(&c, 1000, &act);
	assert_int_equal(feed(&c, buf,
			      reply_extra(buf, DHCPOFFER, c.xid, "192.168.1.2", O_SERVER, NULL, 0),
			      1100, &act),
			 0);
	assert_int_equal(c.offer.netmask, ip("255.255.255.0"));
}

static void test_malformed_options(void **state)
{
	static const struct {
		const char *what;
		uint8_t bytes[8];
		size_t len;
	} bad[] = {
		{"mask of 3 bytes", {DHCP_OPT_SUBNET_MASK, 3, 255, 255, 255}, 5},
		{"router of 5 bytes", {DHCP_OPT_ROUTER, 5, 10, 0, 2, 2, 1}, 7},
		{"DNS of 2 bytes", {DHCP_OPT_DNS, 2, 10, 0}, 4},
		{"message type of 2 bytes", {DHCP_OPT_MSG_TYPE, 2, 2, 2}, 4},
		{"lease of 2 bytes", {DHCP_OPT_LEASE_TIME, 2, 0, 1}, 4},
		{"server id of 0 bytes", {DHCP_OPT_SERVER_ID, 0}, 2},
		{"overload 4", {DHCP_OPT_OVERLOAD, 1, 4}, 3},
	};
	struct dhcp_reply r;
	uint8_t buf[600];
	size_t i, len, cut;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		print_message("%s\n", bad[i].what);
		len = reply_extra(buf, DHCPOFFER, 1, "10.0.2.15", O_ALL, bad[i].bytes, bad[i].len);
		assert_int_equal(dhcp_parse_reply(buf, len, &r), -EINVAL);
	}
	/* not a reply, not Ethernet, no cookie */
	len = reply(buf, DHCPOFFER, 1, O_ALL);
	buf[0] = BOOTREQUEST;
	assert_int_equal(dhcp_parse_reply(buf, len, &r), -EINVAL);
	len = reply(buf, DHCPOFFER, 1, O_ALL);
	buf[2] = 16;
	assert_int_equal(dhcp_parse_reply(buf, len, &r), -EINVAL);
	len = reply(buf, DHCPOFFER, 1, O_ALL);
	((struct dhcp_msg *)buf)->cookie = 0;
	assert_int_equal(dhcp_parse_reply(buf, len, &r), -EINVAL);
	/*
	 * Every truncation of a valid offer: shorter than header and cookie, or
	 * an option cut in its length or value, is refused; cut after the last
	 * complete option it parses (a field may end without the end option).
	 * ASan sees any read past `cut`.
	 */
	len = reply(buf, DHCPOFFER, 1, O_ALL | O_T1T2);
	for (cut = 0; cut < len; cut++) {
		uint8_t *copy = malloc(cut ? cut : 1);
		int err;

		memcpy(copy, buf, cut);
		err = dhcp_parse_reply(copy, cut, &r);
		if (cut < DHCP_MIN_LEN + 3) /* up to the cookie and option 53 */
			assert_int_equal(err, -EINVAL);
		else if (err == 0)
			assert_int_equal(r.type, DHCPOFFER);
		free(copy);
	}
	/* an option whose length runs past the end of the datagram */
	len = reply(buf, DHCPOFFER, 1, O_ALL);
	buf[len - 1] = DHCP_OPT_DNS; /* instead of the end option ... */
	buf[len] = 200;		     /* ... a DNS list longer than what follows */
	assert_int_equal(dhcp_parse_reply(buf, len + 1, &r), -EINVAL);
	/* pad options, unknown options and no end option are fine */
	len = reply_extra(buf, DHCPOFFER, 1, "10.0.2.15", O_ALL,
			  (const uint8_t[]){0, 0, 200, 2, 1, 2, 0}, 7);
	assert_int_equal(dhcp_parse_reply(buf, len - 1, &r), 0);
	assert_int_equal(r.have & (DHCP_HAVE_MASK | DHCP_HAVE_SERVER | DHCP_HAVE_LEASE),
			 DHCP_HAVE_MASK | DHCP_HAVE_SERVER | DHCP_HAVE_LEASE);
	/* more DNS servers than kept: the first three */
	len = reply_extra(
		buf, DHCPOFFER, 1, "10.0.2.15", 0,
		(const uint8_t[]){DHCP_OPT_DNS, 16, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4},
		18);
	assert_int_equal(dhcp_parse_reply(buf, len, &r), 0);
	assert_int_equal(r.ndns, 3);
	assert_int_equal(r.dns[2], ip("3.3.3.3"));
}

static void test_option_overload(void **state)
{
	uint8_t buf[600];
	struct dhcp_msg *m = (struct dhcp_msg *)buf;
	struct dhcp_reply r;
	size_t len;
	uint8_t *p;

	(void)state;
	/* RFC 2132 9.3: 52 = 3, options go on in file, then in sname */
	len = reply_extra(buf, DHCPACK, 7, "10.0.2.15", O_SERVER,
			  (const uint8_t[]){DHCP_OPT_OVERLOAD, 1, 3}, 3);
	p = m->file;
	p += put32(p, DHCP_OPT_SUBNET_MASK, ip("255.255.0.0"));
	p += put32(p, DHCP_OPT_LEASE_TIME, htonl(600));
	*p = DHCP_OPT_END;
	p = m->sname;
	p += put32(p, DHCP_OPT_ROUTER, ip("10.0.2.1"));
	/* sname: the later field wins over file for the mask; 52 inside is ignored */
	p += put32(p, DHCP_OPT_SUBNET_MASK, ip("255.255.255.128"));
	p += put(p, DHCP_OPT_OVERLOAD, (const uint8_t[]){1}, 1);
	assert_int_equal(dhcp_parse_reply(buf, len, &r), 0);
	assert_int_equal(r.type, DHCPACK);
	assert_int_equal(r.lease_s, 600);
	assert_int_equal(r.router, ip("10.0.2.1"));
	assert_int_equal(r.netmask, ip("255.255.255.128"));
	/* without option 52 the file and sname fields are not options */
	len = reply(buf, DHCPACK, 7, O_SERVER);
	p = m->file;
	put32(p, DHCP_OPT_LEASE_TIME, htonl(600));
	assert_int_equal(dhcp_parse_reply(buf, len, &r), 0);
	assert_false(r.have & DHCP_HAVE_LEASE);
	/* 52 = 1: only file; an option cut at the end of the field is malformed */
	len = reply_extra(buf, DHCPACK, 7, "10.0.2.15", O_SERVER,
			  (const uint8_t[]){DHCP_OPT_OVERLOAD, 1, 1}, 3);
	memset(m->file, 0, DHCP_FILE_LEN);
	m->file[DHCP_FILE_LEN - 3] = DHCP_OPT_LEASE_TIME;
	m->file[DHCP_FILE_LEN - 2] = 4;
	assert_int_equal(dhcp_parse_reply(buf, len, &r), -EINVAL);
}

static void test_retransmission_backoff_then_no_offer(void **state)
{
	/* RFC 2131 4.1: 4, 8, 16, 32 s, each +-1 s */
	static const uint64_t nominal[] = {4000, 8000, 16000, 32000};
	struct dhcp_client c;
	struct dhcp_action act;
	uint64_t now = 1000, next;
	uint32_t xid;
	int i;

	(void)state;
	client_init(&c);
	dhcp_client_start(&c, now, &act);
	xid = c.xid;
	for (i = 0; i < DHCP_MAX_TRIES; i++) {
		next = dhcp_client_next_timer(&c);
		assert_in_range(next - now, nominal[i] - 1000, nominal[i] + 1000);
		/* early: nothing */
		dhcp_client_timer(&c, next - 1, &act);
		assert_int_equal(act.send, 0);
		now = next;
		dhcp_client_timer(&c, now, &act);
		if (i < DHCP_MAX_TRIES - 1) {
			assert_int_equal(act.send, DHCPDISCOVER);
			assert_true(act.broadcast);
			assert_int_equal(c.xid, xid); /* a retransmission keeps its xid */
		}
	}
	assert_int_equal(act.send, 0);
	assert_true(act.failed);
	assert_int_equal(c.state, DHCP_FAILED);
	assert_int_equal(dhcp_client_next_timer(&c), 0);
}

static void test_request_unanswered_restarts(void **state)
{
	struct dhcp_client c;
	struct dhcp_action act;
	uint8_t buf[600];
	uint64_t now = 1000;
	int sent = 1;

	(void)state;
	client_init(&c);
	dhcp_client_start(&c, now, &act);
	assert_int_equal(feed(&c, buf, reply(buf, DHCPOFFER, c.xid, O_ALL), now, &act), 0);
	while (c.state == DHCP_REQUESTING) {
		now = dhcp_client_next_timer(&c);
		dhcp_client_timer(&c, now, &act);
		if (act.send == DHCPREQUEST)
			sent++;
	}
	/* RFC 2131 3.1.5: no ack after the retransmissions: INIT again */
	assert_int_equal(sent, DHCP_MAX_TRIES);
	assert_int_equal(c.state, DHCP_SELECTING);
	assert_int_equal(act.send, DHCPDISCOVER);
}

static void test_t1_renew_t2_rebind_expiry(void **state)
{
	struct dhcp_client c;
	struct dhcp_action act;
	struct dhcp_msg m;
	uint64_t t0 = 1000, sent = t0 + 10;
	uint8_t olen;
	size_t len;

	(void)state;
	bind_client(&c, t0, O_ALL | O_T1T2); /* T1 1000 s, T2 2000 s, lease 3600 s */
	assert_int_equal(c.t1_ms, sent + 1000000);
	assert_int_equal(c.t2_ms, sent + 2000000);
	assert_int_equal(c.expiry_ms, sent + 3600000);
	dhcp_client_timer(&c, c.t1_ms - 1, &act);
	assert_int_equal(act.send, 0);
	/* T1: RENEWING, unicast, ciaddr, no 50/54 (RFC 2131 4.3.2) */
	dhcp_client_timer(&c, c.t1_ms, &act);
	assert_int_equal(c.state, DHCP_RENEWING);
	assert_int_equal(act.send, DHCPREQUEST);
	assert_false(act.broadcast);
	len = dhcp_build_msg(&c, DHCPREQUEST, c.t1_ms, &m);
	assert_int_equal(m.ciaddr, ip("10.0.2.15"));
	assert_int_equal(m.flags, 0);
	assert_null(find_opt(&m, len, DHCP_OPT_REQUESTED_IP, &olen));
	assert_null(find_opt(&m, len, DHCP_OPT_SERVER_ID, &olen));
	/* 4.4.5: retransmit after half the time to T2 (500 s) */
	assert_int_equal(dhcp_client_next_timer(&c), c.t1_ms + 500000);
	dhcp_client_timer(&c, c.t1_ms + 500000, &act);
	assert_int_equal(act.send, DHCPREQUEST);
	assert_false(act.broadcast);
	/* then 250 s; below 60 s it waits 60 s, but never past T2 */
	assert_int_equal(dhcp_client_next_timer(&c), c.t1_ms + 750000);
	dhcp_client_timer(&c, c.t2_ms - 30000, &act);
	assert_int_equal(dhcp_client_next_timer(&c), c.t2_ms);
	/* T2: REBINDING, broadcast */
	dhcp_client_timer(&c, c.t2_ms, &act);
	assert_int_equal(c.state, DHCP_REBINDING);
	assert_int_equal(act.send, DHCPREQUEST);
	assert_true(act.broadcast);
	assert_int_equal(dhcp_client_next_timer(&c), c.t2_ms + 800000); /* half of 1600 s */
	/* expiry: the address goes, discovery starts over */
	dhcp_client_timer(&c, c.expiry_ms, &act);
	assert_true(act.deconfigure);
	assert_int_equal(act.send, DHCPDISCOVER);
	assert_int_equal(c.state, DHCP_SELECTING);
	assert_false(c.bound);
}

static void test_renewal_ack_extends(void **state)
{
	struct dhcp_client c;
	struct dhcp_action act;
	uint8_t buf[600];
	uint64_t t1;

	(void)state;
	bind_client(&c, 1000, O_ALL);
	t1 = c.t1_ms;
	dhcp_client_timer(&c, t1, &act);
	assert_int_equal(c.state, DHCP_RENEWING);
	/* an ack for the old transaction is not this one */
	assert_int_equal(feed(&c, buf, reply(buf, DHCPACK, c.xid ^ 1, O_ALL), t1 + 5, &act),
			 -ESRCH);
	assert_int_equal(feed(&c, buf, reply(buf, DHCPACK, c.xid, O_ALL), t1 + 5, &act), 0);
	assert_int_equal(c.state, DHCP_BOUND);
	assert_true(act.configure);
	assert_int_equal(c.expiry_ms, t1 + LEASE_S * 1000ull);
	assert_int_equal(c.t1_ms, t1 + LEASE_S * 500ull);

	/* in REBINDING any server may answer; an ack then binds again */
	dhcp_client_timer(&c, c.t1_ms, &act);
	dhcp_client_timer(&c, c.t2_ms, &act);
	assert_int_equal(c.state, DHCP_REBINDING);
	assert_int_equal(feed(&c, buf, reply(buf, DHCPACK, c.xid, O_ALL), c.t2_ms + 1, &act), 0);
	assert_int_equal(c.state, DHCP_BOUND);
}

static void test_lease_times_checked(void **state)
{
	struct dhcp_client c;
	struct dhcp_action act;
	uint8_t buf[600];

	(void)state;
	/* T1 beyond T2: RFC 2131 4.4.5's defaults instead */
	client_init(&c);
	dhcp_client_start(&c, 0, &act);
	feed(&c, buf, reply(buf, DHCPOFFER, c.xid, O_ALL), 0, &act);
	assert_int_equal(feed(&c, buf,
			      reply_extra(buf, DHCPACK, c.xid, "10.0.2.15", O_ALL,
					  (const uint8_t[]){DHCP_OPT_T1, 4, 0, 0, 0x0f, 0xa0,
							    DHCP_OPT_T2, 4, 0, 0, 0x03, 0xe8},
					  12),
			      0, &act),
			 0);
	assert_int_equal(c.lease.t1_s, LEASE_S / 2);
	assert_int_equal(c.lease.t2_s, LEASE_S * 7 / 8);
	/* a lease of 0 s is taken as DHCP_MIN_LEASE_S */
	client_init(&c);
	dhcp_client_start(&c, 0, &act);
	feed(&c, buf, reply(buf, DHCPOFFER, c.xid, O_ALL), 0, &act);
	assert_int_equal(feed(&c, buf,
			      reply_extra(buf, DHCPACK, c.xid, "10.0.2.15", O_ALL & ~O_LEASE,
					  (const uint8_t[]){DHCP_OPT_LEASE_TIME, 4, 0, 0, 0, 0}, 6),
			      0, &act),
			 0);
	assert_int_equal(c.lease.lease_s, DHCP_MIN_LEASE_S);
	assert_int_equal(c.expiry_ms, DHCP_MIN_LEASE_S * 1000);
	/* an infinite lease needs no timer */
	client_init(&c);
	dhcp_client_start(&c, 0, &act);
	feed(&c, buf, reply(buf, DHCPOFFER, c.xid, O_ALL), 0, &act);
	assert_int_equal(
		feed(&c, buf,
		     reply_extra(buf, DHCPACK, c.xid, "10.0.2.15", O_ALL & ~O_LEASE,
				 (const uint8_t[]){DHCP_OPT_LEASE_TIME, 4, 0xff, 0xff, 0xff, 0xff},
				 6),
		     0, &act),
		0);
	assert_int_equal(c.state, DHCP_BOUND);
	assert_int_equal(dhcp_client_next_timer(&c), 0);
}

static void test_release(void **state)
{
	struct dhcp_client c;
	struct dhcp_action act;
	struct dhcp_msg m;
	uint8_t olen;
	const uint8_t *v;
	size_t len;

	(void)state;
	bind_client(&c, 1000, O_ALL);
	assert_int_equal(dhcp_client_release(&c, &act), 0);
	assert_true(act.deconfigure);
	assert_int_equal(act.send, DHCPRELEASE);
	assert_false(act.broadcast); /* RFC 2131 4.4.6: unicast to the server */
	assert_int_equal(c.state, DHCP_OFF);
	len = dhcp_build_msg(&c, DHCPRELEASE, 2000, &m);
	assert_int_equal(m.ciaddr, ip("10.0.2.15"));
	assert_int_equal(opt_addr(&m, len, DHCP_OPT_SERVER_ID), ip("10.0.2.2"));
	v = find_opt(&m, len, DHCP_OPT_MSG_TYPE, &olen);
	assert_non_null(v);
	assert_int_equal(v[0], DHCPRELEASE);
	assert_null(find_opt(&m, len, DHCP_OPT_PARAM_REQUEST, &olen));
	assert_int_equal(dhcp_client_next_timer(&c), 0);
	/* nothing held: nothing to send */
	assert_int_equal(dhcp_client_release(&c, &act), -ENOENT);
	assert_int_equal(act.send, 0);
	assert_false(act.deconfigure);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_discover_message),
		cmocka_unit_test(test_offer_request_ack),
		cmocka_unit_test(test_wrong_xid_or_chaddr_ignored),
		cmocka_unit_test(test_nak_restarts),
		cmocka_unit_test(test_missing_options),
		cmocka_unit_test(test_malformed_options),
		cmocka_unit_test(test_option_overload),
		cmocka_unit_test(test_retransmission_backoff_then_no_offer),
		cmocka_unit_test(test_request_unanswered_restarts),
		cmocka_unit_test(test_t1_renew_t2_rebind_expiry),
		cmocka_unit_test(test_renewal_ack_extends),
		cmocka_unit_test(test_lease_times_checked),
		cmocka_unit_test(test_release),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
