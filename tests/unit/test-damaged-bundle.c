/* test-damaged-bundle.c: a bundle with 256 changed bytes inside its weights
 * (a bad disk, a broken download) is refused as "the model file is damaged",
 * by the model core (every load mode) and by attention-cli (exit 2, the file
 * named, nothing on standard output), instead of running on garbage. The
 * zip structure of the copy is intact: only the record's CRC-32 tells.
 *
 *   test-damaged-bundle PYTHON MAKE_TEST_MODEL ATTENTION_CLI
 *
 * The damaged copy of $ATTENTION_TEST_MODEL is written at test time by
 * tools/make-test-model --damaged-copy-of. */

#include <glib/gstdio.h>
#include <string.h>
#include <sys/wait.h>

#include "attention-model.h"

#define DAMAGED "the model file is damaged"

static char *folder;
static char *damaged;
static const char *cli;

static void
load_refused (AttentionModelLoadFlags flags)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (AttentionModel) model = attention_model_new_from_file_full (damaged, flags, &error);

  g_assert_null (model);
  g_assert_error (error, ATTENTION_MODEL_ERROR, ATTENTION_MODEL_ERROR_LOAD);
  g_test_message ("flags %d: %s", flags, error->message);
  g_assert_true (g_str_has_prefix (error->message, DAMAGED));
  /* It names the record that failed, on one line. */
  g_assert_nonnull (strstr (error->message, "data/"));
  g_assert_null (strchr (error->message, '\n'));
}

static void
test_core_default (void)
{
  load_refused (ATTENTION_MODEL_LOAD_DEFAULT);
}

static void
test_core_one_shot (void)
{
  load_refused (ATTENTION_MODEL_LOAD_ONE_SHOT);
}

static void
test_core_long_lived (void)
{
  load_refused (ATTENTION_MODEL_LOAD_LONG_LIVED);
}

/* The intact original loads and runs in every mode: the check does not
 * refuse good files. */
static void
test_intact_loads (void)
{
  const AttentionModelLoadFlags modes[] = { ATTENTION_MODEL_LOAD_DEFAULT,
                                            ATTENTION_MODEL_LOAD_ONE_SHOT,
                                            ATTENTION_MODEL_LOAD_LONG_LIVED };

  for (guint i = 0; i < G_N_ELEMENTS (modes); i++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (AttentionModel) model =
          attention_model_new_from_file_full (g_getenv ("ATTENTION_TEST_MODEL"), modes[i], &error);
      g_autoptr (AttentionResult) result = NULL;

      g_assert_no_error (error);
      result = attention_model_run (model, "the cat sat on the [MASK] .", 3, NULL, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (attention_result_get_n_predictions (result), ==, 1);
    }
}

static void
test_cli (void)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *prefix = g_strdup_printf ("attention-cli: %s: " DAMAGED, damaged);
  g_autoptr (GError) error = NULL;
  const char *argv[] = { cli, "--model", damaged, "The cat sat on the [MASK].", NULL };
  int status = 0;

  g_spawn_sync (NULL, (char **)argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, &err, &status,
                &error);
  g_assert_no_error (error);
  g_test_message ("stderr: %s", err);
  g_assert_true (WIFEXITED (status));
  g_assert_cmpint (WEXITSTATUS (status), ==, 2);
  g_assert_cmpstr (out, ==, "");
  g_assert_true (g_str_has_prefix (err, prefix));
  /* One line. */
  g_assert_true (strchr (err, '\n') == err + strlen (err) - 1);
}

static void
make_fixture (const char *python, const char *maker)
{
  const char *argv[] = { python, maker, "--damaged-copy-of", g_getenv ("ATTENTION_TEST_MODEL"),
                         folder, NULL };
  g_autoptr (GError) error = NULL;
  g_autofree char *err = NULL;
  int status = 0;

  g_spawn_sync (NULL, (char **)argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL, NULL, &err,
                &status, &error);
  g_assert_no_error (error);
  if (!g_spawn_check_wait_status (status, &error))
    g_error ("make-test-model --damaged-copy-of failed: %s\n%s", error->message, err);
  damaged = g_build_filename (folder, "damaged.pt", NULL);
  g_assert_true (g_file_test (damaged, G_FILE_TEST_IS_REGULAR));
}

int
main (int argc, char **argv)
{
  g_autoptr (GError) error = NULL;
  int status;

  g_test_init (&argc, &argv, NULL);
  if (argc != 4 || g_getenv ("ATTENTION_TEST_MODEL") == NULL)
    {
      g_printerr ("usage: %s PYTHON MAKE_TEST_MODEL ATTENTION_CLI (with $ATTENTION_TEST_MODEL)\n",
                  argv[0]);
      return 1;
    }
  cli = argv[3];
  folder = g_dir_make_tmp ("attention-damaged-XXXXXX", &error);
  g_assert_no_error (error);
  make_fixture (argv[1], argv[2]);

  g_test_add_func ("/damaged-bundle/core/default", test_core_default);
  g_test_add_func ("/damaged-bundle/core/one-shot", test_core_one_shot);
  g_test_add_func ("/damaged-bundle/core/long-lived", test_core_long_lived);
  g_test_add_func ("/damaged-bundle/core/intact-loads", test_intact_loads);
  g_test_add_func ("/damaged-bundle/cli", test_cli);
  status = g_test_run ();

  g_unlink (damaged);
  g_rmdir (folder);
  g_free (damaged);
  g_free (folder);
  return status;
}
