/* attention-slider-label.c: see attention-slider-label.h. One place for the
 * translatable "of" text, which the window's layer row and the Lines view's
 * head row both show. */

#include "attention-slider-label.h"

#include <glib/gi18n.h>

char *
attention_slider_label (guint value, guint count)
{
  /* Translators: slider position, e.g. layer "2 of 12". */
  return g_strdup_printf (_ ("%u of %u"), value, count);
}

char *
attention_slider_label_for_set (guint64 members, guint value, guint count)
{
  g_autoptr (GString) list = NULL;

  if ((members & (members - 1)) == 0)
    return attention_slider_label (
        members != 0 ? (guint)g_bit_nth_lsf ((gulong)members, -1) + 1 : value, count);
  list = g_string_new (NULL);
  for (guint i = 0; i < 64 && i < count; i++)
    if ((members >> i) & 1)
      g_string_append_printf (list, "%s%u", list->len > 0 ? ", " : "", i + 1);
  /* Translators: the heads overlaid in the Lines view, e.g. "1, 3, 5 of 12". */
  return g_strdup_printf (_ ("%s of %u"), list->str, count);
}
