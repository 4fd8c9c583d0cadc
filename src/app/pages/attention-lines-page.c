/* attention-lines-page.c: the Lines page (see the header). The canvas draws
 * and hit-tests through the GTK-free renderer; this file keeps the legend,
 * the threshold, the selection and the canvas in step. */

#include "attention-lines-page.h"

#include <glib/gi18n.h>
#include <string.h>

#include "attention-picture-save.h"
#include "attention-export-lines.h"
#include "attention-export-names.h"
#include "attention-lines-canvas.h"

#define MAX_OVERLAY 64

struct _AttentionLinesPage
{
  AttentionPage parent_instance;

  GtkWidget *legend; /* a GtkBox of one toggle per head */
  GtkWidget *all_button;
  GtkSpinButton *threshold_spin;
  AttentionLinesCanvas *canvas;
  GtkLabel *guesses_label;
  GtkDropDown *sentences_dropdown;
  GtkDropDown *combine_dropdown;

  AttentionResult *result;
  guint layer;
  guint64 heads;
  gboolean syncing;     /* the legend is being set from heads */
  gboolean moving_head; /* the selection's head follows the legend */
};

enum
{
  PROP_0,
  PROP_THRESHOLD,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

G_DEFINE_FINAL_TYPE (AttentionLinesPage, attention_lines_page, ATTENTION_TYPE_PAGE)

static AttentionSelection *
selection (AttentionLinesPage *self)
{
  return attention_page_get_selection (ATTENTION_PAGE (self));
}

static guint
n_heads (AttentionLinesPage *self)
{
  return self->result ? MIN (attention_result_get_n_heads (self->result), MAX_OVERLAY) : 0;
}

static guint64
all_heads (AttentionLinesPage *self)
{
  guint n = n_heads (self);

  return n >= 64 ? G_MAXUINT64 : (G_GUINT64_CONSTANT (1) << n) - 1;
}

/* --- the head legend --------------------------------------------------------- */

static void
swatch_draw (GtkDrawingArea *area, cairo_t *cr, int width, int height, gpointer data)
{
  AttentionLinesPage *self = g_object_get_data (G_OBJECT (area), "lines-page");
  guint head = GPOINTER_TO_UINT (data);
  double rgb[3];

  attention_lines_head_rgb (head, n_heads (self), rgb);
  cairo_set_source_rgb (cr, rgb[0], rgb[1], rgb[2]);
  cairo_arc (cr, width / 2.0, height / 2.0, MIN (width, height) / 2.0, 0, 2 * G_PI);
  cairo_fill (cr);
}

static void
sync_legend (AttentionLinesPage *self)
{
  guint h = 0;

  self->syncing = TRUE;
  for (GtkWidget *child = gtk_widget_get_first_child (self->legend); child != NULL;
       child = gtk_widget_get_next_sibling (child), h++)
    gtk_toggle_button_set_active (GTK_TOGGLE_BUTTON (child), (self->heads >> h) & 1);
  self->syncing = FALSE;
}

static void
head_toggled_cb (GtkToggleButton *button, AttentionLinesPage *self)
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
  attention_lines_page_set_heads (self, gtk_toggle_button_get_active (button) ? self->heads | bit
                                                                              : self->heads & ~bit);
}

static void
all_clicked_cb (AttentionLinesPage *self)
{
  attention_lines_page_set_heads (self, all_heads (self));
}

static void
rebuild_legend (AttentionLinesPage *self)
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

      g_object_set_data (G_OBJECT (swatch), "lines-page", self);
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
threshold_changed_cb (AttentionLinesPage *self)
{
  attention_lines_canvas_set_threshold (self->canvas,
                                        gtk_spin_button_get_value (self->threshold_spin));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_THRESHOLD]);
}

/* --- saving what is shown ---------------------------------------------------------- */

static void sentence_filter (AttentionLinesPage *self, int *from_type, int *to_type);

static guint
shown_heads (AttentionLinesPage *self, guint *heads)
{
  guint count = 0;

  for (guint h = 0; h < n_heads (self); h++)
    if ((self->heads >> h) & 1)
      heads[count++] = h;
  return count;
}

