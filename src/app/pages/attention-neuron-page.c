/* attention-neuron-page.c: the Neuron page (see the header). The canvas draws
 * and hit-tests through the GTK-free renderer; this file keeps the
 * selection, the canvas, the query's name and the missing-vectors notice in
 * step, and saves the picture. */

#include "attention-neuron-page.h"

#include <adwaita.h>
#include <glib/gi18n.h>

#include "attention-picture-save.h"
#include "attention-export-names.h"
#include "attention-export-neuron.h"
#include "attention-neuron-canvas.h"

struct _AttentionNeuronPage
{
  AttentionPage parent_instance;

  GtkLabel *query_label;
  GtkWidget *save_button;
  GtkStack *stack;
  AdwStatusPage *missing_page;
  AttentionNeuronCanvas *canvas;
  GtkLabel *hover_label;

  char *missing_reason;
};

G_DEFINE_FINAL_TYPE (AttentionNeuronPage, attention_neuron_page, ATTENTION_TYPE_PAGE)

static AttentionSelection *
selection (AttentionNeuronPage *self)
{
  return attention_page_get_selection (ATTENTION_PAGE (self));
}

/* What the other pages draw: without [CLS] and [SEP] when they are hidden,
 * so that the softmax here is the matrix's row. */
static AttentionResult *
result_of (AttentionNeuronPage *self)
{
  return attention_selection_get_shown_result (selection (self));
}

/* What the picture means beyond the plain run: a head switched off, the
 * specials hidden, a query past the trained length. "" for none. */
static char *
notes (AttentionResult *result, guint layer, guint head, guint query)
{
  GString *out = g_string_new (NULL);
  const float *mask = attention_result_get_head_mask (result);
  guint trusted = attention_result_get_n_trusted (result);

  if (mask != NULL && mask[layer * attention_result_get_n_heads (result) + head] == 0)
    /* Translators: appended to the neuron page's query line. */
    g_string_append (out, _ (" · this head is switched off: its weights are 0"));
  if (attention_result_get_specials_hidden (result))
    /* Translators: appended to the neuron page's query line. */
    g_string_append (out, _ (" · [CLS] and [SEP] hidden: the softmax is over the tokens shown"));
  if (query >= trusted)
    /* Translators: appended to the neuron page's query line. */
    g_string_append (out, _ (" · this token lies past the longest input the model was trained "
                             "on: its attention is not meaningful"));
  return g_string_free (out, FALSE);
}

/* The vectors, or why there are none. */
static void
update_state (AttentionNeuronPage *self)
{
  AttentionResult *result = result_of (self);
  gboolean shows = attention_neuron_canvas_has_vectors (self->canvas);

  gtk_widget_set_sensitive (self->save_button, shows);
  if (shows)
    {
      guint query = attention_neuron_canvas_get_query (self->canvas);
      g_autofree char *extra =
          notes (result, attention_canvas_get_layer (ATTENTION_CANVAS (self->canvas)),
                 attention_neuron_canvas_get_head (self->canvas), query);
      g_autofree char *text = g_strdup_printf (
          /* Translators: the neuron page's query token, its position, and how
           * to change it; then notes (a head off, hidden specials), or nothing. */
          _ ("Query “%s” (token %u) · click a token or press Up and Down to pick another%s"),
          attention_result_get_token (result, query), query + 1, extra);

      gtk_label_set_label (self->query_label, text);
      gtk_stack_set_visible_child_name (self->stack, "vectors");
      return;
    }
  gtk_label_set_label (self->query_label, "");
  if (result == NULL)
    {
      adw_status_page_set_title (self->missing_page, _ ("No Result Yet"));
      adw_status_page_set_description (self->missing_page,
                                       _ ("Run a sentence to see its queries and keys."));
    }
  else if (self->missing_reason != NULL)
    {
      adw_status_page_set_title (self->missing_page, _ ("No Queries and Keys"));
      adw_status_page_set_description (self->missing_page, self->missing_reason);
    }
  else
    {
      adw_status_page_set_title (self->missing_page, _ ("Computing the Queries and Keys…"));
      adw_status_page_set_description (
          self->missing_page, _ ("The sentence runs once more, keeping every head's vectors."));
    }
  gtk_stack_set_visible_child_name (self->stack, "missing");
}

static void
hover_text_cb (AttentionNeuronPage *self)
{
  attention_page_show_hover (self->hover_label, ATTENTION_CANVAS (self->canvas));
}

static void
query_cb (AttentionNeuronPage *self)
{
  update_state (self);
}

/* --- saving what is shown ---------------------------------------------------------- */

gboolean
attention_neuron_page_export (AttentionNeuronPage *self,
                              AttentionExportFormat format,
                              const char *path,
                              GError **error)
{
  AttentionResult *result;
  guint layer, head;
  g_autofree char *caption = NULL;

  g_return_val_if_fail (ATTENTION_IS_NEURON_PAGE (self), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  result = result_of (self);
  if (result == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                           _ ("There is nothing to save: run a sentence first."));
      return FALSE;
    }
  layer = attention_canvas_get_layer (ATTENTION_CANVAS (self->canvas));
  head = attention_neuron_canvas_get_head (self->canvas);
  caption = attention_export_caption (result, layer, &head, 1, NULL);
  return attention_export_neuron (result, layer, head,
                                  attention_neuron_canvas_get_query (self->canvas),
                                  attention_canvas_get_colormap (ATTENTION_CANVAS (self->canvas)),
                                  format, caption, path, error);
}

