/* test-load-heap.c: attention-load-heap.c pads the main heap with memory
 * that may be huge pages, only there, only for the load, and the shim loader
 * uses it. */

#include <glib.h>
#include <malloc.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "attention-load-heap.h"
#include "attn-shim-tuning.h"

#define PAD ((uintptr_t)64 << 20)

/* Whether the kernel may give huge pages to madvised memory at all. */
static gboolean
kernel_has_huge_pages (void)
{
  g_autofree char *mode = NULL;

  if (!g_file_get_contents ("/sys/kernel/mm/transparent_hugepage/enabled", &mode, NULL, NULL))
    return FALSE;
  return strstr (mode, "[never]") == NULL;
}

/* Whether a mapping that overlaps [from, to) has the flag in its VmFlags
 * (/proc/self/smaps). */
static gboolean
flag_in_range (uintptr_t from, uintptr_t to, const char *flag)
{
  g_autofree char *smaps = NULL;
  g_auto (GStrv) lines = NULL;
  gboolean inside = FALSE;

  g_assert_true (g_file_get_contents ("/proc/self/smaps", &smaps, NULL, NULL));
  lines = g_strsplit (smaps, "\n", -1);
  for (char **l = lines; *l != NULL; l++)
    {
      unsigned long start, end;
      char dash;

      /* A mapping's first line: "start-end perms offset dev inode path". */
      if (sscanf (*l, "%lx%c%lx ", &start, &dash, &end) == 3 && dash == '-' &&
          strchr (*l, ' ') == *l + strspn (*l, "0123456789abcdef-"))
        inside = start < to && end > from;
      else if (inside && g_str_has_prefix (*l, "VmFlags:"))
        {
          g_auto (GStrv) words = g_strsplit (*l + strlen ("VmFlags:"), " ", -1);

          g_test_message ("mapping in the heap: %s", *l);
          if (g_strv_contains ((const char *const *)words, flag))
            return TRUE;
        }
    }
  return FALSE;
}

/* How far the heap's end moves for one block larger than its free top. */
static uintptr_t
growth_for_next_block (void)
{
  struct mallinfo2 info = mallinfo2 ();
  uintptr_t before = (uintptr_t)sbrk (0);
  void *block = malloc (info.keepcost + 64 * 1024);
  uintptr_t after = (uintptr_t)sbrk (0);

  free (block);
  return after - before;
}

/* Whether this process's malloc is glibc's, on the brk heap: not under
 * AddressSanitizer or valgrind, which bring their own allocators. */
static gboolean
glibc_heap (void)
{
  void *block = malloc (1024);
  uintptr_t at = (uintptr_t)block, end = (uintptr_t)sbrk (0);
  struct mallinfo2 info = mallinfo2 ();

  free (block);
  return info.arena > 0 && at < end && at >= end - info.arena;
}

static void
test_main_heap (void)
{
  uintptr_t start, end;

  if (!glibc_heap ())
    {
      g_test_skip ("malloc is not glibc's here (AddressSanitizer, valgrind)");
      return;
    }
  start = (uintptr_t)sbrk (0);
  g_assert_true (attention_load_heap_prepare ());
  end = (uintptr_t)sbrk (0);
  g_assert_cmpuint (end - start, >=, PAD / 2);
  /* The padding is marked for huge pages. */
  if (kernel_has_huge_pages ())
    g_assert_true (flag_in_range (start, end, "hg"));
  attention_load_heap_finish ();
  /* Later growth is glibc's default again, far less than the padding. */
  g_assert_cmpuint (growth_for_next_block (), <, PAD / 4);
}

/* Whether the heap was padded, from a new thread. */
static gpointer
prepare_in_thread (gpointer unused)
{
  uintptr_t before = (uintptr_t)sbrk (0);
  gboolean padded = attention_load_heap_prepare ();

  attention_load_heap_finish ();
  if (!padded)
    g_assert_cmpuint ((uintptr_t)sbrk (0), ==, before);
  return GINT_TO_POINTER (padded);
}

static void
test_other_thread (void)
{
  /* A thread's arena is not the brk heap: nothing to pad there. */
  g_assert_false (GPOINTER_TO_INT (g_thread_join (g_thread_new ("t", prepare_in_thread, NULL))));
}

/* With one arena for the process, a thread loads from the main heap too: as
 * the window and the CLI's prompt do. In a process of its own, since the
 * arena limit counts only before a second thread allocates. */
static void
test_thread_after_init (void)
{
  if (!glibc_heap ())
    {
      g_test_skip ("malloc is not glibc's here (AddressSanitizer, valgrind)");
      return;
    }
  if (g_test_subprocess ())
    {
      attention_load_heap_init ();
      g_assert_true (GPOINTER_TO_INT (g_thread_join (g_thread_new ("t", prepare_in_thread, NULL))));
      return;
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
}

static void
test_bench_switch (void)
{
  uintptr_t before = (uintptr_t)sbrk (0);

  g_setenv ("ATTENTION_BENCH_SMALL_PAGES", "1", TRUE);
  g_assert_false (attention_load_heap_prepare ());
  attention_load_heap_finish ();
  g_unsetenv ("ATTENTION_BENCH_SMALL_PAGES");
  g_assert_cmpuint ((uintptr_t)sbrk (0), ==, before);
}

/* The shim loader pads the heap around its dlopen: libtorch's start-up
 * leaves its blocks in memory marked for huge pages. */
static void
test_loader_uses_it (void)
{
  char *error = NULL;
  uintptr_t before, after;

  if (!glibc_heap ())
    {
      g_test_skip ("malloc is not glibc's here (AddressSanitizer, valgrind)");
      return;
    }
  before = (uintptr_t)sbrk (0);
  if (attn_shim_preload (&error) != 0)
    {
      g_test_message ("%s", error);
      free (error);
      g_test_fail ();
      return;
    }
  /* libtorch's start-up took some 42 MB of it (whatever is left may have
   * been given back since). */
  after = (uintptr_t)sbrk (0);
  g_assert_cmpuint (after - before, >=, 16 << 20);
  if (kernel_has_huge_pages ())
    g_assert_true (flag_in_range (before, after, "hg"));
  g_assert_cmpuint (growth_for_next_block (), <, PAD / 4);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  /* First, while the process has one thread: it sets the environment. */
  g_test_add_func ("/load-heap/bench-switch", test_bench_switch);
  g_test_add_func ("/load-heap/main-heap", test_main_heap);
  g_test_add_func ("/load-heap/other-thread", test_other_thread);
  g_test_add_func ("/load-heap/thread-after-init", test_thread_after_init);
  g_test_add_func ("/load-heap/loader-uses-it", test_loader_uses_it);
  return g_test_run ();
}
