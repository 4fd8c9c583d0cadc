/* attention-canvas.c: the shared base of the drawing widgets (see
 * attention-canvas.h) */

#include "attention-canvas.h"

#include <glib/gi18n.h>

#include "attention-render-enums.h"

typedef struct
{
  AttentionResult *result;
  guint layer;
  AttentionColormap colormap;
  int pinned;               /* -1 for none */
  GArray *pins;             /* guint: pinned, then the others in token order */
  AttentionCombine combine; /* several pins: summed or their mean */
  char *hover_text;
  double pointer_x, pointer_y; /* last pointer position; x < 0 when outside */
  guint rehover_tick;          /* a re-hover waits for the next frame */
  GtkWidget *menu;             /* a token's context menu, or NULL */

  GtkAdjustment *hadjustment;
  GtkAdjustment *vadjustment;
  GtkScrollablePolicy hscroll_policy;
  GtkScrollablePolicy vscroll_policy;
} AttentionCanvasPrivate;

G_DEFINE_ABSTRACT_TYPE_WITH_CODE (AttentionCanvas,
                                  attention_canvas,
                                  GTK_TYPE_WIDGET,
                                  G_ADD_PRIVATE (AttentionCanvas)
                                      G_IMPLEMENT_INTERFACE (GTK_TYPE_SCROLLABLE, NULL))

enum
{
  PROP_0,
  PROP_RESULT,
  PROP_LAYER,
  PROP_COLORMAP,
  PROP_PINNED,
  PROP_N_PINS,
  PROP_COMBINE,
  PROP_HOVER_TEXT,
  N_PROPS,
  /* GtkScrollable's, overridden */
  PROP_HADJUSTMENT = N_PROPS,
  PROP_VADJUSTMENT,
  PROP_HSCROLL_POLICY,
  PROP_VSCROLL_POLICY,
};

static GParamSpec *properties[N_PROPS];

static AttentionCanvasPrivate *
get_priv (AttentionCanvas *self)
{
  return attention_canvas_get_instance_private (self);
}

/* --- hover ------------------------------------------------------------------------ */

static void
refresh_hover_text (AttentionCanvas *self)
{
  AttentionCanvasPrivate *priv = get_priv (self);
  g_autofree char *text = ATTENTION_CANVAS_GET_CLASS (self)->describe_hover (self);

  if (g_strcmp0 (text, priv->hover_text) == 0)
    return;
  g_free (priv->hover_text);
  priv->hover_text = g_steal_pointer (&text);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HOVER_TEXT]);
}

gboolean
attention_canvas_hover_at (AttentionCanvas *self, double x, double y)
{
  AttentionCanvasPrivate *priv;
  gboolean over;

  g_return_val_if_fail (ATTENTION_IS_CANVAS (self), FALSE);

  priv = get_priv (self);
  if (x < 0 || y < 0)
    x = y = -1;
  priv->pointer_x = x;
  priv->pointer_y = y;
  over = ATTENTION_CANVAS_GET_CLASS (self)->hover (self, x, y);
  refresh_hover_text (self);
  return over;
}

const char *
attention_canvas_get_hover_text (AttentionCanvas *self)
{
  g_return_val_if_fail (ATTENTION_IS_CANVAS (self), "");

  return get_priv (self)->hover_text;
}

static void
attention_canvas_real_changed (AttentionCanvas *self)
{
  refresh_hover_text (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
attention_canvas_changed (AttentionCanvas *self)
{
  g_return_if_fail (ATTENTION_IS_CANVAS (self));

  ATTENTION_CANVAS_GET_CLASS (self)->changed (self);
}

/* --- state ------------------------------------------------------------------------ */

void
attention_canvas_set_result (AttentionCanvas *self, AttentionResult *result)
{
  AttentionCanvasPrivate *priv;

  g_return_if_fail (ATTENTION_IS_CANVAS (self));
  g_return_if_fail (result == NULL || ATTENTION_IS_RESULT (result));

  priv = get_priv (self);
  if (!g_set_object (&priv->result, result))
    return;

  g_object_freeze_notify (G_OBJECT (self));
  /* The hover and the pin belong to the old tokens. */
  ATTENTION_CANVAS_GET_CLASS (self)->hover (self, -1, -1);
  attention_canvas_set_pinned (self, -1);
  if (result != NULL && priv->layer >= attention_result_get_n_layers (result))
    {
      priv->layer = attention_result_get_n_layers (result) - 1;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LAYER]);
    }
  if (ATTENTION_CANVAS_GET_CLASS (self)->result_changed != NULL)
    ATTENTION_CANVAS_GET_CLASS (self)->result_changed (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RESULT]);
  g_object_thaw_notify (G_OBJECT (self));
  attention_canvas_changed (self);
  gtk_widget_queue_resize (GTK_WIDGET (self));
}

