/* attention-lines-canvas.h: the drawing inside AttentionLinesView, an
 * AttentionCanvas. It scrolls itself, so it draws only the rows in sight and
 * keeps the "Query" / "Key" header on top while they scroll (sticky); the
 * picture and "which token is under the pointer" both come from
 * attention-lines-render. It holds state and routes events;
 * AttentionLinesView adds the controls. */
#pragma once

#include "attention-canvas.h"
#include "attention-lines-render.h"

G_BEGIN_DECLS

#define ATTENTION_TYPE_LINES_CANVAS (attention_lines_canvas_get_type ())
G_DECLARE_FINAL_TYPE (
    AttentionLinesCanvas, attention_lines_canvas, ATTENTION, LINES_CANVAS, AttentionCanvas)

GtkWidget *attention_lines_canvas_new (void);

/* As attention_canvas_set_result () and _set_layer (); the heads stay. */
void attention_lines_canvas_set_result (AttentionLinesCanvas *self, AttentionResult *result);
void attention_lines_canvas_set_layer (AttentionLinesCanvas *self, guint layer);
/* Bit h set: head h drawn (heads past 63 cannot be overlaid). */
void attention_lines_canvas_set_heads (AttentionLinesCanvas *self, guint64 heads);
void attention_lines_canvas_set_threshold (AttentionLinesCanvas *self, double threshold);
/* bertviz's filter for a sentence pair: only lines from a query of
 * sentence from_type (0: A, 1: B) to a key of to_type; -1 for either. */
void attention_lines_canvas_set_sentences (AttentionLinesCanvas *self, int from_type, int to_type);

/* The token whose lines alone are shown: hovered, else pinned. */
AttentionLinesSide attention_lines_canvas_get_focus (AttentionLinesCanvas *self, guint *index);
/* The pinned token and its column: set by a click on a token, cleared by a
 * click on the lines or a second click on it. The pin keys and
 * attention_canvas_set_pinned () pin a query token. */
void attention_lines_canvas_set_pinned (AttentionLinesCanvas *self,
                                        AttentionLinesSide side,
                                        guint index);
AttentionLinesSide attention_lines_canvas_get_pinned (AttentionLinesCanvas *self, guint *index);

/* Where a token's label is in the canvas now (scrolled); FALSE if none. */
gboolean attention_lines_canvas_get_token_center (
    AttentionLinesCanvas *self, AttentionLinesSide side, guint index, double *x, double *y);
/* The style of the last frame (for tests and the export of what is shown). */
void attention_lines_canvas_get_style (AttentionLinesCanvas *self, AttentionLinesStyle *style);
/* Number of frames drawn with lines (tests). */
guint attention_lines_canvas_get_n_frames (AttentionLinesCanvas *self);

G_END_DECLS
