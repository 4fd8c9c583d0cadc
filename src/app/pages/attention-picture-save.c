/* attention-picture-save.c: the save dialogs' shared end (see the header). */

#include "attention-picture-save.h"

#include <glib/gi18n.h>

char *
attention_picture_save_path (GtkNativeDialog *dialog, int response, AttentionExportFormat *format)
{
  g_autoptr (GFile) file = NULL;
  char *path = NULL;

  *format = ATTENTION_EXPORT_PNG;
  if (response == GTK_RESPONSE_ACCEPT)
    file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
  g_object_unref (dialog);
  if (file == NULL || (path = g_file_get_path (file)) == NULL)
    return NULL;
  /* The name says the format; anything else is a PNG. */
  if (g_str_has_suffix (path, ".svg") || g_str_has_suffix (path, ".SVG"))
    *format = ATTENTION_EXPORT_SVG;
  else if (g_str_has_suffix (path, ".pdf") || g_str_has_suffix (path, ".PDF"))
    *format = ATTENTION_EXPORT_PDF;
  return path;
}

void
attention_picture_save_failed (GtkWidget *page, const GError *error)
{
  GtkRoot *root = gtk_widget_get_root (page);
  GtkWidget *message =
      gtk_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                              GTK_DIALOG_MODAL | GTK_DIALOG_DESTROY_WITH_PARENT, GTK_MESSAGE_ERROR,
                              GTK_BUTTONS_CLOSE, "%s", _ ("Could not save the picture"));

  gtk_message_dialog_format_secondary_text (GTK_MESSAGE_DIALOG (message), "%s", error->message);
  g_signal_connect (message, "response", G_CALLBACK (gtk_window_destroy), NULL);
  gtk_window_present (GTK_WINDOW (message));
}