AttentionResult *
attention_canvas_get_result (AttentionCanvas *self)
{
  g_return_val_if_fail (ATTENTION_IS_CANVAS (self), NULL);

  return get_priv (self)->result;
}

guint
attention_canvas_get_n_tokens (AttentionCanvas *self)
{
  AttentionCanvasPrivate *priv;

  g_return_val_if_fail (ATTENTION_IS_CANVAS (self), 0);

  priv = get_priv (self);
  return priv->result != NULL ? attention_result_get_n_tokens (priv->result) : 0;
}

void
attention_canvas_set_layer (AttentionCanvas *self, guint layer)
{
  AttentionCanvasPrivate *priv;

  g_return_if_fail (ATTENTION_IS_CANVAS (self));

  priv = get_priv (self);
  if (priv->result != NULL)
    layer = MIN (layer, attention_result_get_n_layers (priv->result) - 1);
  if (priv->layer == layer)
    return;
  priv->layer = layer;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LAYER]);
  attention_canvas_changed (self);
}

guint
attention_canvas_get_layer (AttentionCanvas *self)
{
  g_return_val_if_fail (ATTENTION_IS_CANVAS (self), 0);

  return get_priv (self)->layer;
}

void
attention_canvas_set_colormap (AttentionCanvas *self, AttentionColormap colormap)
{
  AttentionCanvasPrivate *priv;

  g_return_if_fail (ATTENTION_IS_CANVAS (self));
  g_return_if_fail (colormap < ATTENTION_N_COLORMAPS);

  priv = get_priv (self);
  if (priv->colormap == colormap)
    return;
  priv->colormap = colormap;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_COLORMAP]);
  attention_canvas_changed (self);
}

AttentionColormap
attention_canvas_get_colormap (AttentionCanvas *self)
{
  g_return_val_if_fail (ATTENTION_IS_CANVAS (self), ATTENTION_COLORMAP_GRAY);

  return get_priv (self)->colormap;
}

static void
attention_canvas_real_pin (AttentionCanvas *self, int token)
{
  AttentionCanvasPrivate *priv = get_priv (self);
  guint n_before = priv->pins->len;

  /* The same token again (a binding echoing it back): the other pins stay. */
  if (priv->pinned == token)
    return;
  priv->pinned = token;
  g_array_set_size (priv->pins, 0);
  if (token >= 0)
    {
      guint t = (guint)token;

      g_array_append_val (priv->pins, t);
    }
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PINNED]);
  if (n_before != priv->pins->len || n_before > 0)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_PINS]);
  attention_canvas_changed (self);
}

void
attention_canvas_set_pinned (AttentionCanvas *self, int token)
{
  g_return_if_fail (ATTENTION_IS_CANVAS (self));

  if (token < 0 || (guint)token >= attention_canvas_get_n_tokens (self))
    token = -1;
  ATTENTION_CANVAS_GET_CLASS (self)->pin (self, token);
}

const guint *
attention_canvas_get_pins (AttentionCanvas *self, guint *n_pins)
{
  AttentionCanvasPrivate *priv;

  g_return_val_if_fail (ATTENTION_IS_CANVAS (self), NULL);

  priv = get_priv (self);
  if (n_pins != NULL)
    *n_pins = priv->pins->len;
  return (const guint *)(gpointer)priv->pins->data;
}

