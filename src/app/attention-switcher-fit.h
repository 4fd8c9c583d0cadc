/* attention-switcher-fit.h: the header bar's view switcher keeps its labels
 * where they fit, instead of giving way at libadwaita's fixed 100 px a page. */

#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

/* Makes TITLE's switcher take the narrow form whenever every page's label
 * fits whole, plus EXTRA pixels (room the caller will take from the
 * header bar once the switcher shows). Call again when EXTRA changes.
 * Returns FALSE, leaving TITLE as libadwaita made it, when TITLE is not
 * built as libadwaita 1.2 builds it. */
gboolean attention_switcher_fit (AdwViewSwitcherTitle *title, int extra);

G_END_DECLS
