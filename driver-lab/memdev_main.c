// SPDX-License-Identifier: GPL-2.0
/*
 * memdev_main.c - lab 17: the memdev module around the two mmap methods.
 *
 * What it shows
 *   Two character devices, /dev/memdev0 and /dev/memdev1, each owning a
 *   zeroed buffer of whole pages (module parameter pages=, default 4).
 *   read(2), write(2), lseek(2) and one ioctl work on the same bytes a
 *   process maps, so a program can compare the kernel's view with its own.
 *   How the mapping is built, one way per device, is memdev_mmap.c: read
 *   that file first, it is the lesson.
 *
 *   Loading:    alloc_chrdev_region (a dynamic major), class_create, then
 *               per device: buffer, cdev_add, device_create (devtmpfs makes
 *               /dev/memdevN), with the sysfs attribute "faults".
 *   Unloading:  the same in reverse, once no file is open and no mapping
 *               exists (each pins the module; rmmod is refused until then).
 *
 * How to run
 *   make lab-17              builds this module and the test programs and
 *                            runs the narrated demo inside QEMU (the kernel
 *                            of this machine is never touched)
 *   make lab-17 HOST=1       builds against the running kernel and loads
 *                            the module with sudo (read the guide first)
 *   make -C driver-lab       only builds; see driver-lab/Makefile
 *
 * In the guest:
 *   # insmod memdev.ko
 *   # dmesg | tail -n 1
 *   memdev: major 245, 2 devices of 16384 bytes each
 *   # cat /sys/class/memdev/memdev1/faults
 *   0
 *
 * This is the seed's driver (a 3.x-era tutorial) rewritten for kernels
 * 6.1 to 6.12; the guide (lab 17) tells the history of each "Seed bug:".
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/gfp.h>
#include <linux/init.h>
#include <linux/kernel.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/sysfs.h>
#include <linux/uaccess.h>

#include "memdev.h"
#include "memdev_kernel.h"

static unsigned int pages = 4;
module_param(pages, uint, 0444);
MODULE_PARM_DESC(pages, "size of each device's buffer, in pages (default 4)");

/*
 * For the tests: pretend that setting up device FAIL_MINOR runs out of
 * memory, so that the unwinding in memdev_init() runs for real.  The
 * kernel's own fault injection (CONFIG_FAULT_INJECTION) is off in
 * distribution kernels.
 */
static int fail_minor = -1;
module_param(fail_minor, int, 0444);
MODULE_PARM_DESC(fail_minor, "testing: init fails at this minor (-1: never)");

/* Seed bug: non-static globals (guide, lab 17).  A static array is zeroed. */
static dev_t memdev_base; /* dynamic major, minor 0 */
static struct class *memdev_class;
static struct memdev memdevs[MEMDEV_NR_DEVS];

static int memdev_open(struct inode *inode, struct file *file)
{
	/* The VFS found our cdev by device number; it lives in a memdev. */
	file->private_data = container_of(inode->i_cdev, struct memdev, cdev);
	return 0;
}

/*
 * read, write and llseek work on the same bytes as the mapping.  The mutex
 * orders the system calls among themselves; stores through a mapping take
 * no lock at all (the CPU writes the page directly), which is the point of
 * the lab: whoever shares memory must agree on their own synchronisation.
 */
static ssize_t memdev_read(struct file *file, char __user *buf, size_t count,
			   loff_t *ppos)
{
	struct memdev *md = file->private_data;
	ssize_t ret;

	if (mutex_lock_interruptible(&md->lock))
		return -ERESTARTSYS;
	/* Copies min(count, size - *ppos) bytes; 0 at the end of the buffer. */
	ret = simple_read_from_buffer(buf, count, ppos, md->data, md->size);
	mutex_unlock(&md->lock);
	return ret;
}

