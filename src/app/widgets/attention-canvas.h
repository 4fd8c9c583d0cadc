/* attention-canvas.h: what the widgets that draw one result share; the
 * matrix view and the lines canvas derive from it.
 *
 * - A GtkScrollable: put it straight into a GtkScrolledWindow. It draws its
 *   own scrolled content, so labels and headers can stay put while the rest
 *   moves under them.
 * - The result, layer, colour map and pinned token it shows, as properties.
 * - The pointer's hover in words, as property "hover-text" (the read-out).
 * - The pin keys: T pins the next token, Shift+T the previous one, Escape
 *   lets go (of every pin). A click takes the keyboard focus.
 * - Ctrl+click pins several tokens ("pins"); the views show what they
 *   attend to together, summed or their mean ("combine"). */
#pragma once

#include <gtk/gtk.h>

#include "attention-colormap.h"
#include "attention-combine.h"
#include "attention-result.h"

G_BEGIN_DECLS

#define ATTENTION_TYPE_CANVAS (attention_canvas_get_type ())
G_DECLARE_DERIVABLE_TYPE (AttentionCanvas, attention_canvas, ATTENTION, CANVAS, GtkWidget)

struct _AttentionCanvasClass
{
  GtkWidgetClass parent_class;

  /* What lies under (x, y) becomes the hover; x < 0 clears it. TRUE over
   * something. */
  gboolean (*hover) (AttentionCanvas *self, double x, double y);
  /* The hover in words, "" for nothing (newly allocated). */
  char *(*describe_hover) (AttentionCanvas *self);
  /* A click at (x, y), after the canvas took the focus. */
  void (*click) (AttentionCanvas *self, double x, double y);
  /* Keys other than the pin keys; TRUE when handled. */
  gboolean (*key_pressed) (AttentionCanvas *self, guint keyval, GdkModifierType state);
  /* Pins a token (-1 lets go), checked against the result: every way of
   * pinning ends here. The default stores it as "pinned", the only one of
   * "pins" (unless it is "pinned" already: the other pins stay). */
  void (*pin) (AttentionCanvas *self, int token);
  /* A Ctrl+click at (x, y): the default adds the token under it to the
   * pins, or takes it out (attention_canvas_toggle_pin). */
  void (*toggle_click) (AttentionCanvas *self, double x, double y);
  /* The token the pin keys step from, -1 for none. Default: "pinned". */
  int (*get_key_pin) (AttentionCanvas *self);
  /* A new result replaced the old one: drop what belonged to it. Runs before
   * "result" is notified. */
  void (*result_changed) (AttentionCanvas *self);
  /* What is drawn changed: the default refreshes the hover text and redraws. */
  void (*changed) (AttentionCanvas *self);
  /* The token whose label is at (x, y), -1 for none: a right-click there
   * opens its context menu. */
  int (*token_at) (AttentionCanvas *self, double x, double y);
};

/* NULL clears. Keeps the layer when the new result has it; drops the hover
 * and the pin, which belonged to the old tokens. */
void attention_canvas_set_result (AttentionCanvas *self, AttentionResult *result);
AttentionResult *attention_canvas_get_result (AttentionCanvas *self);
/* Tokens of the result, 0 without one. */
guint attention_canvas_get_n_tokens (AttentionCanvas *self);

/* 0-indexed; clamped to the result's layers. */
void attention_canvas_set_layer (AttentionCanvas *self, guint layer);
guint attention_canvas_get_layer (AttentionCanvas *self);

void attention_canvas_set_colormap (AttentionCanvas *self, AttentionColormap colormap);
AttentionColormap attention_canvas_get_colormap (AttentionCanvas *self);

/* Property "pinned": a token (0-indexed) that stays marked whatever the
 * pointer does; -1 for none (also for a token the result does not have). */
void attention_canvas_set_pinned (AttentionCanvas *self, int token);
int attention_canvas_get_pinned (AttentionCanvas *self);

/* Property "n-pins" (read-only): the tokens pinned, "pinned" first, then
 * those added with Ctrl+click, in token order. Valid until the pins change. */
const guint *attention_canvas_get_pins (AttentionCanvas *self, guint *n_pins);
/* Adds token to the pins, or takes it out if pinned; with no pin, pins it.
 * Taking out "pinned" makes the next pin "pinned". */
void attention_canvas_toggle_pin (AttentionCanvas *self, int token);
/* Property "combine" (an AttentionCombine): several pins are shown summed
 * or as their mean. */
void attention_canvas_set_combine (AttentionCanvas *self, AttentionCombine combine);
AttentionCombine attention_canvas_get_combine (AttentionCanvas *self);

/* A click at (x, y) with the modifiers state, as the pointer's does:
 * Ctrl adds to the pins (toggle_click), else the class's click. */
void attention_canvas_click_at (AttentionCanvas *self, double x, double y, GdkModifierType state);

/* Moves the hover to widget coordinates (x, y), as a pointer motion does;
 * negative coordinates clear it. TRUE when over something. */
gboolean attention_canvas_hover_at (AttentionCanvas *self, double x, double y);
/* What the pointer is over, as shown in the read-out ("" for nothing). */
const char *attention_canvas_get_hover_text (AttentionCanvas *self);

/* Opens token's context menu ("Mask this token" for a word's token, then
 * "Restore"), pointing at (x, y); x < 0: at the pointer or the middle, for
 * the keyboard (Menu, Shift+F10 open the pinned token's). The items are the
 * window's actions win.mask-token (int32 token) and win.restore-text. FALSE
 * when token is not one of the result's. */
gboolean attention_canvas_open_menu (AttentionCanvas *self, int token, double x, double y);

/* The model's top-k at token, seen unmasked ("Guesses at “paris” (token 8):
 * paris 61.2 %, …"), when the result has every position's; else NULL. */
char *attention_canvas_describe_guesses (AttentionResult *result, guint token);

/* For subclasses. */

/* Places the context menu: call at the end of size_allocate. */
void attention_canvas_present_menu (AttentionCanvas *self);

/* Runs the class's changed (): after anything the picture depends on. */
void attention_canvas_changed (AttentionCanvas *self);
/* How far the content is scrolled along an axis. */
double attention_canvas_get_scroll (AttentionCanvas *self, GtkOrientation orientation);
/* Fits an axis' adjustment to content `content` long seen through `page`:
 * the offset stays (clamped), or with centre ≥ 0 that fraction of the
 * content comes to the middle. step and page_step: what arrows and Page Up
 * or Down move. Called from size_allocate. */
void attention_canvas_configure_scroll (AttentionCanvas *self,
                                        GtkOrientation orientation,
                                        double page,
                                        double content,
                                        double centre,
                                        double step,
                                        double page_step);

G_END_DECLS
