/*
 * Virtio over PCI, the parts common to both transports (Virtio 1.2, 3.1
 * device initialization and 4.1.5 interrupts): everything register-level
 * goes through vdev->ops (drivers/virtio_pci.h).  A transitional device
 * offers both transports: we take the modern one.
 */
#include <errno.h>
#include <string.h>

#include "drivers/virtio_pci.h"
#include "kernel/irq.h"
#include "kernel/printk.h"

#define VIRTIO_PCI_ISR_QUEUE  0x1 /* 4.1.4.5 */
#define VIRTIO_PCI_ISR_CONFIG 0x2
#define VIRTIO_RESET_SPINS    1000000

static int vp_reset(struct virtio_device *vdev)
{
	vdev->ops->set_status(vdev, 0);
	/* 4.1.4.3.2: the reset is complete when status reads back 0. */
	for (int i = 0; i < VIRTIO_RESET_SPINS; i++)
		if (vdev->ops->get_status(vdev) == 0)
			return 0;
	return -ETIMEDOUT;
}

static void vp_add_status(struct virtio_device *vdev, uint8_t bits)
{
	vdev->ops->set_status(vdev, vdev->ops->get_status(vdev) | bits);
}

int virtio_pci_init(struct virtio_device *vdev, struct pci_dev *pdev)
{
	int err;

	memset(vdev, 0, sizeof(*vdev));
	vdev->pdev = pdev;
	err = pci_enable_device(pdev);
	if (err)
		return err;
	if (virtio_pci_modern_probe(vdev) == 0)
		vdev->ops = &virtio_pci_modern_ops;
	else if (virtio_pci_legacy_probe(vdev) == 0)
		vdev->ops = &virtio_pci_legacy_ops;
	else
		return -ENODEV;
	pci_enable_bus_master(pdev);

	/* 3.1.1 Driver Requirements: Device Initialization, steps 1-3 */
	err = vp_reset(vdev);
	if (err)
		return err;
	vdev->ops->set_status(vdev, VIRTIO_STATUS_ACKNOWLEDGE);
	vp_add_status(vdev, VIRTIO_STATUS_DRIVER);
	return 0;
}

const char *virtio_transport_name(const struct virtio_device *vdev) { return vdev->ops->name; }

uint64_t virtio_device_features(struct virtio_device *vdev)
{
	return vdev->ops->get_features(vdev);
}

int virtio_negotiate(struct virtio_device *vdev, uint64_t wanted)
{
	uint64_t f = vdev->ops->get_features(vdev) & wanted;
	int err = vdev->ops->finalize_features(vdev, &f);

	if (err)
		return err;
	vdev->features = f;
	return 0;
}

uint8_t virtio_cfg_read8(struct virtio_device *vdev, unsigned off)
{
	return (uint8_t)vdev->ops->config_read(vdev, off, 1);
}

uint16_t virtio_cfg_read16(struct virtio_device *vdev, unsigned off)
{
	return vdev->ops->config_read(vdev, off, 2);
}

void virtio_fence(struct virtio_device *vdev) { (void)vdev->ops->get_status(vdev); }

/* INTx, possibly shared: the ISR status says whether it was us, and why. */
static void vp_intx_handler(void *arg)
{
	struct virtio_device *vdev = arg;
	uint8_t isr = vdev->ops->read_isr(vdev);

	if (isr & VIRTIO_PCI_ISR_QUEUE)
		vdev->vq_fn(vdev->irq_arg);
	if (isr & VIRTIO_PCI_ISR_CONFIG)
		vdev->config_fn(vdev->irq_arg);
}

static int vp_request_msix(struct virtio_device *vdev, const char *name)
{
	struct pci_dev *p = vdev->pdev;
	uint64_t addr;
	uint32_t data;
	int v;

	v = irq_request_msi(vdev->vq_fn, vdev->irq_arg, name, &addr, &data);
	if (v < 0)
		return v;
	v = pci_enable_msix(p, VIRTIO_MSIX_QUEUES, addr, data);
	if (v < 0)
		return v;
	vdev->msix = 1;
	/* Configuration changes get their own entry when the table has one. */
	vdev->ops->set_config_vector(vdev, VIRTIO_MSI_NO_VECTOR);
	if (pci_msix_table_size(p) > VIRTIO_MSIX_CONFIG &&
	    irq_request_msi(vdev->config_fn, vdev->irq_arg, name, &addr, &data) >= 0 &&
	    pci_enable_msix(p, VIRTIO_MSIX_CONFIG, addr, data) == 0)
		vdev->ops->set_config_vector(vdev, VIRTIO_MSIX_CONFIG);
	return 0;
}

int virtio_request_irq(struct virtio_device *vdev, void (*vq_fn)(void *), void (*config_fn)(void *),
		       void *arg, const char *name)
{
	int v;

	vdev->vq_fn = vq_fn;
	vdev->config_fn = config_fn;
	vdev->irq_arg = arg;
	if (pci_msix_table_size(vdev->pdev) > 0) {
		v = vp_request_msix(vdev, name);
		if (v == 0)
			return 0;
		printk("virtio %02x:%02x.%x: MSI-X unavailable (%d), using INTx\n", vdev->pdev->bus,
		       vdev->pdev->dev, vdev->pdev->fn, v);
	}
	v = pci_request_intx(vdev->pdev, vp_intx_handler, vdev, name);
	return v < 0 ? v : 0;
}

int virtio_setup_vq(struct virtio_device *vdev, struct virtqueue *vq, uint16_t index,
		    uint16_t max_num)
{
	uint16_t num;
	int err;

	memset(vq, 0, sizeof(*vq));
	vq->vdev = vdev;
	vq->index = index;
	num = vdev->ops->queue_size(vdev, index, max_num);
	if (num == 0)
		return -ENOENT;
	err = vring_create_virtqueue(vq, num, virtio_has_feature(vdev, VIRTIO_RING_F_EVENT_IDX));
	if (err)
		return err;
	err = vdev->ops->activate_vq(vdev, vq);
	if (err)
		vring_del_virtqueue(vq);
	return err;
}

void virtio_del_vq(struct virtqueue *vq) { vring_del_virtqueue(vq); }

void virtio_driver_ok(struct virtio_device *vdev)
{
	/* 3.1.1 step 8 */
	vp_add_status(vdev, VIRTIO_STATUS_DRIVER_OK);
}

void virtio_fail(struct virtio_device *vdev)
{
	vp_reset(vdev);
	vdev->ops->set_status(vdev, VIRTIO_STATUS_FAILED);
}
