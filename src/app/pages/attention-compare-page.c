/* attention-compare-page.c: the Compare page (see the header). */

#include "attention-compare-page.h"

#include <glib/gi18n.h>

struct _AttentionComparePage
{
  AttentionPage parent_instance;

  AttentionSelection *other; /* the second sentence's */
  GtkWidget *entry;
  GtkLabel *status;
  GtkLabel *main_caption;
  GtkLabel *caption;
  AttentionView *main_view;
  AttentionView *view;
  GtkScrolledWindow *main_scrolled;
  GtkScrolledWindow *scrolled;
  GtkLabel *hover_label;

  GCancellable *cancellable;
  gboolean running;
};

G_DEFINE_FINAL_TYPE (AttentionComparePage, attention_compare_page, ATTENTION_TYPE_PAGE)

enum
{
  PROP_0,
  PROP_BUSY,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
set_running (AttentionComparePage *self, gboolean running)
{
  if (self->running == running)
    return;
  self->running = running;
  gtk_widget_set_sensitive (self->entry, !running);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
}

static void
show_status (AttentionComparePage *self, const char *message)
{
  gtk_label_set_text (self->status, message);
  gtk_widget_set_visible (GTK_WIDGET (self->status), *message != '\0');
}

static void
run_done_cb (GObject *source, GAsyncResult *res, gpointer data)
{
  g_autoptr (AttentionComparePage) self = data;
  g_autoptr (GError) error = NULL;
  g_autoptr (AttentionResult) result = NULL;

  result = attention_model_run_finish (ATTENTION_MODEL (source), res, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (result == NULL)
    show_status (self, error->message);
  else
    {
      show_status (self, "");
      gtk_label_set_text (self->caption, attention_result_get_text (result));
      attention_selection_set_result (self->other, result);
    }
  set_running (self, FALSE);
}

static void
entry_activate_cb (AttentionComparePage *self)
{
  AttentionModel *model =
      attention_selection_get_model (attention_page_get_selection (ATTENTION_PAGE (self)));

  if (model == NULL)
    {
      show_status (self, _ ("No model is loaded yet."));
      return;
    }
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  set_running (self, TRUE);
  /* The second sentence needs no [MASK]: only its attention is compared. */
  attention_model_run_async (model, gtk_editable_get_text (GTK_EDITABLE (self->entry)), 0,
                             self->cancellable, run_done_cb, g_object_ref (self));
}

static void
main_result_cb (AttentionComparePage *self)
{
  AttentionResult *result =
      attention_selection_get_result (attention_page_get_selection (ATTENTION_PAGE (self)));

  gtk_label_set_text (self->main_caption, result != NULL ? attention_result_get_text (result) : "");
}

static void
other_busy_cb (AttentionComparePage *self)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
}

/* Hovering either matrix shows its weight in the read-out. */
static void
hover_text_cb (AttentionView *view, GParamSpec *pspec, AttentionComparePage *self)
{
  attention_page_show_hover (self->hover_label, ATTENTION_CANVAS (view));
}

gboolean
attention_compare_page_get_busy (AttentionComparePage *self)
{
  g_return_val_if_fail (ATTENTION_IS_COMPARE_PAGE (self), FALSE);
  return self->running || attention_selection_get_busy (self->other);
}

static void
attention_compare_page_constructed (GObject *object)
{
  AttentionComparePage *self = ATTENTION_COMPARE_PAGE (object);
  AttentionSelection *selection;
  const char *const follow[] = { "aggregate", "hide-special", "colormap", "scale" };

  G_OBJECT_CLASS (attention_compare_page_parent_class)->constructed (object);
  selection = attention_page_get_selection (ATTENTION_PAGE (self));

  /* Both sentences are shown alike, so a comparison compares like with like. */
  for (gsize i = 0; i < G_N_ELEMENTS (follow); i++)
    g_object_bind_property (selection, follow[i], self->other, follow[i], G_BINDING_SYNC_CREATE);
  g_object_bind_property (selection, "layer", self->other, "layer",
                          G_BINDING_BIDIRECTIONAL | G_BINDING_SYNC_CREATE);
  g_object_bind_property (selection, "head", self->other, "head",
                          G_BINDING_BIDIRECTIONAL | G_BINDING_SYNC_CREATE);
  attention_page_bind_view (selection, self->main_view);
  attention_page_bind_view (self->other, self->view);
  g_signal_connect_object (selection, "notify::result", G_CALLBACK (main_result_cb), self,
                           G_CONNECT_SWAPPED);
  main_result_cb (self);
}

static void
attention_compare_page_get_property (GObject *object,
                                     guint prop_id,
                                     GValue *value,
                                     GParamSpec *pspec)
{
  AttentionComparePage *self = ATTENTION_COMPARE_PAGE (object);

  switch (prop_id)
    {
      case PROP_BUSY:
        g_value_set_boolean (value, attention_compare_page_get_busy (self));
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
attention_compare_page_dispose (GObject *object)
{
  AttentionComparePage *self = ATTENTION_COMPARE_PAGE (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  G_OBJECT_CLASS (attention_compare_page_parent_class)->dispose (object);
}

static void
attention_compare_page_class_init (AttentionComparePageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = attention_compare_page_constructed;
  object_class->get_property = attention_compare_page_get_property;
  object_class->dispose = attention_compare_page_dispose;

  properties[PROP_BUSY] =
      g_param_spec_boolean ("busy", NULL, NULL, FALSE, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (ATTENTION_TYPE_VIEW);
  g_type_ensure (ATTENTION_TYPE_SELECTION);
  gtk_widget_class_set_template_from_resource (
      widget_class, "/org/example/Attention/ui/attention-compare-page.ui");
  gtk_widget_class_bind_template_child (widget_class, AttentionComparePage, other);
  gtk_widget_class_bind_template_child (widget_class, AttentionComparePage, entry);
  gtk_widget_class_bind_template_child (widget_class, AttentionComparePage, status);
  gtk_widget_class_bind_template_child (widget_class, AttentionComparePage, main_caption);
  gtk_widget_class_bind_template_child (widget_class, AttentionComparePage, caption);
  gtk_widget_class_bind_template_child (widget_class, AttentionComparePage, main_view);
  gtk_widget_class_bind_template_child (widget_class, AttentionComparePage, view);
  gtk_widget_class_bind_template_child (widget_class, AttentionComparePage, main_scrolled);
  gtk_widget_class_bind_template_child (widget_class, AttentionComparePage, scrolled);
  gtk_widget_class_bind_template_child (widget_class, AttentionComparePage, hover_label);
  gtk_widget_class_bind_template_callback (widget_class, entry_activate_cb);
  gtk_widget_class_bind_template_callback (widget_class, other_busy_cb);
  gtk_widget_class_bind_template_callback (widget_class, hover_text_cb);
}

static void
attention_compare_page_init (AttentionComparePage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  /* Two views linked to share cell size, label margin, zoom and colour
   * scale, scrolled together: the grids line up. Bound values rather than
   * shared adjustments: each view sets its own page size, and two views
   * sharing one would take turns resetting it. */
  attention_view_set_partner (self->main_view, self->view);
  g_object_bind_property (gtk_scrolled_window_get_hadjustment (self->main_scrolled), "value",
                          gtk_scrolled_window_get_hadjustment (self->scrolled), "value",
                          G_BINDING_BIDIRECTIONAL);
  g_object_bind_property (gtk_scrolled_window_get_vadjustment (self->main_scrolled), "value",
                          gtk_scrolled_window_get_vadjustment (self->scrolled), "value",
                          G_BINDING_BIDIRECTIONAL);
}
