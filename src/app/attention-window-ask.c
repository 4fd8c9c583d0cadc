/* attention-window-ask.c: the window's questions to the model: "Mask this
 * token" (win.mask-token, from a token's context menu in the matrix and in
 * Lines) and "Restore" (win.restore-text), which puts the words back. */

#include <glib/gi18n.h>

#include "attention-mask-word.h"
#include "attention-window-private.h"

/* Sets the entry's text without the change counting as the user's edit,
 * which would forget what Restore puts back. */
static void
set_entry_text (AttentionWindow *self, GtkEntry *entry, const char *text)
{
  self->setting_text = TRUE;
  gtk_editable_set_text (GTK_EDITABLE (entry), text);
  gtk_editable_set_position (GTK_EDITABLE (entry), -1);
  self->setting_text = FALSE;
}

static void
mask_token_activated (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  AttentionWindow *self = user_data;
  /* The token counts in what the views show (without [CLS] and [SEP] when
   * they are hidden). */
  AttentionResult *result = attention_selection_get_shown_result (self->selection);
  int token = g_variant_get_int32 (parameter);
  g_autoptr (GError) error = NULL;
  g_autofree char *text = NULL;
  guint first = 0, n_pieces = 0;
  gboolean in_pair = FALSE;

  if (result == NULL)
    return;
  text = attention_mask_word (result, token >= 0 ? (guint)token : G_MAXUINT, &first, &n_pieces,
                              &in_pair, &error);
  if (text == NULL)
    {
      /* The shown result stays. */
      attention_window_toast (self, error->message);
      return;
    }
  /* Restore puts back the sentences from before the first mask, through
   * any number of masks. */
  if (self->unmasked_text == NULL)
    {
      const char *pair = attention_result_get_pair_text (result);

      self->unmasked_text = g_strdup (attention_result_get_text (result));
      self->unmasked_pair = g_strdup (pair != NULL ? pair : "");
    }
  {
    const char *old =
        in_pair ? attention_result_get_pair_text (result) : attention_result_get_text (result);
    BertSpan a = attention_result_get_span (result, first);
    BertSpan b = attention_result_get_span (result, first + n_pieces - 1);
    g_autofree char *word = g_strndup (old + a.start, b.end - a.start);

    attention_predictions_add_masked_word (self->predictions, first, n_pieces, word);
  }
  set_entry_text (self, in_pair ? self->pair_entry : self->entry, text);
  attention_window_run (self);
  attention_window_update_actions (self);
}

static void
restore_text_activated (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  AttentionWindow *self = user_data;
  g_autofree char *text = g_steal_pointer (&self->unmasked_text);
  g_autofree char *pair = g_steal_pointer (&self->unmasked_pair);

  if (text == NULL)
    return;
  attention_predictions_clear_masked_words (self->predictions);
  set_entry_text (self, self->entry, text);
  set_entry_text (self, self->pair_entry, pair);
  attention_window_run (self);
  attention_window_update_actions (self);
}

static gboolean
state_of (AttentionWindow *self, const char *name)
{
  g_autoptr (GVariant) state = g_action_group_get_action_state (G_ACTION_GROUP (self), name);

  return state != NULL && g_variant_get_boolean (state);
}

/* Every position's guesses: the shown sentence runs again, asking for them
 * (or no longer). */
static void
all_positions_change_state (GSimpleAction *action, GVariant *state, gpointer user_data)
{
  AttentionWindow *self = user_data;

  g_simple_action_set_state (action, state);
  if (attention_selection_get_result (self->selection) != NULL)
    attention_window_run (self);
}

static void
toggle_activated (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  g_autoptr (GVariant) state = g_action_get_state (G_ACTION (action));

  g_action_change_state (G_ACTION (action), g_variant_new_boolean (!g_variant_get_boolean (state)));
}

/* --- switching heads off ------------------------------------------------- */

static void
toggle_head_activated (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  AttentionWindow *self = user_data;
  guint L = attention_selection_get_n_layers (self->selection);
  guint H = attention_selection_get_n_heads (self->selection);
  guint layer, head;

  g_variant_get (parameter, "(uu)", &layer, &head);
  if (layer >= L || head >= H)
    return;
  if (self->head_mask == NULL || self->head_mask_layers != L || self->head_mask_heads != H)
    {
      g_free (self->head_mask);
      self->head_mask = g_new (float, (gsize)L *H);
      for (gsize i = 0; i < (gsize)L * H; i++)
        self->head_mask[i] = 1;
      self->head_mask_layers = L;
      self->head_mask_heads = H;
    }
  self->head_mask[(gsize)layer * H + head] = self->head_mask[(gsize)layer * H + head] != 0 ? 0 : 1;
  if (attention_selection_get_result (self->selection) != NULL)
    attention_window_run (self);
  attention_window_update_actions (self);
}

