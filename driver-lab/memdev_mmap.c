// SPDX-License-Identifier: GPL-2.0
/*
 * memdev_mmap.c - lab 17: the two ways a driver's mmap builds page tables.
 *
 * What it shows
 *   Each memdev device owns a buffer of kernel pages (memdev_main.c).  A
 *   process maps it with mmap(2); afterwards the process and the kernel
 *   use the same physical pages.  The two devices fill the process's page
 *   tables in the two ways a driver can:
 *
 *   /dev/memdev0  all at once: memdev_mmap_remap() calls remap_pfn_range(),
 *                 which writes one page-table entry per page during mmap().
 *                 Later accesses never enter the driver.
 *   /dev/memdev1  one page per fault: memdev_mmap_fault() only installs
 *                 memdev_vm_ops.  The first access to a page traps into
 *                 the kernel, which calls memdev_fault() to ask for it.
 *                 (The seed calls this method "nopage", its name until
 *                 2.6.23.)
 *
 *   /sys/class/memdev/memdevN/faults counts the calls of memdev_fault(), so
 *   user space can watch the second method work: touch k pages, k faults.
 *
 * The path of one mmap() call
 *   mmap(2) -> the kernel checks the arguments against the file's open
 *   mode, builds a struct vm_area_struct (the VMA: start, end, flags, page
 *   offset) and calls our file_operations.mmap, memdev_mmap().  We check
 *   the request against the buffer and pick the device's method.
 *
 * A session in the QEMU guest (make lab-17 runs it; memdev_faults.c):
 *   # insmod memdev.ko
 *   # memdev_faults 0 2 0
 *   step                     memdev0 faults    Rss memdev1 faults    Rss
 *   mapped 4 pages                        0   0 kB              0   0 kB
 *   read page 0                           0   0 kB              1   4 kB
 *   read page 2                           0   0 kB              2   8 kB
 *   read page 0                           0   0 kB              2   8 kB
 *   ...
 *   # cat /sys/class/memdev/memdev1/faults
 *   4
 *
 * Read: mmap(2), mremap(2), proc(5) (/proc/PID/smaps); in the kernel tree
 * mm/memory.c (remap_pfn_range, do_fault), include/linux/mm.h (struct
 * vm_operations_struct), Documentation/mm/.
 */

#include <linux/mm.h>

#include "memdev_kernel.h"

static int memdev_mmap_remap(struct memdev *md, struct vm_area_struct *vma);
static int memdev_mmap_fault(struct memdev *md, struct vm_area_struct *vma);

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
 *
 * Both devices share this function, and with it the rule a driver must
 * never forget: the request lies inside the buffer, or it is EINVAL now,
 * at mmap time, as mmap(2) says for "offset or length not valid".
 */
int memdev_mmap(struct file *file, struct vm_area_struct *vma)
{
	struct memdev *md = file->private_data;
	unsigned long npages = md->size >> PAGE_SHIFT;

	/* Seed bug: no bounds check at all (guide, lab 17). */
	/*
	 * Both numbers come from the caller, so a check that adds them can
	 * itself wrap around.  mmap(2) says what the offset may be;
	 * <linux/mm.h> has vma_pages().
	 */
	/* BEGIN EXERCISE 17.1: Refuse (EINVAL) a mapping that does not lie
	 * entirely inside the buffer: it starts at page vma->vm_pgoff of the
	 * buffer and spans vma_pages(vma) pages; the buffer has npages. */
	if (vma->vm_pgoff >= npages || vma_pages(vma) > npages - vma->vm_pgoff)
		return -EINVAL;
	/* END EXERCISE */
	dev_dbg(md->dev, "mmap: pages %lu..%lu of %lu, %s, %s\n", vma->vm_pgoff,
		vma->vm_pgoff + vma_pages(vma) - 1, npages,
		vma->vm_flags & VM_WRITE ? "read-write" : "read-only",
		vma->vm_flags & VM_MAYSHARE ? "shared" : "private");

	if (MINOR(md->cdev.dev) == 0)
		return memdev_mmap_remap(md, vma);
	return memdev_mmap_fault(md, vma);
}

/*
 * Method 1 (/dev/memdev0): build every page-table entry now.
 */
