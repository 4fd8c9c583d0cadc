/* attention-lines-view.c: the lines view's controls around its canvas (see
 * attention-lines-view.h). The canvas draws and hit-tests through the
 * GTK-free renderer; this file keeps the legend, the threshold and the
 * canvas in step. */

#include "attention-lines-view.h"

#include <glib/gi18n.h>

#include "attention-export-lines.h"
#include "attention-export-names.h"

#define MAX_OVERLAY 64

struct _AttentionLinesView
{
  GtkWidget parent_instance;

  GtkWidget *box;
  GtkWidget *legend; /* a GtkBox of one toggle per head */
  GtkWidget *all_button;
  GtkSpinButton *threshold_spin;
  GtkWidget *scrolled;
  AttentionLinesCanvas *canvas;

  AttentionResult *result;
  guint layer;
  guint64 heads;
  AttentionColormap colormap;
  gboolean syncing; /* the legend is being set from heads */
};

enum
{
  PROP_0,
  PROP_HEADS,
  PROP_THRESHOLD,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (AttentionLinesView, attention_lines_view, GTK_TYPE_WIDGET)

static guint
n_heads (AttentionLinesView *self)
{
  return self->result ? MIN (attention_result_get_n_heads (self->result), MAX_OVERLAY) : 0;
}

static guint64
all_heads (AttentionLinesView *self)
{
  guint n = n_heads (self);

  return n >= 64 ? G_MAXUINT64 : (G_GUINT64_CONSTANT (1) << n) - 1;
}

/* --- the head legend --------------------------------------------------------- */

static void
swatch_draw (GtkDrawingArea *area, cairo_t *cr, int width, int height, gpointer data)
{
  AttentionLinesView *self = g_object_get_data (G_OBJECT (area), "lines-view");
  guint head = GPOINTER_TO_UINT (data);
  double rgb[3];

  attention_lines_head_rgb (head, n_heads (self), rgb);
  cairo_set_source_rgb (cr, rgb[0], rgb[1], rgb[2]);
  cairo_arc (cr, width / 2.0, height / 2.0, MIN (width, height) / 2.0, 0, 2 * G_PI);
  cairo_fill (cr);
}

static void
sync_legend (AttentionLinesView *self)
{
  guint h = 0;

  self->syncing = TRUE;
  for (GtkWidget *child = gtk_widget_get_first_child (self->legend); child != NULL;
       child = gtk_widget_get_next_sibling (child), h++)
    gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (child), (self->heads >> h) & 1);
  self->syncing = FALSE;
}

static void
head_toggled_cb (GtkToggleButton *button, AttentionLinesView *self)
{
  guint head = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (button), "head"));
  guint64 bit = G_GUINT64_CONSTANT (1) << head;

  if (self->syncing)
    return;
  /* At least one head stays shown: the last one cannot be switched off. */
  if (!gtk_toggle_button_get_active (button) && (self->heads & ~bit) == 0)
    {
      sync_legend (self);
      return;
    }
  attention_lines_view_set_heads (self, gtk_toggle_button_get_active (button) ? self->heads | bit
                                                                              : self->heads & ~bit);
}

static void
all_clicked_cb (GtkButton *button, AttentionLinesView *self)
{
  attention_lines_view_set_heads (self, all_heads (self));
}

static void
rebuild_legend (AttentionLinesView *self)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (self->legend)) != NULL)
    gtk_box_remove (GTK_BOX (self->legend), child);
  for (guint h = 0; h < n_heads (self); h++)
    {
      GtkWidget *button = gtk_toggle_button_new ();
      GtkWidget *content = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 4);
      GtkWidget *swatch = gtk_drawing_area_new ();
      g_autofree char *number = g_strdup_printf ("%u", h + 1);
      g_autofree char *tip = g_strdup_printf (_ ("Head %u: show or hide its lines"), h + 1);

      g_object_set_data (G_OBJECT (swatch), "lines-view", self);
      gtk_drawing_area_set_content_width (GTK_DRAWING_AREA (swatch), 10);
      gtk_drawing_area_set_content_height (GTK_DRAWING_AREA (swatch), 10);
      gtk_widget_set_valign (swatch, GTK_ALIGN_CENTER);
      gtk_drawing_area_set_draw_func (GTK_DRAWING_AREA (swatch), swatch_draw, GUINT_TO_POINTER (h),
                                      NULL);
      gtk_box_append (GTK_BOX (content), swatch);
      gtk_box_append (GTK_BOX (content), gtk_label_new (number));
      gtk_button_set_child (GTK_BUTTON (button), content);
      gtk_widget_set_tooltip_text (button, tip);
      gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, tip,
                                      -1);
      gtk_widget_add_css_class (button, "flat");
      g_object_set_data (G_OBJECT (button), "head", GUINT_TO_POINTER (h));
      g_signal_connect (button, "toggled", G_CALLBACK (head_toggled_cb), self);
      gtk_box_append (GTK_BOX (self->legend), button);
    }
  gtk_widget_set_sensitive (self->all_button, n_heads (self) > 1);
  sync_legend (self);
}

