/* attention-predictions.c: the model's top-k candidates for every [MASK] as a
 * row of pill buttons; activating one emits ::candidate-activated. One line
 * per [MASK] that never wraps: a narrow window shows the best candidates
 * that fit whole, so a new result does not move the matrix under the
 * pointer and nothing is cut off. */

#include "attention-predictions.h"

#include <glib/gi18n.h>
#include <string.h>

struct _AttentionPredictions
{
  GtkWidget parent_instance;

  GtkWidget *note_row; /* shown instead of predictions */
  GtkLabel *note;
  GtkWidget *use_mask_button;

  AttentionResult *result;
  AttentionResult *baseline; /* every head on: what heads off are compared with */
  guint n_buttons;
  /* "Mask this token": the words masked since the user last edited, of
   * MaskedWord; their [MASK]s keep the word's token positions */
  GArray *masked_words;
  GPtrArray *headings;        /* the [MASK] rows' headings, as shown */
  GtkWidget *heads_off_label; /* "3 heads are switched off", or NULL */
};

typedef struct
{
  guint first;
  guint n_pieces;
  char *word;
} MaskedWord;

static void
masked_word_clear (gpointer data)
{
  g_free (((MaskedWord *)data)->word);
}

G_DEFINE_FINAL_TYPE (AttentionPredictions, attention_predictions, GTK_TYPE_WIDGET)

/* A row of chips that shows as many as fit whole, best first; it asks only
 * for the first one's width, so it never widens the window. */
#define CHIP_SPACING 6
#define ATTENTION_TYPE_CHIP_ROW (attention_chip_row_get_type ())
G_DECLARE_FINAL_TYPE (AttentionChipRow, attention_chip_row, ATTENTION, CHIP_ROW, GtkWidget)

struct _AttentionChipRow
{
  GtkWidget parent_instance;

  /* "+2 more" after the chips that fit, when some do not: the user sees
   * that there are more (they are in the --dump and the tooltip). */
  GtkWidget *more;
};

G_DEFINE_FINAL_TYPE (AttentionChipRow, attention_chip_row, GTK_TYPE_WIDGET)

static gboolean
is_chip (AttentionChipRow *self, GtkWidget *child)
{
  return child != self->more;
}

/* The width "+n more" takes, measured without setting it. */
static int
more_width (AttentionChipRow *self, guint n)
{
  /* Translators: after the predictions that fit a narrow window: how many
   * more there are. */
  g_autofree char *text = g_strdup_printf (ngettext ("+%u more", "+%u more", n), n);
  g_autoptr (PangoLayout) layout = gtk_widget_create_pango_layout (self->more, text);
  int width = 0;

  pango_layout_get_pixel_size (layout, &width, NULL);
  return width;
}

static void
attention_chip_row_measure (GtkWidget *widget,
                            GtkOrientation orientation,
                            int for_size,
                            int *minimum,
                            int *natural,
                            int *minimum_baseline,
                            int *natural_baseline)
{
  gboolean first = TRUE;

  *minimum = *natural = 0;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      int child_min = 0, child_nat = 0;

      if (!is_chip (ATTENTION_CHIP_ROW (widget), child))
        continue;

      gtk_widget_measure (child, orientation, -1, &child_min, &child_nat, NULL, NULL);
      if (orientation == GTK_ORIENTATION_VERTICAL)
        {
          *minimum = MAX (*minimum, child_min);
          *natural = MAX (*natural, child_nat);
        }
      else
        {
          if (first)
            *minimum = child_min;
          *natural += child_nat + (first ? 0 : CHIP_SPACING);
        }
      first = FALSE;
    }
}

