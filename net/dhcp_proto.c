/*
 * The DHCP client's protocol: reply parsing (RFC 2131 2, RFC 2132),
 * message building (RFC 2131 4.4.1 table 5) and the client state machine
 * (RFC 2131 4.4, figure 5).  No stack in here: see net/dhcp_proto.h.
 */
#include <arpa/inet.h>

#include "net/dhcp_proto.h"
#include "net/platform.h"

/* ---- parsing ---- */

/* A 4-byte option value (address or seconds) as on the wire. */
static uint32_t opt_u32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

/*
 * Walks one options area (RFC 2132 2): pad and end have no length byte,
 * every other option a length and that many bytes, all inside the area.
 * *overload gets option 52's value when allow_overload (only the options
 * field may carry it, RFC 2132 9.3).
 */
static int parse_options(const uint8_t *p, size_t len, struct dhcp_reply *r, int allow_overload,
			 int *overload)
{
	size_t i = 0;

	while (i < len) {
		uint8_t code = p[i++], olen;
		const uint8_t *v;

		if (code == DHCP_OPT_PAD)
			continue;
		if (code == DHCP_OPT_END)
			return 0;
		if (i >= len)
			return -EINVAL; /* no length byte */
		olen = p[i++];
		if (olen > len - i)
			return -EINVAL; /* runs past the field */
		v = p + i;
		i += olen;
		switch (code) {
		case DHCP_OPT_MSG_TYPE:
			if (olen != 1)
				return -EINVAL;
			r->type = v[0];
			break;
		case DHCP_OPT_SUBNET_MASK:
			if (olen != 4)
				return -EINVAL;
			r->netmask = opt_u32(v);
			r->have |= DHCP_HAVE_MASK;
			break;
		case DHCP_OPT_ROUTER: /* a list, in order of preference (RFC 2132 3.5) */
			if (olen < 4 || olen % 4)
				return -EINVAL;
			r->router = opt_u32(v);
			r->have |= DHCP_HAVE_ROUTER;
			break;
		case DHCP_OPT_DNS:
			if (olen < 4 || olen % 4)
				return -EINVAL;
			for (r->ndns = 0; r->ndns < DHCP_MAX_DNS && r->ndns < olen / 4; r->ndns++)
				r->dns[r->ndns] = opt_u32(v + 4 * r->ndns);
			break;
		case DHCP_OPT_SERVER_ID:
			if (olen != 4)
				return -EINVAL;
			r->server = opt_u32(v);
			r->have |= DHCP_HAVE_SERVER;
			break;
		case DHCP_OPT_LEASE_TIME:
		case DHCP_OPT_T1:
		case DHCP_OPT_T2:
			if (olen != 4)
				return -EINVAL;
			if (code == DHCP_OPT_LEASE_TIME) {
				r->lease_s = ntohl(opt_u32(v));
				r->have |= DHCP_HAVE_LEASE;
			} else if (code == DHCP_OPT_T1) {
				r->t1_s = ntohl(opt_u32(v));
				r->have |= DHCP_HAVE_T1;
			} else {
				r->t2_s = ntohl(opt_u32(v));
				r->have |= DHCP_HAVE_T2;
			}
			break;
		case DHCP_OPT_OVERLOAD:
			if (olen != 1 || v[0] < 1 || v[0] > 3)
				return -EINVAL;
			if (allow_overload)
				*overload = v[0];
			break;
		default:
			break; /* RFC 2131 4.4: options the client does not know are skipped */
		}
	}
	return 0; /* the field ended without an end option: its padding is the end */
}