/* --- threshold ------------------------------------------------------------------ */

static void
threshold_changed_cb (GtkSpinButton *spin, AttentionLinesView *self)
{
  attention_lines_canvas_set_threshold (self->canvas, gtk_spin_button_get_value (spin));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_THRESHOLD]);
}

/* --- saving what is shown ---------------------------------------------------------- */

static guint
shown_heads (AttentionLinesView *self, guint *heads)
{
  guint count = 0;

  for (guint h = 0; h < n_heads (self); h++)
    if ((self->heads >> h) & 1)
      heads[count++] = h;
  return count;
}

gboolean
attention_lines_view_export (AttentionLinesView *self,
                             AttentionExportFormat format,
                             const char *path,
                             GError **error)
{
  guint heads[MAX_OVERLAY], shown;
  g_autofree char *caption = NULL;

  g_return_val_if_fail (ATTENTION_IS_LINES_VIEW (self), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  if (self->result == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                           _ ("There is nothing to save: run a sentence first."));
      return FALSE;
    }
  shown = shown_heads (self, heads);
  caption = attention_export_caption (self->result, self->layer, heads, shown, NULL);
  return attention_export_lines (self->result, self->layer, heads, shown, self->colormap,
                                 (float)attention_lines_view_get_threshold (self), format, caption,
                                 path, error);
}

static void
save_response_cb (GtkNativeDialog *dialog, int response, AttentionLinesView *self)
{
  g_autoptr (GFile) file = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *path = NULL;
  AttentionExportFormat format = ATTENTION_EXPORT_PNG;

  if (response == GTK_RESPONSE_ACCEPT)
    file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (dialog));
  g_object_unref (dialog);
  if (file == NULL || (path = g_file_get_path (file)) == NULL)
    {
      g_object_unref (self);
      return;
    }
  /* The name says the format; anything else is a PNG. */
  if (g_str_has_suffix (path, ".svg") || g_str_has_suffix (path, ".SVG"))
    format = ATTENTION_EXPORT_SVG;
  else if (g_str_has_suffix (path, ".pdf") || g_str_has_suffix (path, ".PDF"))
    format = ATTENTION_EXPORT_PDF;
  if (!attention_lines_view_export (self, format, path, &error))
    {
      GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
      GtkWidget *message = gtk_message_dialog_new (
          GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
          GTK_DIALOG_MODAL | GTK_DIALOG_DESTROY_WITH_PARENT, GTK_MESSAGE_ERROR, GTK_BUTTONS_CLOSE,
          "%s", _ ("Could not save the picture"));

      gtk_message_dialog_format_secondary_text (GTK_MESSAGE_DIALOG (message), "%s", error->message);
      g_signal_connect (message, "response", G_CALLBACK (gtk_window_destroy), NULL);
      gtk_window_present (GTK_WINDOW (message));
    }
  g_object_unref (self);
}

static void
save_clicked_cb (GtkButton *button, AttentionLinesView *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkFileChooserNative *dialog;
  g_autofree char *name = NULL;
  guint heads[MAX_OVERLAY];

  if (self->result == NULL)
    return;
  dialog = gtk_file_chooser_native_new (_ ("Save the Lines Picture"),
                                        GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                        GTK_FILE_CHOOSER_ACTION_SAVE, _ ("_Save"), _ ("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (dialog), TRUE);
  if (shown_heads (self, heads) == 1)
    name = attention_export_lines_file_name (self->layer, heads[0], "png");
  else
    name = g_strdup_printf ("Lines_Layer%u_Overlay.png", self->layer + 1);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (dialog), name);
  g_signal_connect (dialog, "response", G_CALLBACK (save_response_cb), g_object_ref (self));
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (dialog));
}

/* --- API ----------------------------------------------------------------------------- */

GtkWidget *
attention_lines_view_new (void)
{
  return g_object_new (ATTENTION_TYPE_LINES_VIEW, NULL);
}

