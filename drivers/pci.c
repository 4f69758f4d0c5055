/*
 * PCI configuration space through configuration mechanism #1 (PCI Local Bus
 * Specification 3.0, 3.2.2.3.2): the address goes to port 0xCF8, the data
 * is read or written at 0xCFC.  Enumeration walks bus 0 and every bus behind
 * a PCI-PCI bridge (its secondary bus number), records the BARs with their
 * sizes and the MSI/MSI-X capabilities, and binds drivers by vendor:device.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "drivers/pci.h"
#include "kernel/io.h"
#include "kernel/irq.h"
#include "kernel/mm.h"
#include "kernel/paging.h"
#include "kernel/printk.h"

#define PCI_CONFIG_ADDRESS 0xCF8
#define PCI_CONFIG_DATA	   0xCFC
#define PCI_CONFIG_ENABLE  0x80000000u

/* Type 0/1 configuration header (PCI 3.0, 6.1) */
#define PCI_VENDOR_ID	    0x00
#define PCI_DEVICE_ID	    0x02
#define PCI_COMMAND	    0x04
#define PCI_STATUS	    0x06
#define PCI_REVISION_ID	    0x08
#define PCI_PROG_IF	    0x09
#define PCI_SUBCLASS	    0x0A
#define PCI_CLASS	    0x0B
#define PCI_HEADER_TYPE	    0x0E
#define PCI_BAR0	    0x10
#define PCI_SECONDARY_BUS   0x19 /* type 1 header (PCI-PCI Bridge 1.2, 3.2.5.3) */
#define PCI_CAPABILITY_LIST 0x34
#define PCI_INTERRUPT_LINE  0x3C
#define PCI_INTERRUPT_PIN   0x3D

#define PCI_COMMAND_IO		 0x0001
#define PCI_COMMAND_MEMORY	 0x0002
#define PCI_COMMAND_MASTER	 0x0004
#define PCI_COMMAND_INTX_DISABLE 0x0400
#define PCI_STATUS_CAP_LIST	 0x0010

#define PCI_HEADER_MULTIFUNCTION 0x80
#define PCI_HEADER_BRIDGE	 0x01

#define PCI_BAR_IO	    0x1
#define PCI_BAR_MEM_TYPE    0x6
#define PCI_BAR_MEM_TYPE_64 0x4

/* MSI capability (PCI 3.0, 6.8.1) */
#define PCI_MSI_FLAGS	     2
#define PCI_MSI_FLAGS_ENABLE 0x0001
#define PCI_MSI_FLAGS_QSIZE  0x0070 /* multiple message enable */
#define PCI_MSI_FLAGS_64BIT  0x0080
#define PCI_MSI_ADDRESS_LO   4
#define PCI_MSI_ADDRESS_HI   8
#define PCI_MSI_DATA_32	     8
#define PCI_MSI_DATA_64	     12

/* MSI-X capability (PCI 3.0, 6.8.2) */
#define PCI_MSIX_FLAGS		    2
#define PCI_MSIX_FLAGS_QSIZE	    0x07FF
#define PCI_MSIX_FLAGS_MASKALL	    0x4000
#define PCI_MSIX_FLAGS_ENABLE	    0x8000
#define PCI_MSIX_TABLE		    4
#define PCI_MSIX_BIR		    0x7
#define PCI_MSIX_ENTRY_WORDS	    4 /* address lo, address hi, data, vector control */
#define PCI_MSIX_ENTRY_CTRL_MASKBIT 0x1

#define PCI_MAX_BUSES 256
#define PCI_MAX_CAPS  48 /* a capability loop ends after this many */

static LIST_HEAD(pci_devices);
static LIST_HEAD(pci_drivers);
static uint8_t bus_scanned[PCI_MAX_BUSES / 8];

static uint32_t pci_address(uint8_t bus, uint8_t dev, uint8_t fn, uint16_t off)
{
	return PCI_CONFIG_ENABLE | (uint32_t)bus << 16 | (uint32_t)dev << 11 | (uint32_t)fn << 8 |
	       (off & 0xFC);
}

