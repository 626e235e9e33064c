/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * memdev.h - what the memdev driver and its user programs agree on.
 *
 * Included by memdev_main.c (kernel) and by the user programs, so it uses
 * only <linux/ioctl.h>, which exists in both worlds (the way a real
 * driver's include/uapi/ header would).  The driver's own struct is in
 * memdev_kernel.h.
 * The buffer size is a module parameter: a program asks for it with
 * lseek(fd, 0, SEEK_END).
 * Seed bug: one header for the driver's private struct too (guide, lab 17).
 */
#ifndef MEMDEV_H
#define MEMDEV_H

#include <linux/ioctl.h>

#define MEMDEV_NAME "memdev"	/* /dev/memdev0, /proc/devices */
#define MEMDEV_NR_DEVS 2	/* minor 0: remap_pfn_range, 1: .fault */
#define MEMDEV_MAX_PAGES 1024	/* the largest pages= accepted */

/*
 * The kernel-side writer.  ioctl(fd, MEMDEV_IOC_BUMP, off) makes the driver
 * add 1 to the 64-bit counter at byte offset OFF of the buffer, through the
 * driver's own kernel pointer to the buffer.  OFF must be a multiple of 8
 * and the counter must lie inside the buffer, or the call fails with EINVAL.
 *
 * A program that has the buffer mapped sees the new value in its mapping at
 * once, without calling read(): the kernel and the process touch the same
 * physical page.  0xE5 is an unassigned ioctl "magic" byte (see the kernel's
 * Documentation/userspace-api/ioctl/ioctl-number.rst); the argument is a
 * plain number, not a pointer, hence _IO rather than _IOW.
 */
#define MEMDEV_IOC_MAGIC 0xE5
#define MEMDEV_IOC_BUMP _IO(MEMDEV_IOC_MAGIC, 1)

#endif /* MEMDEV_H */