void
attention_lines_view_set_result (AttentionLinesView *self, AttentionResult *result)
{
  guint old_heads;

  g_return_if_fail (ATTENTION_IS_LINES_VIEW (self));
  g_return_if_fail (result == NULL || ATTENTION_IS_RESULT (result));

  old_heads = n_heads (self);
  if (!g_set_object (&self->result, result))
    return;
  if (result != NULL)
    self->layer = MIN (self->layer, attention_result_get_n_layers (result) - 1);
  attention_lines_canvas_set_result (self->canvas, result);
  attention_lines_canvas_set_layer (self->canvas, self->layer);
  if (n_heads (self) != old_heads)
    rebuild_legend (self);
  /* Keep the overlay when the new result has those heads. */
  if ((self->heads & all_heads (self)) == 0)
    attention_lines_view_set_heads (self, 1);
  else
    attention_lines_view_set_heads (self, self->heads & all_heads (self));
}

void
attention_lines_view_set_layer (AttentionLinesView *self, guint layer)
{
  g_return_if_fail (ATTENTION_IS_LINES_VIEW (self));

  if (self->result != NULL)
    layer = MIN (layer, attention_result_get_n_layers (self->result) - 1);
  self->layer = layer;
  attention_lines_canvas_set_layer (self->canvas, layer);
}

guint
attention_lines_view_get_layer (AttentionLinesView *self)
{
  g_return_val_if_fail (ATTENTION_IS_LINES_VIEW (self), 0);

  return self->layer;
}

void
attention_lines_view_set_head (AttentionLinesView *self, guint head)
{
  g_return_if_fail (ATTENTION_IS_LINES_VIEW (self));

  if (head >= MAX_OVERLAY)
    head = MAX_OVERLAY - 1;
  attention_lines_view_set_heads (self, G_GUINT64_CONSTANT (1) << head);
}

void
attention_lines_view_set_colormap (AttentionLinesView *self, AttentionColormap colormap)
{
  g_return_if_fail (ATTENTION_IS_LINES_VIEW (self));

  self->colormap = colormap;
  attention_lines_canvas_set_colormap (self->canvas, colormap);
}

void
attention_lines_view_set_heads (AttentionLinesView *self, guint64 heads)
{
  g_return_if_fail (ATTENTION_IS_LINES_VIEW (self));

  if (self->result != NULL)
    heads &= all_heads (self);
  if (heads == 0)
    heads = 1;
  if (self->heads == heads)
    return;
  self->heads = heads;
  sync_legend (self);
  attention_lines_canvas_set_heads (self->canvas, heads);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HEADS]);
}

guint64
attention_lines_view_get_heads (AttentionLinesView *self)
{
  g_return_val_if_fail (ATTENTION_IS_LINES_VIEW (self), 0);

  return self->heads;
}

void
attention_lines_view_set_threshold (AttentionLinesView *self, double threshold)
{
  g_return_if_fail (ATTENTION_IS_LINES_VIEW (self));

  gtk_spin_button_set_value (self->threshold_spin, threshold);
}

double
attention_lines_view_get_threshold (AttentionLinesView *self)
{
  g_return_val_if_fail (ATTENTION_IS_LINES_VIEW (self), 0);

  return gtk_spin_button_get_value (self->threshold_spin);
}

AttentionLinesCanvas *
attention_lines_view_get_canvas (AttentionLinesView *self)
{
  g_return_val_if_fail (ATTENTION_IS_LINES_VIEW (self), NULL);

  return self->canvas;
}

/* --- GObject ----------------------------------------------------------------------- */

