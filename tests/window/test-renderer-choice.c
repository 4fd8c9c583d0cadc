/* test-renderer-choice.c: without a GPU the window draws with Cairo and never
 * loads Mesa's llvmpipe (src/app/attention-renderer-choice.c), unless the user
 * chose a renderer. The first cases are the decision on made-up /dev folders;
 * the last ones launch the real program under Xvfb and watch its mappings
 * until it has drawn its first matrix. Argument: the `attention` program. */

#include <glib.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/wait.h>

#include "attention-renderer-choice.h"
#include "test-private-home.h"

static const char *app_path;

static char *
make_dev (const char *const *files)
{
  g_autoptr (GError) error = NULL;
  char *dev = g_dir_make_tmp ("attention-dev-XXXXXX", &error);

  g_assert_no_error (error);
  for (gsize i = 0; files[i] != NULL; i++)
    {
      g_autofree char *path = g_build_filename (dev, files[i], NULL);
      g_autofree char *parent = g_path_get_dirname (path);

      g_assert_cmpint (g_mkdir_with_parents (parent, 0700), ==, 0);
      g_assert_true (g_file_set_contents (path, "", 0, NULL));
    }
  return dev;
}

static gboolean
has_gpu_in (const char *const *files)
{
  g_autofree char *dev = make_dev (files);
  gboolean result = attention_renderer_has_gpu (dev);

  attention_test_remove_tree (dev);
  return result;
}

static void
test_gpu_detection (void)
{
  const char *none[] = { NULL };
  const char *display_only[] = { "dri/card0", "null", NULL };
  const char *render_node[] = { "dri/card0", "dri/renderD128", NULL };
  const char *nvidia[] = { "nvidiactl", "nvidia0", NULL };

  g_assert_false (has_gpu_in (none));
  g_assert_false (has_gpu_in (display_only));
  g_assert_true (has_gpu_in (render_node));
  g_assert_true (has_gpu_in (nvidia));
  g_assert_false (attention_renderer_has_gpu ("/nonexistent/attention-dev"));
}

static void
test_user_choice_wins (void)
{
  g_assert_true (attention_renderer_prefer_cairo (NULL, NULL, FALSE));
  g_assert_false (attention_renderer_prefer_cairo (NULL, NULL, TRUE));
  g_assert_false (attention_renderer_prefer_cairo ("gl", NULL, FALSE));
  g_assert_false (attention_renderer_prefer_cairo ("", NULL, FALSE));
  g_assert_false (attention_renderer_prefer_cairo (NULL, "events", FALSE));
}

/* The program's choice sets the environment GTK reads, and never overrides
 * the user's. */
static void
test_environment (void)
{
  g_unsetenv ("GSK_RENDERER");
  g_unsetenv ("GDK_DEBUG");
  if (attention_renderer_choose_before_gtk ())
    {
      g_assert_cmpstr (g_getenv ("GSK_RENDERER"), ==, "cairo");
      g_assert_cmpstr (g_getenv ("GDK_DEBUG"), ==, "gl-disable");
    }
  else
    g_assert_true (attention_renderer_has_gpu ("/dev"));

  g_setenv ("GSK_RENDERER", "gl", TRUE);
  g_unsetenv ("GDK_DEBUG");
  g_assert_false (attention_renderer_choose_before_gtk ());
  g_assert_cmpstr (g_getenv ("GSK_RENDERER"), ==, "gl");
  g_assert_null (g_getenv ("GDK_DEBUG"));
  g_unsetenv ("GSK_RENDERER");
}

/* Runs the program until it has drawn its first matrix and says whether it
 * ever mapped Mesa's software rasteriser or LLVM. */
static gboolean
run_app_maps_llvm (const char *gsk_renderer)
{
  g_autoptr (GError) error = NULL;
  g_auto (GStrv) env = g_get_environ ();
  const char *argv[] = { app_path, NULL };
  g_autofree char *maps_path = NULL;
  gboolean mapped = FALSE;
  GPid pid;
  int status;

  env = g_environ_unsetenv (env, "GDK_DEBUG");
  env = g_environ_unsetenv (env, "GSK_RENDERER");
  if (gsk_renderer != NULL)
    env = g_environ_setenv (env, "GSK_RENDERER", gsk_renderer, TRUE);
  /* Under build-aux/ci-sanitize: this test is about what the program maps, and
   * LeakSanitizer at the exit of a process with GTK and libtorch may crash in
   * its own tracer (see build-aux/ci-sanitize) or report libraries' own leaks. */
  if (g_environ_getenv (env, "ASAN_OPTIONS") != NULL)
    {
      g_autofree char *asan =
          g_strconcat (g_environ_getenv (env, "ASAN_OPTIONS"), ":detect_leaks=0", NULL);

      env = g_environ_setenv (env, "ASAN_OPTIONS", asan, TRUE);
    }
  env = g_environ_setenv (env, "ATTENTION_BENCH_EXIT_ON_FIRST_DRAW", "1", TRUE);
  env = g_environ_setenv (env, "ATTENTION_BENCH_TEXT", "The cat sat on the [MASK] .", TRUE);
  env = g_environ_setenv (env, "ATTENTION_MODEL", g_getenv ("ATTENTION_TEST_MODEL"), TRUE);
  g_assert_true (g_spawn_async (NULL, (char **)argv, env, G_SPAWN_DO_NOT_REAP_CHILD, NULL, NULL,
                                &pid, &error));
  g_assert_no_error (error);
  maps_path = g_strdup_printf ("/proc/%d/maps", pid);

  /* Until it exits on its own after the first matrix (or 120 s). */
  for (int i = 0; i < 6000; i++)
    {
      g_autofree char *maps = NULL;

      if (waitpid (pid, &status, WNOHANG) == pid)
        {
          g_assert_true (WIFEXITED (status));
          g_assert_cmpint (WEXITSTATUS (status), ==, 0);
          g_spawn_close_pid (pid);
          return mapped;
        }
      if (g_file_get_contents (maps_path, &maps, NULL, NULL) &&
          (strstr (maps, "libLLVM") != NULL || strstr (maps, "swrast_dri") != NULL))
        mapped = TRUE;
      g_usleep (20 * 1000);
    }
  kill (pid, SIGKILL);
  waitpid (pid, &status, 0);
  g_spawn_close_pid (pid);
  g_error ("%s did not draw a matrix within 120 s", app_path);
  return mapped;
}

static void
test_app_without_gpu (void)
{
  if (attention_renderer_has_gpu ("/dev"))
    {
      g_test_skip ("this machine has a GPU: GL is GTK's default choice here");
      return;
    }
  g_assert_false (run_app_maps_llvm (NULL));
  /* The user's choice is kept, and this test sees llvmpipe when it loads. */
  g_assert_true (run_app_maps_llvm ("gl"));
}

int
main (int argc, char **argv)
{
  attention_test_private_home ();
  g_test_init (&argc, &argv, NULL);
  if (argc < 2)
    g_error ("usage: %s ATTENTION-PROGRAM", argv[0]);
  app_path = argv[1];

  g_test_add_func ("/renderer-choice/gpu-detection", test_gpu_detection);
  g_test_add_func ("/renderer-choice/user-choice-wins", test_user_choice_wins);
  g_test_add_func ("/renderer-choice/environment", test_environment);
  g_test_add_func ("/renderer-choice/app-without-gpu", test_app_without_gpu);
  return g_test_run ();
}
