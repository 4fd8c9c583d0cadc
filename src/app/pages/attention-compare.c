/* attention-compare.c: the Compare page: the window's sentence and a second
 * one, side by side (see the header) */

#include "attention-compare.h"

#include <glib/gi18n.h>

struct _AttentionCompare
{
  GtkWidget parent_instance;

  GtkWidget *entry;
  GtkWidget *status;
  GtkWidget *main_caption;
  GtkWidget *caption;
  AttentionView *main_view;
  AttentionView *view;
  AttentionModel *model;
  GCancellable *cancellable;
  guint layer;
  guint head;
  gboolean busy;
};

G_DEFINE_FINAL_TYPE (AttentionCompare, attention_compare, GTK_TYPE_WIDGET)

enum
{
  PROP_0,
  PROP_LAYER,
  PROP_HEAD,
  PROP_BUSY,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
set_busy (AttentionCompare *self, gboolean busy)
{
  if (self->busy == busy)
    return;
  self->busy = busy;
  gtk_widget_set_sensitive (self->entry, !busy);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
}

static void
run_done (GObject *source, GAsyncResult *res, gpointer data)
{
  g_autoptr (AttentionCompare) self = data;
  g_autoptr (GError) error = NULL;
  g_autoptr (AttentionResult) result = NULL;

  result = attention_model_run_finish (ATTENTION_MODEL (source), res, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (result == NULL)
    {
      gtk_label_set_text (GTK_LABEL (self->status), error->message);
      gtk_widget_set_visible (self->status, TRUE);
    }
  else
    {
      gtk_label_set_text (GTK_LABEL (self->status), "");
      gtk_widget_set_visible (self->status, FALSE);
      gtk_label_set_text (GTK_LABEL (self->caption), attention_result_get_text (result));
      attention_view_set_result (self->view, result);
      attention_view_set_layer (self->view, self->layer);
      attention_view_set_head (self->view, self->head);
    }
  set_busy (self, FALSE);
}

void
attention_compare_run (AttentionCompare *self, const char *text)
{
  g_return_if_fail (ATTENTION_IS_COMPARE (self));
  g_return_if_fail (text != NULL);

  if (self->model == NULL)
    {
      gtk_label_set_text (GTK_LABEL (self->status), _ ("No model is loaded yet."));
      gtk_widget_set_visible (self->status, TRUE);
      return;
    }
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  set_busy (self, TRUE);
  /* The second sentence needs no [MASK]: only its attention is compared. */
  attention_model_run_async (self->model, text, 0, self->cancellable, run_done,
                             g_object_ref (self));
}

static void
entry_activate_cb (GtkEntry *entry, AttentionCompare *self)
{
  attention_compare_run (self, gtk_editable_get_text (GTK_EDITABLE (entry)));
}

static void
attention_compare_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  AttentionCompare *self = ATTENTION_COMPARE (object);

  switch (prop_id)
    {
      case PROP_LAYER:
        g_value_set_uint (value, self->layer);
        break;
      case PROP_HEAD:
        g_value_set_uint (value, self->head);
        break;
      case PROP_BUSY:
        g_value_set_boolean (value, self->busy);
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
attention_compare_set_property (GObject *object,
                                guint prop_id,
                                const GValue *value,
                                GParamSpec *pspec)
{
  AttentionCompare *self = ATTENTION_COMPARE (object);

  switch (prop_id)
    {
      case PROP_LAYER:
        attention_compare_set_layer (self, g_value_get_uint (value));
        break;
      case PROP_HEAD:
        attention_compare_set_head (self, g_value_get_uint (value));
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
attention_compare_dispose (GObject *object)
{
  AttentionCompare *self = ATTENTION_COMPARE (object);
  GtkWidget *child;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->model);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (object))) != NULL)
    gtk_widget_unparent (child);
  G_OBJECT_CLASS (attention_compare_parent_class)->dispose (object);
}

static void
attention_compare_class_init (AttentionCompareClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->get_property = attention_compare_get_property;
  object_class->set_property = attention_compare_set_property;
  object_class->dispose = attention_compare_dispose;

  properties[PROP_LAYER] =
      g_param_spec_uint ("layer", NULL, NULL, 0, G_MAXUINT, 0,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_HEAD] =
      g_param_spec_uint ("head", NULL, NULL, 0, G_MAXUINT, 0,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_BUSY] =
      g_param_spec_boolean ("busy", NULL, NULL, FALSE, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BOX_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "attention-compare");
}

/* One side: a one-line caption over a scrolled view. */
static GtkWidget *
make_side (AttentionView *view, GtkWidget *caption)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *scrolled = gtk_scrolled_window_new ();

  /* Compared sentences usually differ at the end: keep the end in view. */
  gtk_label_set_ellipsize (GTK_LABEL (caption), PANGO_ELLIPSIZE_START);
  gtk_label_set_xalign (GTK_LABEL (caption), 0.5);
  gtk_widget_add_css_class (caption, "dim-label");
  gtk_widget_set_margin_start (caption, 12);
  gtk_widget_set_margin_end (caption, 12);
  gtk_box_append (GTK_BOX (box), caption);
  gtk_widget_set_hexpand (scrolled, TRUE);
  gtk_widget_set_vexpand (scrolled, TRUE);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), GTK_WIDGET (view));
  gtk_box_append (GTK_BOX (box), scrolled);
  return box;
}