static void
attention_lines_view_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  AttentionLinesView *self = ATTENTION_LINES_VIEW (object);

  switch (prop_id)
    {
      case PROP_HEADS:
        g_value_set_uint64 (value, self->heads);
        break;
      case PROP_THRESHOLD:
        g_value_set_double (value, attention_lines_view_get_threshold (self));
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
attention_lines_view_set_property (GObject *object,
                                   guint prop_id,
                                   const GValue *value,
                                   GParamSpec *pspec)
{
  AttentionLinesView *self = ATTENTION_LINES_VIEW (object);

  switch (prop_id)
    {
      case PROP_HEADS:
        attention_lines_view_set_heads (self, g_value_get_uint64 (value));
        break;
      case PROP_THRESHOLD:
        attention_lines_view_set_threshold (self, g_value_get_double (value));
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
attention_lines_view_dispose (GObject *object)
{
  AttentionLinesView *self = ATTENTION_LINES_VIEW (object);

  g_clear_pointer (&self->box, gtk_widget_unparent);
  g_clear_object (&self->result);
  G_OBJECT_CLASS (attention_lines_view_parent_class)->dispose (object);
}

static void
attention_lines_view_class_init (AttentionLinesViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->get_property = attention_lines_view_get_property;
  object_class->set_property = attention_lines_view_set_property;
  object_class->dispose = attention_lines_view_dispose;

  properties[PROP_HEADS] =
      g_param_spec_uint64 ("heads", NULL, NULL, 0, G_MAXUINT64, 1,
                           G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_THRESHOLD] =
      g_param_spec_double ("threshold", NULL, NULL, 0, 1, 0.05,
                           G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "attentionlinesview");
}

static void
attention_lines_view_init (AttentionLinesView *self)
{
  GtkWidget *row, *label, *heads_label, *save, *legend_scroll;

  self->heads = 1;

  self->box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  gtk_widget_set_parent (self->box, GTK_WIDGET (self));

  row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  gtk_widget_set_margin_start (row, 6);
  gtk_widget_set_margin_end (row, 6);
  gtk_widget_set_margin_top (row, 6);
  gtk_widget_set_margin_bottom (row, 6);

  heads_label = gtk_label_new (_ ("Heads"));
  gtk_widget_add_css_class (heads_label, "dim-label");
  gtk_box_append (GTK_BOX (row), heads_label);
  self->legend = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 0);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->legend), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _ ("Heads to overlay"), -1);
  /* Sixteen heads (bert-large) must not widen the window: the legend
   * scrolls sideways when there is no room. */
  legend_scroll = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (legend_scroll), GTK_POLICY_AUTOMATIC,
                                  GTK_POLICY_NEVER);
  gtk_scrolled_window_set_propagate_natural_width (GTK_SCROLLED_WINDOW (legend_scroll), TRUE);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (legend_scroll), self->legend);
  gtk_widget_set_hexpand (legend_scroll, FALSE);
  gtk_box_append (GTK_BOX (row), legend_scroll);
  /* No mnemonic: Alt+A is All Heads in the view switcher, Alt+L the layer. */
  self->all_button = gtk_button_new_with_label (_ ("All"));
  gtk_widget_set_tooltip_text (self->all_button, _ ("Overlay every head of the layer"));
  g_signal_connect (self->all_button, "clicked", G_CALLBACK (all_clicked_cb), self);
  gtk_box_append (GTK_BOX (row), self->all_button);

  /* Alt+H is the head slider's. */
  label = gtk_label_new_with_mnemonic (_ ("Hide _below"));
  gtk_widget_set_hexpand (label, TRUE);
  gtk_widget_set_halign (label, GTK_ALIGN_END);
  gtk_box_append (GTK_BOX (row), label);
  /* Not below 0.01: with every head of a long sentence overlaid, 0 would draw
   * millions of lines a frame and freeze the window (docs/diagrams.md). */
  self->threshold_spin = GTK_SPIN_BUTTON (gtk_spin_button_new_with_range (0.01, 0.99, 0.01));
  gtk_spin_button_set_digits (self->threshold_spin, 2);
  gtk_spin_button_set_value (self->threshold_spin, 0.05);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->threshold_spin),
                               _ ("Lines of weights under this are not drawn"));
  gtk_label_set_mnemonic_widget (GTK_LABEL (label), GTK_WIDGET (self->threshold_spin));
  g_signal_connect (self->threshold_spin, "value-changed", G_CALLBACK (threshold_changed_cb), self);
  gtk_box_append (GTK_BOX (row), GTK_WIDGET (self->threshold_spin));

  save = gtk_button_new_from_icon_name ("document-save-symbolic");
  gtk_widget_set_tooltip_text (save, _ ("Save this picture as PNG, SVG or PDF"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (save), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _ ("Save Picture"), -1);
  g_signal_connect (save, "clicked", G_CALLBACK (save_clicked_cb), self);
  gtk_box_append (GTK_BOX (row), save);
  gtk_box_append (GTK_BOX (self->box), row);

  self->canvas = ATTENTION_LINES_CANVAS (attention_lines_canvas_new ());
  attention_lines_canvas_set_threshold (self->canvas, 0.05);
  self->scrolled = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (self->scrolled), GTK_POLICY_NEVER,
                                  GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (self->scrolled), GTK_WIDGET (self->canvas));
  gtk_widget_set_vexpand (self->scrolled, TRUE);
  gtk_widget_set_hexpand (self->scrolled, TRUE);
  gtk_box_append (GTK_BOX (self->box), self->scrolled);
  rebuild_legend (self);
}
