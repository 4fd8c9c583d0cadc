/* attention-application.c: the AdwApplication: app-wide actions, settings,
 * and one AttentionWindow per activation. */

#include "attention-application.h"

#include <glib/gi18n.h>

#include "attention-window.h"

struct _AttentionApplication
{
  AdwApplication parent_instance;

  GSettings *settings;
};

G_DEFINE_FINAL_TYPE (AttentionApplication, attention_application, ADW_TYPE_APPLICATION)

/* Running from the build tree without GSETTINGS_SCHEMA_DIR must not abort
 * (g_settings_new would), so look the schema up first. */
static GSettings *
lookup_settings (void)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr (GSettingsSchema) schema = NULL;

  if (source != NULL)
    schema = g_settings_schema_source_lookup (source, APP_ID, TRUE);
  if (schema == NULL)
    {
      g_warning ("GSettings schema %s not found; settings will not be remembered "
                 "(set GSETTINGS_SCHEMA_DIR or install the application)",
                 APP_ID);
      return NULL;
    }
  return g_settings_new_full (schema, NULL, NULL);
}

static AttentionWindow *
get_window (AttentionApplication *self)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));

  if (window == NULL)
    window = GTK_WINDOW (attention_window_new (self));
  return ATTENTION_WINDOW (window);
}

static void
quit_activated (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  AttentionApplication *self = user_data;
  g_autoptr (GList) windows = g_list_copy (gtk_application_get_windows (GTK_APPLICATION (self)));

  /* Closing the windows lets each save its state before the app quits. */
  for (GList *l = windows; l != NULL; l = l->next)
    gtk_window_close (GTK_WINDOW (l->data));
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

  G_APPLICATION_CLASS (attention_application_parent_class)->startup (app);

  /* Dark style follows the system: AdwStyleManager's default scheme. */
  adw_style_manager_set_color_scheme (adw_style_manager_get_default (), ADW_COLOR_SCHEME_DEFAULT);

  self->settings = lookup_settings ();

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

/* `attention model.pt` opens that bundle in the window. */
static void
attention_application_open (GApplication *app, GFile **files, int n_files, const char *hint)
{
  AttentionWindow *window = get_window (ATTENTION_APPLICATION (app));

  if (n_files > 0)
    attention_window_open_model_file (window, files[0]);
  gtk_window_present (GTK_WINDOW (window));
}

static void
attention_application_dispose (GObject *object)
{
  AttentionApplication *self = ATTENTION_APPLICATION (object);

  g_clear_object (&self->settings);
  G_OBJECT_CLASS (attention_application_parent_class)->dispose (object);
}

static void
attention_application_class_init (AttentionApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->dispose = attention_application_dispose;
  app_class->startup = attention_application_startup;
  app_class->activate = attention_application_activate;
  app_class->open = attention_application_open;
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

GSettings *
attention_application_get_settings (AttentionApplication *self)
{
  g_return_val_if_fail (ATTENTION_IS_APPLICATION (self), NULL);

  return self->settings;
}
