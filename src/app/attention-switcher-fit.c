/* attention-switcher-fit.c: libadwaita 1.2 gives each button of the narrow
 * view switcher at least 100 px of natural width, and AdwViewSwitcherTitle
 * shows the switcher only at its natural width: six pages ask 624 px
 * whatever their labels, which the default 1000 px window with the model's
 * name beside the switcher does not have (552 px with a window's three
 * title buttons), though the labels need about 440 (measured, English).
 * Here the title's squeezer switches on minimum widths, and the narrow
 * switcher asks for what its widest label needs. */

#include "attention-switcher-fit.h"

/* Room on each side of the widest label, so that labels never touch. */
#define LABEL_SPACE 4

static int
natural_width (GtkWidget *widget)
{
  int natural = 0;

  gtk_widget_measure (widget, GTK_ORIENTATION_HORIZONTAL, -1, NULL, &natural, NULL, NULL);
  return natural;
}

/* The widest content of BUTTON's vertical (narrow) form: icon over label. */
static int
narrow_content_width (GtkWidget *button)
{
  GtkWidget *stack = gtk_widget_get_first_child (button);
  int width = -1;

  if (stack == NULL)
    return -1;
  for (GtkWidget *box = gtk_widget_get_first_child (stack); box != NULL;
       box = gtk_widget_get_next_sibling (box))
    if (GTK_IS_ORIENTABLE (box) &&
        gtk_orientable_get_orientation (GTK_ORIENTABLE (box)) == GTK_ORIENTATION_VERTICAL)
      width = MAX (width, natural_width (box));
  return width;
}

gboolean
attention_switcher_fit (AdwViewSwitcherTitle *title, int extra)
{
  GtkWidget *squeezer, *wide, *narrow;
  int n = 0, widest = 0, widest_button = 0, need;

  g_return_val_if_fail (ADW_IS_VIEW_SWITCHER_TITLE (title), FALSE);

  /* libadwaita 1.2: a squeezer of the wide switcher, the narrow one and
   * the window title, in that order. */
  squeezer = gtk_widget_get_first_child (GTK_WIDGET (title));
  wide = squeezer != NULL ? gtk_widget_get_first_child (squeezer) : NULL;
  narrow = wide != NULL ? gtk_widget_get_next_sibling (wide) : NULL;
  if (!ADW_IS_SQUEEZER (squeezer) || !ADW_IS_VIEW_SWITCHER (wide) ||
      !ADW_IS_VIEW_SWITCHER (narrow) ||
      adw_view_switcher_get_policy (ADW_VIEW_SWITCHER (narrow)) != ADW_VIEW_SWITCHER_POLICY_NARROW)
    return FALSE;
  /* Measured as libadwaita sizes it, without the last call's request. */
  gtk_widget_set_size_request (narrow, -1, -1);

  for (GtkWidget *button = gtk_widget_get_first_child (narrow); button != NULL;
       button = gtk_widget_get_next_sibling (button))
    {
      int content = narrow_content_width (button);

      if (!gtk_widget_get_visible (button))
        continue;
      if (content < 0)
        return FALSE;
      widest = MAX (widest, content);
      widest_button = MAX (widest_button, natural_width (button));
      n++;
    }
  if (n == 0)
    return FALSE;

  /* The switcher's own margins: its natural width beyond its buttons'. */
  need = n * MIN (widest + 2 * LABEL_SPACE, widest_button) +
         MAX (0, natural_width (narrow) - n * widest_button);
  gtk_widget_set_size_request (narrow, need + MAX (extra, 0), -1);
  adw_squeezer_set_switch_threshold_policy (ADW_SQUEEZER (squeezer),
                                            ADW_FOLD_THRESHOLD_POLICY_MINIMUM);
  return TRUE;
}
