/* attention-application.c: the AdwApplication: app-wide actions, the
 * start-up preload of the model, and one AttentionWindow per activation. */

#include "attention-application.h"

#include <glib/gi18n.h>

#include "attention-model-preload.h"
#include "attention-settings.h"
#include "attention-shutdown.h"
#include "attention-window.h"

struct _AttentionApplication
{
  AdwApplication parent_instance;

  gboolean no_preload; /* files on the command line: the window opens those */
};

G_DEFINE_FINAL_TYPE (AttentionApplication, attention_application, ADW_TYPE_APPLICATION)

/* The most recently active main window (the Get Models dialog belongs to
 * the application too, for Ctrl+Q, and may be the active one). */
static AttentionWindow *
get_window (AttentionApplication *self)
{
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (self)); l != NULL; l = l->next)
    if (ATTENTION_IS_WINDOW (l->data))
      return ATTENTION_WINDOW (l->data);
  return attention_window_new (GTK_APPLICATION (self));
}

static void
quit_activated (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  AttentionApplication *self = user_data;
  /* Held: closing a main window destroys its Get Models dialog with it. */
  GList *windows = g_list_copy (gtk_application_get_windows (GTK_APPLICATION (self)));

  for (GList *l = windows; l != NULL; l = l->next)
    g_object_ref (l->data);
  /* Closing the windows lets each save its state (and the Get Models dialog
   * cancel its download, the partial file kept) before the app quits. */
  for (GList *l = windows; l != NULL; l = l->next)
    gtk_window_close (GTK_WINDOW (l->data));
  g_list_free_full (windows, g_object_unref);
  g_application_quit (G_APPLICATION (self));
}

static void
about_activated (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  AttentionApplication *self = user_data;
  GtkWindow *parent = gtk_application_get_active_window (GTK_APPLICATION (self));
  const char *developers[] = { _ ("The Attention developers"), NULL };
  GtkWidget *about;

  about = g_object_new (ADW_TYPE_ABOUT_WINDOW, "transient-for", parent, "modal", TRUE,
                        "application-icon", APP_ID, "application-name", _ ("Attention"),
                        "developer-name", _ ("The Attention developers"), "version",
                        PACKAGE_VERSION, "comments",
                        _ ("Look inside BERT: type a sentence with [MASK], see what the model "
                           "predicts, and explore the self-attention of every layer and head."),
                        "license-type", GTK_LICENSE_GPL_3_0, "developers", developers,
                        /* Translators: your names, one per line. */
                        "translator-credits", _ ("translator-credits"), NULL);
  gtk_window_present (GTK_WINDOW (about));
}

static const GActionEntry app_entries[] = {
  { .name = "quit", .activate = quit_activated },
  { .name = "about", .activate = about_activated },
};

static void
attention_application_startup (GApplication *app)
{
  AttentionApplication *self = ATTENTION_APPLICATION (app);
  GtkApplication *gtk_app = GTK_APPLICATION (app);
  const struct
  {
    const char *action;
    const char *accels[3];
  } accels[] = {
    { "app.quit", { "<Control>q", NULL } },
    { "window.close", { "<Control>w", NULL } },
    { "win.open-model", { "<Control>o", NULL } },
    { "win.open-model-folder", { "<Control><Shift>o", NULL } },
    { "win.export-all", { "<Control>e", NULL } },
    { "win.focus-entry", { "<Control>l", NULL } },
    { "win.previous-head", { "<Alt>Left", NULL } },
    { "win.next-head", { "<Alt>Right", NULL } },
    { "win.previous-layer", { "<Alt>Up", NULL } },
    { "win.next-layer", { "<Alt>Down", NULL } },
    { "win.zoom-in", { "<Control>plus", "<Control>equal", NULL } },
    { "win.zoom-out", { "<Control>minus", NULL } },
    { "win.zoom-reset", { "<Control>0", NULL } },
  };

  /* The first model starts loading in a worker thread before GTK starts
   * and the window is built: the bundle (and the first forward) take most of
   * the time to the first diagram. The window takes the load over. Settings
   * need no GTK: read first, they say which model. */
  if (!self->no_preload)
    {
      g_autoptr (GSettings) settings = attention_settings_new ();
      g_autofree char *remembered =
          settings != NULL ? g_settings_get_string (settings, "model-path") : NULL;
      g_autofree char *path = attention_model_preload_choose_path (remembered);

      attention_model_preload_start (path);
    }

  G_APPLICATION_CLASS (attention_application_parent_class)->startup (app);

  /* Dark style follows the system: AdwStyleManager's default scheme. */
  adw_style_manager_set_color_scheme (adw_style_manager_get_default (), ADW_COLOR_SCHEME_DEFAULT);

  g_action_map_add_action_entries (G_ACTION_MAP (app), app_entries, G_N_ELEMENTS (app_entries),
                                   app);
  for (gsize i = 0; i < G_N_ELEMENTS (accels); i++)
    gtk_application_set_accels_for_action (gtk_app, accels[i].action, accels[i].accels);
}

