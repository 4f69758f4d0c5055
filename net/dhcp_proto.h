/*
 * The DHCP client's protocol (RFC 2131, options RFC 2132), without the
 * stack: the message format, the reply parser, the message builder and the
 * client state machine of RFC 2131 figure 5.  Nothing here sends, receives
 * or arms a timer: each call takes the time (ms, jiffies_ms() scale) and
 * fills a struct dhcp_action with what the caller must do (net/dhcp.c
 * does it on a net_device; host tests check it).  Addresses are in network
 * order, durations of the lease in seconds as on the wire.
 */
#ifndef NET_DHCP_PROTO_H
#define NET_DHCP_PROTO_H

#include <stddef.h>
#include <stdint.h>

#define DHCP_SERVER_PORT 67 /* RFC 2131 4.1 */
#define DHCP_CLIENT_PORT 68

/* RFC 2131 2, figure 1: the BOOTP header, the magic cookie, the options. */
#define DHCP_CHADDR_LEN	 16
#define DHCP_SNAME_LEN	 64
#define DHCP_FILE_LEN	 128
#define DHCP_OPTIONS_LEN 312	     /* RFC 2131 2: a client must accept at least this much */
#define DHCP_MAGIC	 0x63825363u /* RFC 2131 3: 99.130.83.99 */

struct dhcp_msg {
	uint8_t op;			 /* BOOTREQUEST or BOOTREPLY */
	uint8_t htype;			 /* hardware type: 1, Ethernet (RFC 1700) */
	uint8_t hlen;			 /* hardware address length: 6 */
	uint8_t hops;			 /* relay agents count it; 0 from a client */
	uint32_t xid;			 /* transaction id, chosen by the client */
	uint16_t secs;			 /* seconds since the client began, network order */
	uint16_t flags;			 /* DHCP_FLAG_BROADCAST, network order */
	uint32_t ciaddr;		 /* client address, when it has one (renew, release) */
	uint32_t yiaddr;		 /* "your" address: what the server offers */
	uint32_t siaddr;		 /* next server (boot), unused here */
	uint32_t giaddr;		 /* relay agent */
	uint8_t chaddr[DHCP_CHADDR_LEN]; /* client hardware address */
	uint8_t sname[DHCP_SNAME_LEN];	 /* server name, or options (overload) */
	uint8_t file[DHCP_FILE_LEN];	 /* boot file, or options (overload) */
	uint32_t cookie;		 /* DHCP_MAGIC, network order */
	uint8_t options[DHCP_OPTIONS_LEN];
} __attribute__((packed));

#define DHCP_FIXED_LEN	    236 /* up to the cookie */
#define DHCP_MIN_LEN	    (DHCP_FIXED_LEN + 4)
#define BOOTREQUEST	    1
#define BOOTREPLY	    2
#define DHCP_HTYPE_ETHER    1
#define DHCP_FLAG_BROADCAST 0x8000 /* RFC 2131 4.1: answer by broadcast */

/* Message types (option 53, RFC 2132 9.6). */
enum {
	DHCPDISCOVER = 1,
	DHCPOFFER,
	DHCPREQUEST,
	DHCPDECLINE,
	DHCPACK,
	DHCPNAK,
	DHCPRELEASE,
	DHCPINFORM,
};

/* Option codes (RFC 2132). */
#define DHCP_OPT_PAD	       0
#define DHCP_OPT_SUBNET_MASK   1
#define DHCP_OPT_ROUTER	       3
#define DHCP_OPT_DNS	       6
#define DHCP_OPT_HOSTNAME      12
#define DHCP_OPT_REQUESTED_IP  50
#define DHCP_OPT_LEASE_TIME    51
#define DHCP_OPT_OVERLOAD      52
#define DHCP_OPT_MSG_TYPE      53
#define DHCP_OPT_SERVER_ID     54
#define DHCP_OPT_PARAM_REQUEST 55
#define DHCP_OPT_MAX_MSG_SIZE  57
#define DHCP_OPT_T1	       58
#define DHCP_OPT_T2	       59
#define DHCP_OPT_CLIENT_ID     61
#define DHCP_OPT_END	       255

#define DHCP_MAX_DNS	  3
#define DHCP_INFINITE	  0xffffffffu /* RFC 2131 3.3: a lease that never ends */
#define DHCP_HOSTNAME_MAX 32

/* What a reply carries, after dhcp_parse_reply. */
#define DHCP_HAVE_MASK	 (1u << 0)
#define DHCP_HAVE_ROUTER (1u << 1)
#define DHCP_HAVE_SERVER (1u << 2)
#define DHCP_HAVE_LEASE	 (1u << 3)
#define DHCP_HAVE_T1	 (1u << 4)
#define DHCP_HAVE_T2	 (1u << 5)

struct dhcp_reply {
	uint8_t type; /* DHCPOFFER, DHCPACK, DHCPNAK, ... */
	uint32_t xid; /* as on the wire */
	uint8_t chaddr[DHCP_CHADDR_LEN];
	uint32_t yiaddr;
	unsigned int have; /* DHCP_HAVE_* */
	uint32_t netmask, router, server;
	uint32_t dns[DHCP_MAX_DNS];
	int ndns;
	uint32_t lease_s, t1_s, t2_s;
};

