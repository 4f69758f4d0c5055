/*
 * Crafted DHCP server replies for the tests of the DHCP client
 * (test_dhcp.c, test_dhcp_stack.c): a BOOTREPLY to the client with MAC
 * `mac`, carrying the usual options of QEMU's user-mode server.
 */
#ifndef TESTS_UNIT_SUPPORT_DHCP_REPLY_H
#define TESTS_UNIT_SUPPORT_DHCP_REPLY_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <arpa/inet.h>

#include "net/dhcp_proto.h"

static const uint8_t mac[6] = {0x52, 0x54, 0x00, 0x12, 0x34, 0x56};

/* Which of the usual options a crafted reply carries. */
#define O_MASK	 (1u << 0)
#define O_ROUTER (1u << 1)
#define O_DNS	 (1u << 2)
#define O_SERVER (1u << 3)
#define O_LEASE	 (1u << 4)
#define O_T1T2	 (1u << 5)
#define O_ALL	 (O_MASK | O_ROUTER | O_DNS | O_SERVER | O_LEASE)

#define LEASE_S 3600

static uint32_t ip(const char *s) { return inet_addr(s); }

static size_t put(uint8_t *p, uint8_t code, const void *v, uint8_t len)
{
	p[0] = code;
	p[1] = len;
	memcpy(p + 2, v, len);
	return 2 + len;
}

static size_t put32(uint8_t *p, uint8_t code, uint32_t v_net) { return put(p, code, &v_net, 4); }

/*
 * A BOOTREPLY of `type` for xid (type 0: no option 53) offering yiaddr,
 * with the options in `which`, then `extra` raw option bytes, then end.
 */
static size_t reply_extra(uint8_t *buf, int type, uint32_t xid, const char *yiaddr,
			  unsigned int which, const void *extra, size_t extra_len)
{
	struct dhcp_msg *m = (struct dhcp_msg *)buf;
	uint8_t *p = m->options, t = (uint8_t)type;
	uint32_t dns[2] = {ip("10.0.2.3"), ip("10.0.2.4")};

	memset(m, 0, sizeof(*m));
	m->op = BOOTREPLY;
	m->htype = DHCP_HTYPE_ETHER;
	m->hlen = 6;
	m->xid = xid;
	m->yiaddr = ip(yiaddr);
	memcpy(m->chaddr, mac, 6);
	m->cookie = htonl(DHCP_MAGIC);
	if (type)
		p += put(p, DHCP_OPT_MSG_TYPE, &t, 1);
	if (which & O_SERVER)
		p += put32(p, DHCP_OPT_SERVER_ID, ip("10.0.2.2"));
	if (which & O_MASK)
		p += put32(p, DHCP_OPT_SUBNET_MASK, ip("255.255.255.0"));
	if (which & O_ROUTER)
		p += put32(p, DHCP_OPT_ROUTER, ip("10.0.2.2"));
	if (which & O_DNS)
		p += put(p, DHCP_OPT_DNS, dns, sizeof(dns));
	if (which & O_LEASE)
		p += put32(p, DHCP_OPT_LEASE_TIME, htonl(LEASE_S));
	if (which & O_T1T2) {
		p += put32(p, DHCP_OPT_T1, htonl(1000));
		p += put32(p, DHCP_OPT_T2, htonl(2000));
	}
	if (extra_len)
		memcpy(p, extra, extra_len);
	p += extra_len;
	*p++ = DHCP_OPT_END;
	return (size_t)(p - buf);
}

static size_t reply(uint8_t *buf, int type, uint32_t xid, unsigned int which)
{
	return reply_extra(buf, type, xid, "10.0.2.15", which, NULL, 0);
}

#endif
