/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * memdev.h - what the memdev driver and its user programs agree on.
 *
 * Included by memdev.c (kernel) and by memdev_test.c / memdev_check.c (user
 * space), so it uses only <linux/ioctl.h>, which exists in both worlds (the
 * way a real driver's include/uapi/ header would).
 *
 * Seed bug: the seed's memdev.h mixed the two worlds: it defined the
 * driver's private struct mem_dev (kernel pointers) in the header user
 * programs were meant to share, and a fixed MEMDEV_SIZE the test program
 * never used.  Here the buffer size is a module parameter and a program
 * asks the driver for it with lseek(fd, 0, SEEK_END).
 */
#ifndef MEMDEV_H
#define MEMDEV_H

#include <linux/ioctl.h>

#define MEMDEV_NAME "memdev"	/* /dev/memdev0, /proc/devices */
#define MEMDEV_NR_DEVS 2	/* as in the seed: minors 0 and 1 */
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
