/* main.c: entry point of the Attention desktop application. */

#include <glib/gi18n.h>
#include <locale.h>

#include "attention-application.h"
#include "attention-load-heap.h"
#include "attention-renderer-choice.h"

int
main (int argc, char **argv)
{
  g_autoptr (AttentionApplication) app = NULL;

  attention_load_heap_init (); /* first: before any thread */
  setlocale (LC_ALL, "");
  /* `meson devenv` points this at the build tree's catalogs. */
  bindtextdomain (GETTEXT_PACKAGE, g_getenv ("ATTENTION_LOCALEDIR") != NULL &&
                                           *g_getenv ("ATTENTION_LOCALEDIR") != '\0'
                                       ? g_getenv ("ATTENTION_LOCALEDIR")
                                       : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  attention_renderer_choose_before_gtk ();
  app = attention_application_new ();
  return g_application_run (G_APPLICATION (app), argc, argv);
}
