/*
 * Intel 82540EM descriptors and their offload logic, apart from the
 * register-level driver (e1000.c) because it is pure: host unit tests
 * (tests/unit/test_e1000_tx.c) build descriptors from sk_buffs.  Section
 * numbers are from the PCI/PCI-X Family of Gigabit Ethernet Controllers
 * Software Developer's Manual (8254x SDM, 317453006EN).
 */
#ifndef DRIVERS_E1000_HW_H
#define DRIVERS_E1000_HW_H

#include <stdint.h>
#include "net/skbuff.h"

/* Receive descriptor (3.2.3) */
struct e1000_rx_desc {
	uint64_t addr;
	uint16_t length;
	uint16_t csum;
	uint8_t status;
	uint8_t errors;
	uint16_t special;
} __attribute__((packed));
#define RXD_STAT_DD    (1u << 0)
#define RXD_STAT_EOP   (1u << 1)
#define RXD_STAT_IXSM  (1u << 2) /* ignore the checksum indications (3.2.3.1) */
#define RXD_STAT_TCPCS (1u << 5) /* TCP/UDP checksum calculated */
#define RXD_STAT_IPCS  (1u << 6) /* IPv4 header checksum calculated */
#define RXD_ERR_TCPE   (1u << 5) /* TCP/UDP checksum error (3.2.3.2) */
#define RXD_ERR_IPE    (1u << 6) /* IPv4 header checksum error */
/* CE, SE, SEQ, CXE, RXE: the frame itself is bad (3.2.3.2) */
#define RXD_ERR_FRAME  0x97

/*
 * Transmit descriptors, all 16 bytes: the legacy one (3.3.3), the TCP/IP
 * context descriptor (3.3.6) that sets up checksum insertion and TCP
 * segmentation for the data descriptors (3.3.7) that follow it.
 */
struct e1000_ctx_desc {
	uint8_t ipcss;		 /* IP checksum start, from the frame start */
	uint8_t ipcso;		 /* where the IP checksum goes */
	uint16_t ipcse;		 /* last byte summed (0: to the end) */
	uint8_t tucss;		 /* TCP/UDP checksum start */
	uint8_t tucso;		 /* where the TCP/UDP checksum goes */
	uint16_t tucse;		 /* last byte summed (0: to the end) */
	uint32_t cmd_and_length; /* PAYLEN 19:0, DTYP 23:20 = 0, TUCMD 31:24 */
	uint8_t status;
	uint8_t hdr_len; /* TSE: bytes of headers repeated in every segment */
	uint16_t mss;	 /* TSE: payload bytes per segment */
} __attribute__((packed));

struct e1000_data_desc {
	uint64_t addr;
	uint32_t cmd_and_length; /* DTALEN 19:0, DTYP 23:20 = 1, DCMD 31:24 */
	uint8_t status;
	uint8_t popts; /* TXD_POPTS_* */
	uint16_t special;
} __attribute__((packed));

union e1000_tx_desc {
	struct e1000_ctx_desc ctx;
	struct e1000_data_desc data;
};

/* Command bits shared by TUCMD (3.3.6.1) and DCMD (3.3.7.1), as bits 31:24 */
#define TXD_CMD_EOP    (1u << 24) /* data: end of packet */
#define TXD_CMD_IFCS   (1u << 25) /* data: insert the FCS */
#define TXD_CMD_IP     (1u << 25) /* context: IPv4 (TSE) */
#define TXD_CMD_TCP    (1u << 24) /* context: TCP, not UDP (TSE) */
#define TXD_CMD_TSE    (1u << 26) /* TCP segmentation */
#define TXD_CMD_RS     (1u << 27) /* report status: write DD back */
#define TXD_CMD_DEXT   (1u << 29) /* extended (context or data) descriptor */
#define TXD_DTYP_D     (1u << 20) /* data descriptor; 0 is the context one */
#define TXD_STAT_DD    (1u << 0)
#define TXD_POPTS_IXSM (1u << 0) /* insert the IP checksum (3.3.7.2) */
#define TXD_POPTS_TXSM (1u << 1) /* insert the TCP/UDP checksum */
#define TXD_LEN_MASK   0xFFFFFu	 /* PAYLEN / DTALEN: 20 bits */

/* Bytes one data descriptor carries: Linux's E1000_MAX_DATA_PER_TXD. */
#define E1000_MAX_DATA_PER_TXD	4096
/* The most descriptors one frame takes: a context and a 64 KiB GSO frame. */
#define E1000_MAX_TXD_PER_FRAME (1 + (65536 + 128) / E1000_MAX_DATA_PER_TXD + 1)

/* Offloads the driver uses (its kernel command-line words switch them off). */
#define E1000_OFFLOAD_TX_CSUM 1
#define E1000_OFFLOAD_TSO     2
#define E1000_OFFLOAD_RX_CSUM 4

/*
 * The checksum context the hardware holds: one set of offsets, replaced by
 * every context descriptor, so a frame needs a new one only when its
 * offsets differ from the last (a TSO context always replaces it).
 */
struct e1000_tx_ctx {
	int valid;
	uint8_t tucss, tucso;
};

/*
 * Writes the descriptors for one frame into ring[tail...], wrapping at n:
 * a context descriptor when the frame is CHECKSUM_PARTIAL or GSO and the
 * held context does not fit, then data descriptors of at most
 * E1000_MAX_DATA_PER_TXD bytes, the last with EOP.  A GSO frame's IP total
 * length and checksum are cleared and its TCP checksum seeded with the
 * pseudo-header without the length (3.5 TCP segmentation: the hardware adds each
 * segment's length).  Every descriptor asks for status (RS).  Returns the
 * descriptor count, -ENOSPC when more than room are needed (nothing
 * written), or -EINVAL for a frame the offloads cannot carry.
 */
int e1000_tx_map(struct sk_buff *skb, union e1000_tx_desc *ring, unsigned n, unsigned tail,
		 unsigned room, struct e1000_tx_ctx *held);

/*
 * Receive descriptors go back to the hardware (a write of RDT, 3.2.6) in
 * batches: under QEMU every register write is an exit to the device model
 * under its global lock, which the I/O thread holds while it puts frames
 * into the ring.  Linux's e1000 refills in batches of E1000_RX_BUFFER_WRITE
 * (16); 32 of 256 held back leave the hardware 223 buffers, more than a
 * poll ever drains.
 */
#define E1000_RX_RETURN_BATCH 32

/*
 * done: the last descriptor software processed; written: the RDT value the
 * hardware holds (both ring indexes, ring descriptors in all).  Nonzero
 * when a batch has collected and RDT should move to done.
 */
static inline int e1000_rx_return_due(unsigned done, unsigned written, unsigned ring)
{
	return (done + ring - written) % ring >= E1000_RX_RETURN_BATCH;
}

/* Receive: the checksum state a descriptor reports (3.2.3.1, 3.2.3.2). */
uint8_t e1000_rx_csum(uint8_t status, uint8_t errors);

#endif
