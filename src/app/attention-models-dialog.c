/* attention-models-dialog.c: the "Get Models…" window. The transfer itself is
 * AttentionDownload (GTK-free); this file only lists, starts, reports and
 * cancels. Closing the dialog cancels a running download. */

#include "attention-models-dialog.h"

#include <glib/gi18n.h>

#include "attention-download.h"
#include "attention-hub.h"
#include "attention-window.h"

struct _AttentionModelsDialog
{
  AdwWindow parent_instance;

  GtkListBox *installed_list;
  GtkListBox *catalogue_list;
  AdwEntryRow *id_row;
  GtkRevealer *status_revealer;
  GtkLabel *status_label;
  GtkProgressBar *progress_bar;
  GtkButton *status_button;

  char *models_dir;
  AttentionDownload *download;
  GCancellable *cancellable;
  GPtrArray *download_buttons; /* made insensitive while a download runs */
  gboolean disposed;           /* closed while a download was ending */
  gboolean status_error;       /* the status bar says something failed */
  /* The speed of the current file: bytes and time when it started. */
  char *speed_file;
  gint64 speed_bytes;
  gint64 speed_time;
};

/* How the status bar shows its text. */
typedef enum
{
  STATUS_PROGRESS, /* a download runs: progress bar and Cancel */
  STATUS_INFO,     /* it ended without failing (cancelled): Dismiss */
  STATUS_ERROR,    /* it failed: in the error colour, Dismiss */
} StatusKind;

G_DEFINE_FINAL_TYPE (AttentionModelsDialog, attention_models_dialog, ADW_TYPE_WINDOW)

static void refresh (AttentionModelsDialog *self);

/* --- status bar ------------------------------------------------------------ */

static void
show_status (AttentionModelsDialog *self, const char *text, StatusKind kind)
{
  self->status_error = kind == STATUS_ERROR;
  gtk_label_set_text (self->status_label, text);
  if (kind == STATUS_ERROR)
    gtk_widget_add_css_class (GTK_WIDGET (self->status_label), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->status_label), "error");
  gtk_widget_set_visible (GTK_WIDGET (self->progress_bar), kind == STATUS_PROGRESS);
  gtk_button_set_label (self->status_button,
                        kind == STATUS_PROGRESS ? _ ("_Cancel") : _ ("_Dismiss"));
  gtk_revealer_set_reveal_child (self->status_revealer, TRUE);
}

/* "1.2 MB/s, 40 s left" once a second of the file has passed; NULL before,
 * or when nothing came in. */
static char *
describe_speed (AttentionModelsDialog *self, const AttentionDownloadProgress *p)
{
  gint64 now = g_get_monotonic_time ();
  double seconds, rate;
  g_autofree char *speed = NULL;

  if (g_strcmp0 (self->speed_file, p->file) != 0)
    {
      g_free (self->speed_file);
      self->speed_file = g_strdup (p->file);
      self->speed_bytes = p->received;
      self->speed_time = now;
      return NULL;
    }
  seconds = (now - self->speed_time) / (double)G_USEC_PER_SEC;
  if (seconds < 1 || p->received <= self->speed_bytes)
    return NULL;
  rate = (p->received - self->speed_bytes) / seconds;
  speed = g_format_size ((guint64)rate);
  if (p->total > 0 && p->total >= p->received)
    {
      guint left = (guint)((p->total - p->received) / rate + 0.5);

      if (left >= 60)
        /* Translators: download speed, then the time left in minutes. */
        return g_strdup_printf (ngettext ("%s/s, about %u minute left",
                                          "%s/s, about %u minutes left", (left + 30) / 60),
                                speed, (left + 30) / 60);
      /* Translators: download speed, then the time left in seconds. */
      return g_strdup_printf (ngettext ("%s/s, %u second left", "%s/s, %u seconds left", left),
                              speed, left);
    }
  /* Translators: download speed. */
  return g_strdup_printf (_ ("%s/s"), speed);
}

static void
status_button_clicked_cb (AttentionModelsDialog *self)
{
  if (self->download != NULL)
    attention_models_dialog_cancel (self);
  else
    gtk_revealer_set_reveal_child (self->status_revealer, FALSE);
}