int dhcp_parse_reply(const void *buf, size_t len, struct dhcp_reply *r)
{
	const struct dhcp_msg *m = buf;
	const uint8_t *opts = (const uint8_t *)buf + DHCP_MIN_LEN;
	int overload = 0;

	memset(r, 0, sizeof(*r));
	if (len < DHCP_MIN_LEN)
		return -EINVAL; /* no room for the header and the cookie */
	if (m->op != BOOTREPLY || m->htype != DHCP_HTYPE_ETHER || m->hlen != 6)
		return -EINVAL; /* not a server's answer to an Ethernet client */
	if (ntohl(m->cookie) != DHCP_MAGIC)
		return -EINVAL; /* plain BOOTP, or garbage */
	r->xid = m->xid;
	r->yiaddr = m->yiaddr;
	memcpy(r->chaddr, m->chaddr, DHCP_CHADDR_LEN);
	if (parse_options(opts, len - DHCP_MIN_LEN, r, 1, &overload))
		return -EINVAL;
	/* RFC 2132 9.3: the file field first, then sname */
	if ((overload & 1) && parse_options(m->file, DHCP_FILE_LEN, r, 0, NULL))
		return -EINVAL;
	if ((overload & 2) && parse_options(m->sname, DHCP_SNAME_LEN, r, 0, NULL))
		return -EINVAL;
	if (!r->type)
		return -EINVAL; /* RFC 2131 3: every DHCP message has option 53 */
	return 0;
}

/* ---- building ---- */

struct opt_writer {
	uint8_t *p;
	size_t len;
};

static void put_opt(struct opt_writer *w, uint8_t code, const void *val, uint8_t len)
{
	w->p[w->len++] = code;
	w->p[w->len++] = len;
	memcpy(w->p + w->len, val, len);
	w->len += len;
}

size_t dhcp_build_msg(const struct dhcp_client *c, int type, uint64_t now, struct dhcp_msg *m)
{
	/* RFC 2132 9.8: what we use from a reply */
	static const uint8_t params[] = {DHCP_OPT_SUBNET_MASK, DHCP_OPT_ROUTER, DHCP_OPT_DNS,
					 DHCP_OPT_LEASE_TIME,  DHCP_OPT_T1,	DHCP_OPT_T2};
	struct opt_writer w = {m->options, 0};
	uint8_t client_id[7], t = (uint8_t)type;
	uint64_t secs = (now - c->start_ms) / 1000;
	uint16_t max_size = htons(sizeof(*m) + 28); /* RFC 2132 9.10: with IP and UDP headers */

	memset(m, 0, sizeof(*m));
	m->op = BOOTREQUEST;
	m->htype = DHCP_HTYPE_ETHER;
	m->hlen = 6;
	m->xid = c->xid;
	m->secs = htons(secs > 0xffff ? 0xffff : (uint16_t)secs);
	memcpy(m->chaddr, c->mac, 6);
	m->cookie = htonl(DHCP_MAGIC);
	put_opt(&w, DHCP_OPT_MSG_TYPE, &t, 1);
	/* RFC 2132 9.14: type 1 (Ethernet) and the hardware address */
	client_id[0] = DHCP_HTYPE_ETHER;
	memcpy(client_id + 1, c->mac, 6);
	put_opt(&w, DHCP_OPT_CLIENT_ID, client_id, sizeof(client_id));
	if (type == DHCPRELEASE) {
		/* RFC 2131 table 5: ciaddr and the server id, nothing requested */
		m->ciaddr = c->lease.addr;
		put_opt(&w, DHCP_OPT_SERVER_ID, &c->lease.server, 4);
		w.p[w.len++] = DHCP_OPT_END;
		return DHCP_MIN_LEN + w.len;
	}
	if (c->hostname[0])
		put_opt(&w, DHCP_OPT_HOSTNAME, c->hostname, strlen(c->hostname));
	put_opt(&w, DHCP_OPT_MAX_MSG_SIZE, &max_size, 2);
	put_opt(&w, DHCP_OPT_PARAM_REQUEST, params, sizeof(params));
	if (c->state == DHCP_SELECTING || c->state == DHCP_REQUESTING) {
		/* no address yet: ask for the reply by broadcast (RFC 2131 4.1) */
		m->flags = htons(DHCP_FLAG_BROADCAST);
	}
	if (type == DHCPREQUEST && c->state == DHCP_REQUESTING) {
		/* RFC 2131 4.3.2 SELECTING: the offer's address and its server */
		put_opt(&w, DHCP_OPT_REQUESTED_IP, &c->offer.addr, 4);
		put_opt(&w, DHCP_OPT_SERVER_ID, &c->offer.server, 4);
	} else if (type == DHCPREQUEST) {
		/* RENEWING/REBINDING: ciaddr says which lease, no option 50 or 54 */
		m->ciaddr = c->lease.addr;
	}
	w.p[w.len++] = DHCP_OPT_END;
	return DHCP_MIN_LEN + w.len;
}