char *
attention_lines_page_get_caption (AttentionLinesPage *self)
{
  guint heads[MAX_OVERLAY], shown;
  g_autofree char *caption = NULL;
  g_autofree char *filter = NULL;
  char *newline;
  int from_type = -1, to_type = -1;

  g_return_val_if_fail (ATTENTION_IS_LINES_PAGE (self), NULL);

  if (self->result == NULL)
    return NULL;
  shown = shown_heads (self, heads);
  caption = attention_export_caption (self->result, self->layer, heads, shown, NULL);
  /* The pair's filter, after the first line, before the sentence. */
  sentence_filter (self, &from_type, &to_type);
  filter = attention_export_pair_filter_caption (from_type, to_type);
  if (filter == NULL)
    return g_steal_pointer (&caption);
  newline = strchr (caption, '\n');
  if (newline == NULL)
    return g_strdup_printf ("%s · %s", caption, filter);
  *newline = '\0';
  return g_strdup_printf ("%s · %s\n%s", caption, filter, newline + 1);
}

gboolean
attention_lines_page_export (AttentionLinesPage *self,
                             AttentionExportFormat format,
                             const char *path,
                             GError **error)
{
  guint heads[MAX_OVERLAY], shown;
  g_autofree char *caption = NULL;
  int from_type = -1, to_type = -1;

  g_return_val_if_fail (ATTENTION_IS_LINES_PAGE (self), FALSE);
  g_return_val_if_fail (path != NULL, FALSE);

  if (self->result == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                           _ ("There is nothing to save: run a sentence first."));
      return FALSE;
    }
  shown = shown_heads (self, heads);
  caption = attention_lines_page_get_caption (self);
  /* The pair's filter as on screen (the caption says so). */
  sentence_filter (self, &from_type, &to_type);
  return attention_export_lines (self->result, self->layer, heads, shown,
                                 attention_canvas_get_colormap (ATTENTION_CANVAS (self->canvas)),
                                 (float)attention_lines_page_get_threshold (self), from_type,
                                 to_type, format, caption, path, error);
}

static void
save_response_cb (GtkNativeDialog *dialog, int response, AttentionLinesPage *self)
{
  g_autoptr (GError) error = NULL;
  AttentionExportFormat format;
  g_autofree char *path = attention_picture_save_path (dialog, response, &format);

  if (path != NULL && !attention_lines_page_export (self, format, path, &error))
    attention_picture_save_failed (GTK_WIDGET (self), error);
  g_object_unref (self);
}

static void
save_clicked_cb (GtkButton *button, AttentionLinesPage *self)
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

/* --- the selection ---------------------------------------------------------------- */

static void
show_head (AttentionLinesPage *self, guint head)
{
  if (head >= MAX_OVERLAY)
    head = MAX_OVERLAY - 1;
  attention_lines_page_set_heads (self, G_GUINT64_CONSTANT (1) << head);
}

static void
layer_cb (AttentionLinesPage *self)
{
  guint layer = attention_selection_get_layer (selection (self));

  if (self->result != NULL)
    layer = MIN (layer, attention_result_get_n_layers (self->result) - 1);
  self->layer = layer;
  attention_lines_canvas_set_layer (self->canvas, layer);
}

/* The head slider shows that head alone; another layer keeps the heads
 * overlaid in the legend, as bertviz does. */
static void
head_cb (AttentionLinesPage *self)
{
  if (!self->moving_head)
    show_head (self, attention_selection_get_head (selection (self)));
}

/* A pair's filter: All, A → A, A → B, B → A, B → B (the dropdown's order),
 * as the sentences of the queries and the keys (-1: either). */
static void
sentence_filter (AttentionLinesPage *self, int *from_type, int *to_type)
{
  guint i = self->sentences_dropdown != NULL ? gtk_drop_down_get_selected (self->sentences_dropdown)
                                             : GTK_INVALID_LIST_POSITION;

  *from_type = *to_type = -1;
  if (i == 0 || i == GTK_INVALID_LIST_POSITION || self->result == NULL ||
      attention_result_get_pair_text (self->result) == NULL)
    return;
  *from_type = (int)(i - 1) / 2;
  *to_type = (int)(i - 1) % 2;
}

static void
sentences_cb (AttentionLinesPage *self)
{
  int from_type, to_type;

  if (self->canvas == NULL)
    return;
  sentence_filter (self, &from_type, &to_type);
  attention_lines_canvas_set_sentences (self->canvas, from_type, to_type);
}

/* The choice of sum or mean shows while several tokens are pinned. */
static void
pins_cb (AttentionLinesPage *self)
{
  guint n_pins = 0;

  attention_canvas_get_pins (ATTENTION_CANVAS (self->canvas), &n_pins);
  gtk_widget_set_visible (GTK_WIDGET (self->combine_dropdown), n_pins >= 2);
}

