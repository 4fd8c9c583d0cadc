/* test-private-home.h: a fresh, empty HOME and XDG folders for a test program
 * that starts GTK, removed when it exits. No test then reads the settings,
 * recent files, caches or icon themes of whoever runs it, none leaves any
 * behind, and no run sees what an earlier run left. Call it first in main(),
 * before anything asks GLib for a user folder (GLib caches them). */

#pragma once

#include <glib.h>
#include <glib/gstdio.h>
#include <stdlib.h>

static char *attention_test_home;

/* Removes a folder and everything under it; never follows a symlink. */
static inline void
attention_test_remove_tree (const char *path)
{
  GDir *dir;
  const char *name;

  if (!g_file_test (path, G_FILE_TEST_IS_SYMLINK) && g_file_test (path, G_FILE_TEST_IS_DIR) &&
      (dir = g_dir_open (path, 0, NULL)) != NULL)
    {
      while ((name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *child = g_build_filename (path, name, NULL);
          attention_test_remove_tree (child);
        }
      g_dir_close (dir);
      g_rmdir (path);
    }
  else
    g_remove (path);
}

static inline void
attention_test_remove_home (void)
{
  if (attention_test_home != NULL)
    attention_test_remove_tree (attention_test_home);
  g_clear_pointer (&attention_test_home, g_free);
}

static inline void
attention_test_private_home (void)
{
  static const struct
  {
    const char *variable, *folder;
  } folders[] = {
    { "XDG_CONFIG_HOME", ".config" }, { "XDG_DATA_HOME", ".local/share" },
    { "XDG_CACHE_HOME", ".cache" },   { "XDG_STATE_HOME", ".local/state" },
    { "XDG_RUNTIME_DIR", "runtime" },
  };
  g_autoptr (GError) error = NULL;

  attention_test_home = g_dir_make_tmp ("attention-test-home-XXXXXX", &error);
  if (attention_test_home == NULL)
    {
      g_printerr ("cannot make a private HOME: %s\n", error->message);
      exit (1);
    }
  g_setenv ("HOME", attention_test_home, TRUE);
  for (gsize i = 0; i < G_N_ELEMENTS (folders); i++)
    {
      g_autofree char *path = g_build_filename (attention_test_home, folders[i].folder, NULL);
      g_mkdir_with_parents (path, 0700);
      g_setenv (folders[i].variable, path, TRUE);
    }
  /* Settings live in memory only: never dconf, never a keyfile. */
  g_setenv ("GSETTINGS_BACKEND", "memory", TRUE);
  atexit (attention_test_remove_home);
}