/* ---- the state machine ---- */

static const char *const state_names[] = {
	[DHCP_OFF] = "OFF",	  [DHCP_SELECTING] = "SELECTING", [DHCP_REQUESTING] = "REQUESTING",
	[DHCP_BOUND] = "BOUND",	  [DHCP_RENEWING] = "RENEWING",	  [DHCP_REBINDING] = "REBINDING",
	[DHCP_FAILED] = "FAILED",
};

const char *dhcp_state_name(enum dhcp_state s)
{
	return (unsigned int)s < sizeof(state_names) / sizeof(state_names[0]) ? state_names[s]
									      : "?";
}

void dhcp_client_init(struct dhcp_client *c, const uint8_t mac[6], const char *hostname)
{
	memset(c, 0, sizeof(*c));
	memcpy(c->mac, mac, 6);
	if (hostname)
		strncpy(c->hostname, hostname, sizeof(c->hostname) - 1);
}

/* RFC 2131 4.1: 4 s before the first retransmission, doubling to 64 s, +-1 s. */
static uint64_t retx_delay(int tries)
{
	uint64_t d = DHCP_RETX_FIRST_MS << (tries - 1 < 4 ? tries - 1 : 4);

	if (d > DHCP_RETX_MAX_MS)
		d = DHCP_RETX_MAX_MS;
	return d - DHCP_RETX_JITTER_MS + net_random32() % (2 * DHCP_RETX_JITTER_MS + 1);
}

static void clear_action(struct dhcp_action *act) { memset(act, 0, sizeof(*act)); }

/* Sends `type` now, the first of DHCP_MAX_TRIES (SELECTING, REQUESTING). */
static void send_first(struct dhcp_client *c, int type, uint64_t now, struct dhcp_action *act)
{
	c->tries = 1;
	c->retx_ms = now + retx_delay(1);
	act->send = type;
	act->broadcast = 1;
}

/* Drops a configured lease: the caller removes the address. */
static void drop_lease(struct dhcp_client *c, struct dhcp_action *act)
{
	if (c->bound)
		act->deconfigure = 1;
	c->bound = 0;
}

/* INIT (RFC 2131 4.4.1): a fresh transaction, DHCPDISCOVER, SELECTING. */
void dhcp_client_start(struct dhcp_client *c, uint64_t now, struct dhcp_action *act)
{
	clear_action(act);
	drop_lease(c, act);
	c->state = DHCP_SELECTING;
	c->xid = net_random32();
	c->start_ms = now;
	send_first(c, DHCPDISCOVER, now, act);
}

/* RFC 2131 4.4.5: in RENEWING half the time to T2, in REBINDING to the end; at least 60 s. */
static void schedule_renew_retx(struct dhcp_client *c, uint64_t now)
{
	uint64_t limit = c->state == DHCP_RENEWING ? c->t2_ms : c->expiry_ms;
	uint64_t wait = limit > now ? (limit - now) / 2 : 0;

	if (wait < DHCP_RENEW_MIN_MS)
		wait = DHCP_RENEW_MIN_MS;
	c->retx_ms = now + wait;
}

/* A DHCPREQUEST for the lease held: unicast in RENEWING, broadcast in REBINDING. */
static void send_renewal(struct dhcp_client *c, uint64_t now, struct dhcp_action *act)
{
	schedule_renew_retx(c, now);
	act->send = DHCPREQUEST;
	act->broadcast = c->state == DHCP_REBINDING;
}

