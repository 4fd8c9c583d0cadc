/* attention-window-ask.c: the window's questions to the model: "Mask this
 * token" (win.mask-token, from a token's context menu in the matrix and in
 * Lines) and "Restore" (win.restore-text), which puts the words back. */

#include <glib/gi18n.h>

#include "attention-mask-word.h"
#include "attention-window-private.h"

/* Sets the entry's text without the change counting as the user's edit,
 * which would forget what Restore puts back. */
static void
set_entry_text (AttentionWindow *self, const char *text)
{
  self->setting_text = TRUE;
  gtk_editable_set_text (GTK_EDITABLE (self->entry), text);
  gtk_editable_set_position (GTK_EDITABLE (self->entry), -1);
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

  if (result == NULL)
    return;
  text = attention_mask_word (result, token >= 0 ? (guint)token : G_MAXUINT, &first, &n_pieces,
                              &error);
  if (text == NULL)
    {
      /* The shown result stays. */
      attention_window_toast (self, error->message);
      return;
    }
  /* Restore puts back the sentence before the first mask, through any
   * number of masks. */
  if (self->unmasked_text == NULL)
    self->unmasked_text = g_strdup (attention_result_get_text (result));
  {
    const char *old = attention_result_get_text (result);
    BertSpan a = attention_result_get_span (result, first);
    BertSpan b = attention_result_get_span (result, first + n_pieces - 1);
    g_autofree char *word = g_strndup (old + a.start, b.end - a.start);

    attention_predictions_add_masked_word (self->predictions, text, first, n_pieces, word);
  }
  set_entry_text (self, text);
  attention_window_run (self);
  attention_window_update_actions (self);
}

static void
restore_text_activated (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  AttentionWindow *self = user_data;
  g_autofree char *text = g_steal_pointer (&self->unmasked_text);

  if (text == NULL)
    return;
  attention_predictions_clear_masked_words (self->predictions);
  set_entry_text (self, text);
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

static const GActionEntry ask_entries[] = {
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
  options->all_positions = state_of (self, "all-positions");
}

void
attention_window_ask_init (AttentionWindow *self)
{
  g_action_map_add_action_entries (G_ACTION_MAP (self), ask_entries, G_N_ELEMENTS (ask_entries),
                                   self);
}

void
attention_window_ask_text_edited (AttentionWindow *self)
{
  if (self->setting_text)
    return;
  /* The user's own edit: what was masked is theirs now. */
  g_clear_pointer (&self->unmasked_text, g_free);
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
}
