/* attention-renderer-choice.c: on a machine without a GPU, GTK's GL renderer
 * runs on Mesa's llvmpipe. Merely opening the display then loads LLVM
 * (60–100 MiB resident) and the first frames are compiled shaders run on the
 * CPU; the window draws a few rectangles and text, which Cairo does faster
 * and in less memory. So, unless the user chose a renderer, GL is turned off
 * for this process before GTK starts (peak RSS 362 → 235 MiB on the demo model,
 * and an earlier first matrix: docs/benchmarks.md). No GTK here: main() runs
 * it before GTK initialises. */

#include "attention-renderer-choice.h"

/* A GPU that GL could use shows up as a DRM render node (Mesa, also under
 * Wayland and X11) or as NVIDIA's control device (its own driver). A
 * display-only node (`card0` of simpledrm or efifb, no `renderD`) means
 * llvmpipe again. */
gboolean
attention_renderer_has_gpu (const char *dev_dir)
{
  g_autofree char *dri = g_build_filename (dev_dir, "dri", NULL);
  g_autofree char *nvidia = g_build_filename (dev_dir, "nvidiactl", NULL);
  g_autoptr (GDir) dir = NULL;
  const char *name;

  if (g_file_test (nvidia, G_FILE_TEST_EXISTS))
    return TRUE;
  dir = g_dir_open (dri, 0, NULL);
  if (dir == NULL)
    return FALSE;
  while ((name = g_dir_read_name (dir)) != NULL)
    if (g_str_has_prefix (name, "renderD"))
      return TRUE;
  return FALSE;
}

/* The user's GSK_RENDERER or GDK_DEBUG always wins, even when empty. */
gboolean
attention_renderer_prefer_cairo (const char *gsk_renderer, const char *gdk_debug, gboolean has_gpu)
{
  return gsk_renderer == NULL && gdk_debug == NULL && !has_gpu;
}

/* In main(), before GTK starts and before any thread: GDK reads GDK_DEBUG
 * when it starts, GSK reads GSK_RENDERER for every window. Both stay set
 * (unsetenv() is unsafe once the model's loading thread runs), so programs
 * the app starts inherit them; on this machine they suit those too.
 * Returns whether Cairo was chosen. */
gboolean
attention_renderer_choose_before_gtk (void)
{
  if (!attention_renderer_prefer_cairo (g_getenv ("GSK_RENDERER"), g_getenv ("GDK_DEBUG"),
                                        attention_renderer_has_gpu ("/dev")))
    return FALSE;
  g_setenv ("GSK_RENDERER", "cairo", TRUE);
  g_setenv ("GDK_DEBUG", "gl-disable", TRUE);
  return TRUE;
}