/* Every Position: under the tokens, the model's guesses at the one in focus
 * (hovered, else pinned), or a hint to point at one. */
static void
guesses_cb (AttentionLinesPage *self)
{
  g_autofree char *text = NULL;
  guint index = 0;
  gboolean shown = self->result != NULL && attention_result_has_position_candidates (self->result);

  if (self->guesses_label == NULL)
    return;
  gtk_widget_set_visible (GTK_WIDGET (self->guesses_label), shown);
  if (!shown)
    return;
  if (attention_lines_canvas_get_focus (self->canvas, &index) != ATTENTION_LINES_NONE)
    text = attention_canvas_describe_guesses (self->result, index);
  gtk_label_set_text (self->guesses_label,
                      text != NULL ? text
                                   : _ ("Point at a token, or pin one, to see the model's guesses "
                                        "there."));
}

static void
result_cb (AttentionLinesPage *self)
{
  AttentionResult *result = attention_selection_get_shown_result (selection (self));
  guint old_heads = n_heads (self);

  if (!g_set_object (&self->result, result))
    return;
  attention_lines_canvas_set_result (self->canvas, result);
  if (n_heads (self) != old_heads)
    rebuild_legend (self);
  layer_cb (self);
  /* A new sentence keeps the heads overlaid in the legend (those the model
   * has); only when none is left does the slider's head show alone. */
  if (result != NULL && (self->heads & all_heads (self)) != 0)
    {
      guint64 heads = self->heads & all_heads (self);

      self->heads = 0;
      attention_lines_page_set_heads (self, heads);
    }
  else
    head_cb (self);
  guesses_cb (self);
  /* The filter is for pairs; a single sentence shows every line. */
  gtk_widget_set_visible (GTK_WIDGET (self->sentences_dropdown),
                          result != NULL && attention_result_get_pair_text (result) != NULL);
  if (result == NULL || attention_result_get_pair_text (result) == NULL)
    gtk_drop_down_set_selected (self->sentences_dropdown, 0);
  sentences_cb (self);
}

/* --- API ----------------------------------------------------------------------------- */

void
attention_lines_page_set_heads (AttentionLinesPage *self, guint64 heads)
{
  guint head;

  g_return_if_fail (ATTENTION_IS_LINES_PAGE (self));

  if (self->result != NULL)
    heads &= all_heads (self);
  if (heads == 0)
    heads = 1;
  if (self->heads == heads)
    return;
  self->heads = heads;
  sync_legend (self);
  attention_lines_canvas_set_heads (self->canvas, heads);
  /* The head row names every head drawn when they are several. */
  attention_page_set_heads (ATTENTION_PAGE (self), (heads & (heads - 1)) != 0 ? heads : 0);
  /* The head slider always names a head the lines draw: the one left in the
   * legend, or the first overlaid when its own was switched off there.
   * Moving it here must not reset the overlay to that head alone. */
  head = attention_selection_get_head (selection (self));
  if (head < 64 && ((heads >> head) & 1) != 0)
    return;
  self->moving_head = TRUE;
  attention_selection_set_head (selection (self), g_bit_nth_lsf ((gulong)heads, -1));
  self->moving_head = FALSE;
}

guint64
attention_lines_page_get_heads (AttentionLinesPage *self)
{
  g_return_val_if_fail (ATTENTION_IS_LINES_PAGE (self), 0);

  return self->heads;
}

guint
attention_lines_page_get_layer (AttentionLinesPage *self)
{
  g_return_val_if_fail (ATTENTION_IS_LINES_PAGE (self), 0);

  return self->layer;
}

void
attention_lines_page_set_threshold (AttentionLinesPage *self, double threshold)
{
  g_return_if_fail (ATTENTION_IS_LINES_PAGE (self));

  gtk_spin_button_set_value (self->threshold_spin, threshold);
}

double
attention_lines_page_get_threshold (AttentionLinesPage *self)
{
  g_return_val_if_fail (ATTENTION_IS_LINES_PAGE (self), 0);

  return gtk_spin_button_get_value (self->threshold_spin);
}

/* --- GObject ----------------------------------------------------------------------- */

