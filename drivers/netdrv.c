/* Registers the PCI network drivers (see drivers/netdrv.h). */
#include "drivers/netdrv.h"

void drivers_net_init(void)
{
	static struct pci_driver *const drivers[] = {&virtio_net_driver, &e1000_driver};

	pci_register_drivers(drivers, sizeof(drivers) / sizeof(drivers[0]));
}