static void
save_response_cb (GtkNativeDialog *dialog, int response, AttentionNeuronPage *self)
{
  g_autoptr (GError) error = NULL;
  AttentionExportFormat format;
  g_autofree char *path = attention_picture_save_path (dialog, response, &format);

  if (path != NULL && !attention_neuron_page_export (self, format, path, &error))
    attention_picture_save_failed (GTK_WIDGET (self), error);
  g_object_unref (self);
}

static void
save_clicked_cb (GtkButton *button, AttentionNeuronPage *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkFileChooserNative *dialog;
  g_autofree char *name = NULL;

  if (!attention_neuron_canvas_has_vectors (self->canvas))
    return;
  dialog = gtk_file_chooser_native_new (_ ("Save the Neuron Picture"),
                                        GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                        GTK_FILE_CHOOSER_ACTION_SAVE, _ ("_Save"), _ ("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (dialog), TRUE);
  name = attention_export_neuron_file_name (
      attention_canvas_get_layer (ATTENTION_CANVAS (self->canvas)),
      attention_neuron_canvas_get_head (self->canvas),
      attention_neuron_canvas_get_query (self->canvas), "png");
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (dialog), name);
  g_signal_connect (dialog, "response", G_CALLBACK (save_response_cb), g_object_ref (self));
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
}

/* --- the selection ---------------------------------------------------------------- */

static void
layer_head_cb (AttentionNeuronPage *self)
{
  attention_canvas_set_layer (ATTENTION_CANVAS (self->canvas),
                              attention_selection_get_layer (selection (self)));
  attention_neuron_canvas_set_head (self->canvas, attention_selection_get_head (selection (self)));
  update_state (self);
}

static void
result_cb (AttentionNeuronPage *self)
{
  attention_canvas_set_result (ATTENTION_CANVAS (self->canvas), result_of (self));
  layer_head_cb (self);
}

/* --- API ----------------------------------------------------------------------------- */

void
attention_neuron_page_set_missing_reason (AttentionNeuronPage *self, const char *reason)
{
  g_return_if_fail (ATTENTION_IS_NEURON_PAGE (self));

  g_free (self->missing_reason);
  self->missing_reason = g_strdup (reason);
  update_state (self);
}

guint
attention_neuron_page_get_query (AttentionNeuronPage *self)
{
  g_return_val_if_fail (ATTENTION_IS_NEURON_PAGE (self), 0);

  return attention_neuron_canvas_get_query (self->canvas);
}

void
attention_neuron_page_set_query (AttentionNeuronPage *self, guint query)
{
  g_return_if_fail (ATTENTION_IS_NEURON_PAGE (self));

  attention_canvas_set_pinned (ATTENTION_CANVAS (self->canvas), (int)query);
}

gboolean
attention_neuron_page_get_shows_vectors (AttentionNeuronPage *self)
{
  g_return_val_if_fail (ATTENTION_IS_NEURON_PAGE (self), FALSE);

  return g_strcmp0 (gtk_stack_get_visible_child_name (self->stack), "vectors") == 0;
}

/* --- GObject ----------------------------------------------------------------------- */

static void
attention_neuron_page_constructed (GObject *object)
{
  AttentionNeuronPage *self = ATTENTION_NEURON_PAGE (object);
  AttentionSelection *s;

  G_OBJECT_CLASS (attention_neuron_page_parent_class)->constructed (object);
  s = selection (self);
  g_signal_connect_object (s, "notify::shown-result", G_CALLBACK (result_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (s, "notify::layer", G_CALLBACK (layer_head_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (s, "notify::head", G_CALLBACK (layer_head_cb), self, G_CONNECT_SWAPPED);
  g_object_bind_property (s, "colormap", self->canvas, "colormap", G_BINDING_SYNC_CREATE);
  result_cb (self);
}

static void
attention_neuron_page_finalize (GObject *object)
{
  g_free (ATTENTION_NEURON_PAGE (object)->missing_reason);
  G_OBJECT_CLASS (attention_neuron_page_parent_class)->finalize (object);
}

static void
attention_neuron_page_class_init (AttentionNeuronPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = attention_neuron_page_constructed;
  object_class->finalize = attention_neuron_page_finalize;

  g_type_ensure (ATTENTION_TYPE_NEURON_CANVAS);
  gtk_widget_class_set_template_from_resource (
      widget_class, "/org/example/Attention/ui/attention-neuron-page.ui");
  gtk_widget_class_bind_template_child (widget_class, AttentionNeuronPage, query_label);
  gtk_widget_class_bind_template_child (widget_class, AttentionNeuronPage, save_button);
  gtk_widget_class_bind_template_child (widget_class, AttentionNeuronPage, stack);
  gtk_widget_class_bind_template_child (widget_class, AttentionNeuronPage, missing_page);
  gtk_widget_class_bind_template_child (widget_class, AttentionNeuronPage, canvas);
  gtk_widget_class_bind_template_child (widget_class, AttentionNeuronPage, hover_label);
  gtk_widget_class_bind_template_callback (widget_class, hover_text_cb);
  gtk_widget_class_bind_template_callback (widget_class, query_cb);
  gtk_widget_class_bind_template_callback (widget_class, save_clicked_cb);
  gtk_widget_class_set_css_name (widget_class, "attentionneuronview");
}

static void
attention_neuron_page_init (AttentionNeuronPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}