static void
attention_application_activate (GApplication *app)
{
  gtk_window_present (GTK_WINDOW (get_window (ATTENTION_APPLICATION (app))));
}

/* `attention model.pt` (or a model folder) opens that model in the window. */
static void
attention_application_open (GApplication *app, GFile **files, int n_files, const char *hint)
{
  AttentionWindow *window = get_window (ATTENTION_APPLICATION (app));

  if (n_files > 0)
    attention_window_open_model_file (window, files[0]);
  gtk_window_present (GTK_WINDOW (window));
}

/* `attention FILE` opens FILE: preloading the default model would be waste. */
static gboolean
attention_application_local_command_line (GApplication *app, char ***arguments, int *exit_status)
{
  AttentionApplication *self = ATTENTION_APPLICATION (app);
  char **argv = *arguments;

  /* g_application_run (app, 0, NULL) gives an empty vector: no argv[0]. */
  for (int i = 1; argv[0] != NULL && argv[i] != NULL; i++)
    if (argv[i][0] != '-')
      self->no_preload = TRUE;
  return G_APPLICATION_CLASS (attention_application_parent_class)
      ->local_command_line (app, arguments, exit_status);
}

/* The main loop has ended (Ctrl+Q, or the last window closed). Closing the
 * windows cancelled their work, but a forward pass or a model load cannot be
 * interrupted: exiting under a worker that is still inside libtorch crashed
 * (its static destructors ran beneath it). Wait for the workers a bounded
 * time, then leave at once without destructors, after writing the settings
 * out and removing any half-written export file: tearing down GTK and
 * libtorch frees nothing the kernel does not reclaim, and took 2 s on a
 * loaded machine. Sanitizer builds tear down normally when they can, so
 * that LeakSanitizer still checks the app. */
static void
attention_application_shutdown (GApplication *app)
{
  gint64 start = g_get_monotonic_time ();
  guint busy = attention_shutdown_n_workers ();
  gboolean done = attention_shutdown_wait (ATTENTION_SHUTDOWN_WAIT_USEC);

  if (busy > 0)
    g_debug ("quit: waited %.2f s for %u worker(s)%s", (g_get_monotonic_time () - start) / 1e6,
             busy, done ? "" : "; leaving without them");
#if !defined(__SANITIZE_ADDRESS__)
  done = FALSE;
#endif
  if (!done)
    {
      g_settings_sync ();
      attention_shutdown_exit_now (0);
    }
  G_APPLICATION_CLASS (attention_application_parent_class)->shutdown (app);
}

static void
attention_application_class_init (AttentionApplicationClass *klass)
{
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  app_class->startup = attention_application_startup;
  app_class->shutdown = attention_application_shutdown;
  app_class->activate = attention_application_activate;
  app_class->open = attention_application_open;
  app_class->local_command_line = attention_application_local_command_line;
}

static void
attention_application_init (AttentionApplication *self)
{
}

AttentionApplication *
attention_application_new (void)
{
  return g_object_new (ATTENTION_TYPE_APPLICATION, "application-id", APP_ID, "flags",
                       G_APPLICATION_HANDLES_OPEN, "resource-base-path", "/org/example/Attention",
                       NULL);
}