static int memdev_mmap_remap(struct memdev *md, struct vm_area_struct *vma)
{
	unsigned long pfn;

	/*
	 * MAP_PRIVATE is refused with EINVAL.  A private mapping promises
	 * copy-on-write: stores go to a private copy, never to the device.
	 * remap_pfn_range() can only honour that by recording the raw page
	 * frame number in vma->vm_pgoff (for every VMA that is_cow_mapping()
	 * calls private), and /proc/PID/maps prints vm_pgoff as the "offset"
	 * column: the physical address of a kernel buffer, shown to anybody
	 * who can read that file.  VM_MAYSHARE (not VM_SHARED) is the
	 * MAP_SHARED bit: for a read-only open the kernel clears VM_SHARED.
	 */
	if (!(vma->vm_flags & VM_MAYSHARE))
		return -EINVAL;

	/*
	 * The page frame number (PFN) is the physical address divided by
	 * PAGE_SIZE.  virt_to_page() is valid only for an address in the
	 * kernel's direct map of RAM, which is what the page allocator
	 * returns; a vmalloc() buffer is not physically contiguous and would
	 * need vmalloc_to_pfn() page by page (or remap_vmalloc_range()).
	 */
	pfn = page_to_pfn(virt_to_page(md->data)) + vma->vm_pgoff;

	/*
	 * Fill the page tables for the whole VMA now, with the protection
	 * the core computed from prot (vma->vm_page_prot).  remap_pfn_range()
	 * also marks the VMA VM_IO | VM_PFNMAP | VM_DONTEXPAND | VM_DONTDUMP:
	 * "raw page frames, no struct page bookkeeping; do not grow (mremap);
	 * leave out of core dumps".  So mremap(2) cannot grow this mapping,
	 * and /proc/PID/smaps counts none of its pages in Rss: Rss counts
	 * pages the memory manager owns, and a PFN mapping has none.
	 *
	 * Seed bug: vm_flags |= VM_IO | VM_RESERVED by hand (guide, lab 17).
	 */
	return remap_pfn_range(vma, vma->vm_start, pfn,
			       vma->vm_end - vma->vm_start, vma->vm_page_prot);
}

/*
 * Method 2 (/dev/memdev1): the fault handler.  The CPU could not translate
 * an address of the VMA; the core found no page-table entry and asks us
 * which page belongs there.
 *
 * vmf->pgoff  the page of the buffer: vma->vm_pgoff plus the page index
 *             of the faulting address inside the VMA
 * vmf->page   our answer: a struct page with a reference for the caller
 *
 * Of the ways to answer, this one returns the buffer's own struct page,
 * and the core maps it.  It is an ordinary, reference-counted page, so
 * the mapping is an ordinary one: it counts in Rss, get_user_pages() and
 * direct I/O work on it, and MAP_PRIVATE gets real copy-on-write (the
 * core copies our page into a private one on the first store).  The
 * others: vmf_insert_pfn() maps a bare frame (VM_PFNMAP, as method 1,
 * for memory without struct page such as device registers), and
 * vm_insert_page() maps struct pages too, but is called from .mmap for
 * every page at once, like method 1.
 */
static vm_fault_t memdev_fault(struct vm_fault *vmf)
{
	struct memdev *md = vmf->vma->vm_private_data;
	struct page *page;

	atomic_long_inc(&md->faults);
	/*
	 * memdev_mmap() checked the VMA, but mremap(2) may have grown it
	 * since (nothing forbids that here, unlike for method 1).  A page
	 * past the buffer is not ours to give: SIGBUS, as for a file mapping
	 * past the end of its file.
	 */
	if (vmf->pgoff >= md->size >> PAGE_SHIFT)
		return VM_FAULT_SIGBUS;

	page = virt_to_page(md->data + (vmf->pgoff << PAGE_SHIFT));
	get_page(page); /* the core drops it when the entry goes */
	vmf->page = page;
	return 0;
}

/*
 * No .map_pages: with it the core would map the neighbouring pages of a
 * fault too ("fault-around", as it does for files), and one fault would
 * no longer mean one page.
 */
static const struct vm_operations_struct memdev_vm_ops = {
	.fault = memdev_fault,
};

static int memdev_mmap_fault(struct memdev *md, struct vm_area_struct *vma)
{
	/*
	 * MAP_PRIVATE is fine here: a private VMA reads our pages until its
	 * first store to a page, which the core answers with a private copy
	 * of it (do_cow_fault() in mm/memory.c).  The buffer never sees that
	 * store, and vm_pgoff stays the file offset.
	 */
	vma->vm_ops = &memdev_vm_ops;
	vma->vm_private_data = md;
	/*
	 * Leave the buffer out of core dumps, as method 1 does: it is the
	 * device's memory, and dumping it would fault in every page.
	 */
	memdev_vm_flags_set(vma, VM_DONTDUMP);
	return 0;
}