void
attention_canvas_toggle_pin (AttentionCanvas *self, int token)
{
  AttentionCanvasPrivate *priv;
  guint t, at = 1;

  g_return_if_fail (ATTENTION_IS_CANVAS (self));

  priv = get_priv (self);
  if (token < 0 || (guint)token >= attention_canvas_get_n_tokens (self))
    return;
  if (priv->pins->len == 0)
    {
      attention_canvas_set_pinned (self, token);
      return;
    }
  t = (guint)token;
  for (guint k = 0; k < priv->pins->len; k++)
    if (g_array_index (priv->pins, guint, k) == t)
      {
        if (priv->pins->len == 1)
          {
            attention_canvas_set_pinned (self, -1);
            return;
          }
        g_array_remove_index (priv->pins, k);
        if (k == 0)
          {
            /* The next pin becomes "pinned": what the pin keys step from. */
            priv->pinned = (int)g_array_index (priv->pins, guint, 0);
            g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PINNED]);
          }
        g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_PINS]);
        attention_canvas_changed (self);
        return;
      }
  /* After "pinned", in token order. */
  while (at < priv->pins->len && g_array_index (priv->pins, guint, at) < t)
    at++;
  g_array_insert_val (priv->pins, at, t);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_PINS]);
  attention_canvas_changed (self);
}

void
attention_canvas_set_combine (AttentionCanvas *self, AttentionCombine combine)
{
  AttentionCanvasPrivate *priv;

  g_return_if_fail (ATTENTION_IS_CANVAS (self));

  priv = get_priv (self);
  combine = combine == ATTENTION_COMBINE_MEAN ? ATTENTION_COMBINE_MEAN : ATTENTION_COMBINE_SUM;
  if (priv->combine == combine)
    return;
  priv->combine = combine;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_COMBINE]);
  attention_canvas_changed (self);
}

AttentionCombine
attention_canvas_get_combine (AttentionCanvas *self)
{
  g_return_val_if_fail (ATTENTION_IS_CANVAS (self), ATTENTION_COMBINE_SUM);

  return get_priv (self)->combine;
}

int
attention_canvas_get_pinned (AttentionCanvas *self)
{
  g_return_val_if_fail (ATTENTION_IS_CANVAS (self), -1);

  return get_priv (self)->pinned;
}

static int
attention_canvas_real_get_key_pin (AttentionCanvas *self)
{
  return get_priv (self)->pinned;
}

/* --- scrolling --------------------------------------------------------------------- */

static GtkAdjustment *
get_adjustment (AttentionCanvas *self, GtkOrientation orientation)
{
  AttentionCanvasPrivate *priv = get_priv (self);

  return orientation == GTK_ORIENTATION_HORIZONTAL ? priv->hadjustment : priv->vadjustment;
}

double
attention_canvas_get_scroll (AttentionCanvas *self, GtkOrientation orientation)
{
  GtkAdjustment *adjustment;

  g_return_val_if_fail (ATTENTION_IS_CANVAS (self), 0);

  adjustment = get_adjustment (self, orientation);
  return adjustment != NULL ? gtk_adjustment_get_value (adjustment) : 0;
}

void
attention_canvas_configure_scroll (AttentionCanvas *self,
                                   GtkOrientation orientation,
                                   double page,
                                   double content,
                                   double centre,
                                   double step,
                                   double page_step)
{
  GtkAdjustment *adjustment;
  double upper = MAX (page, content);
  double value;

  g_return_if_fail (ATTENTION_IS_CANVAS (self));

  adjustment = get_adjustment (self, orientation);
  if (adjustment == NULL)
    return;
  value = centre >= 0 ? centre * upper - page / 2 : gtk_adjustment_get_value (adjustment);
  value = CLAMP (value, 0, upper - page);
  gtk_adjustment_configure (adjustment, value, 0, upper, step, page_step, page);
}

static gboolean
rehover_cb (GtkWidget *widget, GdkFrameClock *clock, gpointer data)
{
  AttentionCanvasPrivate *priv = get_priv (ATTENTION_CANVAS (widget));

  priv->rehover_tick = 0;
  if (priv->pointer_x >= 0)
    attention_canvas_hover_at (ATTENTION_CANVAS (widget), priv->pointer_x, priv->pointer_y);
  return G_SOURCE_REMOVE;
}