static void
attention_chip_row_size_allocate (GtkWidget *widget, int width, int height, int baseline)
{
  AttentionChipRow *self = ATTENTION_CHIP_ROW (widget);
  g_autoptr (GArray) widths = g_array_new (FALSE, FALSE, sizeof (int));
  guint shown, n;
  int x = 0, total = 0;

  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (is_chip (self, child))
      {
        int child_width = 0;

        gtk_widget_measure (child, GTK_ORIENTATION_HORIZONTAL, -1, NULL, &child_width, NULL, NULL);
        g_array_append_val (widths, child_width);
        total += child_width + (widths->len > 1 ? CHIP_SPACING : 0);
      }
  n = widths->len;
  /* All, or the most that leave room for "+k more" (the first one always:
   * a chip cut short is still a chip). Once one does not fit, the rest
   * (less likely ones) stay hidden too. */
  shown = n;
  if (total > width && n > 1)
    for (shown = n - 1; shown > 1; shown--)
      {
        int used = 0;

        for (guint i = 0; i < shown; i++)
          used += g_array_index (widths, int, i) + CHIP_SPACING;
        if (used + more_width (self, n - shown) <= width)
          break;
      }

  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (is_chip (self, child))
      {
        guint i = 0;
        int child_width;

        for (GtkWidget *c = gtk_widget_get_first_child (widget); c != child;
             c = gtk_widget_get_next_sibling (c))
          i += is_chip (self, c);
        child_width = g_array_index (widths, int, i);
        gtk_widget_set_child_visible (child, i < shown);
        if (i < shown)
          {
            gtk_widget_size_allocate (
                child, &(GtkAllocation){ x, 0, MIN (child_width, width), height }, -1);
            x += child_width + CHIP_SPACING;
          }
      }

  if (shown < n)
    {
      g_autofree char *text =
          g_strdup_printf (ngettext ("+%u more", "+%u more", n - shown), n - shown);
      int more = more_width (self, n - shown);

      /* Set only when it changes: a new text asks for a new layout. */
      if (g_strcmp0 (gtk_label_get_text (GTK_LABEL (self->more)), text) != 0)
        gtk_label_set_text (GTK_LABEL (self->more), text);
      gtk_widget_set_child_visible (self->more, x + more <= width);
      gtk_widget_size_allocate (
          self->more, &(GtkAllocation){ x, 0, MAX (0, MIN (more, width - x)), height }, -1);
    }
  else
    gtk_widget_set_child_visible (self->more, FALSE);
}

static void
attention_chip_row_dispose (GObject *object)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (object))) != NULL)
    gtk_widget_unparent (child);
  G_OBJECT_CLASS (attention_chip_row_parent_class)->dispose (object);
}

static void
attention_chip_row_class_init (AttentionChipRowClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = attention_chip_row_dispose;
  GTK_WIDGET_CLASS (klass)->measure = attention_chip_row_measure;
  GTK_WIDGET_CLASS (klass)->size_allocate = attention_chip_row_size_allocate;
}

static void
attention_chip_row_init (AttentionChipRow *self)
{
  self->more = gtk_label_new (NULL);
  gtk_widget_add_css_class (self->more, "dim-label");
  gtk_widget_set_child_visible (self->more, FALSE);
  gtk_widget_set_parent (self->more, GTK_WIDGET (self));
}

/* The "+2 more" of a row of chips, or NULL when every chip shows. */
static const char *
attention_chip_row_get_more (AttentionChipRow *self)
{
  return gtk_widget_get_child_visible (self->more) ? gtk_label_get_text (GTK_LABEL (self->more))
                                                   : NULL;
}

enum
{
  CANDIDATE_ACTIVATED,
  USE_MASK,
  EXPLAIN_CANDIDATE,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

enum
{
  PROP_0,
  PROP_RESULT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
button_clicked_cb (GtkButton *button, AttentionPredictions *self)
{
  guint mask = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (button), "mask-index"));
  guint candidate = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (button), "candidate-index"));

  g_signal_emit (self, signals[CANDIDATE_ACTIVATED], 0, mask, candidate);
}

static void
explain (GtkWidget *button, AttentionPredictions *self)
{
  guint mask = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (button), "mask-index"));
  guint candidate = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (button), "candidate-index"));

  g_signal_emit (self, signals[EXPLAIN_CANDIDATE], 0, mask, candidate);
}

/* Ctrl+click asks why; a plain click keeps filling in and running. Seen
 * before the button's own click (capture phase), and claimed so that the
 * button does not also fill in. */
