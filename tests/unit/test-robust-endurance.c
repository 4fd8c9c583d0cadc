/* test-robust-endurance.c: many sentences through one model in one process
 * must not grow resident memory. A short version of
 * bench-endurance: 300 runs of varied length on the test model, after a
 * warm-up that lets the allocator and libtorch reach their steady pools. */

#include <stdio.h>
#include <unistd.h>

#include "attention-model.h"

#define WARMUP 40
#define RUNS 300
/* A leak of one result (attentions + tokens) per run would be ~300 × 5 KB
 * even at 5 tokens; allocator noise stays well under this. */
#define MAX_GROWTH_KB 4096

static long
rss_kb (void)
{
  long pages = 0, resident = 0;
  FILE *f = fopen ("/proc/self/statm", "r");

  if (f == NULL)
    return -1;
  if (fscanf (f, "%ld %ld", &pages, &resident) != 2)
    resident = -1;
  fclose (f);
  return resident < 0 ? -1 : resident * (sysconf (_SC_PAGESIZE) / 1024);
}

static const char *const sentences[] = {
  "The cat sat on the [MASK].",
  "[MASK] is the capital of France.",
  "The queen of [MASK] walked to the bank and sat by the lane among the snow.",
  "[MASK]",
  "No mask in this one at all.",
  "A [MASK] [MASK] ran east, brought heat, and turned into paint.",
};

static void
run_many (AttentionModel *model, guint from, guint count)
{
  for (guint i = from; i < from + count; i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (AttentionResult) result = NULL;
      GString *text = g_string_new (sentences[i % G_N_ELEMENTS (sentences)]);

      /* Lengths vary so libtorch sees many shapes, as a user's edits do. */
      for (guint k = 0; k < i % 17; k++)
        g_string_append (text, " the cat");
      result = attention_model_run (model, text->str, 5, NULL, &error);
      g_assert_no_error (error);
      g_assert_nonnull (result);
      g_string_free (text, TRUE);
    }
}

static void
test_endurance (void)
{
  const char *path = g_getenv ("ATTENTION_TEST_MODEL");
  g_autoptr (GError) error = NULL;
  g_autoptr (AttentionModel) model = NULL;
  long before, after;

  if (path == NULL)
    {
      g_test_skip ("ATTENTION_TEST_MODEL is not set");
      return;
    }
#ifdef __SANITIZE_ADDRESS__
  /* ASan's quarantine holds freed memory on purpose, so RSS grows; under it
   * LeakSanitizer checks the same thing exactly, at exit. */
  g_test_skip ("RSS is meaningless under AddressSanitizer (LeakSanitizer checks leaks)");
  return;
#endif
  if (rss_kb () < 0)
    {
      g_test_skip ("no /proc/self/statm");
      return;
    }
  model = attention_model_new_from_file (path, &error);
  g_assert_no_error (error);

  run_many (model, 0, WARMUP);
  before = rss_kb ();
  run_many (model, WARMUP, RUNS);
  after = rss_kb ();
  g_test_message ("RSS %ld kB → %ld kB after %d runs", before, after, RUNS);
  g_assert_cmpint (after - before, <, MAX_GROWTH_KB);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/robust/endurance", test_endurance);
  return g_test_run ();
}
