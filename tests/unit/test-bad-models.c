/* test-bad-models.c: every way a model file can be wrong gets its own clear
 * message, from attention_model_new_from_file (error code and text) and from
 * attention-cli --model (exit 2, the same text on stderr), and never a crash.
 *
 *   test-bad-models PYTHON MAKE_BAD_MODELS_PY ATTENTION_CLI
 *
 * The broken files are written at test time into a temporary folder by
 * tests/fixtures/make_bad_models.py (python3-torch), from $ATTENTION_TEST_MODEL. */

#include <gio/gunixsocketaddress.h>
#include <glib/gstdio.h>
#include <grp.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "attention-model.h"

/* Unprivileged uid/gid for the unreadable-file case when running as root. */
#define NOBODY 65534

typedef struct
{
  const char *file;   /* in the fixture folder */
  int code;           /* AttentionModelError */
  const char *needle; /* what the message must say */
} BadCase;

static const BadCase cases[] = {
  { "empty.pt", ATTENTION_MODEL_ERROR_LOAD, "the file is empty" },
  { "truncated.pt", ATTENTION_MODEL_ERROR_LOAD, "truncated" },
  { "random.pt", ATTENTION_MODEL_ERROR_LOAD, "not a zip archive" },
  { "plain-zip.pt", ATTENTION_MODEL_ERROR_LOAD, "not a TorchScript module" },
  { "checkpoint.pt", ATTENTION_MODEL_ERROR_LOAD, "torch.save" },
  { "no-extras.pt", ATTENTION_MODEL_ERROR_LOAD, "has no vocab.txt" },
  { "no-config.pt", ATTENTION_MODEL_ERROR_LOAD, "has no config.json" },
  { "bad-config.pt", ATTENTION_MODEL_ERROR_CONFIG, "config.json is not valid JSON" },
  { "config-vocab-size.pt", ATTENTION_MODEL_ERROR_CONFIG, "config.json says 30522 tokens" },
  { "short-vocab.pt", ATTENTION_MODEL_ERROR_CONFIG, "vocab.txt has 1006 tokens" },
  { "wrong-attention-shape.pt", ATTENTION_MODEL_ERROR_LOAD, "attentions have the wrong shape" },
  { "wrong-logits-shape.pt", ATTENTION_MODEL_ERROR_LOAD, "logits have the wrong shape" },
  { "not-a-tuple.pt", ATTENTION_MODEL_ERROR_LOAD, "does not return (logits, attentions)" },
  { "folder.pt", ATTENTION_MODEL_ERROR_LOAD, "folder" },
  /* Refused before anything opens them (a FIFO hung forever). */
  { "fifo.pt", ATTENTION_MODEL_ERROR_LOAD, "named pipe (FIFO)" },
  { "device.pt", ATTENTION_MODEL_ERROR_LOAD, "a device" },
  { "socket.pt", ATTENTION_MODEL_ERROR_LOAD, "a socket" },
  /* 100,000 levels: json-glib's recursion overflowed the stack. */
  { "deep-config.pt", ATTENTION_MODEL_ERROR_CONFIG, "more than 64 levels deep" },
  { "missing.pt", ATTENTION_MODEL_ERROR_LOAD, "does not exist" },
};

static const BadCase unreadable = { "unreadable.pt", ATTENTION_MODEL_ERROR_LOAD,
                                    "no permission to read" };

static char *fixtures; /* folder of broken files */
static const char *cli;
static char *messages[G_N_ELEMENTS (cases)];

static char *
fixture (const BadCase *c)
{
  return g_build_filename (fixtures, c->file, NULL);
}

/* Loads through the API and checks code and message; returns the message. */
static char *
load_fails (const BadCase *c)
{
  g_autofree char *path = fixture (c);
  g_autoptr (GError) error = NULL;
  g_autoptr (AttentionModel) model = attention_model_new_from_file (path, &error);

  g_assert_null (model);
  g_assert_error (error, ATTENTION_MODEL_ERROR, c->code);
  g_test_message ("%s: %s", c->file, error->message);
  if (strstr (error->message, c->needle) == NULL)
    g_error ("%s: “%s” does not say “%s”", c->file, error->message, c->needle);
  /* One line the user can read: no libtorch backtrace, valid UTF-8. */
  g_assert_null (strchr (error->message, '\n'));
  g_assert_true (g_utf8_validate (error->message, -1, NULL));
  return g_strdup (error->message);
}

static void
drop_privileges (gpointer data)
{
  const char *exe = data;

  /* In the forked child, before exec: async-signal-safe calls only. Exit 77
   * when nobody cannot be become, or cannot run exe (a build tree under
   * /root, say). */
  if (getuid () == 0)
    {
      if (setgroups (0, NULL) != 0 || setgid (NOBODY) != 0 || setuid (NOBODY) != 0 ||
          access (exe, X_OK) != 0)
        _exit (77);
    }
}

