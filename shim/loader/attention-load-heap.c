/* attention-load-heap.c: see attention-load-heap.h.
 *
 * Measured on the CI's 2-core VMs, dlopen of the shim module alone: 617 ms
 * and 16,900 page faults as it was, 434 ms and 5,600 faults with the padded
 * heap (fastest of 8 each; docs/benchmarks.md). */

#include "attention-load-heap.h"

#include <malloc.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#define PAD ((size_t)64 << 20)         /* libtorch's start-up takes about 42 MB */
#define HUGE_PAGE ((uintptr_t)2 << 20) /* x86-64's transparent huge page */
#define DEFAULT_TOP_PAD (128 * 1024)   /* glibc's, see mallopt(3) */
#define MMAP_THRESHOLD (128 * 1024 * 1024)
#define TRIM_THRESHOLD (256 * 1024 * 1024)

void
attention_load_heap_init (void)
{
  /* The app's other threads (GTK's, GDBus's, the model's) allocate little
   * and seldom at once; one arena also keeps idle arenas out of the RSS. */
  mallopt (M_ARENA_MAX, 1);
}

gboolean
attention_load_heap_prepare (void)
{
  struct mallinfo2 before;
  size_t size;
  char *end;
  void *probe;
  uintptr_t start, from, to;

  /* For good: page faults are very expensive on these VMs, and without
   * these glibc hands every big tensor buffer back to the kernel after each
   * forward and faults it in again on the next (several times slower on
   * small models). */
  mallopt (M_MMAP_THRESHOLD, MMAP_THRESHOLD);
  mallopt (M_TRIM_THRESHOLD, TRIM_THRESHOLD);

  if (g_strcmp0 (g_getenv ("ATTENTION_BENCH_SMALL_PAGES"), "1") == 0)
    return FALSE;

  /* One block larger than the free top of the main heap makes malloc grow
   * the heap by the block and the padding (below the threshold above, so
   * from the heap, not from a mapping of its own). */
  before = mallinfo2 ();
  size = before.keepcost + 64 * 1024;
  mallopt (M_TOP_PAD, (int)PAD);
  probe = malloc (size);
  start = (uintptr_t)probe; /* where the grown part begins */
  free (probe);
  end = sbrk (0); /* after free, which may give back what is past the padding */

  /* Only the main heap grows with brk, right up to its end: a thread's arena
   * is a mapping of its own, elsewhere. */
  if (start == 0 || end == (void *)-1 || start >= (uintptr_t)end || (uintptr_t)end - start < PAD ||
      (uintptr_t)end - start > size + PAD + HUGE_PAGE)
    {
      attention_load_heap_finish ();
      return FALSE;
    }
  from = (start + HUGE_PAGE - 1) & ~(HUGE_PAGE - 1);
  to = (uintptr_t)end & ~(HUGE_PAGE - 1);
  /* Fails only where the kernel has no huge pages; the padding alone still
   * saves the heap's many small brk calls then. */
  if (to > from)
    (void)madvise ((void *)from, to - from, MADV_HUGEPAGE);
  return TRUE;
}

void
attention_load_heap_finish (void)
{
  mallopt (M_TOP_PAD, DEFAULT_TOP_PAD);
}