static void
adjustment_value_cb (GtkAdjustment *adjustment, AttentionCanvas *self)
{
  AttentionCanvasPrivate *priv = get_priv (self);

  /* The content moved under a still pointer: it now hovers something else.
   * Found out on the next frame, not here: the offset also changes while
   * the canvas is allocated, and a new read-out then would resize widgets
   * around it in the middle of the allocation. */
  if (priv->pointer_x >= 0 && priv->rehover_tick == 0)
    priv->rehover_tick = gtk_widget_add_tick_callback (GTK_WIDGET (self), rehover_cb, NULL, NULL);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
set_adjustment (AttentionCanvas *self, GtkAdjustment **field, GtkAdjustment *adjustment)
{
  if (adjustment != NULL && *field == adjustment)
    return;
  if (*field != NULL)
    {
      g_signal_handlers_disconnect_by_func (*field, adjustment_value_cb, self);
      g_object_unref (*field);
    }
  if (adjustment == NULL)
    adjustment = gtk_adjustment_new (0, 0, 0, 0, 0, 0);
  *field = g_object_ref_sink (adjustment);
  g_signal_connect (adjustment, "value-changed", G_CALLBACK (adjustment_value_cb), self);
  gtk_widget_queue_allocate (GTK_WIDGET (self));
}

/* --- events ------------------------------------------------------------------------ */

static void
motion_cb (GtkEventControllerMotion *controller, double x, double y, AttentionCanvas *self)
{
  attention_canvas_hover_at (self, x, y);
}

static void
leave_cb (GtkEventControllerMotion *controller, AttentionCanvas *self)
{
  attention_canvas_hover_at (self, -1, -1);
}

void
attention_canvas_click_at (AttentionCanvas *self, double x, double y, GdkModifierType state)
{
  AttentionCanvasClass *klass;

  g_return_if_fail (ATTENTION_IS_CANVAS (self));

  klass = ATTENTION_CANVAS_GET_CLASS (self);
  gtk_widget_grab_focus (GTK_WIDGET (self));
  if ((state & GDK_CONTROL_MASK) != 0 && klass->toggle_click != NULL)
    klass->toggle_click (self, x, y);
  else if (klass->click != NULL)
    klass->click (self, x, y);
}

static void
click_cb (GtkGestureClick *gesture, int n_press, double x, double y, AttentionCanvas *self)
{
  attention_canvas_click_at (
      self, x, y, gtk_event_controller_get_current_event_state (GTK_EVENT_CONTROLLER (gesture)));
}

static void
attention_canvas_real_toggle_click (AttentionCanvas *self, double x, double y)
{
  AttentionCanvasClass *klass = ATTENTION_CANVAS_GET_CLASS (self);

  if (klass->token_at != NULL)
    attention_canvas_toggle_pin (self, klass->token_at (self, x, y));
}

/* --- a token's context menu ---------------------------------------------------- */

/* [CLS] and [SEP] (and a [MASK] already) have nothing to mask; nor have
 * RoBERTa's <s>, </s>, <mask> and <pad>. */
static gboolean
is_special (const char *token)
{
  static const char *const specials[] = { "[CLS]", "[SEP]", "[MASK]", "[PAD]",
                                          "<s>",   "</s>",  "<mask>", "<pad>" };

  for (guint i = 0; i < G_N_ELEMENTS (specials); i++)
    if (g_str_equal (token, specials[i]))
      return TRUE;
  return FALSE;
}

/* The menu of token at (x, y): "Mask this token" (win.mask-token, the
 * token's index) for a word's token, and "Restore" (win.restore-text), which
 * the window enables while a masked sentence is shown. */
static void
popup_menu (AttentionCanvas *self, int token, double x, double y)
{
  AttentionCanvasPrivate *priv = get_priv (self);
  g_autoptr (GMenu) menu = g_menu_new ();
  GdkRectangle rect = { (int)x, (int)y, 1, 1 };

  if (!is_special (attention_result_get_token (priv->result, (guint)token)))
    {
      g_autoptr (GMenuItem) item = g_menu_item_new (_ ("_Mask This Token"), NULL);

      g_menu_item_set_action_and_target_value (item, "win.mask-token", g_variant_new_int32 (token));
      g_menu_append_item (menu, item);
    }
  g_menu_append (menu, _ ("_Restore"), "win.restore-text");

  if (priv->menu == NULL)
    {
      priv->menu = gtk_popover_menu_new_from_model (NULL);
      gtk_widget_set_parent (priv->menu, GTK_WIDGET (self));
      gtk_popover_set_has_arrow (GTK_POPOVER (priv->menu), TRUE);
    }
  gtk_popover_menu_set_menu_model (GTK_POPOVER_MENU (priv->menu), G_MENU_MODEL (menu));
  gtk_popover_set_pointing_to (GTK_POPOVER (priv->menu), &rect);
  gtk_popover_popup (GTK_POPOVER (priv->menu));
}

char *
attention_canvas_describe_guesses (AttentionResult *result, guint token)
{
  const AttentionCandidate *candidates;
  guint n_candidates = 0;
  GString *list;
  g_autofree char *text = NULL;

  if (result == NULL || token >= attention_result_get_n_tokens (result))
    return NULL;
  /* As the chips: the guesses that are text, [PAD] and the like skipped. */
  candidates = attention_result_get_position_shown_candidates (result, token, &n_candidates);
  if (candidates == NULL)
    return NULL;
  list = g_string_new (NULL);
  for (guint c = 0; c < n_candidates; c++)
    {
      if (c > 0)
        /* Translators: between two of the model's guesses. */
        g_string_append (list, _ (", "));
      /* Translators: one of the model's guesses and its probability, e.g.
       * "paris 61.2 %". */
      g_string_append_printf (list, _ ("%s %.1f %%"), candidates[c].token,
                              100.0 * candidates[c].probability);
    }
  text = g_string_free (list, FALSE);
  /* Translators: the model's top-k at a token it sees unmasked: the token,
   * its position, the list. */
  return g_strdup_printf (_ ("Guesses at “%s” (token %u): %s"),
                          attention_result_get_token (result, token), token + 1, text);
}

void
attention_canvas_present_menu (AttentionCanvas *self)
{
  g_return_if_fail (ATTENTION_IS_CANVAS (self));
  if (get_priv (self)->menu != NULL)
    gtk_popover_present (GTK_POPOVER (get_priv (self)->menu));
}

gboolean
attention_canvas_open_menu (AttentionCanvas *self, int token, double x, double y)
{
  AttentionCanvasPrivate *priv;

  g_return_val_if_fail (ATTENTION_IS_CANVAS (self), FALSE);
  priv = get_priv (self);
  if (priv->result == NULL || token < 0 || (guint)token >= attention_canvas_get_n_tokens (self))
    return FALSE;
  if (x < 0)
    {
      /* From the keyboard: point at the pointer if it is over the canvas,
       * else at the canvas's middle. */
      x = priv->pointer_x >= 0 ? priv->pointer_x : gtk_widget_get_width (GTK_WIDGET (self)) / 2.0;
      y = priv->pointer_x >= 0 ? priv->pointer_y : gtk_widget_get_height (GTK_WIDGET (self)) / 2.0;
    }
  popup_menu (self, token, x, y);
  return TRUE;
}

static void
secondary_click_cb (
    GtkGestureClick *gesture, int n_press, double x, double y, AttentionCanvas *self)
{
  AttentionCanvasClass *klass = ATTENTION_CANVAS_GET_CLASS (self);
  int token = klass->token_at != NULL ? klass->token_at (self, x, y) : -1;

  gtk_widget_grab_focus (GTK_WIDGET (self));
  if (attention_canvas_open_menu (self, token, x, y))
    gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
}

static gboolean
key_pressed_cb (GtkEventControllerKey *controller,
                guint keyval,
                guint keycode,
                GdkModifierType state,
                AttentionCanvas *self)
{
  AttentionCanvasClass *klass = ATTENTION_CANVAS_GET_CLASS (self);
  int n = (int)attention_canvas_get_n_tokens (self);

  if (n > 0 && (state & (GDK_CONTROL_MASK | GDK_ALT_MASK | GDK_SUPER_MASK)) == 0)
    {
      if (keyval == GDK_KEY_t || keyval == GDK_KEY_T)
        {
          int current = klass->get_key_pin (self);
          int next = keyval == GDK_KEY_t ? current + 1 : (current < 0 ? n - 1 : current - 1);

          attention_canvas_set_pinned (self, next);
          return TRUE;
        }
      if (keyval == GDK_KEY_Escape && get_priv (self)->pinned >= 0)
        {
          attention_canvas_set_pinned (self, -1);
          return TRUE;
        }
    }
  /* The context menu key, or Shift+F10: the menu of the focused (pinned)
   * token. */
  if (keyval == GDK_KEY_Menu ||
      (keyval == GDK_KEY_F10 && (state & GDK_MODIFIER_MASK) == GDK_SHIFT_MASK))
    return attention_canvas_open_menu (self, klass->get_key_pin (self), -1, -1);
  return klass->key_pressed != NULL && klass->key_pressed (self, keyval, state);
}

/* --- GObject ----------------------------------------------------------------------- */

static void
attention_canvas_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  AttentionCanvasPrivate *priv = get_priv (ATTENTION_CANVAS (object));

  switch (prop_id)
    {
      case PROP_RESULT:
        g_value_set_object (value, priv->result);
        break;
      case PROP_LAYER:
        g_value_set_uint (value, priv->layer);
        break;
      case PROP_COLORMAP:
        g_value_set_enum (value, priv->colormap);
        break;
      case PROP_PINNED:
        g_value_set_int (value, priv->pinned);
        break;
      case PROP_N_PINS:
        g_value_set_uint (value, priv->pins->len);
        break;
      case PROP_COMBINE:
        g_value_set_uint (value, priv->combine);
        break;
      case PROP_HOVER_TEXT:
        g_value_set_string (value, priv->hover_text);
        break;
      case PROP_HADJUSTMENT:
        g_value_set_object (value, priv->hadjustment);
        break;
      case PROP_VADJUSTMENT:
        g_value_set_object (value, priv->vadjustment);
        break;
      case PROP_HSCROLL_POLICY:
        g_value_set_enum (value, priv->hscroll_policy);
        break;
      case PROP_VSCROLL_POLICY:
        g_value_set_enum (value, priv->vscroll_policy);
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
attention_canvas_set_property (GObject *object,
                               guint prop_id,
                               const GValue *value,
                               GParamSpec *pspec)
{
  AttentionCanvas *self = ATTENTION_CANVAS (object);
  AttentionCanvasPrivate *priv = get_priv (self);

  switch (prop_id)
    {
      case PROP_RESULT:
        attention_canvas_set_result (self, g_value_get_object (value));
        break;
      case PROP_LAYER:
        attention_canvas_set_layer (self, g_value_get_uint (value));
        break;
      case PROP_COLORMAP:
        attention_canvas_set_colormap (self, g_value_get_enum (value));
        break;
      case PROP_PINNED:
        attention_canvas_set_pinned (self, g_value_get_int (value));
        break;
      case PROP_COMBINE:
        attention_canvas_set_combine (self, g_value_get_uint (value));
        break;
      case PROP_HADJUSTMENT:
        set_adjustment (self, &priv->hadjustment, g_value_get_object (value));
        break;
      case PROP_VADJUSTMENT:
        set_adjustment (self, &priv->vadjustment, g_value_get_object (value));
        break;
      case PROP_HSCROLL_POLICY:
        priv->hscroll_policy = g_value_get_enum (value);
        break;
      case PROP_VSCROLL_POLICY:
        priv->vscroll_policy = g_value_get_enum (value);
        break;
      default:
        G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
attention_canvas_dispose (GObject *object)
{
  AttentionCanvas *self = ATTENTION_CANVAS (object);
  AttentionCanvasPrivate *priv = get_priv (self);

  if (priv->rehover_tick != 0)
    gtk_widget_remove_tick_callback (GTK_WIDGET (self), priv->rehover_tick);
  priv->rehover_tick = 0;
  if (priv->hadjustment != NULL)
    g_signal_handlers_disconnect_by_func (priv->hadjustment, adjustment_value_cb, self);
  if (priv->vadjustment != NULL)
    g_signal_handlers_disconnect_by_func (priv->vadjustment, adjustment_value_cb, self);
  g_clear_object (&priv->hadjustment);
  g_clear_object (&priv->vadjustment);
  g_clear_object (&priv->result);
  g_clear_pointer (&priv->menu, gtk_widget_unparent);
  G_OBJECT_CLASS (attention_canvas_parent_class)->dispose (object);
}

static void
attention_canvas_finalize (GObject *object)
{
  g_free (get_priv (ATTENTION_CANVAS (object))->hover_text);
  g_array_unref (get_priv (ATTENTION_CANVAS (object))->pins);
  G_OBJECT_CLASS (attention_canvas_parent_class)->finalize (object);
}

static void
attention_canvas_class_init (AttentionCanvasClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GParamFlags flags = G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->get_property = attention_canvas_get_property;
  object_class->set_property = attention_canvas_set_property;
  object_class->dispose = attention_canvas_dispose;
  object_class->finalize = attention_canvas_finalize;
  klass->changed = attention_canvas_real_changed;
  klass->pin = attention_canvas_real_pin;
  klass->get_key_pin = attention_canvas_real_get_key_pin;
  klass->toggle_click = attention_canvas_real_toggle_click;

  properties[PROP_RESULT] =
      g_param_spec_object ("result", NULL, NULL, ATTENTION_TYPE_RESULT, flags);
  properties[PROP_LAYER] = g_param_spec_uint ("layer", NULL, NULL, 0, G_MAXUINT, 0, flags);
  properties[PROP_COLORMAP] = g_param_spec_enum ("colormap", NULL, NULL, ATTENTION_TYPE_COLORMAP,
                                                 ATTENTION_COLORMAP_GRAY, flags);
  properties[PROP_PINNED] = g_param_spec_int ("pinned", NULL, NULL, -1, G_MAXINT, -1, flags);
  properties[PROP_N_PINS] = g_param_spec_uint ("n-pins", NULL, NULL, 0, G_MAXUINT, 0,
                                               G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_COMBINE] =
      g_param_spec_uint ("combine", NULL, NULL, ATTENTION_COMBINE_SUM, ATTENTION_COMBINE_MEAN,
                         ATTENTION_COMBINE_SUM, flags);
  properties[PROP_HOVER_TEXT] =
      g_param_spec_string ("hover-text", NULL, NULL, "", G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
  g_object_class_override_property (object_class, PROP_HADJUSTMENT, "hadjustment");
  g_object_class_override_property (object_class, PROP_VADJUSTMENT, "vadjustment");
  g_object_class_override_property (object_class, PROP_HSCROLL_POLICY, "hscroll-policy");
  g_object_class_override_property (object_class, PROP_VSCROLL_POLICY, "vscroll-policy");

  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
attention_canvas_init (AttentionCanvas *self)
{
  AttentionCanvasPrivate *priv = get_priv (self);
  GtkWidget *widget = GTK_WIDGET (self);
  GtkEventController *controller;
  GtkGesture *click;

  priv->hover_text = g_strdup ("");
  priv->pinned = -1;
  priv->pins = g_array_new (FALSE, FALSE, sizeof (guint));
  priv->pointer_x = priv->pointer_y = -1;
  gtk_widget_set_focusable (widget, TRUE);

  controller = gtk_event_controller_motion_new ();
  g_signal_connect (controller, "motion", G_CALLBACK (motion_cb), self);
  g_signal_connect (controller, "leave", G_CALLBACK (leave_cb), self);
  gtk_widget_add_controller (widget, controller);

  controller = gtk_event_controller_key_new ();
  g_signal_connect (controller, "key-pressed", G_CALLBACK (key_pressed_cb), self);
  gtk_widget_add_controller (widget, controller);

  /* Added before the primary click: GTK lists a widget's controllers
   * newest first, and the primary stays the first click gesture found. */
  click = gtk_gesture_click_new ();
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (click), GDK_BUTTON_SECONDARY);
  g_signal_connect (click, "pressed", G_CALLBACK (secondary_click_cb), self);
  gtk_widget_add_controller (widget, GTK_EVENT_CONTROLLER (click));

  click = gtk_gesture_click_new ();
  g_signal_connect (click, "pressed", G_CALLBACK (click_cb), self);
  gtk_widget_add_controller (widget, GTK_EVENT_CONTROLLER (click));
}
