// SPDX-License-Identifier: GPL-2.0
/*
 * memdev.c - lab 17: a kernel buffer that user space maps with mmap(2).
 *
 * What it shows
 *   A character-device driver owns a buffer of kernel memory and lets a
 *   process map it.  After mmap() the process and the kernel use the SAME
 *   physical pages: a store through the mapping is what read(2) returns, a
 *   write(2) shows up in the mapping, and a store the driver makes through
 *   its own kernel pointer (the MEMDEV_IOC_BUMP ioctl) is visible to the
 *   process without any further system call.
 *
 * The path of one mmap() call
 *   mmap(2) -> the kernel checks the arguments and the file's open mode,
 *   builds a struct vm_area_struct (the VMA: start, end, flags, page offset)
 *   and calls our file_operations.mmap, memdev_mmap().  We check the request
 *   against the buffer and fill the page tables for the whole VMA at once
 *   with remap_pfn_range().  From then on the CPU translates the process's
 *   addresses to our pages without entering the driver again.
 *
 * How to run
 *   make lab-17              builds this module and the test programs and
 *                            runs the narrated demo inside QEMU (the kernel
 *                            of this machine is never touched)
 *   make lab-17 HOST=1       builds against the running kernel and loads
 *                            the module with sudo (read the guide first)
 *   make -C driver-lab       only builds; see driver-lab/Makefile
 *
 * What to observe
 *   dmesg shows "memdev: major N, 2 devices of 4096 bytes each"; /dev/memdev0
 *   and /dev/memdev1 appear with that (dynamic) major; memdev_test prints
 *   the same bytes through the mapping and through read(); the line of
 *   /proc/PID/maps reads "rw-s 00000000 ... /dev/memdev0".
 *
 * This is the seed's driver (a 3.x-era tutorial) rewritten for kernel 6.x.
 * Every place where the seed goes wrong is marked "Seed bug:".
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/cdev.h>
#include <linux/device.h>
#include <linux/fs.h>
#include <linux/gfp.h>
#include <linux/init.h>
#include <linux/kernel.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/mutex.h>
#include <linux/uaccess.h>
#include <linux/version.h>

#include "memdev.h"

/*
 * Seed bug: the seed included <asm/system.h>, which was split up and
 * removed in Linux 3.4, and <asm/uaccess.h>, which drivers must no longer
 * include directly: <linux/uaccess.h> is the interface.
 */

static unsigned int pages = 1;
module_param(pages, uint, 0444);
MODULE_PARM_DESC(pages, "size of each device's buffer, in pages (default 1)");

/*
 * For the tests: pretend that setting up device FAIL_MINOR runs out of
 * memory, so that the unwinding in memdev_init() runs for real.  The
 * kernel's own fault injection (CONFIG_FAULT_INJECTION) is off in
 * distribution kernels.
 */
static int fail_minor = -1;
module_param(fail_minor, int, 0444);
MODULE_PARM_DESC(fail_minor, "testing: init fails at this minor (-1: never)");

/*
 * One device.  The seed kept the buffer pointer and size in a struct it
 * kmalloc'ed (and then zeroed only the first of its two elements); a static
 * array is zeroed by the loader and cannot leak.
 *
 * Seed bug: its globals mem_devp, cdev and the functions were not static,
 * so their names landed in the kernel's global namespace (sparse says
 * "symbol was not declared. Should it be static?").
 */
struct memdev {
	struct mutex lock;	/* serialises read, write, llseek and ioctl */
	void *data;		/* size bytes, page-aligned, zeroed */
	size_t size;		/* pages * PAGE_SIZE */
	struct cdev cdev;	/* how open() finds us by device number */
	struct device *dev;	/* /sys/class/memdev/memdevN, /dev/memdevN */
};

static dev_t memdev_base;	/* dynamic major, minor 0 */
static struct class *memdev_class;
static struct memdev memdevs[MEMDEV_NR_DEVS];

/*
 * class_create() lost its first argument (the owning module) in Linux 6.4.
 * This is the only place in the driver that knows about the change.
 */
static struct class *memdev_class_create(void)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 4, 0)
	return class_create(MEMDEV_NAME);
#else
	return class_create(THIS_MODULE, MEMDEV_NAME);