void dhcp_client_renew(struct dhcp_client *c, uint64_t now, struct dhcp_action *act)
{
	clear_action(act);
	if (!c->bound)
		return;
	/* past T2 any server may answer: stay broadcasting */
	if (c->state != DHCP_REBINDING)
		c->state = DHCP_RENEWING;
	c->xid = net_random32();
	c->start_ms = now;
	c->sent_ms = now;
	send_renewal(c, now, act);
}

/* Offer or ack fields as a lease, with RFC 2131 4.4.5's T1/T2 defaults. */
static void lease_from_reply(struct dhcp_lease *l, const struct dhcp_reply *r)
{
	uint32_t a = ntohl(r->yiaddr);

	memset(l, 0, sizeof(*l));
	l->addr = r->yiaddr;
	l->server = r->server;
	if (r->have & DHCP_HAVE_MASK) {
		l->netmask = r->netmask;
	} else {
		/* no option 1: the address's class (RFC 1122 3.3.1.1), as Linux's ipconfig */
		l->netmask = htonl(a < 0x80000000u   ? 0xff000000u
				   : a < 0xc0000000u ? 0xffff0000u
						     : 0xffffff00u);
	}
	if (r->have & DHCP_HAVE_ROUTER)
		l->router = r->router;
	memcpy(l->dns, r->dns, sizeof(l->dns));
	l->ndns = r->ndns;
	l->lease_s = r->lease_s < DHCP_MIN_LEASE_S ? DHCP_MIN_LEASE_S : r->lease_s;
	/* T1 < T2 < lease, else the defaults: half and seven eighths of it */
	l->t1_s = (r->have & DHCP_HAVE_T1) ? r->t1_s : l->lease_s / 2;
	l->t2_s = (r->have & DHCP_HAVE_T2) ? r->t2_s : (uint32_t)((uint64_t)l->lease_s * 7 / 8);
	if (l->lease_s != DHCP_INFINITE && (l->t2_s >= l->lease_s || l->t1_s > l->t2_s)) {
		l->t1_s = l->lease_s / 2;
		l->t2_s = (uint32_t)((uint64_t)l->lease_s * 7 / 8);
	}
}

/* DHCPACK: the lease runs from the first DHCPREQUEST (RFC 2131 4.4.1). */
static void enter_bound(struct dhcp_client *c, const struct dhcp_reply *r, struct dhcp_action *act)
{
	lease_from_reply(&c->lease, r);
	if (c->lease.lease_s == DHCP_INFINITE) {
		c->t1_ms = c->t2_ms = c->expiry_ms = UINT64_MAX;
	} else {
		c->t1_ms = c->sent_ms + (uint64_t)c->lease.t1_s * 1000;
		c->t2_ms = c->sent_ms + (uint64_t)c->lease.t2_s * 1000;
		c->expiry_ms = c->sent_ms + (uint64_t)c->lease.lease_s * 1000;
	}
	c->state = DHCP_BOUND;
	c->bound = 1;
	act->configure = 1;
}

