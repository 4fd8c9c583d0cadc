/* attention-window-analysis.h: the analysis views inside AttentionWindow —
 * overview grid (win.overview, Ctrl+G), aggregates, hiding [CLS]/[SEP],
 * colour map and legend, strongest pattern, and compare (win.compare,
 * Ctrl+D). Built around the window's existing widgets, kept in this file so
 * the window itself needs one call. */
#pragma once

#include "attention-analysis-bar.h"
#include "attention-compare.h"
#include "attention-export.h"
#include "attention-overview.h"
#include "attention-window.h"

G_BEGIN_DECLS

/* Call once at the end of attention_window_init (later calls do nothing). */
void attention_window_analysis_init (AttentionWindow *self);

/* For tests and the export action; NULL before init. */
AttentionOverview *attention_window_get_overview (AttentionWindow *self);
AttentionAnalysisBar *attention_window_get_analysis_bar (AttentionWindow *self);
AttentionCompare *attention_window_get_compare (AttentionWindow *self);
/* TRUE while an aggregate is being computed off the main thread. */
gboolean attention_window_get_aggregate_busy (AttentionWindow *self);

/* Export formats. The choice is the state of the action win.export-format:
 * "png" (the original diagram set), "svg", "pdf" (one file per head plus
 * attention.pdf), "npy", "json", "overview-png", "overview-svg" (the grid as
 * one image). The export dialog offers it as a choice. */
const char *attention_window_analysis_get_export_format (AttentionWindow *self);
void attention_window_analysis_add_export_choice (AttentionWindow *self, GtkFileChooser *chooser);
/* Reads the dialog's choice back into win.export-format. */
void attention_window_analysis_take_export_choice (AttentionWindow *self, GtkFileChooser *chooser);
/* Writes `format` (as above) into dir; any thread. */
gboolean attention_window_analysis_export (AttentionResult *result,
                                           const char *format,
                                           const char *dir,
                                           const char *model_name,
                                           AttentionExportProgress progress,
                                           gpointer progress_data,
                                           GCancellable *cancellable,
                                           guint *n_written,
                                           GError **error);

G_END_DECLS