static void
ctrl_pressed_cb (GtkGestureClick *gesture, int n_press, double x, double y, gpointer data)
{
  GdkModifierType state =
      gtk_event_controller_get_current_event_state (GTK_EVENT_CONTROLLER (gesture));
  GtkWidget *button = gtk_event_controller_get_widget (GTK_EVENT_CONTROLLER (gesture));

  if ((state & GDK_CONTROL_MASK) == 0)
    {
      gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_DENIED);
      return;
    }
  gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
  explain (button, data);
}

static void
why_clicked_cb (GtkButton *why, GtkWidget *button)
{
  GtkWidget *popover = gtk_widget_get_ancestor (GTK_WIDGET (why), GTK_TYPE_POPOVER);
  AttentionPredictions *self = g_object_get_data (G_OBJECT (button), "predictions");

  if (popover != NULL)
    gtk_popover_popdown (GTK_POPOVER (popover));
  explain (button, self);
}

/* A secondary click (or a long press) offers "Why this prediction?". */
static void
show_why (GtkWidget *button)
{
  GtkWidget *popover = g_object_get_data (G_OBJECT (button), "why-popover");

  if (popover == NULL)
    {
      GtkWidget *why = gtk_button_new_with_mnemonic (_ ("_Why This Prediction?"));

      gtk_widget_add_css_class (why, "flat");
      g_signal_connect (why, "clicked", G_CALLBACK (why_clicked_cb), button);
      popover = gtk_popover_new ();
      gtk_popover_set_child (GTK_POPOVER (popover), why);
      gtk_widget_set_parent (popover, button);
      g_object_set_data_full (G_OBJECT (button), "why-popover", popover,
                              (GDestroyNotify)gtk_widget_unparent);
    }
  gtk_popover_popup (GTK_POPOVER (popover));
}

static gboolean
why_key_cb (GtkWidget *button, GVariant *args, gpointer data)
{
  show_why (button);
  return TRUE;
}

static void
menu_pressed_cb (GtkGestureClick *gesture, int n_press, double x, double y, GtkWidget *button)
{
  gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
  show_why (button);
}

static void
long_pressed_cb (GtkGestureLongPress *gesture, double x, double y, GtkWidget *button)
{
  gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
  show_why (button);
}

/* The baseline's probability of id at the mask-th [MASK], when the result
 * ran with heads off and the baseline is the same sentence with all on;
 * else < 0. */
static double
baseline_probability (AttentionPredictions *self, guint mask, gint64 id)
{
  AttentionResult *r = self->result, *b = self->baseline;

  if (b == NULL || attention_result_get_head_mask (r) == NULL ||
      g_strcmp0 (attention_result_get_text (r), attention_result_get_text (b)) != 0 ||
      g_strcmp0 (attention_result_get_pair_text (r), attention_result_get_pair_text (b)) != 0 ||
      mask >= attention_result_get_n_predictions (b))
    return -1;
  return attention_result_get_mask_probability (b, mask, id);
}

