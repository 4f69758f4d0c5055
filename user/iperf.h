/*
 * The iperf3 protocol, as iperf 3.12 speaks it (esnet/iperf, src/iperf_api.c,
 * iperf_server_api.c, iperf_udp.c), for the shell's `iperf3 -s` server and
 * `iperf3 -c` client.
 *
 * One TCP control connection carries a 37-byte cookie, then one-byte state
 * codes; the parameters and the results travel on it as JSON documents,
 * each preceded by its length in four bytes, network order.  Data streams
 * are further TCP connections that begin with the same cookie, or UDP flows
 * that announce themselves with one datagram.  Stream ids are 1, 3, 4, 5...
 * on both sides (iperf_add_stream), and the results are matched by them.
 *
 * This part is pure protocol logic, without sockets, so that the host unit
 * tests run it; cmd_iperf.c (server) and iperf_client.c do the I/O.
 */
#ifndef USER_IPERF_H
#define USER_IPERF_H

#include <stddef.h>
#include <stdint.h>

#define IPERF_PORT		       5201
#define IPERF_COOKIE_SIZE	       37 /* 36 characters and a NUL */
#define IPERF_MAX_STREAMS	       16
#define IPERF_MAX_JSON		       32768	     /* a longer document is refused */
#define IPERF_TCP_BLKSIZE	       (128 * 1024)  /* DEFAULT_TCP_BLKSIZE */
#define IPERF_UDP_BLKSIZE	       1460	     /* DEFAULT_UDP_BLKSIZE */
#define IPERF_UDP_RATE		       (1024 * 1024) /* UDP's default -b: 1 Mbit/s */
#define IPERF_MAX_BLKSIZE	       (1024 * 1024) /* MAX_BLOCKSIZE */
#define IPERF_UDP_CONNECT_MSG	       0x36373839u   /* "6789" (host order, as iperf writes it) */
#define IPERF_UDP_CONNECT_REPLY	       0x39383736u
#define IPERF_LEGACY_UDP_CONNECT_REPLY 987654321u

/* The state codes on the control connection (iperf_api.h). */
enum iperf_state {
	TEST_START = 1,
	TEST_RUNNING = 2,
	TEST_END = 4,
	PARAM_EXCHANGE = 9,
	CREATE_STREAMS = 10,
	SERVER_TERMINATE = 11,
	CLIENT_TERMINATE = 12,
	EXCHANGE_RESULTS = 13,
	DISPLAY_RESULTS = 14,
	IPERF_START = 15,
	IPERF_DONE = 16,
	ACCESS_DENIED = -1,
	SERVER_ERROR = -2,
};

/* The i_errno values (iperf_api.h) that this side sends in SERVER_ERROR or shows. */
enum iperf_err {
	IENONE = 0,
	IEDURATION = 5,
	IENUMSTREAMS = 6,
	IEBLOCKSIZE = 7,
	IEUNIMP = 13,
	IENOSCTP = 18,
	IEREVERSEBIDIR = 25,
	IECTRLCLOSE = 109,
	IEMESSAGE = 110,
	IERECVPARAMS = 114,
	IERECVRESULTS = 117,
	IECLIENTTERM = 119,
	IESERVERTERM = 120,
	IEACCESSDENIED = 121,
	IESETMSS = 123,
	IESETTOS = 125,
	IESETFLOW = 127,
	IEAFFINITY = 132,
	IESETCONGESTION = 134,
	IESETDONTFRAGMENT = 145,
	IESTREAMID = 208,
};

/* What the client asks for (send_parameters / get_parameters). */
struct iperf_params {
	int udp;
	int reverse;
	int omit;		/* seconds not counted at the start */
	int duration;		/* seconds; the client ends the test */
	uint64_t bytes;		/* -n */
	uint64_t blocks;	/* -k */
	int parallel;		/* -P */
	int window;		/* -w: socket buffer size, 0 = default */
	int blksize;		/* -l */
	uint64_t rate;		/* -b, bits per second, 0 = unlimited */
	int mss;		/* -M */
	int nodelay;		/* -N */
	int udp_counters_64bit; /* UDP sequence numbers in 64 bits */
	int get_server_output;
};

