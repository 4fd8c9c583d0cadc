/* attention-importance-panel.c: "Which heads matter?" (see the header) */

#include "attention-importance-panel.h"

#include <glib/gi18n.h>
#include <stdlib.h>

#include "attention-head-importance.h"

/* Heads listed in the ranking. */
#define RANKED 8

struct _AttentionImportancePanel
{
  GtkWidget parent_instance;

  AttentionSelection *selection; /* weak: the page's */
  AttentionOverview *overview;   /* weak: the page's */
  GtkWidget *button;
  GtkWidget *progress;
  GtkWidget *cancel;
  GtkWidget *status;
  GtkWidget *ranking;
  GCancellable *cancellable;
  AttentionResult *measured; /* the result importance belongs to */
  float *importance;
  guint n_layers, n_heads;
};

G_DEFINE_FINAL_TYPE (AttentionImportancePanel, attention_importance_panel, GTK_TYPE_WIDGET)

static void
set_busy (AttentionImportancePanel *self, gboolean busy)
{
  gtk_widget_set_visible (self->progress, busy);
  gtk_widget_set_visible (self->cancel, busy);
  gtk_widget_set_sensitive (self->button, !busy);
}

static void
progress_cb (guint done, guint total, gpointer data)
{
  AttentionImportancePanel *self = data;
  g_autofree char *text = NULL;

  if (self->cancellable == NULL)
    return;
  gtk_progress_bar_set_fraction (GTK_PROGRESS_BAR (self->progress),
                                 total > 0 ? (double)done / total : 1);
  /* Translators: progress of head importance: heads done, all heads. */
  text = g_strdup_printf (_ ("%u of %u heads"), done, total);
  gtk_progress_bar_set_text (GTK_PROGRESS_BAR (self->progress), text);
}

typedef struct
{
  guint head; /* layer * n_heads + head */
  float dp;
} Ranked;

static int
compare_ranked (const void *pa, const void *pb)
{
  const Ranked *a = pa, *b = pb;

  if (a->dp != b->dp)
    return a->dp < b->dp ? 1 : -1;
  return (a->head > b->head) - (a->head < b->head);
}

static void
show_ranking (AttentionImportancePanel *self)
{
  guint total = self->n_layers * self->n_heads;
  g_autofree Ranked *ranked = g_new (Ranked, MAX (total, 1));
  GString *text = g_string_new (NULL);
  g_autofree char *list = NULL;

  for (guint k = 0; k < total; k++)
    ranked[k] = (Ranked){ k, self->importance[k] };
  qsort (ranked, total, sizeof *ranked, compare_ranked);
  for (guint i = 0; i < MIN (total, RANKED); i++)
    {
      if (i > 0)
        g_string_append (text, "   ");
      /* Translators: an item of the heads ranked by importance: rank, layer,
       * head, the drop in percentage points. */
      g_string_append_printf (text, _ ("%u. L%u H%u %+.1f"), i + 1,
                              ranked[i].head / self->n_heads + 1,
                              ranked[i].head % self->n_heads + 1, 100.0 * ranked[i].dp);
    }
  list = g_string_free (text, FALSE);
  gtk_label_set_text (GTK_LABEL (self->ranking), list);
  gtk_widget_set_visible (self->ranking, TRUE);
  gtk_label_set_text (GTK_LABEL (self->status),
                      _ ("Bars: how much the top prediction's probability drops with the head "
                         "switched off alone (percentage points). Most important:"));
}

