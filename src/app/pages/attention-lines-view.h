/* attention-lines-view.h: the "Lines" view, bertviz's head view done
 * natively: query tokens on the left, key tokens on the right, one line per
 * weight above a threshold. Self-contained: it carries its threshold control,
 * the head legend (toggle heads to overlay them, one colour each), and its
 * scrolled area with the sticky "Query"/"Key" header. Hovering a token shows
 * only its lines with their weights; clicking pins it. */
#pragma once

#include <gtk/gtk.h>

#include "attention-colormap.h"
#include "attention-export.h"
#include "attention-lines-canvas.h"
#include "attention-result.h"

G_BEGIN_DECLS

#define ATTENTION_TYPE_LINES_VIEW (attention_lines_view_get_type ())
G_DECLARE_FINAL_TYPE (AttentionLinesView, attention_lines_view, ATTENTION, LINES_VIEW, GtkWidget)

GtkWidget *attention_lines_view_new (void);

void attention_lines_view_set_result (AttentionLinesView *self,
                                      AttentionResult *result);              /* NULL clears */
void attention_lines_view_set_layer (AttentionLinesView *self, guint layer); /* 0-based */
/* Shows this head alone (the legend can add others to the overlay). */
void attention_lines_view_set_head (AttentionLinesView *self, guint head); /* 0-based */
void attention_lines_view_set_colormap (AttentionLinesView *self, AttentionColormap colormap);
guint attention_lines_view_get_layer (AttentionLinesView *self);

/* The overlaid heads: bit h for head h (heads past 63 cannot be overlaid).
 * Property "heads" (guint64). */
void attention_lines_view_set_heads (AttentionLinesView *self, guint64 heads);
guint64 attention_lines_view_get_heads (AttentionLinesView *self);
/* Weights below are not drawn; property "threshold" (0..1, default 0.05),
 * what the spin button shows. */
void attention_lines_view_set_threshold (AttentionLinesView *self, double threshold);
double attention_lines_view_get_threshold (AttentionLinesView *self);

/* The drawing itself: hover, pin and hit-testing (tests, accessibility). */
AttentionLinesCanvas *attention_lines_view_get_canvas (AttentionLinesView *self);

/* Writes what the view shows (layer, overlaid heads, colour map, threshold;
 * no hover) as format PNG, SVG or PDF to path. */
gboolean attention_lines_view_export (AttentionLinesView *self,
                                      AttentionExportFormat format,
                                      const char *path,
                                      GError **error);

G_END_DECLS