int dhcp_client_input(struct dhcp_client *c, const struct dhcp_reply *r, uint64_t now,
		      struct dhcp_action *act)
{
	clear_action(act);
	/* RFC 2131 4.4.1: the xid and chaddr of our own request */
	if (r->xid != c->xid || memcmp(r->chaddr, c->mac, 6))
		return -ESRCH;
	switch (c->state) {
	case DHCP_SELECTING:
		if (r->type != DHCPOFFER)
			return -EPROTO;
		/* RFC 2131 table 3: an offer has yiaddr and the server id */
		if (!r->yiaddr || !(r->have & DHCP_HAVE_SERVER))
			return -EINVAL;
		lease_from_reply(&c->offer, r);
		c->state = DHCP_REQUESTING;
		c->sent_ms = now;
		send_first(c, DHCPREQUEST, now, act);
		return 0;
	case DHCP_REQUESTING:
	case DHCP_RENEWING:
	case DHCP_REBINDING:
		if (r->type != DHCPACK && r->type != DHCPNAK)
			return -EPROTO;
		/* the server we asked, when we named one (4.3.2: others see they were declined) */
		if (c->state == DHCP_REQUESTING && (r->have & DHCP_HAVE_SERVER) &&
		    r->server != c->offer.server)
			return -EINVAL;
		if (r->type == DHCPNAK) {
			/* RFC 2131 4.4.1: NAK -> INIT, at once */
			dhcp_client_start(c, now, act);
			return 0;
		}
		/* table 3: an ack for a DHCPREQUEST has yiaddr and the lease time */
		if (!r->yiaddr || !(r->have & DHCP_HAVE_LEASE))
			return -EINVAL;
		if (!(r->have & DHCP_HAVE_SERVER)) {
			/* keep the server we know for unicast renewals */
			struct dhcp_reply with_server = *r;

			with_server.server =
				c->state == DHCP_REQUESTING ? c->offer.server : c->lease.server;
			with_server.have |= DHCP_HAVE_SERVER;
			enter_bound(c, &with_server, act);
		} else {
			enter_bound(c, r, act);
		}
		return 0;
	default:
		return -EPROTO; /* BOUND, OFF, FAILED: 4.4 figure 5 discards them */
	}
}

void dhcp_client_timer(struct dhcp_client *c, uint64_t now, struct dhcp_action *act)
{
	clear_action(act);
	switch (c->state) {
	case DHCP_SELECTING:
	case DHCP_REQUESTING:
		if (now < c->retx_ms)
			return;
		if (c->tries < DHCP_MAX_TRIES) {
			c->tries++;
			c->retx_ms = now + retx_delay(c->tries);
			act->send = c->state == DHCP_SELECTING ? DHCPDISCOVER : DHCPREQUEST;
			act->broadcast = 1;
		} else if (c->state == DHCP_SELECTING) {
			c->state = DHCP_FAILED;
			act->failed = 1;
		} else {
			/* RFC 2131 3.1.5: no ack or nak after retransmitting: back to INIT */
			dhcp_client_start(c, now, act);
		}
		return;
	case DHCP_BOUND:
	case DHCP_RENEWING:
	case DHCP_REBINDING:
		if (now >= c->expiry_ms) {
			/* RFC 2131 4.4.5: the lease has ended; stop using the address */
			dhcp_client_start(c, now, act);
		} else if (c->state != DHCP_REBINDING && now >= c->t2_ms) {
			c->state = DHCP_REBINDING;
			c->xid = net_random32();
			send_renewal(c, now, act);
		} else if (c->state == DHCP_BOUND && now >= c->t1_ms) {
			c->state = DHCP_RENEWING;
			c->xid = net_random32();
			c->start_ms = now;
			c->sent_ms = now;
			send_renewal(c, now, act);
		} else if (c->state != DHCP_BOUND && now >= c->retx_ms) {
			send_renewal(c, now, act);
		}
		return;
	default:
		return;
	}
}

static uint64_t min_u64(uint64_t a, uint64_t b) { return a < b ? a : b; }

uint64_t dhcp_client_next_timer(const struct dhcp_client *c)
{
	uint64_t t;

	switch (c->state) {
	case DHCP_SELECTING:
	case DHCP_REQUESTING:
		return c->retx_ms;
	case DHCP_BOUND:
		t = c->t1_ms;
		break;
	case DHCP_RENEWING:
		t = min_u64(c->retx_ms, c->t2_ms);
		break;
	case DHCP_REBINDING:
		t = min_u64(c->retx_ms, c->expiry_ms);
		break;
	default:
		return 0;
	}
	return t == UINT64_MAX ? 0 : t;
}

int dhcp_client_release(struct dhcp_client *c, struct dhcp_action *act)
{
	int held = c->bound;

	clear_action(act);
	drop_lease(c, act);
	c->state = DHCP_OFF;
	if (!held)
		return -ENOENT;
	/* RFC 2131 4.4.6: DHCPRELEASE to the server, unicast */
	act->send = DHCPRELEASE;
	return 0;
}
