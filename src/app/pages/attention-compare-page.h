/* attention-compare-page.h: the Compare page: the window's sentence and a
 * second one run through the same model, side by side on the same layer and
 * head, shown the same way (the classic "… because it was too tired" /
 * "… too wide" coreference pair). The second sentence has a selection of
 * its own that follows the window's in everything but the result; the two
 * grids line up on one colour scale and scroll together. */
#pragma once

#include "attention-page.h"

G_BEGIN_DECLS

#define ATTENTION_TYPE_COMPARE_PAGE (attention_compare_page_get_type ())
G_DECLARE_FINAL_TYPE (
    AttentionComparePage, attention_compare_page, ATTENTION, COMPARE_PAGE, AttentionPage)

/* Property "busy" (read-only): TRUE from Enter in the page's entry until
 * the second sentence's matrix, or the reason it failed, is shown. */
gboolean attention_compare_page_get_busy (AttentionComparePage *self);

G_END_DECLS