static void
heads_all_on_activated (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  AttentionWindow *self = user_data;

  g_clear_pointer (&self->head_mask, g_free);
  if (attention_selection_get_result (self->selection) != NULL)
    attention_window_run (self);
  attention_window_update_actions (self);
}

static gboolean
any_head_off (AttentionWindow *self)
{
  for (gsize i = 0;
       self->head_mask != NULL && i < (gsize)self->head_mask_layers * self->head_mask_heads; i++)
    if (self->head_mask[i] == 0)
      return TRUE;
  return FALSE;
}

/* A result with every head on is what a run with heads off is compared
 * with ("paris 61 % → 34 %"). */
static void
result_cb (AttentionWindow *self)
{
  AttentionResult *result = attention_selection_get_result (self->selection);

  if (result != NULL && attention_result_get_head_mask (result) == NULL)
    g_set_object (&self->baseline, result);
  attention_predictions_set_baseline (self->predictions, self->baseline);
}

static const GActionEntry ask_entries[] = {
  { .name = "toggle-head", .activate = toggle_head_activated, .parameter_type = "(uu)" },
  { .name = "heads-all-on", .activate = heads_all_on_activated },
  { .name = "mask-token", .activate = mask_token_activated, .parameter_type = "i" },
  { .name = "restore-text", .activate = restore_text_activated },
  { .name = "all-positions",
    .activate = toggle_activated,
    .state = "false",
    .change_state = all_positions_change_state },
};

void
attention_window_ask_fill_options (AttentionWindow *self, AttentionRunOptions *options)
{
  const char *pair = gtk_editable_get_text (GTK_EDITABLE (self->pair_entry));
  g_autofree char *stripped = g_strstrip (g_strdup (pair));

  /* The pair text lives in the entry until the run copies it. */
  options->pair = *stripped != '\0' ? pair : NULL;
  options->all_positions = state_of (self, "all-positions");
  /* A mask made for another model's shape is not this one's. */
  if (any_head_off (self) &&
      self->head_mask_layers == attention_selection_get_n_layers (self->selection) &&
      self->head_mask_heads == attention_selection_get_n_heads (self->selection))
    {
      options->head_mask = self->head_mask;
      options->head_mask_layers = self->head_mask_layers;
      options->head_mask_heads = self->head_mask_heads;
    }
}

void
attention_window_ask_init (AttentionWindow *self)
{
  g_action_map_add_action_entries (G_ACTION_MAP (self), ask_entries, G_N_ELEMENTS (ask_entries),
                                   self);
  g_signal_connect_object (self->selection, "notify::result", G_CALLBACK (result_cb), self,
                           G_CONNECT_SWAPPED);
}

void
attention_window_ask_clear (AttentionWindow *self)
{
  g_clear_pointer (&self->head_mask, g_free);
  g_clear_pointer (&self->unmasked_text, g_free);
  g_clear_pointer (&self->unmasked_pair, g_free);
  g_clear_object (&self->baseline);
}

void
attention_window_ask_text_edited (AttentionWindow *self)
{
  if (self->setting_text)
    return;
  /* The user's own edit: what was masked is theirs now. */
  g_clear_pointer (&self->unmasked_text, g_free);
  g_clear_pointer (&self->unmasked_pair, g_free);
  attention_predictions_clear_masked_words (self->predictions);
}

void
attention_window_ask_update_actions (AttentionWindow *self)
{
  GAction *action;

  action = g_action_map_lookup_action (G_ACTION_MAP (self), "mask-token");
  g_simple_action_set_enabled (G_SIMPLE_ACTION (action),
                               attention_selection_get_result (self->selection) != NULL);
  action = g_action_map_lookup_action (G_ACTION_MAP (self), "restore-text");
  g_simple_action_set_enabled (G_SIMPLE_ACTION (action), self->unmasked_text != NULL);
  action = g_action_map_lookup_action (G_ACTION_MAP (self), "heads-all-on");
  g_simple_action_set_enabled (G_SIMPLE_ACTION (action), any_head_off (self));
}
