/* attention-overview-page.c: the All Heads page (see the header). */

#include "attention-overview-page.h"

#include <glib/gi18n.h>

#include "attention-importance-panel.h"
#include "attention-legend.h"
#include "attention-overview.h"

struct _AttentionOverviewPage
{
  AttentionPage parent_instance;

  AttentionOverview *overview;
  GtkStack *score_stack; /* the score legend, or a hint */
  GtkLabel *score_label;
  GtkWidget *score_bar;
  AttentionImportancePanel *importance;
};

G_DEFINE_FINAL_TYPE (AttentionOverviewPage, attention_overview_page, ATTENTION_TYPE_PAGE)

static AttentionSelection *
selection (AttentionOverviewPage *self)
{
  return attention_page_get_selection (ATTENTION_PAGE (self));
}

static void
position_cb (AttentionOverviewPage *self)
{
  attention_overview_set_selected (self->overview, attention_selection_get_layer (selection (self)),
                                   attention_selection_get_head (selection (self)));
}

static void
colormap_cb (AttentionOverviewPage *self)
{
  attention_overview_set_colormap (self->overview,
                                   attention_selection_get_colormap (selection (self)));
  gtk_widget_queue_draw (self->score_bar);
}

static void
score_cb (AttentionOverviewPage *self)
{
  int score = attention_selection_get_score (selection (self));

  attention_overview_set_score (self->overview, score,
                                attention_selection_get_sort_by_score (selection (self)));
  if (score >= 0)
    {
      g_autofree char *text = NULL;

      /* Translators: legend of the overview's colour bars, e.g. "Bars: previous token". */
      text = g_strdup_printf (_ ("Bars: %s"), attention_stats_pattern_name (score));
      gtk_label_set_text (self->score_label, text);
    }
  gtk_stack_set_visible_child_name (self->score_stack, score >= 0 ? "legend" : "hint");
  gtk_widget_queue_draw (self->score_bar);
}

static void
head_selected_cb (AttentionOverviewPage *self, guint layer, guint head)
{
  attention_selection_set_layer (selection (self), layer);
  attention_selection_set_head (selection (self), head);
}

/* A click or Enter on a thumbnail opens that head in the single-head view. */
static void
head_activated_cb (AttentionOverviewPage *self, guint layer, guint head)
{
  head_selected_cb (self, layer, head);
  /* A head, not a mean, is what was picked. */
  attention_selection_set_aggregate (selection (self), ATTENTION_AGGREGATE_HEAD);
  gtk_widget_activate_action (GTK_WIDGET (self), "win.view", "s", "single");
}

/* The score legend: 0 … 1 in viridis, as the grid draws its score bars
 * whatever the thumbnails' colours (attention-grid.c). */
static void
draw_score_bar (GtkDrawingArea *area, cairo_t *cr, int width, int height, gpointer data)
{
  AttentionLegendStyle style = {
    .colormap = ATTENTION_COLORMAP_VIRIDIS,
    .length = width - 32,
    .thickness = 10,
    .font_size = 11,
  };
  GdkRGBA fg;

  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  gtk_style_context_get_color (gtk_widget_get_style_context (GTK_WIDGET (area)), &fg);
  G_GNUC_END_IGNORE_DEPRECATIONS
  style.fg[0] = fg.red;
  style.fg[1] = fg.green;
  style.fg[2] = fg.blue;
  style.fg[3] = fg.alpha;
  cairo_translate (cr, 16, (height - style.thickness) / 2);
  attention_legend_draw (cr, &style);
}

static void
attention_overview_page_constructed (GObject *object)
{
  AttentionOverviewPage *self = ATTENTION_OVERVIEW_PAGE (object);
  AttentionSelection *s;

  G_OBJECT_CLASS (attention_overview_page_parent_class)->constructed (object);
  s = selection (self);
  g_object_bind_property (s, "shown-result", self->overview, "result", G_BINDING_SYNC_CREATE);
  g_signal_connect_object (s, "notify::layer", G_CALLBACK (position_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (s, "notify::head", G_CALLBACK (position_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (s, "notify::result", G_CALLBACK (position_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (s, "notify::colormap", G_CALLBACK (colormap_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (s, "notify::score", G_CALLBACK (score_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (s, "notify::sort-by-score", G_CALLBACK (score_cb), self,
                           G_CONNECT_SWAPPED);
  position_cb (self);
  colormap_cb (self);
  score_cb (self);
  attention_importance_panel_setup (self->importance, s, self->overview);
}

static void
attention_overview_page_class_init (AttentionOverviewPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = attention_overview_page_constructed;

  g_type_ensure (ATTENTION_TYPE_OVERVIEW);
  g_type_ensure (ATTENTION_TYPE_IMPORTANCE_PANEL);
  gtk_widget_class_set_template_from_resource (
      widget_class, "/org/example/Attention/ui/attention-overview-page.ui");
  gtk_widget_class_bind_template_child (widget_class, AttentionOverviewPage, overview);
  gtk_widget_class_bind_template_child (widget_class, AttentionOverviewPage, score_stack);
  gtk_widget_class_bind_template_child (widget_class, AttentionOverviewPage, score_label);
  gtk_widget_class_bind_template_child (widget_class, AttentionOverviewPage, score_bar);
  gtk_widget_class_bind_template_child (widget_class, AttentionOverviewPage, importance);
  gtk_widget_class_bind_template_callback (widget_class, head_selected_cb);
  gtk_widget_class_bind_template_callback (widget_class, head_activated_cb);
}

static void
attention_overview_page_init (AttentionOverviewPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_drawing_area_set_draw_func (GTK_DRAWING_AREA (self->score_bar), draw_score_bar, NULL, NULL);
}