/*
 * Interrupt handlers never touch configuration space, so the address/data
 * pair only needs protecting against a task switch between the two.
 */
static uint32_t cfg_read32(uint8_t bus, uint8_t dev, uint8_t fn, uint16_t off)
{
	unsigned long flags = irq_save();
	uint32_t v;

	outl(PCI_CONFIG_ADDRESS, pci_address(bus, dev, fn, off));
	v = inl(PCI_CONFIG_DATA);
	irq_restore(flags);
	return v;
}

static void cfg_write32(uint8_t bus, uint8_t dev, uint8_t fn, uint16_t off, uint32_t v)
{
	unsigned long flags = irq_save();

	outl(PCI_CONFIG_ADDRESS, pci_address(bus, dev, fn, off));
	outl(PCI_CONFIG_DATA, v);
	irq_restore(flags);
}

uint32_t pci_read32(struct pci_dev *d, uint16_t off)
{
	return cfg_read32(d->bus, d->dev, d->fn, off);
}

uint16_t pci_read16(struct pci_dev *d, uint16_t off)
{
	return cfg_read32(d->bus, d->dev, d->fn, off) >> ((off & 2) * 8);
}

uint8_t pci_read8(struct pci_dev *d, uint16_t off)
{
	return cfg_read32(d->bus, d->dev, d->fn, off) >> ((off & 3) * 8);
}

void pci_write32(struct pci_dev *d, uint16_t off, uint32_t v)
{
	cfg_write32(d->bus, d->dev, d->fn, off, v);
}

/*
 * Narrow writes go through a read-modify-write of the dword.  Every field
 * this file writes narrowly (command, MSI/MSI-X control, interrupt line)
 * shares its dword only with read-only or write-1-to-clear bits that read
 * back as 0 unless an error is pending; the status half is written as zero.
 */
void pci_write16(struct pci_dev *d, uint16_t off, uint16_t v)
{
	unsigned shift = (off & 2) * 8;
	uint32_t old = pci_read32(d, off);

	if ((off & ~3) == PCI_COMMAND)
		old &= 0x0000FFFF; /* status bits are write-1-to-clear */
	old &= ~(0xFFFFu << shift);
	pci_write32(d, off, old | (uint32_t)v << shift);
}

void pci_write8(struct pci_dev *d, uint16_t off, uint8_t v)
{
	unsigned shift = (off & 3) * 8;
	uint32_t old = pci_read32(d, off);

	if ((off & ~3) == PCI_COMMAND)
		old &= 0x0000FFFF;
	old &= ~(0xFFu << shift);
	pci_write32(d, off, old | (uint32_t)v << shift);
}

/* Follows the capability list from the pointer byte at `ptr` (PCI 3.0, 6.7). */
static uint8_t pci_cap_walk(struct pci_dev *d, uint8_t ptr, uint8_t cap_id)
{
	uint8_t pos = pci_read8(d, ptr);

	for (int ttl = PCI_MAX_CAPS; ttl > 0; ttl--) {
		pos &= ~3; /* the bottom two bits are reserved */
		if (pos < 0x40)
			return 0;
		if (pci_read8(d, pos) == cap_id)
			return pos;
		pos = pci_read8(d, pos + 1);
	}
	return 0;
}

uint8_t pci_find_next_capability(struct pci_dev *d, uint8_t pos, uint8_t cap_id)
{
	return pci_cap_walk(d, pos + 1, cap_id);
}

uint8_t pci_find_capability(struct pci_dev *d, uint8_t cap_id)
{
	if (!(pci_read16(d, PCI_STATUS) & PCI_STATUS_CAP_LIST))
		return 0;
	return pci_cap_walk(d, PCI_CAPABILITY_LIST, cap_id);
}

/*
 * BAR sizing (PCI 3.0, 6.2.5.1): write all ones, read back, the writable
 * address bits give the size.  Decoding is off meanwhile so the device
 * never answers at the temporary all-ones address.
 */
