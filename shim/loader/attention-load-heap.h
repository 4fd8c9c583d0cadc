/* attention-load-heap.h: transparent huge pages for the heap that libtorch's
 * start-up fills.
 *
 * Loading libtorch runs its static initialisers, which register a few
 * thousand operators: about 42 MB of small heap blocks, 11,000 page faults of
 * 4 KiB. Page faults are expensive on these VMs, so before the load the heap
 * is grown by a padding whose whole 2 MiB ranges may be huge pages
 * (MADV_HUGEPAGE: Debian's kernels ship with huge pages "madvise"). */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Call first in main(), before any thread starts: every thread then
 * allocates from glibc's main heap (one malloc arena), which can be padded
 * whichever thread loads libtorch. A thread's own arena grows a page at a
 * time, which leaves no whole 2 MiB range for a huge page. */
void attention_load_heap_init (void);

/* Call on the thread that is about to load libtorch. Sets malloc's
 * thresholds for the process (blocks up to 128 MB come from the heap and
 * stay there between runs), then pads the heap. TRUE when the heap this
 * thread allocates from was padded: the main heap. A thread with an arena of
 * its own (attention_load_heap_init was not called), or
 * ATTENTION_BENCH_SMALL_PAGES=1, pads nothing. */
gboolean attention_load_heap_prepare (void);

/* Call after the load: later growth of the heap is padded as before. */
void attention_load_heap_finish (void);

G_END_DECLS
