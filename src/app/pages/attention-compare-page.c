/* attention-compare-page.c: the Compare page (see the header). */

#include "attention-compare-page.h"

#include <glib/gi18n.h>

/* Candidates per [MASK], as the window's own run asks. */
#define TOP_K 5
/* Candidates named per [MASK] under a half: the row is narrow. */
#define SHOWN_CANDIDATES 3

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
  GtkLabel *main_predictions;
  GtkLabel *predictions;
  GtkToggleButton *sides_button;
  GtkToggleButton *difference_button;
  GtkLabel *difference_note;
  GtkStack *mode_stack;
  GtkLabel *difference_caption;
  GtkLabel *difference_predictions;
  AttentionView *difference_view;

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

/* The top candidates of each [MASK], "long 6.8%, much 6.1%, …"; NULL
 * when the sentence has none. */
static char *
describe_candidates (AttentionResult *result)
{
  g_autoptr (GString) text = g_string_new (NULL);
  guint n = attention_result_get_n_predictions (result);

  if (n == 0)
    return NULL;
  for (guint i = 0; i < n; i++)
    {
      guint n_candidates = 0;
      const AttentionCandidate *c =
          attention_result_get_shown_candidates (result, i, &n_candidates);

      if (i > 0)
        g_string_append (text, " · ");
      for (guint k = 0; k < MIN (n_candidates, SHOWN_CANDIDATES); k++)
        {
          /* As the window's own chips write it. */
          g_autofree char *probability = g_strdup_printf (_ ("%.1f%%"), 100 * c[k].probability);

          if (k > 0)
            g_string_append (text, ", ");
          g_string_append_printf (text, "%s %s", c[k].token, probability);
        }
    }
  return g_string_free (g_steal_pointer (&text), FALSE);
}

/* The model's guesses for each [MASK] of a result, in one line. */
static char *
describe_predictions (AttentionResult *result)
{
  g_autofree char *candidates = describe_candidates (result);

  if (candidates == NULL)
    return g_strdup (_ ("No [MASK] in this sentence: nothing to predict"));
  /* Translators: the candidates for the [MASK]s of one sentence. */
  return g_strdup_printf (_ ("Predicts: %s"), candidates);
}

static void
show_predictions (AttentionComparePage *self, GtkLabel *label, AttentionResult *result)
{
  AttentionSelection *selection = attention_page_get_selection (ATTENTION_PAGE (self));
  AttentionResult *a = attention_selection_get_result (selection);
  AttentionResult *b = attention_selection_get_result (self->other);
  g_autofree char *text = result != NULL ? describe_predictions (result) : g_strdup ("");
  g_autofree char *first = a != NULL ? describe_candidates (a) : NULL;
  g_autofree char *second = b != NULL ? describe_candidates (b) : NULL;
  g_autofree char *both = NULL;

  gtk_label_set_text (label, text);
  gtk_widget_set_tooltip_text (GTK_WIDGET (label), text);
  /* Translators: A − B's line of both sentences' predictions; "—" where a
   * sentence has no [MASK]. */
  both = g_strdup_printf (_ ("The first predicts %s; the second, %s"), first ? first : "—",
                          second ? second : "—");
  gtk_label_set_text (self->difference_predictions, both);
}

/* A − B: the first sentence's matrix minus the second's, cell by cell, where
 * both have as many tokens; else the mode is off and the note says why. */