/* Defaults for a client that gave no option (TCP, 10 s, one stream). */
void iperf_params_default(struct iperf_params *p);
/*
 * Reads the client's parameter document (json[0..len), modified) into p.
 * Returns IENONE, IERECVPARAMS (not the document iperf sends), or the
 * i_errno that iperf3 uses for an option this server cannot honour; then
 * *sys_errno is the errno that goes with it.
 */
int iperf_params_parse(char *json, size_t len, struct iperf_params *p, int *sys_errno);
/* The client's parameter document; length, or -ENOSPC. */
long iperf_params_format(const struct iperf_params *p, char *buf, size_t cap);

/* One stream's counters: what it sent, or what it received. */
struct iperf_stream_stats {
	int id;
	int sender;
	uint64_t bytes;
	uint64_t packets; /* UDP: datagrams sent, or the highest sequence number seen */
	uint64_t errors;  /* UDP receiver: datagrams missing from the sequence */
	uint64_t outoforder;
	int64_t jitter_ns; /* RFC 3550 6.4.1 interarrival jitter */
	int64_t prev_transit_ns;
	int64_t retransmits; /* TCP sender: -1 if unknown */
	uint64_t start_ns, end_ns;
};

/* Stream id of the i-th stream (0-based): 1, 3, 4, 5, ... */
static inline int iperf_stream_id(int i) { return i == 0 ? 1 : i + 2; }

/* The results document one side sends (send_results); length, or -ENOSPC. */
struct iperf_results_info {
	int cpu_total_e3;	    /* CPU utilisation in thousandths of a percent */
	int sender_has_retransmits; /* -1 receiver, 0/1 sender */
	const char *server_output;  /* server_output_text, or NULL */
};
long iperf_results_format(const struct iperf_stream_stats *s, int n,
			  const struct iperf_results_info *info, char *buf, size_t cap);

/* What the other side reported about one stream. */
struct iperf_peer_stream {
	int id;
	int64_t bytes, retransmits, errors, packets;
	int64_t jitter_e6;   /* seconds, in millionths */
	int64_t duration_e6; /* end_time - start_time, millionths of seconds */
};
struct iperf_peer_results {
	int64_t cpu_total_e6;
	int sender_has_retransmits;
	int n;
	struct iperf_peer_stream s[IPERF_MAX_STREAMS];
};
/*
 * Reads the other side's results (get_results) and checks that every
 * stream id is one of ids[0..nids).  IENONE, IERECVRESULTS or IESTREAMID.
 */
int iperf_results_parse(char *json, size_t len, const int *ids, int nids,
			struct iperf_peer_results *out);

/* UDP datagram header (iperf_udp_send): sec, usec, then the sequence number. */
size_t iperf_udp_header(void *buf, size_t len, uint64_t now_ns, uint64_t seq, int counters64);
/*
 * Accounts one received datagram (iperf_udp_recv): bytes, loss from gaps in
 * the sequence, reordering, and jitter from the transit times.  Datagrams
 * shorter than the header count as bytes only.
 */
void iperf_udp_received(struct iperf_stream_stats *s, const void *buf, size_t len, uint64_t now_ns,
			int counters64);

/* iperf3's message for an i_errno (iperf_error.c), for the client's output. */
const char *iperf_strerror(int ie);

/*
 * Control-connection I/O (cmd_iperf.c), shared by the server and the
 * client: 0 or a negative errno; end of stream is -ECONNRESET, a peer that
 * stays silent past timeout_ms is -ETIMEDOUT.
 */
int iperf_read_full(int fd, void *buf, size_t n, int timeout_ms);
int iperf_send_all(int fd, const void *buf, size_t n);
int iperf_send_state(int fd, signed char state);
/* A length-prefixed JSON document into buf (NUL-terminated); its length, or -errno. */
long iperf_recv_json(int fd, char *buf, size_t cap, int timeout_ms);
int iperf_send_json(int fd, const char *json, size_t len);
/* Sets O_NONBLOCK, the socket buffers (window, 0 = leave) and TCP_NODELAY on a stream. */
void iperf_tune_stream(int fd, int window, int nodelay, int nonblock);

/* What a sender paced to rate bit/s may have sent after elapsed_ns (iperf_check_throttle). */
uint64_t iperf_allowed_bytes(uint64_t rate, uint64_t elapsed_ns);

/* `iperf3 -c HOST ...` (iperf_client.c). */
int iperf_client(int argc, char *argv[]);

#endif