static GtkWidget *
candidate_button (AttentionPredictions *self,
                  guint mask,
                  guint index,
                  const AttentionCandidate *candidate)
{
  g_autofree char *percent = NULL;
  g_autofree char *tooltip = NULL;
  GtkWidget *button, *box, *token, *probability;
  double before = baseline_probability (self, mask, candidate->id);

  if (before >= 0)
    /* Translators: a probability with every head on, then with the chosen
     * heads off, e.g. "61.0% → 34.0%". */
    percent =
        g_strdup_printf (_ ("%.1f%% → %.1f%%"), before * 100.0, candidate->probability * 100.0);
  else
    /* Translators: a probability as a percentage, e.g. "41.3%". */
    percent = g_strdup_printf (_ ("%.1f%%"), candidate->probability * 100.0);
  /* Translators: tooltip of a prediction button. */
  tooltip = g_strdup_printf (_ ("Put “%s” into the sentence (probability %s). Ctrl+click or "
                                "right-click: why this prediction?"),
                             candidate->token, percent);

  token = gtk_label_new (candidate->token);
  gtk_widget_add_css_class (token, "prediction-token");
  probability = gtk_label_new (percent);
  gtk_widget_add_css_class (probability, "dim-label");
  gtk_widget_add_css_class (probability, "numeric");
  box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  gtk_box_append (GTK_BOX (box), token);
  gtk_box_append (GTK_BOX (box), probability);

  button = gtk_button_new ();
  gtk_button_set_child (GTK_BUTTON (button), box);
  gtk_widget_add_css_class (button, "prediction");
  gtk_widget_set_tooltip_text (button, tooltip);
  g_object_set_data (G_OBJECT (button), "mask-index", GUINT_TO_POINTER (mask));
  g_object_set_data (G_OBJECT (button), "candidate-index", GUINT_TO_POINTER (index));
  g_object_set_data (G_OBJECT (button), "is-candidate", GINT_TO_POINTER (TRUE));
  g_signal_connect (button, "clicked", G_CALLBACK (button_clicked_cb), self);
  g_object_set_data (G_OBJECT (button), "predictions", self);
  {
    GtkGesture *ctrl = gtk_gesture_click_new ();
    GtkGesture *menu = gtk_gesture_click_new ();
    GtkGesture *press = gtk_gesture_long_press_new ();

    gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (ctrl), GDK_BUTTON_PRIMARY);
    gtk_event_controller_set_propagation_phase (GTK_EVENT_CONTROLLER (ctrl), GTK_PHASE_CAPTURE);
    g_signal_connect (ctrl, "pressed", G_CALLBACK (ctrl_pressed_cb), self);
    gtk_widget_add_controller (button, GTK_EVENT_CONTROLLER (ctrl));
    gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (menu), GDK_BUTTON_SECONDARY);
    g_signal_connect (menu, "pressed", G_CALLBACK (menu_pressed_cb), button);
    gtk_widget_add_controller (button, GTK_EVENT_CONTROLLER (menu));
    /* From the keyboard: the Menu key or Shift+F10, as for any context menu. */
    {
      GtkEventController *keys = gtk_shortcut_controller_new ();
      GtkShortcutAction *action = gtk_callback_action_new (why_key_cb, NULL, NULL);

      gtk_shortcut_controller_add_shortcut (
          GTK_SHORTCUT_CONTROLLER (keys),
          gtk_shortcut_new (
              gtk_alternative_trigger_new (gtk_keyval_trigger_new (GDK_KEY_Menu, 0),
                                           gtk_keyval_trigger_new (GDK_KEY_F10, GDK_SHIFT_MASK)),
              action));
      gtk_widget_add_controller (button, keys);
    }
    gtk_gesture_single_set_touch_only (GTK_GESTURE_SINGLE (press), TRUE);
    g_signal_connect (press, "pressed", G_CALLBACK (long_pressed_cb), button);
    gtk_widget_add_controller (button, GTK_EVENT_CONTROLLER (press));
  }
  return button;
}

/* The chips of the last result go; the note row stays, hidden. */
static void
clear_children (AttentionPredictions *self)
{
  GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self));

  while (child != NULL)
    {
      GtkWidget *next = gtk_widget_get_next_sibling (child);

      if (child != self->note_row)
        gtk_widget_unparent (child);
      child = next;
    }
  gtk_widget_set_visible (self->note_row, FALSE);
  self->n_buttons = 0;
  if (self->headings != NULL)
    g_ptr_array_set_size (self->headings, 0);
  self->heads_off_label = NULL;
}

/* The heading of the [MASK] at token position: the masked word (and which
 * of its pieces) when "Mask this token" put it there, else NULL. */
static char *
masked_heading (AttentionPredictions *self, guint position, char **tooltip)
{
  for (guint i = 0; i < self->masked_words->len; i++)
    {
      MaskedWord *w = &g_array_index (self->masked_words, MaskedWord, i);

      if (position < w->first || position >= w->first + w->n_pieces)
        continue;
      if (w->n_pieces == 1)
        /* Translators: heading of a masked word's predictions. */
        return g_strdup_printf (_ ("“%s”"), w->word);
      /* Translators: tooltip of a masked word's heading: the word and its
       * number of word pieces. */
      *tooltip = g_strdup_printf (_ ("“%s” is %u word pieces: each is masked and predicted on "
                                     "its own."),
                                  w->word, w->n_pieces);
      /* Translators: heading of one masked word piece's predictions: the
       * word, which piece, how many pieces. */
      return g_strdup_printf (_ ("“%s” piece %u of %u"), w->word, position - w->first + 1,
                              w->n_pieces);
    }
  return NULL;
}