static void
set_busy (AttentionModelsDialog *self, gboolean busy)
{
  for (guint i = 0; i < self->download_buttons->len; i++)
    gtk_widget_set_sensitive (g_ptr_array_index (self->download_buttons, i), !busy);
  gtk_widget_set_sensitive (GTK_WIDGET (self->id_row), !busy);
}

static void
progress_cb (AttentionDownload *download, AttentionModelsDialog *self)
{
  AttentionDownloadProgress p;
  g_autofree char *text = NULL;
  g_autofree char *received = NULL;
  g_autofree char *speed = NULL;

  attention_download_get_progress (download, &p);
  if (p.file == NULL)
    return;
  speed = describe_speed (self, &p);
  received = g_format_size (p.received);
  if (p.total > 0)
    {
      g_autofree char *total = g_format_size (p.total);

      /* TRANSLATORS: model id, file name, bytes so far, file size */
      text = g_strdup_printf (_ ("Downloading %s: %s, %s of %s"),
                              attention_download_get_model_id (download), p.file, received, total);
      gtk_progress_bar_set_fraction (self->progress_bar, (double)p.received / p.total);
    }
  else
    {
      text = g_strdup_printf (_ ("Downloading %s: %s, %s"),
                              attention_download_get_model_id (download), p.file, received);
      gtk_progress_bar_pulse (self->progress_bar);
    }
  if (speed != NULL)
    {
      /* Translators: the download's progress, then its speed and time left. */
      g_autofree char *both = g_strdup_printf (_ ("%s · %s"), text, speed);

      show_status (self, both, STATUS_PROGRESS);
      return;
    }
  show_status (self, text, STATUS_PROGRESS);
}

static void
download_done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr (AttentionModelsDialog) self = user_data;
  g_autoptr (GError) error = NULL;
  g_autofree char *path = NULL;

  path = attention_download_run_finish (ATTENTION_DOWNLOAD (source), result, &error);
  g_signal_handlers_disconnect_by_data (source, self);
  g_clear_object (&self->download);
  g_clear_object (&self->cancellable);
  /* Closed meanwhile: the widgets are gone; the partial file stays. */
  if (self->disposed)
    return;
  set_busy (self, FALSE);
  refresh (self);

  if (path == NULL)
    {
      g_autofree char *message = NULL;

      /* The user's own Cancel is news, not a failure. */
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          show_status (self, _ ("Download cancelled. Download it again to resume."), STATUS_INFO);
          return;
        }
      message = g_strdup_printf (_ ("Could not download %s: %s"),
                                 attention_download_get_model_id (ATTENTION_DOWNLOAD (source)),
                                 error->message);
      show_status (self, message, STATUS_ERROR);
      return;
    }
  gtk_revealer_set_reveal_child (self->status_revealer, FALSE);
  {
    GtkWindow *parent = gtk_window_get_transient_for (GTK_WINDOW (self));

    if (parent != NULL)
      gtk_widget_activate_action (GTK_WIDGET (parent), "win.open-model-file", "s", path);
    gtk_window_close (GTK_WINDOW (self));
  }
}

void
attention_models_dialog_download (AttentionModelsDialog *self, const char *model_id)
{
  g_autoptr (GError) error = NULL;

  g_return_if_fail (ATTENTION_IS_MODELS_DIALOG (self));
  if (self->download != NULL)
    return;
  if (!attention_hub_model_id_is_valid (model_id, &error))
    {
      show_status (self, error->message, STATUS_ERROR);
      return;
    }
  self->download = attention_download_new (model_id);
  attention_download_set_models_dir (self->download, self->models_dir);
  self->cancellable = g_cancellable_new ();
  g_signal_connect (self->download, "progress", G_CALLBACK (progress_cb), self);
  gtk_progress_bar_set_fraction (self->progress_bar, 0);
  {
    g_autofree char *text = g_strdup_printf (_ ("Connecting to download %s…"), model_id);

    g_clear_pointer (&self->speed_file, g_free);
    show_status (self, text, STATUS_PROGRESS);
  }
  set_busy (self, TRUE);
  attention_download_run_async (self->download, self->cancellable, download_done_cb,
                                g_object_ref (self));
}

