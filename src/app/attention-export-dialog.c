/* attention-export-dialog.c: the Export dialog (see the header) */

#include "attention-export-dialog.h"

#include <glib/gi18n.h>

#include "attention-export-registry.h"

struct _AttentionExportDialog
{
  AdwWindow parent_instance;

  AdwActionRow *folder_row;
  AdwPreferencesGroup *kinds_group;
  GtkWidget *export_button;

  GtkWidget **checks; /* one per kind, in the registry's order */
  guint n_kinds;
  char *folder;
};

G_DEFINE_FINAL_TYPE (AttentionExportDialog, attention_export_dialog, ADW_TYPE_WINDOW)

enum
{
  EXPORT,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
show_folder (AttentionExportDialog *self)
{
  g_autofree char *display = g_filename_display_name (self->folder);

  adw_action_row_set_subtitle (self->folder_row, display);
}

static void
chooser_response_cb (GtkNativeDialog *chooser, int response, AttentionExportDialog *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr (GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
      g_autofree char *path = file != NULL ? g_file_get_path (file) : NULL;

      if (path != NULL)
        attention_export_dialog_set_folder (self, path);
    }
}

/* A plain folder chooser: no file type filter to confuse the choice. */
static void
choose_clicked_cb (AttentionExportDialog *self)
{
  GtkFileChooserNative *chooser;
  g_autoptr (GFile) current = g_file_new_for_path (self->folder);

  /* The default folder (Pictures/Attention) is made by the first export:
   * until then the chooser opens where it will be. */
  if (!g_file_test (self->folder, G_FILE_TEST_IS_DIR))
    {
      g_autoptr (GFile) parent = g_file_get_parent (current);

      if (parent != NULL)
        g_set_object (&current, parent);
    }

  chooser = gtk_file_chooser_native_new (_ ("Export To"), GTK_WINDOW (self),
                                         GTK_FILE_CHOOSER_ACTION_SELECT_FOLDER, _ ("_Select"),
                                         _ ("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  gtk_file_chooser_set_current_folder (GTK_FILE_CHOOSER (chooser), current, NULL);
  /* A portal chooser may answer after this dialog is gone (its window
   * closed): the handler goes with the dialog, the chooser is freed anyway. */
  g_signal_connect_object (chooser, "response", G_CALLBACK (chooser_response_cb), self, 0);
  g_signal_connect_after (chooser, "response", G_CALLBACK (g_object_unref), NULL);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static void
attention_export_dialog_finalize (GObject *object)
{
  AttentionExportDialog *self = ATTENTION_EXPORT_DIALOG (object);

  g_free (self->checks);
  g_free (self->folder);
  G_OBJECT_CLASS (attention_export_dialog_parent_class)->finalize (object);
}

static void
attention_export_dialog_class_init (AttentionExportDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = attention_export_dialog_finalize;

  /* ::export (target id, folder path) when the user presses Export. */
  signals[EXPORT] = g_signal_new ("export", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                                  NULL, NULL, G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_STRING);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);

  gtk_widget_class_set_template_from_resource (
      widget_class, "/org/example/Attention/ui/attention-export-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, AttentionExportDialog, folder_row);
  gtk_widget_class_bind_template_child (widget_class, AttentionExportDialog, kinds_group);
  gtk_widget_class_bind_template_child (widget_class, AttentionExportDialog, export_button);
  gtk_widget_class_bind_template_callback (widget_class, choose_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, gtk_window_close);
  gtk_widget_class_bind_template_callback (widget_class, attention_export_dialog_export);
}

static void
attention_export_dialog_init (AttentionExportDialog *self)
{
  const AttentionExportKind *kinds = attention_export_kinds (&self->n_kinds);
  GtkWidget *first = NULL;

  gtk_widget_init_template (GTK_WIDGET (self));

  self->checks = g_new0 (GtkWidget *, self->n_kinds);
  for (guint i = 0; i < self->n_kinds; i++)
    {
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *check = gtk_check_button_new ();

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _ (kinds[i].label));
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), _ (kinds[i].description));
      if (first != NULL)
        gtk_check_button_set_group (GTK_CHECK_BUTTON (check), GTK_CHECK_BUTTON (first));
      else
        first = check;
      gtk_widget_set_valign (check, GTK_ALIGN_CENTER);
      adw_action_row_add_prefix (ADW_ACTION_ROW (row), check);
      adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), check);
      adw_preferences_group_add (self->kinds_group, row);
      self->checks[i] = check;
    }
  if (first != NULL)
    gtk_check_button_set_active (GTK_CHECK_BUTTON (first), TRUE);

  self->folder = g_strdup (g_get_home_dir ());
  show_folder (self);

  /* GTK would start the focus on the first button, Cancel, and Enter
   * presses the focused button before the default one: start on Export. */
  gtk_window_set_focus (GTK_WINDOW (self), self->export_button);
}

AttentionExportDialog *
attention_export_dialog_new (GtkWindow *parent, const char *target, const char *folder)
{
  AttentionExportDialog *self = g_object_new (ATTENTION_TYPE_EXPORT_DIALOG, NULL);

  if (parent != NULL)
    gtk_window_set_transient_for (GTK_WINDOW (self), parent);
  if (target != NULL)
    attention_export_dialog_set_target (self, target);
  if (folder != NULL && *folder != '\0')
    attention_export_dialog_set_folder (self, folder);
  return self;
}

const char *
attention_export_dialog_get_target (AttentionExportDialog *self)
{
  const AttentionExportKind *kinds = attention_export_kinds (NULL);

  g_return_val_if_fail (ATTENTION_IS_EXPORT_DIALOG (self), NULL);

  for (guint i = 0; i < self->n_kinds; i++)
    if (gtk_check_button_get_active (GTK_CHECK_BUTTON (self->checks[i])))
      return kinds[i].id;
  return kinds[0].id;
}

gboolean
attention_export_dialog_set_target (AttentionExportDialog *self, const char *target)
{
  const AttentionExportKind *kinds = attention_export_kinds (NULL);

  g_return_val_if_fail (ATTENTION_IS_EXPORT_DIALOG (self), FALSE);

  for (guint i = 0; i < self->n_kinds; i++)
    if (g_strcmp0 (kinds[i].id, target) == 0)
      {
        gtk_check_button_set_active (GTK_CHECK_BUTTON (self->checks[i]), TRUE);
        return TRUE;
      }
  return FALSE;
}

void
attention_export_dialog_set_folder (AttentionExportDialog *self, const char *folder)
{
  g_return_if_fail (ATTENTION_IS_EXPORT_DIALOG (self));
  g_return_if_fail (folder != NULL);

  g_free (self->folder);
  self->folder = g_strdup (folder);
  show_folder (self);
}

void
attention_export_dialog_export (AttentionExportDialog *self)
{
  g_autofree char *folder = NULL;

  g_return_if_fail (ATTENTION_IS_EXPORT_DIALOG (self));

  folder = g_strdup (self->folder);
  g_object_ref (self);
  g_signal_emit (self, signals[EXPORT], 0, attention_export_dialog_get_target (self), folder);
  gtk_window_close (GTK_WINDOW (self));
  g_object_unref (self);
}
