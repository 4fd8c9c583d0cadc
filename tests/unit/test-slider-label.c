/* test-slider-label.c: the text beside the layer and head sliders. */

#include <locale.h>

#include "attention-slider-label.h"

static void
check (char *got, const char *want)
{
  g_assert_cmpstr (got, ==, want);
  g_free (got);
}

static void
test_position (void)
{
  check (attention_slider_label (2, 12), "2 of 12");
  check (attention_slider_label (1, 1), "1 of 1");
}

static void
test_set (void)
{
  /* No set: the slider's own value. */
  check (attention_slider_label_for_set (0, 3, 12), "3 of 12");
  /* One member names it, whatever the slider says. */
  check (attention_slider_label_for_set (1u << 4, 3, 12), "5 of 12");
  check (attention_slider_label_for_set ((1u << 0) | (1u << 2) | (1u << 4), 1, 12),
         "1, 3, 5 of 12");
  /* Bits past the count are not heads. */
  check (attention_slider_label_for_set ((1u << 0) | (1u << 2) | (1u << 7), 1, 4), "1, 3 of 4");
  check (attention_slider_label_for_set (G_GUINT64_CONSTANT (1) << 63 | 1, 1, 64), "1, 64 of 64");
}

int
main (int argc, char **argv)
{
  setlocale (LC_ALL, "C");
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/slider-label/position", test_position);
  g_test_add_func ("/slider-label/set", test_set);
  return g_test_run ();
}
