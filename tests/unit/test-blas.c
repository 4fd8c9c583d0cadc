/* test-blas.c: libtorch must do its matrix products with a fast BLAS. With
 * Debian's reference libblas3 (what --no-install-recommends leaves) bert-base
 * is 8-25× slower (PLATFORM-NOTES), which no other test would notice. */

#include <glib.h>
#include <string.h>

#include "attn-shim-tuning.h"

static void
test_not_reference (void)
{
  const char *path = attn_shim_blas_library ();

  g_test_message ("BLAS in use: %s", path != NULL ? path : "(none found)");
  if (attn_shim_blas_is_reference ())
    {
      g_test_message ("libtorch runs on the slow reference BLAS (%s): install "
                      "libopenblas0-pthread and check "
                      "update-alternatives --display libblas.so.3-x86_64-linux-gnu",
                      path);
      g_test_fail ();
    }
}

static void
test_library_exists (void)
{
  const char *path = attn_shim_blas_library ();

  /* libtorch_cpu links libblas.so.3, so a BLAS is always mapped. */
  g_assert_nonnull (path);
  g_assert_true (g_path_is_absolute (path));
  g_assert_true (g_file_test (path, G_FILE_TEST_IS_REGULAR));
  g_assert_true (strstr (path, "blas") != NULL);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/blas/not-reference", test_not_reference);
  g_test_add_func ("/blas/library-exists", test_library_exists);
  return g_test_run ();
}