void
attention_models_dialog_cancel (AttentionModelsDialog *self)
{
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
}

void
attention_models_dialog_open (AttentionModelsDialog *self, const char *model_id)
{
  g_autofree char *path = attention_hub_model_dir (self->models_dir, model_id);
  GtkWindow *parent = gtk_window_get_transient_for (GTK_WINDOW (self));

  if (parent != NULL)
    gtk_widget_activate_action (GTK_WIDGET (parent), "win.open-model-file", "s", path);
  gtk_window_close (GTK_WINDOW (self));
}

/* Whether the window shows model_id, downloaded into our folder. */
static gboolean
model_in_use (AttentionModelsDialog *self, const char *model_id)
{
  GtkWindow *parent = gtk_window_get_transient_for (GTK_WINDOW (self));
  g_autofree char *folder = attention_hub_model_dir (self->models_dir, model_id);
  g_autoptr (GFile) dir = g_file_new_for_path (folder);
  g_autoptr (GFile) used = NULL;
  const char *path;

  if (!ATTENTION_IS_WINDOW (parent))
    return FALSE;
  path = attention_window_get_model_path (ATTENTION_WINDOW (parent));
  if (path == NULL)
    return FALSE;
  used = g_file_new_for_path (path);
  return g_file_equal (used, dir) || g_file_has_prefix (used, dir);
}

gboolean
attention_models_dialog_remove (AttentionModelsDialog *self, const char *model_id)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *in_use = model_in_use (self, model_id) ? g_strdup (model_id) : NULL;
  gboolean ok = attention_hub_remove_installed (self->models_dir, model_id, &error);

  if (!ok)
    show_status (self, error->message, STATUS_ERROR);
  refresh (self);
  /* The window must not go on showing a model that is gone from the disk:
   * back to the demo model, which is always there. */
  if (ok && in_use != NULL)
    {
      GtkWindow *parent = gtk_window_get_transient_for (GTK_WINDOW (self));

      if (parent != NULL)
        gtk_widget_activate_action (GTK_WIDGET (parent), "win.open-demo-model", NULL);
    }
  return ok;
}

/* --- rows ------------------------------------------------------------------ */

static void
download_clicked_cb (GtkButton *button, AttentionModelsDialog *self)
{
  attention_models_dialog_download (self, g_object_get_data (G_OBJECT (button), "model-id"));
}

static void
open_clicked_cb (GtkButton *button, AttentionModelsDialog *self)
{
  attention_models_dialog_open (self, g_object_get_data (G_OBJECT (button), "model-id"));
}

static void
remove_response_cb (AdwMessageDialog *dialog, const char *response, AttentionModelsDialog *self)
{
  if (g_strcmp0 (response, "remove") == 0)
    attention_models_dialog_remove (self, g_object_get_data (G_OBJECT (dialog), "model-id"));
}

static void
remove_clicked_cb (GtkButton *button, AttentionModelsDialog *self)
{
  attention_models_dialog_ask_remove (self, g_object_get_data (G_OBJECT (button), "model-id"));
}

