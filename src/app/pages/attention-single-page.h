/* attention-single-page.h: the Single Head page: one matrix (a head, or an
 * aggregate the sidebar chose), zoomable and scrolled, with the read-out of
 * the cell under the pointer floating over it. */
#pragma once

#include "attention-page.h"

G_BEGIN_DECLS

#define ATTENTION_TYPE_SINGLE_PAGE (attention_single_page_get_type ())
G_DECLARE_FINAL_TYPE (
    AttentionSinglePage, attention_single_page, ATTENTION, SINGLE_PAGE, AttentionPage)

/* The matrix (zoom, and the first frame that shows one). */
AttentionView *attention_single_page_get_view (AttentionSinglePage *self);

G_END_DECLS
