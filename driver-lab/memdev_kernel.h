/* SPDX-License-Identifier: GPL-2.0 */
/*
 * memdev_kernel.h - what the two halves of the memdev module share:
 * memdev_mmap.c (the lesson: the two mmap methods) and memdev_main.c (the
 * character devices around them).  Kernel only; user programs include
 * memdev.h.
 */
#ifndef MEMDEV_KERNEL_H
#define MEMDEV_KERNEL_H

#include <linux/atomic.h>
#include <linux/cdev.h>
#include <linux/device.h>
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/version.h>

/* One device: /dev/memdevN, minor N. */
struct memdev {
	struct mutex lock;	/* serialises read, write, llseek and ioctl */
	void *data;		/* size bytes, page-aligned, zeroed */
	size_t size;		/* pages * PAGE_SIZE */
	atomic_long_t faults;	/* memdev_fault() calls: sysfs "faults" */
	struct cdev cdev;	/* how open() finds us by device number */
	struct device *dev;	/* /sys/class/memdev/memdevN, /dev/memdevN */
};

/* memdev_mmap.c: file_operations.mmap of both devices. */
int memdev_mmap(struct file *file, struct vm_area_struct *vma);

/*
 * Kernel version differences: the only place in the module that knows
 * them.  The guide's lab 17 lists every API change between the seed's
 * kernel and today's; these two are the ones that break a build between
 * 6.1 and 6.12.
 */

/* 6.4 dropped class_create()'s first argument (the owning module). */
static inline struct class *memdev_class_create(const char *name)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 4, 0)
	return class_create(name);
#else
	return class_create(THIS_MODULE, name);
#endif
}

/*
 * 6.3 made vma->vm_flags read-only: a driver sets flags with
 * vm_flags_set(), which also checks that mmap_lock is held for writing
 * (it is, while .mmap runs).
 */
static inline void memdev_vm_flags_set(struct vm_area_struct *vma,
				       unsigned long flags)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 3, 0)
	vm_flags_set(vma, flags);
#else
	vma->vm_flags |= flags;
#endif
}

#endif /* MEMDEV_KERNEL_H */