AdwMessageDialog *
attention_models_dialog_ask_remove (AttentionModelsDialog *self, const char *id)
{
  g_autofree char *size = g_format_size (attention_hub_installed_size (self->models_dir, id));
  g_autofree char *heading = g_strdup_printf (_ ("Remove %s?"), id);
  g_autofree char *body =
      model_in_use (self, id)
          ? g_strdup_printf (_ ("It is the model in use: the window goes back to the demo model. "
                                "Its %s of files will be deleted. You can download it again "
                                "later."),
                             size)
          : g_strdup_printf (_ ("Its %s of files will be deleted. You can download it again "
                                "later."),
                             size);
  GtkWidget *dialog = adw_message_dialog_new (GTK_WINDOW (self), heading, body);

  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "cancel", _ ("_Cancel"), "remove",
                                    _ ("_Remove"), NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "remove",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_object_set_data_full (G_OBJECT (dialog), "model-id", g_strdup (id), g_free);
  g_signal_connect_object (dialog, "response", G_CALLBACK (remove_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
  return ADW_MESSAGE_DIALOG (dialog);
}

static GtkWidget *
row_button (AttentionModelsDialog *self,
            const char *model_id,
            const char *label,
            const char *icon,
            const char *tooltip,
            GCallback callback)
{
  GtkWidget *button =
      icon != NULL ? gtk_button_new_from_icon_name (icon) : gtk_button_new_with_mnemonic (label);

  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  if (icon != NULL)
    {
      gtk_widget_add_css_class (button, "flat");
      gtk_widget_set_tooltip_text (button, tooltip);
      gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      tooltip, -1);
    }
  g_object_set_data_full (G_OBJECT (button), "model-id", g_strdup (model_id), g_free);
  g_signal_connect (button, "clicked", callback, self);
  return button;
}

static GtkWidget *
model_row (const char *title, const char *subtitle)
{
  GtkWidget *row = adw_action_row_new ();

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  return row;
}

static void
clear_list (GtkListBox *list)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (list))) != NULL)
    gtk_list_box_remove (list, child);
}

static void
refresh (AttentionModelsDialog *self)
{
  g_auto (GStrv) installed = attention_hub_list_installed (self->models_dir);
  const AttentionHubEntry *entries;
  guint n_entries;

  clear_list (self->installed_list);
  clear_list (self->catalogue_list);
  g_ptr_array_set_size (self->download_buttons, 0);

  for (guint i = 0; installed[i] != NULL; i++)
    {
      g_autofree char *size =
          g_format_size (attention_hub_installed_size (self->models_dir, installed[i]));
      GtkWidget *row = model_row (installed[i], size);

      adw_action_row_add_suffix (
          ADW_ACTION_ROW (row),
          row_button (self, installed[i], _ ("_Open"), NULL, NULL, G_CALLBACK (open_clicked_cb)));
      adw_action_row_add_suffix (ADW_ACTION_ROW (row),
                                 row_button (self, installed[i], NULL, "user-trash-symbolic",
                                             _ ("Remove"), G_CALLBACK (remove_clicked_cb)));
      gtk_list_box_append (self->installed_list, row);
    }
  if (installed[0] == NULL)
    {
      GtkWidget *row = model_row (_ ("No models downloaded yet"),
                                  _ ("Download one below; it opens when it is ready."));

      gtk_list_box_append (self->installed_list, row);
    }

  entries = attention_hub_catalogue (&n_entries);
  for (guint i = 0; i < n_entries; i++)
    {
      g_autofree char *size = g_format_size (entries[i].size);
      /* TRANSLATORS: a model's description, then its approximate size */
      g_autofree char *subtitle =
          g_strdup_printf (_ ("%s · about %s"), _ (entries[i].description), size);
      GtkWidget *row = model_row (entries[i].id, subtitle);
      GtkWidget *button;

      if (g_strv_contains ((const char *const *)installed, entries[i].id))
        button =
            row_button (self, entries[i].id, _ ("_Open"), NULL, NULL, G_CALLBACK (open_clicked_cb));
      else
        {
          /* An earlier attempt left files: the download continues from them. */
          gboolean partial = attention_hub_has_partial (self->models_dir, entries[i].id);

          button = row_button (self, entries[i].id, partial ? _ ("_Resume") : _ ("_Download"), NULL,
                               NULL, G_CALLBACK (download_clicked_cb));
          g_ptr_array_add (self->download_buttons, button);
        }
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
      gtk_list_box_append (self->catalogue_list, row);
    }
  set_busy (self, self->download != NULL);
}

static void
id_row_apply_cb (AttentionModelsDialog *self)
{
  g_autofree char *id = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->id_row))));

  attention_models_dialog_download (self, id);
}

/* --- class ----------------------------------------------------------------- */

const char *
attention_models_dialog_get_button_label (AttentionModelsDialog *self, const char *model_id)
{
  for (GtkWidget *row = gtk_widget_get_first_child (GTK_WIDGET (self->catalogue_list)); row != NULL;
       row = gtk_widget_get_next_sibling (row))
    if (g_strcmp0 (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)), model_id) == 0)
      for (guint i = 0; i < self->download_buttons->len; i++)
        {
          GtkButton *button = g_ptr_array_index (self->download_buttons, i);

          if (g_strcmp0 (g_object_get_data (G_OBJECT (button), "model-id"), model_id) == 0)
            return gtk_button_get_label (button);
        }
  return NULL;
}