/*
 * Parses a BOOTREPLY of len bytes (the UDP payload): the fixed header, the
 * cookie, then the options field and, when option 52 says so, the file and
 * sname fields (RFC 2132 9.3, in that order).  A later instance of an
 * option replaces an earlier one.  0, or -EINVAL: shorter than the fixed
 * part, not a BOOTREPLY for Ethernet, no cookie, an option that runs past
 * its field, a length wrong for the option, or no message type.
 */
int dhcp_parse_reply(const void *buf, size_t len, struct dhcp_reply *r);

/* What the client holds: the offer it requested or the lease it has. */
struct dhcp_lease {
	uint32_t addr, netmask, router, server;
	uint32_t dns[DHCP_MAX_DNS];
	int ndns;
	uint32_t lease_s, t1_s, t2_s; /* as granted (t1/t2 defaulted when absent) */
};

/* RFC 2131 figure 5 (INIT-REBOOT and REBOOTING are not used: no lease survives a boot). */
enum dhcp_state {
	DHCP_OFF,	 /* no client (never started, or released) */
	DHCP_SELECTING,	 /* DHCPDISCOVER sent, waiting for an offer */
	DHCP_REQUESTING, /* DHCPREQUEST for an offer sent */
	DHCP_BOUND,
	DHCP_RENEWING,	/* after T1: DHCPREQUEST unicast to the server */
	DHCP_REBINDING, /* after T2: DHCPREQUEST broadcast to any server */
	DHCP_FAILED,	/* no offer after the retransmissions: the client gave up */
};

/*
 * Retransmission (RFC 2131 4.1): the first after 4 s, doubling up to 64 s,
 * each randomised by -1..+1 s; in SELECTING and REQUESTING a message is
 * sent DHCP_MAX_TRIES times.  In RENEWING and REBINDING (4.4.5): half the
 * time left to T2 or to the end of the lease, at least 60 s.
 */
#define DHCP_RETX_FIRST_MS  4000
#define DHCP_RETX_MAX_MS    64000
#define DHCP_RETX_JITTER_MS 1000
#define DHCP_MAX_TRIES	    4
#define DHCP_RENEW_MIN_MS   60000
/* A lease shorter than this is taken as this long, so that a server's
 * lease of 0 cannot make the client ask again at once, forever (dhcpcd's
 * choice, 20 s). */
#define DHCP_MIN_LEASE_S    20

struct dhcp_client {
	enum dhcp_state state;
	uint8_t mac[6];
	char hostname[DHCP_HOSTNAME_MAX];
	uint32_t xid;	   /* of the exchange in progress */
	int tries;	   /* transmissions of the current message */
	uint64_t start_ms; /* the exchange began (the secs field) */
	uint64_t sent_ms;  /* the first DHCPREQUEST of the exchange: the lease counts from it */
	uint64_t retx_ms;  /* next retransmission (or giving up) */
	uint64_t t1_ms, t2_ms, expiry_ms; /* absolute; UINT64_MAX for an infinite lease */
	struct dhcp_lease offer;	  /* SELECTING -> REQUESTING */
	struct dhcp_lease lease;	  /* valid from BOUND on */
	int bound;			  /* lease holds an address configured on the interface */
};

/* What the caller must do after a call, in this order. */
struct dhcp_action {
	int deconfigure; /* remove lease's address and the routes it brought */
	int configure;	 /* configure client->lease (address, mask, router) */
	int send;	 /* a message type to send (dhcp_build_msg), 0: none */
	int broadcast;	 /* to 255.255.255.255; else unicast to the lease's server */
	int failed;	 /* the client gave up: no offer */
};

/* A client in DHCP_OFF for the interface with hardware address mac. */
void dhcp_client_init(struct dhcp_client *c, const uint8_t mac[6], const char *hostname);
/* Starts discovery (any state): a fresh xid, DHCPDISCOVER.  A lease held is dropped. */
void dhcp_client_start(struct dhcp_client *c, uint64_t now, struct dhcp_action *act);
/* From BOUND, RENEWING or REBINDING: renews now, as at T1 (the shell's `dhcp IF`). */
void dhcp_client_renew(struct dhcp_client *c, uint64_t now, struct dhcp_action *act);
/*
 * Handles a parsed reply.  0 when it was taken (the state may have
 * changed), else why it was ignored: -ESRCH (another transaction or
 * another client), -EPROTO (not a message this state expects), -EINVAL
 * (an offer or ack without the address, server id or lease time RFC 2131
 * table 3 requires, or from another server than the one requested).
 */
int dhcp_client_input(struct dhcp_client *c, const struct dhcp_reply *r, uint64_t now,
		      struct dhcp_action *act);
/* The time has come (dhcp_client_next_timer): retransmit, renew, rebind, expire or give up. */
void dhcp_client_timer(struct dhcp_client *c, uint64_t now, struct dhcp_action *act);
/* When dhcp_client_timer wants to run next, or 0 for never. */
uint64_t dhcp_client_next_timer(const struct dhcp_client *c);
/*
 * Gives the lease back (RFC 2131 4.4.6): DHCPRELEASE when bound, then
 * DHCP_OFF.  -ENOENT (nothing was sent) when no lease was held.
 */
int dhcp_client_release(struct dhcp_client *c, struct dhcp_action *act);

/* Builds the message of type `type` for c's current state into m; returns its length. */
size_t dhcp_build_msg(const struct dhcp_client *c, int type, uint64_t now, struct dhcp_msg *m);

/* "SELECTING", "BOUND", ... */
const char *dhcp_state_name(enum dhcp_state s);

#endif