static void
attention_lines_page_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  AttentionLinesPage *self = ATTENTION_LINES_PAGE (object);

  switch (prop_id)
    {
      case PROP_THRESHOLD:
        g_value_set_double (value, attention_lines_page_get_threshold (self));
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
attention_lines_page_set_property (GObject *object,
                                   guint prop_id,
                                   const GValue *value,
                                   GParamSpec *pspec)
{
  AttentionLinesPage *self = ATTENTION_LINES_PAGE (object);

  switch (prop_id)
    {
      case PROP_THRESHOLD:
        attention_lines_page_set_threshold (self, g_value_get_double (value));
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
attention_lines_page_constructed (GObject *object)
{
  AttentionLinesPage *self = ATTENTION_LINES_PAGE (object);
  AttentionSelection *s;

  G_OBJECT_CLASS (attention_lines_page_parent_class)->constructed (object);
  s = selection (self);
  g_signal_connect_object (s, "notify::shown-result", G_CALLBACK (result_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (s, "notify::layer", G_CALLBACK (layer_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (s, "notify::head", G_CALLBACK (head_cb), self, G_CONNECT_SWAPPED);
  g_object_bind_property (s, "colormap", self->canvas, "colormap", G_BINDING_SYNC_CREATE);
  g_object_bind_property (s, "combine", self->canvas, "combine", G_BINDING_SYNC_CREATE);
  g_object_bind_property (s, "combine", self->combine_dropdown, "selected",
                          G_BINDING_BIDIRECTIONAL | G_BINDING_SYNC_CREATE);
  result_cb (self);
}

static void
attention_lines_page_dispose (GObject *object)
{
  AttentionLinesPage *self = ATTENTION_LINES_PAGE (object);

  g_clear_object (&self->result);
  G_OBJECT_CLASS (attention_lines_page_parent_class)->dispose (object);
}

static void
attention_lines_page_class_init (AttentionLinesPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->get_property = attention_lines_page_get_property;
  object_class->set_property = attention_lines_page_set_property;
  object_class->constructed = attention_lines_page_constructed;
  object_class->dispose = attention_lines_page_dispose;

  properties[PROP_THRESHOLD] =
      g_param_spec_double ("threshold", NULL, NULL, 0, 1, 0.05,
                           G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (ATTENTION_TYPE_LINES_CANVAS);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/org/example/Attention/ui/attention-lines-page.ui");
  gtk_widget_class_bind_template_child (widget_class, AttentionLinesPage, legend);
  gtk_widget_class_bind_template_child (widget_class, AttentionLinesPage, all_button);
  gtk_widget_class_bind_template_child (widget_class, AttentionLinesPage, threshold_spin);
  gtk_widget_class_bind_template_child (widget_class, AttentionLinesPage, canvas);
  gtk_widget_class_bind_template_child (widget_class, AttentionLinesPage, guesses_label);
  gtk_widget_class_bind_template_callback (widget_class, guesses_cb);
  gtk_widget_class_bind_template_child (widget_class, AttentionLinesPage, sentences_dropdown);
  gtk_widget_class_bind_template_callback (widget_class, sentences_cb);
  gtk_widget_class_bind_template_child (widget_class, AttentionLinesPage, combine_dropdown);
  gtk_widget_class_bind_template_callback (widget_class, pins_cb);
  gtk_widget_class_bind_template_callback (widget_class, all_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, threshold_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, save_clicked_cb);
  gtk_widget_class_set_css_name (widget_class, "attentionlinesview");
}

/* Escape lets go of the pins wherever the focus is on the page: after the
 * threshold's buttons or the legend, it is not on the canvas. */
static gboolean
page_key_cb (GtkEventControllerKey *controller,
             guint keyval,
             guint keycode,
             GdkModifierType state,
             AttentionLinesPage *self)
{
  guint n_pins = 0;

  if (keyval != GDK_KEY_Escape || (state & GDK_MODIFIER_MASK) != 0)
    return FALSE;
  attention_canvas_get_pins (ATTENTION_CANVAS (self->canvas), &n_pins);
  if (n_pins == 0)
    return FALSE;
  attention_canvas_set_pinned (ATTENTION_CANVAS (self->canvas), -1);
  return TRUE;
}

static void
attention_lines_page_init (AttentionLinesPage *self)
{
  GtkEventController *keys;

  self->heads = 1;
  gtk_widget_init_template (GTK_WIDGET (self));
  keys = gtk_event_controller_key_new ();
  g_signal_connect (keys, "key-pressed", G_CALLBACK (page_key_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), keys);
  attention_lines_canvas_set_threshold (self->canvas,
                                        gtk_spin_button_get_value (self->threshold_spin));
  rebuild_legend (self);
}