#endif
}

static int memdev_open(struct inode *inode, struct file *file)
{
	/*
	 * The VFS found our cdev from the device number; the cdev is embedded
	 * in its struct memdev.  (The seed computed the minor and indexed an
	 * array: the same thing, with a range check it had to remember.)
	 */
	file->private_data = container_of(inode->i_cdev, struct memdev, cdev);
	return 0;
}

/*
 * read, write and llseek work on the same bytes as the mapping, so a test
 * can compare the kernel's view with the process's.  The mutex orders the
 * system calls among themselves; stores through a mapping take no lock at
 * all (the CPU writes the page directly), which is the point of the lab:
 * whoever shares memory must agree on their own synchronisation.
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
static long memdev_ioctl(struct file *file, unsigned int cmd,
			 unsigned long arg)
{
	struct memdev *md = file->private_data;
	u64 *counter;

	if (cmd != MEMDEV_IOC_BUMP)
		return -ENOTTY;		/* the classic "unknown ioctl" */
	if (!(file->f_mode & FMODE_WRITE))
		return -EBADF;		/* it writes the buffer */
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
 * mmap: called by mmap(2) once the kernel has built the VMA.
 *
 * vma->vm_start, vm_end  the user addresses (page-aligned; the length is
 *                        the requested one rounded up to whole pages)
 * vma->vm_pgoff          mmap's offset argument, in pages
 * vma->vm_flags          VM_READ/VM_WRITE from prot, VM_SHARED|VM_MAYSHARE
 *                        for MAP_SHARED (VM_SHARED is dropped when the file
 *                        is open read-only), ...
 * vma->vm_page_prot      the page protection the core derived from those
 */
static int memdev_mmap(struct file *file, struct vm_area_struct *vma)
{
	struct memdev *md = file->private_data;
	unsigned long npages = md->size >> PAGE_SHIFT;
	unsigned long pfn;

	/*
	 * MAP_PRIVATE is refused with EINVAL.  A private mapping promises
	 * copy-on-write: stores go to a private copy, never to the device.
	 * remap_pfn_range() can only honour that by recording the raw page
	 * frame number in vma->vm_pgoff (remap_pfn_range_notrack() in
	 * mm/memory.c, for every VMA that is_cow_mapping() says is private),
	 * and /proc/PID/maps prints vm_pgoff as the "offset" column: the
	 * physical address of a kernel buffer would be shown to anybody who
	 * can read that file.  A shared device buffer has no use for private
	 * copies, so say no.  VM_MAYSHARE (not VM_SHARED) is the MAP_SHARED
	 * bit: for a read-only open the kernel clears VM_SHARED but keeps it.
	 */
	if (!(vma->vm_flags & VM_MAYSHARE))
		return -EINVAL;

	/*
	 * The request must lie inside the buffer: its first page,
	 * vma->vm_pgoff, below npages, and its vma_pages(vma) pages within
	 * what is left from there.  Compare without a sum that a huge
	 * vm_pgoff could make wrap around.
	 *
	 * Seed bug: the seed checked nothing and mapped vm_end - vm_start
	 * bytes from its buffer on: ask for 1 MiB and you get 1 MiB of
	 * whatever physical memory follows a 4 KiB buffer, writable.
	 */
	/* BEGIN EXERCISE 17.1: Refuse (EINVAL) a mapping outside the buffer. */
	if (vma->vm_pgoff >= npages || vma_pages(vma) > npages - vma->vm_pgoff)
		return -EINVAL;
	/* END EXERCISE */
	dev_dbg(md->dev, "mmap: pages %lu..%lu of %lu, %s\n", vma->vm_pgoff,
		vma->vm_pgoff + vma_pages(vma) - 1, npages,
		vma->vm_flags & VM_WRITE ? "read-write" : "read-only");

	/*
	 * The page frame number (PFN) is the physical address divided by
	 * PAGE_SIZE.  virt_to_page() (like the seed's virt_to_phys()) is valid
	 * only for an address in the kernel's direct map of RAM, which is
	 * what the page allocator returns; a vmalloc() buffer would need
	 * vmalloc_to_pfn() page by page, as it is not physically contiguous.
	 */
	pfn = page_to_pfn(virt_to_page(md->data)) + vma->vm_pgoff;

	/*
	 * Fill the page tables for the whole VMA now, with the protection the
	 * core computed from prot (vma->vm_page_prot).  remap_pfn_range() also
	 * marks the VMA VM_IO | VM_PFNMAP | VM_DONTEXPAND | VM_DONTDUMP: "pages
	 * without struct page bookkeeping, do not grow (mremap), do not put in
	 * a core dump".
	 *
	 * Seed bug: the seed set vma->vm_flags |= VM_IO | VM_RESERVED itself.
	 * VM_RESERVED was removed in Linux 3.7 (VM_DONTEXPAND | VM_DONTDUMP
	 * replaced it), remap_pfn_range() sets the right flags anyway, and
	 * since 6.3 vm_flags is read-only: a driver that must change it calls
	 * vm_flags_set().  It also turned every error into EAGAIN; we pass
	 * the real one on.
	 */
	return remap_pfn_range(vma, vma->vm_start, pfn,
			       vma->vm_end - vma->vm_start, vma->vm_page_prot);
}