static void
update_difference (AttentionComparePage *self)
{
  AttentionSelection *selection = attention_page_get_selection (ATTENTION_PAGE (self));
  AttentionResult *a = attention_selection_get_shown_result (selection);
  AttentionResult *b = attention_selection_get_shown_result (self->other);
  const float *ma = attention_selection_get_matrix (selection);
  const float *mb = attention_selection_get_matrix (self->other);
  g_autofree char *reason = NULL;
  g_autofree float *difference = NULL;
  guint n, differ = 0;

  if (a == NULL || b == NULL)
    reason = g_strdup (_ ("A − B needs a second sentence: type one above and press Enter."));
  else if (attention_result_get_n_tokens (a) != attention_result_get_n_tokens (b))
    reason = g_strdup_printf (
        _ ("A − B is off: the sentences have %u and %u tokens, and it subtracts token by "
           "token, so both need the same number."),
        attention_result_get_n_tokens (a), attention_result_get_n_tokens (b));
  gtk_widget_set_sensitive (GTK_WIDGET (self->difference_button), reason == NULL);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->difference_button),
                               reason != NULL ? reason
                                              : _ ("The first matrix minus the second: red where "
                                                   "the first attends more, blue where the "
                                                   "second does"));
  /* Said in the page only once there is a second sentence: before, its
   * caption already asks for one. */
  gtk_label_set_text (self->difference_note, reason != NULL ? reason : "");
  gtk_widget_set_visible (GTK_WIDGET (self->difference_note), reason != NULL && b != NULL);
  if (reason != NULL)
    {
      gtk_toggle_button_set_active (self->sides_button, TRUE);
      attention_canvas_set_result (ATTENTION_CANVAS (self->difference_view), NULL);
      return;
    }

  n = attention_result_get_n_tokens (a);
  for (guint i = 0; i < n; i++)
    differ += g_strcmp0 (attention_result_get_token (a, i), attention_result_get_token (b, i)) != 0;
  if (differ > 0)
    {
      g_autofree char *caption = g_strdup_printf (
          ngettext ("Red: the first sentence attends more; blue: the second. Labels are the "
                    "first’s; %u token differs.",
                    "Red: the first sentence attends more; blue: the second. Labels are the "
                    "first’s; %u tokens differ.",
                    differ),
          differ);

      gtk_label_set_text (self->difference_caption, caption);
    }
  else
    gtk_label_set_text (self->difference_caption,
                        _ ("Red: the first sentence attends more; blue: the second."));

  /* While either matrix is computed, the last difference stays. */
  if (ma == NULL || mb == NULL)
    return;
  difference = g_new (float, (gsize)n *n);
  for (gsize k = 0; k < (gsize)n * n; k++)
    difference[k] = ma[k] - mb[k];
  if (attention_view_get_result (self->difference_view) != a)
    attention_canvas_set_result (ATTENTION_CANVAS (self->difference_view), a);
  attention_view_set_matrix_override (self->difference_view, difference);
}

static void
mode_toggled_cb (AttentionComparePage *self)
{
  gboolean difference = gtk_toggle_button_get_active (self->difference_button);

  gtk_stack_set_visible_child_name (self->mode_stack, difference ? "difference" : "sides");
  if (difference)
    update_difference (self);
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
      show_predictions (self, self->predictions, result);
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
  /* Its predictions too: what the model makes of each sentence is half the
   * comparison. */
  attention_model_run_async (model, gtk_editable_get_text (GTK_EDITABLE (self->entry)), TOP_K,
                             self->cancellable, run_done_cb, g_object_ref (self));
}

static void
main_result_cb (AttentionComparePage *self)
{
  AttentionResult *result =
      attention_selection_get_result (attention_page_get_selection (ATTENTION_PAGE (self)));

  gtk_label_set_text (self->main_caption, result != NULL ? attention_result_get_text (result) : "");
  show_predictions (self, self->main_predictions, result);
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

  /* The difference's keys move layer and head as the other views' do. */
  g_object_bind_property (selection, "layer", self->difference_view, "layer",
                          G_BINDING_BIDIRECTIONAL | G_BINDING_SYNC_CREATE);
  g_object_bind_property (selection, "head", self->difference_view, "head",
                          G_BINDING_BIDIRECTIONAL | G_BINDING_SYNC_CREATE);
  for (int s = 0; s < 2; s++)
    {
      AttentionSelection *which = s == 0 ? selection : self->other;

      g_signal_connect_object (which, "notify::shown-result", G_CALLBACK (update_difference), self,
                               G_CONNECT_SWAPPED);
      g_signal_connect_object (which, "notify::matrix", G_CALLBACK (update_difference), self,
                               G_CONNECT_SWAPPED);
    }
  update_difference (self);
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
  gtk_widget_class_bind_template_child (widget_class, AttentionComparePage, main_predictions);
  gtk_widget_class_bind_template_child (widget_class, AttentionComparePage, predictions);
  gtk_widget_class_bind_template_child (widget_class, AttentionComparePage, sides_button);
  gtk_widget_class_bind_template_child (widget_class, AttentionComparePage, difference_button);
  gtk_widget_class_bind_template_child (widget_class, AttentionComparePage, difference_note);
  gtk_widget_class_bind_template_child (widget_class, AttentionComparePage, mode_stack);
  gtk_widget_class_bind_template_child (widget_class, AttentionComparePage, difference_caption);
  gtk_widget_class_bind_template_child (widget_class, AttentionComparePage, difference_view);
  gtk_widget_class_bind_template_child (widget_class, AttentionComparePage, difference_predictions);
  gtk_widget_class_bind_template_callback (widget_class, entry_activate_cb);
  gtk_widget_class_bind_template_callback (widget_class, other_busy_cb);
  gtk_widget_class_bind_template_callback (widget_class, hover_text_cb);
  gtk_widget_class_bind_template_callback (widget_class, mode_toggled_cb);
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
