/*
 * PCI: configuration space through ports 0xCF8/0xCFC (mechanism #1), bus
 * enumeration (bridges followed), BARs, capabilities, and drivers bound by
 * vendor:device.
 */
#ifndef DRIVERS_PCI_H
#define DRIVERS_PCI_H

#include <stdint.h>
#include "kernel/list.h"

struct pci_driver;

struct pci_dev {
	uint8_t bus, dev, fn;
	uint16_t vendor, device;
	uint8_t class_code, subclass, prog_if, revision;
	uint8_t irq_line, irq_pin;
	uint64_t bar[6]; /* base address (memory or I/O port) */
	uint64_t bar_size[6];
	uint8_t bar_is_io[6];
	uint8_t header_type;	       /* 0 device, 1 PCI-PCI bridge (multifunction bit cleared) */
	uint8_t msi_cap, msix_cap;     /* capability offsets, 0 when absent */
	volatile uint32_t *msix_table; /* mapped on first pci_enable_msix */
	struct pci_driver *driver;
	void *priv;
	struct list_head node;
};

struct pci_device_id {
	uint16_t vendor, device;
};

struct pci_driver {
	const char *name;
	const struct pci_device_id *ids;    /* ends with {0, 0} */
	int (*probe)(struct pci_dev *pdev); /* 0 when bound */
};

uint32_t pci_read32(struct pci_dev *d, uint16_t off);
uint16_t pci_read16(struct pci_dev *d, uint16_t off);
uint8_t pci_read8(struct pci_dev *d, uint16_t off);
void pci_write32(struct pci_dev *d, uint16_t off, uint32_t v);
void pci_write16(struct pci_dev *d, uint16_t off, uint16_t v);
void pci_write8(struct pci_dev *d, uint16_t off, uint8_t v);

void pci_init(void);				  /* enumerate every bus */
void pci_register_driver(struct pci_driver *drv); /* probes matching devices */
/* Several drivers at once: devices are probed in bus order, whichever driver matches. */
void pci_register_drivers(struct pci_driver *const *drvs, int n);
void pci_enable_bus_master(struct pci_dev *d);
uint8_t pci_find_capability(struct pci_dev *d, uint8_t cap_id); /* 0 if none */
uint8_t pci_find_next_capability(struct pci_dev *d, uint8_t pos, uint8_t cap_id);
/* Legacy INTx: the GSI the device's pin is routed to (through the I/O APIC). */
int pci_irq_gsi(struct pci_dev *d);
/* lspci's plain records come from pci_get_devices(), declared in kernel/uapi.h. */

/* Memory (or I/O) decoding on, the BAR's size read back; 0 or -errno. */
int pci_enable_device(struct pci_dev *d);
/* Maps memory BAR `bar` (uncached); NULL if it is not a memory BAR. */
volatile void *pci_iomap(struct pci_dev *d, int bar);
/*
 * Message-signalled interrupts.  pci_enable_msi programs the MSI capability
 * with one message (address/data from irq_request_msi) and enables it;
 * pci_enable_msix does the same for MSI-X table entry `entry` and enables
 * MSI-X.  Both turn the legacy INTx line off.  0, or -ENODEV when the
 * capability is absent (or the table too small).
 */
int pci_enable_msi(struct pci_dev *d, uint64_t addr, uint32_t data);
int pci_enable_msix(struct pci_dev *d, unsigned entry, uint64_t addr, uint32_t data);
int pci_msix_table_size(struct pci_dev *d); /* 0 without MSI-X */
/* Legacy INTx (shared, level-triggered) through the I/O APIC: vector or -errno. */
int pci_request_intx(struct pci_dev *d, void (*fn)(void *), void *arg, const char *name);

#define PCI_CAP_ID_MSI	0x05
#define PCI_CAP_ID_VNDR 0x09
#define PCI_CAP_ID_MSIX 0x11

#endif