/* "[mask]" or "[Mask]": a [MASK] typed in the wrong case, which the
 * tokenizer splits into three ordinary tokens. */
static gboolean
has_miscased_mask (const char *text)
{
  for (const char *p = text; p != NULL && *p != '\0'; p++)
    if (g_ascii_strncasecmp (p, "[MASK]", 6) == 0 && strncmp (p, "[MASK]", 6) != 0)
      return TRUE;
  return FALSE;
}

static void
use_mask_clicked_cb (AttentionPredictions *self)
{
  g_signal_emit (self, signals[USE_MASK], 0);
}

static void
show_note (AttentionPredictions *self)
{
  gboolean miscased = has_miscased_mask (attention_result_get_text (self->result));

  gtk_label_set_text (self->note, miscased ? _ ("Did you mean [MASK]? It is written in capitals.")
                                           : _ ("No [MASK] in the sentence: the attention is "
                                                "shown below."));
  if (miscased)
    gtk_widget_remove_css_class (GTK_WIDGET (self->note), "dim-label");
  else
    gtk_widget_add_css_class (GTK_WIDGET (self->note), "dim-label");
  gtk_widget_set_visible (self->use_mask_button, miscased);
  /* One line at any width; the whole text stays in the tooltip. */
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->note), gtk_label_get_text (self->note));
  gtk_widget_set_visible (self->note_row, TRUE);
}

static void
rebuild (AttentionPredictions *self)
{
  guint n_masks;

  clear_children (self);
  if (self->result == NULL)
    return;

  /* Heads switched off: how many, and the way back. */
  {
    const float *mask = attention_result_get_head_mask (self->result);
    guint L = attention_result_get_n_layers (self->result);
    guint H = attention_result_get_n_heads (self->result);
    guint off = 0;

    for (gsize i = 0; mask != NULL && i < (gsize)L * H; i++)
      off += mask[i] == 0;
    if (off > 0)
      {
        GtkWidget *row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
        GtkWidget *button = gtk_button_new_with_mnemonic (_ ("Turn _All Back On"));
        g_autofree char *text = g_strdup_printf (
            g_dngettext (GETTEXT_PACKAGE, "%u head is switched off: the predictions changed.",
                         "%u heads are switched off: the predictions changed.", off),
            off);
        GtkWidget *label = gtk_label_new (text);

        gtk_widget_add_css_class (label, "heading");
        gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "win.heads-all-on");
        gtk_widget_add_css_class (button, "prediction");
        gtk_box_append (GTK_BOX (row), label);
        gtk_box_append (GTK_BOX (row), button);
        gtk_widget_set_parent (row, GTK_WIDGET (self));
        self->heads_off_label = label;
      }
  }

  n_masks = attention_result_get_n_predictions (self->result);
  if (n_masks == 0)
    {
      show_note (self);
      return;
    }

  for (guint m = 0; m < n_masks; m++)
    {
      const AttentionCandidate *candidates;
      guint n_candidates = 0;
      GtkWidget *row, *heading, *flow;
      g_autofree char *title = NULL;
      g_autofree char *tooltip = NULL;

      candidates = attention_result_get_shown_candidates (self->result, m, &n_candidates);
      row = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);

      title = masked_heading (self, attention_result_get_prediction_position (self->result, m),
                              &tooltip);
      if (title == NULL && n_masks > 1)
        /* Translators: heading before the predictions of one [MASK]. */
        title = g_strdup_printf (_ ("[MASK] %u"), m + 1);
      else if (title == NULL)
        title = g_strdup (_ ("Predictions"));
      heading = gtk_label_new (title);
      g_ptr_array_add (self->headings, g_strdup (title));
      gtk_widget_set_tooltip_text (heading, tooltip);
      gtk_widget_add_css_class (heading, "heading");
      gtk_widget_set_valign (heading, GTK_ALIGN_CENTER);
      gtk_box_append (GTK_BOX (row), heading);

      flow = g_object_new (ATTENTION_TYPE_CHIP_ROW, NULL);
      gtk_widget_set_valign (flow, GTK_ALIGN_CENTER);
      gtk_widget_set_hexpand (flow, TRUE);
      for (guint c = 0; c < n_candidates; c++)
        {
          GtkWidget *button = candidate_button (self, m, c, &candidates[c]);

          gtk_widget_set_parent (button, flow);
          self->n_buttons++;
        }
      gtk_box_append (GTK_BOX (row), flow);
      gtk_accessible_update_relation (GTK_ACCESSIBLE (flow), GTK_ACCESSIBLE_RELATION_LABELLED_BY,
                                      heading, NULL, -1);
      gtk_widget_set_parent (row, GTK_WIDGET (self));
    }
}