gboolean
attention_models_dialog_get_busy (AttentionModelsDialog *self)
{
  return self->download != NULL;
}

const char *
attention_models_dialog_get_status (AttentionModelsDialog *self)
{
  if (!gtk_revealer_get_reveal_child (self->status_revealer))
    return NULL;
  return gtk_label_get_text (self->status_label);
}

gboolean
attention_models_dialog_get_status_is_error (AttentionModelsDialog *self)
{
  return attention_models_dialog_get_status (self) != NULL && self->status_error;
}

GStrv
attention_models_dialog_list_installed (AttentionModelsDialog *self)
{
  GPtrArray *ids = g_ptr_array_new ();

  for (GtkWidget *row = gtk_widget_get_first_child (GTK_WIDGET (self->installed_list)); row != NULL;
       row = gtk_widget_get_next_sibling (row))
    if (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)) != NULL &&
        attention_hub_model_id_is_valid (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)),
                                         NULL))
      g_ptr_array_add (ids, g_strdup (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row))));
  g_ptr_array_add (ids, NULL);
  return (GStrv)g_ptr_array_free (ids, FALSE);
}

static gboolean
close_request_cb (GtkWindow *window)
{
  attention_models_dialog_cancel (ATTENTION_MODELS_DIALOG (window));
  return FALSE;
}

static void
attention_models_dialog_dispose (GObject *object)
{
  AttentionModelsDialog *self = ATTENTION_MODELS_DIALOG (object);

  attention_models_dialog_cancel (self);
  if (self->download != NULL)
    g_signal_handlers_disconnect_by_data (self->download, self);
  self->disposed = TRUE;
  G_OBJECT_CLASS (attention_models_dialog_parent_class)->dispose (object);
}

static void
attention_models_dialog_finalize (GObject *object)
{
  AttentionModelsDialog *self = ATTENTION_MODELS_DIALOG (object);

  g_free (self->models_dir);
  g_free (self->speed_file);
  g_ptr_array_unref (self->download_buttons);
  G_OBJECT_CLASS (attention_models_dialog_parent_class)->finalize (object);
}

static void
attention_models_dialog_class_init (AttentionModelsDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = attention_models_dialog_dispose;
  object_class->finalize = attention_models_dialog_finalize;
  GTK_WINDOW_CLASS (klass)->close_request = close_request_cb;

  gtk_widget_class_set_template_from_resource (
      widget_class, "/org/example/Attention/ui/attention-models-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, AttentionModelsDialog, installed_list);
  gtk_widget_class_bind_template_child (widget_class, AttentionModelsDialog, catalogue_list);
  gtk_widget_class_bind_template_child (widget_class, AttentionModelsDialog, id_row);
  gtk_widget_class_bind_template_child (widget_class, AttentionModelsDialog, status_revealer);
  gtk_widget_class_bind_template_child (widget_class, AttentionModelsDialog, status_label);
  gtk_widget_class_bind_template_child (widget_class, AttentionModelsDialog, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, AttentionModelsDialog, status_button);
  gtk_widget_class_bind_template_callback (widget_class, id_row_apply_cb);
  gtk_widget_class_bind_template_callback (widget_class, status_button_clicked_cb);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
attention_models_dialog_init (AttentionModelsDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->models_dir = attention_hub_get_models_dir ();
  self->download_buttons = g_ptr_array_new ();
  refresh (self);
}

AttentionModelsDialog *
attention_models_dialog_new (GtkWindow *parent)
{
  /* One of the application's windows, so that its shortcuts (Ctrl+Q) work
   * while the dialog has the focus; it goes with its window. */
  return g_object_new (ATTENTION_TYPE_MODELS_DIALOG, "transient-for", parent, "application",
                       parent != NULL ? gtk_window_get_application (parent) : NULL,
                       "destroy-with-parent", TRUE, NULL);
}