#define SKIP_NOBODY                                                                                \
  "running as root, and cannot run the program as uid 65534 (no CAP_SETUID, or the build "         \
  "tree is not reachable for that user) to test an unreadable file"

/* attention-cli --model FILE "a [MASK]." must exit 2 and print message. */
static gboolean
cli_fails (const BadCase *c, const char *message, gboolean as_nobody)
{
  g_autofree char *path = fixture (c);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *expected = g_strdup_printf ("attention-cli: %s: %s\n", path, message);
  g_autoptr (GError) error = NULL;
  const char *argv[] = { cli, "--model", path, "a [MASK].", NULL };
  int status = 0;

  g_spawn_sync (NULL, (char **)argv, NULL, G_SPAWN_DEFAULT, as_nobody ? drop_privileges : NULL,
                (gpointer)cli, &out, &err, &status, &error);
  g_assert_no_error (error);
  g_assert_true (WIFEXITED (status));
  if (as_nobody && WEXITSTATUS (status) == 77)
    {
      g_test_skip (SKIP_NOBODY);
      return FALSE;
    }
  g_assert_cmpint (WEXITSTATUS (status), ==, 2);
  g_assert_cmpstr (out, ==, "");
  g_assert_cmpstr (err, ==, expected);
  return TRUE;
}

static void
test_case (gconstpointer data)
{
  const BadCase *c = data;

  messages[c - cases] = load_fails (c);
}

typedef struct
{
  guint pending;
  char *out[G_N_ELEMENTS (cases)];
  char *err[G_N_ELEMENTS (cases)];
  GSubprocess *proc[G_N_ELEMENTS (cases)];
} CliRuns;

static void
cli_done (GObject *source, GAsyncResult *res, gpointer user_data)
{
  CliRuns *runs = user_data;
  g_autoptr (GError) error = NULL;
  guint i;

  for (i = 0; runs->proc[i] != G_SUBPROCESS (source); i++)
    ;
  g_subprocess_communicate_utf8_finish (runs->proc[i], res, &runs->out[i], &runs->err[i], &error);
  g_assert_no_error (error);
  runs->pending--;
}

/* The same cases through attention-cli: exit 2 and the API's message on
 * stderr. All at once, since each process spends most of its time linking
 * libtorch. */
static void
test_cli (void)
{
  CliRuns runs = { 0 };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *path = fixture (&cases[i]);
      g_autoptr (GError) error = NULL;

      runs.proc[i] =
          g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE, &error,
                            cli, "--model", path, "a [MASK].", NULL);
      g_assert_no_error (error);
      runs.pending++;
      g_subprocess_communicate_utf8_async (runs.proc[i], NULL, NULL, cli_done, &runs);
    }
  while (runs.pending > 0)
    g_main_context_iteration (NULL, TRUE);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *path = fixture (&cases[i]);
      g_autofree char *expected = g_strdup_printf ("attention-cli: %s: %s\n", path, messages[i]);

      g_assert_nonnull (messages[i]);
      /* Say which case and what it printed before any assertion stops. */
      g_test_message ("%s: exit %d, stderr: %s", cases[i].file,
                      g_subprocess_get_exit_status (runs.proc[i]), runs.err[i]);
      g_assert_true (g_subprocess_get_if_exited (runs.proc[i]));
      g_assert_cmpint (g_subprocess_get_exit_status (runs.proc[i]), ==, 2);
      g_assert_cmpstr (runs.out[i], ==, "");
      g_assert_cmpstr (runs.err[i], ==, expected);
      g_object_unref (runs.proc[i]);
      g_free (runs.out[i]);
      g_free (runs.err[i]);
    }
}

/* The programs reach libtorch through the shim module: without it, loading a
 * model fails with the reason (exit 2), it does not crash. */
static void
test_no_shim_module (void)
{
  const char *missing = "/nonexistent/libattention-shim.so";
  g_autoptr (GSubprocessLauncher) launcher =
      g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_autoptr (GSubprocess) proc = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;

  g_subprocess_launcher_setenv (launcher, "ATTENTION_SHIM_MODULE", missing, TRUE);
  proc = g_subprocess_launcher_spawn (launcher, &error, cli, "--model",
                                      g_getenv ("ATTENTION_TEST_MODEL"), "a [MASK].", NULL);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_communicate_utf8 (proc, NULL, NULL, &out, &err, &error));
  g_assert_no_error (error);
  g_test_message ("stderr: %s", err);
  g_assert_cmpint (g_subprocess_get_exit_status (proc), ==, 2);
  g_assert_cmpstr (out, ==, "");
  g_assert_nonnull (strstr (err, "cannot load the libtorch shim"));
  g_assert_nonnull (strstr (err, missing));
}

