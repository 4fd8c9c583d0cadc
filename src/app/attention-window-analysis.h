/* attention-window-analysis.h: the analysis views inside AttentionWindow —
 * the pages of the header bar's view switcher (Single Head, All Heads
 * (win.overview, Ctrl+G), Compare (win.compare, Ctrl+D), Lines (win.lines,
 * Ctrl+K); win.view holds the page's name), and the sidebar (win.show-sidebar, F9) with aggregates,
 * hiding [CLS]/[SEP], colour map and scale, head scores and the strongest
 * pattern, showing only what applies to the page. Built around the window's
 * existing widgets, kept in this file so the window itself needs one call. */
#pragma once

#include "attention-analysis-bar.h"
#include "attention-compare.h"
#include "attention-export.h"
#include "attention-lines-view.h"
#include "attention-overview.h"
#include "attention-window.h"

G_BEGIN_DECLS

/* Call once at the end of attention_window_init (later calls do nothing). */
void attention_window_analysis_init (AttentionWindow *self);

/* Adds a page to the view switcher. groups: the sidebar groups
 * (ATTENTION_ANALYSIS_GROUP () bits) that apply to it. */
void attention_window_analysis_add_page (AttentionWindow *self,
                                         GtkWidget *child,
                                         const char *name,
                                         const char *title,
                                         const char *icon_name,
                                         guint groups);

/* For tests and the export action; NULL before init. */
AttentionOverview *attention_window_get_overview (AttentionWindow *self);
AttentionAnalysisBar *attention_window_get_analysis_bar (AttentionWindow *self);
AttentionCompare *attention_window_get_compare (AttentionWindow *self);
AttentionLinesView *attention_window_get_lines_view (AttentionWindow *self);
/* TRUE while an aggregate is being computed off the main thread. */
gboolean attention_window_get_aggregate_busy (AttentionWindow *self);

/* The export chosen last, the state of win.export-format: an id of
 * attention-export-targets.h ("png", the original set, by default). */
const char *attention_window_analysis_get_export_format (AttentionWindow *self);

G_END_DECLS
