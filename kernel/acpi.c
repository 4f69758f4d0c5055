/*
 * ACPI tables, read once at boot (ACPI 6.4 spec chapter 5): the MADT for the
 * local APIC and I/O APICs and the ISA interrupt overrides, the FADT for
 * power-off (PM1 control, \_S5 from the DSDT) and reset.
 */
#include <stdint.h>
#include <string.h>
#include "kernel/kernel.h"
#include "kernel/printk.h"

struct acpi_info acpi;

struct rsdp {
	char signature[8]; /* "RSD PTR " */
	uint8_t checksum;
	char oem_id[6];
	uint8_t revision; /* 0: ACPI 1.0 (RSDT only), 2+: XSDT */
	uint32_t rsdt_addr;
	uint32_t length;
	uint64_t xsdt_addr;
	uint8_t ext_checksum;
	uint8_t reserved[3];
} __attribute__((packed));

struct sdt_header {
	char signature[4];
	uint32_t length;
	uint8_t revision;
	uint8_t checksum;
	char oem_id[6];
	char oem_table_id[8];
	uint32_t oem_revision;
	uint32_t creator_id;
	uint32_t creator_revision;
} __attribute__((packed));

static int checksum_ok(const void *p, uint32_t len)
{
	uint8_t sum = 0;
	for (uint32_t i = 0; i < len; i++)
		sum += ((const uint8_t *)p)[i];
	return sum == 0;
}

static const struct rsdp *scan_rsdp(uint64_t start, uint64_t len)
{
	for (uint64_t a = start; a < start + len; a += 16) {
		const struct rsdp *r = (const void *)(uintptr_t)a;
		if (!memcmp(r->signature, "RSD PTR ", 8) && checksum_ok(r, 20))
			return r;
	}
	return NULL;
}

/* ACPI 5.2.5.1: the RSDP is in the first KiB of the EBDA or in 0xE0000-0xFFFFF. */
static const struct rsdp *find_rsdp(void)
{
	const uint16_t *bda_ebda = (const uint16_t *)(uintptr_t)0x40e; /* BIOS data area */
	__asm__("" : "+r"(bda_ebda)); /* a real pointer, not a constant gcc may reason about */
	uint64_t ebda = (uint64_t)*bda_ebda << 4;
	const struct rsdp *r = ebda ? scan_rsdp(ebda, 1024) : NULL;
	return r ? r : scan_rsdp(0xe0000, 0x20000);
}

/* MADT (5.2.12) */
static void parse_madt(const struct sdt_header *h)
{
	const uint8_t *p = (const uint8_t *)h + 44;
	const uint8_t *end = (const uint8_t *)h + h->length;

	acpi.lapic_addr = *(const uint32_t *)((const uint8_t *)h + 36);
	while (p + 2 <= end && p[1] >= 2) {
		switch (p[0]) {
		case 1: /* I/O APIC */
			if (acpi.ioapic_count < 4) {
				acpi.ioapic[acpi.ioapic_count].id = p[2];
				acpi.ioapic[acpi.ioapic_count].addr = *(const uint32_t *)(p + 4);
				acpi.ioapic[acpi.ioapic_count].gsi_base =
					*(const uint32_t *)(p + 8);
				acpi.ioapic_count++;
			}
			break;
		case 2: /* interrupt source override: bus, source, GSI, flags */
			if (p[3] < 16) {
				acpi.isa_gsi[p[3]] = *(const uint32_t *)(p + 4);
				acpi.isa_flags[p[3]] = *(const uint16_t *)(p + 8);
				acpi.isa_override[p[3]] = 1;
			}
			break;
		case 5: /* 64-bit local APIC address override */
			acpi.lapic_addr = *(const uint64_t *)(p + 4);
			break;
		}
		p += p[1];
	}
}

/*
 * Finds the \_S5 package in the DSDT's AML and takes SLP_TYPa from it
 * (ACPI 7.4.2).  A full AML interpreter is not needed for this one object:
 * NameOp "_S5_" PackageOp PkgLength NumElements, then the first element.
 */