/*
 * .owner = THIS_MODULE makes every open file hold a reference on this
 * module, and a mapping holds its file (vma->vm_file) even after close():
 * so while any process has the buffer open or mapped, rmmod is refused
 * (delete_module(2) fails with EWOULDBLOCK) instead of freeing pages that
 * are still in somebody's page tables.
 *
 * No .release: there is nothing to undo per open file, and the VFS needs
 * none (the seed's mem_release() only returned 0).
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

/* Set up device MINOR: buffer, cdev, then the /dev node (undone in reverse). */
static int memdev_setup(struct memdev *md, int minor)
{
	dev_t devt = MKDEV(MAJOR(memdev_base), minor);
	int ret;

	mutex_init(&md->lock);
	md->size = (size_t)pages << PAGE_SHIFT;
	/*
	 * Seed bug: kmalloc(4096) and no check of its result, then memset on
	 * it.  kmalloc memory belongs to a slab: before Linux 5.4 nothing
	 * promised page alignment (slab debugging shifted objects), and a
	 * size that is not a power of two still shares its pages with other
	 * objects, which a mapping of "its" page would expose.  The page
	 * allocator hands out whole, aligned pages: alloc_pages_exact() is
	 * __get_free_pages() of the next power of two with the unused tail
	 * given back, and __GFP_ZERO zeroes them.
	 */
	md->data = alloc_pages_exact(md->size, GFP_KERNEL | __GFP_ZERO);
	if (!md->data)
		return -ENOMEM;

	cdev_init(&md->cdev, &memdev_fops);
	md->cdev.owner = THIS_MODULE;
	/*
	 * Seed bug: cdev_add()'s result was ignored.  Once it succeeds the
	 * device is live: open() may be called at once, so everything it uses
	 * (the buffer) is ready before.
	 */
	ret = cdev_add(&md->cdev, devt, 1);
	if (ret)
		goto err_free;

	if (minor == fail_minor) {
		ret = -ENOMEM;
		goto err_cdev;
	}

	/* The class device makes udev/devtmpfs create /dev/memdevN. */
	md->dev = device_create(memdev_class, NULL, devt, md, MEMDEV_NAME "%d",
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
	 * these pages.  Seed bug: the seed never freed its buffers.
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

	/*
	 * A dynamic major.  The seed also accepted a fixed one as a module
	 * parameter (register_chrdev_region()), which fails, or worse, when
	 * another driver already owns that number.
	 */
	ret = alloc_chrdev_region(&memdev_base, 0, MEMDEV_NR_DEVS, MEMDEV_NAME);
	if (ret)
		return ret;

	memdev_class = memdev_class_create();
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
	 * Undo exactly what succeeded, in reverse order.  Seed bug: the seed
	 * registered 2 device numbers but released 1 on failure, left the
	 * cdev registered, and leaked what it had allocated.
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

/* Seed bug: MODULE_AUTHOR("yinjiabin); - the missing quote does not compile. */
MODULE_AUTHOR("shm-labs");
MODULE_DESCRIPTION("Two character devices whose buffers user space can mmap");
MODULE_LICENSE("GPL");
