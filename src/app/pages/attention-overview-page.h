/* attention-overview-page.h: the All Heads page: every head of the result
 * at a glance (AttentionOverview), outlining the selection's head, with the
 * legend of the score that colours the heads. A click or Enter on a head
 * opens it on the Single Head page. */
#pragma once

#include "attention-page.h"

G_BEGIN_DECLS

#define ATTENTION_TYPE_OVERVIEW_PAGE (attention_overview_page_get_type ())
G_DECLARE_FINAL_TYPE (
    AttentionOverviewPage, attention_overview_page, ATTENTION, OVERVIEW_PAGE, AttentionPage)

G_END_DECLS
