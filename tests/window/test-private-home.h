/* test-private-home.h: a fresh, empty HOME, XDG folders and TMPDIR for a
 * test program that starts GTK, removed when it exits. No test then reads
 * the settings, recent files, caches or icon themes of whoever runs it,
 * none leaves any file behind (its temporary files too live in the private
 * folder), and no run sees what an earlier run left. Call it first in
 * main(), before anything asks GLib for a user or temporary folder (GLib
 * caches them). */

#pragma once

#include <glib.h>
#include <glib/gstdio.h>
#include <errno.h>
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
    { "XDG_RUNTIME_DIR", "runtime" }, { "TMPDIR", "tmp" },
  };
  const char *base = g_getenv ("TMPDIR");

  /* Not g_dir_make_tmp: it would fix GLib's temporary folder before TMPDIR
   * points into the private one. */
  attention_test_home = g_build_filename (base != NULL && base[0] != '\0' ? base : "/tmp",
                                          "attention-test-home-XXXXXX", NULL);
  if (mkdtemp (attention_test_home) == NULL)
    {
      g_printerr ("cannot make a private HOME: %s\n", g_strerror (errno));
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
