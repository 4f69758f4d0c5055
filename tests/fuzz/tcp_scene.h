/*
 * The scene of fuzz_tcp: connections set up through the real stack on
 * eth0 by real handshakes with the peer 10.0.2.2, the same at the start
 * of every input:
 *   listener  10.0.2.15:8080 (SO_REUSEADDR, backlog 4)
 *   conn A    accepted from it, peer port 40001   (passive open)
 *   conn B    10.0.2.15:33001 -> peer port 5555   (active open)
 *   conn C    10.0.2.15:33002 -> peer port 5556   (SYN-SENT: never answered)
 *
 * The input's prologue, 11 bytes (multi-byte fields big-endian): peer ISN
 * of A (4), peer ISN of B (4), then the handshake options of A's SYN and
 * of B's SYN-ACK, one byte each: 0x01 MSS 1460, 0x02 SACK-permitted, 0x04
 * window scale (shift in the high nibble), 0x08 a zero window; then our
 * buffer sizes, set on the listener (so A and its other children) and on
 * B and C: low nibble SO_RCVBUF, high nibble SO_SNDBUF, 2 KiB per unit
 * (0: the default).
 *
 * Also here: the peer's side of the wire (segments and ICMP errors it
 * sends) and the two byte streams the oracles know in advance.  Payload
 * bytes are not taken from the input: the peer's byte at sequence number
 * s is scene_peer_bytes(s)[0], and the n-th byte an application writes is
 * scene_app_bytes(n)[0].
 *
 * Every name here starts with scene_ (or is a TSCENE_/T_ constant), apart
 * from the two structs: this file is linked into every fuzz target.
 */
#ifndef TESTS_FUZZ_TCP_SCENE_H
#define TESTS_FUZZ_TCP_SCENE_H

#include <stddef.h>
#include <stdint.h>

struct sock;

#define TSCENE_LISTEN_PORT    8080
#define TSCENE_A_PEER_PORT    40001
#define TSCENE_B_PORT	      33001
#define TSCENE_B_PEER_PORT    5555
#define TSCENE_C_PORT	      33002
#define TSCENE_C_PEER_PORT    5556
#define TSCENE_MAX_FDS	      8 /* A, B, C, the listener, accepted children */
#define TSCENE_PROLOGUE_LEN   11
/* The byte streams repeat with this period (see tcp_scene.c). */
#define TSCENE_PATTERN_PERIOD 65536u

enum { T_LISTENER, T_A, T_B, T_C };

/* A connected descriptor and what has been read from it. */
struct conn_fd {
	int fd; /* -1 once closed */
	int irs_known;
	uint32_t irs;  /* the peer's ISN, once known */
	uint32_t read; /* bytes recv() returned so far */
};

struct scene {
	int lfd;
	struct conn_fd c[4];		      /* by target; c[T_LISTENER] unused */
	struct conn_fd extra[TSCENE_MAX_FDS]; /* accepted children */
	int nextra;
};

/* Once per process: the byte streams. */
void scene_init(void);

/* A bug of the harness itself (not of the stack): a message, then abort(). */
void scene_bug(const char *what);

/* The peer's bytes from sequence number seq on; ours from stream offset off
 * on.  Either run is readable for TSCENE_PATTERN_PERIOD bytes. */
const uint8_t *scene_peer_bytes(uint32_t seq);
const uint8_t *scene_app_bytes(uint32_t off);

/*
 * Sends a segment from the peer: header fields and options as given (doff
 * 0: the right data offset); the payload the stack will take becomes the
 * peer's stream (scene_peer_bytes).  Then drains eth0.
 */
void scene_peer_segment(uint16_t sport, uint16_t dport, uint32_t seq, uint32_t ack, uint8_t flags,
			uint16_t win, uint8_t doff, const uint8_t *opts, size_t optlen,
			const uint8_t *data, size_t len);
/* An ICMP error from the peer quoting our segment our_port -> peer_port
 * with sequence number seq: time exceeded if sel has 0x10, else
 * destination unreachable with code sel & 0x0f.  Then drains eth0. */
void scene_peer_icmp_error(uint16_t peer_port, uint16_t our_port, uint32_t seq, uint8_t sel);

/* The listener's sock; the sock of the connection our_port <-> peer_port.  NULL if none. */
struct sock *scene_listener_sock(void);
struct sock *scene_conn_sock(uint16_t our_port, uint16_t peer_port);
/* The ports of fd's connection (host order): 0, or -1 if it has none. */
int scene_fd_ports(int fd, uint16_t *our, uint16_t *peer);

/* c takes fd, nothing read yet; scene_learn_irs. */
void scene_fd_init(struct conn_fd *c, int fd);
/* The peer's ISN, from the live sock of c's descriptor, once it is synchronized. */
void scene_learn_irs(struct conn_fd *c);
/* accept() on lfd into c, the ISN known: the new descriptor, or accept()'s error. */
int scene_accept(int lfd, struct conn_fd *c);

/* Builds s from the prologue pro (TSCENE_PROLOGUE_LEN bytes). */
void scene_build(struct scene *s, const uint8_t *pro);
/* Closes every descriptor of s still open, then drains eth0. */
void scene_close(struct scene *s);

#endif
