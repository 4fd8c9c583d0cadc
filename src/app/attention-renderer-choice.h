/* attention-renderer-choice.h: GTK's renderer on a machine without a GPU. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

gboolean attention_renderer_has_gpu (const char *dev_dir);
gboolean
attention_renderer_prefer_cairo (const char *gsk_renderer, const char *gdk_debug, gboolean has_gpu);
gboolean attention_renderer_choose_before_gtk (void);

G_END_DECLS