static ssize_t memdev_write(struct file *file, const char __user *buf,
			    size_t count, loff_t *ppos)
{
	struct memdev *md = file->private_data;
	ssize_t ret;

	if (mutex_lock_interruptible(&md->lock))
		return -ERESTARTSYS;
	/*
	 * A write that starts at or past the end cannot store anything: say
	 * ENOSPC, as a full disk does.  Returning 0 would make a writer that
	 * retries short writes loop for ever.
	 */
	if (count && *ppos >= (loff_t)md->size)
		ret = -ENOSPC;
	else
		ret = simple_write_to_buffer(md->data, md->size, ppos, buf,
					     count);
	mutex_unlock(&md->lock);
	return ret;
}

static loff_t memdev_llseek(struct file *file, loff_t off, int whence)
{
	struct memdev *md = file->private_data;
	loff_t ret;

	mutex_lock(&md->lock);
	/* SEEK_SET, SEEK_CUR, SEEK_END within [0, size]; EINVAL otherwise. */
	ret = fixed_size_llseek(file, off, whence, md->size);
	mutex_unlock(&md->lock);
	return ret;
}

/*
 * The kernel-side writer: add 1 to the 64-bit counter at byte offset ARG,
 * through the driver's own pointer md->data.  A process that has the buffer
 * mapped sees the new value at once.  WRITE_ONCE makes the compiler emit one
 * 8-byte store (atomic on x86-64 for an aligned address), so a reader
 * polling the mapping sees the old value or the new one, never a torn mix.
 */
static long memdev_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	struct memdev *md = file->private_data;
	u64 *counter;

	if (cmd != MEMDEV_IOC_BUMP)
		return -ENOTTY; /* the classic "unknown ioctl" */
	if (!(file->f_mode & FMODE_WRITE))
		return -EBADF; /* it writes the buffer */
	if (!IS_ALIGNED(arg, sizeof(u64)) || arg > md->size - sizeof(u64))
		return -EINVAL;

	if (mutex_lock_interruptible(&md->lock))
		return -ERESTARTSYS;
	counter = md->data + arg;
	WRITE_ONCE(*counter, READ_ONCE(*counter) + 1);
	mutex_unlock(&md->lock);
	return 0;
}

/*
 * .owner = THIS_MODULE makes every open file hold a reference on this
 * module, and a mapping holds its file (vma->vm_file) even after close():
 * so while any process has the buffer open or mapped, rmmod is refused
 * (delete_module(2) fails with EWOULDBLOCK, i.e. EAGAIN) instead of
 * freeing pages that are still in somebody's page tables.  No .release:
 * there is nothing to undo per open file.
 */
static const struct file_operations memdev_fops = {
	.owner = THIS_MODULE,
	.open = memdev_open,
	.read = memdev_read,
	.write = memdev_write,
	.llseek = memdev_llseek,
	.unlocked_ioctl = memdev_ioctl,
	/* 32-bit programs: the argument is a number, not a pointer */
	.compat_ioctl = memdev_ioctl,
	.mmap = memdev_mmap,
};

/*
 * /sys/class/memdev/memdevN/faults: how often memdev_fault() ran for this
 * device.  A sysfs attribute of the device, because the number belongs to
 * it (one value per file, readable by anyone, no extra mount); debugfs
 * would need mounting, and an ioctl a program of our own to read it.
 */
static ssize_t faults_show(struct device *dev, struct device_attribute *attr,
			   char *buf)
{
	struct memdev *md = dev_get_drvdata(dev);

	return sysfs_emit(buf, "%ld\n", atomic_long_read(&md->faults));
}
static DEVICE_ATTR_RO(faults);

static struct attribute *memdev_attrs[] = {
	&dev_attr_faults.attr,
	NULL,
};
ATTRIBUTE_GROUPS(memdev);