static void pci_read_bars(struct pci_dev *d)
{
	int nbars = d->header_type == PCI_HEADER_BRIDGE ? 2 : 6;
	uint16_t cmd = pci_read16(d, PCI_COMMAND);

	pci_write16(d, PCI_COMMAND, cmd & ~(PCI_COMMAND_IO | PCI_COMMAND_MEMORY));
	for (int i = 0; i < nbars; i++) {
		uint16_t off = PCI_BAR0 + 4 * i;
		uint32_t lo = pci_read32(d, off), szlo, hi = 0, szhi = 0;

		pci_write32(d, off, 0xFFFFFFFF);
		szlo = pci_read32(d, off);
		pci_write32(d, off, lo);
		if (szlo == 0 || szlo == 0xFFFFFFFF)
			continue; /* BAR not implemented */
		if (lo & PCI_BAR_IO) {
			uint32_t mask = szlo & ~3u;

			if (!(mask >> 16))
				mask |= 0xFFFF0000; /* I/O decoders may implement only 16 bits */
			d->bar_is_io[i] = 1;
			d->bar[i] = lo & ~3u;
			d->bar_size[i] = (uint32_t)(~mask + 1);
			continue;
		}
		if ((lo & PCI_BAR_MEM_TYPE) == PCI_BAR_MEM_TYPE_64 && i + 1 < nbars) {
			hi = pci_read32(d, off + 4);
			pci_write32(d, off + 4, 0xFFFFFFFF);
			szhi = pci_read32(d, off + 4);
			pci_write32(d, off + 4, hi);
		} else {
			szhi = 0xFFFFFFFF; /* a 32-bit BAR: upper address bits are zero */
		}
		d->bar[i] = ((uint64_t)hi << 32) | (lo & ~0xFu);
		d->bar_size[i] = ~(((uint64_t)szhi << 32) | (szlo & ~0xFu)) + 1;
		if ((lo & PCI_BAR_MEM_TYPE) == PCI_BAR_MEM_TYPE_64)
			i++; /* the next BAR holds the upper half */
	}
	pci_write16(d, PCI_COMMAND, cmd);
}

static void pci_scan_bus(uint8_t bus);

static void pci_scan_function(uint8_t bus, uint8_t dev, uint8_t fn)
{
	uint32_t id = cfg_read32(bus, dev, fn, PCI_VENDOR_ID);
	struct pci_dev *d;

	if ((id & 0xFFFF) == 0xFFFF)
		return;
	d = kzalloc(sizeof(*d));
	if (!d) {
		printk("pci: out of memory at %02x:%02x.%x\n", bus, dev, fn);
		return;
	}
	d->bus = bus;
	d->dev = dev;
	d->fn = fn;
	d->vendor = id & 0xFFFF;
	d->device = id >> 16;
	d->revision = pci_read8(d, PCI_REVISION_ID);
	d->prog_if = pci_read8(d, PCI_PROG_IF);
	d->subclass = pci_read8(d, PCI_SUBCLASS);
	d->class_code = pci_read8(d, PCI_CLASS);
	d->header_type = pci_read8(d, PCI_HEADER_TYPE) & ~PCI_HEADER_MULTIFUNCTION;
	d->irq_line = pci_read8(d, PCI_INTERRUPT_LINE);
	d->irq_pin = pci_read8(d, PCI_INTERRUPT_PIN);
	if (d->header_type <= PCI_HEADER_BRIDGE)
		pci_read_bars(d);
	d->msi_cap = pci_find_capability(d, PCI_CAP_ID_MSI);
	d->msix_cap = pci_find_capability(d, PCI_CAP_ID_MSIX);
	INIT_LIST_HEAD(&d->node);
	list_add_tail(&d->node, &pci_devices);

	if (d->header_type == PCI_HEADER_BRIDGE)
		pci_scan_bus(pci_read8(d, PCI_SECONDARY_BUS));
}

