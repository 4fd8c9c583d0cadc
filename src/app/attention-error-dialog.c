/* attention-error-dialog.c: failure dialogs with details, and the question
 * about stale diagrams in an export folder */

#include "attention-error-dialog.h"

#include <glib/gi18n.h>

#include "attention-export-folder.h"

static GtkWidget *
details_expander (const char *details)
{
  GtkWidget *expander = gtk_expander_new_with_mnemonic (_ ("_Details"));
  GtkWidget *scrolled = gtk_scrolled_window_new ();
  GtkWidget *label = gtk_label_new (details);

  /* A traceback: monospace, selectable for a bug report, scrolled when long. */
  gtk_label_set_selectable (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_yalign (GTK_LABEL (label), 0);
  gtk_widget_add_css_class (label, "monospace");
  gtk_widget_set_margin_start (label, 6);
  gtk_widget_set_margin_end (label, 6);
  gtk_widget_set_margin_top (label, 6);
  gtk_widget_set_margin_bottom (label, 6);

  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scrolled), GTK_POLICY_NEVER,
                                  GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_max_content_height (GTK_SCROLLED_WINDOW (scrolled), 260);
  gtk_scrolled_window_set_propagate_natural_height (GTK_SCROLLED_WINDOW (scrolled), TRUE);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), label);
  gtk_widget_add_css_class (scrolled, "card");
  gtk_widget_set_margin_top (scrolled, 6);
  gtk_expander_set_child (GTK_EXPANDER (expander), scrolled);
  return expander;
}

AdwMessageDialog *
attention_error_dialog_present (GtkWindow *parent,
                                const char *heading,
                                const char *message,
                                const char *details)
{
  GtkWidget *dialog;

  g_return_val_if_fail (heading != NULL && message != NULL, NULL);

  /* Body text is plain (not markup): errors quote paths and model text. */
  dialog = adw_message_dialog_new (parent, heading, message);
  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _ ("_Close"));
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "close");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "close");
  if (details != NULL && details[0] != '\0')
    adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), details_expander (details));
  gtk_window_set_modal (GTK_WINDOW (dialog), TRUE);
  gtk_window_present (GTK_WINDOW (dialog));
  return ADW_MESSAGE_DIALOG (dialog);
}

typedef struct
{
  AttentionStaleCallback callback;
  gpointer user_data;
  GDestroyNotify destroy;
} StaleQuestion;

/* Also when the dialog goes without an answer (its window destroyed). */
static void
stale_question_free (gpointer data, GClosure *closure)
{
  StaleQuestion *q = data;

  if (q->destroy != NULL)
    q->destroy (q->user_data);
  g_free (q);
}

static void
stale_response_cb (AdwMessageDialog *dialog, const char *response, StaleQuestion *q)
{
  if (g_strcmp0 (response, "replace") == 0)
    q->callback (TRUE, q->user_data);
  else if (g_strcmp0 (response, "keep") == 0)
    q->callback (FALSE, q->user_data);
  /* One answer: the dialog closes after it, but must not call back twice;
   * this frees q. */
  g_signal_handlers_disconnect_by_data (dialog, q);
}

void
attention_error_dialog_ask_stale (GtkWindow *parent,
                                  const char *dir,
                                  char *const *stale,
                                  guint n_layers,
                                  guint n_heads,
                                  AttentionStaleCallback callback,
                                  gpointer user_data,
                                  GDestroyNotify destroy)
{
  guint n = g_strv_length ((char **)stale);
  g_autofree char *display = g_filename_display_name (dir);
  g_autofree char *which = attention_export_folder_describe (stale);
  g_autofree char *body = NULL;
  StaleQuestion *q = g_new0 (StaleQuestion, 1);
  GtkWidget *dialog;

  q->callback = callback;
  q->user_data = user_data;
  q->destroy = destroy;

  body = g_strdup_printf (
      ngettext ("“%s” holds %u diagram from an earlier export that lies outside this model's "
                "%u layers × %u heads (%s). Replace the set, deleting it, or keep it beside the "
                "new diagrams?",
                "“%s” holds %u diagrams from an earlier export that lie outside this model's "
                "%u layers × %u heads (%s). Replace the set, deleting them, or keep them beside "
                "the new diagrams?",
                n),
      display, n, n_layers, n_heads, which);
  dialog = adw_message_dialog_new (parent, _ ("Replace the Diagrams in the Folder?"), body);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "cancel", _ ("_Cancel"), "keep",
                                    _ ("_Keep Them"), "replace", _ ("_Replace the Set"), NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "replace",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "keep");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect_data (dialog, "response", G_CALLBACK (stale_response_cb), q, stale_question_free,
                         0);
  gtk_window_set_modal (GTK_WINDOW (dialog), TRUE);
  gtk_window_present (GTK_WINDOW (dialog));
}