/* Set up device MINOR: buffer, cdev, then the /dev node (undone in reverse). */
static int memdev_setup(struct memdev *md, int minor)
{
	dev_t devt = MKDEV(MAJOR(memdev_base), minor);
	int ret;

	mutex_init(&md->lock);
	atomic_long_set(&md->faults, 0);
	md->size = (size_t)pages << PAGE_SHIFT;
	/*
	 * Whole, aligned pages from the page allocator: alloc_pages_exact() is
	 * __get_free_pages() of the next power of two with the unused tail
	 * given back, each page with its own reference count (which
	 * memdev_fault() relies on); __GFP_ZERO zeroes them.
	 * Seed bug: an unchecked kmalloc() for a mapped buffer (guide, lab 17).
	 */
	md->data = alloc_pages_exact(md->size, GFP_KERNEL | __GFP_ZERO);
	if (!md->data)
		return -ENOMEM;

	cdev_init(&md->cdev, &memdev_fops);
	md->cdev.owner = THIS_MODULE;
	/*
	 * Once cdev_add() succeeds the device is live: open() may be called
	 * at once, so everything it uses (the buffer) is ready before.
	 * Seed bug: cdev_add()'s result ignored (guide, lab 17).
	 */
	ret = cdev_add(&md->cdev, devt, 1);
	if (ret)
		goto err_free;

	if (minor == fail_minor) {
		ret = -ENOMEM;
		goto err_cdev;
	}

	/*
	 * The class device makes devtmpfs create /dev/memdevN; its attribute
	 * files exist before user space hears of the device (the uevent).
	 */
	md->dev = device_create_with_groups(memdev_class, NULL, devt, md,
					    memdev_groups, MEMDEV_NAME "%d",
					    minor);
	if (IS_ERR(md->dev)) {
		ret = PTR_ERR(md->dev);
		goto err_cdev;
	}
	return 0;

err_cdev:
	cdev_del(&md->cdev);
err_free:
	free_pages_exact(md->data, md->size);
	md->data = NULL;
	mutex_destroy(&md->lock);
	return ret;
}

static void memdev_teardown(struct memdev *md)
{
	device_destroy(memdev_class, md->cdev.dev);
	cdev_del(&md->cdev);
	/*
	 * No file is open and no mapping exists (each would hold a reference
	 * on the module and we would not be here), so nobody can still reach
	 * these pages.  Seed bug: buffers never freed (guide, lab 17).
	 */
	free_pages_exact(md->data, md->size);
	md->data = NULL;
	mutex_destroy(&md->lock);
}

static int __init memdev_init(void)
{
	int ret, i;

	if (pages < 1 || pages > MEMDEV_MAX_PAGES) {
		pr_err("pages=%u: must be 1..%d\n", pages, MEMDEV_MAX_PAGES);
		return -EINVAL;
	}

	/* A dynamic major: a fixed one fails when another driver has it. */
	ret = alloc_chrdev_region(&memdev_base, 0, MEMDEV_NR_DEVS, MEMDEV_NAME);
	if (ret)
		return ret;

	memdev_class = memdev_class_create(MEMDEV_NAME);
	if (IS_ERR(memdev_class)) {
		ret = PTR_ERR(memdev_class);
		goto err_region;
	}

	for (i = 0; i < MEMDEV_NR_DEVS; i++) {
		ret = memdev_setup(&memdevs[i], i);
		if (ret)
			goto err_devs;
	}

	pr_info("major %u, %d devices of %zu bytes each\n", MAJOR(memdev_base),
		MEMDEV_NR_DEVS, memdevs[0].size);
	return 0;

	/*
	 * Undo exactly what succeeded, in reverse order.
	 * Seed bug: an init that unwound half of itself (guide, lab 17).
	 */
err_devs:
	while (--i >= 0)
		memdev_teardown(&memdevs[i]);
	class_destroy(memdev_class);
err_region:
	unregister_chrdev_region(memdev_base, MEMDEV_NR_DEVS);
	return ret;
}

static void __exit memdev_exit(void)
{
	int i;

	for (i = MEMDEV_NR_DEVS - 1; i >= 0; i--)
		memdev_teardown(&memdevs[i]);
	class_destroy(memdev_class);
	unregister_chrdev_region(memdev_base, MEMDEV_NR_DEVS);
	pr_info("unloaded\n");
}

module_init(memdev_init);
module_exit(memdev_exit);

/* Seed bug: MODULE_AUTHOR with a missing quote (guide, lab 17). */
MODULE_AUTHOR("shm-labs");
MODULE_DESCRIPTION("Two character devices whose buffers user space can mmap");
MODULE_LICENSE("GPL");