static void
attention_compare_init (AttentionCompare *self)
{
  GtkWidget *row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *label = gtk_label_new_with_mnemonic (_ ("Co_mpare with"));
  GtkWidget *sides = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 0);
  GtkWidget *left, *right;

  gtk_orientable_set_orientation (
      GTK_ORIENTABLE (gtk_widget_get_layout_manager (GTK_WIDGET (self))), GTK_ORIENTATION_VERTICAL);
  gtk_box_layout_set_spacing (GTK_BOX_LAYOUT (gtk_widget_get_layout_manager (GTK_WIDGET (self))),
                              6);

  self->entry = gtk_entry_new ();
  gtk_widget_set_hexpand (self->entry, TRUE);
  gtk_editable_set_width_chars (GTK_EDITABLE (self->entry), 12);
  gtk_entry_set_placeholder_text (
      GTK_ENTRY (self->entry), _ ("The animal didn't cross the street because it was too wide."));
  gtk_label_set_mnemonic_widget (GTK_LABEL (label), self->entry);
  g_signal_connect (self->entry, "activate", G_CALLBACK (entry_activate_cb), self);
  gtk_box_append (GTK_BOX (row), label);
  gtk_box_append (GTK_BOX (row), self->entry);
  gtk_widget_set_margin_start (row, 12);
  gtk_widget_set_margin_end (row, 12);
  gtk_widget_set_margin_top (row, 6);
  gtk_widget_set_parent (row, GTK_WIDGET (self));

  self->status = gtk_label_new ("");
  gtk_label_set_xalign (GTK_LABEL (self->status), 0);
  gtk_label_set_ellipsize (GTK_LABEL (self->status), PANGO_ELLIPSIZE_END);
  gtk_widget_set_margin_start (self->status, 12);
  gtk_widget_set_margin_end (self->status, 12);
  gtk_widget_add_css_class (self->status, "error");
  gtk_widget_set_visible (self->status, FALSE);
  gtk_widget_set_parent (self->status, GTK_WIDGET (self));

  /* Two halves of the same size, two views linked to share cell size, label
   * margin, zoom and colour scale, scrolled together: the grids line up. */
  self->main_view = ATTENTION_VIEW (attention_view_new ());
  self->view = ATTENTION_VIEW (attention_view_new ());
  attention_view_set_partner (self->main_view, self->view);
  self->main_caption = gtk_label_new ("");
  self->caption = gtk_label_new (_ ("Type a second sentence above and press Enter"));
  left = make_side (self->main_view, self->main_caption);
  right = make_side (self->view, self->caption);
  gtk_box_set_homogeneous (GTK_BOX (sides), TRUE);
  gtk_box_append (GTK_BOX (sides), left);
  gtk_box_append (GTK_BOX (sides), right);
  gtk_widget_set_vexpand (sides, TRUE);
  gtk_widget_set_parent (sides, GTK_WIDGET (self));
  {
    GtkScrolledWindow *a = GTK_SCROLLED_WINDOW (gtk_widget_get_last_child (left));
    GtkScrolledWindow *b = GTK_SCROLLED_WINDOW (gtk_widget_get_last_child (right));

    /* Bound values rather than shared adjustments: each view sets its own
     * page size, and two views sharing one would take turns resetting it. */
    g_object_bind_property (gtk_scrolled_window_get_hadjustment (a), "value",
                            gtk_scrolled_window_get_hadjustment (b), "value",
                            G_BINDING_BIDIRECTIONAL);
    g_object_bind_property (gtk_scrolled_window_get_vadjustment (a), "value",
                            gtk_scrolled_window_get_vadjustment (b), "value",
                            G_BINDING_BIDIRECTIONAL);
  }
}

GtkWidget *
attention_compare_new (void)
{
  return g_object_new (ATTENTION_TYPE_COMPARE, NULL);
}

void
attention_compare_set_model (AttentionCompare *self, AttentionModel *model)
{
  g_return_if_fail (ATTENTION_IS_COMPARE (self));

  g_set_object (&self->model, model);
}

void
attention_compare_set_result (AttentionCompare *self, AttentionResult *result)
{
  g_return_if_fail (ATTENTION_IS_COMPARE (self));

  attention_view_set_result (self->main_view, result);
  attention_view_set_layer (self->main_view, self->layer);
  attention_view_set_head (self->main_view, self->head);
  gtk_label_set_text (GTK_LABEL (self->main_caption),
                      result != NULL ? attention_result_get_text (result) : "");
}

AttentionView *
attention_compare_get_main_view (AttentionCompare *self)
{
  g_return_val_if_fail (ATTENTION_IS_COMPARE (self), NULL);
  return self->main_view;
}

void
attention_compare_set_layer (AttentionCompare *self, guint layer)
{
  g_return_if_fail (ATTENTION_IS_COMPARE (self));

  attention_view_set_layer (self->main_view, layer);
  attention_view_set_layer (self->view, layer);
  if (self->layer == layer)
    return;
  self->layer = layer;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LAYER]);
}

void
attention_compare_set_head (AttentionCompare *self, guint head)
{
  g_return_if_fail (ATTENTION_IS_COMPARE (self));

  attention_view_set_head (self->main_view, head);
  attention_view_set_head (self->view, head);
  if (self->head == head)
    return;
  self->head = head;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HEAD]);
}

gboolean
attention_compare_get_busy (AttentionCompare *self)
{
  g_return_val_if_fail (ATTENTION_IS_COMPARE (self), FALSE);
  return self->busy;
}

GtkEditable *
attention_compare_get_entry (AttentionCompare *self)
{
  g_return_val_if_fail (ATTENTION_IS_COMPARE (self), NULL);
  return GTK_EDITABLE (self->entry);
}

AttentionView *
attention_compare_get_view (AttentionCompare *self)
{
  g_return_val_if_fail (ATTENTION_IS_COMPARE (self), NULL);
  return self->view;
}

const char *
attention_compare_get_status (AttentionCompare *self)
{
  g_return_val_if_fail (ATTENTION_IS_COMPARE (self), "");
  return gtk_label_get_text (GTK_LABEL (self->status));
}
