/* attention-sidebar.h: the window's sidebar of analysis options (F9): what
 * to show (head, layer mean, mean of all, rollout), hiding [CLS]/[SEP],
 * colour map and scale, which score colours and sorts the overview, and the
 * strongest pattern of the matrix shown. Every control is bound to the
 * window's AttentionSelection and has a mnemonic, so all of it is reachable
 * by keyboard. The groups a page does not use are hidden. */
#pragma once

#include <gtk/gtk.h>

#include "attention-page.h"
#include "attention-selection.h"

G_BEGIN_DECLS

#define ATTENTION_TYPE_SIDEBAR (attention_sidebar_get_type ())
G_DECLARE_FINAL_TYPE (AttentionSidebar, attention_sidebar, ATTENTION, SIDEBAR, GtkWidget)

/* Property "selection" (construct-only): what the controls set.
 *
 * Shows only these groups: those of the page in view. */
void attention_sidebar_set_groups (AttentionSidebar *self, AttentionPageGroups groups);

G_END_DECLS