static void
done_cb (GObject *source, GAsyncResult *res, gpointer data)
{
  g_autoptr (AttentionImportancePanel) self = data;
  g_autoptr (GError) error = NULL;
  guint L = 0, H = 0;
  float *dp = attention_head_importance_finish (ATTENTION_MODEL (source), res, &L, &H, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  g_clear_object (&self->cancellable);
  set_busy (self, FALSE);
  if (dp == NULL)
    {
      /* The last measurement (if any) stays; the reason is said. */
      g_autofree char *text =
          g_strdup_printf (_ ("Could not measure the heads: %s"), error->message);

      gtk_label_set_text (GTK_LABEL (self->status), text);
      return;
    }
  g_free (self->importance);
  self->importance = dp;
  self->n_layers = L;
  self->n_heads = H;
  attention_overview_set_importance (self->overview, dp);
  show_ranking (self);
}

void
attention_importance_panel_start (AttentionImportancePanel *self)
{
  AttentionResult *result;
  AttentionModel *model;
  AttentionRunOptions options;

  g_return_if_fail (ATTENTION_IS_IMPORTANCE_PANEL (self));
  result = attention_selection_get_result (self->selection);
  model = attention_selection_get_model (self->selection);
  if (result == NULL || model == NULL || self->cancellable != NULL)
    return;
  /* The sentence as shown: its pair and the heads already off. */
  attention_run_options_init (&options);
  options.pair = attention_result_get_pair_text (result);
  options.head_mask = attention_result_get_head_mask (result);
  options.head_mask_layers = attention_result_get_n_layers (result);
  options.head_mask_heads = attention_result_get_n_heads (result);
  g_set_object (&self->measured, result);
  self->cancellable = g_cancellable_new ();
  gtk_progress_bar_set_fraction (GTK_PROGRESS_BAR (self->progress), 0);
  gtk_progress_bar_set_text (GTK_PROGRESS_BAR (self->progress), NULL);
  gtk_label_set_text (GTK_LABEL (self->status), _ ("Switching off each head in turn…"));
  set_busy (self, TRUE);
  attention_head_importance_async (model, attention_result_get_text (result), &options, 0,
                                   progress_cb, self, self->cancellable, done_cb,
                                   g_object_ref (self));
}

void
attention_importance_panel_cancel (AttentionImportancePanel *self)
{
  g_return_if_fail (ATTENTION_IS_IMPORTANCE_PANEL (self));
  if (self->cancellable == NULL)
    return;
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  set_busy (self, FALSE);
  gtk_label_set_text (GTK_LABEL (self->status), _ ("Cancelled."));
}

/* Another result: what was measured belongs to the old one. */
static void
result_cb (AttentionImportancePanel *self)
{
  if (attention_selection_get_result (self->selection) == self->measured)
    return;
  attention_importance_panel_cancel (self);
  g_clear_object (&self->measured);
  g_clear_pointer (&self->importance, g_free);
  gtk_widget_set_visible (self->ranking, FALSE);
  gtk_label_set_text (GTK_LABEL (self->ranking), "");
  gtk_label_set_text (GTK_LABEL (self->status), "");
  gtk_widget_set_sensitive (self->button, attention_selection_get_result (self->selection) != NULL);
}

void
attention_importance_panel_setup (AttentionImportancePanel *self,
                                  AttentionSelection *selection,
                                  AttentionOverview *overview)
{
  g_return_if_fail (ATTENTION_IS_IMPORTANCE_PANEL (self));
  self->selection = selection;
  self->overview = overview;
  g_signal_connect_object (selection, "notify::result", G_CALLBACK (result_cb), self,
                           G_CONNECT_SWAPPED);
  result_cb (self);
}

gboolean
attention_importance_panel_get_busy (AttentionImportancePanel *self)
{
  g_return_val_if_fail (ATTENTION_IS_IMPORTANCE_PANEL (self), FALSE);
  return self->cancellable != NULL;
}

const float *
attention_importance_panel_get_importance (AttentionImportancePanel *self)
{
  g_return_val_if_fail (ATTENTION_IS_IMPORTANCE_PANEL (self), NULL);
  return self->importance;
}

const char *
attention_importance_panel_get_ranking (AttentionImportancePanel *self)
{
  g_return_val_if_fail (ATTENTION_IS_IMPORTANCE_PANEL (self), "");
  return gtk_label_get_text (GTK_LABEL (self->ranking));
}

const char *
attention_importance_panel_get_status (AttentionImportancePanel *self)
{
  g_return_val_if_fail (ATTENTION_IS_IMPORTANCE_PANEL (self), "");
  return gtk_label_get_text (GTK_LABEL (self->status));
}

static void
attention_importance_panel_dispose (GObject *object)
{
  AttentionImportancePanel *self = ATTENTION_IMPORTANCE_PANEL (object);
  GtkWidget *child;

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->measured);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  G_OBJECT_CLASS (attention_importance_panel_parent_class)->dispose (object);
}

static void
attention_importance_panel_finalize (GObject *object)
{
  g_free (ATTENTION_IMPORTANCE_PANEL (object)->importance);
  G_OBJECT_CLASS (attention_importance_panel_parent_class)->finalize (object);
}

static void
attention_importance_panel_class_init (AttentionImportancePanelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = attention_importance_panel_dispose;
  object_class->finalize = attention_importance_panel_finalize;
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BOX_LAYOUT);
}

static void
attention_importance_panel_init (AttentionImportancePanel *self)
{
  GtkLayoutManager *layout = gtk_widget_get_layout_manager (GTK_WIDGET (self));
  GtkWidget *row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);

  gtk_orientable_set_orientation (GTK_ORIENTABLE (layout), GTK_ORIENTATION_VERTICAL);
  gtk_box_layout_set_spacing (GTK_BOX_LAYOUT (layout), 4);
  gtk_widget_set_halign (GTK_WIDGET (self), GTK_ALIGN_CENTER);
  gtk_widget_set_margin_top (GTK_WIDGET (self), 4);
  gtk_widget_set_margin_bottom (GTK_WIDGET (self), 6);

  self->button = gtk_button_new_with_mnemonic (_ ("_Which Heads Matter?"));
  gtk_widget_set_tooltip_text (self->button,
                               _ ("Switch off each head alone and measure how much the top "
                                  "prediction's probability at each [MASK] drops"));
  g_signal_connect_swapped (self->button, "clicked", G_CALLBACK (attention_importance_panel_start),
                            self);
  self->progress = gtk_progress_bar_new ();
  gtk_progress_bar_set_show_text (GTK_PROGRESS_BAR (self->progress), TRUE);
  gtk_widget_set_valign (self->progress, GTK_ALIGN_CENTER);
  gtk_widget_set_size_request (self->progress, 160, -1);
  self->cancel = gtk_button_new_with_mnemonic (_ ("_Cancel"));
  g_signal_connect_swapped (self->cancel, "clicked", G_CALLBACK (attention_importance_panel_cancel),
                            self);
  self->status = gtk_label_new (NULL);
  gtk_label_set_wrap (GTK_LABEL (self->status), TRUE);
  gtk_widget_add_css_class (self->status, "dim-label");
  gtk_box_append (GTK_BOX (row), self->button);
  gtk_box_append (GTK_BOX (row), self->progress);
  gtk_box_append (GTK_BOX (row), self->cancel);
  gtk_box_append (GTK_BOX (row), self->status);
  gtk_widget_set_parent (row, GTK_WIDGET (self));

  self->ranking = gtk_label_new (NULL);
  gtk_label_set_wrap (GTK_LABEL (self->ranking), TRUE);
  gtk_label_set_justify (GTK_LABEL (self->ranking), GTK_JUSTIFY_CENTER);
  gtk_widget_add_css_class (self->ranking, "numeric");
  gtk_widget_set_parent (self->ranking, GTK_WIDGET (self));
  set_busy (self, FALSE);
  gtk_widget_set_visible (self->ranking, FALSE);
}