static void pci_scan_bus(uint8_t bus)
{
	/* A misconfigured bridge could point back at a scanned bus. */
	if (bus_scanned[bus / 8] & (1u << (bus % 8)))
		return;
	bus_scanned[bus / 8] |= 1u << (bus % 8);

	for (uint8_t dev = 0; dev < 32; dev++) {
		uint32_t id = cfg_read32(bus, dev, 0, PCI_VENDOR_ID);
		uint8_t nfn;

		if ((id & 0xFFFF) == 0xFFFF)
			continue;
		nfn = (cfg_read32(bus, dev, 0, PCI_HEADER_TYPE & ~3) >> 16) &
				      PCI_HEADER_MULTIFUNCTION
			      ? 8
			      : 1;
		for (uint8_t fn = 0; fn < nfn; fn++)
			pci_scan_function(bus, dev, fn);
	}
}

void pci_init(void)
{
	struct pci_dev *d;
	unsigned n = 0;

	/*
	 * Bus 0 and whatever hangs behind its bridges.  A multi-function host
	 * bridge at 00:00 means one host controller per function, each
	 * owning the bus with that number (PCI Firmware Spec; OSDev "PCI").
	 */
	pci_scan_bus(0);
	if ((cfg_read32(0, 0, 0, PCI_HEADER_TYPE & ~3) >> 16) & PCI_HEADER_MULTIFUNCTION) {
		for (uint8_t fn = 1; fn < 8; fn++)
			if ((cfg_read32(0, 0, fn, PCI_VENDOR_ID) & 0xFFFF) != 0xFFFF)
				pci_scan_bus(fn);
	}
	list_for_each_entry (d, &pci_devices, node)
		n++;
	printk("pci: %u functions\n", n);
}

static int pci_match(const struct pci_driver *drv, const struct pci_dev *d)
{
	for (const struct pci_device_id *id = drv->ids; id->vendor; id++)
		if (id->vendor == d->vendor && id->device == d->device)
			return 1;
	return 0;
}

void pci_register_drivers(struct pci_driver *const *drvs, int n)
{
	struct pci_dev *d;

	/* Device by device, so interfaces are numbered in bus order. */
	list_for_each_entry (d, &pci_devices, node) {
		for (int i = 0; i < n && !d->driver; i++) {
			int err;

			if (!pci_match(drvs[i], d))
				continue;
			err = drvs[i]->probe(d);
			if (err) {
				printk("pci %02x:%02x.%x: %s probe failed: %d\n", d->bus, d->dev,
				       d->fn, drvs[i]->name, err);
				continue;
			}
			d->driver = drvs[i];
		}
	}
}

void pci_register_driver(struct pci_driver *drv) { pci_register_drivers(&drv, 1); }

int pci_enable_device(struct pci_dev *d)
{
	uint16_t cmd = pci_read16(d, PCI_COMMAND);
	int has_io = 0, has_mem = 0;

	for (int i = 0; i < 6; i++) {
		if (!d->bar_size[i])
			continue;
		if (d->bar_is_io[i])
			has_io = 1;
		else
			has_mem = 1;
	}
	if (!has_io && !has_mem)
		return -ENODEV;
	if (has_io)
		cmd |= PCI_COMMAND_IO;
	if (has_mem)
		cmd |= PCI_COMMAND_MEMORY;
	pci_write16(d, PCI_COMMAND, cmd);
	return 0;
}

void pci_enable_bus_master(struct pci_dev *d)
{
	pci_write16(d, PCI_COMMAND, pci_read16(d, PCI_COMMAND) | PCI_COMMAND_MASTER);
}

volatile void *pci_iomap(struct pci_dev *d, int bar)
{
	if (bar < 0 || bar > 5 || d->bar_is_io[bar] || !d->bar_size[bar] || !d->bar[bar])
		return NULL;
	return ioremap(d->bar[bar], d->bar_size[bar]);
}

static void pci_intx_disable(struct pci_dev *d)
{
	pci_write16(d, PCI_COMMAND, pci_read16(d, PCI_COMMAND) | PCI_COMMAND_INTX_DISABLE);
}

