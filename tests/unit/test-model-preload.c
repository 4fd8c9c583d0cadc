/* test-model-preload.c: the start-up preload: which model it opens, and that
 * exactly one claim of that very model receives it, from the main loop.
 * Needs $ATTENTION_TEST_MODEL. */

#include <glib/gstdio.h>

#include "attention-model-preload.h"
#include "attention-model.h"

static void
test_choose_path (void)
{
  const char *bundle = g_getenv ("ATTENTION_TEST_MODEL");
  g_autofree char *missing = g_build_filename (g_get_tmp_dir (), "attention-no-such.pt", NULL);
  g_autofree char *from_env = NULL;
  g_autofree char *fallback = NULL;
  g_autofree char *remembered = NULL;
  g_autofree char *default_path = NULL;

  /* $ATTENTION_MODEL wins over a remembered model that exists. */
  g_setenv ("ATTENTION_MODEL", "/elsewhere/model.pt", TRUE);
  from_env = attention_model_preload_choose_path (bundle);
  g_assert_cmpstr (from_env, ==, "/elsewhere/model.pt");

  g_unsetenv ("ATTENTION_MODEL");
  default_path = attention_model_default_path ();
  g_assert_cmpstr (default_path, !=, bundle);
  remembered = attention_model_preload_choose_path (bundle);
  g_assert_cmpstr (remembered, ==, bundle);
  /* Gone since, or never chosen: the bundled demo model. */
  g_assert_false (g_file_test (missing, G_FILE_TEST_EXISTS));
  fallback = attention_model_preload_choose_path (missing);
  g_assert_cmpstr (fallback, ==, default_path);
  g_clear_pointer (&fallback, g_free);
  fallback = attention_model_preload_choose_path ("");
  g_assert_cmpstr (fallback, ==, default_path);
  g_clear_pointer (&fallback, g_free);
  fallback = attention_model_preload_choose_path (NULL);
  g_assert_cmpstr (fallback, ==, default_path);
}

typedef struct
{
  guint calls;
  gboolean inside_claim;
  AttentionModel *model;
} Claim;

static void
claimed_cb (GObject *source, GAsyncResult *res, gpointer data)
{
  Claim *claim = data;
  g_autoptr (GError) error = NULL;

  g_assert_null (source);
  g_assert_false (claim->inside_claim);
  claim->calls++;
  claim->model = attention_model_new_from_file_finish (res, &error);
  g_assert_no_error (error);
}

static void
unexpected_cb (GObject *source, GAsyncResult *res, gpointer data)
{
  g_assert_not_reached ();
}

static void
test_claim (void)
{
  const char *bundle = g_getenv ("ATTENTION_TEST_MODEL");
  Claim claim = { 0 };

  /* Nothing started: nothing to claim. */
  g_assert_false (attention_model_preload_claim (bundle, unexpected_cb, NULL));

  attention_model_preload_start (bundle);
  /* Another model is not this load. */
  g_assert_false (attention_model_preload_claim ("/elsewhere/model.pt", unexpected_cb, NULL));

  claim.inside_claim = TRUE;
  g_assert_true (attention_model_preload_claim (bundle, claimed_cb, &claim));
  claim.inside_claim = FALSE;
  g_assert_cmpuint (claim.calls, ==, 0);
  /* Taken: a second window loads its own. */
  g_assert_false (attention_model_preload_claim (bundle, unexpected_cb, NULL));

  while (claim.calls == 0)
    g_main_context_iteration (NULL, TRUE);
  g_assert_nonnull (claim.model);
  g_assert_cmpstr (attention_model_get_path (claim.model), ==, bundle);

  /* One preload per process: a second start loads nothing. */
  attention_model_preload_start (bundle);
  g_assert_false (attention_model_preload_claim (bundle, unexpected_cb, NULL));
  for (guint i = 0; i < 10; i++)
    g_main_context_iteration (NULL, FALSE);
  g_assert_cmpuint (claim.calls, ==, 1);
  g_object_unref (claim.model);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  if (g_getenv ("ATTENTION_TEST_MODEL") == NULL)
    {
      g_printerr ("ATTENTION_TEST_MODEL is not set\n");
      return 1;
    }
  g_test_add_func ("/model-preload/choose-path", test_choose_path);
  g_test_add_func ("/model-preload/claim", test_claim);
  return g_test_run ();
}
