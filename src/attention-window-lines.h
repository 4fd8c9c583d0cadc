/* attention-window-lines.h: puts the lines view (AttentionLinesView) into
 * today's window as a third page beside the single head and the overview,
 * behind a "Lines" toggle (win.lines, Ctrl+K). Everything is in
 * attention-window-lines.c; the window makes one call, so the redesigned
 * window can drop this file and add its "Lines" page with the same widget. */
#pragma once

#include "attention-lines-view.h"
#include "attention-window.h"

G_BEGIN_DECLS

/* Call once, after attention_window_analysis_init. */
void attention_window_lines_init (AttentionWindow *self);
/* NULL before init. */
AttentionLinesView *attention_window_get_lines_view (AttentionWindow *self);

G_END_DECLS