int pci_enable_msi(struct pci_dev *d, uint64_t addr, uint32_t data)
{
	uint8_t cap = d->msi_cap;
	uint16_t ctl;

	if (!cap)
		return -ENODEV;
	ctl = pci_read16(d, cap + PCI_MSI_FLAGS);
	if ((addr >> 32) && !(ctl & PCI_MSI_FLAGS_64BIT))
		return -ENODEV;
	pci_write32(d, cap + PCI_MSI_ADDRESS_LO, (uint32_t)addr);
	if (ctl & PCI_MSI_FLAGS_64BIT) {
		pci_write32(d, cap + PCI_MSI_ADDRESS_HI, addr >> 32);
		pci_write16(d, cap + PCI_MSI_DATA_64, data);
	} else {
		pci_write16(d, cap + PCI_MSI_DATA_32, data);
	}
	/* One message: multiple message enable = 0 (PCI 3.0, 6.8.1.3). */
	ctl &= ~PCI_MSI_FLAGS_QSIZE;
	pci_write16(d, cap + PCI_MSI_FLAGS, ctl | PCI_MSI_FLAGS_ENABLE);
	pci_intx_disable(d);
	return 0;
}

int pci_msix_table_size(struct pci_dev *d)
{
	if (!d->msix_cap)
		return 0;
	return (pci_read16(d, d->msix_cap + PCI_MSIX_FLAGS) & PCI_MSIX_FLAGS_QSIZE) + 1;
}

int pci_enable_msix(struct pci_dev *d, unsigned entry, uint64_t addr, uint32_t data)
{
	uint8_t cap = d->msix_cap;
	volatile uint32_t *e;
	uint16_t ctl;

	if (!cap || entry >= (unsigned)pci_msix_table_size(d))
		return -ENODEV;
	if (!d->msix_table) {
		/* Table offset/BIR register (PCI 3.0, 6.8.2.4) */
		uint32_t tbl = pci_read32(d, cap + PCI_MSIX_TABLE);
		int bir = tbl & PCI_MSIX_BIR;
		volatile uint8_t *base = pci_iomap(d, bir);

		if (!base)
			return -ENODEV;
		d->msix_table = (volatile uint32_t *)(base + (tbl & ~PCI_MSIX_BIR));
	}
	ctl = pci_read16(d, cap + PCI_MSIX_FLAGS);
	/* Function-masked while the entry is written (PCI 3.0, 6.8.2.3). */
	pci_write16(d, cap + PCI_MSIX_FLAGS, ctl | PCI_MSIX_FLAGS_ENABLE | PCI_MSIX_FLAGS_MASKALL);
	e = d->msix_table + entry * PCI_MSIX_ENTRY_WORDS;
	writel((uint32_t)addr, &e[0]);
	writel(addr >> 32, &e[1]);
	writel(data, &e[2]);
	writel(readl(&e[3]) & ~PCI_MSIX_ENTRY_CTRL_MASKBIT, &e[3]);
	pci_write16(d, cap + PCI_MSIX_FLAGS,
		    (ctl | PCI_MSIX_FLAGS_ENABLE) & ~PCI_MSIX_FLAGS_MASKALL);
	pci_intx_disable(d);
	return 0;
}

int pci_irq_gsi(struct pci_dev *d)
{
	/*
	 * The firmware (SeaBIOS) routed INTx to an ISA IRQ and wrote it into
	 * the interrupt line register; 0xFF means "not connected".
	 * irq_request_gsi maps it through the MADT overrides.
	 */
	if (!d->irq_pin || d->irq_line == 0xFF || d->irq_line >= 16)
		return -ENODEV;
	return d->irq_line;
}

int pci_request_intx(struct pci_dev *d, void (*fn)(void *), void *arg, const char *name)
{
	int gsi = pci_irq_gsi(d);

	if (gsi < 0)
		return gsi;
	/* INTx is level-triggered and may be shared (PCI 3.0, 2.2.6). */
	return irq_request_gsi(gsi, 1, fn, arg, name);
}

void pci_show(void)
{
	struct pci_dev *d;

	list_for_each_entry (d, &pci_devices, node)
		printf("%02x:%02x.%x %04x:%04x class %02x:%02x driver %s\n", d->bus, d->dev, d->fn,
		       d->vendor, d->device, d->class_code, d->subclass,
		       d->driver ? d->driver->name : "-");
}