static void
attention_predictions_get_property (GObject *object,
                                    guint prop_id,
                                    GValue *value,
                                    GParamSpec *pspec)
{
  AttentionPredictions *self = ATTENTION_PREDICTIONS (object);

  switch (prop_id)
    {
      case PROP_RESULT:
        g_value_set_object (value, self->result);
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
attention_predictions_set_property (GObject *object,
                                    guint prop_id,
                                    const GValue *value,
                                    GParamSpec *pspec)
{
  AttentionPredictions *self = ATTENTION_PREDICTIONS (object);

  switch (prop_id)
    {
      case PROP_RESULT:
        attention_predictions_set_result (self, g_value_get_object (value));
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
attention_predictions_dispose (GObject *object)
{
  AttentionPredictions *self = ATTENTION_PREDICTIONS (object);

  clear_children (self);
  gtk_widget_dispose_template (GTK_WIDGET (object), ATTENTION_TYPE_PREDICTIONS);
  g_clear_object (&self->result);
  g_clear_object (&self->baseline);
  G_OBJECT_CLASS (attention_predictions_parent_class)->dispose (object);
}

static void
attention_predictions_finalize (GObject *object)
{
  AttentionPredictions *self = ATTENTION_PREDICTIONS (object);

  g_array_unref (self->masked_words);
  g_ptr_array_unref (self->headings);
  G_OBJECT_CLASS (attention_predictions_parent_class)->finalize (object);
}

static void
attention_predictions_class_init (AttentionPredictionsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->get_property = attention_predictions_get_property;
  object_class->set_property = attention_predictions_set_property;
  object_class->dispose = attention_predictions_dispose;
  object_class->finalize = attention_predictions_finalize;

  properties[PROP_RESULT] =
      g_param_spec_object ("result", NULL, NULL, ATTENTION_TYPE_RESULT,
                           G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* ::candidate-activated (mask index, candidate index), both from 0. */
  signals[CANDIDATE_ACTIVATED] =
      g_signal_new ("candidate-activated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                    NULL, NULL, G_TYPE_NONE, 2, G_TYPE_UINT, G_TYPE_UINT);
  /* ::use-mask, when the user accepts "[MASK]" for a "[mask]" in another case. */
  /* ::explain-candidate (mask index, candidate index), both from 0: Ctrl+click
   * or "Why this prediction?". */
  signals[EXPLAIN_CANDIDATE] =
      g_signal_new ("explain-candidate", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL,
                    NULL, NULL, G_TYPE_NONE, 2, G_TYPE_UINT, G_TYPE_UINT);
  signals[USE_MASK] = g_signal_new ("use-mask", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                    NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (
      widget_class, "/org/example/Attention/ui/attention-predictions.ui");
  gtk_widget_class_bind_template_child (widget_class, AttentionPredictions, note_row);
  gtk_widget_class_bind_template_child (widget_class, AttentionPredictions, note);
  gtk_widget_class_bind_template_child (widget_class, AttentionPredictions, use_mask_button);
  gtk_widget_class_bind_template_callback (widget_class, use_mask_clicked_cb);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BOX_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "predictions");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_GROUP);
}

static void
attention_predictions_init (AttentionPredictions *self)
{
  GtkLayoutManager *layout = gtk_widget_get_layout_manager (GTK_WIDGET (self));

  gtk_orientable_set_orientation (GTK_ORIENTABLE (layout), GTK_ORIENTATION_VERTICAL);
  gtk_box_layout_set_spacing (GTK_BOX_LAYOUT (layout), 6);
  self->masked_words = g_array_new (FALSE, TRUE, sizeof (MaskedWord));
  g_array_set_clear_func (self->masked_words, masked_word_clear);
  self->headings = g_ptr_array_new_with_free_func (g_free);
  gtk_widget_init_template (GTK_WIDGET (self));
}

void
attention_predictions_add_masked_word (AttentionPredictions *self,
                                       guint first,
                                       guint n_pieces,
                                       const char *word)
{
  MaskedWord w = { first, n_pieces, g_strdup (word) };

  g_return_if_fail (ATTENTION_IS_PREDICTIONS (self));
  g_array_append_val (self->masked_words, w);
}

void
attention_predictions_clear_masked_words (AttentionPredictions *self)
{
  g_return_if_fail (ATTENTION_IS_PREDICTIONS (self));
  g_array_set_size (self->masked_words, 0);
}

const char *
attention_predictions_get_heads_off_text (AttentionPredictions *self)
{
  g_return_val_if_fail (ATTENTION_IS_PREDICTIONS (self), NULL);
  return self->heads_off_label != NULL ? gtk_label_get_text (GTK_LABEL (self->heads_off_label))
                                       : NULL;
}

void
attention_predictions_set_baseline (AttentionPredictions *self, AttentionResult *baseline)
{
  g_return_if_fail (ATTENTION_IS_PREDICTIONS (self));
  if (g_set_object (&self->baseline, baseline) && self->result != NULL)
    rebuild (self);
}

const char *
attention_predictions_get_heading (AttentionPredictions *self, guint mask)
{
  g_return_val_if_fail (ATTENTION_IS_PREDICTIONS (self), NULL);
  return mask < self->headings->len ? g_ptr_array_index (self->headings, mask) : NULL;
}

void
attention_predictions_set_result (AttentionPredictions *self, AttentionResult *result)
{
  g_return_if_fail (ATTENTION_IS_PREDICTIONS (self));
  g_return_if_fail (result == NULL || ATTENTION_IS_RESULT (result));

  if (!g_set_object (&self->result, result))
    return;
  rebuild (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RESULT]);
}

const char *
attention_predictions_get_note (AttentionPredictions *self)
{
  g_return_val_if_fail (ATTENTION_IS_PREDICTIONS (self), "");

  return gtk_widget_get_visible (self->note_row) ? gtk_label_get_text (self->note) : "";
}

GtkWidget *
attention_predictions_get_button (AttentionPredictions *self, guint mask, guint candidate)
{
  g_return_val_if_fail (ATTENTION_IS_PREDICTIONS (self), NULL);

  for (GtkWidget *row = gtk_widget_get_first_child (GTK_WIDGET (self)); row != NULL;
       row = gtk_widget_get_next_sibling (row))
    for (GtkWidget *box = gtk_widget_get_first_child (row); box != NULL;
         box = gtk_widget_get_next_sibling (box))
      for (GtkWidget *b = gtk_widget_get_first_child (box); b != NULL;
           b = gtk_widget_get_next_sibling (b))
        if (GTK_IS_BUTTON (b) && g_object_get_data (G_OBJECT (b), "is-candidate") != NULL &&
            GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (b), "mask-index")) == mask &&
            GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (b), "candidate-index")) == candidate)
          return b;
  return NULL;
}

guint
attention_predictions_get_n_buttons (AttentionPredictions *self)
{
  g_return_val_if_fail (ATTENTION_IS_PREDICTIONS (self), 0);

  return self->n_buttons;
}

const char *
attention_predictions_get_more (AttentionPredictions *self, guint mask)
{
  guint m = 0;

  g_return_val_if_fail (ATTENTION_IS_PREDICTIONS (self), NULL);

  for (GtkWidget *row = gtk_widget_get_first_child (GTK_WIDGET (self)); row != NULL;
       row = gtk_widget_get_next_sibling (row))
    for (GtkWidget *child = gtk_widget_get_first_child (row); child != NULL;
         child = gtk_widget_get_next_sibling (child))
      if (ATTENTION_IS_CHIP_ROW (child) && m++ == mask)
        return attention_chip_row_get_more (ATTENTION_CHIP_ROW (child));
  return NULL;
}
