/*
 * Network interface drivers on PCI.  drivers_net_init registers them all;
 * each probe brings up one interface per device, named eth0, eth1, ... in
 * PCI bus order.  Call after pci_init() and net_init().
 */
#ifndef DRIVERS_NETDRV_H
#define DRIVERS_NETDRV_H

#include "drivers/pci.h"

void drivers_net_init(void);

extern struct pci_driver virtio_net_driver; /* drivers/virtio_net.c */
extern struct pci_driver e1000_driver;	    /* drivers/e1000.c: Intel 82540EM */

#endif
