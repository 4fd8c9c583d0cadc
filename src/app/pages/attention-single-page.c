/* attention-single-page.c: the Single Head page (see the header). */

#include "attention-single-page.h"

#include <glib/gi18n.h>

struct _AttentionSinglePage
{
  AttentionPage parent_instance;

  AttentionView *view;
  GtkLabel *hover_label;
  GtkWidget *combine_bar;
  GtkDropDown *combine_dropdown;
};

G_DEFINE_FINAL_TYPE (AttentionSinglePage, attention_single_page, ATTENTION_TYPE_PAGE)

static void
hover_text_cb (AttentionSinglePage *self)
{
  attention_page_show_hover (self->hover_label, ATTENTION_CANVAS (self->view));
}

/* The legend names the quantity when Show is not the weights themselves. */
static void
aggregate_cb (AttentionSinglePage *self)
{
  AttentionSelection *selection = attention_page_get_selection (ATTENTION_PAGE (self));

  attention_view_set_legend_title (
      self->view, attention_selection_get_aggregate (selection) == ATTENTION_AGGREGATE_NORMS
                      /* Translators: the legend's title for attention × value norms. */
                      ? _ ("α‖f‖")
                      : NULL);
}

/* The choice of sum or mean shows while several tokens are pinned. */
static void
pins_cb (AttentionSinglePage *self)
{
  guint n_pins = 0;

  attention_canvas_get_pins (ATTENTION_CANVAS (self->view), &n_pins);
  gtk_widget_set_visible (self->combine_bar, n_pins >= 2);
}

static void
attention_single_page_constructed (GObject *object)
{
  AttentionSinglePage *self = ATTENTION_SINGLE_PAGE (object);
  AttentionSelection *selection;

  G_OBJECT_CLASS (attention_single_page_parent_class)->constructed (object);
  selection = attention_page_get_selection (ATTENTION_PAGE (self));
  attention_page_bind_view (selection, self->view);
  /* Only here: each side of Compare keeps a pin of its own. */
  g_object_bind_property (selection, "pinned", self->view, "pinned",
                          G_BINDING_BIDIRECTIONAL | G_BINDING_SYNC_CREATE);
  g_signal_connect_object (selection, "notify::aggregate", G_CALLBACK (aggregate_cb), self,
                           G_CONNECT_SWAPPED);
  aggregate_cb (self);
  g_object_bind_property (selection, "combine", self->view, "combine", G_BINDING_SYNC_CREATE);
  g_object_bind_property (selection, "combine", self->combine_dropdown, "selected",
                          G_BINDING_BIDIRECTIONAL | G_BINDING_SYNC_CREATE);
}

static void
attention_single_page_class_init (AttentionSinglePageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = attention_single_page_constructed;

  g_type_ensure (ATTENTION_TYPE_VIEW);
  gtk_widget_class_set_template_from_resource (
      widget_class, "/org/example/Attention/ui/attention-single-page.ui");
  gtk_widget_class_bind_template_child (widget_class, AttentionSinglePage, view);
  gtk_widget_class_bind_template_child (widget_class, AttentionSinglePage, hover_label);
  gtk_widget_class_bind_template_child (widget_class, AttentionSinglePage, combine_bar);
  gtk_widget_class_bind_template_child (widget_class, AttentionSinglePage, combine_dropdown);
  gtk_widget_class_bind_template_callback (widget_class, hover_text_cb);
  gtk_widget_class_bind_template_callback (widget_class, pins_cb);
}

static void
attention_single_page_init (AttentionSinglePage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

AttentionView *
attention_single_page_get_view (AttentionSinglePage *self)
{
  g_return_val_if_fail (ATTENTION_IS_SINGLE_PAGE (self), NULL);
  return self->view;
}