static void find_s5(const struct sdt_header *dsdt)
{
	const uint8_t *p = (const uint8_t *)dsdt + sizeof(*dsdt);
	const uint8_t *end = (const uint8_t *)dsdt + dsdt->length;

	for (; p + 8 < end; p++) {
		if (memcmp(p, "_S5_", 4) || p[4] != 0x12) /* PackageOp */
			continue;
		const uint8_t *q = p + 5;
		q += ((*q >> 6) & 3) + 1; /* PkgLength bytes */
		q++;			  /* NumElements */
		if (*q == 0x0a)		  /* BytePrefix */
			acpi.slp_typ_s5 = q[1];
		else if (*q == 0x00 || *q == 0x01) /* ZeroOp / OneOp */
			acpi.slp_typ_s5 = *q;
		else
			return;
		acpi.have_s5 = 1;
		return;
	}
}

/* FADT (5.2.9) */
static void parse_fadt(const struct sdt_header *h)
{
	const uint8_t *f = (const uint8_t *)h;
	uint64_t dsdt = *(const uint32_t *)(f + 40);

	acpi.smi_cmd = *(const uint32_t *)(f + 48);
	acpi.acpi_enable = f[52];
	acpi.pm1a_cnt = *(const uint32_t *)(f + 64);
	acpi.pm1b_cnt = *(const uint32_t *)(f + 68);
	if (h->length >= 129) {
		/* RESET_REG is a Generic Address Structure at 116, RESET_VALUE at 128;
		 * FADT flags bit 10 (RESET_REG_SUP) says whether it is valid */
		uint32_t flags = *(const uint32_t *)(f + 112);
		acpi.reset_space = f[116];
		acpi.reset_addr = *(const uint64_t *)(f + 120);
		acpi.reset_value = f[128];
		acpi.have_reset = (flags >> 10) & 1;
	}
	if (h->length >= 148 && *(const uint64_t *)(f + 140))
		dsdt = *(const uint64_t *)(f + 140);
	if (dsdt)
		find_s5((const struct sdt_header *)(uintptr_t)dsdt);
}

void acpi_init(uint64_t rsdp_pa)
{
	const struct rsdp *r = rsdp_pa ? (const void *)(uintptr_t)rsdp_pa : find_rsdp();
	int xsdt, n;
	const struct sdt_header *root;

	for (int i = 0; i < 16; i++)
		acpi.isa_gsi[i] = i; /* identity unless overridden */
	acpi.lapic_addr = 0xfee00000;
	if (!r || memcmp(r->signature, "RSD PTR ", 8)) {
		printk("acpi: no RSDP found; using default APIC addresses\n");
		return;
	}
	xsdt = r->revision >= 2 && r->xsdt_addr;
	root = (const void *)(uintptr_t)(xsdt ? r->xsdt_addr : r->rsdt_addr);
	n = (root->length - sizeof(*root)) / (xsdt ? 8 : 4);
	for (int i = 0; i < n; i++) {
		const uint8_t *ents = (const uint8_t *)root + sizeof(*root);
		uint64_t a = xsdt ? *(const uint64_t *)(ents + 8 * i)
				  : *(const uint32_t *)(ents + 4 * i);
		const struct sdt_header *h = (const void *)(uintptr_t)a;
		if (!checksum_ok(h, h->length))
			continue;
		if (!memcmp(h->signature, "APIC", 4))
			parse_madt(h);
		else if (!memcmp(h->signature, "FACP", 4))
			parse_fadt(h);
	}
	printk("acpi: %s, LAPIC 0x%llx, %d I/O APIC(s), PM1a_CNT 0x%x%s\n", xsdt ? "XSDT" : "RSDT",
	       (unsigned long long)acpi.lapic_addr, acpi.ioapic_count, acpi.pm1a_cnt,
	       acpi.have_s5 ? ", S5" : "");
}
