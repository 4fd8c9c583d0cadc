/* attention-limit-banner.h: a strip that says when the text is longer than
 * the model was trained on, and what that means for the picture. Hidden
 * otherwise. */
#pragma once

#include <gtk/gtk.h>

#include "attention-result.h"

G_BEGIN_DECLS

#define ATTENTION_TYPE_LIMIT_BANNER (attention_limit_banner_get_type ())
G_DECLARE_FINAL_TYPE (
    AttentionLimitBanner, attention_limit_banner, ATTENTION, LIMIT_BANNER, GtkWidget)

/* Property "result": shown when some of its tokens lie past the model's
 * trained length; NULL hides it. */
void attention_limit_banner_set_result (AttentionLimitBanner *self, AttentionResult *result);
/* The text shown ("" when hidden). */
const char *attention_limit_banner_get_text (AttentionLimitBanner *self);

G_END_DECLS