/* Every case says something different: no catch-all message. */
static void
test_distinct (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_assert_nonnull (messages[i]);
      for (guint j = 0; j < i; j++)
        g_assert_cmpstr (messages[i], !=, messages[j]);
    }
}

static void
test_unreadable (void)
{
  g_autofree char *path = fixture (&unreadable);

  g_assert_cmpint (g_chmod (path, 0), ==, 0);
  if (getuid () != 0)
    {
      g_autofree char *message = load_fails (&unreadable);

      cli_fails (&unreadable, message, FALSE);
      return;
    }

  /* Root reads any file whatever its mode: load it as nobody, in this
   * program started afresh (--load-as-nobody) after setuid. */
  {
    g_autofree char *self = g_file_read_link ("/proc/self/exe", NULL);
    g_autofree char *out = NULL;
    g_autofree char *err = NULL;
    g_autoptr (GError) error = NULL;
    const char *argv[] = { self, "--load-as-nobody", path, NULL };
    int status = 0;

    g_assert_nonnull (self);
    g_spawn_sync (NULL, (char **)argv, NULL, G_SPAWN_DEFAULT, drop_privileges, self, &out, &err,
                  &status, &error);
    g_assert_no_error (error);
    if (WIFEXITED (status) && WEXITSTATUS (status) == 77)
      {
        /* Nothing makes a file unreadable to root itself. */
        g_test_skip (SKIP_NOBODY);
        return;
      }
    if (!WIFEXITED (status) || WEXITSTATUS (status) != 0)
      g_error ("loading as nobody failed (status %d): %s%s", status, out, err);
    g_strchomp (out);
    g_test_message ("%s (as uid %d): %s", unreadable.file, NOBODY, out);
    g_assert_nonnull (strstr (out, unreadable.needle));
    cli_fails (&unreadable, out, TRUE);
  }
}

/* --load-as-nobody FILE: the loading half of test_unreadable, as nobody.
 * Prints the error message; exit 0 when it failed to load, as it must. */
static int
load_as_nobody (const char *path)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (AttentionModel) model = NULL;

  if (getuid () == 0)
    return 3;
  model = attention_model_new_from_file (path, &error);
  if (model != NULL)
    {
      g_printerr ("%s loaded as uid %d\n", path, (int)getuid ());
      return 1;
    }
  if (error->code != ATTENTION_MODEL_ERROR_LOAD)
    {
      g_printerr ("wrong error code %d: %s\n", error->code, error->message);
      return 1;
    }
  g_print ("%s\n", error->message);
  return 0;
}

static void
remove_tree (const char *path)
{
  g_autoptr (GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR))
        remove_tree (child);
      else
        g_unlink (child);
    }
  g_rmdir (path);
}

static GSocket *listening; /* keeps socket.pt a live socket */

/* A FIFO, a device (a link to /dev/zero) and a socket named like models. */
static gboolean
make_special_files (GError **error)
{
  g_autofree char *fifo = g_build_filename (fixtures, "fifo.pt", NULL);
  g_autofree char *device = g_build_filename (fixtures, "device.pt", NULL);
  g_autofree char *socket_path = g_build_filename (fixtures, "socket.pt", NULL);
  g_autoptr (GSocketAddress) address = g_unix_socket_address_new (socket_path);

  g_assert_cmpint (mkfifo (fifo, 0644), ==, 0);
  g_assert_cmpint (symlink ("/dev/zero", device), ==, 0);
  listening = g_socket_new (G_SOCKET_FAMILY_UNIX, G_SOCKET_TYPE_STREAM, 0, error);
  g_assert_no_error (*error);
  g_assert_true (g_socket_bind (listening, address, FALSE, error));
  g_assert_no_error (*error);
  return TRUE;
}

/* Bundles that load and then misbehave on a real sentence: the bundle's own
 * exception (not libtorch's "The following operation failed in the
 * TorchScript interpreter.") with the traceback as details; NaN or infinite
 * outputs refused. */
typedef struct
{
  const char *file;
  int code;
  const char *message; /* exactly */
} RunCase;

static const RunCase run_cases[] = {
  { "raises.pt", ATTENTION_MODEL_ERROR_RUN,
    "RuntimeError: this bundle refuses sentences longer than 3 tokens" },
  { "nan-attentions.pt", ATTENTION_MODEL_ERROR_NOT_FINITE, "the model produced NaN/inf values" },
  { "inf-logits.pt", ATTENTION_MODEL_ERROR_NOT_FINITE, "the model produced NaN/inf values" },
};

