/* attention-lines-page.h: the Lines page, bertviz's head view done
 * natively: query tokens on the left, key tokens on the right, one line per
 * weight above a threshold. It carries its threshold control, the head
 * legend (toggle heads to overlay them, one colour each), and its scrolled
 * canvas with the sticky "Query"/"Key" header. Hovering a token shows only
 * its lines with their weights; clicking pins it. The layer follows the
 * selection; so does the head, which a change of head shows alone. */
#pragma once

#include "attention-export.h"
#include "attention-page.h"

G_BEGIN_DECLS

#define ATTENTION_TYPE_LINES_PAGE (attention_lines_page_get_type ())
G_DECLARE_FINAL_TYPE (
    AttentionLinesPage, attention_lines_page, ATTENTION, LINES_PAGE, AttentionPage)

/* The overlaid heads: bit h for head h (heads past 63 cannot be overlaid);
 * at least one. The selection's head stays one of them. */
void attention_lines_page_set_heads (AttentionLinesPage *self, guint64 heads);
guint64 attention_lines_page_get_heads (AttentionLinesPage *self);
/* The layer drawn (0-based). */
guint attention_lines_page_get_layer (AttentionLinesPage *self);
/* Weights below are not drawn; property "threshold" (0..1, default 0.05),
 * what the spin button shows. */
void attention_lines_page_set_threshold (AttentionLinesPage *self, double threshold);
double attention_lines_page_get_threshold (AttentionLinesPage *self);

/* The caption of what the page shows, as a saved picture has it (the
 * layer, the heads, a pair's filter, the sentence); NULL without a result. */
char *attention_lines_page_get_caption (AttentionLinesPage *self);

/* Writes what the page shows (layer, overlaid heads, colour map, threshold,
 * a pair's filter; no hover, no pin) as format PNG, SVG or PDF to path. */
gboolean attention_lines_page_export (AttentionLinesPage *self,
                                      AttentionExportFormat format,
                                      const char *path,
                                      GError **error);

G_END_DECLS