static void
test_run_failure (gconstpointer data)
{
  const RunCase *c = data;
  g_autofree char *path = g_build_filename (fixtures, c->file, NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (AttentionModel) model = attention_model_new_from_file (path, &error);
  g_autoptr (AttentionResult) result = NULL;
  g_autoptr (GSubprocess) proc = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *expected = NULL;
  const char *details;

  g_assert_no_error (error);
  /* The probe (3 tokens) passes; a sentence does not. */
  result = attention_model_run (model, "the cat sat on the [MASK] .", 3, NULL, &error);
  g_assert_null (result);
  g_assert_error (error, ATTENTION_MODEL_ERROR, c->code);
  g_assert_cmpstr (error->message, ==, c->message);
  details = attention_model_error_get_details (error);
  if (c->code == ATTENTION_MODEL_ERROR_RUN)
    {
      g_assert_nonnull (details);
      g_assert_nonnull (strstr (details, "The following operation failed"));
      g_assert_nonnull (strstr (details, "Traceback of TorchScript"));
      g_assert_nonnull (strstr (details, c->message));
    }
  else
    g_assert_null (details);
  g_clear_error (&error);

  /* The CLI: exit 2, the one line on stderr. */
  proc = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDERR_PIPE, &error,
                           cli, "--model", path, "the cat sat on the [MASK] .", NULL);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_communicate_utf8 (proc, NULL, NULL, &out, &err, &error));
  g_assert_no_error (error);
  g_test_message ("%s: stderr %s", c->file, err);
  g_assert_cmpint (g_subprocess_get_exit_status (proc), ==, 2);
  g_assert_cmpstr (out, ==, "");
  expected = g_strdup_printf ("attention-cli: %s\n", c->message);
  g_assert_cmpstr (err, ==, expected);
}

/* Writes the fixtures; FALSE (and a reason) when they cannot be made. */
static gboolean
make_fixtures (const char *python, const char *script, char **reason)
{
  const char *good = g_getenv ("ATTENTION_TEST_MODEL");
  g_autoptr (GError) error = NULL;
  g_autofree char *err = NULL;
  int status = 0;

  fixtures = g_dir_make_tmp ("attention-bad-models-XXXXXX", &error);
  g_assert_no_error (error);
  /* nobody must reach the unreadable file to be refused by its mode. */
  g_chmod (fixtures, 0755);
  {
    const char *argv[] = { python, script, fixtures, good, NULL };

    if (!g_spawn_sync (NULL, (char **)argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL, NULL,
                       &err, &status, &error))
      {
        *reason = g_strdup_printf ("cannot run %s: %s", python, error->message);
        return FALSE;
      }
  }
  if (!g_spawn_check_wait_status (status, &error))
    g_error ("make_bad_models.py failed: %s\n%s", error->message, err);
  return make_special_files (&error);
}

int
main (int argc, char **argv)
{
  int status;

  if (argc == 3 && strcmp (argv[1], "--load-as-nobody") == 0)
    return load_as_nobody (argv[2]);

  g_test_init (&argc, &argv, NULL);
  if (argc != 4 || g_getenv ("ATTENTION_TEST_MODEL") == NULL)
    {
      g_printerr ("usage: %s PYTHON MAKE_BAD_MODELS_PY ATTENTION_CLI "
                  "(with $ATTENTION_TEST_MODEL)\n",
                  argv[0]);
      return 1;
    }
  cli = argv[3];

  {
    g_autofree char *reason = NULL;

    if (!make_fixtures (argv[1], argv[2], &reason))
      {
        g_test_skip (reason);
        return g_test_run ();
      }
  }

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *name = g_strdup_printf ("/bad-models/%s", cases[i].file);

      g_test_add_data_func (name, &cases[i], test_case);
    }
  g_test_add_func ("/bad-models/unreadable.pt", test_unreadable);
  for (guint i = 0; i < G_N_ELEMENTS (run_cases); i++)
    {
      g_autofree char *name = g_strdup_printf ("/bad-models/run/%s", run_cases[i].file);

      g_test_add_data_func (name, &run_cases[i], test_run_failure);
    }
  g_test_add_func ("/bad-models/distinct-messages", test_distinct);
  g_test_add_func ("/bad-models/cli", test_cli);
  g_test_add_func ("/bad-models/no-shim-module", test_no_shim_module);
  status = g_test_run ();

  g_clear_object (&listening);
  remove_tree (fixtures);
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    g_free (messages[i]);
  g_free (fixtures);
  return status;
}
